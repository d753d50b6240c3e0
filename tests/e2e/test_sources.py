"""Every source crawled end to end from its mirror, coded and declared alike.

All sources are crawled at once (one mirror process, one Scrapy process) into a fresh
database per backend, then crawled again in full; each source's test then checks what
its mirror holds: every release stored once under its canonical URL with its date,
title, language and text; walls recorded as blocked and never stored; non-English
releases without records; meetings found with participants of the right countries,
against the gold labels of the release data; the second crawl adds nothing. A new
source (a mirror with a spider) is picked up with no test code. SQLite runs every
source, PostgreSQL the few of ``POSTGRES_KEYS``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.mirror.declared import DeclaredMirror
from crawler.mirror.sites import SITES
from crawler.mirror.sites.base import MirrorSite
from crawler.registry import all_sources, get_source
from db.models import CrawlError, CrawlRun, Document, Meeting, Participant, Source
from db.session import make_engine
from tests.conftest import ROOT, fresh_database

pytestmark = pytest.mark.slow  # real crawls of every source's mirror

ALL_KEYS = sorted(set(SITES) & {source.key for source in all_sources()})
# MFA_E2E_SOURCES=jp,tw narrows a run to some sources (while working on them).
KEYS = [k for k in ALL_KEYS
        if k in os.getenv("MFA_E2E_SOURCES", ",".join(ALL_KEYS)).split(",")]
POSTGRES_KEYS = [k for k in ("az", "ir", "jp", "sy", "tw", "us") if k in KEYS]

# What the extractor must achieve on a source's English meetings (measured, with a margin):
# the share of gold meetings it finds, and of their participants' countries it names.
MEETINGS_FOUND_FLOOR = 0.5
COUNTRIES_FOUND_FLOOR = 0.5


@dataclass
class Crawled:
    """What a crawl of the mirrors left in one database, read per source."""

    outcomes: dict[str, dict[str, Any]]
    again: dict[str, dict[str, Any]]
    docs: dict[str, list[Any]]
    blocked: dict[str, list[str]]
    countries: dict[str, dict[str, list[set[str]]]]  # source -> url -> per meeting
    ids_before: list[Any]
    ids_after: list[Any]
    docs_after: dict[str, int] = field(default_factory=dict)


def _crawl(db_url: str, urls: dict[str, str], *extra: str) -> dict[str, dict[str, Any]]:
    result = subprocess.run(
        [sys.executable, "-m", "tests.e2e.crawl_mirrors", db_url, *extra,
         *(f"{k}={u}" for k, u in sorted(urls.items()))],
        capture_output=True, text=True, timeout=600, cwd=ROOT, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcomes = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return {o["source"]: o for o in outcomes}


def _read(db_url: str) -> tuple[dict[str, list[Any]], dict[str, list[str]],
                                dict[str, dict[str, list[set[str]]]], list[Any]]:
    engine = make_engine(db_url)
    with Session(engine) as s:
        docs: dict[str, list[Any]] = {}
        for row in s.execute(select(Source.key, Document.id, Document.url, Document.title,
                                    Document.published, Document.language, Document.text)
                             .join(Source, Source.id == Document.source_id)):
            docs.setdefault(row.key, []).append(row)
        blocked: dict[str, list[str]] = {}
        for key, url in s.execute(select(Source.key, CrawlError.url)
                                  .join(CrawlRun, CrawlRun.id == CrawlError.run_id)
                                  .join(Source, Source.id == CrawlRun.source_id)
                                  .where(CrawlError.blocked)):
            blocked.setdefault(key, []).append(url)
        countries: dict[str, dict[str, dict[int, set[str]]]] = {}
        for key, url, meeting_id, country in s.execute(
                select(Source.key, Document.url, Meeting.id, Participant.country)
                .join(Document, Document.id == Meeting.document_id)
                .join(Source, Source.id == Document.source_id)
                .outerjoin(Participant, Participant.meeting_id == Meeting.id)):
            found = countries.setdefault(key, {}).setdefault(url, {}).setdefault(meeting_id, set())
            if country:
                found.add(country)
        ids = s.execute(select(Meeting.id, Meeting.document_id, Meeting.ordinal)
                        .order_by(Meeting.id)).all()
    engine.dispose()
    per_meeting = {key: {url: list(by_id.values()) for url, by_id in urls.items()}
                   for key, urls in countries.items()}
    return docs, blocked, per_meeting, ids


@pytest.fixture(scope="module")
def crawled(mirror: dict[str, str], tmp_path_factory: pytest.TempPathFactory,
            ) -> Iterator[dict[str, Crawled]]:
    """``{backend: Crawled}``, each crawled on first use."""
    cache: dict[str, Crawled] = {}
    with ExitStack() as stack:
        def get(backend: str) -> Crawled:
            if backend not in cache:
                keys = KEYS if backend == "sqlite" else POSTGRES_KEYS
                db_url = stack.enter_context(fresh_database(backend, tmp_path_factory.mktemp(backend)))
                urls = {k: mirror[k] for k in keys}
                started = time.monotonic()
                outcomes = _crawl(db_url, urls)
                first = time.monotonic()
                docs, blocked, countries, ids = _read(db_url)
                again = _crawl(db_url, urls, "--full")
                TIMES[backend] = (f"{len(keys)} sources: first crawl {first - started:.0f}s, "
                                  f"full re-crawl {time.monotonic() - first:.0f}s")
                docs_after, _, _, ids_after = _read(db_url)
                cache[backend] = Crawled(outcomes, again, docs, blocked, countries, ids, ids_after,
                                         {k: len(v) for k, v in docs_after.items()})
            return cache[backend]
        yield _Lazy(get)  # type: ignore[misc]


class _Lazy(dict):  # type: ignore[type-arg]
    def __init__(self, get: Any) -> None:
        super().__init__()
        self._get = get

    def __missing__(self, backend: str) -> Crawled:
        return self._get(backend)  # type: ignore[no-any-return]


def _gold(key: str) -> dict[str, dict[str, Any]]:
    text = resources.files("crawler.mirror").joinpath(f"data/{key}.jsonl").read_text("utf-8")
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    return {line["slug"]: line.get("labels") or {} for line in lines}


def _gold_countries(labels: dict[str, Any]) -> set[str]:
    meeting = labels.get("meeting") or {}
    people = list(meeting.get("participants") or [])
    for sub in meeting.get("sub_meetings") or []:
        people += sub.get("participants") or []
    return {p["country"] for p in people if p.get("country")}


def _language(key: str, site: MirrorSite) -> str:
    return site.language if isinstance(site, DeclaredMirror) else get_source(key).language


FIGURES: dict[str, str] = {}
TIMES: dict[str, str] = {}

PARAMS = [pytest.param(k, "sqlite", id=f"{k}-sqlite") for k in KEYS] + [
    pytest.param(k, "postgres", id=f"{k}-postgres", marks=pytest.mark.postgres)
    for k in POSTGRES_KEYS]


@pytest.mark.timeout(900)  # the first test of a backend runs both crawls of every source
@pytest.mark.parametrize(("key", "backend"), PARAMS)
def test_source_end_to_end(key: str, backend: str, crawled: dict[str, Crawled]) -> None:
    result = crawled[backend]
    site = SITES[key]()
    language = _language(key, site)
    outcome = result.outcomes[key]
    docs = result.docs.get(key, [])

    # Every release once, under its canonical URL, with its date, title and text.
    expected = site.expected_urls()
    assert expected, "the mirror lists releases"
    assert sorted(d.url for d in docs) == sorted(expected)
    by_url = {site.archived_url(r): r for r in site.releases}
    markers = list(site.declaration.walls.markers) if isinstance(site, DeclaredMirror) else []
    for doc in docs:
        release = by_url[doc.url]
        assert doc.published == release.published, doc.url
        assert doc.title == release.title, doc.url
        assert doc.language == language, doc.url
        assert release.paragraphs[0][:60] in doc.text, doc.url
        assert not any(m in doc.text for m in markers), f"{doc.url}: a wall stored as text"

    # Walls recorded as blocked, never stored.
    walled = {site.archived_url(r) for r in site.releases if r.slug in site.walled}
    assert outcome["blocked"] == len(walled) == len(result.blocked.get(key, []))
    assert not walled & {d.url for d in docs}
    assert outcome["status"] == ("completed_with_errors" if walled else "completed")
    assert outcome["failed"] == 0

    # Records: none for a language the extractor does not read; meetings against the gold.
    gold = _gold(key)
    found = result.countries.get(key, {})
    slug_of = {site.archived_url(r): r.slug for r in site.releases}
    if language != "en":
        assert not found, f"{key} is {language}: no records"
        FIGURES[key] = f"{len(docs)} stored ({language}, no records)"
    else:
        meetings = [d.url for d in docs if gold[slug_of[d.url]].get("is_meeting")]
        hits = [u for u in meetings if u in found]
        wanted = sum(len(_gold_countries(gold[slug_of[u]])) for u in hits)
        named = sum(len(_gold_countries(gold[slug_of[u]]) & set().union(*found[u]))
                    for u in hits)
        spurious = [u for u in found if not gold[slug_of[u]].get("is_meeting")]
        FIGURES[key] = (f"{len(docs)} stored, meetings {len(hits)}/{len(meetings)} found "
                        f"(+{len(spurious)} on non-meetings), countries {named}/{wanted}")
        assert meetings, "the mirror holds meetings"
        assert len(hits) >= MEETINGS_FOUND_FLOOR * len(meetings), FIGURES[key]
        assert named >= COUNTRIES_FOUND_FLOOR * wanted, FIGURES[key]

    # A second, full crawl adds nothing and keeps every record id.
    again = result.again[key]
    assert (again["new"], again["failed"]) == (0, 0)
    assert result.docs_after.get(key, 0) == len(docs)
    assert result.ids_after == result.ids_before


def test_every_mirror_is_crawled_and_every_source_has_a_mirror() -> None:
    assert set(ALL_KEYS) == {source.key for source in all_sources()}, "every source has a mirror"


@pytest.fixture(scope="module", autouse=True)
def _report(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print the per-source figures after the module (shown even without ``-s``)."""
    yield
    if FIGURES:
        capture = request.config.pluginmanager.getplugin("capturemanager")
        lines = "\n".join(f"  {k}: {v}" for k, v in sorted(FIGURES.items()))
        with capture.global_and_fixture_disabled():
            times = "; ".join(f"{b}: {t}" for b, t in TIMES.items())
            print(f"\nper-source end-to-end figures (last backend run):\n{lines}\n  {times}")
