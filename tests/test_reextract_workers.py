"""`mfa-archive reextract --worker`: many workers, one PostgreSQL archive, each document once.

A trigger counts the transactions that write each document, so "rebuilt once"
is observed by the database, not reported by the workers.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from db.session import make_engine
from tests.conftest import FAST, ROOT, fresh_database, run_cli
from tests.faults.harness import wait_until

COUNT_WRITES = """
CREATE TABLE document_writes (document_id integer, tx bigint);
CREATE FUNCTION log_document_write() RETURNS trigger AS $$
BEGIN
  INSERT INTO document_writes VALUES (NEW.id, txid_current());
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER document_writes AFTER UPDATE ON documents
  FOR EACH ROW EXECUTE FUNCTION log_document_write();
"""


def _worker(db_url: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ}
    env.pop("MFA_ARCHIVE_DB", None)
    return subprocess.Popen([sys.executable, "-m", "crawler.cli", "reextract", "--worker",
                             "--db", db_url, *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _writes_per_document(db_url: str) -> dict[int, int]:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT d.id, count(DISTINCT w.tx) FROM documents d "
                                 "LEFT JOIN document_writes w ON w.document_id = d.id "
                                 "GROUP BY d.id")).all()
    engine.dispose()
    return {int(i): int(n) for i, n in rows}


def _sql(db_url: str, *statements: str) -> list[object]:
    engine = make_engine(db_url)
    results = []
    with engine.begin() as conn:
        for statement in statements:
            result = conn.execute(text(statement))
            results.append(result.scalar() if result.returns_rows else None)
    engine.dispose()
    return results


@pytest.fixture
def archive(mirror: dict[str, str], tmp_path: Path):  # type: ignore[no-untyped-def]
    with fresh_database("postgres", tmp_path) as db_url:
        for key in ("az", "by"):
            done = run_cli("crawl", key, "--base-url", mirror[key], "--db", db_url, *FAST)
            assert done.returncode == 0, done.stderr[-2000:]
        yield db_url


def _make_stale(db_url: str, column: str) -> int:
    """Mark every document stale in ``column``, then count the writes from here on."""
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE documents SET {column} = 'old'"))  # noqa: S608 - a test's own
        conn.exec_driver_sql(COUNT_WRITES)
        documents = int(conn.execute(text("SELECT count(*) FROM documents")).scalar_one())
    engine.dispose()
    return documents


def _rebuilt_by(stderr: str) -> int:
    found = re.search(r"^(\d+) documents re-extracted by this worker", stderr, re.MULTILINE)
    assert found, stderr[-2000:]
    return int(found.group(1))


@pytest.mark.slow
@pytest.mark.postgres
def test_two_workers_rebuild_every_stale_document_once(archive: str) -> None:
    documents = _make_stale(archive, "records_extractor")
    assert documents > 50
    workers = [_worker(archive, "--batch", "4") for _ in range(2)]
    outputs = [w.communicate(timeout=240) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], [e[-2000:] for _, e in outputs]
    writes = _writes_per_document(archive)
    assert len(writes) == documents and set(writes.values()) == {1}
    assert sum(_rebuilt_by(err) for _, err in outputs) == documents
    assert "0 left in the archive" in outputs[0][1]
    assert _sql(archive, "SELECT count(*) FROM documents WHERE records_extractor = 'old'",
                "SELECT count(*) FROM reextract_queue") == [0, 0]
    # Nothing stale is left: another worker finds no work and writes nothing.
    again = _worker(archive)
    _, err = again.communicate(timeout=120)
    assert again.returncode == 0 and _rebuilt_by(err) == 0
    assert set(_writes_per_document(archive).values()) == {1}


@pytest.mark.slow
@pytest.mark.postgres
def test_a_killed_workers_batch_is_taken_over_when_its_lease_expires(archive: str) -> None:
    # Text-stale: every page goes through trafilatura again, so a batch takes a while.
    documents = _make_stale(archive, "text_extractor")
    doomed = _worker(archive, "--batch", "1000", "--lease", "2")
    wait_until(lambda: _sql(archive, "SELECT count(*) FROM reextract_queue "
                                     "WHERE lease_owner IS NOT NULL")[0] == documents
               or doomed.poll() is not None, timeout=120, what="the first worker's claim")
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=30)
    doomed.communicate()
    # Killed with its whole batch claimed and nothing written.
    assert doomed.returncode == -signal.SIGKILL
    assert sum(_writes_per_document(archive).values()) == 0
    survivor = _worker(archive, "--batch", "10")
    _, err = survivor.communicate(timeout=240)
    assert survivor.returncode == 0, err[-2000:]
    assert _rebuilt_by(err) == documents
    writes = _writes_per_document(archive)
    assert len(writes) == documents and set(writes.values()) == {1}
    assert _sql(archive, "SELECT count(*) FROM documents WHERE text_extractor = 'old'",
                "SELECT count(*) FROM reextract_queue") == [0, 0]


def test_workers_need_postgresql(sqlite_url: str) -> None:
    result = run_cli("reextract", "--worker", "--db", sqlite_url)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "PostgreSQL" in result.stderr
