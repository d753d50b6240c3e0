"""Mirror of https://mid.ru/en/ (a Bitrix site).

Six English section listings (news, briefings, official statements, comments,
answers to media questions, the minister's speeches), six releases a page,
paged with a Bitrix pager ``?PAGEN_1=N`` that robots.txt forbids
(``Disallow: /*?PAGEN``). "News" lists every release [inf]; the other sections
list their own. Items are ``li.announce__item`` with ``div.announce__date``
(``20.08.2026``) and ``a.announce__link announce__link_fix_en`` with a
relative href to ``/en/<section>/<numeric id>/``. Release pages carry
``.photo-content__title``, ``.photo-content__date`` (``20.08.2026`` for news,
``30 September 2026`` elsewhere, the time in a child span) and
``div.text.article-content``; briefings open with a "Contents" ``h2`` and a
list of ``#N`` anchors, and each section ends in "Back to contents". The page
of one release in ``walled`` is an F5/Shape TSPD challenge. Feed paths serve
HTML, as the real site's do.

A robots-obeying crawl reaches only the first page of each section:
:meth:`RuMirror.expected_urls` is that set.
"""

from __future__ import annotations

from typing import ClassVar

from crawler.mirror.sites.base import (
    MirrorRelease,
    MirrorRequest,
    MirrorResponse,
    MirrorSite,
    esc,
)

PER_PAGE = 6
_REAL = "https://mid.ru"
NEWS = "/en/foreign_policy/news/"
SECTIONS: dict[str, tuple[str, str]] = {  # category -> (path, heading)
    "News": (NEWS, "News"),
    "Briefings": ("/en/press_service/spokesman/briefings/", "Briefings"),
    "Official statements": ("/en/press_service/spokesman/official_statement/",
                            "Official statements"),
    "Comments": ("/en/press_service/spokesman/comments/", "Comments"),
    "Answers": ("/en/press_service/spokesman/answers/", "Answers to media questions"),
    "Minister's speeches": ("/en/press_service/minister_speeches/",
                            "Minister's statements and speeches"),
}
_PATHS = {path: category for category, (path, _) in SECTIONS.items()}

_TOP = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="UTF-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link href="/bitrix/templates/mid/styles.css" rel="stylesheet"></head>
<body>
<header class="header">
<div class="header__top"><a class="header__logo" href="/en/">The Ministry of Foreign Affairs of the Russian Federation</a>
<ul class="header__langs"><li><a href="/ru/">RU</a></li><li class="active"><a href="/en/">EN</a></li>
<li><a href="/de/">DE</a></li><li><a href="/fr/">FR</a></li><li><a href="/es/">ES</a></li></ul>
<div class="header__search"><input type="text" placeholder="Search"><a href="/en/search/">Advanced settings</a></div></div>
<nav class="main-menu"><ul>
<li><a href="/en/about_us/">The Ministry</a></li>
<li><a href="/en/foreign_policy/">Foreign policy</a></li>
<li><a href="/en/press_service/">Press service</a></li>
<li><a href="/en/consular_services/">Consular services</a></li>
<li><a href="/en/countries/">Countries</a></li></ul></nav>
</header>
<main class="page">
<div class="breadcrumbs"><a href="/en/">Home</a> / {crumbs}</div>
"""
_BOTTOM = """
</main>
<footer class="footer">
<div class="footer__info"><h4>General Information</h4><ul><li>Flag</li><li>Arms</li><li>Anthem</li><li>Bilateral</li></ul></div>
<div class="footer__links"><h4>Diplomatic and consular missions of Russia</h4>
<a href="/en/about_us/rf_missions/">Missions abroad</a><h4>Representative offices in Russia</h4></div>
<p class="footer__copy">&copy; 2026 The Ministry of Foreign Affairs of the Russian Federation</p>
</footer>
</body></html>
"""

_WALL = """<!DOCTYPE html>
<html><head><meta http-equiv="Pragma" content="no-cache"><title></title>
<script type="text/javascript" src="/TSPD/08a7c9e4d1ab2000c6f1e0b0f1?type=7"></script>
<script>window.bobcmn = "111110101010102000000022000000052000000002ac8d5c3e200000096300000000300000000300000006/TSPD/300000008TSPD_101_DID";
window.TSPD_101_DID = "08a7c9e4d1ab2800";</script>
<noscript>Please enable JavaScript to view the page content.<br/>Your support ID is: 11842093581522063125.</noscript>
</head><body></body></html>
"""


def _short(release: MirrorRelease) -> str:
    return f"{release.published:%d.%m.%Y}"


def _long(release: MirrorRelease) -> str:
    return f"{release.published.day} {release.published:%B %Y}"


class RuMirror(MirrorSite):
    key: ClassVar[str] = "ru"
    robots_txt: ClassVar[str] = (
        "User-agent: *\n"
        "Disallow: /bitrix/\n"
        "Disallow: /search/\n"
        "Disallow: /*?PAGEN\n"
        "Disallow: /*/-/asset_publisher/\n"
        "Disallow: /*print=Y\n"
        "Host: https://mid.ru\n"
    )
    walled: ClassVar[frozenset[str]] = frozenset({"2061478"})

    def handle(self, request: MirrorRequest) -> MirrorResponse:
        path = request.path if request.path.endswith("/") else request.path + "/"
        if path in _PATHS:
            try:
                page = int(request.query.get("PAGEN_1", "1"))
            except ValueError:
                return MirrorResponse.not_found()
            return MirrorResponse.html(self.listing(_PATHS[path], page))
        if path.startswith("/en/rss/") or path.endswith(("/rss/", "/feed/")):
            return MirrorResponse.html(self.listing("News", 1))  # feeds serve HTML
        section, _, rest = path.rstrip("/").rpartition("/")
        release = self.by_slug(rest)
        if release and SECTIONS.get(release.category, SECTIONS["News"])[0] == section + "/":
            if release.slug in self.walled:
                return MirrorResponse.html(_WALL)
            return MirrorResponse.html(self.article(release))
        return MirrorResponse.not_found()

    def article_url(self, release: MirrorRelease) -> str:
        path = SECTIONS.get(release.category, SECTIONS["News"])[0]
        return f"{_REAL}{path}{release.slug}/"

    def in_section(self, category: str) -> list[MirrorRelease]:
        if category == "News":
            return self.releases
        return [r for r in self.releases if r.category == category]

    def first_pages(self) -> set[str]:
        """Slugs listed on the first page of some section: all a robots-obeying crawl sees."""
        return {r.slug for c in SECTIONS for r in self.in_section(c)[:PER_PAGE]}

    def expected_urls(self) -> set[str]:
        reachable = self.first_pages() - self.walled
        return {self.archived_url(r) for r in self.releases if r.slug in reachable}

    def _href(self, release: MirrorRelease) -> str:
        return self.article_url(release)[len(_REAL):]

    def listing(self, category: str, page: int) -> str:
        path, heading = SECTIONS[category]
        releases = self.in_section(category)
        shown = releases[(page - 1) * PER_PAGE:page * PER_PAGE] if page >= 1 else []
        items = "\n".join(
            '<li class="announce__item">'
            f'<div class="announce__meta"><div class="announce__date">{_short(r)}</div>'
            f'<span class="announce__type">{esc(r.category)}</span></div>'
            f'<a class="announce__link announce__link_fix_en" href="{esc(self._href(r))}">'
            f"{esc(r.title)}</a></li>"
            for r in shown
        )
        pages = (len(releases) + PER_PAGE - 1) // PER_PAGE
        pager = "".join(
            f'<a class="pagination__item{" pagination__item_active" if n == page else ""}" '
            f'href="{path}?PAGEN_1={n}">{n}</a>'
            for n in range(1, pages + 1)
        )
        if page < pages:
            pager += f'<a class="pagination__next" href="{path}?PAGEN_1={page + 1}">Next</a>'
        return (
            _TOP.format(title=f"{esc(heading)} - The Ministry of Foreign Affairs of the Russian Federation",
                        crumbs=f"<span>{esc(heading)}</span>")
            + f'<h1 class="page__title">{esc(heading)}</h1>'
            + f'<div class="announce"><ul class="announce__list">{items}</ul></div>'
            + f'<div class="pagination">{pager}</div>'
            + _BOTTOM
        )

    def _body(self, release: MirrorRelease) -> str:
        headings = {int(i): h for i, h in release.extra.get("headings", [])}
        parts: list[str] = []
        if headings:
            toc = "".join(
                f'<li><a href="#{n}">{esc(h)}</a></li>'
                for n, (_, h) in enumerate(sorted(headings.items()), start=1)
            )
            parts.append(f'<h2 id="top">Contents</h2><ol>{toc}</ol>')
        number = 0
        for i, paragraph in enumerate(release.paragraphs):
            if i in headings:
                if number:
                    parts.append('<p><a href="#top">Back to contents</a></p>')
                number += 1
                parts.append(f'<h3 id="{number}">{esc(headings[i])}</h3>')
            parts.append(f"<p>{esc(paragraph)}</p>")
        if headings:
            parts.append('<p><a href="#top">Back to contents</a></p>')
        return "\n".join(parts)

    def article(self, release: MirrorRelease) -> str:
        path, heading = SECTIONS.get(release.category, SECTIONS["News"])
        date = _short(release) if release.category == "News" else _long(release)
        related = "".join(
            f'<li><a href="https://www.mid.ru{esc(self._href(r))}">{esc(r.title)}</a>'
            f"<span>{_short(r)}</span></li>"
            for r in self.releases[:3] if r.slug != release.slug
        )
        return (
            _TOP.format(title=f"{esc(release.title)} - The Ministry of Foreign Affairs of the Russian Federation",
                        crumbs=f'<a href="{path}">{esc(heading)}</a>')
            + '<div class="photo-content">'
            + f'<div class="photo-content__date">{date} <span class="photo-content__time">'
            + f'{10 + int(release.slug) % 9}:{int(release.slug) % 60:02d}</span></div>'
            + f'<h1 class="photo-content__title">{esc(release.title)}</h1>'
            + '<ul class="photo-content__langs"><li>en-GB</li><li>ru-RU</li><li>es-ES</li></ul>'
            + "</div>"
            + f'<div class="text article-content">{self._body(release)}</div>'
            + '<div class="article-share"><span>Share</span><a href="#">VK</a><a href="#">Telegram</a>'
            + '<a href="?print=Y">Print</a></div>'
            + '<div class="additional"><h3>Additional materials</h3></div>'
            + f'<div class="related-news"><h3>Related news</h3><ul>{related}</ul></div>'
            + _BOTTOM
        )
