"""One crawl of a source at a time, across processes, freed when the holder dies.

PostgreSQL: a session-level ``pg_try_advisory_lock`` held on a dedicated
connection for the whole run; the server frees it when that connection closes,
also when the process is killed. SQLite: ``fcntl.flock`` on a lock file next to
the database (``<db>.crawl-<key>.lock``); the kernel frees it when the process
exits, however it exits. An in-memory SQLite database needs no lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from typing import IO, Any, Self

from sqlalchemy import Connection, Engine, text

from db import urls

_NAMESPACE = "mfa-archive:crawl:"


class SourceLock:
    """The crawl lock of one source; :meth:`acquire` never waits."""

    def __init__(self, engine: Engine, key: str) -> None:
        self.engine = engine
        self.key = key
        self._conn: Connection | None = None
        self._file: IO[Any] | None = None
        self.held = False

    @property
    def path(self) -> Path | None:
        """The lock file (SQLite on disk), or ``None``."""
        database = urls.sqlite_file(self.engine.url)
        if database is None:
            return None
        return Path(f"{database}.crawl-{self.key}.lock")

    def acquire(self) -> bool:
        """Take the lock if it is free; ``False`` when another process holds it."""
        if self.held:
            return True
        if self.engine.dialect.name == "postgresql":
            conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            got = conn.execute(
                text("SELECT pg_try_advisory_lock(hashtextextended(:name, 0))"),
                {"name": _NAMESPACE + self.key},
            ).scalar_one()
            if not got:
                conn.close()
                return False
            self._conn = conn
        elif (path := self.path) is not None:
            while True:
                handle = open(path, "a+")  # noqa: SIM115 - held open for the run
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    handle.close()
                    return False
                if _same_file(handle.fileno(), path):
                    break
                # The holder removed this file as it let go: lock the path's new file.
                handle.close()
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            self._file = handle
        self.held = True
        return True

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.execute(
                    text("SELECT pg_advisory_unlock(hashtextextended(:name, 0))"),
                    {"name": _NAMESPACE + self.key},
                )
            finally:
                self._conn.close()
                self._conn = None
        if self._file is not None:
            # Removed while still held (no lock file stays behind); one who opened it
            # meanwhile sees it is gone once it gets the lock, and tries the path again.
            if self.path is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.path)
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        self.held = False

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


def source_lock(engine: Engine, key: str) -> SourceLock:
    return SourceLock(engine, key)
