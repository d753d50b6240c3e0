"""Helpers for the reliability tests: the fault server, crawl subprocesses, archive snapshots."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, select

from db.models import CrawlRun, Document, FrontierEntry, Meeting, Statement
from db.session import make_engine
from tests.conftest import FAST, ROOT

FAULTS_ENV = {"SCRAPY_SETTINGS_MODULE": "tests.faults.settings"}
# Small timeouts and no politeness: the suite stays fast. Backoff 0: failed URLs are
# due again at once; no raised delay after Retry-After (the wait itself is asserted);
# extraction in a thread (a process pool costs seconds to start).
QUICK = [*FAST, "-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=2",
         "-s", "ARCHIVE_RETRY_BACKOFF=0", "-s", "ARCHIVE_RETRY_AFTER_DELAY=0",
         "-s", "ARCHIVE_EXTRACT_WORKERS=0"]


@dataclass
class FaultServer:
    url: str
    proc: subprocess.Popen[str]

    def log(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(self.url + "/__log", timeout=5) as response:
            return list(json.load(response))

    def hits(self, path: str) -> list[float]:
        return [e["t"] for e in self.log() if e["path"] == path]

    def set(self, **values: str) -> None:
        query = "&".join(f"{k}={v}" for k, v in values.items())
        with urllib.request.urlopen(f"{self.url}/__set?{query}", timeout=5):
            pass


@contextmanager
def fault_server(*args: str) -> Iterator[FaultServer]:
    """``tests/faults/server.py`` in a subprocess on a free loopback port."""
    proc = subprocess.Popen([sys.executable, "-m", "tests.faults.server", *args],
                            stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    assert proc.stdout.readline().strip() == "ready", url
    try:
        yield FaultServer(url, proc)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


def crawl_args(source: str, base_url: str, db_url: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", "crawl", source, "--base-url", base_url,
            "--db", db_url, *QUICK, *extra]


def crawl(source: str, base_url: str, db_url: str, *extra: str,
          timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``mfa-archive crawl SOURCE`` against a server, to the end."""
    return subprocess.run(crawl_args(source, base_url, db_url, *extra), check=False,
                          capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT, env=_env())


def start_crawl(source: str, base_url: str, db_url: str, *extra: str) -> subprocess.Popen[str]:
    """``mfa-archive crawl SOURCE`` in the background (for kill and signal tests)."""
    return subprocess.Popen(crawl_args(source, base_url, db_url, *extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT, env=_env())


def finish(proc: subprocess.Popen[str], timeout: float = 60) -> tuple[int, str]:
    _, err = proc.communicate(timeout=timeout)
    return proc.returncode, err


def read_until(proc: subprocess.Popen[str], text: str) -> str:
    """The crawl's stderr up to the first line holding ``text`` (the crawl logged that event).

    The crawl must log at INFO (``-s LOG_LEVEL=INFO``) for Scrapy's and our shutdown lines.
    """
    assert proc.stderr is not None
    seen: list[str] = []
    for line in proc.stderr:  # blocks until the crawl writes; no sleeping
        seen.append(line)
        if text in line:
            return "".join(seen)
    raise AssertionError(f"the crawl ended without logging {text!r}: {''.join(seen)[-2000:]}")


def _env() -> dict[str, str]:
    env = {**os.environ, **FAULTS_ENV}
    env.pop("MFA_ARCHIVE_DB", None)
    return env


def wait_until(check: Callable[[], bool], *, timeout: float = 30, what: str = "") -> None:
    """Poll ``check`` (the database, a process) until true; never a blind sleep."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        time.sleep(0.02)


_POLLERS: dict[str, Engine] = {}


def poller(db_url: str) -> Engine:
    """One engine per database for polling (fast polls); disposed with the database
    (tests.conftest.fresh_database calls :func:`forget_poller`)."""
    if db_url not in _POLLERS:
        _POLLERS[db_url] = make_engine(db_url)
    return _POLLERS[db_url]


def forget_poller(db_url: str) -> None:
    if db_url in _POLLERS:
        _POLLERS.pop(db_url).dispose()


def count_rows(db_url: str, model: Any) -> int:
    """Rows of ``model`` committed so far (0 before the crawl has created the schema)."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    try:
        with poller(db_url).connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(model)) or 0)
    except (OperationalError, ProgrammingError):
        return 0


def stored_count(db_url: str) -> int:
    """Documents committed so far."""
    return count_rows(db_url, Document)


def kill(proc: subprocess.Popen[str], sig: int = signal.SIGKILL) -> None:
    proc.send_signal(sig)


@dataclass(frozen=True)
class Snapshot:
    """What an archive holds, independent of ids and times."""

    documents: dict[str, tuple[str, str | None, Any]]  # url -> (content hash, title, published)
    records: dict[str, tuple[tuple[Any, ...], ...]]  # url -> meetings and statements
    frontier: dict[str, str]  # url -> state
    duplicates: int
    runs: list[tuple[str, str | None]]  # (status, mode), oldest first


def snapshot(db_url: str) -> Snapshot:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            docs = conn.execute(select(Document.id, Document.url, Document.content_hash,
                                       Document.title, Document.published)).all()
            by_id = {d.id: d.url for d in docs}
            records: dict[str, list[tuple[Any, ...]]] = {d.url: [] for d in docs}
            for m in conn.execute(select(Meeting.document_id, Meeting.ordinal, Meeting.date,
                                         Meeting.kind, Meeting.location)
                                  .order_by(Meeting.document_id, Meeting.ordinal)):
                records[by_id[m.document_id]].append(("meeting", *m[1:]))
            for s in conn.execute(select(Statement.document_id, Statement.ordinal,
                                         Statement.speaker, Statement.verb, Statement.text)
                                  .order_by(Statement.document_id, Statement.ordinal)):
                records[by_id[s.document_id]].append(("statement", *s[1:]))
            duplicates = int(conn.scalar(
                select(func.count()).select_from(Document)) or 0) - int(conn.scalar(
                    select(func.count(func.distinct(Document.url)))) or 0)
            frontier = dict(conn.execute(select(FrontierEntry.url, FrontierEntry.state)).all())
            runs = [tuple(r) for r in conn.execute(
                select(CrawlRun.status, CrawlRun.mode).order_by(CrawlRun.id)).all()]
    finally:
        engine.dispose()
    return Snapshot(
        documents={d.url: (d.content_hash, d.title, d.published) for d in docs},
        records={url: tuple(rows) for url, rows in records.items()},
        frontier=frontier,
        duplicates=duplicates,
        runs=runs,  # type: ignore[arg-type]
    )


def assert_consistent(snap: Snapshot) -> None:
    """No duplicate, and the frontier says ``stored`` exactly for what is archived."""
    assert snap.duplicates == 0
    stored = {url for url, state in snap.frontier.items() if state in ("stored", "gone")}
    assert stored == set(snap.documents), (stored ^ set(snap.documents))


def pg_admin_url() -> str:
    from db import urls

    server = urls.parse(os.environ["MFA_TEST_POSTGRES"])
    return server.set(drivername="postgresql").render_as_string(hide_password=False)


def names(prefix: str, count: int) -> Sequence[str]:
    return [f"{prefix}-{i}" for i in range(1, count + 1)]
