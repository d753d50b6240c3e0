"""The base spider for a ministry's press releases.

How to add a ministry (see ``az.py`` for a complete example):

1. Write its page objects in ``crawler/pages/<key>.py`` (listing and release).
2. Subclass :class:`PressReleaseSpider` in ``crawler/spiders/<key>.py`` and set
   ``name`` (the key), ``country``, ``ministry``, ``allowed_domains``,
   ``listing_url``, ``listing_page``, ``release_page`` and the pagination:
   ``page_url_template`` with ``{page}`` and ``first_page`` (``?page=N``,
   ``/page/N/``, ``index_N.html``...).
3. Override :meth:`next_page_requests` only for sites that page by form
   postback, POST search or a JSON API.
4. Write its mirror in ``crawler/mirror/sites/<key>.py`` plus data.

.. code-block:: python

    class XxSpider(PressReleaseSpider):
        name = "xx"
        country = "XX"
        ministry = "Ministry of Foreign Affairs of Xland"
        allowed_domains = ["mfa.xx"]
        listing_url = "https://mfa.xx/en/news"
        page_url_template = "https://mfa.xx/en/news?page={page}"
        listing_page = XxListingPage
        release_page = XxReleasePage

Arguments: ``since`` (ISO date): stop paging once the listing is older.
Settings read: ``ARCHIVE_MAX_PAGES``, ``ARCHIVE_SINCE``, ``ARCHIVE_BASE_URL``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure

from crawler.exceptions import SpiderArgumentError
from crawler.items import FetchFailure, ReleaseItem
from crawler.pages.base import ListingEntry, ListingPage, ReleasePage
from crawler.urls import canonical_url
from crawler.walls import detect_wall


class PressReleaseSpider(scrapy.Spider):
    """Walks a ministry's listing pages, newest first, and fetches every release."""

    country: ClassVar[str]
    ministry: ClassVar[str]
    listing_url: ClassVar[str]
    page_url_template: ClassVar[str | None] = None
    first_page: ClassVar[int] = 1
    listing_page: ClassVar[type[ListingPage]]
    release_page: ClassVar[type[ReleasePage]]
    language: ClassVar[str] = "en"
    canonical_host: ClassVar[str | None] = None  # the host documents are keyed under
    handle_httpstatus_list: ClassVar[list[int]] = [403]  # walls answer 403: recognise them
    schedule: ClassVar[str | None] = None  # cron expression; None: daily, staggered

    since: dt.date | None
    max_pages: int

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PressReleaseSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, PressReleaseSpider)
        since = kwargs.get("since") or crawler.settings.get("ARCHIVE_SINCE")
        try:
            spider.since = dt.date.fromisoformat(str(since)) if since else None
        except ValueError as exc:
            raise SpiderArgumentError(
                f"spider argument 'since': {since!r} is not an ISO date (YYYY-MM-DD)"
            ) from exc
        spider.max_pages = crawler.settings.getint("ARCHIVE_MAX_PAGES", 500)
        base_url = crawler.settings.get("ARCHIVE_BASE_URL")
        if base_url:
            # Let the mirror's host past OffsiteMiddleware; MirrorRebase sends requests there.
            host = urlsplit(base_url).hostname or ""
            spider.allowed_domains = [*getattr(cls, "allowed_domains", []), host]
        return spider

    async def start(self) -> AsyncIterator[Request]:
        yield self.listing_request(self.listing_url, page=self.first_page)

    def listing_request(self, url: str, *, page: int, **kwargs: Any) -> Request:
        return Request(
            url,
            callback=self.parse_listing,
            errback=self.listing_failed,
            cb_kwargs={"page": page},
            **kwargs,
        )

    def parse_listing(
        self, response: Response, page: int
    ) -> Iterator[Request | ReleaseItem | FetchFailure]:
        if not isinstance(response, TextResponse):
            yield FetchFailure(source=self.name, url=response.url, reason="listing is not text",
                               release=False)
            return
        wall = detect_wall(response.status, response.url, response.text)
        if wall:
            yield FetchFailure(source=self.name, url=response.url, reason=f"blocked: {wall}",
                               blocked=True, release=False)
            return
        if response.status >= 400:
            yield FetchFailure(source=self.name, url=response.url,
                               reason=f"HTTP {response.status}", release=False)
            return
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("archive/listing_pages")
        listing = self.listing_page(response)
        entries = listing.entries()
        fresh = [e for e in entries if self.since is None or e.date is None or e.date >= self.since]
        for entry in fresh:
            yield self.release_request(entry)
        if entries and len(fresh) == len(entries) and page - self.first_page + 1 < self.max_pages:
            yield from self.next_page_requests(response, listing, page)

    def next_page_requests(
        self, response: TextResponse, listing: ListingPage, page: int
    ) -> Iterable[Request]:
        """Requests for the next listing page; by default ``page_url_template``."""
        if self.page_url_template:
            yield self.listing_request(self.page_url_template.format(page=page + 1), page=page + 1)

    def release_request(self, entry: ListingEntry) -> Request:
        return Request(
            entry.url,
            callback=self.parse_release,
            errback=self.release_failed,
            cb_kwargs={"entry": entry},
        )

    def parse_release(self, response: Response, entry: ListingEntry) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            yield FetchFailure(source=self.name, url=self.canonical(entry.url),
                               reason=f"not an HTML page ({_content_type(response)})")
            return
        wall = detect_wall(response.status, response.url, response.text)
        if wall:
            yield FetchFailure(source=self.name, url=self.canonical(entry.url),
                               reason=f"blocked: {wall}", blocked=True)
            return
        if response.status >= 400:
            yield FetchFailure(source=self.name, url=self.canonical(entry.url), reason=f"HTTP {response.status}")
            return
        page = self.release_page(response)
        yield ReleaseItem(
            source=self.name,
            url=self.canonical(entry.url),
            body=response.body,
            encoding=response.encoding,
            status=response.status,
            fetched_at=dt.datetime.now(dt.UTC),
            etag=_header(response, "ETag"),
            last_modified=_header(response, "Last-Modified"),
            listing_title=entry.title,
            listing_date=entry.date,
            page_title=page.title,
            page_date=page.date,
            page_body=page.body,
            language_hint=self.language,
        )

    def canonical(self, url: str) -> str:
        """The key a release is archived under."""
        return canonical_url(url, host=self.canonical_host)

    def release_failed(self, failure: Failure) -> Iterator[FetchFailure]:
        request = failure.request  # type: ignore[attr-defined]
        entry = request.cb_kwargs.get("entry")
        url = entry.url if entry else request.url
        yield FetchFailure(source=self.name, url=self.canonical(url), reason=_reason(failure))

    def listing_failed(self, failure: Failure) -> Iterator[FetchFailure]:
        yield FetchFailure(source=self.name, url=failure.request.url,  # type: ignore[attr-defined]
                           reason=_reason(failure), release=False)


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _content_type(response: Response) -> str:
    value = response.headers.get("Content-Type")
    return value.decode("latin-1") if value else "no Content-Type"


def _reason(failure: Failure) -> str:
    value = failure.value
    response = getattr(value, "response", None)
    if response is not None:
        return f"HTTP {response.status}"
    return f"{type(value).__name__}: {value}".strip().rstrip(":")
