"""The jp and tw declarations against stand-ins written apart from the project's mirrors.

``tests/standins`` holds a second stand-in of www.mofa.go.jp and of en.mofa.gov.tw, built
from the same evidence (the site survey's §14 and §23) with their own releases and
with markup, links and routing chosen differently wherever the evidence leaves a choice
(see ``tests/standins/server.py``). Each is crawled with the real declaration: every
release must be stored once under its real canonical URL, with its date and title, its
text without the page's chrome, and each meeting with participants of the right
countries; a second, incremental crawl adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import CrawlRun, Document, Meeting, Participant
from db.session import make_engine
from tests.conftest import FAST, run_cli, served
from tests.standins.server import load

pytestmark = pytest.mark.slow  # real crawls of the stand-ins

# The crawl days. jp: a week after the stand-in's newest release (January 13, 2025), when
# index.html lists December releases too, whose year the crawl must take as 2024; and three
# years and more later, when every month of the stand-in lies before the walk's window
# (`months`) and is reached through the archive links of the pages.
CRAWLS = [pytest.param("jp", "2025-01-20", id="jp"),
          pytest.param("jp", "2028-06-01", id="jp-years-later"),
          pytest.param("tw", "2025-03-03", id="tw")]
# What a stand-in's page carries around the release that must not be stored as its text.
# (jp's release markup is inferred: on a page marked up otherwise trafilatura reads the text,
# and keeps a photo caption under it, so only navigation and footer are checked.)
CHROME = {"jp": ("Page Top", "Related Links", "Site Map", "Legal Matters"),
          "tw": ("Publish Date", "Data Source", "Attached files", "Photo gallery",
                 "Back to the previous page")}


@pytest.fixture(scope="module")
def standins() -> Iterator[dict[str, str]]:
    with served("tests.standins.server") as urls:
        yield urls


def canonical(key: str, release: dict[str, Any]) -> str:
    if key == "jp":
        return f"https://www.mofa.go.jp/press/release/{release['path']}.html"
    return f"https://en.mofa.gov.tw/News_Content.aspx?n={release['n']}&s={release['s']}"


def _crawl(key: str, today: str, base_url: str, db_url: str) -> None:
    result = run_cli("crawl", key, "--base-url", base_url, "--db", db_url, *FAST,
                     "-s", f"ARCHIVE_TODAY={today}")
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.parametrize(("key", "today"), CRAWLS)
def test_standin_crawl_stores_every_release_once(key: str, today: str,
                                                 standins: dict[str, str],
                                                 sqlite_url: str) -> None:
    releases = {canonical(key, r): r for r in load(key)}
    assert len(releases) >= 8
    _crawl(key, today, standins[key], sqlite_url)

    engine = make_engine(sqlite_url)
    with Session(engine) as s:
        docs = s.execute(select(Document.id, Document.url, Document.title, Document.published,
                                Document.text)).all()
        countries: dict[int, dict[int, set[str]]] = {}
        for document_id, meeting_id, country in s.execute(
                select(Meeting.document_id, Meeting.id, Participant.country)
                .outerjoin(Participant, Participant.meeting_id == Meeting.id)):
            found = countries.setdefault(document_id, {}).setdefault(meeting_id, set())
            if country:
                found.add(country)
        pages = s.scalar(select(CrawlRun.listing_pages))
    assert sorted(d.url for d in docs) == sorted(releases), "every release once, real URL"
    # tw: 2 pages of Press Releases and an empty third; Statements' page 2 repeats page 1.
    # jp: index.html and four months (the empty one and the 404s are not listing pages).
    assert pages == 5, pages
    for doc in docs:
        release = releases[doc.url]
        assert doc.published.isoformat() == release["published"], doc.url
        assert doc.title == release["title"], doc.url
        for paragraph in release["paragraphs"]:
            assert paragraph in doc.text, (doc.url, paragraph)
        assert not [c for c in CHROME[key] if c in doc.text], doc.url
        wanted = release["meeting_countries"]
        if wanted:
            met = countries.get(doc.id, {}).values()
            assert any(set(wanted) <= found for found in met), (doc.url, wanted, list(met))

    _crawl(key, today, standins[key], sqlite_url)  # incremental: nothing new, nothing twice
    with Session(engine) as s:
        assert len(s.scalars(select(Document.url)).all()) == len(releases)
    engine.dispose()
