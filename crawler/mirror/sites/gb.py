"""Mirror of the FCDO on GOV.UK.

Listing through the Search API, ``/api/search.json?filter_organisations=
foreign-commonwealth-development-office&…&count=N&start=K`` (JSON: ``results``
with ``title``, ``link`` relative to www.gov.uk, ``public_timestamp`` with the
UK offset, ``description``, ``content_store_document_type``; ``total``); FCDO
press releases and news stories (``/government/news/<slug>``) are listed among
speeches, which the crawl skips, and the second page of ten holds speeches
only. Bodies through the Content API, ``/api/content/government/news/<slug>``
(JSON: ``title``, ``first_published_at``, ``public_updated_at``,
``details.body`` govspeak HTML ending with "Media enquiries" contacts).
``/government/news/<slug>`` serves the HTML page with GOV.UK chrome [inf: its
markup is modelled on GOV.UK's publishing components, not documented].
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any, ClassVar

from crawler.mirror.sites.base import (
    MirrorRelease,
    MirrorRequest,
    MirrorResponse,
    MirrorSite,
    esc,
)

_REAL = "https://www.gov.uk"
_NEWS = "/government/news/"
_ORG = "foreign-commonwealth-development-office"
_ORG_TITLE = "Foreign, Commonwealth & Development Office"

# Speeches the Search API lists among the FCDO's news and communications (never archived).
_SPEECHES: tuple[str, ...] = (
    "UK statement at the UN Security Council briefing on Sudan",
    "UK statement to the OSCE Permanent Council on Russia's war against Ukraine",
    "UN Human Rights Council: UK statement on the situation in Afghanistan",
    "UK statement at the UN Security Council briefing on the Middle East",
    "UK statement at the IAEA Board of Governors",
    "UK statement at the UN Security Council briefing on Haiti",
    "UK statement to the OSCE Forum for Security Co-operation",
)

_MEDIA_ENQUIRIES = (
    "<h2 id=\"media-enquiries\">Media enquiries</h2>"
    "<p>Email <a href=\"mailto:newsdesk@fcdo.gov.uk\" class=\"govuk-link\">newsdesk@fcdo.gov.uk</a></p>"
    "<p>Telephone 020 7008 3100</p>"
    "<p>Contact the FCDO Communication Team via email (monitored 24 hours a day) in the first "
    "instance, and we will respond as soon as possible.</p>"
)


def _timestamp(release: MirrorRelease) -> str:
    """The UK local issue time, with its offset (BST from late March to late October)."""
    day = release.published
    summer = dt.date(day.year, 3, 25) <= day < dt.date(day.year, 10, 26)
    hour = str(release.extra.get("time", "10:30"))
    return f"{day.isoformat()}T{hour}:00.000{'+01:00' if summer else '+00:00'}"


def _slugify(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


class GbMirror(MirrorSite):
    key: ClassVar[str] = "gb"
    robots_txt: ClassVar[str] = (
        "User-agent: *\nDisallow: /*/print$\nDisallow: /info/*\n\n"
        "Sitemap: https://www.gov.uk/sitemap.xml\n"
    )

    def handle(self, request: MirrorRequest) -> MirrorResponse:
        path = request.path
        if path == "/api/search.json":
            if _ORG not in request.query.get("filter_organisations", "").split("|"):
                return MirrorResponse.json({"results": [], "total": 0, "start": 0,
                                            "facets": {}, "suggested_queries": []})
            try:
                count = min(int(request.query.get("count", "10")), 1000)
                start = int(request.query.get("start", "0"))
            except ValueError:
                return MirrorResponse.json({"error": "Invalid value for count or start"})
            return MirrorResponse.json(self.search(start, count))
        if path.startswith("/api/content" + _NEWS):
            release = self.by_slug(path.rsplit("/", 1)[-1])
            if release is None:
                return MirrorResponse(404, b'{"error":{"code":"404","message":"Could not find content item"}}',
                                      {"Content-Type": "application/json; charset=utf-8"})
            return MirrorResponse.json(self.content_item(release))
        if path.startswith(_NEWS):
            release = self.by_slug(path.rsplit("/", 1)[-1])
            return MirrorResponse.html(self.page(release)) if release else MirrorResponse.not_found()
        return MirrorResponse.not_found()

    def article_url(self, release: MirrorRelease) -> str:
        return f"{_REAL}{_NEWS}{release.slug}"

    def results(self) -> list[dict[str, Any]]:
        """Every search result, newest first: six releases among four speeches, ten
        speeches, then the other releases."""
        organisations = [{"slug": _ORG, "title": _ORG_TITLE, "acronym": "FCDO"}]
        news = [
            {"title": r.title, "link": _NEWS + r.slug, "public_timestamp": _timestamp(r),
             "description": str(r.extra.get("description", "")),
             "content_store_document_type": str(r.extra.get("document_type", "press_release")),
             "organisations": organisations, "format": "news_article", "index": "govuk",
             "es_score": None, "_id": _NEWS + r.slug, "document_type": "edition"}
            for r in self.releases
        ]
        speeches = []
        for n in range(14):
            title = _SPEECHES[n % len(_SPEECHES)]
            link = f"/government/speeches/{_slugify(title)}" + (f"--{n // len(_SPEECHES) + 1}" if n >= len(_SPEECHES) else "")
            speeches.append(
                {"title": title, "link": link, "public_timestamp": news[5]["public_timestamp"],
                 "description": "Statement by the UK at an international meeting.",
                 "content_store_document_type": "speech", "organisations": organisations,
                 "format": "speech", "index": "govuk", "es_score": None, "_id": link,
                 "document_type": "edition"})
        first, rest = news[:6], news[6:]
        return (first[:2] + speeches[:1] + first[2:5] + speeches[1:3] + first[5:6] + speeches[3:4]
                + speeches[4:] + rest)

    def search(self, start: int, count: int) -> dict[str, Any]:
        results = self.results()
        return {"results": results[start:start + count] if start >= 0 else [],
                "total": len(results), "start": start, "facets": {}, "suggested_queries": [],
                "es_cluster": "A"}

    def content_item(self, release: MirrorRelease) -> dict[str, Any]:
        body = "".join(f"<p>{esc(p)}</p>" for p in release.paragraphs)
        content_id = str(uuid.UUID(hashlib.md5(release.slug.encode()).hexdigest()))
        people = [{"title": name, "base_path": f"/government/people/{_slugify(name)}",
                   "document_type": "person"} for name in release.extra.get("people", [])]
        return {
            "analytics_identifier": None,
            "base_path": _NEWS + release.slug,
            "content_id": content_id,
            "document_type": str(release.extra.get("document_type", "press_release")),
            "first_published_at": _timestamp(release),
            "locale": "en",
            "public_updated_at": _timestamp(release),
            "publishing_app": "whitehall",
            "schema_name": "news_article",
            "title": release.title,
            "description": str(release.extra.get("description", "")),
            "details": {
                "body": f'<div class="govspeak">{body}{_MEDIA_ENQUIRIES}</div>',
                "change_history": [{"public_timestamp": _timestamp(release), "note": "First published."}],
                "first_public_at": _timestamp(release),
                "government": {"title": "2024 Labour government", "slug": "2024-labour-government",
                               "current": True},
                "political": True,
                "emphasised_organisations": [content_id],
            },
            "links": {
                "organisations": [{"title": _ORG_TITLE, "base_path": f"/government/organisations/{_ORG}",
                                   "document_type": "organisation"}],
                "people": people,
            },
        }

    def page(self, release: MirrorRelease) -> str:
        item = self.content_item(release)
        published = f"{release.published.day} {release.published:%B %Y}"
        kind = "Press release" if item["document_type"] == "press_release" else "News story"
        return (
            '<!DOCTYPE html>\n<html lang="en" class="govuk-template"><head><meta charset="utf-8">'
            f"<title>{esc(release.title)} - GOV.UK</title>"
            f'<link rel="canonical" href="{esc(self.article_url(release))}">'
            f'<meta name="govuk:content-id" content="{item["content_id"]}">'
            f'<meta name="description" content="{esc(item["description"])}">'
            f'<script type="application/ld+json">{json.dumps({"@context": "http://schema.org", "@type": "NewsArticle", "headline": release.title, "datePublished": item["first_published_at"]})}</script>'
            "</head><body class=\"govuk-template__body\">"
            '<a href="#content" class="govuk-skip-link">Skip to main content</a>'
            '<div id="global-cookie-message" class="gem-c-cookie-banner"><p>Cookies on GOV.UK</p>'
            "<p>We use some essential cookies to make this website work.</p>"
            '<button class="govuk-button">Accept additional cookies</button></div>'
            '<header class="gem-c-layout-super-navigation-header"><a href="https://www.gov.uk/" class="govuk-header__link">GOV.UK</a>'
            '<nav><a href="/browse">Menu</a> <a href="/search">Search GOV.UK</a></nav></header>'
            '<div class="govuk-width-container"><nav class="govuk-breadcrumbs"><ol class="govuk-breadcrumbs__list">'
            '<li class="govuk-breadcrumbs__list-item"><a href="/">Home</a></li>'
            '<li class="govuk-breadcrumbs__list-item"><a href="/government/organisations/foreign-commonwealth-development-office">'
            f"{esc(_ORG_TITLE)}</a></li></ol></nav>"
            '<main class="govuk-main-wrapper" id="content" role="main" lang="en">'
            f'<div class="gem-c-heading"><span class="govuk-caption-xl">{kind}</span>'
            f'<h1 class="gem-c-heading__text govuk-heading-l">{esc(release.title)}</h1></div>'
            f'<p class="gem-c-lead-paragraph">{esc(item["description"])}</p>'
            '<div class="gem-c-metadata"><dl><dt class="gem-c-metadata__term">From:</dt>'
            f'<dd class="gem-c-metadata__definition"><a href="/government/organisations/{_ORG}">{esc(_ORG_TITLE)}</a></dd>'
            f'<dt class="gem-c-metadata__term">Published</dt><dd class="gem-c-metadata__definition">{published}</dd></dl></div>'
            '<div class="gem-c-share-links"><h2>Share this page</h2><ul><li><a href="https://www.facebook.com/sharer/sharer.php">Facebook</a></li>'
            '<li><a href="https://twitter.com/share">Twitter</a></li></ul></div>'
            f'<div class="gem-c-govspeak govuk-govspeak" data-module="govspeak">{item["details"]["body"]}</div>'
            '<div class="gem-c-published-dates"><p>Published ' + published + "</p></div>"
            "</main>"
            '<div class="gem-c-feedback"><p>Is this page useful?</p><button>Yes</button><button>No</button>'
            "<button>Report a problem with this page</button></div></div>"
            '<footer class="govuk-footer"><p>All content is available under the Open Government Licence v3.0, '
            "except where otherwise stated</p><p>&copy; Crown copyright</p></footer></body></html>"
        )
