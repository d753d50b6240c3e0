"""The database locked (SQLite) or gone (PostgreSQL) mid-run.

Expected: a clear error, a non-zero exit, nothing marked stored that is not,
and a later run stores the rest.
"""

from __future__ import annotations

import sqlite3

import psycopg
import pytest

from db import urls
from tests.faults.harness import (
    assert_consistent,
    crawl,
    fault_server,
    finish,
    forget_poller,
    pg_admin_url,
    snapshot,
    start_crawl,
    stored_count,
    wait_until,
)

RELEASES = 12
SLOW = ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", "DOWNLOAD_TIMEOUT=10"]

pytestmark = pytest.mark.slow  # real crawl subprocesses


def test_database_locked_or_gone_mid_run(backend: str, db_url: str) -> None:
    """SQLite locked by another writer; PostgreSQL refusing connections."""
    {"sqlite": _sqlite_locked_mid_run, "postgres": _postgres_gone_mid_run}[backend](db_url)


def _sqlite_locked_mid_run(db_url: str) -> None:
    with fault_server("--site", "az", "--limit", str(RELEASES), "--delay", "0.3") as server:
        proc = start_crawl("az", server.url, db_url, *SLOW,
                           "-s", "ARCHIVE_SQLITE_BUSY_TIMEOUT=500")
        wait_until(lambda: stored_count(db_url) >= 2 or proc.poll() is not None, what="2 releases")
        assert proc.poll() is None
        blocker = sqlite3.connect(urls.sqlite_database(db_url) or "", isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")  # another writer holds the database
        try:
            code, err = finish(proc, timeout=60)
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert code == 1, err[-2000:]
        assert "database is locked" in err
        assert "az: failed" in err
        snap = snapshot(db_url)
        assert 2 <= len(snap.documents) < RELEASES
        assert_consistent(snap)  # nothing marked stored that is not

        server.set(delay="0")
        result = crawl("az", server.url, db_url)
        assert result.returncode == 0, result.stderr[-2000:]
        final = snapshot(db_url)
        assert len(final.documents) == RELEASES
        assert_consistent(final)


def _postgres_gone_mid_run(db_url: str) -> None:
    with fault_server("--site", "az", "--limit", str(RELEASES), "--delay", "0.3") as server:
        name = urls.parse(db_url).database
        proc = start_crawl("az", server.url, db_url, *SLOW)
        wait_until(lambda: stored_count(db_url) >= 2 or proc.poll() is not None, what="2 releases")
        assert proc.poll() is None
        forget_poller(db_url)
        with psycopg.connect(pg_admin_url(), autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
            try:
                code, err = finish(proc, timeout=60)
            finally:
                admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        assert code == 1, err[-2000:]
        assert "database error, stopping the crawl" in err
        assert "az: failed" in err
        snap = snapshot(db_url)
        assert 2 <= len(snap.documents) < RELEASES
        assert_consistent(snap)

        server.set(delay="0")
        result = crawl("az", server.url, db_url)
        assert result.returncode == 0, result.stderr[-2000:]
        final = snapshot(db_url)
        assert len(final.documents) == RELEASES
        assert_consistent(final)
        # The run the server dropped was closed as interrupted by the next one.
        assert [status for status, _ in final.runs] == ["interrupted", "completed"]
