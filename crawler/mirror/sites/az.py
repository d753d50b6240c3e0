"""Mirror of https://www.mfa.gov.az/en/news.

Listing ``/en/news?page=N`` (from 1, ten releases a page, an empty list past
the end), items ``a.section_newsIn_item`` in the *second* ``div.section_content``
with the date ``%d %B %Y`` in the second span; absolute links to
``https://mfa.gov.az/en/news/<no>``; body paragraphs in
``div.section_articleInner_body_content--description``. Feed paths answer 500,
as the real site's do.
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

PER_PAGE = 10
_REAL = "https://mfa.gov.az"

_CHROME_TOP = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<header class="header"><div class="header_top">
<a href="https://mfa.gov.az/en" class="logo">Ministry of Foreign Affairs of the Republic of Azerbaijan</a>
<ul class="lang"><li><a href="https://mfa.gov.az/az/news">AZ</a></li><li><a href="https://mfa.gov.az/en/news">EN</a></li><li><a href="https://mfa.gov.az/ru/news">RU</a></li></ul>
</div>
<nav class="menu"><ul><li><a href="https://mfa.gov.az/en/category/ministry">Ministry</a></li>
<li><a href="https://mfa.gov.az/en/category/foreign-policy">Foreign policy</a></li>
<li><a href="https://mfa.gov.az/en/news">Press service</a></li>
<li><a href="https://mfa.gov.az/en/category/consular-issues">Consular issues</a></li></ul></nav>
<div class="search"><input type="text" placeholder="Search in archive"><a href="#">Advanced settings</a></div>
</header>
<main>
<div class="section_content"><div class="news_banner"><img src="/assets/banner.jpg" alt="news banner image Desktop"></div></div>
"""
_CHROME_BOTTOM = """
</main>
<footer class="footer"><p>Shikhali Gurbanov street 50, Baku, AZ1009</p>
<p>All rights reserved. Contact us to use any licensed material.</p></footer>
</body></html>
"""


def _date(release: MirrorRelease) -> str:
    return f"{release.published.day} {release.published:%B %Y}"


class AzMirror(MirrorSite):
    key: ClassVar[str] = "az"
    per_page: int = PER_PAGE
    robots_txt: ClassVar[str] = "User-agent: *\nDisallow: /admin/\nDisallow: /search\n"

    def handle(self, request: MirrorRequest) -> MirrorResponse:
        path = request.path.rstrip("/")
        if path in ("/en/news", "/index.php/en/news"):
            try:
                page = int(request.query.get("page", "1"))
            except ValueError:
                return MirrorResponse.not_found()
            return MirrorResponse.html(self.listing(page))
        if path.startswith("/en/news/"):
            release = self.by_slug(path.rsplit("/", 1)[-1])
            return MirrorResponse.html(self.article(release)) if release else MirrorResponse.not_found()
        if path.endswith(("/rss", "/feed", ".rss")):
            return MirrorResponse.html("<h1>Internal Server Error</h1>", status=500)
        return MirrorResponse.not_found()

    def article_url(self, release: MirrorRelease) -> str:
        return f"{_REAL}/en/news/{release.slug}"

    def listing(self, page: int) -> str:
        items = "\n".join(
            f'<a class="section_newsIn_item" href="{_REAL}/en/news/{esc(r.slug)}">'
            f'<div class="section_newsIn_item_img"><img src="/uploads/{esc(r.slug)}.jpg" alt=""></div>'
            f'<div class="section_newsIn_item_content">'
            f'<div class="section_newsIn_item_content--header">{esc(r.title)}</div>'
            f'<div class="section_newsIn_item_content_information">'
            f"<span>{esc(r.category)}</span><span>{_date(r)}</span></div></div></a>"
            for r in self.page_of(page - 1, self.per_page)
        )
        pages = (len(self.releases) + self.per_page - 1) // self.per_page
        pager = " ".join(
            f'<a href="{_REAL}/en/news?page={n}">{n}</a>' for n in range(1, pages + 1)
        )
        return (
            _CHROME_TOP.format(title="News | Ministry of Foreign Affairs")
            + '<div class="section_content"><h2 class="section_title">News</h2>'
            + f'<div class="section_newsIn">{items}</div>'
            + f'<div class="pagination">{pager}</div></div>'
            + _CHROME_BOTTOM
        )

    def article(self, release: MirrorRelease) -> str:
        paragraphs = "\n".join(f"<p>{esc(p)}</p>" for p in release.paragraphs)
        return (
            _CHROME_TOP.format(title=esc(release.title))
            + '<div class="section_content"><div class="section_articleInner">'
            + f'<h1 class="section_articleInner_title">{esc(release.title)}</h1>'
            + f'<div class="section_articleInner_date"><span>{esc(release.category)}</span>'
            + f"<span>{_date(release)}</span></div>"
            + '<div class="section_articleInner_body"><div class="section_articleInner_body_content">'
            + f'<div class="section_articleInner_body_content--description">{paragraphs}</div>'
            + '</div><div class="share"><a href="#">Share</a><a href="#">Print</a></div></div>'
            + "</div></div>"
            + '<div class="related"><h3>Other news</h3><ul><li><a href="'
            + f'{_REAL}/en/news">All news</a></li></ul></div>'
            + _CHROME_BOTTOM
        )
