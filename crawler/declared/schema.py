"""The typed form of a source declaration (``crawler/sources/<key>.toml``).

Every table of the TOML file is a frozen dataclass here; the loader
(:mod:`crawler.declared.loader`) fills them and refuses anything else. All
fields are hashable (tuples, strings, numbers), so a declaration's parts can
key caches and cross into extraction workers by value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

PagingKind = Literal["template", "offset", "monthly", "next_link", "feed", "sitemap", "json",
                     "none"]
PAGING_KINDS: tuple[str, ...] = ("template", "offset", "monthly", "next_link", "feed", "sitemap",
                                 "json", "none")


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """Where the facts of the declaration come from (the site survey's section and its date)."""

    section: str
    date: str
    strength: str
    inferred: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Paging:
    """How the listing pages follow one another.

    ``template``: ``{page}`` from ``first_page`` (``last_page``: a selector of the last page
    number; ``more``: a selector that must match for a next page to be read). ``offset``:
    ``{offset}`` from ``first_offset`` by ``step``. ``monthly``: the listing URL (the current
    month), then ``template`` with ``{yyyymm}``/``{year}``/``{month}`` back ``months`` months
    (``next``: pages inside a month). ``next_link``: the ``next`` selector's link
    (``template`` only tells a mirror how page URLs look). ``feed``: one RSS/Atom document.
    ``sitemap``: a sitemap (index) whose ``<loc>`` match ``url_pattern``. ``json``: ``{page}``
    (or ``{cursor}``, the last item's ``cursor`` key) with the items at ``items_path``.
    ``none``: one page.
    """

    kind: PagingKind
    template: str | None = None
    first_page: int = 1
    last_page: str | None = None
    more: str | None = None
    first_offset: int = 0
    step: int = 10
    months: int = 36
    next: str | None = None
    items_path: str | None = None
    items_format: Literal["json", "html"] = "json"
    cursor: str | None = None
    url_pattern: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DateRule:
    """A date's selector and how its text reads (``strptime`` formats, tried in order)."""

    selector: str | None = None
    formats: tuple[str, ...] = ()
    sample: str | None = None
    month_names: str | None = None  # a table of month names read as English (``ar-levant``)


@dataclass(frozen=True, slots=True, kw_only=True)
class Items:
    """One release on a listing page: the item element and its link, title and date.

    Selectors are CSS (parsel's ``::text``/``::attr()``) or XPath after ``xpath:``,
    relative to the item; for ``json`` listings they are dotted keys (``a.b``, ``x|y`` for
    the first present, ``@key`` for the key of the list the item is in).
    """

    item: str
    link: str
    title: str | None = None
    date: DateRule = field(default_factory=DateRule)
    date_in: Literal["item", "url"] = "item"
    date_regex: str | None = None
    link_template: str | None = None  # ``{link}``: the release URL built from the link value
    keep_if: str | None = None  # a selector that must match inside an item to keep it


@dataclass(frozen=True, slots=True, kw_only=True)
class Listing:
    url: str
    sections: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    cookies: tuple[tuple[str, str], ...] = ()
    paging: Paging = field(default_factory=lambda: Paging(kind="none"))
    items: Items = field(default_factory=lambda: Items(item="a", link="::attr(href)"))


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleaseSpec:
    """The release page: body container(s), title, date, and what to drop from the body.

    ``body_until``: selectors of the element the body ends at (an editor block, a page
    footer): it and everything after it inside the body are left out.
    """

    body: str
    title: str | None = None
    date: DateRule = field(default_factory=DateRule)
    drop: tuple[str, ...] = ()
    body_until: tuple[str, ...] = ()
    body_format: Literal["html", "escaped-html"] = "html"


@dataclass(frozen=True, slots=True, kw_only=True)
class Canonical:
    """The URL a release is archived under.

    ``host`` replaces the link's host; ``keep_query`` names the query parameters that
    identify a release, in the order written (``None``: keep the query as linked; empty:
    drop it); ``path_rewrite`` is a list of (regex, replacement) applied to the path.
    """

    host: str | None = None
    keep_query: tuple[str, ...] | None = None
    path_rewrite: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Walls:
    markers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Declaration:
    """A source as data: who publishes, where, how to read it, and on what evidence."""

    key: str
    country: str
    ministry: str
    language: str
    allowed_domains: tuple[str, ...]
    schedule: str | None
    evidence: Evidence
    listing: Listing
    release: ReleaseSpec
    canonical: Canonical
    walls: Walls
    path: Path
    # [mirror]: read by the generic mirror server, not by the crawler (kept as written).
    mirror: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
