"""Killing a real crawl (SIGKILL, SIGINT, SIGTERM): the archive is never half-written.

A slow az mirror (tests/faults/server.py ``--site az --delay``) is crawled by a
real ``mfa-archive crawl`` subprocess. SIGKILL lands at several points (before
the first commit, and after N releases are committed, polled from the
database, with each item transaction held open a little so that kills land
inside transactions too); after every kill the archive holds only whole
releases; the resumed archive equals an uninterrupted one and nothing stored
was fetched again. SIGINT to the whole process group (Ctrl-C) finishes in-flight
work and exits as interrupted; a second SIGTERM exits at once, consistent.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from db.models import CrawlError, CrawlRun
from db.session import make_engine
from tests.conftest import ROOT
from tests.faults.harness import (
    FaultServer,
    Snapshot,
    assert_consistent,
    count_rows,
    crawl,
    crawl_args,
    fault_server,
    finish,
    read_until,
    snapshot,
    start_crawl,
    stored_count,
    wait_until,
)

pytestmark = pytest.mark.slow  # real crawls, killed and resumed

# A slow crawl (the server delays each release): kills land where they are meant to.
SLOW = ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", "FAULT_WRITE_DELAY=0.05",
        "-s", "DOWNLOAD_TIMEOUT=30"]
KILL_POINTS = (0, 3, 4)  # releases each run commits before its SIGKILL (0: once it started)
RELEASES = 20  # the newest az releases: three listing pages, every kind of record


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    """The az archive of one uninterrupted crawl."""
    db_url = f"sqlite:///{tmp_path_factory.mktemp('reference') / 'reference.sqlite'}"
    with fault_server("--site", "az", "--limit", str(RELEASES)) as server:
        result = crawl("az", server.url, db_url)
    assert result.returncode == 0, result.stderr[-2000:]
    snap = snapshot(db_url)
    assert len(snap.documents) == RELEASES
    assert sum(len(records) for records in snap.records.values()) > RELEASES
    return snap


def _run_count(db_url: str) -> int:
    return count_rows(db_url, CrawlRun)


def _assert_whole(snap: Snapshot, reference: Snapshot) -> None:
    """Every archived release is complete: its text and every record as in the reference."""
    assert_consistent(snap)
    for url, document in snap.documents.items():
        assert document == reference.documents[url], url
        assert snap.records[url] == reference.records[url], url


def _wait_for_point(db_url: str, proc: Any, runs: int, stored: int) -> None:
    """Until the crawl's run has started and ``stored`` releases are committed in all."""
    wait_until(lambda: _run_count(db_url) > runs or proc.poll() is not None,
               what="the run to start")
    wait_until(lambda: stored_count(db_url) >= stored or proc.poll() is not None,
               what=f"{stored} releases")


def _served(server: FaultServer) -> int:
    """Release pages the server has answered so far."""
    return sum(1 for e in server.log() if e["path"].count("/") >= 3)


def _path(url: str) -> str:
    return urlsplit(url).path


def test_sigkill_at_several_points_then_resume(db_url: str, reference: Snapshot) -> None:
    with fault_server("--site", "az", "--delay", "0.05", "--limit", str(RELEASES)) as server:
        kills: list[tuple[float, set[str]]] = []
        for point in KILL_POINTS:
            runs, stored = _run_count(db_url), stored_count(db_url)
            # The server lets exactly `point` more release pages through; the crawl
            # cannot finish, whatever the machine's load.
            server.set(gate=str(_served(server) + point))
            proc = start_crawl("az", server.url, db_url, *SLOW)
            _wait_for_point(db_url, proc, runs, stored + point)
            assert proc.poll() is None, "the crawl ended before it could be killed"
            proc.kill()
            proc.communicate(timeout=30)
            killed_at = time.time()
            snap = snapshot(db_url)
            _assert_whole(snap, reference)
            kills.append((killed_at, set(snap.documents)))
        assert kills[-1][1], "no release was stored before the last kill"

        server.set(delay="0", gate="off")
        result = crawl("az", server.url, db_url)
        assert result.returncode == 0, result.stderr[-2000:]
        final = snapshot(db_url)
        _assert_not_refetched(server, kills)
    assert final.documents == reference.documents
    assert final.records == reference.records
    assert_consistent(final)
    # The killed runs were closed as interrupted by the next run that took the lock.
    assert [status for status, _ in final.runs] == ["interrupted"] * len(KILL_POINTS) + [
        "completed"], final.runs


def _assert_not_refetched(server: FaultServer, kills: list[tuple[float, set[str]]]) -> None:
    log = server.log()
    for killed_at, stored in kills:
        again = {e["path"] for e in log if e["t"] > killed_at} & {_path(u) for u in stored}
        assert not again, f"stored releases fetched again: {sorted(again)[:5]}"


def _requested(server: FaultServer) -> list[str]:
    """Every path the crawl has asked the server for so far (its own control calls aside)."""
    return [e["path"] for e in server.log() if not e["path"].startswith("/__")]


def test_ctrl_c_finishes_in_flight_work_and_exits_interrupted(
        db_url: str, reference: Snapshot) -> None:
    """SIGINT to the process group, as a terminal's Ctrl-C: extraction workers included."""
    import subprocess

    from tests.faults.harness import _env

    with fault_server("--site", "az", "--delay", "0.2", "--limit", str(RELEASES)) as server:
        # Three release pages are answered, the next ones wait at the gate: the crawl
        # cannot finish before the signal lands, whatever the machine's load. Two
        # requests at a time: what is in flight is what waits at the gate.
        server.set(gate=str(_served(server) + 3))
        # The real process pool (ARCHIVE_EXTRACT_WORKERS default): its workers get the
        # SIGINT too and must leave it to the crawl process.
        proc = subprocess.Popen(
            [*crawl_args("az", server.url, db_url, *SLOW), "-s", "ARCHIVE_EXTRACT_WORKERS=2",
             "-s", "CONCURRENT_REQUESTS=2", "-s", "LOG_LEVEL=INFO"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=_env(),
            start_new_session=True)
        wait_until(lambda: stored_count(db_url) >= 3 or proc.poll() is not None,
                   what="3 releases")
        assert proc.poll() is None
        os.killpg(proc.pid, signal.SIGINT)
        seen = read_until(proc, "Received SIGINT, shutting down gracefully")
        requested = _requested(server)  # the in-flight requests are still at the gate
        server.set(gate="off")
        code, err = finish(proc, timeout=60)
        err = seen + err
        assert code == 4, err[-2000:]  # EXIT_INTERRUPTED
        # Nothing new was asked for once the stop began, and what was in flight then
        # was finished: every release page requested is archived.
        assert _requested(server) == requested
        snap = snapshot(db_url)
        assert set(map(_path, snap.documents)) == {p for p in requested if p.count("/") >= 3}
        assert len(snap.documents) < RELEASES
        _assert_whole(snap, reference)
        engine = make_engine(db_url)
        with engine.connect() as conn:
            run = conn.execute(select(CrawlRun)).one()
            errors = conn.scalars(select(CrawlError.reason)).all()
        engine.dispose()
        assert run.status == "interrupted" and run.finished_at is not None
        assert run.releases_new == len(snap.documents)
        assert not [e for e in errors if "extraction failed" in e]
        server.set(delay="0")
        result = crawl("az", server.url, db_url)
        assert result.returncode == 0, result.stderr[-2000:]
    assert snapshot(db_url).documents == reference.documents


def test_second_sigterm_exits_at_once_and_consistent(
        db_url: str, reference: Snapshot) -> None:
    with fault_server("--site", "az", "--delay", "0.2", "--limit", str(RELEASES)) as server:
        # Two release pages are answered; the requests after them wait at the gate until
        # the download timeout (30 s): a graceful stop would wait for them.
        server.set(gate=str(_served(server) + 2))
        proc = start_crawl("az", server.url, db_url, *SLOW, "-s", "LOG_LEVEL=INFO")
        wait_until(lambda: stored_count(db_url) >= 2 or proc.poll() is not None,
                   what="2 releases")
        assert proc.poll() is None
        proc.send_signal(signal.SIGTERM)
        # The first signal must be seen before the second.
        seen = read_until(proc, "Received SIGTERM, shutting down gracefully")
        proc.send_signal(signal.SIGTERM)
        code, err = finish(proc, timeout=60)
        err = seen + err
        assert "Received SIGTERM twice, forcing unclean shutdown" in err
        assert code == 4, err[-2000:]
        _assert_whole(snapshot(db_url), reference)
        engine = make_engine(db_url)
        with engine.connect() as conn:
            status, reason = conn.execute(select(CrawlRun.status, CrawlRun.finish_reason)).one()
        engine.dispose()
        assert status == "interrupted"
        # A second signal must not wait for downloads: the reactor stopped under the
        # requests still at the gate, before the spider could close.
        assert reason == "forced shutdown"
        server.set(delay="0", gate="off")
        result = crawl("az", server.url, db_url)
        assert result.returncode == 0, result.stderr[-2000:]
    assert snapshot(db_url).documents == reference.documents


# Where a Ctrl-C lands -> the exit codes it may give: 4 (interrupted) while the crawl is
# unfinished, 0 once it had completed (at spider_idle the engine is closing the spider as
# finished: either). Never a traceback, never death by the signal.
CTRL_C_MOMENTS = {
    "settings_loaded": {4},  # before the database is opened and the reactor runs
    "spider_opened": {4},
    "engine_started": {4},
    "first_item": {4},
    "spider_idle": {0, 4},
    "run_recorded": {0},
    "engine_stopped": {0},
    "reactor_stopped": {0},
    "finalizing": {0},  # as Python tears down, after the command's last line
}
STATUS_OF_EXIT = {0: "completed", 4: "interrupted"}


@pytest.fixture(scope="module")
def small_az() -> Iterator[FaultServer]:
    with fault_server("--site", "az", "--limit", "3") as server:
        yield server


@pytest.mark.parametrize("moment", list(CTRL_C_MOMENTS))
def test_ctrl_c_at_any_moment_exits_interrupted_or_completed(
        moment: str, small_az: FaultServer, sqlite_url: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGINT at each moment of ``mfa-archive crawl``, sent by the crawl itself at that event
    (tests/faults/interrupt.py), so that it lands there whatever the machine's load."""
    from tests.faults.interrupt import ENV, MOMENTS

    assert set(CTRL_C_MOMENTS) == set(MOMENTS)
    monkeypatch.setenv(ENV, moment)
    result = crawl("az", small_az.url, sqlite_url)
    assert f"interrupt sent at {moment}" in result.stderr
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.returncode in CTRL_C_MOMENTS[moment], result.stderr[-2000:]
    status = STATUS_OF_EXIT[result.returncode]
    assert f"az: {status} (" in result.stderr.splitlines()[-1 if moment != "finalizing" else -2]
    snap = snapshot(sqlite_url)
    if moment == "settings_loaded":  # the crawl did not start
        assert snap.runs == [] and snap.documents == {}
        return
    assert [s for s, _ in snap.runs] == [status]
    assert_consistent(snap)
    if status == "completed":
        assert len(snap.documents) == 3
