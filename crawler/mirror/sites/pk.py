"""Mirror of https://mofa.gov.pk/press-releases.

Listing ``/press-releases`` (page 1 without a parameter, then ``?page=N``;
``?page=1`` answers too), nine Bootstrap cards a page:
``<a href="https://mofa.gov.pk/press-releases/<slug>"><div class="card">…<h5>``
with ``<i class="fa-calendar-alt me-1"></i> 01 Oct 2026`` (``%d %b %Y``); the
same cards per section under ``/press-releases/categories/<section>``. A
Laravel/Bootstrap pager with ``rel="next"`` [inf]; past the end an empty grid.
Article: title ``div.filter-title h2``, body ``div.m-5.text-justify`` whose
paragraphs run on into a Print/Share bar and "Related Stories" cards, with
the "Islamabad / date" sign-off of MOFA releases. robots.txt allows all.
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

PER_PAGE = 9
_REAL = "https://mofa.gov.pk"
_SECTIONS = {
    "media-briefings": "Media Briefings",
    "statements": "Statements",
    "speeches": "Speeches",
}

_TOP = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} | Ministry of Foreign Affairs</title>
<link rel="stylesheet" href="https://mofa.gov.pk/assets/css/bootstrap.min.css">
<link rel="stylesheet" href="https://mofa.gov.pk/assets/fontawesome/css/all.min.css"></head>
<body>
<div class="top-bar bg-success text-white small py-1"><div class="container d-flex justify-content-between">
<span><i class="fas fa-phone me-1"></i> +92-51-9210335</span>
<span><a class="text-white" href="https://mofa.gov.pk/urdu">اردو</a> | <a class="text-white" href="https://mofa.gov.pk/contact-us">Contact Us</a></span>
</div></div>
<nav class="navbar navbar-expand-lg navbar-light bg-white shadow-sm"><div class="container">
<a class="navbar-brand" href="https://mofa.gov.pk"><img src="https://mofa.gov.pk/assets/images/logo.png" alt="Ministry of Foreign Affairs - Government of Pakistan"></a>
<ul class="navbar-nav ms-auto">
<li class="nav-item"><a class="nav-link" href="https://mofa.gov.pk">Home</a></li>
<li class="nav-item"><a class="nav-link" href="https://mofa.gov.pk/ministry">Ministry</a></li>
<li class="nav-item"><a class="nav-link" href="https://mofa.gov.pk/foreign-policy">Foreign Policy</a></li>
<li class="nav-item dropdown"><a class="nav-link dropdown-toggle" href="https://mofa.gov.pk/press-releases">Media Center</a>
<ul class="dropdown-menu"><li><a class="dropdown-item" href="https://mofa.gov.pk/press-releases">Press Releases</a></li>
<li><a class="dropdown-item" href="https://mofa.gov.pk/press-releases/categories/media-briefings">Media Briefings</a></li>
<li><a class="dropdown-item" href="https://mofa.gov.pk/press-releases/categories/statements">Statements</a></li>
<li><a class="dropdown-item" href="https://mofa.gov.pk/press-releases/categories/speeches">Speeches</a></li></ul></li>
<li class="nav-item"><a class="nav-link" href="https://mofa.gov.pk/missions">Pakistan Missions Abroad</a></li>
<li class="nav-item"><a class="nav-link" href="https://mofa.gov.pk/consular-services">Consular Services</a></li>
</ul></div></nav>
"""
_BOTTOM = """
<footer class="bg-dark text-white-50 py-4 mt-5"><div class="container">
<p>Ministry of Foreign Affairs, Constitution Avenue, G-5, Islamabad, Pakistan</p>
<p>Copyright &copy; 2026 Ministry of Foreign Affairs, Government of Pakistan. All Rights Reserved.</p>
<ul class="list-inline"><li class="list-inline-item"><a href="https://twitter.com/ForeignOfficePk">X</a></li>
<li class="list-inline-item"><a href="https://www.facebook.com/ForeignOfficePk">Facebook</a></li></ul>
</div></footer>
<script src="https://mofa.gov.pk/assets/js/bootstrap.bundle.min.js"></script>
</body></html>
"""


def _date(release: MirrorRelease) -> str:
    return f"{release.published:%d %b %Y}"


def _sign_off(release: MirrorRelease) -> str:
    return f"{release.published.day} {release.published:%B %Y}"


class PkMirror(MirrorSite):
    key: ClassVar[str] = "pk"
    robots_txt: ClassVar[str] = "User-agent: *\nDisallow:\n"

    def handle(self, request: MirrorRequest) -> MirrorResponse:
        path = request.path.rstrip("/")
        try:
            page = int(request.query.get("page", "1"))
        except ValueError:
            page = 1  # Laravel treats a bad page number as the first page
        if path == "/press-releases":
            return MirrorResponse.html(self.listing(self.releases, page, "/press-releases",
                                                    "Press Releases"))
        if path.startswith("/press-releases/categories/"):
            section = path.rsplit("/", 1)[-1]
            if section not in _SECTIONS:
                return MirrorResponse.not_found()
            chosen = [r for r in self.releases if r.category == _SECTIONS[section]]
            return MirrorResponse.html(self.listing(chosen, page, path, _SECTIONS[section]))
        if path.startswith("/press-releases/"):
            release = self.by_slug(path.rsplit("/", 1)[-1])
            return MirrorResponse.html(self.article(release)) if release else MirrorResponse.not_found()
        return MirrorResponse.not_found()

    def article_url(self, release: MirrorRelease) -> str:
        return f"{_REAL}/press-releases/{release.slug}"

    def _card(self, release: MirrorRelease) -> str:
        return (
            f'<div class="col-md-4 mb-4"><a href="{esc(self.article_url(release))}" '
            'class="text-decoration-none text-dark"><div class="card h-100 shadow-sm">'
            f'<img class="card-img-top" src="{_REAL}/storage/press/{esc(release.slug)}.jpg" alt="">'
            f'<div class="card-body"><span class="badge bg-success mb-2">{esc(release.category)}</span>'
            f'<h5 class="card-title">{esc(release.title)}</h5>'
            f'<p class="card-text text-muted small"><i class="fas fa-calendar-alt me-1"></i> {_date(release)}</p>'
            "</div></div></a></div>"
        )

    def listing(self, releases: list[MirrorRelease], page: int, path: str, heading: str) -> str:
        start = (page - 1) * PER_PAGE
        chosen = releases[start:start + PER_PAGE] if page >= 1 else []
        cards = "\n".join(self._card(r) for r in chosen)
        pages = max(1, (len(releases) + PER_PAGE - 1) // PER_PAGE)
        base = f"{_REAL}{path}"

        def link(n: int) -> str:
            return base if n == 1 else f"{base}?page={n}"

        items = []
        if page > 1:
            items.append(f'<li class="page-item"><a class="page-link" href="{link(page - 1)}" '
                         'rel="prev" aria-label="&laquo; Previous">&lsaquo;</a></li>')
        else:
            items.append('<li class="page-item disabled" aria-disabled="true" aria-label="&laquo; Previous">'
                         '<span class="page-link" aria-hidden="true">&lsaquo;</span></li>')
        for n in range(1, pages + 1):
            if n == page:
                items.append(f'<li class="page-item active" aria-current="page"><span class="page-link">{n}</span></li>')
            else:
                items.append(f'<li class="page-item"><a class="page-link" href="{link(n)}">{n}</a></li>')
        if page < pages:
            items.append(f'<li class="page-item"><a class="page-link" href="{link(page + 1)}" '
                         'rel="next" aria-label="Next &raquo;">&rsaquo;</a></li>')
        else:
            items.append('<li class="page-item disabled" aria-disabled="true" aria-label="Next &raquo;">'
                         '<span class="page-link" aria-hidden="true">&rsaquo;</span></li>')
        sections = " ".join(
            f'<a class="btn btn-outline-success btn-sm" href="{_REAL}/press-releases/categories/{k}">{v}</a>'
            for k, v in _SECTIONS.items()
        )
        return (
            _TOP.format(title=esc(heading))
            + '<section class="py-5"><div class="container">'
            + f'<div class="filter-title"><h2>{esc(heading)}</h2></div>'
            + f'<div class="d-flex gap-2 mb-4">{sections}</div>'
            + f'<div class="row">{cards}</div>'
            + f'<nav aria-label="Pagination"><ul class="pagination justify-content-center">{"".join(items)}</ul></nav>'
            + "</div></section>"
            + _BOTTOM
        )

    def article(self, release: MirrorRelease) -> str:
        paragraphs = "\n".join(f"<p>{esc(p)}</p>" for p in release.paragraphs)
        place = str(release.extra.get("place", "Islamabad"))
        related = [r for r in self.releases if r.slug != release.slug][:3]
        return (
            _TOP.format(title=esc(release.title))
            + '<section class="py-5 press-release-detail"><div class="container">'
            + '<nav aria-label="breadcrumb"><ol class="breadcrumb">'
            + f'<li class="breadcrumb-item"><a href="{_REAL}">Home</a></li>'
            + f'<li class="breadcrumb-item"><a href="{_REAL}/press-releases">Press Releases</a></li>'
            + f'<li class="breadcrumb-item active" aria-current="page">{esc(release.category)}</li></ol></nav>'
            + f'<div class="filter-title"><h2>{esc(release.title)}</h2>'
            + f'<p class="text-muted small"><i class="fas fa-calendar-alt me-1"></i> {_date(release)}</p></div>'
            + '<div class="m-5 text-justify">'
            + paragraphs
            + f"\n<p><strong>{esc(place)}</strong><br>{_sign_off(release)}</p>"
            + '\n<div class="d-flex gap-3 my-4 share-bar">'
            + '<p><a href="javascript:window.print()"><i class="fas fa-print"></i> Print</a></p>'
            + '<p><a href="#" class="share"><i class="fas fa-share-alt"></i> Share</a></p></div>'
            + '\n<h4 class="mt-5">Related Stories</h4>'
            + f'<div class="row">{"".join(self._card(r) for r in related)}</div>'
            + "</div></div></section>"
            + _BOTTOM
        )
