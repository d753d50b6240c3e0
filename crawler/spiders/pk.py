"""Pakistan: Ministry of Foreign Affairs, press releases."""

from __future__ import annotations

from crawler.pages.pk import PkListingPage, PkReleasePage
from crawler.spiders.base import PressReleaseSpider


class PkSpider(PressReleaseSpider):
    """Source: Ministry of Foreign Affairs, Pakistan, https://mofa.gov.pk/press-releases.

    Caveats: cards linking ``https://mofa.gov.pk/press-releases/<slug>`` (absolute);
    page 1 has no parameter, later pages ``?page=N``; dates ``%d %b %Y``
    (``01 Oct 2026``; ``%d %B %Y`` as a fallback) after a calendar icon. The
    article body runs on into "Print/Share" and "Related Stories" cards, which
    the page object cuts. Paging stops when the Bootstrap pager shows no next
    link [inf: the pager markup is not documented], else on an empty page.
    robots.txt allows everything; the ``/feed/`` RSS is unverified [inf].
    """

    name = "pk"
    country = "PK"
    ministry = "Ministry of Foreign Affairs, Pakistan"
    evidence_date = "2026-10"  # dates read in October 2026
    allowed_domains = ["mofa.gov.pk"]
    listing_url = "https://mofa.gov.pk/press-releases"
    listing_page = PkListingPage
    release_page = PkReleasePage
