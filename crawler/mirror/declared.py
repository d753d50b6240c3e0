"""The generic mirror of a declared source: its recorded templates, its release data.

A declared source (``crawler/sources/<key>.toml``) has page templates in
``templates/<key>/`` (``listing.html``, ``release.html``, ``wall.html`` where it
has a wall; Jinja2, in the real site's structure) and its releases in
``data/<key>.jsonl``. :class:`DeclaredMirror` serves them the way the site does,
reading the declaration's ``[listing]`` (URL, sections, paging) and ``[mirror]``
tables:

``[mirror]``
    ``per_page`` (0: the whole month or listing on one page), ``link`` (the href a
    listing writes; may be relative to the listing), ``release_path`` (where the
    release answers; a query in it is matched, other parameters are ignored),
    ``aliases`` (more link forms that answer with the same release; absolute
    ones on another host or scheme are matched by path), ``walled`` (slugs whose
    page is the site's bot wall), ``wall_status`` (its HTTP status, 200 by
    default), ``section_field`` / ``section_values`` (which listing, in the
    order ``url``, ``sections``, lists a release; ``also_in`` on a line adds it to
    more), ``cookie_gate`` (``{status, cookie}``: every request without the
    cookie is answered with the wall and a redirect to itself that sets it),
    ``require_headers`` (listing requests without them are refused),
    ``month_page_param`` (pages inside a monthly archive).
    ``[canonical]`` (host, kept query parameters, path rewrites) applied to ``link``
    gives the URL the archive must store a release under.

Placeholders of ``link``, ``release_path`` and ``aliases`` are the release line's
fields (``{slug}``, ``{n}``, ``{section}``...). The listing template receives
``releases`` (that page's, each with ``url``, ``aliases`` and ``summary`` besides
its fields), ``page``, ``pages``, ``first_page``, ``last_page``, ``page_url(n)``,
``prev_url``, ``next_url``, ``total``, ``month`` (monthly archives) and ``source``
(the declaration); the release and wall templates receive ``release``. What a
page's ``Content-Type`` is follows from its text (RSS, XML, JSON or HTML).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, ClassVar
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit, urlunsplit

import jinja2
from w3lib.url import safe_url_string

from crawler.declared.loader import BUILTIN_DIR, load_file
from crawler.declared.schema import Declaration
from crawler.mirror.sites.base import MirrorRelease, MirrorRequest, MirrorResponse, MirrorSite
from crawler.urls import with_query_param

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_GATE_TOKEN = "a3f9c2e1d4b5867790c1e2f3a4b5c6d7"


def _templates_root() -> Traversable:
    return resources.files("crawler.mirror").joinpath("templates")


def declared_keys() -> list[str]:
    """Keys of the package's declarations that have mirror templates, sorted."""
    templates = _templates_root()
    return sorted(path.stem for path in BUILTIN_DIR.glob("*.toml")
                  if templates.joinpath(path.stem, "listing.html").is_file())


def load_declaration(key: str) -> Declaration:
    """The package's declaration of ``key``, validated by the loader."""
    return load_file(BUILTIN_DIR / f"{key}.toml")


@dataclass(frozen=True, slots=True)
class _Form:
    """One URL form a release answers at: a path and the query parameters it requires."""

    path: str
    query: tuple[tuple[str, str], ...]


def _form_of(url: str) -> _Form:
    parts = urlsplit(url)
    return _Form(unquote(parts.path) or "/", tuple(parse_qsl(parts.query, keep_blank_values=True)))



def _month_add(month: dt.date, delta: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + delta
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(slots=True)
class _Section:
    """One listing of the source (``url`` or one of ``sections``) and how it pages."""

    index: int
    url: str
    template: str | None  # the page URL, with {page}/{offset}/{yyyymm}/{year}/{month}/{cursor}
    releases: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Hit:
    """A listing request resolved: which section, which page value, which month."""

    section: _Section
    page: int
    month: dt.date | None = None
    bare: bool = False


class DeclaredMirror(MirrorSite):
    """Serve one declared source; subclass only for behaviour a declaration cannot hold."""

    key: ClassVar[str]

    def __init__(self) -> None:
        self.declaration = load_declaration(self.key)
        self.mirror: dict[str, Any] = dict(self.declaration.mirror)
        listing = self.declaration.listing
        self.paging = listing.paging
        self.kind = str(self.paging.kind)
        self.per_page = int(self.mirror.get("per_page", 0))
        self.wall_status = int(self.mirror.get("wall_status", 200))
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(_templates_root().joinpath(self.key))),
            autoescape=True, undefined=jinja2.Undefined, keep_trailing_newline=True,
        )
        urls = [listing.url, *listing.sections]
        self.sections = [_Section(i, url, self._section_template(i, url))
                         for i, url in enumerate(urls)]
        self._assign_sections()
        self._forms: dict[str, list[tuple[_Form, MirrorRelease]]] = {}
        for release in self.releases:
            for form in self._release_forms(release):
                self._forms.setdefault(form.path, []).append((form, release))
        for entries in self._forms.values():
            entries.sort(key=lambda entry: -len(entry[0].query))  # the most specific form first

    # -- the declaration, read --------------------------------------------------------

    @classmethod
    def walled_slugs(cls) -> frozenset[str]:
        return frozenset(load_declaration(cls.key).mirror.get("walled", []))

    def _page_param(self) -> tuple[str, str] | None:
        """The query parameter that carries the page value in ``paging.template``, if any."""
        template = self.paging.template
        if not template:
            return None
        for name, value in parse_qsl(urlsplit(template).query, keep_blank_values=True):
            for placeholder in ("{page}", "{offset}"):
                if placeholder in value:
                    return name, placeholder
        return None

    def _section_template(self, index: int, url: str) -> str | None:
        template = self.paging.template
        if template is None:
            return None
        if index == 0:
            return template
        param = self._page_param()
        if param is None:
            return template
        name, placeholder = param
        return with_query_param(url, name, placeholder, safe=":/,>").replace("%7B", "{").replace("%7D", "}")

    def _assign_sections(self) -> None:
        field_name = self.mirror.get("section_field")
        values = [str(v) for v in self.mirror.get("section_values", [])]
        for release in self.releases:
            fields = self.fields(release)
            if field_name is None:
                self.sections[0].releases.append(fields)
                continue
            own = str(fields.get(field_name))
            also = {str(v) for v in fields.get("also_in", [])}
            for section, value in zip(self.sections, values, strict=False):
                if value == own or value in also:
                    section.releases.append(fields)

    # -- releases ---------------------------------------------------------------------

    def _format(self, template: str, release: MirrorRelease) -> str:
        values = {"slug": release.slug, "category": release.category,
                  **{k: v for k, v in release.extra.items() if isinstance(v, str | int)}}
        return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), template)

    def _home_section(self, release: MirrorRelease) -> _Section:
        field_name = self.mirror.get("section_field")
        if field_name is not None:
            values = [str(v) for v in self.mirror.get("section_values", [])]
            own = str(release.extra.get(field_name, release.category if field_name == "category"
                                        else ""))
            if own in values:
                return self.sections[values.index(own)]
        return self.sections[0]

    def link(self, release: MirrorRelease) -> str:
        """The href a listing writes for ``release`` (as declared: maybe relative)."""
        return self._format(str(self.mirror["link"]), release)

    def alias_links(self, release: MirrorRelease) -> list[str]:
        return [self._format(str(a), release) for a in self.mirror.get("aliases", [])]

    def article_url(self, release: MirrorRelease) -> str:
        return urljoin(self._home_section(release).url, self.link(release))

    def alias_urls(self, release: MirrorRelease) -> list[str]:
        """Every other URL the release answers at (its aliases, absolute)."""
        base = self._home_section(release).url
        return [urljoin(base, a) for a in self.alias_links(release)]

    def archived_url(self, release: MirrorRelease) -> str:
        """The declared ``[canonical]`` rule applied to the link: https, the host, the path
        rewrites, only the kept query parameters (in the declared order)."""
        canonical = self.declaration.canonical
        parts = urlsplit(self.article_url(release))
        host = canonical.host or parts.netloc
        path = parts.path
        for pattern, replacement in canonical.path_rewrite:
            path = re.sub(pattern, replacement, path)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        if canonical.keep_query is not None:
            pairs = [(k, v) for name in canonical.keep_query for k, v in pairs if k == name]
        return safe_url_string(urlunsplit(("https", host, path, urlencode(pairs), "")))

    def _release_forms(self, release: MirrorRelease) -> list[_Form]:
        base = self._home_section(release).url
        forms = [_form_of(urljoin(base, self._format(str(self.mirror["release_path"]), release))),
                 _form_of(self.article_url(release)),
                 *(_form_of(u) for u in self.alias_urls(release))]
        return list(dict.fromkeys(forms))

    def fields(self, release: MirrorRelease) -> dict[str, Any]:
        """What a template sees of a release."""
        return {
            **release.extra,
            "slug": release.slug, "title": release.title, "published": release.published,
            "category": release.category, "paragraphs": list(release.paragraphs),
            "summary": release.paragraphs[0] if release.paragraphs else "",
            "url": self.link(release), "aliases": self.alias_links(release),
        }

    def release_for(self, path: str, query: Mapping[str, str]) -> MirrorRelease | None:
        for form, release in self._forms.get(unquote(path), []):
            if all(query.get(k) == v for k, v in form.query):
                return release
        return None

    # -- serving ----------------------------------------------------------------------

    def serve(self, request: MirrorRequest) -> MirrorResponse:
        gate = self.mirror.get("cookie_gate")
        if gate and f"{gate['cookie']}=" not in request.headers.get("cookie", ""):
            response = self._render("wall.html", {}, status=int(gate.get("status", 307)))
            target = request.path + (f"?{urlencode(request.query)}" if request.query else "")
            response.headers["Location"] = target
            response.headers["Set-Cookie"] = f"{gate['cookie']}={_GATE_TOKEN}; Path=/"
            return response
        return super().serve(request)

    def handle(self, request: MirrorRequest) -> MirrorResponse:
        release = self.release_for(request.path, request.query)
        if release is not None:
            context = {"release": self.fields(release), "source": self.declaration}
            if release.slug in self.walled:
                return self._render("wall.html", context, status=self.wall_status)
            return self._render("release.html", context)
        hit = self._listing_hit(request)
        if hit is None:
            return MirrorResponse.not_found()
        required = self.mirror.get("require_headers", {})
        if any(request.headers.get(k.lower()) != str(v) for k, v in required.items()):
            return MirrorResponse(400, b'{"error": "bad request"}',
                                  {"Content-Type": "application/json; charset=utf-8"})
        return self._listing(hit, request)

    def _render(self, name: str, context: dict[str, Any], *, status: int = 200) -> MirrorResponse:
        text = self.env.get_template(name).render(**context)
        head = text.lstrip()[:600]
        if head.startswith("<?xml"):
            kind = "application/rss+xml" if "<rss" in head else "application/xml"
        elif head.startswith(("{", "[")):
            kind = "application/json"
        else:
            kind = "text/html"
        return MirrorResponse(status, text.encode("utf-8"),
                              {"Content-Type": f"{kind}; charset=utf-8"})

    # -- listings ---------------------------------------------------------------------

    def _template_matches(self, template: str, request: MirrorRequest) -> dict[str, str] | None:
        """The placeholder values when ``request`` is a page of ``template``, else None."""
        parts = urlsplit(template)
        pattern = ""
        for piece in re.split(r"(\{\w+\})", parts.path):
            name = piece[1:-1]
            pattern += rf"(?P<{name}>\d+)" if _PLACEHOLDER.fullmatch(piece) else re.escape(piece)
        found = re.fullmatch(pattern, unquote(request.path))
        if found is None:
            return None
        values = dict(found.groupdict())
        for name, value in parse_qsl(parts.query, keep_blank_values=True):
            placeholder = _PLACEHOLDER.fullmatch(value)
            if placeholder:
                if name in request.query:
                    values[placeholder.group(1)] = request.query[name]
            elif name in request.query and request.query[name] != value:
                return None
        return values

    def _fixed_query_agrees(self, url: str, request: MirrorRequest) -> bool:
        page = self._page_param()
        for name, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
            if page and name == page[0]:
                continue
            if name in request.query and request.query[name] != value:
                return False
        return True

    def _first(self) -> int:
        if self.kind == "offset":
            return self.paging.first_offset
        return self.paging.first_page

    def _listing_hit(self, request: MirrorRequest) -> _Hit | None:
        for section in self.sections:
            template = section.template
            values = self._template_matches(template, request) if template else None
            if values is not None:
                hit = self._hit_from(section, values, request)
                if hit is not None:
                    return hit
            if (_form_of(section.url).path == unquote(request.path)
                    and self._fixed_query_agrees(section.url, request)):
                values = {}
                page = self._page_param()
                if page and page[0] in request.query:
                    values[page[1][1:-1]] = request.query[page[0]]
                hit = self._hit_from(section, values, request, bare=True)
                if hit is not None:
                    return hit
        return None

    def _hit_from(self, section: _Section, values: dict[str, str], request: MirrorRequest,
                  *, bare: bool = False) -> _Hit | None:
        try:
            if self.kind == "monthly":
                month: dt.date | None = None
                if "yyyymm" in values:
                    yyyymm = values["yyyymm"]
                    month = dt.date(int(yyyymm[:4]), int(yyyymm[4:]), 1)
                elif "year" in values and "month" in values:
                    month = dt.date(int(values["year"]), int(values["month"]), 1)
                inner = self.mirror.get("month_page_param")
                page = int(request.query.get(str(inner), 1)) if inner else 1
                return _Hit(section, page, month, bare=month is None)
            raw = values.get("offset", values.get("page"))
            page = int(raw) if raw not in (None, "") else self._first()
        except ValueError:
            return None
        return _Hit(section, page, bare=bare)

    def _newest_month(self, section: _Section) -> dt.date:
        newest = max((r["published"] for r in section.releases), default=dt.date.today())
        return newest.replace(day=1)

    def _listing(self, hit: _Hit, request: MirrorRequest) -> MirrorResponse:
        section = hit.section
        releases = section.releases
        context: dict[str, Any] = {"source": self.declaration}
        if self.kind == "monthly":
            return self._monthly(hit)
        if "{cursor}" in (section.template or ""):
            cursor = request.query.get("publishedDate>") or request.query.get("publishedDate>=")
            since = dt.date.fromisoformat(cursor[:10]) if cursor else dt.date.min
            releases = sorted((r for r in releases if r["published"] >= since),
                              key=lambda r: (r["published"], r["slug"]))
        step = self.paging.step if self.kind == "offset" else 1
        first = self._first()
        size = self.per_page or max(len(releases), 1)
        count = max(1, math.ceil(len(releases) / size))
        last = first + (count - 1) * step
        index = (hit.page - first) // step
        shown = releases[index * size:(index + 1) * size] if index >= 0 else []
        if self.kind in ("feed", "none") or section.template is None:
            shown, last, count = releases[:size], first, 1

        template = section.template

        def page_url(n: int) -> str:
            if template is None or "{cursor}" in template:
                return section.url
            return template.replace("{page}", str(n)).replace("{offset}", str(n))

        pages = [first + k * step for k in range(count)]
        context.update(
            releases=shown, page=hit.page, pages=pages, first_page=first, last_page=last,
            page_url=page_url, total=len(releases),
            prev_url=page_url(hit.page - step) if first < hit.page <= last else None,
            next_url=page_url(hit.page + step) if first <= hit.page < last else None,
            month=None,
        )
        return self._render("listing.html", context)

    def _monthly(self, hit: _Hit) -> MirrorResponse:
        section = hit.section
        template = str(section.template)
        newest = self._newest_month(section)
        oldest = min((r["published"] for r in section.releases), default=newest).replace(day=1)
        month = hit.month or newest

        def month_url(m: dt.date) -> str:
            return (template.replace("{yyyymm}", f"{m.year:04d}{m.month:02d}")
                    .replace("{year}", str(m.year)).replace("{month}", str(m.month)))

        releases = [r for r in section.releases
                    if (r["published"].year, r["published"].month) == (month.year, month.month)]
        inner = self.mirror.get("month_page_param")
        size = self.per_page or max(len(releases), 1)
        count = max(1, math.ceil(len(releases) / size))
        shown = releases[(hit.page - 1) * size:hit.page * size] if hit.page >= 1 else []

        def page_url(n: int) -> str:
            url = month_url(month)
            return url if n == 1 or not inner else f"{url}&{inner}={n}"

        if inner:
            prev_url = page_url(hit.page - 1) if 1 < hit.page <= count else None
            next_url = page_url(hit.page + 1) if 1 <= hit.page < count else None
        else:
            before, after = _month_add(month, -1), _month_add(month, 1)
            prev_url = month_url(before) if before >= oldest else None
            next_url = month_url(after) if after <= newest else None
        context = {
            "source": self.declaration, "releases": shown, "page": hit.page,
            "pages": list(range(1, count + 1)), "first_page": 1, "last_page": count,
            "page_url": page_url, "prev_url": prev_url, "next_url": next_url,
            "total": len(releases), "month": None if hit.bare and not inner else month,
        }
        return self._render("listing.html", context)

    # -- what a crawl must find -------------------------------------------------------

    @cached_property
    def language(self) -> str:
        return self.declaration.language

    def listing_pages(self) -> list[tuple[str, list[str]]]:
        """Every listing page a full crawl reads (real URL) and the slugs it lists."""
        pages: list[tuple[str, list[str]]] = []
        for section in self.sections:
            template = section.template
            if self.kind == "monthly":
                pages.append((section.url, [r["slug"] for r in self._month_of(
                    section, self._newest_month(section))][:self.per_page or None]))
                months = sorted({r["published"].replace(day=1) for r in section.releases},
                                reverse=True)
                inner = self.mirror.get("month_page_param")
                for month in months:
                    slugs = [r["slug"] for r in self._month_of(section, month)]
                    size = self.per_page or max(len(slugs), 1)
                    url = (str(template).replace("{yyyymm}", f"{month.year:04d}{month.month:02d}")
                           .replace("{year}", str(month.year)).replace("{month}", str(month.month)))
                    for n in range(max(1, math.ceil(len(slugs) / size))):
                        page = url if n == 0 or not inner else f"{url}&{inner}={n + 1}"
                        pages.append((page, slugs[n * size:(n + 1) * size]))
            elif template is not None and "{cursor}" in template:
                ordered = sorted(section.releases, key=lambda r: (r["published"], r["slug"]))
                since, seen = "2024-01-01T00:00:00", set[str]()
                while True:
                    day = dt.date.fromisoformat(since[:10])
                    shown = [r for r in ordered if r["published"] >= day][:self.per_page or None]
                    pages.append((template.replace("{cursor}", since), [r["slug"] for r in shown]))
                    if not shown or {r["slug"] for r in shown} <= seen:
                        break
                    seen |= {r["slug"] for r in shown}
                    since = shown[-1]["published"].isoformat() + "T00:00:00"
            elif template is None or self.kind in ("feed", "none"):
                listed = section.releases[:self.per_page] if self.per_page else section.releases
                pages.append((section.url, [r["slug"] for r in listed]))
            else:
                step = self.paging.step if self.kind == "offset" else 1
                size = self.per_page or max(len(section.releases), 1)
                count = max(1, math.ceil(len(section.releases) / size))
                for k in range(count):
                    value = str(self._first() + k * step)
                    url = template.replace("{page}", value).replace("{offset}", value)
                    pages.append((url, [r["slug"] for r in
                                        section.releases[k * size:(k + 1) * size]]))
        return pages

    def _month_of(self, section: _Section, month: dt.date) -> list[dict[str, Any]]:
        return [r for r in section.releases
                if (r["published"].year, r["published"].month) == (month.year, month.month)]

    def expected_urls(self) -> set[str]:
        listed = {slug for _, slugs in self.listing_pages() for slug in slugs}
        return {self.archived_url(r) for r in self.releases
                if r.slug in listed and r.slug not in self.walled}


def declared_sites() -> dict[str, type[MirrorSite]]:
    """A :class:`DeclaredMirror` class for every declared source with templates."""
    found: dict[str, type[MirrorSite]] = {}
    for key in declared_keys():
        cls = type(f"{key.capitalize()}DeclaredMirror", (DeclaredMirror,), {
            "key": key, "__module__": __name__,
        })
        cls.walled = cls.walled_slugs()  # type: ignore[attr-defined]
        found[key] = cls
    return found
