"""Azerbaijan: Ministry of Foreign Affairs, English news."""

from __future__ import annotations

from crawler.pages.az import AzListingPage, AzReleasePage
from crawler.spiders.base import PressReleaseSpider


class AzSpider(PressReleaseSpider):
    """Source: Ministry of Foreign Affairs of the Republic of Azerbaijan,
    https://www.mfa.gov.az/en/news.

    Caveats: listing ``?page=N`` from 1; dates ``%d %B %Y`` in the second span of
    each item; links are absolute and the site answers with and without ``www``:
    documents are keyed under ``https://mfa.gov.az/en/news/<no>``. Feed paths
    answer 500 (seen on the live site), so the HTML listing is the only route.
    """

    name = "az"
    country = "AZ"
    ministry = "Ministry of Foreign Affairs of the Republic of Azerbaijan"
    evidence_date = "2026-09-13"  # the feed survey of 2026-09-13 (feeds 500)
    allowed_domains = ["mfa.gov.az"]
    listing_url = "https://www.mfa.gov.az/en/news?page=1"
    canonical_host = "mfa.gov.az"
    listing_page = AzListingPage
    release_page = AzReleasePage
