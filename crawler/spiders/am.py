"""Armenia: Ministry of Foreign Affairs, English news."""

from __future__ import annotations

from crawler.pages.am import AmListingPage, AmReleasePage
from crawler.spiders.base import PressReleaseSpider


class AmSpider(PressReleaseSpider):
    """Source: Ministry of Foreign Affairs of the Republic of Armenia,
    https://www.mfa.am/en/news.

    Caveats: listing ``?page=N`` from 1 (``div.news-list ul li``); dates
    ``%d %B, %Y`` (``13 May, 2024``) in ``div.date.italic``; links are absolute,
    to ``/en/<section>/YYYY/MM/DD/<name>/<id>`` (press releases and statements
    share the news listing). Paging stops at the last page the pager links to,
    or on an empty page when there is no pager; the pager markup
    (``ul.pagination``) is [inf], unverified. Feed paths answer 404
    (seen on the live site), so the HTML listing is the only route.
    """

    name = "am"
    country = "AM"
    ministry = "Ministry of Foreign Affairs of the Republic of Armenia"
    evidence_date = "2026-09-13"  # the feed survey of 2026-09-13 (RSS 404)
    allowed_domains = ["mfa.am"]
    listing_url = "https://www.mfa.am/en/news?page=1"
    listing_page = AmListingPage
    release_page = AmReleasePage
