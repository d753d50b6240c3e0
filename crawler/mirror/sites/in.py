# ruff: noqa: N999  (the module is named by the source key "in", a Python keyword)
"""Mirror of https://www.mea.gov.in press releases.

- ``/press-releases.htm?51/Press_Releases``: the HTML listing, ``ul.commonListing li``
  with ``a.searchContent`` (``press-releases.htm?dtl/<id>/<Slug>``) and a
  ``<span class="fa fa-calendar"></span> May 08, 2026`` line; all releases on one page.
- ``/FrontEnd/FetchPublicationListingData?publicationId=51&page=N&PageSize=M...``: the
  XHR fragment of cards, ``<span class="date">30 September, 2026</span>`` and
  ``h3.pressTitle a`` linking ``/press-releases?dtl/<id>/<Slug>`` (no ``.htm``); an
  empty fragment past the end; other publication ids give an empty fragment.
- ``/FrontEnd/FetchPublicationDetailData?pkid=<id>&languageId=1``: the detail
  fragment, ``h2.titleText``, ``span.date`` (``October 02, 2026``), ``div.description``
  then ``div.d-flex.tags``.
- ``/press-releases.htm?dtl/<id>/<Slug>`` (and without ``.htm``): the full page.
- Akamai: a release in ``walled`` redirects (302) to ``/error.htm``, an "Access
  Denied" page; ``rss-feed.htm`` answers 403. robots.txt allows everything.

A release's ``slug`` is the part after ``dtl/``: ``<id>/<Slug>``; its optional
``place`` (default New Delhi) is the city of the closing place-and-date line.
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

_REAL = "https://www.mea.gov.in"
_PUBLICATION = "51"

_TOP = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<div class="topBar"><a href="#skipCont">Skip to main content</a> | <a href="/screen-reader-access.htm">Screen Reader Access</a>
<a href="https://www.mea.gov.in/hindi/">हिन्दी</a></div>
<header><a class="logo" href="/"><img src="/images/emblem.png" alt="Ministry of External Affairs, Government of India"></a>
<nav><ul><li><a href="/about-mea.htm">About MEA</a></li><li><a href="/press-releases.htm?51/Press_Releases">Media Center</a></li>
<li><a href="/indian-missions-abroad-new.htm">Indian Missions Abroad</a></li><li><a href="/passport-visa.htm">Passport &amp; Visa</a></li></ul></nav>
</header>
<main id="skipCont"><div class="breadcrumb"><a href="/">Home</a> &gt; Media Center &gt; Press Releases</div>
<h1 class="pageTitle">Media Center</h1>
"""
_BOTTOM = """</main>
<footer><p>Write a Comment</p><p>Last Updated on: 27/11/2026</p>
<p>Content on this website is published and managed by the External Publicity &amp; Public Diplomacy Division, Ministry of External Affairs.</p></footer>
</body></html>
"""
_ERROR = """<html><head><title>Access Denied</title></head><body>
<h1>Access Denied</h1>
You don't have permission to access "http&#58;&#47;&#47;www&#46;mea&#46;gov&#46;in&#47;" on this server.<p>
Reference&#32;&#35;18&#46;5e3c1002&#46;1764212345&#46;2f1a9b</p></body></html>"""


def _listing_date(release: MirrorRelease) -> str:
    return f"{release.published.day:02d} {release.published:%B, %Y}"


def _page_date(release: MirrorRelease) -> str:
    return f"{release.published:%B %d, %Y}"


class InMirror(MirrorSite):
    key: ClassVar[str] = "in"
    robots_txt: ClassVar[str] = "User-agent: *\nAllow: /\n"
    walled: ClassVar[frozenset[str]] = frozenset({"40722/Visit_of_Foreign_Secretary_to_Nepal"})

    def handle(self, request: MirrorRequest) -> MirrorResponse:
        path = request.path
        raw_query = next(iter(request.query), "") if len(request.query) == 1 else ""
        if path == "/FrontEnd/FetchPublicationListingData":
            return self.listing_fragment(request.query)
        if path == "/FrontEnd/FetchPublicationDetailData":
            release = self.by_id(request.query.get("pkid", ""))
            if release is None:
                return MirrorResponse.html("", status=200)
            if release.slug in self.walled:
                return MirrorResponse.redirect(f"{_REAL}/error.htm")
            return MirrorResponse.html(self.detail(release))
        if path in ("/press-releases.htm", "/press-releases"):
            if raw_query.startswith("dtl/"):
                release = self.by_id(raw_query.split("/")[1])
                if release is None:
                    return MirrorResponse.not_found()
                if release.slug in self.walled:
                    return MirrorResponse.redirect(f"{_REAL}/error.htm")
                return MirrorResponse.html(self.page(release))
            return MirrorResponse.html(self.html_listing())
        if path == "/error.htm":
            return MirrorResponse.html(_ERROR)
        if path == "/rss-feed.htm":
            return MirrorResponse.html(_ERROR, status=403)
        return MirrorResponse.not_found()

    def by_id(self, pkid: str) -> MirrorRelease | None:
        return next((r for r in self.releases if r.slug.split("/")[0] == pkid), None)

    def article_url(self, release: MirrorRelease) -> str:
        return f"{_REAL}/press-releases?dtl/{release.slug}"

    def archived_url(self, release: MirrorRelease) -> str:
        return f"{_REAL}/press-releases.htm?dtl/{release.slug}"

    def listing_fragment(self, query: dict[str, str]) -> MirrorResponse:
        try:
            page = int(query.get("page", "1"))
            size = max(1, min(int(query.get("PageSize", "10")), 100))
        except ValueError:
            return MirrorResponse.html("", status=500)
        chosen = self.page_of(page - 1, size) if query.get("publicationId") == _PUBLICATION else []
        cards = "\n".join(
            '<div class="col-lg-12 col-md-12 col-sm-12">'
            '<div class="pressCard d-flex"><div class="pressCard-body">'
            f'<span class="date">{_listing_date(r)}</span>'
            f'<h3 class="pressTitle"><a href="/press-releases?dtl/{esc(r.slug)}">{esc(r.title)}</a></h3>'
            '</div></div></div>'
            for r in chosen
        )
        return MirrorResponse.html(f'<div class="row pressCardList">{cards}</div>')

    def detail(self, release: MirrorRelease) -> str:
        paragraphs = "".join(f"<p>{esc(p)}</p>" for p in release.paragraphs)
        place = esc(str(release.extra.get("place", "New Delhi")))
        return (
            '<div class="innerDetail">'
            f'<h2 class="titleText">{esc(release.title)}</h2>'
            f'<div class="dateInfo"><span class="date">{_page_date(release)}</span></div>'
            f'<div class="description">{paragraphs}'
            f"<p><strong>{place}<br>{_page_date(release)}</strong></p></div>"
            '<div class="d-flex tags"><a href="/press-releases.htm?51/Press_Releases">Press Releases</a>'
            '<a href="#">Share</a><a href="#">Print</a></div></div>'
        )

    def page(self, release: MirrorRelease) -> str:
        return (_TOP.format(title=esc(release.title)) + self.detail(release)
                + '<div class="comment"><h4>Write a Comment</h4><p>Post A Comment</p></div>'
                + _BOTTOM)

    def html_listing(self) -> str:
        items = "\n".join(
            f'<li><a class="searchContent" href="press-releases.htm?dtl/{esc(r.slug)}">'
            f"{esc(r.title)}</a>"
            f'<p><span class="fa fa-calendar"></span> {r.published:%B %d, %Y}</p></li>'
            for r in self.releases
        )
        return (_TOP.format(title="Press Releases") + '<h2>Press Releases</h2>'
                + f'<ul class="commonListing">{items}</ul>' + _BOTTOM)
