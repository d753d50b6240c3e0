"""Base page objects for listing pages and release pages.

How to describe a ministry's pages:

1. Subclass :class:`ListingPage` and set ``item_css`` (one element per release),
   ``link_css``, ``title_css``, ``date_css`` (CSS, relative to the item; ``None``
   for "the item itself"), ``date_formats`` and how the listing pages:
   ``page_url_template`` with ``{page}`` (``?page=N``, ``/page/N/``...), and an
   override of :meth:`ListingPage.next_page` where the page says it is the last
   (a pager, a count, a short page).
2. Subclass :class:`ReleasePage` and set ``body_css`` (used when trafilatura
   finds no main text), and optionally ``title_css``/``date_css``/``date_formats``.
3. Override a method only where a site needs code (dates in the title, JSON).

.. code-block:: python

    class XxListingPage(ListingPage):
        item_css = "div.news-list ul li"
        link_css = "a::attr(href)"
        title_css = "div a::text"
        date_css = "div.date::text"
        date_formats = ("%d %B, %Y",)
        page_url_template = "https://mfa.xx/en/news?page={page}"
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Self

from parsel import Selector

from crawler.dates import parse_date
from crawler.pages.response import PageResponse

if TYPE_CHECKING:  # listing pages read Scrapy's responses; release pages never import Scrapy
    from scrapy.http import TextResponse


@dataclass(frozen=True, slots=True)
class NextPage:
    """The listing goes on: its next page is at ``url``."""

    url: str


@dataclass(frozen=True, slots=True)
class LastPage:
    """The listing ends with this page; ``reason`` says how the page shows it."""

    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ListingEntry:
    """A release as a listing page shows it."""

    url: str
    title: str | None
    date: dt.date | None


def _text(selection: Selector | TextResponse | PageResponse | None, css: str | None) -> str | None:
    if selection is None:
        return None
    parts = selection.css(css).getall() if css else selection.xpath("string()").getall()
    text = " ".join(" ".join(parts).split())
    return text or None


class ListingPage:
    """A page listing releases, newest first."""

    item_css: ClassVar[str]
    link_css: ClassVar[str | None] = "::attr(href)"
    title_css: ClassVar[str | None] = None
    date_css: ClassVar[str | None] = None
    date_formats: ClassVar[Sequence[str]] = ("%d %B %Y",)
    # Listing page N's URL; None: the listing is one page (or pages otherwise: next_page).
    page_url_template: ClassVar[str | None] = None

    def __init__(self, response: TextResponse) -> None:
        self.response = response
        self._entries: list[ListingEntry] | None = None

    def next_page(self, page: int) -> NextPage | LastPage:
        """Where the listing goes on after this page (number ``page``), or that it ends here.

        By default, page ``page + 1`` of ``page_url_template``; without a template
        the listing is one page. The spider also stops on an empty page, at
        ``since``, at known releases and at ``ARCHIVE_MAX_PAGES``.
        """
        if self.page_url_template is None:
            return LastPage("the listing is one page")
        return NextPage(self.page_url_template.format(page=page + 1))

    def items(self) -> list[Selector]:
        return list(self.response.css(self.item_css))

    def entries(self) -> list[ListingEntry]:
        """Every release on the page that has a link, in page order (parsed once)."""
        if self._entries is None:
            self._entries = self._parse_entries()
        return list(self._entries)

    def _parse_entries(self) -> list[ListingEntry]:
        found: list[ListingEntry] = []
        for item in self.items():
            href = item.css(self.link_css).get() if self.link_css else None
            if not href:
                continue
            found.append(
                ListingEntry(
                    url=self.response.urljoin(href.strip()),
                    title=self.entry_title(item),
                    date=self.entry_date(item),
                )
            )
        return found

    def listed_dates(self) -> list[dt.date]:
        """The dates of everything the page lists, kept or not (paging continues past a
        page whose items the source skips). By default, the entries' dates."""
        return [e.date for e in self.entries() if e.date is not None]

    def entry_title(self, item: Selector) -> str | None:
        if self.title_css is None:
            return _text(item, None)
        return _text(item, self.title_css)

    def entry_date(self, item: Selector) -> dt.date | None:
        if self.date_css is None:
            return None
        return parse_date(_text(item, self.date_css), self.date_formats)


class ReleasePage:
    """A release's own page.

    Crawls, ``reextract`` and ``extract`` build it from the stored bytes with
    :meth:`parse`, in an extraction worker (the reactor thread never parses a
    release page).
    """

    body_css: ClassVar[str | None] = None
    title_css: ClassVar[str | None] = None
    date_css: ClassVar[str | None] = None
    date_formats: ClassVar[Sequence[str]] = ("%d %B %Y",)
    # True: the body selector's text, when there is one, is the text (not trafilatura's).
    body_preferred: ClassVar[bool] = False
    # True: the listing's title outranks trafilatura's when the title selector finds none.
    listing_title_preferred: ClassVar[bool] = False
    # The releases' language when the source states it (declared sources): it outranks
    # the page's <html lang> and trafilatura's guess.
    language: ClassVar[str | None] = None

    def __init__(self, response: PageResponse | TextResponse) -> None:
        self.response = response

    @classmethod
    def parse(cls, url: str, body: bytes, encoding: str | None) -> Self:
        """The page object of a page fetched from ``url``, decoded with ``encoding``."""
        return cls(PageResponse(url, body=body, encoding=encoding or "utf-8"))

    @property
    def title(self) -> str | None:
        return _text(self.response, self.title_css) if self.title_css else None

    @property
    def date(self) -> dt.date | None:
        if not self.date_css:
            return None
        return parse_date(_text(self.response, self.date_css), self.date_formats)

    @property
    def body(self) -> str | None:
        """The body as the source's selector gives it, one paragraph a line."""
        if not self.body_css:
            return None
        paragraphs = [
            " ".join(p.xpath("string()").get("").split())
            for p in self.response.css(self.body_css)
        ]
        text = "\n".join(p for p in paragraphs if p)
        return text or None
