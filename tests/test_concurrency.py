"""Two crawls of one source at once, with and without the lock, on SQLite and PostgreSQL.

Two crawls of one source started together: the second finds the source's lock
held and exits with code 5, and every release is archived exactly once. With
the lock switched off both write the same releases at once, and the upserts
still leave each release once. A crawl and a long read query at the same time
both succeed.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from db import urls
from db.migrate import ensure_schema
from db.session import make_engine
from tests.conftest import ROOT
from tests.faults.harness import (
    _env,
    assert_consistent,
    fault_server,
    finish,
    snapshot,
    start_crawl,
    wait_until,
)

pytestmark = pytest.mark.slow  # real crawl subprocesses

RELEASES = 10
SLOW = ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", "DOWNLOAD_TIMEOUT=10"]


def _migrated(db_url: str) -> None:
    """The schema first: this is about crawls, not two first-time migrations racing."""
    engine = make_engine(db_url)
    ensure_schema(engine)
    engine.dispose()


def test_two_crawls_of_one_source_started_together(db_url: str) -> None:
    _migrated(db_url)
    with fault_server("--site", "az", "--limit", str(RELEASES), "--delay", "0.3") as server:
        # No release page is answered until one crawl has ended: the one holding the
        # lock cannot finish before the other tries it, however slowly either starts.
        server.set(gate="0")
        first = start_crawl("az", server.url, db_url, *SLOW)
        second = start_crawl("az", server.url, db_url, *SLOW)
        wait_until(lambda: first.poll() is not None or second.poll() is not None,
                   timeout=120, what="one crawl to find the lock held")
        server.set(gate="off")
        results = [finish(first), finish(second)]
    # One archived everything; the other found the lock held and did not start.
    assert sorted(code for code, _ in results) == [0, 5], [e[-1500:] for _, e in results]
    assert any("another crawl of az is running" in err for _, err in results)
    snap = snapshot(db_url)
    assert len(snap.documents) == RELEASES
    assert_consistent(snap)
    assert [status for status, _ in snap.runs] == ["completed"]


def test_two_unlocked_crawls_still_store_each_release_once(db_url: str) -> None:
    _migrated(db_url)
    with fault_server("--site", "az", "--limit", str(RELEASES), "--delay", "0.1") as server:
        unlocked = ["-s", "FAULT_NO_LOCK=True", *SLOW]
        procs = [start_crawl("az", server.url, db_url, *unlocked) for _ in range(2)]
        results = [finish(proc) for proc in procs]
    assert [code for code, _ in results] == [0, 0], [err[-1500:] for _, err in results]
    snap = snapshot(db_url)
    assert len(snap.documents) == RELEASES and snap.duplicates == 0
    assert_consistent(snap)


def test_a_crawl_and_a_long_read_query_both_succeed(db_url: str) -> None:
    _migrated(db_url)
    with fault_server("--site", "az", "--limit", str(RELEASES), "--delay", "0.2") as server:
        crawl = start_crawl("az", server.url, db_url, *SLOW)
        if urls.is_sqlite(db_url):  # about 2 s of counting, inside one read transaction
            sql = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                   "WHERE x < 2000000) SELECT count(*) AS n, "
                   "(SELECT count(*) FROM documents) AS docs FROM c")
        else:
            sql = "SELECT pg_sleep(2) IS NULL AS slept, (SELECT count(*) FROM documents) AS docs"
        query = subprocess.run(
            [sys.executable, "-m", "crawler.cli", "query", sql, "--format", "json",
             "--db", db_url], capture_output=True, text=True, timeout=60, cwd=ROOT,
            env=_env(), check=False)
        code, err = finish(crawl)
    assert query.returncode == 0, query.stderr
    assert '"docs"' in query.stdout
    assert code == 0, err[-2000:]
    assert_consistent(snapshot(db_url))
