"""Armenia: Ministry of Foreign Affairs, English news."""

from __future__ import annotations

from collections.abc import Iterable

from scrapy.http import Request, TextResponse

from crawler.pages.am import AmListingPage, AmReleasePage
from crawler.pages.base import ListingPage
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
    allowed_domains = ["mfa.am"]
    listing_url = "https://www.mfa.am/en/news?page=1"
    page_url_template = "https://www.mfa.am/en/news?page={page}"
    listing_page = AmListingPage
    release_page = AmReleasePage

    def next_page_requests(
        self, response: TextResponse, listing: ListingPage, page: int
    ) -> Iterable[Request]:
        last = listing.last_page() if isinstance(listing, AmListingPage) else None
        if last is not None and page >= last:
            return  # the pager says this is the last page: no request past the end
        yield from super().next_page_requests(response, listing, page)
