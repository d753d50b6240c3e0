"""Faults of a misbehaving site (HTTP errors, cut and slow connections, oversized, binary and
mislabelled pages, robots.txt failures), each served on loopback and crawled for real.

One crawl of the fault site per database (``mfa-archive crawl faults``, on SQLite
and on PostgreSQL: the module's tests run backend by backend), then one assertion
per fault on what the archive holds, and a second run that retries what failed
and leaves alone what is stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from db.models import CrawlError, CrawlRun, Document, DocumentVersion, FrontierEntry
from db.session import make_engine
from tests.conftest import fresh_database
from tests.faults.harness import (
    FaultServer,
    Snapshot,
    assert_consistent,
    crawl,
    fault_server,
    snapshot,
)

pytestmark = pytest.mark.slow  # real crawls of the fault site

REAL = "https://faults.test/r/"
RUSSIAN = "Министр иностранных дел провёл переговоры с коллегой из соседней страны."

# fault -> (stored?, reason recorded when not stored)
FAULTS: dict[str, tuple[bool, str | None]] = {
    "ok-1": (True, None),
    "flaky": (True, None),  # 1 transient 5xx
    "missing": (False, "HTTP 404"),  # 2 permanent 404
    "ratelimited": (True, None),  # 3 429 + Retry-After
    "hang": (False, "timeout"),  # 6 never answers
    "drip": (False, "timeout"),  # 7 slowloris drip
    "cut": (False, "truncated: connection lost mid-body"),  # 5 cut mid-body, always
    "cutonce": (True, None),  # 5 cut once, then whole
    "loop": (False, "redirect_loop"),  # 10 redirect loop
    "cp1251": (True, None),  # 15 declared in the header
    "cp1251meta": (True, None),  # 15 <meta charset> only
    "cp1251bare": (True, None),  # 15 undeclared
    "mislabelled": (True, None),  # 15 header says UTF-8, body is cp1251
    "empty": (False, "empty body"),  # 17 empty 200
    "binary": (False, "not HTML: PDF"),  # 14/19 PDF served as HTML
    "huge": (False, "too_large"),  # 8 30 MB, Content-Length declared
    "hugechunked": (False, "too_large"),  # 8 30 MB, no Content-Length
    "bomb": (False, "too_large"),  # 9 gzip bomb (64 MiB from 64 KB)
    "nul": (True, None),  # 16 NUL bytes, invalid UTF-8, lone surrogate
}


@dataclass
class FaultRun:
    db_url: str
    server: FaultServer
    code: int
    stderr: str
    snap: Snapshot
    errors: dict[str, str]
    frontier: dict[str, Any]
    texts: dict[str, tuple[str | None, str]]
    run: Any


@pytest.fixture(scope="module")
def fault_run(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultRun]:
    """One crawl of the fault site on ``backend``, shared by the module's tests."""
    directory: Path = tmp_path_factory.mktemp("faults")
    with fresh_database(backend, directory) as db_url, \
            fault_server("--listing", ",".join(FAULTS)) as server:
        result = crawl("faults", server.url, db_url)
        engine = make_engine(db_url)
        with engine.connect() as conn:
            errors = dict(conn.execute(select(CrawlError.url, CrawlError.reason)).all())
            frontier = {row.url: row for row in conn.execute(select(FrontierEntry))}
            texts = {row.url: (row.title, row.text) for row in
                     conn.execute(select(Document.url, Document.title, Document.text))}
            run = conn.execute(select(CrawlRun)).one()
        engine.dispose()
        yield FaultRun(db_url, server, result.returncode, result.stderr, snapshot(db_url),
                       errors, frontier, texts, run)


@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_outcome(fault_run: FaultRun, fault: str) -> None:
    stored, reason = FAULTS[fault]
    url = REAL + fault
    if stored:
        assert url in fault_run.snap.documents, fault_run.errors.get(url)
        assert fault_run.frontier[url].state == "stored"
        assert url not in fault_run.errors
    else:
        assert url not in fault_run.snap.documents
        assert fault_run.errors.get(url) == reason
        entry = fault_run.frontier[url]
        assert (entry.state, entry.attempts, entry.last_error) == ("failed", 1, reason)
        assert entry.next_attempt_at is not None


def test_run_is_recorded_honestly(fault_run: FaultRun) -> None:
    assert fault_run.code == 1, fault_run.stderr[-2000:]  # completed_with_errors
    run = fault_run.run
    assert run.status == "completed_with_errors"
    assert run.releases_new == sum(stored for stored, _ in FAULTS.values())
    assert run.releases_failed == sum(not stored for stored, _ in FAULTS.values())
    assert run.finished_at is not None
    assert_consistent(fault_run.snap)
    # Hanging and dripping responses are bounded by the download timeout: each one was
    # given up after its 3 attempts (the crawl ended, so none of them held it).
    assert len(fault_run.server.hits("/r/hang")) == 3
    assert len(fault_run.server.hits("/r/drip")) == 3


def test_transient_5xx_retried_and_stored_once(fault_run: FaultRun) -> None:
    assert len(fault_run.server.hits("/r/flaky")) == 3  # 503, 503, 200
    assert fault_run.snap.duplicates == 0


def test_404_is_not_retried_within_the_run(fault_run: FaultRun) -> None:
    assert len(fault_run.server.hits("/r/missing")) == 1


def test_retry_after_is_honoured(fault_run: FaultRun) -> None:
    first, second = fault_run.server.hits("/r/ratelimited")[:2]
    assert second - first >= 1.9  # Retry-After: 2


def test_truncated_body_is_retried_and_never_stored_truncated(fault_run: FaultRun) -> None:
    assert len(fault_run.server.hits("/r/cut")) == 3
    _, text = fault_run.texts[REAL + "cutonce"]
    assert text.count("They discussed trade") == 8  # both paragraphs, whole


@pytest.mark.parametrize("fault", ["cp1251", "cp1251meta", "cp1251bare", "mislabelled"])
def test_windows_1251_is_decoded_right(fault_run: FaultRun, fault: str) -> None:
    _, text = fault_run.texts[REAL + fault]
    assert RUSSIAN in text
    assert "\ufffd" not in text and "Ð" not in text


def test_nul_and_invalid_unicode_are_sanitised(fault_run: FaultRun) -> None:
    title, text = fault_run.texts[REAL + "nul"]
    assert "\x00" not in text and "\x00" not in (title or "")
    assert "They discussed trade" in text
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in text + (title or ""))


def test_second_run_retries_failures_and_skips_what_is_stored(fault_run: FaultRun) -> None:
    server = fault_run.server
    before = {path: len(server.hits(path)) for path in ("/r/ok-1", "/r/missing", "/list")}
    result = crawl("faults", server.url, fault_run.db_url)
    assert result.returncode == 1, result.stderr[-2000:]
    assert len(server.hits("/r/ok-1")) == before["/r/ok-1"]  # stored: never fetched again
    assert len(server.hits("/r/missing")) == before["/r/missing"] + 1  # failed: retried
    # Every listing page holds only known releases: the walk stops at page 1.
    assert len(server.hits("/list")) == before["/list"] + 1
    engine = make_engine(fault_run.db_url)
    with engine.connect() as conn:
        entry = conn.execute(select(FrontierEntry)
                             .where(FrontierEntry.url == REAL + "missing")).one()
        run = conn.execute(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
    engine.dispose()
    assert entry.attempts == 2
    assert run is not None and run.releases_new == 0
    assert_consistent(snapshot(fault_run.db_url))


# --- robots.txt, RFC 9309 ----------------------------------------------------------------


def test_robots_5xx_disallows_the_host_until_a_later_run(db_url: str) -> None:
    with fault_server("--listing", "ok-1,ok-2", "--robots", "503") as server:
        result = crawl("faults", server.url, db_url)
        assert result.returncode == 1, result.stderr[-2000:]
        paths = {e["path"] for e in server.log()}
        assert "/robots.txt" in paths
        assert not paths & {"/list", "/r/ok-1", "/r/ok-2"}  # nothing disallowed was fetched
        engine = make_engine(db_url)
        with engine.connect() as conn:
            run = conn.execute(select(CrawlRun)).one()
            reasons = conn.scalars(select(CrawlError.reason)).all()
        assert run.status == "failed"
        assert reasons and all(r.startswith("robots_unavailable") for r in reasons)

        server.set(robots="ok")  # the site recovers: the next run crawls it
        result = crawl("faults", server.url, db_url)
        assert result.returncode == 0, result.stderr[-2000:]
        assert set(snapshot(db_url).documents) == {REAL + "ok-1", REAL + "ok-2"}
        engine.dispose()


# --- --full: conditional GET, versions, gone ---------------------------------------------


def test_full_refetch_keeps_versions_and_marks_gone(db_url: str) -> None:
    with fault_server("--listing", "ok-1,ok-2,ok-3") as server:
        result = crawl("faults", server.url, db_url)
        assert result.returncode == 0, result.stderr[-2000:]
        first = snapshot(db_url)
        server.set(gone="ok-1", edit="ok-2")
        result = crawl("faults", server.url, db_url, "--full")
        assert result.returncode == 0, result.stderr[-2000:]
        refetches = [e for e in server.log() if e["path"] == "/r/ok-3"]
        assert "If-None-Match" in refetches[-1]["headers"]  # conditional GET; answered 304
    engine = make_engine(db_url)
    with engine.connect() as conn:
        docs = {d.url: d for d in conn.execute(select(Document))}
        versions = conn.execute(select(DocumentVersion)).all()
        run = conn.execute(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
        gone_state = conn.scalar(select(FrontierEntry.state)
                                 .where(FrontierEntry.url == REAL + "ok-1"))
    engine.dispose()
    assert set(docs) == set(first.documents)  # nothing deleted
    assert docs[REAL + "ok-1"].gone_at is not None and gone_state == "gone"
    assert docs[REAL + "ok-1"].content_hash == first.documents[REAL + "ok-1"][0]
    assert "version 2" in docs[REAL + "ok-2"].text
    assert len(versions) == 1
    (version,) = versions
    assert version.document_id == docs[REAL + "ok-2"].id
    assert version.content_hash == first.documents[REAL + "ok-2"][0]
    assert "version 2" not in version.text
    assert docs[REAL + "ok-3"].gone_at is None
    assert run is not None and run.mode == "full"
    assert (run.releases_changed, run.releases_unchanged) == (1, 1)
