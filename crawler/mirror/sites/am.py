"""Mirror of https://www.mfa.am/en/news.

Listing ``/en/news?page=N`` (from 1, five releases a page, a ``ul.pagination``
pager, an empty list past the end); items ``div.news-list ul li`` whose first
``div`` holds the title link, then ``div.date italic`` (``13 May, 2024``) and
``p.description``; absolute links to
``https://www.mfa.am/en/<section>/YYYY/MM/DD/<name>/<id>``. Release pages put
the title in the first ``h2``, the date in ``div.date italic`` and the text in
``div.static-content`` (justified paragraphs), followed by "Print the page",
share buttons and "Other news". Feed paths answer 404, as the real site's do.
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

PER_PAGE = 5
_REAL = "https://www.mfa.am"
_SECTIONS = {
    "Press releases": "press-releases",
    "News": "news",
    "Statements": "interviews-articles-and-comments",
    "Comments": "interviews-articles-and-comments",
}

_TOP = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="UTF-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="/css/style.css"></head>
<body>
<header class="main-header">
<div class="top-bar"><ul class="langs"><li><a href="https://www.mfa.am/hy/">Հայ</a></li>
<li class="active"><a href="https://www.mfa.am/en/">Eng</a></li><li><a href="https://www.mfa.am/ru/">Рус</a></li></ul>
<form class="search" action="https://www.mfa.am/en/search"><input name="q" placeholder="Search"></form></div>
<a class="logo" href="https://www.mfa.am/en/"><img src="/img/coat.png" alt="">Ministry of Foreign Affairs of the Republic of Armenia</a>
<nav class="main-menu"><ul>
<li><a href="https://www.mfa.am/en/minister">Minister</a></li>
<li><a href="https://www.mfa.am/en/foreign-policy">Foreign Policy</a></li>
<li><a href="https://www.mfa.am/en/news">Press Center</a><ul>
<li><a href="https://www.mfa.am/en/news">News</a></li>
<li><a href="https://www.mfa.am/en/press-releases">Press releases</a></li>
<li><a href="https://www.mfa.am/en/interviews-articles-and-comments">Interviews, articles and comments</a></li></ul></li>
<li><a href="https://www.mfa.am/en/consular-services">Consular Services</a></li>
<li><a href="https://www.mfa.am/en/embassies">Embassies</a></li></ul></nav>
</header>
<div class="container">
<ul class="breadcrumb"><li><a href="https://www.mfa.am/en/">Home</a></li>{crumbs}</ul>
"""
_BOTTOM = """
</div>
<footer class="main-footer"><div class="footer-contacts">
<p>Address: 3 Vazgen Sargsyan St., Government House 2, Yerevan 0010, Republic of Armenia</p>
<p>Phone: (+374 10) 620 000</p></div>
<ul class="social"><li><a href="https://www.facebook.com/MFAofArmenia">Facebook</a></li>
<li><a href="https://twitter.com/MFAofArmenia">Twitter</a></li></ul>
<p class="copy">&copy; Ministry of Foreign Affairs of the Republic of Armenia. All rights reserved.</p>
</footer>
</body></html>
"""


def _date(release: MirrorRelease) -> str:
    return f"{release.published.day} {release.published:%B, %Y}"


class AmMirror(MirrorSite):
    key: ClassVar[str] = "am"
    robots_txt: ClassVar[str] = "User-agent: *\nDisallow: /admin/\nDisallow: /en/search\n"

    def handle(self, request: MirrorRequest) -> MirrorResponse:
        path = request.path.rstrip("/")
        if path in ("/en/news", "/en/press-releases", "/en/interviews-articles-and-comments"):
            try:
                page = int(request.query.get("page", "1"))
            except ValueError:
                return MirrorResponse.not_found()
            return MirrorResponse.html(self.listing(path.rsplit("/", 1)[-1], page))
        parts = path.split("/")
        # /en/<section>/YYYY/MM/DD/<name>/<id>
        if len(parts) == 8 and parts[1] == "en" and parts[2] in _SECTIONS.values():
            release = self.by_slug(parts[-1])
            if release and self.article_url(release) == _REAL + path:
                return MirrorResponse.html(self.article(release))
        if path.endswith(("/rss", "/feed", ".rss", "/rss.xml")):
            return MirrorResponse.not_found()
        return MirrorResponse.not_found()

    def article_url(self, release: MirrorRelease) -> str:
        section = _SECTIONS.get(release.category, "news")
        name = release.extra.get("name", "news")
        return f"{_REAL}/en/{section}/{release.published:%Y/%m/%d}/{name}/{release.slug}"

    def _in_section(self, section: str) -> list[MirrorRelease]:
        if section == "news":
            return self.releases
        return [r for r in self.releases if _SECTIONS.get(r.category) == section]

    def listing(self, section: str, page: int) -> str:
        releases = self._in_section(section)
        shown = releases[(page - 1) * PER_PAGE:page * PER_PAGE] if page >= 1 else []
        items = "\n".join(
            f'<li><div class="news-title"><a href="{esc(self.article_url(r))}">{esc(r.title)}</a></div>'
            f'<div class="date italic">{_date(r)}</div>'
            f'<p class="description">{esc(r.paragraphs[0][:160])}...</p>'
            f'<a class="more" href="{esc(self.article_url(r))}">Read more</a></li>'
            for r in shown
        )
        pages = (len(releases) + PER_PAGE - 1) // PER_PAGE
        pager = ""
        if shown:
            links = "".join(
                f'<li class="{"active" if n == page else ""}">'
                f'<a href="{_REAL}/en/{section}?page={n}">{n}</a></li>'
                for n in range(1, pages + 1)
            )
            if page < pages:
                links += f'<li class="next"><a href="{_REAL}/en/{section}?page={page + 1}">&raquo;</a></li>'
            pager = f'<ul class="pagination">{links}</ul>'
        return (
            _TOP.format(title="News - Ministry of Foreign Affairs of Armenia",
                        crumbs='<li><a href="https://www.mfa.am/en/news">Press Center</a></li><li>News</li>')
            + '<div class="content-wrapper"><h1 class="page-title">News</h1>'
            + f'<div class="news-list"><ul>{items}</ul></div>{pager}</div>'
            + _BOTTOM
        )

    def article(self, release: MirrorRelease) -> str:
        paragraphs = "\n".join(
            f'<p style="text-align: justify;">{esc(p)}</p>' for p in release.paragraphs
        )
        others = "".join(
            f'<li><a href="{esc(self.article_url(r))}">{esc(r.title)}</a>'
            f'<div class="date">{_date(r)}</div></li>'
            for r in self.releases[:4] if r.slug != release.slug
        )
        return (
            _TOP.format(title=esc(release.title) + " - Ministry of Foreign Affairs of Armenia",
                        crumbs=f'<li><a href="https://www.mfa.am/en/news">{esc(release.category)}</a></li>')
            + '<div class="news-inner">'
            + f"<h2>{esc(release.title)}</h2>"
            + f'<div class="date italic">{_date(release)}</div>'
            + f'<div class="static-content">{paragraphs}</div>'
            + '<div class="page-actions"><a href="javascript:window.print()" class="print">Print the page</a>'
            + '<div class="share"><span>Share</span><a href="#">Facebook</a><a href="#">Twitter</a></div></div>'
            + f'</div><div class="other-news"><h3>Other news</h3><ul>{others}</ul></div>'
            + _BOTTOM
        )
