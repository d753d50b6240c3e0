"""The page objects of a declared source: its listing (HTML, XML feed, sitemap, JSON) and releases.

A declaration's ``[listing.items]`` drives :class:`DeclaredListingPage`, its
``[release]`` drives :class:`DeclaredReleasePage`. Both are made per source by
:func:`listing_page_class` and :func:`release_page_class`; a release page class
crosses into extraction workers by value (its spec), not by name.
"""

from __future__ import annotations

import copy
import copyreg
import datetime as dt
import functools
import html
import json
import re
from typing import TYPE_CHECKING, Any, ClassVar, Self, cast

from lxml import html as lxml_html
from parsel import Selector

from crawler.declared.dates import parse_declared_date
from crawler.declared.schema import DateRule, Items, Paging, ReleaseSpec
from crawler.declared.selectors import select, text_of
from crawler.pages.base import ListingEntry, ListingPage, ReleasePage
from crawler.pages.response import PageResponse

if TYPE_CHECKING:  # listing pages read Scrapy's responses; release pages never import Scrapy
    from scrapy.http import TextResponse

# Request meta a declared spider sets on a listing request: what the page cannot tell itself.
META_YEAR = "declared_year"  # the year of a monthly archive page (dates without a year)
META_TODAY = "declared_today"  # the crawl day (ISO), for dates without a year elsewhere

_BLOCKS = frozenset("""p div h1 h2 h3 h4 h5 h6 li ul ol blockquote table tr td th dd dt dl pre
section article header footer figure figcaption br hr address""".split())


def _json_path(value: Any, path: str) -> Any:
    """``value`` at the dotted ``path`` (``a.b.0``); the first present of ``x|y``; ``None``."""
    for alternative in path.split("|"):
        current = value
        for part in alternative.strip().split("."):
            if isinstance(current, dict) and part in current:
                current = current[part]
            elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
                current = current[int(part)]
            else:
                current = None
                break
        if current is not None and current != "":
            return current
    return None


class DeclaredListingPage(ListingPage):
    """A listing page read as its declaration says (subclassed per source with ``items``)."""

    items_spec: ClassVar[Items]
    paging: ClassVar[Paging]
    item_css = ""  # unused: items() reads items_spec

    def __init__(self, response: TextResponse) -> None:
        super().__init__(response)
        meta = response.meta if response.request is not None else {}
        self.year: int | None = meta.get(META_YEAR)
        today = meta.get(META_TODAY)
        self.today = dt.date.fromisoformat(today) if today else None
        self._root: Selector | None = None
        self._json: Any = None

    # -- the document -------------------------------------------------------------

    @property
    def root(self) -> Selector:
        """The page as a selector: XML for feeds and sitemaps, the HTML fragment of a JSON key."""
        if self._root is None:
            kind = self.paging.kind
            if kind in ("feed", "sitemap"):
                self._root = Selector(text=self.response.text, type="xml")
            elif kind == "json" and self.paging.items_format == "html":
                fragment = _json_path(self.data, self.paging.items_path or "")
                text = fragment if isinstance(fragment, str) else ""
                if "&lt;" in text[:200] and "<" not in text[:200]:
                    text = html.unescape(text)
                self._root = Selector(text=text or "<html></html>", type="html")
            else:
                self._root = self.response.selector
        return self._root

    @property
    def data(self) -> Any:
        """The JSON document of a ``json`` listing (``None`` when it is not JSON)."""
        if self._json is None:
            try:
                self._json = json.loads(self.response.text)
            except ValueError:
                self._json = {}
        return self._json

    # -- items --------------------------------------------------------------------

    def _parse_entries(self) -> list[ListingEntry]:
        if self.paging.kind == "json" and self.paging.items_format == "json":
            return self._json_entries()
        spec = self.items_spec
        found: list[ListingEntry] = []
        for item in select(self.root, spec.item):
            if spec.keep_if and not select(item, spec.keep_if):
                continue
            href = text_of(item, spec.link)
            if not href:
                continue
            url = self._link(href)
            title = text_of(item, spec.title) if spec.title else None
            found.append(ListingEntry(url=url, title=title, date=self._item_date(item, url)))
        return found

    def sitemaps(self) -> list[str]:
        """The child sitemaps a sitemap index lists."""
        if self.paging.kind != "sitemap":
            return []
        locs = self.root.xpath("//*[local-name()='sitemap']/*[local-name()='loc']/text()").getall()
        return [self.response.urljoin(loc.strip()) for loc in locs if loc.strip()]

    def _link(self, value: str) -> str:
        value = value.strip()
        if self.items_spec.link_template:
            value = self.items_spec.link_template.format(link=value)
        return self.response.urljoin(value)

    def _keep(self, url: str) -> bool:
        pattern = self.paging.url_pattern
        return pattern is None or re.search(pattern, url) is not None

    def entries(self) -> list[ListingEntry]:
        return [e for e in super().entries() if self._keep(e.url)]

    def _date(self, rule: DateRule, text: str | None) -> dt.date | None:
        return parse_declared_date(text, rule.formats, month_names=rule.month_names,
                                   year=self.year, today=self.today)

    def _item_date(self, item: Selector, url: str) -> dt.date | None:
        spec = self.items_spec
        if spec.date_in == "url":
            match = re.search(spec.date_regex or "", url)
            return self._date(spec.date, "".join(match.groups())) if match else None
        if spec.date.selector is None:
            return None
        return self._date(spec.date, text_of(item, spec.date.selector))

    def _json_entries(self) -> list[ListingEntry]:
        spec = self.items_spec
        value = _json_path(self.data, self.paging.items_path or spec.item)
        if isinstance(value, str):  # a JSON document inside a string: parse it again
            try:
                value = json.loads(value)
            except ValueError:
                value = None
        pairs: list[tuple[str | None, Any]]
        if isinstance(value, dict) and spec.date.selector == "@key":
            pairs = [(str(k), item) for k, group in value.items()
                     for item in (group if isinstance(group, list) else [group])]
        elif isinstance(value, dict):
            pairs = [(None, value)]  # one item instead of a list of one
        elif isinstance(value, list):
            pairs = [(None, item) for item in value]
        else:
            pairs = []
        found = []
        for key, item in pairs:
            link = _json_path(item, spec.link)
            if link is None or isinstance(link, dict | list):
                continue
            url = self._link(str(link))
            title = _json_path(item, spec.title) if spec.title else None
            if spec.date_in == "url":
                match = re.search(spec.date_regex or "", url)
                text = "".join(match.groups()) if match else None
            elif spec.date.selector == "@key":
                text = key
            else:
                raw = _json_path(item, spec.date.selector) if spec.date.selector else None
                text = None if raw is None else str(raw)
            found.append(ListingEntry(url=url, title=" ".join(str(title).split()) or None
                                      if title is not None else None,
                                      date=self._date(spec.date, text)))
        return found

    def cursor(self) -> str | None:
        """The value of the last item's ``cursor`` key (the next request's ``{cursor}``)."""
        if not self.paging.cursor:
            return None
        value = _json_path(self.data, self.paging.items_path or "")
        items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
        values = [str(v) for v in (_json_path(i, self.paging.cursor) for i in items) if v]
        return values[-1] if values else None

    # -- paging -------------------------------------------------------------------

    def next_url(self) -> str | None:
        """The pager's next link (``paging.next``), absolute."""
        if not self.paging.next:
            return None
        href = text_of(self.root, self.paging.next)
        if not href or href.startswith(("#", "javascript:")):
            return None
        return self.response.urljoin(href)

    def last_page(self) -> int | None:
        """The last page number the pager shows (``paging.last_page``)."""
        if not self.paging.last_page:
            return None
        text = text_of(self.root, self.paging.last_page) or ""
        digits = re.search(r"\d+", text)
        return int(digits.group()) if digits else None

    def has_more(self) -> bool:
        """False when ``paging.more`` is declared and does not match (no next page)."""
        return self.paging.more is None or bool(select(self.root, self.paging.more))


def listing_page_class(key: str, items: Items, paging: Paging) -> type[DeclaredListingPage]:
    name = f"{key.capitalize()}DeclaredListingPage"
    return type(name, (DeclaredListingPage,), {"items_spec": items, "paging": paging,
                                               "__module__": __name__})


# -- release pages ------------------------------------------------------------------


def _paragraphs(element: Any) -> list[str]:
    """The text of ``element`` one block (paragraph, heading, list item...) a line."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        block = tag.lower() in _BLOCKS
        if block:
            parts.append("\n")
        if tag.lower() not in ("script", "style", "noscript") and isinstance(node.tag, str):
            if node.text:
                parts.append(node.text)
            for child in node:
                walk(child)
        if block:
            parts.append("\n")
        if node.tail:
            parts.append(node.tail)

    walk(element)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return [line for line in lines if line]


class _DeclaredPageMeta(type):
    """Metaclass of declared release pages: pickled as (factory, spec), not by name."""

    spec: ReleaseSpec
    language: str | None


def _reduce_page_class(cls: _DeclaredPageMeta) -> Any:
    return release_page_class, (cls.spec, cls.language)


copyreg.pickle(_DeclaredPageMeta, _reduce_page_class)


class DeclaredReleasePage(ReleasePage, metaclass=_DeclaredPageMeta):
    """A release page read with its declaration's ``[release]`` selectors."""

    spec: ClassVar[ReleaseSpec]
    body_preferred = True  # the declared body (less its drops) is the text when it matches
    listing_title_preferred = True  # then the listing's title, then trafilatura's

    def __init__(self, response: PageResponse | TextResponse) -> None:
        super().__init__(response)
        self.root: Selector = response.selector

    @classmethod
    def parse(cls, url: str, body: bytes, encoding: str | None) -> Self:
        head = body[:512].lstrip().lower()
        if head.startswith(b"<?xml") and b"<html" not in body[:2048].lower():
            # An XML document (an open-data API): read it as XML, not as broken HTML.
            page = cls.__new__(cls)
            page.response = PageResponse(url, body=body, encoding=encoding or "utf-8")
            page.root = Selector(text=body.decode(encoding or "utf-8", errors="replace"),
                                 type="xml")
            return page
        return cls(PageResponse(url, body=body, encoding=encoding or "utf-8"))

    @property
    def title(self) -> str | None:
        return text_of(self.root, self.spec.title) if self.spec.title else None

    @property
    def date(self) -> dt.date | None:
        rule = self.spec.date
        if rule.selector is None:
            return None
        return parse_declared_date(text_of(self.root, rule.selector), rule.formats,
                                   month_names=rule.month_names)

    @property
    def body(self) -> str | None:
        """The body containers' text without the ``drop`` elements, one paragraph a line.

        The body ends before the first element a ``body_until`` selector picks. Drops act
        on a copy: title and date are read from the page as it is.
        """
        lines: list[str] = []
        for found in select(self.root, self.spec.body):
            if isinstance(found.root, str):
                continue
            if self.spec.body_format == "escaped-html":
                markup = found.xpath("string()").get("")
                if not markup.strip():
                    continue
                element = lxml_html.fragment_fromstring(markup, create_parent="div")
            else:
                element = copy.deepcopy(found.root)
            detached = Selector(root=element, type=found.type)
            for until in self.spec.body_until:
                for node in select(detached, until)[:1]:
                    _cut_from(node.root, element)
            for drop in self.spec.drop:
                for node in select(detached, drop):
                    _remove(node.root)
            lines.extend(_paragraphs(element))
        text = "\n".join(lines)
        return text or None


def _cut_from(node: Any, root: Any) -> None:
    """Remove ``node`` and everything after it in document order, up to ``root``'s end."""
    if isinstance(node, str) or not hasattr(node, "getparent") or node is root:
        return
    current = node
    while current is not None and current is not root:
        parent = current.getparent()
        for later in list(current.itersiblings()):
            parent.remove(later)
        current = parent
    parent = node.getparent()
    if parent is not None:
        node.tail = None
        parent.remove(node)


def _remove(node: Any) -> None:
    """Remove ``node`` from its tree, keeping the text that follows it."""
    if isinstance(node, str) or not hasattr(node, "getparent"):
        return
    parent = node.getparent()
    if parent is None:
        return
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


@functools.cache
def release_page_class(spec: ReleaseSpec,
                       language: str | None = None) -> type[DeclaredReleasePage]:
    """The release page class of ``spec`` (one class per spec, in every process).

    ``language``: the declaration's, which the stored release takes whatever the page
    says (a Spanish site chrome around English texts, Arabic texts under ``/en``).
    """
    made = _DeclaredPageMeta("DeclaredReleasePage", (DeclaredReleasePage,),
                             {"spec": spec, "language": language, "__module__": __name__})
    return cast("type[DeclaredReleasePage]", made)
