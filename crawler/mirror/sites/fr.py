"""Mirror of https://www.diplomatie.gouv.fr/en/press/news.

Drupal with the DSFR theme: ``/en/press/news`` then ``?page=N`` counted from
0 (nine cards a page; past the end a "No results" view), ``article.fr-card``
with a *relative* link in ``h3.fr-card__title a``, the category in
``li.taxonomy-term p.fr-tag`` and the date ``May 13th 2026`` in
``div.fr-card__end p.fr-card__detail``; a DSFR pager with first/last links
[inf]. Articles live under French slugs,
``/en/presse-et-ressources/decouvrir-et-informer/actualites/<slug>``, with
English text: ``article.node--view-mode-full``, ``h1``, the date
``On : March 31st 2025`` (a no-break space before the colon) in
``.diplomatie--hdp-date span.diplomatie--text-bold``, the body in
``.fr-mt-6w .fr-col-md-8``, a share block, a "See also" column, the node id in
``drupal-settings-json`` and the body class, ``link[rel=canonical]``.
``/en/rss/`` answers 404; robots.txt is Drupal's standard one.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import ClassVar

from crawler.mirror.sites.base import (
    MirrorRelease,
    MirrorRequest,
    MirrorResponse,
    MirrorSite,
    esc,
)

PER_PAGE = 9
_REAL = "https://www.diplomatie.gouv.fr"
_ARTICLES = "/en/presse-et-ressources/decouvrir-et-informer/actualites/"

_ROBOTS = """#
# robots.txt
#
User-agent: *
# CSS, JS, Images
Allow: /core/*.css$
Allow: /core/*.js$
Allow: /themes/*.css
# Directories
Disallow: /core/
Disallow: /profiles/
# Paths (clean URLs)
Disallow: /admin/
Disallow: /comment/reply/
Disallow: /filter/tips
Disallow: /node/add/
Disallow: /search/
Disallow: /user/register
Disallow: /user/password
Disallow: /user/login
Disallow: /user/logout
# Paths (no clean URLs)
Disallow: /index.php/admin/
Disallow: /index.php/search/
"""

_TOP = """<!DOCTYPE html>
<html lang="en" dir="ltr" data-fr-scheme="system">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title} | Ministry for Europe and Foreign Affairs</title>
<link rel="canonical" href="{canonical}">
<link rel="alternate" hreflang="fr" href="{alternate}">
<script type="application/json" data-drupal-selector="drupal-settings-json">{settings}</script>
</head>
<body class="{body_class}">
<div class="fr-skiplinks"><nav class="fr-container" aria-label="Quick access"><ul class="fr-skiplinks__list">
<li><a class="fr-link" href="#main">Content</a></li><li><a class="fr-link" href="#header-navigation">Main menu</a></li></ul></nav></div>
<header role="banner" class="fr-header"><div class="fr-header__body"><div class="fr-container">
<div class="fr-header__brand"><p class="fr-logo">République<br>Française</p>
<div class="fr-header__service"><a href="/en" title="Home - Ministry for Europe and Foreign Affairs"><p class="fr-header__service-title">Ministry for Europe and Foreign Affairs</p></a></div></div>
<div class="fr-header__tools"><ul class="fr-btns-group"><li><a class="fr-btn" href="/en/services-aux-usagers/conseils-aux-voyageurs">Travel advice</a></li></ul>
<nav role="navigation" class="fr-translate fr-nav"><button class="fr-translate__btn fr-btn" aria-controls="translate" title="Select a language">EN</button>
<div class="fr-collapse fr-translate__menu fr-menu" id="translate"><ul class="fr-menu__list">
<li><a class="fr-translate__language fr-nav__link" hreflang="fr" lang="fr" href="/fr">Français</a></li>
<li><a class="fr-translate__language fr-nav__link" hreflang="en" lang="en" aria-current="true" href="/en">English</a></li>
<li><a class="fr-translate__language fr-nav__link" hreflang="es" lang="es" href="/es">Español</a></li></ul></div></nav></div>
</div></div>
<div class="fr-header__menu fr-modal" id="header-navigation"><div class="fr-container"><nav class="fr-nav" role="navigation" aria-label="Main menu"><ul class="fr-nav__list">
<li class="fr-nav__item"><a class="fr-nav__link" href="/en/le-ministere">The Ministry</a></li>
<li class="fr-nav__item"><a class="fr-nav__link" href="/en/politique-etrangere-de-la-france">French foreign policy</a></li>
<li class="fr-nav__item"><a class="fr-nav__link" href="/en/services-aux-usagers">Services and forms</a></li>
<li class="fr-nav__item"><a class="fr-nav__link" href="/en/press/news" aria-current="true">Press and resources</a></li>
</ul></nav></div></div></header>
<main id="main" role="main">
<div class="fr-container"><nav role="navigation" class="fr-breadcrumb" aria-label="You are here:">
<button class="fr-breadcrumb__button" aria-expanded="false" aria-controls="breadcrumb-1">See breadcrumb</button>
<div class="fr-collapse" id="breadcrumb-1"><ol class="fr-breadcrumb__list">
<li><a class="fr-breadcrumb__link" href="/en">Home</a></li>
<li><a class="fr-breadcrumb__link" href="/en/presse-et-ressources">Press and resources</a></li>
<li><a class="fr-breadcrumb__link" href="/en/press/news">News</a></li>
<li><a class="fr-breadcrumb__link" aria-current="page">{crumb}</a></li></ol></div></nav></div>
"""
_BOTTOM = """
</main>
<footer class="fr-footer" role="contentinfo" id="footer"><div class="fr-container">
<div class="fr-footer__body"><div class="fr-footer__brand fr-enlarge-link"><p class="fr-logo">République<br>Française</p></div>
<div class="fr-footer__content"><p class="fr-footer__content-desc">Ministry for Europe and Foreign Affairs, 37 Quai d'Orsay, 75007 Paris</p>
<ul class="fr-footer__content-list"><li class="fr-footer__content-item"><a class="fr-footer__content-link" href="https://www.elysee.fr">elysee.fr</a></li>
<li class="fr-footer__content-item"><a class="fr-footer__content-link" href="https://www.gouvernement.fr">gouvernement.fr</a></li>
<li class="fr-footer__content-item"><a class="fr-footer__content-link" href="https://www.service-public.fr">service-public.fr</a></li></ul></div></div>
<div class="fr-footer__bottom"><ul class="fr-footer__bottom-list">
<li class="fr-footer__bottom-item"><a class="fr-footer__bottom-link" href="/en/plan-du-site">Sitemap</a></li>
<li class="fr-footer__bottom-item"><a class="fr-footer__bottom-link" href="/en/accessibilite">Accessibility: partially compliant</a></li>
<li class="fr-footer__bottom-item"><a class="fr-footer__bottom-link" href="/en/mentions-legales">Legal notice</a></li>
<li class="fr-footer__bottom-item"><button class="fr-footer__bottom-link" data-fr-opened="false" aria-controls="fr-consent-modal">Cookie management</button></li></ul>
<div class="fr-footer__bottom-copy"><p>Unless otherwise stated, all content on this site is available under <a href="https://github.com/etalab/licence-ouverte/blob/master/LO.md">licence etalab-2.0</a></p></div></div>
</div></footer>
<script src="/themes/custom/diplomatie/dist/js/dsfr.module.min.js" type="module"></script>
</body></html>
"""


def ordinal_date(day: dt.date) -> str:
    """``May 13th 2026``, as the DSFR theme prints dates."""
    suffix = "th" if 11 <= day.day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    return f"{day:%B} {day.day}{suffix} {day.year}"


def _settings(node: int | None) -> str:
    data: dict[str, object] = {
        "path": {"baseUrl": "/", "pathPrefix": "en/", "currentPath": f"node/{node}" if node
                 else "press/news", "currentPathIsAdmin": False, "isFront": False,
                 "currentLanguage": "en"},
        "pluralDelimiter": "\u0003",
        "user": {"uid": 0, "permissionsHash": "3c1c7a6f0b"},
    }
    return json.dumps(data).replace("/", "\\/")


class FrMirror(MirrorSite):
    key: ClassVar[str] = "fr"
    robots_txt: ClassVar[str] = _ROBOTS

    def handle(self, request: MirrorRequest) -> MirrorResponse:
        path = request.path.rstrip("/")
        if path == "/en/press/news":
            try:
                page = int(request.query.get("page", "0"))
            except ValueError:
                page = 0  # Drupal ignores a bad page number
            return MirrorResponse.html(self.listing(page))
        if path.startswith(_ARTICLES):
            release = self.by_slug(path.rsplit("/", 1)[-1])
            return MirrorResponse.html(self.article(release)) if release else self.not_found()
        return self.not_found()

    def article_url(self, release: MirrorRelease) -> str:
        return f"{_REAL}{_ARTICLES}{release.slug}"

    def not_found(self) -> MirrorResponse:
        return MirrorResponse.html(
            _TOP.format(title="Page not found", canonical=f"{_REAL}/en", alternate=f"{_REAL}/fr",
                        settings=_settings(None), body_class="path-system", crumb="Page not found")
            + '<div class="fr-container"><h1>Page not found</h1>'
            + "<p>The requested page could not be found.</p></div>" + _BOTTOM, status=404)

    def _card(self, release: MirrorRelease) -> str:
        return (
            '<div class="fr-col-12 fr-col-md-4"><article class="fr-card fr-enlarge-link">'
            '<div class="fr-card__body"><div class="fr-card__content">'
            f'<h3 class="fr-card__title"><a href="{_ARTICLES}{esc(release.slug)}">{esc(release.title)}</a></h3>'
            '<div class="fr-card__start"><ul class="fr-tags-group">'
            f'<li class="taxonomy-term"><p class="fr-tag">{esc(release.category)}</p></li></ul></div>'
            f'<div class="fr-card__end"><p class="fr-card__detail">{ordinal_date(release.published)}</p></div>'
            "</div></div>"
            '<div class="fr-card__header"><div class="fr-card__img">'
            f'<img class="fr-responsive-img" src="/sites/default/files/styles/card/{esc(release.slug)}.jpg" alt="">'
            "</div></div></article></div>"
        )

    def listing(self, page: int) -> str:
        chosen = self.page_of(page, PER_PAGE)
        last = max(0, (len(self.releases) - 1) // PER_PAGE)
        if chosen:
            grid = ('<div class="fr-grid-row fr-grid-row--gutters">'
                    + "\n".join(self._card(r) for r in chosen) + "</div>")
        else:
            grid = '<div class="view-empty"><p>No results</p></div>'

        def link(n: int, cls: str, label: str) -> str:
            return (f'<li><a class="fr-pagination__link {cls}" href="?page={n}" title="{label}">'
                    f"{label}</a></li>")

        items = []
        if page > 0:
            items.append(link(0, "fr-pagination__link--first", "First page"))
            items.append(link(page - 1, "fr-pagination__link--prev fr-pagination__link--lg-label",
                              "Previous page"))
        for n in range(last + 1):
            current = ' aria-current="page"' if n == page else ""
            items.append(f'<li><a class="fr-pagination__link"{current} href="?page={n}" '
                         f'title="Page {n + 1}">{n + 1}</a></li>')
        if page < last:
            items.append(link(page + 1, "fr-pagination__link--next fr-pagination__link--lg-label",
                              "Next page"))
            items.append(link(last, "fr-pagination__link--last", "Last page"))
        return (
            _TOP.format(title="News", canonical=f"{_REAL}/en/press/news", alternate=f"{_REAL}/fr/presse/actualites",
                        settings=_settings(None), body_class="path-press-news", crumb="News")
            + '<div class="fr-container fr-my-6w"><h1>News</h1>'
            + '<div class="views-exposed-form"><label class="fr-label" for="edit-type">Type</label>'
            + '<select class="fr-select" id="edit-type" name="type"><option value="All">- Any -</option>'
            + '<option value="statement">Statements</option><option value="agenda">Minister\'s agenda</option></select></div>'
            + grid
            + f'<nav role="navigation" class="fr-pagination" aria-label="Pagination"><ul class="fr-pagination__list">{"".join(items)}</ul></nav>'
            + "</div>"
            + _BOTTOM
        )

    def article(self, release: MirrorRelease) -> str:
        node = int(release.extra.get("node", 0)) or None
        paragraphs = "\n".join(f"<p>{esc(p)}</p>" for p in release.paragraphs)
        related = "".join(
            f'<li><a class="fr-link" href="{_ARTICLES}{esc(r.slug)}">{esc(r.title)}</a></li>'
            for r in self.releases if r.slug != release.slug and r.category == release.category
        )
        return (
            _TOP.format(title=esc(release.title), canonical=esc(self.article_url(release)),
                        alternate=f"{_REAL}/fr/presse-et-ressources/decouvrir-et-informer/actualites/{esc(release.slug)}",
                        settings=_settings(node),
                        body_class=f"path-node page-node-type-article page-node-{node or 0}",
                        crumb=esc(release.title))
            + '<article class="node node--type-article node--view-mode-full">'
            + '<div class="fr-container fr-mt-4w">'
            + '<ul class="fr-tags-group"><li class="taxonomy-term">'
            + f'<p class="fr-tag">{esc(release.category)}</p></li></ul>'
            + f"<h1>{esc(release.title)}</h1>"
            + '<div class="diplomatie--hdp-date"><span class="diplomatie--text-bold">'
            + f"On\u00a0: {ordinal_date(release.published)}</span></div>"
            + '<div class="fr-share"><p class="fr-share__title">Share the page</p><ul class="fr-btns-group">'
            + '<li><a class="fr-btn fr-btn--facebook" href="https://www.facebook.com/sharer.php">Share on Facebook</a></li>'
            + '<li><a class="fr-btn fr-btn--twitter-x" href="https://x.com/intent/post">Share on X</a></li>'
            + '<li><a class="fr-btn fr-btn--linkedin" href="https://www.linkedin.com/shareArticle">Share on LinkedIn</a></li>'
            + '<li><button class="fr-btn fr-btn--copy">Copy to clipboard</button></li></ul></div>'
            + "</div>"
            + '<div class="fr-container fr-mt-6w"><div class="fr-grid-row fr-grid-row--gutters">'
            + f'<div class="fr-col-12 fr-col-md-8">{paragraphs}</div>'
            + '<div class="fr-col-12 fr-col-md-4"><aside class="diplomatie--see-also">'
            + f'<h2 class="fr-h5">See also</h2><ul>{related}</ul></aside></div>'
            + "</div></div></article>"
            + _BOTTOM
        )
