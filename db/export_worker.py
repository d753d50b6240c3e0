"""The worker process of a two-process export (:mod:`db.export_parallel`).

``python -P -m db.export_worker FD [preload]``: it writes the rows with key >= split
of the job it reads on stdin into the file ``FD``; see :mod:`db.export_parallel` for
the protocol. This module imports neither SQLAlchemy nor the ORM, so the worker is
up as soon as Python is:

* a job with ``sql`` (the exporter compiled it: an export whose columns SQLite
  hands over as CSV cells, :func:`db.rows.plain_columns`) runs on a plain
  ``sqlite3`` connection: its bounds query, then the rows' query, whose text comes
  as bytes and is rendered by :meth:`db.csv_text.CsvLines.encoded`, the same
  renderer the exporter's half goes through (:func:`db.rows.write_csv`);
* any other job is rebuilt and run by :func:`db.export_parallel.worker_half`
  (SQLAlchemy, the ORM); with ``preload`` those imports are done while the job
  has not come yet.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from db.batches import collector_paused
from db.csv_text import CsvLines


class WorkerFailed(Exception):
    """The worker cannot export its half; the message is reported to the exporter."""


def _say(message: str) -> None:
    sys.stdout.write(message.replace("\n", " ") + "\n")
    sys.stdout.flush()


class WorkerHooks:
    """Seams of the worker process at two moments; these do nothing (tests override them)."""

    def job_received(self, job: dict[str, Any]) -> None:
        """The job has come; the worker has not opened its snapshot yet."""

    def rows_written(self) -> None:
        """The rows are in the file; the worker has not reported them yet."""


def worker(fd: int, hooks: WorkerHooks | None = None, *, preload: bool = False) -> int:
    """Export the rows with key >= split of the job on stdin into ``fd``; see the module doc."""
    parent = os.getppid()
    hooks = hooks or WorkerHooks()

    def parent_alive() -> None:
        if os.getppid() != parent:
            raise WorkerFailed("the exporting process has gone")

    def ready() -> None:
        _say("ready")

    try:
        if preload:  # the imports overlap the exporter's work until the job comes
            from db import export_parallel  # noqa: F401

        line = sys.stdin.readline()  # blocks until the lock is held and the exporter reads
        if not line:
            return 0  # the export went ahead without us
        job = json.loads(line)
        hooks.job_received(job)
        if "sql" in job:
            with os.fdopen(fd, "wb") as binary:
                rows = _plain_half(job, binary.write, parent_alive, ready)
                binary.flush()
                size = os.fstat(binary.fileno()).st_size
                hooks.rows_written()
        else:
            from db.export_parallel import worker_half

            with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
                rows = worker_half(job, out, parent_alive, ready)
                out.flush()
                size = os.fstat(out.fileno()).st_size
                hooks.rows_written()
        _say(f"done {rows} {size}")
        return 0
    except Exception as exc:  # noqa: BLE001 - one line for the exporter to report
        from db.errors import first_line

        _say(f"error {first_line(exc)}")
        return 1


def _plain_half(job: dict[str, Any], write: Callable[[bytes], Any],
                check: Callable[[], None], ready: Callable[[], None]) -> int:
    """The job's rows (its ``sql`` and ``params``) as CSV, on one read-only snapshot
    whose bounds must be the exporter's (``bounds``, ``lo``, ``hi``)."""
    conn = sqlite3.connect(f"file:{quote(job['database'])}?mode=ro", uri=True,
                           timeout=job["timeout"], isolation_level=None)
    try:
        conn.execute("PRAGMA query_only=ON")
        conn.execute("BEGIN")
        if list(conn.execute(job["bounds"]).fetchone()) != [job["lo"], job["hi"]]:  # first read
            raise WorkerFailed("the worker's snapshot is not the exporter's")
        ready()
        conn.text_factory = bytes
        cursor = conn.execute(job["sql"], job["params"])
        lines, batch, count = CsvLines(), job["batch"], 0
        with collector_paused():
            while rows := cursor.fetchmany(batch):
                check()
                write(lines.encoded(rows))
                count += len(rows)
        cursor.close()
        conn.execute("COMMIT")
        return count
    finally:
        conn.close()


if __name__ == "__main__":
    sys.exit(worker(int(sys.argv[1]), preload=sys.argv[2:3] == ["preload"]))
