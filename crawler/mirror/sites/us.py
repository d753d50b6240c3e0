"""Mirror of https://www.state.gov/press-releases/.

A WordPress collection: ``/press-releases/``, then ``/press-releases/page/N/``
(``/page/1/`` redirects to the first page; past the last page a WordPress
404), ten ``li.collection-result`` items a page with ``a.collection-result__link``
(absolute) and ``.collection-result-meta`` spans (document type [inf], then
``%B %d, %Y``). Press statements sit under
``/releases/office-of-the-spokesperson/YYYY/MM/<slug>/`` between briefings and
other bureaus' releases; the second page lists none. Article: ``h1``,
``section.article-meta`` (``.article-meta__author-bureau``,
``.article-meta__publish-date``), then ``.entry-content`` with a summary index,
"###", tags and a share bar, closed by ``<!-- .entry-content -->``. One release
answers with the "Technical Difficulties" wall (200), as state.gov does for
descriptive user agents. ``/feed/`` is the stale empty feed; the WP REST route
``/wp-json/wp/v2/state_press_release`` answers JSON.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import ClassVar

from crawler.mirror.sites.base import (
    MirrorRelease,
    MirrorRequest,
    MirrorResponse,
    MirrorSite,
    esc,
)

PER_PAGE = 10
_REAL = "https://www.state.gov"
_SPOKESPERSON = "/releases/office-of-the-spokesperson"
_PAGED = re.compile(r"^/press-releases/page/(\d+)$")
_ARTICLE = re.compile(rf"^{_SPOKESPERSON}/(\d{{4}})/(\d{{2}})/([^/]+)$")

# Items the collection lists besides the Spokesperson's statements (never archived).
_OTHERS: tuple[tuple[str, str, str], ...] = (
    ("Department Press Briefing", "/briefings/department-press-briefing-{m}-{d}-{y}/", "Department Press Briefing"),
    ("Designation of a Transnational Criminal Organization", "/releases/bureau-of-counterterrorism/{y}/{mm}/designation-of-a-transnational-criminal-organization-{n}/", "Press Statement"),
    ("Updated Travel Advisory Levels", "/releases/bureau-of-consular-affairs/{y}/{mm}/updated-travel-advisory-levels-{n}/", "Media Note"),
    ("Deputy Secretary Landau’s Travel", "/releases/office-of-the-deputy-secretary/{y}/{mm}/deputy-secretary-landaus-travel-{n}/", "Media Note"),
    ("Notice of Visa Bond Pilot Program", "/releases/bureau-of-consular-affairs/{y}/{mm}/notice-of-visa-bond-pilot-program-{n}/", "Media Note"),
    ("Sanctions on Sudanese Paramilitary Financiers", "/releases/bureau-of-economic-and-business-affairs/{y}/{mm}/sanctions-on-sudanese-paramilitary-financiers-{n}/", "Press Statement"),
)

_WALL = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Technical Difficulties</title></head>
<body><div class="container"><h1>Technical Difficulties</h1>
<p>We're sorry, this site is currently experiencing technical difficulties.
Please try again in a few moments.</p>
<p class="small">Exception: request blocked</p></div></body></html>
"""

_TOP = """<!DOCTYPE html>
<html lang="en-US">
<head><meta charset="UTF-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - United States Department of State</title>
<link rel="canonical" href="{canonical}">
<meta property="og:site_name" content="United States Department of State">
<link rel="https://api.w.org/" href="https://www.state.gov/wp-json/"></head>
<body class="{body_class}">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<section class="usa-banner"><p>An official website of the United States Government</p>
<button class="usa-banner__button">Here’s how you know</button></section>
<header class="site-header"><a class="site-header__logo" href="https://www.state.gov/">U.S. Department of State</a>
<nav class="main-nav"><ul>
<li><a href="https://www.state.gov/travel-and-business/">Travel</a></li>
<li><a href="https://www.state.gov/countries-and-areas/">Countries &amp; Areas</a></li>
<li><a href="https://www.state.gov/bureaus-offices/">Bureaus &amp; Offices</a></li>
<li><a href="https://www.state.gov/policy-issues/">Policy Issues</a></li>
<li><a href="https://www.state.gov/press-releases/">Press</a></li>
<li><a href="https://www.state.gov/about/">About</a></li></ul></nav>
<form class="search-form" action="https://www.state.gov/" method="get"><input type="search" name="s" placeholder="Search"></form>
</header>
<main id="content" class="site-main">
"""
_BOTTOM = """
</main>
<footer class="site-footer"><nav><ul>
<li><a href="https://www.state.gov/privacy-policy/">Privacy Policy</a></li>
<li><a href="https://www.state.gov/accessibility-statement/">Accessibility Statement</a></li>
<li><a href="https://www.state.gov/copyright-information/">Copyright Information</a></li>
<li><a href="https://www.state.gov/foia/">FOIA</a></li>
<li><a href="https://www.state.gov/no-fear-act-data/">No FEAR Act</a></li></ul></nav>
<p>Office of the Spokesperson · 2201 C Street NW · Washington, DC 20520</p></footer>
</body></html>
"""


def _date(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


class UsMirror(MirrorSite):
    key: ClassVar[str] = "us"
    robots_txt: ClassVar[str] = (
        "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n"
        "Disallow: /?s=\nDisallow: /search/\n\nSitemap: https://www.state.gov/sitemap_index.xml\n"
    )
    walled: ClassVar[frozenset[str]] = frozenset(
        {"secretary-rubios-meeting-with-saudi-foreign-minister-prince-faisal-bin-farhan"}
    )

    def handle(self, request: MirrorRequest) -> MirrorResponse:
        path = request.path.rstrip("/")
        if path == "/press-releases":
            return MirrorResponse.html(self.listing(1))
        if match := _PAGED.match(path):
            page = int(match.group(1))
            if page == 1:
                return MirrorResponse.redirect(f"{_REAL}/press-releases/", status=301)
            if page > len(self.pages()):
                return MirrorResponse.html(self.not_found_page(), status=404)
            return MirrorResponse.html(self.listing(page))
        if match := _ARTICLE.match(path):
            release = self.by_slug(match.group(3))
            if release is None or f"{release.published:%Y/%m}" != f"{match.group(1)}/{match.group(2)}":
                return MirrorResponse.html(self.not_found_page(), status=404)
            if release.slug in self.walled:
                return MirrorResponse.html(_WALL)
            return MirrorResponse.html(self.article(release))
        if path == "/feed":
            return MirrorResponse.text(
                '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                "<title>United States Department of State</title><link>https://www.state.gov</link>"
                "</channel></rss>", content_type="application/rss+xml")
        if path == "/wp-json/wp/v2/state_press_release":
            return MirrorResponse.json(self.rest())
        return MirrorResponse.html(self.not_found_page(), status=404)

    def article_url(self, release: MirrorRelease) -> str:
        return f"{_REAL}{_SPOKESPERSON}/{release.published:%Y/%m}/{release.slug}/"

    def pages(self) -> list[list[tuple[str, str, str, dt.date]]]:
        """The collection, page by page: ``(title, url, doctype, date)``."""
        statements = [(r.title, self.article_url(r), r.category, r.published) for r in self.releases]
        counter = iter(range(1000))

        def others(count: int, day: dt.date) -> list[tuple[str, str, str, dt.date]]:
            found = []
            for _ in range(count):
                n = next(counter)
                title, url, doctype = _OTHERS[n % len(_OTHERS)]
                if title == "Department Press Briefing":
                    title = f"Department Press Briefing – {_date(day)}"
                url = url.format(m=f"{day:%B}".lower(), d=day.day, y=day.year, mm=f"{day:%m}", n=n)
                found.append((title, _REAL + url, doctype, day))
            return found

        head, tail = statements[:6], statements[6:]
        first = head[:1] + others(1, head[0][3]) + head[1:3] + others(1, head[2][3]) + head[3:4] \
            + others(1, head[3][3]) + head[4:6] + others(1, head[5][3])
        second = others(PER_PAGE, head[-1][3])  # briefings and bureau releases only
        third: list[tuple[str, str, str, dt.date]] = []
        for i, item in enumerate(tail):
            third.append(item)
            if i % 3 == 1:
                third.extend(others(1, item[3]))
        return [first, second, third]

    def listing(self, page: int) -> str:
        pages = self.pages()
        items = "\n".join(
            '<li class="collection-result">'
            f'<a href="{esc(url)}" class="collection-result__link">{esc(title)}</a>'
            f'<div class="collection-result-meta"><span>{esc(doctype)}</span>'
            f'<span dir="ltr">{_date(day)}</span></div></li>'
            for title, url, doctype, day in pages[page - 1]
        )
        links = []
        if page > 1:
            prev = f"{_REAL}/press-releases/" if page == 2 else f"{_REAL}/press-releases/page/{page - 1}/"
            links.append(f'<a class="prev page-numbers" href="{prev}">Previous</a>')
        for n in range(1, len(pages) + 1):
            href = f"{_REAL}/press-releases/" if n == 1 else f"{_REAL}/press-releases/page/{n}/"
            links.append(f'<span aria-current="page" class="page-numbers current">{n}</span>' if n == page
                         else f'<a class="page-numbers" href="{href}">{n}</a>')
        if page < len(pages):
            links.append(f'<a class="next page-numbers" href="{_REAL}/press-releases/page/{page + 1}/">Next</a>')
        total = sum(len(p) for p in pages)
        return (
            _TOP.format(title="Press Releases", canonical=f"{_REAL}/press-releases/",
                        body_class="archive post-type-archive")
            + '<div class="page-header"><h1 class="page-header__title">Press Releases</h1></div>'
            + f'<div class="collection-info"><span class="collection-info__total">{total} Results</span></div>'
            + f'<ul class="collection-results">{items}</ul>'
            + f'<div class="pagination">{"".join(links)}</div>'
            + _BOTTOM
        )

    def article(self, release: MirrorRelease) -> str:
        paragraphs = "\n".join(f"<p>{esc(p)}</p>" for p in release.paragraphs)
        index = "".join(f'<li><a href="#p{i}">{esc(p[:40])}…</a></li>'
                        for i, p in enumerate(release.paragraphs[:2]))
        tags = "".join(f'<a class="related-tags__pill" href="{_REAL}/bureaus-offices/">{esc(t)}</a>'
                       for t in release.extra.get("tags", ["Office of the Spokesperson"]))
        author = str(release.extra.get("author", "Office of the Spokesperson"))
        return (
            _TOP.format(title=esc(release.title), canonical=esc(self.article_url(release)),
                        body_class="state_press_release-template-default single")
            + '<article class="state_press_release type-state_press_release">'
            + '<div class="featured-content"><div class="featured-content__copy">'
            + f'<p class="doctype-meta">{esc(release.category)}</p>'
            + f'<h1 class="featured-content__headline stars-above">{esc(release.title)}</h1></div></div>'
            + '<section class="article-meta">'
            + f'<p class="article-meta__author-bureau">{esc(author)}</p>'
            + f'<p class="article-meta__publish-date">{_date(release.published)}</p></section>'
            + '<div class="entry-content">'
            + f'<div class="wp-block-summary-article-index"><p>In this article</p><ul>{index}</ul></div>\n'
            + paragraphs
            + "\n<p>###</p>"
            + f'<div class="related-tags"><p class="related-tags__header">Tags</p>{tags}</div>'
            + '<div class="share-bar"><p>Share</p><a href="https://www.facebook.com/sharer">Facebook</a>'
            + '<a href="https://x.com/intent/tweet">X</a><a href="mailto:?subject=">Email</a></div>'
            + "</div><!-- .entry-content -->"
            + "</article>"
            + _BOTTOM
        )

    def not_found_page(self) -> str:
        return (_TOP.format(title="Page not found", canonical=f"{_REAL}/", body_class="error404")
                + '<div class="page-header"><h1>Page Not Found</h1></div>'
                + "<p>The page you are looking for may have moved.</p>" + _BOTTOM)

    def rest(self) -> list[dict[str, object]]:
        return [
            {"id": 100000 + i, "date_gmt": f"{r.published.isoformat()}T14:00:00",
             "link": self.article_url(r), "type": "state_press_release",
             "title": {"rendered": esc(r.title)},
             "content": {"rendered": "".join(f"<p>{esc(p)}</p>" for p in r.paragraphs)}}
            for i, r in enumerate(self.releases)
        ]
