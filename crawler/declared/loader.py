"""Reading and validating source declarations (``<key>.toml``).

Every field is typed and checked at load; the first problem is a
:class:`~crawler.exceptions.DeclarationError` of one line naming the file and the
field: an unknown field, a selector that does not compile, a date format that does
not read its sample, a key that is not an ISO 3166 alpha-2 code, a bad cron schedule.

.. code-block:: python

    from crawler.declared.loader import load_declarations
    declarations = load_declarations([Path("my-sources")])   # the package's, then these
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import pycountry
from croniter import croniter

from crawler.declared.dates import MONTH_NAMES, parse_declared_date
from crawler.declared.schema import (
    PAGING_KINDS,
    Canonical,
    DateRule,
    Declaration,
    Evidence,
    Items,
    Listing,
    Paging,
    PagingKind,
    ReleaseSpec,
    Walls,
)
from crawler.declared.selectors import check_selector
from crawler.exceptions import DeclarationError

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "sources"
_YEAR_SAMPLE = 2024  # a leap year: "February 29" without a year reads


class _Table:
    """One TOML table of a declaration: typed reads, and an error for every unread key."""

    def __init__(self, path: Path, data: Mapping[str, Any], prefix: str) -> None:
        self.path, self.data, self.prefix = path, data, prefix
        self.read: set[str] = set()

    def fail(self, name: str, problem: str) -> DeclarationError:
        field = f"{self.prefix}{name}" if name else self.prefix.rstrip(".") or "(top level)"
        return DeclarationError(f"{self.path}: {field}: {problem}")

    def _get(self, name: str, kind: type | tuple[type, ...], what: str, required: bool) -> Any:
        self.read.add(name)
        if name not in self.data:
            if required:
                raise self.fail(name, "missing (required)")
            return None
        value = self.data[name]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(name, f"must be {what}, not {type(value).__name__} {value!r}")
        return value

    def text(self, name: str, *, required: bool = False) -> str | None:
        value = self._get(name, str, "a string", required)
        if value is not None and not value.strip():
            raise self.fail(name, "is empty")
        return cast("str | None", value)

    def req(self, name: str) -> str:
        value = self.text(name, required=True)
        assert value is not None
        return value

    def number(self, name: str, default: int, *, minimum: int | None = None) -> int:
        value = self._get(name, int, "an integer", False)
        if value is None:
            return default
        if minimum is not None and value < minimum:
            raise self.fail(name, f"must be at least {minimum}, not {value}")
        return cast(int, value)

    def strs(self, name: str) -> tuple[str, ...]:
        value = self._get(name, list, "a list of strings", False) or []
        for item in value:
            if not isinstance(item, str):
                raise self.fail(name, f"must be a list of strings; holds {item!r}")
        return tuple(value)

    def choice(self, name: str, choices: Sequence[str], default: str) -> str:
        value = self.text(name) or default
        if value not in choices:
            raise self.fail(name, f"must be one of {', '.join(choices)}, not {value!r}")
        return value

    def table(self, name: str, *, required: bool = False) -> _Table:
        value = self._get(name, dict, "a table", required) or {}
        return _Table(self.path, value, f"{self.prefix}{name}.")

    def pairs(self, name: str) -> tuple[tuple[str, str], ...]:
        value = self._get(name, dict, "a table of strings", False) or {}
        for key, item in value.items():
            if not isinstance(item, str):
                raise self.fail(f"{name}.{key}", f"must be a string, not {item!r}")
        return tuple(value.items())

    def selector(self, name: str, *, required: bool = False) -> str | None:
        value = self.text(name, required=required)
        if value is not None:
            problem = check_selector(value)
            if problem:
                raise self.fail(name, problem)
        return value

    def selectors(self, name: str) -> tuple[str, ...]:
        values = self.strs(name)
        for value in values:
            problem = check_selector(value)
            if problem:
                raise self.fail(name, problem)
        return values

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.read)
        if unknown:
            known = ", ".join(sorted(self.read))
            raise self.fail(unknown[0], f"unknown field (known here: {known})")


def _template(table: _Table, name: str, *placeholders: str, required: bool = True) -> str | None:
    value = table.text(name, required=required)
    if value is None:
        return None
    if placeholders and not any("{" + p + "}" in value for p in placeholders):
        raise table.fail(name, f"has none of {', '.join('{' + p + '}' for p in placeholders)}")
    try:
        value.format(page=1, offset=0, yyyymm="202601", year=2026, month=1, cursor="x", link="x")
    except (KeyError, IndexError, ValueError) as exc:
        raise table.fail(name, f"is not a valid template: {exc}") from exc
    return value


def _url(table: _Table, name: str) -> str:
    value = table.req(name)
    if not re.match(r"https?://[^/\s]+", value):
        raise table.fail(name, f"is not an http(s) URL: {value!r}")
    return value


def _regex(table: _Table, name: str) -> str | None:
    value = table.text(name)
    if value is not None:
        try:
            re.compile(value)
        except re.error as exc:
            raise table.fail(name, f"regular expression does not compile: {exc}") from exc
    return value


def _date_rule(table: _Table, selector: str | None, *, dated: bool) -> DateRule:
    formats = table.strs("date_formats")
    sample = table.text("date_sample")
    month_names = table.text("month_names")
    if month_names is not None and month_names not in MONTH_NAMES:
        raise table.fail("month_names", f"must be one of {', '.join(MONTH_NAMES)}")
    if not dated:
        if formats or sample:
            name = "date_formats" if formats else "date_sample"
            raise table.fail(name, "given without a date selector")
        return DateRule()
    if not formats:
        raise table.fail("date_formats", "missing: a date needs its strptime formats")
    if sample is None:
        raise table.fail("date_sample", "missing: a date needs a sample its formats read")
    if parse_declared_date(sample, formats, month_names=month_names, year=_YEAR_SAMPLE) is None:
        raise table.fail("date_sample", f"{sample!r} does not parse with any of date_formats "
                                        f"{list(formats)}")
    return DateRule(selector=selector, formats=formats, sample=sample, month_names=month_names)


def _paging(table: _Table) -> Paging:
    kind = cast(PagingKind, table.choice("kind", PAGING_KINDS, "none"))
    needs = {"template": ("page",), "offset": ("offset",), "monthly": ("yyyymm", "year"),
             "json": ("page", "cursor")}
    template = _template(table, "template", *needs.get(kind, ()),
                         required=kind in ("template", "offset", "monthly", "json"))
    paging = Paging(
        kind=kind, template=template,
        first_page=table.number("first_page", 1, minimum=0),
        last_page=table.selector("last_page"),
        more=table.selector("more"),
        first_offset=table.number("first_offset", 0, minimum=0),
        step=table.number("step", 10, minimum=1),
        months=table.number("months", 36, minimum=1),
        next=table.selector("next", required=kind == "next_link"),
        items_path=table.text("items_path", required=kind == "json"),
        items_format=cast(Any, table.choice("items_format", ("json", "html"), "json")),
        cursor=table.text("cursor"),
        url_pattern=_regex(table, "url_pattern"),
    )
    if kind == "json" and template and "{cursor}" in template and not paging.cursor:
        raise table.fail("cursor", "missing: the template pages by {cursor}")
    table.done()
    return paging


# Items of feeds and sitemaps when the declaration names none (RSS 2.0 and Atom; sitemaps).
FEED_ITEMS = Items(
    item="xpath://*[local-name()='item' or local-name()='entry']",
    link="xpath:*[local-name()='link']/@href | *[local-name()='link']/text()",
    title="xpath:*[local-name()='title']",
    date=DateRule(selector="xpath:*[local-name()='pubDate' or local-name()='published' or "
                           "local-name()='updated' or local-name()='date']",
                  formats=("%a, %d %b %Y %H:%M:%S %z", "%a, %d %b %Y %H:%M:%S %Z",
                           "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d"),
                  sample="2025-06-24"),
)
SITEMAP_ITEMS = Items(
    item="xpath://*[local-name()='url']",
    link="xpath:*[local-name()='loc']",
    date=DateRule(selector="xpath:*[local-name()='lastmod']",
                  formats=("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d"),
                  sample="2025-06-24"),
)


def _items(table: _Table, paging: Paging) -> Items:
    if not table.data and paging.kind in ("feed", "sitemap"):
        return FEED_ITEMS if paging.kind == "feed" else SITEMAP_ITEMS
    json_keys = paging.kind == "json" and paging.items_format == "json"
    read = table.text if json_keys else table.selector
    item = read("item", required=True)
    link = read("link", required=True)
    title = read("title")
    date = read("date")
    assert item is not None and link is not None
    date_in = cast(Any, table.choice("date_in", ("item", "url"), "item"))
    date_regex = _regex(table, "date_regex")
    if date_in == "url" and date_regex is None:
        raise table.fail("date_regex", "missing: date_in = \"url\" reads the date with it")
    if date_regex is not None and re.compile(date_regex).groups == 0:
        raise table.fail("date_regex", "has no group: its groups, joined, are the date text")
    link_template = _template(table, "link_template", "link", required=False)
    items = Items(
        item=item, link=link, title=title,
        date=_date_rule(table, date, dated=date is not None or date_in == "url"),
        date_in=date_in, date_regex=date_regex, link_template=link_template,
        keep_if=read("keep_if"),
    )
    table.done()
    return items


def _listing(table: _Table) -> Listing:
    url = _url(table, "url")
    sections = table.strs("sections")
    headers = table.pairs("headers")
    cookies = table.pairs("cookies")
    paging = _paging(table.table("paging"))
    items = _items(table.table("items"), paging)
    table.done()
    return Listing(url=url, sections=sections, headers=headers, cookies=cookies, paging=paging,
                   items=items)


def _release(table: _Table) -> ReleaseSpec:
    body = table.selector("body", required=True)
    title = table.selector("title")
    date = table.selector("date")
    assert body is not None
    spec = ReleaseSpec(
        body=body, title=title, date=_date_rule(table, date, dated=date is not None),
        drop=table.selectors("drop"),
        body_until=table.selectors("body_until"),
        body_format=cast(Any, table.choice("body_format", ("html", "escaped-html"), "html")),
    )
    table.done()
    return spec


def _canonical(table: _Table) -> Canonical:
    host = table.text("host")
    keep = table._get("keep_query", list, "a list of strings", False)
    keep_query = None if keep is None else table.strs("keep_query")
    rewrites = table._get("path_rewrite", list, "a list of [regex, replacement] pairs", False)
    pairs: list[tuple[str, str]] = []
    for rule in rewrites or []:
        if not (isinstance(rule, list) and len(rule) == 2 and all(isinstance(x, str) for x in rule)):
            raise table.fail("path_rewrite", f"each rule is [regex, replacement], not {rule!r}")
        try:
            re.compile(rule[0])
        except re.error as exc:
            raise table.fail("path_rewrite", f"regular expression does not compile: {exc}") from exc
        pairs.append((rule[0], rule[1]))
    table.done()
    return Canonical(host=host.lower() if host else None, keep_query=keep_query,
                     path_rewrite=tuple(pairs))


def declaration_from(data: Mapping[str, Any], path: Path) -> Declaration:
    """The declaration ``data`` (a parsed TOML document) writes; ``path`` names it in errors."""
    top = _Table(path, data, "")
    key = top.req("key")
    if not re.fullmatch(r"[a-z]{2}", key) or pycountry.countries.get(alpha_2=key.upper()) is None:
        raise top.fail("key", f"{key!r} is not an ISO 3166 alpha-2 code in lower case (e.g. \"jp\")")
    if path.suffix == ".toml" and path.stem != key:
        raise top.fail("key", f"{key!r} differs from the file name {path.name!r} (name it "
                              f"{key}.toml)")
    country = top.req("country")
    if country != key.upper():
        raise top.fail("country", f"must be the key in capitals, {key.upper()!r}, not {country!r}")
    ministry = top.req("ministry")
    language = top.req("language")
    if pycountry.languages.get(alpha_2=language) is None:
        raise top.fail("language", f"{language!r} is not an ISO 639-1 code (e.g. \"en\")")
    domains = top.strs("allowed_domains")
    if not domains:
        raise top.fail("allowed_domains", "missing: at least one domain")
    schedule = top.text("schedule")
    if schedule is not None and not croniter.is_valid(schedule):
        raise top.fail("schedule", f"not a cron expression: {schedule!r}")
    ev = top.table("evidence", required=True)
    evidence = Evidence(section=ev.req("section"), date=ev.req("date"),
                        strength=ev.req("strength"), inferred=ev.text("inferred") or "")
    ev.done()
    listing = _listing(top.table("listing", required=True))
    release = _release(top.table("release", required=True))
    canonical = _canonical(top.table("canonical"))
    walls_table = top.table("walls")
    walls = Walls(markers=walls_table.strs("markers"))
    walls_table.done()
    mirror = top.table("mirror").data
    top.done()
    return Declaration(
        key=key, country=country, ministry=ministry, language=language,
        allowed_domains=domains, schedule=schedule, evidence=evidence, listing=listing,
        release=release, canonical=canonical, walls=walls, path=path, mirror=dict(mirror),
    )


def load_file(path: Path) -> Declaration:
    """The declaration in ``path``; :class:`DeclarationError` (one line) when it cannot be used."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DeclarationError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise DeclarationError(f"{path}: not valid TOML: {exc}") from exc
    return declaration_from(data, path)


def load_dir(directory: Path) -> list[Declaration]:
    """Every ``*.toml`` declaration in ``directory``, by key."""
    if not directory.is_dir():
        raise DeclarationError(f"{directory}: sources directory does not exist")
    return [load_file(path) for path in sorted(directory.glob("*.toml"))]


def load_declarations(extra_dirs: Iterable[Path] = ()) -> list[Declaration]:
    """The package's declarations, then those of ``extra_dirs`` (a user's sources), by key.

    A key declared twice is an error naming both files.
    """
    found: dict[str, Declaration] = {}
    for directory in (BUILTIN_DIR, *extra_dirs):
        for declaration in load_dir(directory):
            other = found.get(declaration.key)
            if other is not None and other.path != declaration.path:
                raise DeclarationError(f"{declaration.path}: key: {declaration.key!r} is "
                                       f"declared in {other.path} too")
            found[declaration.key] = declaration
    return [found[key] for key in sorted(found)]
