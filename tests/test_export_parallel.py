"""Large SQLite CSV exports in two processes (db.export_parallel): the same bytes, one snapshot.

The key-range threshold is lowered so that the small archive of awkward cells
from tests/test_export.py is exported in two processes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from crawler.cli import cli
from db import export, export_parallel, queries, urls
from db.errors import ExportFailed
from db.session import make_engine
from tests.conftest import ROOT
from tests.test_export import big_archive, build, read_csv  # noqa: F401 - a fixture

TABLES = ("documents", "meetings", "participants", "statements")
F = queries.ExportFilters
FILTERS = [F(), F(country="az"), F(since=dt.date(2021, 1, 1), source="az"),
           F(person="bayramov"), F(until=dt.date(2020, 12, 31))]


@pytest.fixture
def archive(sqlite_url: str) -> str:
    build(sqlite_url, nul=True)
    return sqlite_url


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> list[int]:
    """Every eligible export runs in two processes; yields the worker's row counts."""
    monkeypatch.setattr(export_parallel, "PARALLEL_MIN_KEYS", 1)
    caplog.set_level(logging.INFO, logger="db.export_parallel")
    worker_rows: list[int] = []
    finish = export_parallel.Worker.finish

    def counted(self: export_parallel.Worker) -> tuple[int, int]:
        rows, size = finish(self)
        worker_rows.append(rows)
        return rows, size

    monkeypatch.setattr(export_parallel.Worker, "finish", counted)
    return worker_rows


def single(url: str, name: str, filters: queries.ExportFilters, out: Path,
           bom: bool = False) -> int:
    engine = make_engine(url, read_only=True)
    try:
        query = queries.export_select(name, filters, engine.dialect.name)
        return export.export(engine, query, fmt="csv", path=str(out), bom=bom)
    finally:
        engine.dispose()


def split(url: str, name: str, filters: queries.ExportFilters, out: Path,
          bom: bool = False) -> int:
    engine = make_engine(url, read_only=True)
    try:
        return export.export_named(engine, name, filters, fmt="csv", path=str(out), bom=bom)
    finally:
        engine.dispose()


def two_processes(caplog: pytest.LogCaptureFixture) -> int:
    """How many exports the log says ran in two processes."""
    return sum("two processes" in r.getMessage() for r in caplog.records)


def _filters_id(filters: queries.ExportFilters) -> str:
    return ",".join(f"{k}={v}" for k, v in export_parallel._encode(filters).items() if v) or "all"


# Unfiltered: in the fast suite; each filter again (a worker process per case): slow.
FILTER_CASES = [pytest.param(f, id=_filters_id(f), marks=[] if f == F() else [pytest.mark.slow])
                for f in FILTERS]


@pytest.mark.parametrize("name", TABLES)
@pytest.mark.parametrize("filters", FILTER_CASES)
def test_two_processes_write_the_bytes_of_one(
    archive: str, parallel: list[int], caplog: pytest.LogCaptureFixture, tmp_path: Path,
    name: str, filters: queries.ExportFilters,
) -> None:
    out = tmp_path / "out"
    one, two = out / "one.csv", out / "two.csv"
    expected = single(archive, name, filters, one)
    assert split(archive, name, filters, two) == expected
    assert two.read_bytes() == one.read_bytes()
    assert len(read_csv(two.read_bytes())) == expected + 1
    assert two_processes(caplog) == 1
    if filters == F():  # both halves hold rows
        assert 0 < parallel[0] < expected
    assert sorted(p.name for p in out.iterdir()) == ["one.csv", "two.csv"]



@pytest.mark.parametrize(("name", "plain"), [("statements", True), ("participants", True),
                                             ("documents", False), ("meetings", False)])
def test_plain_columns_give_the_worker_its_sql(
    archive: str, parallel: list[int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    name: str, plain: bool,
) -> None:
    """Text, numbers and dates: the worker gets the SQL of its rows and of the bounds, and
    no preload; timestamps, JSON or untyped columns: it rebuilds the query with the ORM.
    Either way the file is the single process's (with a filter that binds a date)."""
    jobs: list[dict[str, Any]] = []
    preloads: list[bool] = []
    start, init = export_parallel.Worker.start, export_parallel.Worker.__init__

    def record_start(self: export_parallel.Worker, job: dict[str, Any], on_ready: Any) -> None:
        jobs.append(job)
        start(self, job, on_ready)

    def record_init(self: export_parallel.Worker, directory: Path, **options: Any) -> None:
        preloads.append(options["preload"])
        init(self, directory, **options)

    monkeypatch.setattr(export_parallel.Worker, "start", record_start)
    monkeypatch.setattr(export_parallel.Worker, "__init__", record_init)
    filters = F(since=dt.date(2000, 1, 1))
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    expected = single(archive, name, filters, one)
    assert split(archive, name, filters, two) == expected
    assert two.read_bytes() == one.read_bytes()
    assert 0 < parallel[0] < expected
    assert ("sql" in jobs[0]) is plain
    assert preloads == [not plain]
    if plain:
        assert "2000-01-01" in jobs[0]["params"]
        assert jobs[0]["params"][-1] == jobs[0]["split"]


def test_the_worker_imports_no_sqlalchemy() -> None:
    """The worker's own module starts without SQLAlchemy (its plain jobs need none)."""
    code = "import sys, db.export_worker; print(sorted(m for m in sys.modules if 'sqlalchemy' in m))"
    out = subprocess.run([sys.executable, "-P", "-c", code], cwd=ROOT, check=True,
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.stdout.strip() == "[]"


def test_awkward_cells_are_in_both_halves(archive: str, parallel: list[int],
                                          tmp_path: Path) -> None:
    """Formula cells, quoting, unicode and NULLs are rendered by both processes."""
    out = tmp_path / "documents.csv"
    split(archive, "documents", F(), out)
    rows = read_csv(out.read_bytes())[1:]
    halves = rows[:len(rows) - parallel[0]], rows[len(rows) - parallel[0]:]
    for half in halves:
        cells = [c for row in half for c in row]
        assert any(c.startswith("'") for c in cells)  # a neutralised formula
        assert any('"' in c or "," in c for c in cells)  # quoted on output
        assert any(not c.isascii() for c in cells)
        assert "" in cells  # NULL (gone_at)
    cells = [c for row in rows for c in row]
    for needle in ("\r\n", "\x00", "🙂", "'=HYPERLINK", "'-", "''"):
        assert any(needle in c for c in cells), needle


def test_excel_bom_with_two_processes(archive: str, parallel: list[int],
                                      tmp_path: Path) -> None:
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    single(archive, "statements", F(), one, bom=True)
    split(archive, "statements", F(), two, bom=True)
    assert two.read_bytes() == one.read_bytes()
    assert two.read_bytes().startswith(b"\xef\xbb\xbfstatement_id,")


def test_what_stays_in_one_process(archive: str, monkeypatch: pytest.MonkeyPatch,
                                   tmp_path: Path) -> None:
    monkeypatch.setattr(export_parallel, "PARALLEL_MIN_KEYS", 1)
    engine = make_engine(archive, read_only=True)
    select = queries.export_select
    out = str(tmp_path / "x.csv")
    assert export_parallel.plan(engine, select("statements", F(), "sqlite"), out) is not None
    assert export_parallel.plan(engine, select("statement_facts", F(), "sqlite"), out) is None
    assert export_parallel.plan(engine, select("meeting_dyads", F(), "sqlite"), out) is None
    assert export_parallel.plan(engine, select("statements", F(), "sqlite"), None) is None
    assert export_parallel.plan(engine, select("statements", F(), "sqlite"), "-") is None
    monkeypatch.setattr(export_parallel, "cpus", lambda: 1)
    assert export_parallel.plan(engine, select("statements", F(), "sqlite"), out) is None
    monkeypatch.undo()
    assert export_parallel.PARALLEL_MIN_KEYS > 20
    assert export_parallel.plan(engine, select("statements", F(), "sqlite"), out) is None
    engine.dispose()


# --- one snapshot while a writer commits all the time -----------------------------------


class Rewriter(threading.Thread):
    """Sets every statement's verb to ``v<n>`` in one transaction, commit after commit."""

    def __init__(self, path: str) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.commits = 0
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=60)
            while not self.stop.is_set():
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("UPDATE statements SET verb = ?", (f"v{self.commits + 1}",))
                conn.execute("COMMIT")
                self.commits += 1
                self.stop.wait(0.002)  # a gap in which the exporter can take the lock
            conn.close()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            self.error = exc


@pytest.mark.slow  # two export processes while a writer commits
def test_both_processes_read_one_snapshot_while_a_writer_commits(
    archive: str, parallel: list[int], caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    monkeypatch.setattr(export_parallel, "LOCK_TIMEOUT", 30.0)
    path = str(urls.sqlite_file(archive))
    writer = Rewriter(path)
    writer.start()
    seen = set()
    try:
        for i in range(5):
            progress = writer.commits + 3
            while writer.commits < progress and writer.is_alive():  # it writes between exports
                time.sleep(0.001)
            out = tmp_path / f"statements-{i}.csv"
            count = split(archive, "statements", F(), out)
            rows = read_csv(out.read_bytes())
            verbs = {row[rows[0].index("verb")] for row in rows[1:]}
            assert len(rows) - 1 == count == 20
            assert 0 < parallel[i] < count  # both halves
            assert len(verbs) == 1, verbs
            seen |= verbs
    finally:
        writer.stop.set()
        writer.join()
    assert writer.error is None
    assert len(seen) == 5  # each export saw a later commit
    assert two_processes(caplog) == 5


# --- where two processes cannot share a snapshot: one process ---------------------------


def test_a_locked_archive_exports_in_one_process(
    archive: str, parallel: list[int], caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    monkeypatch.setattr(export_parallel, "LOCK_TIMEOUT", 0.1)
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    single(archive, "statements", F(), one)
    holder = sqlite3.connect(str(urls.sqlite_file(archive)), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a long crawl transaction
    try:
        assert split(archive, "statements", F(), two) == 20
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert two.read_bytes() == one.read_bytes()
    assert two_processes(caplog) == 0
    assert "one process" in caplog.text


def test_a_rollback_journal_archive_exports_in_one_process(
    archive: str, parallel: list[int], caplog: pytest.LogCaptureFixture, tmp_path: Path,
) -> None:
    conn = sqlite3.connect(str(urls.sqlite_file(archive)), isolation_level=None)
    assert conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete"
    conn.close()
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    single(archive, "meetings", F(), one)
    split(archive, "meetings", F(), two)
    assert two.read_bytes() == one.read_bytes()
    assert two_processes(caplog) == 0


@contextlib.contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    modes = [p.stat().st_mode for p in paths]
    for p in paths:
        p.chmod(0o555 if p.is_dir() else 0o444)
    try:
        yield
    finally:
        for p, mode in zip(paths, modes, strict=True):
            p.chmod(stat.S_IMODE(mode))


def test_a_read_only_archive_exports_in_one_process(
    archive: str, parallel: list[int], caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    """chmod 0444 file and 0555 directory: SQLite opens the lock connection read-only.

    Root may write anyway, so there the read-only open is forced (``mode=ro``):
    such a connection accepts BEGIN IMMEDIATE without taking any lock.
    """
    db = urls.sqlite_file(archive)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    one, two = out_dir / "one.csv", out_dir / "two.csv"
    single(archive, "participants", F(), one)
    if os.geteuid() == 0:
        monkeypatch.setattr(export_parallel, "_connect_writable", lambda database: sqlite3.connect(
            f"file:{database}?mode=ro", uri=True, isolation_level=None,
            check_same_thread=False))
    files = [p for p in db.parent.iterdir() if p.name.startswith(db.name)]
    with read_only(*files, db.parent):
        split(archive, "participants", F(), two)
    assert two.read_bytes() == one.read_bytes()
    assert two_processes(caplog) == 0


# --- a failing worker: an error, and the old file stays -------------------------------


@pytest.mark.parametrize(("fault", "reason"), [
    ("fail", "simulated failure"),
    ("die", "exit status -9"),
    ("hang", "did not open its snapshot within 1 s"),
])
def test_a_failed_worker_fails_the_export_and_keeps_the_old_file(
    archive: str, parallel: list[int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    fault: str, reason: str,
) -> None:
    if fault == "hang":
        monkeypatch.setattr(export_parallel, "READY_TIMEOUT", 1.0)
    monkeypatch.setattr(export_parallel, "WORKER_ARGS", ("-m", "tests.faults.export_worker", fault))
    out = tmp_path / "exports" / "statements.csv"
    out.parent.mkdir()
    out.write_bytes(b"old\r\n")
    result = CliRunner().invoke(cli, ["export", "statements", "-o", str(out), "--db", archive])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: export failed: the export's worker process failed")
    assert reason in lines[0]
    assert "Traceback" not in result.stderr
    assert out.read_bytes() == b"old\r\n"
    assert sorted(p.name for p in out.parent.iterdir()) == ["statements.csv"]


def test_a_worker_file_shorter_than_reported_fails_the_export(
    archive: str, parallel: list[int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    """A worker whose file is not as long as it says does not make a complete-looking file."""
    watch = export_parallel.Worker._watch

    def short(self: export_parallel.Worker, on_ready: Any) -> None:
        watch(self, on_ready)
        if self._done is not None:
            self._done = (self._done[0], self._done[1] + 1)

    monkeypatch.setattr(export_parallel.Worker, "_watch", short)
    out = tmp_path / "out" / "statements.csv"
    with pytest.raises(ExportFailed, match="bytes, not"):
        split(archive, "statements", F(), out)
    assert list(out.parent.iterdir()) == []


@pytest.mark.slow  # a big archive, an exporter killed mid-file
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_worker_stops_when_the_exporter_is_killed(big_archive: str,  # noqa: F811
                                                      tmp_path: Path) -> None:
    out = tmp_path / "statements.csv"
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "export", "statements", "-o", str(out),
         "--db", big_archive], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    children: list[int] = []
    while not children and time.monotonic() < deadline and proc.poll() is None:
        children = list(children_of(proc.pid))
        time.sleep(0.005)
    assert children, "no worker process was started"
    worker = Path(f"/proc/{children[0]}")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 60  # it notices within a batch
    while running(worker) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not running(worker)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def children_of(pid: int) -> Iterator[int]:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    yield int(entry.name)


def running(proc: Path) -> bool:
    """Whether /proc/PID is a live process (not gone, not a zombie)."""
    try:
        return (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


# --- the CLI starts the worker before it opens the archive ------------------------------


@pytest.fixture
def workers(monkeypatch: pytest.MonkeyPatch) -> list[export_parallel.Worker]:
    """Every Worker started."""
    started: list[export_parallel.Worker] = []
    init = export_parallel.Worker.__init__

    def record(self: export_parallel.Worker, directory: Path, **options: Any) -> None:
        init(self, directory, **options)
        started.append(self)

    monkeypatch.setattr(export_parallel.Worker, "__init__", record)
    return started


def test_prestart_only_for_a_csv_file_of_a_table_from_a_big_sqlite_file(
    archive: str, workers: list[export_parallel.Worker], monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    out = str(tmp_path / "statements.csv")
    prestart = export_parallel.prestart
    assert prestart(archive, "statements", "csv", out) is None  # a small file
    monkeypatch.setattr(export_parallel, "PRESTART_MIN_BYTES", 0)
    assert prestart(archive, "statements", "jsonl", out) is None
    assert prestart(archive, "statements", "csv", None) is None
    assert prestart(archive, "statements", "csv", "-") is None
    assert prestart(archive, "statements", "csv", str(tmp_path / "no" / "x.csv")) is None
    assert prestart(archive + ".missing", "statements", "csv", out) is None
    assert prestart("postgresql://u@127.0.0.1:1/x", "statements", "csv", out) is None
    assert workers == []
    assert prestart(archive, "statement_facts", "csv", out) is None  # a view: none started
    assert workers == []
    worker = prestart(archive, "statements", "csv", out)
    assert worker is not None
    worker.close()
    assert len(workers) == 1
    assert all(w.proc.returncode is not None and w.part.closed for w in workers)


def test_the_cli_exports_with_a_prestarted_worker(
    archive: str, parallel: list[int], workers: list[export_parallel.Worker],
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    monkeypatch.setattr(export_parallel, "PRESTART_MIN_BYTES", 0)
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    single(archive, "meetings", F(country="by"), one)
    result = CliRunner().invoke(cli, ["export", "meetings", "--country", "by", "-o", str(two),
                                      "--db", archive])
    assert result.exit_code == 0, result.output
    assert two.read_bytes() == one.read_bytes()
    assert len(workers) == 1  # the prestarted one, no other
    assert two_processes(caplog) == 1
    assert workers[0].proc.returncode == 0 and workers[0].part.closed


def test_a_prestarted_worker_is_closed_when_the_archive_cannot_be_opened(
    workers: list[export_parallel.Worker], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    monkeypatch.setattr(export_parallel, "PRESTART_MIN_BYTES", 0)
    db = tmp_path / "old.sqlite"
    sqlite3.connect(db).execute("CREATE TABLE t (x)").connection.close()  # not migrated
    result = CliRunner().invoke(cli, ["export", "statements", "-o", str(tmp_path / "s.csv"),
                                      "--db", f"sqlite:///{db}"])
    assert result.exit_code == 1
    assert "newest schema" in result.stderr
    assert len(workers) == 1
    assert workers[0].proc.returncode is not None and workers[0].part.closed
