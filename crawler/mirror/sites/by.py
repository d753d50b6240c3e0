"""Mirror of https://mfa.gov.by/en/press/news_mfa/.

- ``GET /en/press/news_mfa/``: sets a session cookie and serves the news page with
  the date-search form (``input#ggtoken``, ``date_from``, ``date_to``, ``page``) and
  the ten newest releases in ``div.tabs__item``.
- ``POST /en/press/news_mfa/`` with ``page=1&ggtoken=...&date_from=DD.MM.YYYY&
  date_to=DD.MM.YYYY``: the releases of that window, newest first, at most ten. The
  mirror checks the token against the session cookie and the Referer; a missing or
  wrong one gets 400 [inf: what the real site answers is not documented].
- ``GET /en/press/news_mfa/<16 hex>.html``: ``<h1>``, ``span.date._big``
  (``1 October 2026``), paragraphs, ``<p><a href="/print/...">``,
  ``div.content-page__social``, ``</section>``.
- Every page is windows-1251, declared by ``<meta http-equiv>`` only; the chrome
  carries the Russian and Belarusian site names and menu.
- robots.txt disallows ``/cgi-bin``, ``/admin``, ``/ckeditor``, ``/tmp``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import ClassVar

from crawler.mirror.sites.base import (
    MirrorRelease,
    MirrorRequest,
    MirrorResponse,
    MirrorSite,
    esc,
)

PER_QUERY = 10
_LISTING = "/en/press/news_mfa/"
_REAL = "https://mfa.gov.by"
_COOKIE = "PHPSESSID"
_SECRET = b"mirror-ggtoken"
_ENCODING = "windows-1251"

_TOP = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">
<title>{title}</title>
</head>
<body>
<header class="header">
<div class="header__top"><a class="logo" href="/en/">Ministry of Foreign Affairs of the Republic of Belarus
<span class="logo__alt">Министерство иностранных дел Республики Беларусь</span></a>
<ul class="lang"><li><a href="/press/news_mfa/">Русский</a></li><li><a href="/be/">Беларуская</a></li>
<li class="active"><a href="/en/">English</a></li></ul></div>
<nav class="menu"><ul><li><a href="/en/mfa/">Ministry</a></li><li><a href="/en/foreign_policy/">Foreign policy</a></li>
<li><a href="/en/press/">Press center</a></li><li><a href="/en/visa/">Visa and consular issues</a></li></ul></nav>
</header>
<main class="main">
"""
_BOTTOM = """</main>
<footer class="footer"><p>220030, Minsk, 19 Lenina str. / 220030, г. Минск, ул. Ленина, 19</p>
<p>© 2026 Ministry of Foreign Affairs of the Republic of Belarus</p></footer>
</body></html>
"""


def _date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _token(session: str) -> str:
    return hmac.new(_SECRET, session.encode(), hashlib.sha256).hexdigest()[:32]


def _session(headers: dict[str, str]) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == _COOKIE and value:
            return value
    return None


def _parse(value: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value.strip(), "%d.%m.%Y").date()
    except ValueError:
        return None


class ByMirror(MirrorSite):
    key: ClassVar[str] = "by"
    robots_txt: ClassVar[str] = (
        "User-agent: *\nDisallow: /cgi-bin\nDisallow: /admin\nDisallow: /ckeditor\n"
        "Disallow: /tmp\n"
    )

    def handle(self, request: MirrorRequest) -> MirrorResponse:
        if request.path == _LISTING:
            return self.post(request) if request.method == "POST" else self.get(request)
        if request.path.startswith(_LISTING) and request.path.endswith(".html"):
            release = self.by_slug(request.path[len(_LISTING):].removesuffix(".html"))
            if release is None:
                return MirrorResponse.not_found()
            return MirrorResponse.html(self.article(release), encoding=_ENCODING, declare=False)
        return MirrorResponse.not_found()

    def article_url(self, release: MirrorRelease) -> str:
        return f"{_REAL}{_LISTING}{release.slug}.html"

    def get(self, request: MirrorRequest) -> MirrorResponse:
        session = _session(request.headers) or secrets.token_hex(13)
        response = MirrorResponse.html(self.listing(self.releases[:PER_QUERY], _token(session)),
                                       encoding=_ENCODING, declare=False)
        response.headers["Set-Cookie"] = f"{_COOKIE}={session}; path=/; HttpOnly"
        return response

    def post(self, request: MirrorRequest) -> MirrorResponse:
        session = _session(request.headers)
        referer = request.headers.get("referer", "")
        if (not session or not hmac.compare_digest(request.form.get("ggtoken", ""), _token(session))
                or not referer.split("?")[0].endswith(_LISTING)):
            return MirrorResponse.html("<html><body><p>Bad request</p></body></html>", status=400)
        low, high = _parse(request.form.get("date_from", "")), _parse(request.form.get("date_to", ""))
        if low is None or high is None:
            return MirrorResponse.html(self.listing([], _token(session), message="Enter the dates"),
                                       encoding=_ENCODING, declare=False)
        found = [r for r in self.releases if low <= r.published <= high][:PER_QUERY]
        return MirrorResponse.html(self.listing(found, _token(session), low=low, high=high),
                                   encoding=_ENCODING, declare=False)

    def listing(self, releases: list[MirrorRelease], token: str, *, low: dt.date | None = None,
                high: dt.date | None = None, message: str = "Nothing found") -> str:
        rows = "\n".join(
            f'<li class="news-list__item"><span class="date">{_date(r.published)}</span>'
            f'<a href="{_LISTING}{r.slug}.html">{esc(r.title)}</a></li>'
            for r in releases
        )
        results = (f'<div class="tabs__item"><ul class="news-list">{rows}</ul></div>' if releases
                   else f'<p class="search__empty">{message}</p>')
        return (
            _TOP.format(lang="en", title="News of the Ministry")
            + '<section class="content-page"><h1>News of the Ministry</h1>'
            + f'<form class="search-form" method="post" action="{_LISTING}">'
            + '<input type="hidden" name="page" value="1"><input type="hidden" id="ggtoken" '
            + f'name="ggtoken" value="{token}">'
            + f'<input type="text" name="date_from" value="{f"{low:%d.%m.%Y}" if low else ""}">'
            + f'<input type="text" name="date_to" value="{f"{high:%d.%m.%Y}" if high else ""}">'
            + '<button type="submit">Search</button></form>'
            + f'<div class="tabs">{results}</div></section>'
            + _BOTTOM
        )

    def article(self, release: MirrorRelease) -> str:
        paragraphs = "\n".join(f"<p>{esc(p)}</p>" for p in release.paragraphs)
        return (
            _TOP.format(lang="en", title=esc(release.title))
            + '<div class="breadcrumbs"><a href="/en/">Home</a> / <a href="/en/press/">Press center</a>'
            + f' / <a href="{_LISTING}">News of the Ministry</a></div>'
            + f'<section class="content-page"><h1>{esc(release.title)}</h1>'
            + f'<span class="date _big">{_date(release.published)}</span>\n{paragraphs}\n'
            + f'<p><a href="/print{_LISTING}{release.slug}.html">Print version</a></p>'
            + '<div class="content-page__social"><a href="#">Facebook</a><a href="#">X</a>'
            + '<a href="#">Telegram</a></div></section>'
            + '<aside class="other-news"><h3>Other news</h3><p><a href="/en/press/news_mfa/">'
            + "All news</a></p></aside>"
            + _BOTTOM
        )
