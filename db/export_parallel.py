"""A large SQLite CSV export in two processes that read one snapshot.

Rendering CSV costs about as much as reading the rows, and one process does
both on one core. An export whose query is ordered by a table's integer
primary key (the documents, meetings, participants and statements exports) is
split at a key ``k``: this process writes the rows with key < k straight into
the output, a worker process (``python -m db.export_worker``) writes the rows
with key >= k into an unnamed temporary file beside it, and that file is then
appended to the output (``copy_file_range``). Both halves are rendered by the
same :class:`db.csv_text.CsvLines` from the same query, so the file is byte for
byte what one process writes. When every column is a CSV cell as SQLite hands
it over (:func:`db.rows.plain_columns`: the statements and participants
exports), this process compiles the worker's query and its bounds query to SQL
and the worker, which imports no SQLAlchemy, runs them on a plain ``sqlite3``
connection; otherwise the worker rebuilds the query with
:func:`db.queries.export_select` (:func:`worker_half`).

One snapshot for both processes (SQLite in WAL mode): a third, writable
connection takes the write lock (``BEGIN IMMEDIATE``), so nothing can commit;
readers are not blocked. This process then opens its read transaction and
reads, the worker opens its own and reads, reports ``ready``, and only then is
the lock given back (a crawl waits that long, well within its busy timeout).
Both read transactions start while no commit can happen, so they see the same
last commit for as long as they live.

Anything that prevents this (not SQLite, not CSV, one CPU, a view, a small
key range, output to stdout, an immutable or read-only database, a journal
mode other than WAL, the lock still taken after :data:`LOCK_TIMEOUT`) means
the single-process export; two snapshots are never mixed. A worker that fails,
dies or does not open its snapshot within :data:`READY_TIMEOUT` (it is killed)
fails the whole export with :class:`db.errors.ExportFailed`: the output file
is not replaced. The worker's exit status, row count and byte count are
checked before its rows count as written.

Worker protocol: the worker gets its temporary file's descriptor as its
argument (and ``preload`` if its job will need the ORM) and one JSON job line on
stdin (sent only once the lock is held and this process has its snapshot); it
answers ``ready`` then ``done ROWS BYTES``, or ``error MESSAGE`` and exit
status 1. It is started before the archive is opened (the CLI: :func:`prestart`),
so that its start (and any imports) overlap this process's work; it checks
between batches that this process still lives.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import logging
import os
import selectors
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import quote

from sqlalchemy import Column, Connection, Engine, Integer, Table, func, select
from sqlalchemy.engine import Dialect

from db import urls
from db.errors import ArchiveDatabaseError, ExportFailed
from db.output_path import replaceable_file
from db.rows import BATCH, plain_columns, snapshot, write_csv

if TYPE_CHECKING:  # db.queries and db.session import the ORM: not before the worker starts
    from db.queries import AnySelect, ExportFilters

log = logging.getLogger(__name__)

# Smallest key range (max - min of the partition key in its table) worth a second process.
PARALLEL_MIN_KEYS = 50_000
# Share of the key range this process exports (from the smallest key); the rest is the worker's.
SPLIT = 0.5
# prestart(): a SQLite file this big likely holds a table worth splitting.
PRESTART_MIN_BYTES = 16 << 20
# Seconds to wait for the write lock (a crawl's commit) before exporting in one process.
LOCK_TIMEOUT = 2.0
# Seconds the worker has to open its snapshot; writers wait meanwhile.
READY_TIMEOUT = 15.0
# The worker's program, run as ``python -P WORKER_ARGS... FD [preload]``: db.export_worker,
# or one that runs its worker() with its own WorkerHooks (tests/faults/export_worker.py).
WORKER_ARGS: tuple[str, ...] = ("-m", "db.export_worker")


@dataclass(frozen=True, slots=True)
class Plan:
    """An export that may run in two processes: its key and the files involved."""

    key: Column[int]
    database: str  # the SQLite file
    directory: Path  # where the output (and the worker's temporary file) goes


def cpus() -> int:
    """CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def partition_key(query: AnySelect) -> Column[int] | None:
    """The leading ORDER BY element if it is an integer primary key column of a table."""
    order = query._order_by_clauses
    if not order:
        return None
    key = order[0]
    if (isinstance(key, Column) and isinstance(getattr(key, "table", None), Table)
            and key.primary_key and isinstance(key.type, Integer)):
        return key
    return None


def plan(engine: Engine, query: AnySelect, path: str | None) -> Plan | None:
    """A :class:`Plan` if the CSV export of ``query`` to ``path`` is worth two processes."""
    target = replaceable_file(path)
    if engine.dialect.name != "sqlite" or target is None or cpus() < 2:
        return None
    key = partition_key(query)
    if key is None or urls.is_immutable(engine.url):
        return None
    with engine.connect() as conn:  # a cheap estimate; the snapshot's own bounds decide
        database = next((row[2] for row in conn.exec_driver_sql("PRAGMA database_list")
                         if row[1] == "main"), "")
        lo, hi = _bounds(conn, key)
    if not database or lo is None or hi is None or hi - lo < PARALLEL_MIN_KEYS:
        return None
    return Plan(key=key, database=database, directory=target.parent)


def _bounds(conn: Connection, key: Column[int]) -> tuple[int | None, int | None]:
    """min and max of ``key`` in its table, each read off the index (SQLite optimises a
    lone min() or max(), not both in one SELECT)."""
    lo, hi = conn.execute(_bounds_select(key)).one()
    return lo, hi


def _bounds_select(key: Column[int]) -> Any:
    return select(select(func.min(key)).scalar_subquery(),
                  select(func.max(key)).scalar_subquery())


def plain_sql(query: Any, dialect: Dialect) -> tuple[str, list[Any]] | None:
    """``query`` as the SQL text and positional parameters SQLAlchemy would execute on
    ``dialect`` (its bind processing applied), or None if a parameter is expanded at
    execution or is not a JSON scalar."""
    compiled = query.compile(dialect=dialect)
    if compiled.post_compile_params or compiled.literal_execute_params \
            or compiled.positiontup is None:
        return None
    values = compiled.construct_params()
    params: list[Any] = []
    for name in compiled.positiontup:
        value = values[name]
        process = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            value = process(value)
        if not (value is None or value.__class__ in (str, int, float)):
            return None
        params.append(value)
    return compiled.string, params


def prestart(url: str, name: str, fmt: str, path: str | None) -> Worker | None:
    """Start a worker before the archive is opened, if the export will likely be split.

    Its imports then overlap the opening (the CLI checks the schema revision).
    Likely: a CSV export of a table to a file in an existing directory, from a
    SQLite file of at least :data:`PRESTART_MIN_BYTES`. :func:`plan` still decides;
    the caller closes the worker in any case (:meth:`Worker.close`).
    """
    target = replaceable_file(path)
    if fmt != "csv" or target is None or cpus() < 2:
        return None
    try:
        database = urls.sqlite_file(url)
        if database is None or urls.has_options(url):
            return None
    except ArchiveDatabaseError:
        return None
    directory = target.parent
    try:
        big = os.stat(database).st_size >= PRESTART_MIN_BYTES
    except OSError:
        return None
    if not big or not directory.is_dir():
        return None
    from db import queries

    query = queries.export_select(name, queries.ExportFilters(), "sqlite")
    if partition_key(query) is None:
        return None  # a view
    try:
        return Worker(directory, preload=not plain_columns(query))
    except OSError:  # no temporary file there, or no process: the export will say
        return None


def export_csv(engine: Engine, plan: Plan, name: str, filters: ExportFilters,
               query: AnySelect, out: IO[str], *, worker: Worker | None = None) -> int:
    """Write ``query`` (export ``name`` with ``filters``) to ``out`` as CSV; return the rows.

    ``out`` must be a file in ``plan.directory`` (the worker's rows are appended to
    its descriptor); ``worker``, if given, was started by :func:`prestart`.
    """
    if worker is None:  # first, so that its start overlaps what follows
        worker = Worker(plan.directory, preload=not plain_columns(query))
    try:
        lock = _WriteLock.take(plan.database)
        if lock is None:
            log.info("export %s: one process (the write lock is not available)", name)
            worker.stop()
            with snapshot(engine) as conn:
                return write_csv(conn, query, out)
        try:
            with snapshot(engine) as conn:
                lo, hi = _bounds(conn, plan.key)  # the first read: this snapshot
                if lo is None or hi is None:
                    lock.release()
                    worker.stop()
                    return write_csv(conn, query, out)
                split = lo + int((hi - lo) * SPLIT) + 1
                log.info("export %s: two processes, split at %s = %d", name, plan.key, split)
                worker.start(_job(engine.dialect, plan, name, filters, query, lo, hi, split),
                             on_ready=lock.release)
                count = write_csv(conn, query.where(plan.key < split), out, check=worker.check)
            rows, size = worker.finish()
        finally:
            worker.stop()
            lock.release()
        out.flush()
        _append(worker.part.fileno(), out.fileno(), size)
        return count + rows
    finally:
        worker.close()


def _job(dialect: Dialect, plan: Plan, name: str, filters: ExportFilters, query: AnySelect,
         lo: int, hi: int, split: int) -> dict[str, Any]:
    """The worker's job: the export and its filters, the snapshot's bounds and the split;
    and, for plain columns, the SQL of its rows and of the bounds (see the module doc)."""
    from db.session import SQLITE_BUSY_TIMEOUT_MS  # the ORM is loaded by now

    job: dict[str, Any] = {"database": plan.database, "name": name,
                           "filters": _encode(filters), "lo": lo, "hi": hi, "split": split}
    rows = plain_sql(query.where(plan.key >= split), dialect) \
        if plain_columns(query) else None
    bounds = plain_sql(_bounds_select(plan.key), dialect)
    if rows is not None and bounds is not None and not bounds[1]:
        job.update(sql=rows[0], params=rows[1], bounds=bounds[0], batch=BATCH,
                   timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)  # as the archive's engines wait
    return job


def _encode(filters: ExportFilters) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v
            for k, v in asdict(filters).items()}


def _decode(data: dict[str, Any]) -> ExportFilters:
    from db.queries import ExportFilters

    dates = {k: dt.date.fromisoformat(data[k]) for k in ("since", "until") if data.get(k)}
    return ExportFilters(**{**data, **dates})


def _append(src: int, dst: int, size: int) -> None:
    """Append ``size`` bytes from the start of ``src`` to ``dst`` (in the kernel if it can)."""
    offset = 0
    if hasattr(os, "copy_file_range"):
        try:
            while offset < size:
                n = os.copy_file_range(src, dst, size - offset, offset_src=offset)
                if n == 0:
                    break
                offset += n
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP,
                                 errno.EBADF, errno.EPERM):
                raise
    while offset < size:
        data = os.pread(src, min(1 << 20, size - offset), offset)
        if not data:
            raise ExportFailed("the worker's rows are shorter than it reported")
        view = memoryview(data)
        while view:
            view = view[os.write(dst, view):]
        offset += len(data)


def _connect_writable(database: str) -> sqlite3.Connection:
    """A connection that may write to ``database`` (SQLite opens it read-only if it cannot)."""
    return sqlite3.connect(f"file:{quote(database)}?mode=rw", uri=True, timeout=LOCK_TIMEOUT,
                           isolation_level=None, check_same_thread=False)


class _WriteLock:
    """The database's write lock, held by a connection of its own: nothing commits meanwhile."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._mutex = threading.Lock()

    @classmethod
    def take(cls, database: str) -> _WriteLock | None:
        """The lock, or None: read-only file, not WAL, or still locked after LOCK_TIMEOUT."""
        try:
            conn = _connect_writable(database)
        except sqlite3.Error:
            return None
        try:
            mode = conn.execute("PRAGMA journal_mode").fetchone()
            if not mode or str(mode[0]).lower() != "wal":
                conn.close()
                return None
            conn.execute("BEGIN IMMEDIATE")
            # A connection SQLite opened read-only (a write-protected file) accepts BEGIN
            # IMMEDIATE without locking anything: a write (rolled back) proves the lock.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            conn.execute(f"PRAGMA user_version = {int(version)}")
        except sqlite3.Error as exc:
            log.debug("no write lock on %s: %s", database, exc)
            conn.close()
            return None
        return cls(conn)

    def release(self) -> None:
        """Give the lock back (idempotent; any thread)."""
        with self._mutex:
            conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            conn.close()


class Worker:
    """The worker process, its temporary file, and a thread that reads its reports.

    It starts importing at once and waits for its job (:meth:`start`) on stdin.
    """

    def __init__(self, directory: Path, *, preload: bool = True) -> None:
        """Start the worker; ``preload``: it imports the ORM before its job comes."""
        # Unnamed (O_TMPFILE) where the OS can, else unlinked at once: never left behind.
        self.part = tempfile.TemporaryFile(dir=directory)  # noqa: SIM115 - closed in close()
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - likewise
        root = str(Path(__file__).resolve().parent.parent)  # import this very db package
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
        fd = self.part.fileno()
        try:
            # -P: not the current directory's ``db``, should it have one.
            self.proc = subprocess.Popen(
                [sys.executable, "-P", *WORKER_ARGS, str(fd), *(["preload"] if preload else [])],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
                pass_fds=(fd,), env=env, bufsize=0,
            )
        except BaseException:
            self.part.close()
            self._stderr.close()
            raise
        self.failure: str | None = None
        self._done: tuple[int, int] | None = None
        self._thread: threading.Thread | None = None

    def start(self, job: dict[str, Any], on_ready: Callable[[], None]) -> None:
        """Send the job; ``on_ready`` runs once the worker has its snapshot (or has failed)."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(job).encode() + b"\n")
            self.proc.stdin.close()
        except OSError:  # it died before reading: its stderr says why
            self._fail("")
        self._thread = threading.Thread(target=self._watch, args=(on_ready,),
                                        name="export-worker", daemon=True)
        self._thread.start()

    def _watch(self, on_ready: Callable[[], None]) -> None:
        assert self.proc.stdout is not None
        lines = _Lines(self.proc.stdout.fileno())
        try:
            try:
                line = lines.next(READY_TIMEOUT)
            except TimeoutError:
                self._fail(f"did not open its snapshot within {READY_TIMEOUT:g} s")
                return
            if line != "ready":
                self._fail(_reported(line))
                return
        finally:
            on_ready()  # after "ready", or once it has been killed
        line = lines.next(None)
        parts = (line or "").split()
        if len(parts) == 3 and parts[0] == "done" and parts[1].isdigit() and parts[2].isdigit():
            self._done = int(parts[1]), int(parts[2])
        else:
            self._fail(_reported(line))

    def _fail(self, reason: str) -> None:
        """Record the first failure ("": it died without a word) and kill the worker."""
        if self.failure is None:
            self.failure = reason
        with contextlib.suppress(OSError):
            self.proc.kill()

    def check(self) -> None:
        """Raise :class:`ExportFailed` if the worker has failed (called between batches)."""
        if self.failure is not None:
            raise ExportFailed(self._message())

    def _message(self) -> str:
        if self.failure:
            return f"the export's worker process failed: {self.failure}"
        # It died: its exit status and the last line of its stderr (a traceback's last line).
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        self._stderr.seek(0)
        said = [ln.strip() for ln in self._stderr.read().decode(errors="replace").splitlines()
                if ln.strip()]
        return (f"the export's worker process failed (exit status {self.proc.returncode}): "
                f"{said[-1] if said else 'it ended without reporting its rows'}")

    def finish(self) -> tuple[int, int]:
        """Wait for the worker: its (rows, bytes), checked against its exit status and file."""
        if self._thread is not None:
            self._thread.join()
        self.proc.wait()
        if self.failure is None and (self.proc.returncode != 0 or self._done is None):
            self.failure = ""
        if self.failure is not None or self._done is None:
            raise ExportFailed(self._message())
        rows, size = self._done
        written = os.fstat(self.part.fileno()).st_size
        if written != size:
            self.failure = f"its file holds {written} bytes, not {size}"
            raise ExportFailed(self._message())
        return rows, size

    def stop(self) -> None:
        """Kill the worker if it still runs, and reap it (idempotent)."""
        if self.proc.poll() is None:
            with contextlib.suppress(OSError):
                self.proc.kill()
            self.proc.wait()
        if self._thread is not None:
            self._thread.join()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def close(self) -> None:
        """:meth:`stop`, and drop its temporary file (idempotent)."""
        self.stop()
        self._stderr.close()
        self.part.close()


def _reported(line: str | None) -> str:
    """The worker's own error message in ``line``, or "" (it said nothing useful)."""
    return line[len("error "):] if line and line.startswith("error ") else ""


class _Lines:
    """Lines from a pipe, with a timeout and without sleeping."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._buffer = b""

    def next(self, timeout: float | None) -> str | None:
        """The next line; None at end of file; TimeoutError after ``timeout`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(self._fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                if deadline is not None and not selector.select(
                        max(0.0, deadline - time.monotonic())):
                    raise TimeoutError
                chunk = os.read(self._fd, 4096)
                if not chunk:
                    return None
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line.decode(errors="replace").strip()


# --- the worker's half through SQLAlchemy (db.export_worker runs it) ----------------


def worker_half(job: dict[str, Any], out: IO[str], check: Callable[[], None],
                ready: Callable[[], None]) -> int:
    """Write the rows with key >= split of export ``job["name"]`` to ``out`` (no header);
    ``ready`` is called once the snapshot is open and its bounds are the exporter's."""
    from db import queries
    from db.session import make_engine

    engine = make_engine(urls.sqlite_url(job["database"]), read_only=True)
    try:
        query = queries.export_select(job["name"], _decode(job["filters"]), "sqlite")
        key = partition_key(query)
        if key is None:
            raise ExportFailed(f"export {job['name']} has no partition key")
        with snapshot(engine) as conn:
            if list(_bounds(conn, key)) != [job["lo"], job["hi"]]:  # the first read
                raise ExportFailed("the worker's snapshot is not the exporter's")
            ready()
            return write_csv(conn, query.where(key >= job["split"]), out, header=False,
                             check=check)
    finally:
        engine.dispose()
