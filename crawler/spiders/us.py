"""United States: Department of State, press releases of the Office of the Spokesperson."""

from __future__ import annotations

from crawler.pages.us import UsListingPage, UsReleasePage
from crawler.spiders.base import PressReleaseSpider


class UsSpider(PressReleaseSpider):
    """Source: U.S. Department of State, https://www.state.gov/press-releases/.

    Caveats: WordPress collection, ``/press-releases/`` then
    ``/press-releases/page/N/``; items ``li.collection-result`` dated
    ``%B %d, %Y`` (``July 29, 2025``). Only links under
    ``/releases/office-of-the-spokesperson/YYYY/MM/<slug>/`` are press
    statements; briefings and other bureaus' releases are skipped, and a page
    listing none of them does not end the crawl. Readouts are credited to the
    Spokesperson, who is not a participant. Paging stops at the last page the
    pager links [inf: pager markup undocumented], else on an empty page.
    state.gov answers descriptive user agents and datacentre IPs with a
    "Technical Difficulties" page (403, or 200): recorded as blocked. The WP
    REST route ``/wp-json/wp/v2/state_press_release`` is documented but unused.
    """

    name = "us"
    country = "US"
    ministry = "U.S. Department of State"
    evidence_date = "2026-10"  # RC's collectors of 2026-10-02
    allowed_domains = ["state.gov"]
    listing_url = "https://www.state.gov/press-releases/"
    canonical_host = "www.state.gov"
    listing_page = UsListingPage
    release_page = UsReleasePage
