"""The generic mirror serves every declared source from its templates and data.

Fetched over HTTP from the mirror process (``python -m crawler.mirror``), as a crawl
does: every listing page answers and parses, lists what the mirror says it lists
(as many items as the declaration's item selector finds), every release and alias
answers with the release, walls answer as the evidence says. A new declared source
is picked up with no test code.
"""

from __future__ import annotations

import html
import json
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from typing import Any
from urllib.parse import urlsplit

import pytest
from lxml import etree
from parsel import Selector
from w3lib.url import safe_url_string

from crawler.mirror.declared import DeclaredMirror, declared_keys
from crawler.mirror.sites import SITES

KEYS = declared_keys()


def _site(key: str) -> DeclaredMirror:
    site = SITES[key]()
    assert isinstance(site, DeclaredMirror)
    return site


def _local(base: str, real_url: str) -> str:
    parts = urlsplit(safe_url_string(real_url))  # percent-encoded, as a crawler sends it
    return base + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _fetch(url: str, headers: dict[str, str] | None = None, *,
           follow: bool = True) -> tuple[int, dict[str, str], bytes]:
    handlers: list[Any] = [urllib.request.HTTPCookieProcessor(CookieJar())]
    if not follow:
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: Any, **kwargs: Any) -> None:
                return None
        handlers.append(NoRedirect())
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _headers(site: DeclaredMirror) -> dict[str, str]:
    return {k: str(v) for k, v in site.mirror.get("require_headers", {}).items()}


def _text_of(content_type: str, body: bytes) -> str:
    """The page's text, parsed as its type says (a page that does not parse fails here)."""
    text = body.decode("utf-8")
    if "json" in content_type:
        return json.dumps(json.loads(text), ensure_ascii=False)
    if "xml" in content_type:
        etree.fromstring(body)
        return html.unescape(text)
    assert Selector(text=text).css("body")
    return html.unescape(text)


def test_every_declared_source_with_templates_is_served() -> None:
    assert len(KEYS) >= 30
    for key in KEYS:
        assert isinstance(SITES[key](), DeclaredMirror), key


@pytest.mark.parametrize("key", KEYS)
def test_listing_pages_answer_parse_and_list_every_release(key: str,
                                                           mirror: dict[str, str]) -> None:
    site = _site(key)
    items = site.declaration.listing.items.item
    listed: set[str] = set()
    for url, slugs in site.listing_pages():
        status, headers, body = _fetch(_local(mirror[key], url), _headers(site))
        assert status == 200, url
        text = _text_of(headers["Content-Type"], body)
        for slug in slugs:
            assert slug in text, (url, slug)
        listed |= set(slugs)
        kind = headers["Content-Type"]
        if items and "json" not in kind:
            page = Selector(text=body.decode("utf-8"), type="xml" if "xml" in kind else "html")
            found = page.xpath(items[6:]) if items.startswith("xpath:") else page.css(items)
            assert len(found) == len(slugs), (url, len(found), len(slugs))
    assert listed == {r.slug for r in site.releases}, "every release is listed somewhere"


@pytest.mark.parametrize("key", KEYS)
def test_releases_and_aliases_answer_walls_as_the_evidence_says(key: str,
                                                                mirror: dict[str, str]) -> None:
    site = _site(key)
    markers = site.declaration.walls.markers
    for release in site.releases:
        urls = [site.article_url(release), *site.alias_urls(release)]
        bodies = set()
        for url in urls:
            status, _, body = _fetch(_local(mirror[key], url))
            bodies.add(body)
            if release.slug in site.walled:
                assert status == site.wall_status, url
                assert markers and any(m.encode() in body for m in markers), url
                assert release.paragraphs[0][:40] not in html.unescape(body.decode("utf-8"))
            else:
                assert status == 200, url
                assert release.paragraphs[0][:40] in html.unescape(body.decode("utf-8")), url
        assert len(bodies) == 1, f"{release.slug}: every URL form answers the same page"
    assert site.expected_urls() <= {site.archived_url(r) for r in site.releases}


@pytest.mark.parametrize("key", KEYS)
def test_robots_and_unknown_paths(key: str, mirror: dict[str, str]) -> None:
    status, _, body = _fetch(mirror[key] + "/robots.txt")
    assert status == 200 and b"User-agent" in body
    status, _, _ = _fetch(mirror[key] + "/no/such/page-at-all")
    assert status == 404


def test_cookie_gate_redirects_to_itself_with_a_cookie(mirror: dict[str, str]) -> None:
    gated = [k for k in KEYS if _site(k).mirror.get("cookie_gate")]
    assert gated, "ir declares the ArvanCloud gate"
    for key in gated:
        site = _site(key)
        gate = site.mirror["cookie_gate"]
        url = _local(mirror[key], site.article_url(site.releases[0]))
        status, headers, body = _fetch(url, follow=False)
        assert status == gate["status"]
        assert headers["Location"] == urlsplit(url).path
        assert headers["Set-Cookie"].startswith(f"{gate['cookie']}=")
        assert b"ArvanCloud" in body
        status, _, _ = _fetch(mirror[key] + "/robots.txt", follow=False)
        assert status == gate["status"], "robots.txt is behind the gate too"
        status, _, body = _fetch(url)  # with the cookie jar, as a browser passes it
        assert status == 200 and site.releases[0].title in html.unescape(body.decode("utf-8"))


def test_required_headers_are_required(mirror: dict[str, str]) -> None:
    keys = [k for k in KEYS if _site(k).mirror.get("require_headers")]
    assert keys, "uz declares the `code` header of its listing API"
    for key in keys:
        site = _site(key)
        url = _local(mirror[key], site.listing_pages()[0][0])
        assert _fetch(url)[0] == 400
        assert _fetch(url, _headers(site))[0] == 200


def test_taiwan_one_release_several_urls() -> None:
    site = _site("tw")
    cross = [r for r in site.releases if r.extra.get("also_in")]
    assert cross
    for release in cross:
        forms = [site.article_url(release), *site.alias_urls(release)]
        assert len(set(forms)) == 2
        assert site.archived_url(release) == (
            f"https://en.mofa.gov.tw/News_Content.aspx?n={release.extra['n']}&s={release.slug}")
        lists = [url for url, slugs in site.listing_pages() if release.slug in slugs]
        assert len(lists) == 2, "cross-listed in both sections"


def test_japan_months_cross_a_year_boundary(mirror: dict[str, str]) -> None:
    site = _site("jp")
    months = [url for url, _ in site.listing_pages() if "_index.html" in url
              and not url.endswith("/index.html")]
    years = {url.rsplit("/", 1)[1][:4] for url in months}
    assert len(years) >= 2
    status, _, body = _fetch(mirror["jp"] + "/press/release/202407_index.html")
    assert status == 200 and b"There are no press releases" in body, "an empty month answers"
    newest = max(r.published for r in site.releases)
    status, _, body = _fetch(mirror["jp"] + "/press/release/index.html")
    assert status == 200
    assert f"<dt>{newest.strftime('%B')} {newest.day}</dt>".encode() in body


def test_past_the_last_page_lists_nothing(mirror: dict[str, str]) -> None:
    for key in KEYS:
        site = _site(key)
        if site.kind not in ("template", "offset", "next_link", "json") \
                or "{cursor}" in str(site.paging.template):
            continue
        pages = [u for u, _ in site.listing_pages()]
        template = str(site.sections[0].template)
        last = len([u for u in pages if u.startswith(template.split("{")[0])])
        step = site.paging.step if site.kind == "offset" else 1
        value = str(site._first() + last * step)  # the page after the last
        url = template.replace("{page}", value).replace("{offset}", value)
        status, headers, body = _fetch(_local(mirror[key], url), _headers(site))
        assert status == 200, (key, url)
        text = _text_of(headers["Content-Type"], body)
        assert not any(r.slug in text for r in site.releases), key


def test_package_data_ships_every_template_data_and_declaration_file() -> None:
    """An installed package serves the mirrors: pyproject's package-data covers their files."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    data = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    package_data = data["tool"]["setuptools"]["package-data"]
    shipped: set[Path] = set()
    for package, patterns in package_data.items():
        base = root.joinpath(*package.split("."))
        for pattern in patterns:
            shipped |= set(base.glob(pattern))
    wanted = [p for folder in ("crawler/mirror/templates", "crawler/mirror/data",
                               "crawler/sources")
              for p in (root / folder).rglob("*") if p.is_file() and p.suffix != ".py"
              and "__pycache__" not in p.parts]
    assert wanted
    assert [str(p.relative_to(root)) for p in wanted if p not in shipped] == []
