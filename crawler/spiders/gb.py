"""United Kingdom: Foreign, Commonwealth & Development Office, news on GOV.UK."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from scrapy.http import Request, Response, TextResponse

from crawler.items import FetchFailure, ReleaseItem
from crawler.pages.base import ListingEntry, ListingPage
from crawler.pages.gb import SITE, GbListingPage, GbReleasePage
from crawler.spiders.base import Discovered, PressReleaseSpider

COUNT = 10  # results per Search API page
_SEARCH = (
    f"{SITE}/api/search.json?filter_organisations=foreign-commonwealth-development-office"
    "&filter_content_purpose_supergroup=news_and_communications&order=-public_timestamp"
    "&count={count}&start={start}"
    "&fields=title,link,public_timestamp,description,content_store_document_type,organisations"
)


class GbSpider(PressReleaseSpider):
    """Source: Foreign, Commonwealth & Development Office, GOV.UK Search API
    (``/api/search.json?filter_organisations=foreign-commonwealth-development-office``).

    Caveats: the listing is JSON (``results[]`` with ``link``, ``title``,
    ``public_timestamp``; ``total``), paged with ``start`` in steps of ``count``
    and stopped once ``start`` reaches ``total``. Only ``/government/news/``
    results (press releases, news stories) are archived; speeches and other
    news-and-communications formats are skipped, and a page of them alone does
    not end the crawl. Bodies come from the Content API,
    ``/api/content/government/news/<slug>`` (``title``, ``first_published_at``,
    ``details.body`` HTML), so the raw page stored is that JSON; documents are
    keyed under ``https://www.gov.uk/government/news/<slug>``. The listing date
    is ``public_timestamp`` (the latest update), the page date the first
    publication. The "Media enquiries" tail of the body is cut [inf]. No bot
    wall reported.
    """

    name = "gb"
    country = "GB"
    ministry = "Foreign, Commonwealth & Development Office"
    allowed_domains = ["www.gov.uk"]
    listing_url = _SEARCH.format(count=COUNT, start=0)
    first_page = 0
    listing_page = GbListingPage
    release_page = GbReleasePage

    def parse_listing(
        self, response: Response, page: int
    ) -> Iterator[Request | ReleaseItem | FetchFailure | Discovered]:
        yield from super().parse_listing(response, page)
        if not isinstance(response, TextResponse) or response.status >= 400:
            return
        listing = GbListingPage(response)
        dates = listing.listed_dates()
        # The base spider pages on only after a page with news; a page of
        # speeches alone (all still newer than `since`) must not end the walk.
        if (not listing.entries() and dates and page - self.first_page + 1 < self.max_pages
                and (self.since is None or min(dates) >= self.since)):
            yield from self.next_page_requests(response, listing, page)

    def next_page_requests(
        self, response: TextResponse, listing: ListingPage, page: int
    ) -> Iterable[Request]:
        start = (page + 1) * COUNT
        total = listing.total if isinstance(listing, GbListingPage) else None
        if total is not None and start >= total:
            return
        yield self.listing_request(_SEARCH.format(count=COUNT, start=start), page=page + 1)

    def release_request(self, entry: ListingEntry) -> Request:
        request = super().release_request(entry)
        return request.replace(url=f"{SITE}/api/content{urlsplit(entry.url).path}")
