"""The generic spider of declared sources: navigation as the declaration's ``[listing.paging]`` says.

:func:`spider_class` makes one :class:`DeclaredSpider` subclass per declaration.
A site that needs behaviour a declaration cannot state (a POST form, a postback,
a signed API, a date window) registers a Python subclass of :class:`DeclaredSpider`
in :data:`CODED` under its key; the declaration still supplies everything else.

Paging kinds: ``template`` (``{page}`` from ``first_page``; sections page by the same
query parameter), ``offset`` (``{offset}`` by ``step``), ``monthly`` (the listing URL,
then the crawl month's archive and back ``months`` months across year boundaries; an
empty or missing month is skipped, not a stop; past ``months``, the older archive months
the pages linked to), ``next_link``, ``feed``, ``sitemap``
(an index's child sitemaps are followed), ``json`` (``{page}`` or ``{cursor}``),
``none``. Every kind stops at a page that lists nothing new to this run's walk or
only releases known before (the base spider's incremental rule).

Walls: the declaration's ``[walls] markers`` (besides the common ones of
:mod:`crawler.walls`) make a page a wall, recorded as blocked and never stored.

Setting read besides the base spider's: ``ARCHIVE_TODAY`` (ISO date; the crawl day,
for monthly walks and dates without a year; default today, UTC).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

from scrapy.http import Request, Response, TextResponse

from crawler.declared.canonical import declared_canonical
from crawler.declared.pages import (
    META_TODAY,
    META_YEAR,
    DeclaredListingPage,
    listing_page_class,
    release_page_class,
)
from crawler.declared.schema import Declaration
from crawler.items import FetchFailure
from crawler.pages.base import ListingEntry, ListingPage
from crawler.registry import Source
from crawler.spiders.base import PressReleaseSpider
from crawler.urls import with_query_param

META_BASE = "declared_base"  # the listing (or section) URL a page belongs to
META_MONTH = "declared_month"  # monthly walks: 0 the listing URL, 1 the crawl month, 2 ...
_WALL_HEAD = 20_000
_WALL_PAGE = 60_000


def _months_back(today: dt.date, back: int) -> tuple[int, int]:
    """(year, month) ``back`` months before ``today``'s month."""
    index = today.year * 12 + today.month - 1 - back
    return index // 12, index % 12 + 1



class DeclaredSpider(PressReleaseSpider):
    """Walks a declared source's listing as its declaration says."""

    declaration: ClassVar[Declaration]
    kind: ClassVar[str] = "declared"
    listing_page: ClassVar[type[DeclaredListingPage]]

    # -- the crawl day, requests --------------------------------------------------

    @property
    def today(self) -> dt.date:
        value = self.crawler.settings.get("ARCHIVE_TODAY") if hasattr(self, "crawler") else None
        return dt.date.fromisoformat(str(value)) if value else dt.datetime.now(dt.UTC).date()

    async def start(self) -> AsyncIterator[Request]:
        paging = self.declaration.listing.paging
        if paging.kind == "json" and paging.cursor and self.since is not None:
            for request in self.frontier_requests():
                yield request
            assert paging.template is not None
            url = paging.template.format(cursor=f"{self.since.isoformat()}T00:00:00")
            yield self.listing_request(url, page=self.first_page,
                                       meta={META_BASE: self.listing_url})
            return
        async for request in super().start():
            yield request

    def listing_request(self, url: str, *, page: int, **kwargs: Any) -> Request:
        listing = self.declaration.listing
        meta: dict[str, Any] = dict(kwargs.pop("meta", None) or {})
        meta.setdefault(META_BASE, url)
        meta.setdefault(META_TODAY, self.today.isoformat())
        if listing.paging.kind == "monthly":
            meta.setdefault(META_MONTH, 0)
            meta["handle_httpstatus_list"] = [*self.handle_httpstatus_list, 404]
        seen: set[str] = self.__dict__.setdefault("_listing_urls", set())
        seen.add(url)
        # dont_filter: a cookie gate redirects a page to itself; the walk dedupes its pages.
        return Request(
            url, callback=self.parse_listing, errback=self.listing_failed,
            cb_kwargs={"page": page}, meta=meta, dont_filter=True,
            headers=dict(listing.headers) or None, cookies=dict(listing.cookies) or None,  # kept by the jar for the releases
            **kwargs,
        )

    @classmethod
    def canonical(cls, url: str) -> str:
        return declared_canonical(url, cls.declaration.canonical)

    @classmethod
    def describe(cls) -> Source:
        return dataclasses.replace(super().describe(), kind="declared")

    # -- walls --------------------------------------------------------------------

    def wall_marker(self, text: str) -> str | None:
        """The declared wall marker ``text`` holds near its top, or ``None``."""
        if len(text) > _WALL_PAGE:
            return None
        head = text[:_WALL_HEAD]
        for marker in self.declaration.walls.markers:
            if marker in head:
                return f"declared wall marker {marker!r}"
        return None

    def parse_listing(self, response: Response, page: int) -> Iterator[Any]:
        if isinstance(response, TextResponse):
            wall = self.wall_marker(response.text)
            if wall:
                yield FetchFailure(source=self.name, url=response.url, reason=f"blocked: {wall}",
                                   blocked=True, release=False)
                return
            kind = self.declaration.listing.paging.kind
            if kind == "monthly" and response.status == 404:
                yield from self._next_month(response, page)
                return
            if kind in ("monthly", "sitemap") and response.status < 400:
                listing = self.listing_page(response)
                if kind == "monthly":
                    self._note_linked_months(response)
                if kind == "sitemap":
                    yield from self._child_sitemaps(listing, page)
                elif not listing.entries():
                    yield from self._next_month(response, page)
                    return
        yield from super().parse_listing(response, page)

    def parse_release(self, response: Response, entry: ListingEntry) -> Iterator[Any]:
        if isinstance(response, TextResponse) and response.status not in (304, 404, 410):
            wall = self.wall_marker(response.text)
            if wall:
                yield FetchFailure(source=self.name, url=self.canonical(entry.url),
                                   reason=f"blocked: {wall}", blocked=True)
                return
        yield from super().parse_release(response, entry)

    # -- paging -------------------------------------------------------------------

    def _request(self, url: str | None, page: int, response: Response,
                 **meta: Any) -> Iterator[Request]:
        if not url or url in self.__dict__.get("_listing_urls", ()):
            return
        if page - self.first_page + 1 > self.max_pages:
            return
        yield self.listing_request(url, page=page,
                                   meta={META_BASE: response.meta.get(META_BASE), **meta})

    def page_url(self, base: str, number: int) -> str | None:
        """Listing page ``number`` (a page number or an offset) of the listing ``base``."""
        paging = self.declaration.listing.paging
        template = paging.template
        if not template:
            return None
        placeholder = "{offset}" if paging.kind == "offset" else "{page}"
        if base == self.listing_url:
            return template.replace(placeholder, str(number))
        # A section pages by the template's own query parameter (?page=N, ?start=N).
        for name, value in parse_qsl(urlsplit(template).query, keep_blank_values=True):
            if value == placeholder:
                return with_query_param(base, name, str(number))
        return None

    def next_page_requests(
        self, response: TextResponse, listing: ListingPage, page: int
    ) -> Iterable[Request]:
        assert isinstance(listing, DeclaredListingPage)
        paging = self.declaration.listing.paging
        base = str(response.meta.get(META_BASE) or self.listing_url)
        kind = paging.kind
        if kind != "monthly" and not paging.cursor and self._repeats_walk(base, listing):
            self.logger.info("listing page %s lists nothing new to this walk: end", page)
            return
        if kind == "template":
            last = listing.last_page()
            if not listing.has_more() or (last is not None and page >= last):
                return
            yield from self._request(self.page_url(base, page + 1), page + 1, response)
        elif kind == "offset":
            offset = paging.first_offset + (page - self.first_page + 1) * paging.step
            yield from self._request(self.page_url(base, offset), page + 1, response)
        elif kind == "next_link":
            if listing.has_more():
                yield from self._request(listing.next_url(), page + 1, response)
        elif kind == "monthly":
            inner = listing.next_url()
            if inner:
                yield from self._request(inner, page + 1, response,
                                         **{META_MONTH: response.meta.get(META_MONTH, 0),
                                            META_YEAR: response.meta.get(META_YEAR)})
            else:
                yield from self._next_month(response, page)
        elif kind == "json":
            yield from self._next_json(response, listing, page)

    def _repeats_walk(self, base: str, listing: DeclaredListingPage) -> bool:
        """Whether every release of ``listing`` was listed earlier in the walk of ``base``.

        A site that answers a page past its last with the last page again (a clamping
        pager) would otherwise be paged up to ``ARCHIVE_MAX_PAGES``.
        """
        urls = {self.canonical(e.url) for e in listing.entries()}
        walks: dict[str, set[str]] = self.__dict__.setdefault("_walked", {})
        seen = walks.setdefault(base, set())
        if urls and urls <= seen:
            return True
        seen |= urls
        return False

    def _month_url(self, year: int, month: int) -> str:
        template = self.declaration.listing.paging.template
        assert template is not None
        return template.format(yyyymm=f"{year}{month:02d}", year=year, month=month)

    def _note_linked_months(self, response: TextResponse) -> None:
        """Remember the archive months a listing page links to (``template``'s URLs)."""
        template = self.declaration.listing.paging.template
        if template is None or not hasattr(response, "xpath"):
            return
        pattern = re.escape(template)
        for name, digits in (("yyyymm", r"(?P<yyyymm>\d{6})"), ("year", r"(?P<year>\d{4})"),
                             ("month", r"(?P<month>\d{1,2})")):
            pattern = pattern.replace(re.escape("{" + name + "}"), digits, 1)
        months: set[tuple[int, int]] = self.__dict__.setdefault("_linked_months", set())
        for href in response.xpath("//a/@href").getall():
            found = re.fullmatch(pattern, response.urljoin(href.strip()).split("#")[0])
            if found is None:
                continue
            parts = found.groupdict()
            if parts.get("yyyymm"):
                year, month = int(parts["yyyymm"][:4]), int(parts["yyyymm"][4:])
            else:
                year, month = int(parts["year"]), int(parts["month"])
            if 1 <= month <= 12:
                months.add((year, month))

    def _next_month(self, response: Response, page: int) -> Iterator[Request]:
        """The month before this one; past ``months``, the older months the pages linked to."""
        paging = self.declaration.listing.paging
        month = int(response.meta.get(META_MONTH, 0)) + 1
        if paging.template is None:
            return
        if month <= paging.months:
            year, number = _months_back(self.today, month - 1)
            yield from self._request(self._month_url(year, number), page + 1, response,
                                     **{META_MONTH: month, META_YEAR: year})
            return
        # A first crawl reaching the end of its window goes on through the archive's own
        # links to older months (an incremental run stops long before).
        oldest = _months_back(self.today, paging.months - 1)
        walked = self.__dict__.get("_listing_urls", set())
        older = sorted((ym for ym in self.__dict__.get("_linked_months", set())
                        if ym < oldest and self._month_url(*ym) not in walked), reverse=True)
        if older:
            year, number = older[0]
            yield from self._request(self._month_url(year, number), page + 1, response,
                                     **{META_MONTH: month, META_YEAR: year})

    def _next_json(self, response: TextResponse, listing: DeclaredListingPage,
                   page: int) -> Iterator[Request]:
        paging = self.declaration.listing.paging
        assert paging.template is not None
        if paging.cursor:
            urls = {self.canonical(e.url) for e in listing.entries()}
            seen: set[str] = self.__dict__.setdefault("_cursor_urls", set())
            cursor = listing.cursor()
            if not urls - seen or cursor is None:
                return  # the answer added nothing: the cursor has reached the end
            seen.update(urls)
            yield from self._request(paging.template.format(cursor=cursor), page + 1, response)
        else:
            yield from self._request(paging.template.format(page=page + 1), page + 1, response)

    def _child_sitemaps(self, listing: DeclaredListingPage, page: int) -> Iterator[Request]:
        for url in listing.sitemaps():
            yield from self._request(url, page + 1, listing.response)


# Python subclasses for sites whose needs a declaration cannot state, by key.
CODED: dict[str, type[DeclaredSpider]] = {}


def _docstring(declaration: Declaration) -> str:
    ev = declaration.evidence
    inferred = " ".join(ev.inferred.split())
    return (f"Source: {declaration.ministry}, {declaration.listing.url}.\n\n"
            f"Declared in {declaration.path.name}. Evidence: the site survey, {ev.section}, "
            f"{ev.date} ({ev.strength}).\nInferred: {inferred or 'nothing'}.\n")


def spider_class(declaration: Declaration) -> type[DeclaredSpider]:
    """The spider of ``declaration``: :class:`DeclaredSpider`, or its key's coded subclass."""
    paging = declaration.listing.paging
    first_page = paging.first_page if paging.kind in ("template", "json") and \
        not paging.cursor else 1
    base = CODED.get(declaration.key, DeclaredSpider)
    attrs: dict[str, Any] = {
        "name": declaration.key,
        "country": declaration.country,
        "ministry": declaration.ministry,
        "language": declaration.language,
        "allowed_domains": list(declaration.allowed_domains),
        "listing_url": declaration.listing.url,
        "sections": declaration.listing.sections,
        "first_page": first_page,
        "canonical_host": declaration.canonical.host,
        "schedule": declaration.schedule,
        "listing_page": listing_page_class(declaration.key, declaration.listing.items, paging),
        "release_page": release_page_class(declaration.release, declaration.language),
        "declaration": declaration,
        "evidence_date": declaration.evidence.date,
        "__doc__": _docstring(declaration),
        "__module__": __name__,
    }
    return type(f"{declaration.key.capitalize()}DeclaredSpider", (base,), attrs)
