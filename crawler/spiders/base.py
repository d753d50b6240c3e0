"""The base spider for a ministry's press releases.

How to add a ministry (see ``az.py`` for a complete example):

1. Write its page objects in ``crawler/pages/<key>.py`` (listing and release);
   the listing page says how the listing pages on (``page_url_template``, and
   :meth:`~crawler.pages.base.ListingPage.next_page` where the page shows its
   last page).
2. Subclass :class:`PressReleaseSpider` in ``crawler/spiders/<key>.py`` and set
   ``name`` (the key), ``country``, ``ministry``, ``allowed_domains``,
   ``listing_url``, ``listing_page``, ``release_page`` and ``first_page``, the
   number of the first listing page (1, or 0 for ``index.html``/``?page=0``).
3. Override :meth:`next_page_request` only for sites that page by form
   postback; a site that pages by POST search or date windows makes its own
   requests.
4. Write its mirror in ``crawler/mirror/sites/<key>.py`` plus data.

.. code-block:: python

    class XxSpider(PressReleaseSpider):
        name = "xx"
        country = "XX"
        ministry = "Ministry of Foreign Affairs of Xland"
        allowed_domains = ["mfa.xx"]
        listing_url = "https://mfa.xx/en/news"
        listing_page = XxListingPage
        release_page = XxReleasePage

Arguments: ``since`` (ISO date): page back to this date (a backfill);
``full``: re-fetch every archived release and walk every listing page.

Incremental by default: the ``ArchiveRun`` extension (crawler/extensions.py)
hands the spider its source's frontier (:attr:`PressReleaseSpider.frontier`, a
:class:`db.frontier.FrontierPlan`) before the first request. The spider
fetches the releases the frontier queues (pending, retries that are due and,
with ``full``, every archived release by conditional GET), skips what is
archived, and stops paging at a listing page that holds only releases known
before the last complete listing walk. Without the extension (unit tests) the
frontier is empty and it walks everything.

Settings read: ``ARCHIVE_MAX_PAGES``, ``ARCHIVE_SINCE``, ``ARCHIVE_BASE_URL``,
``ARCHIVE_FULL``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure

from crawler.exceptions import SpiderArgumentError
from crawler.items import FetchFailure, ReleaseItem
from crawler.pages.base import LastPage, ListingEntry, ListingPage, NextPage, ReleasePage
from crawler.registry import Source
from crawler.release import FetchedPage, ListingHints
from crawler.urls import canonical_url
from crawler.walls import detect_wall
from db.frontier import Discovery, FrontierPlan, FrontierTask

# Statuses a re-fetch of an archived release handles itself: not modified, gone.
_REFETCH_STATUSES = [304, 404, 410]


@dataclass(kw_only=True, slots=True)
class Discovered:
    """Release URLs a listing page showed, to enter the frontier as ``pending``."""

    source: str
    entries: list[Discovery]


@dataclass(kw_only=True, slots=True)
class NotModified:
    """A conditional re-fetch answered 304: the archived release is current."""

    source: str
    url: str
    fetched_at: dt.datetime


class PressReleaseSpider(scrapy.Spider):
    """Walks a ministry's listing pages, newest first, and fetches every release."""

    country: ClassVar[str]
    ministry: ClassVar[str]
    listing_url: ClassVar[str]
    first_page: ClassVar[int] = 1
    listing_page: ClassVar[type[ListingPage]]
    release_page: ClassVar[type[ReleasePage]]
    language: ClassVar[str] = "en"
    allowed_domains: list[str] = []  # Scrapy's attribute, set by each subclass
    # More listings to walk after ``listing_url`` (a site with several sections).
    sections: ClassVar[tuple[str, ...]] = ()
    canonical_host: ClassVar[str | None] = None  # the host documents are keyed under
    handle_httpstatus_list: ClassVar[list[int]] = [403]  # walls answer 403: recognise them
    schedule: ClassVar[str | None] = None  # cron expression; None: daily, staggered
    # When the evidence the source is built on (the site survey) was gathered.
    evidence_date: ClassVar[str | None] = None

    since: dt.date | None
    full: bool
    max_pages: int
    # What the archive knows of this source; set by the ArchiveRun extension on opening.
    frontier: FrontierPlan

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
        full = kwargs.get("full", crawler.settings.getbool("ARCHIVE_FULL"))
        spider.full = full if isinstance(full, bool) else str(full).lower() in ("1", "true", "yes")
        spider.max_pages = crawler.settings.getint("ARCHIVE_MAX_PAGES", 500)
        spider.frontier = NO_FRONTIER
        base_url = crawler.settings.get("ARCHIVE_BASE_URL")
        if base_url:
            # Let the mirror's host past OffsiteMiddleware; MirrorRebase sends requests there.
            host = urlsplit(base_url).hostname or ""
            spider.allowed_domains = [*getattr(cls, "allowed_domains", []), host]
        return spider

    async def start(self) -> AsyncIterator[Request]:
        for request in self.frontier_requests():
            yield request
        for url in (self.listing_url, *(u for u in self.sections if u != self.listing_url)):
            yield self.listing_request(url, page=self.first_page)

    def frontier_requests(self) -> Iterator[Request]:
        """Releases queued by the frontier: pending, due retries, and re-fetches with ``full``."""
        for task in self.frontier.queue:
            yield self.frontier_request(task)

    def frontier_request(self, task: FrontierTask) -> Request:
        request = self.release_request(ListingEntry(url=task.url, title=task.title, date=task.date))
        if not task.archived:
            return request
        headers: dict[str, str] = {}
        if task.etag:
            headers["If-None-Match"] = task.etag
        if task.last_modified:
            headers["If-Modified-Since"] = task.last_modified
        for name, value in headers.items():
            request.headers[name] = value
        request.meta["handle_httpstatus_list"] = sorted(
            {*self.handle_httpstatus_list, *_REFETCH_STATUSES})
        return request

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
    ) -> Iterator[Request | ReleaseItem | FetchFailure | Discovered]:
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
        self.crawler.stats.inc_value("archive/listing_entries", len(entries))
        fresh = [e for e in entries if self.since is None or e.date is None or e.date >= self.since]
        plan = self.frontier
        requested = self.__dict__.setdefault("_requested", set())
        new = []
        for entry in fresh:
            url = self.canonical(entry.url)
            if url not in plan.skip and url not in requested:
                requested.add(url)
                new.append(entry)
        if new:
            yield Discovered(source=self.name, entries=[
                Discovery(url=self.canonical(e.url), title=e.title, date=e.date) for e in new])
        for entry in new:
            yield self.release_request(entry)
        known_page = bool(entries) and all(self.canonical(e.url) in plan.known for e in entries)
        if known_page and not self.full and self.since is None:
            self.logger.info("listing page %s holds only known releases: incremental stop", page)
            return
        # Page on while the page listed anything and all of it is newer than `since`;
        # a page whose items the source skips (briefings among statements) counts.
        listed = listing.listed_dates()
        in_range = len(fresh) == len(entries) and (
            self.since is None or all(d >= self.since for d in listed))
        if (entries or listed) and in_range and page - self.first_page + 1 < self.max_pages:
            yield from self.next_page_requests(response, listing, page)

    def next_page_requests(
        self, response: TextResponse, listing: ListingPage, page: int
    ) -> Iterable[Request]:
        """The request for the listing page after ``page``, unless the listing ends there."""
        following = listing.next_page(page)
        if isinstance(following, LastPage):
            self.logger.debug("listing page %s is the last: %s", page, following.reason)
            return
        yield self.next_page_request(response, following, page + 1)

    def next_page_request(self, response: TextResponse, following: NextPage, page: int) -> Request:
        """A GET of ``following.url``, listing page number ``page``."""
        return self.listing_request(following.url, page=page)

    def release_request(self, entry: ListingEntry) -> Request:
        # dont_filter: the spider dedupes releases itself (frontier, this run's set);
        # Scrapy's filter would silently drop a redirect loop's repeat instead of
        # letting REDIRECT_MAX_TIMES fail it, and the URL would never be recorded.
        # priority 1: queued releases go before the next listing page, so the queue
        # (and memory) stays at about a page of releases however long the walk.
        return Request(
            entry.url,
            callback=self.parse_release,
            errback=self.release_failed,
            cb_kwargs={"entry": entry},
            dont_filter=True,
            priority=1,
        )

    def parse_release(self, response: Response, entry: ListingEntry) -> Iterator[Any]:
        if response.status == 304:
            yield NotModified(source=self.name, url=self.canonical(entry.url),
                              fetched_at=dt.datetime.now(dt.UTC))
            return
        if response.status in (404, 410):  # a re-fetch of an archived release: gone
            yield FetchFailure(source=self.name, url=self.canonical(entry.url),
                               reason=f"HTTP {response.status}")
            return
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
        yield ReleaseItem(source=self.name, page=FetchedPage.of_source(
            self.describe(),
            url=self.canonical(entry.url),
            body=response.body,
            encoding=response.encoding,
            hints=ListingHints(title=entry.title, date=entry.date),
            status=response.status,
            fetched_at=dt.datetime.now(dt.UTC),
            etag=_header(response, "ETag"),
            last_modified=_header(response, "Last-Modified"),
        ))  # the page object parses it in an extraction worker, not here

    @classmethod
    def canonical(cls, url: str) -> str:
        """The key a release found at ``url`` is archived under (the source's canonical rule)."""
        return canonical_url(url, host=cls.canonical_host)

    @classmethod
    def describe(cls) -> Source:
        """The spider's source, as the registry (crawler/registry.py) lists it."""
        return Source(
            key=cls.name, country=cls.country, ministry=cls.ministry, language=cls.language,
            listing_url=cls.listing_url, allowed_domains=tuple(cls.allowed_domains),
            spider=cls, listing_page=cls.listing_page, release_page=cls.release_page,
            canonical=cls.canonical, schedule=cls.schedule, kind="coded",
            evidence_date=cls.evidence_date,
        )

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


NO_FRONTIER = FrontierPlan(skip=frozenset(), known=frozenset(), queue=())

# Failure reasons by exception class name (Scrapy, Twisted): short, stable, greppable.
_REASONS = {
    "TimeoutError": "timeout",
    "DownloadTimeoutError": "timeout",
    "TCPTimedOutError": "timeout",
    "ResponseNeverReceived": "no response",
    "ResponseFailed": "truncated: connection lost mid-body",
    "ResponseDataLoss": "truncated: connection lost mid-body",
    "ResponseDataLossError": "truncated: connection lost mid-body",
    "DownloadFailedError": "truncated: connection lost mid-body",
    "PotentialDataLoss": "truncated: connection lost mid-body",
    "ConnectionLost": "truncated: connection lost mid-body",
    "ConnectionRefusedError": "connection refused",
    "DownloadConnectionRefusedError": "connection refused",
    "DNSLookupError": "DNS lookup failed",
    "CannotResolveHostError": "DNS lookup failed",
    "CancelledError": "too_large",
    "DownloadCancelledError": "too_large",
}


def _reason(failure: Failure) -> str:
    """A short reason for a failed request, e.g. ``HTTP 404``, ``timeout``, ``too_large``."""
    value = failure.value
    response = getattr(value, "response", None)
    if response is not None:
        return f"HTTP {response.status}"
    name = type(value).__name__
    message = str(value)
    if name == "IgnoreRequest":
        if "max redirections" in message:
            return "redirect_loop"
        if "max size" in message or "DOWNLOAD_MAXSIZE" in message:
            return "too_large"
        return message or "ignored"
    if name in _REASONS:
        return _REASONS[name]
    return f"{name}: {message}".strip().rstrip(":")[:300]
