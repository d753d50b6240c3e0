"""Engines and sessions: one place that knows how to connect.

SQLite connections get WAL, foreign keys, a busy timeout and real transactions
(pysqlite's own transaction handling is switched off and ``BEGIN IMMEDIATE`` is
emitted, so a writer takes the write lock up front instead of failing on
upgrade from a read lock). Writers of one SQLite file in one process take turns
on a lock of the process's own before ``BEGIN IMMEDIATE`` (:class:`WriterTurns`):
SQLite's busy handler polls, so with dozens of writer threads (a crawl of every
source) one of them could wait past the busy timeout while others keep winning;
waiting threads block instead. Other processes still meet the busy timeout.
PostgreSQL uses psycopg 3.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from typing import Any, TypeAlias

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db import urls
from db.errors import ArchiveDatabaseError, ArchiveOutdated, UnavailableError, first_line

#: A session factory (``sessionmaker``): one per engine, shared by a writer's threads.
Sessions: TypeAlias = sessionmaker[Session]

SQLITE_BUSY_TIMEOUT_MS = 30_000
#: How long a writer waits for the other writers of its process before giving up.
SQLITE_WRITER_WAIT_S = 600.0
_TURN_KEY = "mfa_writer_turn"


class WriterTurns:
    """The turns of one process's writers of one SQLite file.

    A thread that already holds the turn (a second connection of its own) is not
    made to wait for itself: SQLite decides, as before.
    """

    _all: dict[str, WriterTurns] = {}
    _guard = threading.Lock()

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None

    @classmethod
    def of(cls, database: str) -> WriterTurns:
        key = os.path.realpath(database)
        with cls._guard:
            return cls._all.setdefault(key, cls())

    def take(self, wait_s: float) -> bool:
        """Wait for the turn; False when this thread holds it already."""
        me = threading.get_ident()
        if self._owner == me:
            return False
        if not self._lock.acquire(timeout=wait_s):
            raise OperationalError(
                "BEGIN IMMEDIATE", None,
                Exception(f"database is locked: this process's other writers held it {wait_s:.0f} s"))
        self._owner = me
        return True

    def give_back(self) -> None:
        self._owner = None
        self._lock.release()

    @classmethod
    def forget_after_fork(cls) -> None:
        """A forked child starts with no writers: a turn held by a parent's thread is not its own."""
        cls._guard = threading.Lock()
        for turns in cls._all.values():
            turns._lock = threading.Lock()
            turns._owner = None


os.register_at_fork(after_in_child=WriterTurns.forget_after_fork)


def make_engine(url: str | URL, *, read_only: bool = False, busy_timeout_ms: int | None = None,
                **kwargs: Any) -> Engine:
    """Create an engine for ``url``; ``read_only`` refuses every write at the database level.

    ``busy_timeout_ms`` replaces SQLite's default wait for a locked database.
    """
    parsed = urls.with_driver(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, read_only=read_only,
                              busy_timeout_ms=SQLITE_BUSY_TIMEOUT_MS if busy_timeout_ms is None
                              else busy_timeout_ms, **kwargs)
    if parsed.get_backend_name() != "postgresql":
        raise ArchiveDatabaseError(
            f"unsupported database {parsed.get_backend_name()!r}: use sqlite:/// or postgresql://"
        )
    connect_args: dict[str, Any] = {"connect_timeout": 10}
    if read_only:
        connect_args["options"] = "-c default_transaction_read_only=on"
    return create_engine(parsed, connect_args=connect_args, pool_pre_ping=True, **kwargs)


def _sqlite_engine(parsed: URL, *, read_only: bool, busy_timeout_ms: int,
                   **kwargs: Any) -> Engine:
    database = parsed.database or ""
    if read_only:
        parsed = urls.read_only_sqlite(parsed)
    engine = create_engine(
        parsed,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        **kwargs,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        if read_only:
            cursor.execute("PRAGMA query_only=ON")
        elif database not in ("", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    turns = None if read_only or database in ("", ":memory:") else WriterTurns.of(database)

    def _give_back(info: dict[str, Any]) -> None:
        if info.pop(_TURN_KEY, False) and turns is not None:
            turns.give_back()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if turns is not None and turns.take(SQLITE_WRITER_WAIT_S):
            conn.info[_TURN_KEY] = True
        try:
            conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
        except BaseException:
            _give_back(conn.info)
            raise

    if turns is not None:
        # the next writer's BEGIN IMMEDIATE waits out this COMMIT in SQLite's busy handler
        event.listen(engine, "commit", lambda conn: _give_back(conn.info))
        event.listen(engine, "rollback", lambda conn: _give_back(conn.info))
        event.listen(engine, "checkin", lambda _dbapi, record: _give_back(record.info))
        event.listen(engine, "invalidate", lambda _dbapi, record, _exc: _give_back(record.info))

    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def open_archive(url: str, *, read_only: bool = False, migrate: bool = True) -> Engine:
    """An engine on the archive at ``url``, at the newest schema.

    Writable: migrated first (unless ``migrate`` is false). Read-only: never
    migrated, so :class:`ArchiveOutdated` if it is not at the newest schema.
    A database that cannot be reached is an :class:`ArchiveDatabaseError`
    naming it (password hidden).
    """
    from db.migrate import at_head, ensure_schema

    try:
        if read_only:
            engine = make_engine(url, read_only=True)
            if not at_head(engine):
                raise ArchiveOutdated(
                    f"the archive at {urls.redact(url)} is not at the newest schema")
            return engine
        engine = make_engine(url)
        if migrate:
            ensure_schema(engine)
        return engine
    except UnavailableError as exc:
        raise ArchiveDatabaseError(
            f"cannot open the database {urls.redact(url)}: {first_line(exc)}") from exc


def read_only_twin(engine: Engine) -> Engine:
    """A read-only engine on the same database (a reader that never blocks the writer)."""
    return make_engine(engine.url.render_as_string(hide_password=False), read_only=True)




def dialect(engine: Engine) -> str:
    """``sqlite`` or ``postgresql``."""
    return engine.dialect.name


@contextlib.contextmanager
def transaction(sessions: Sessions) -> Iterator[Session]:
    """A session in one transaction: committed at the end, rolled back on an error."""
    with sessions.begin() as session:
        yield session


@contextlib.contextmanager
def savepoint(session: Session) -> Iterator[None]:
    """A savepoint inside the session's transaction: an error rolls back only what is inside."""
    with session.begin_nested():
        yield


@contextlib.contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reads; it never commits (its objects stay usable after it closes)."""
    with Session(engine) as session:
        yield session


@contextlib.contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A connection whose reads share one transaction (one snapshot on SQLite)."""
    with engine.connect() as conn:
        yield conn


__all__ = ["SQLITE_BUSY_TIMEOUT_MS", "Connection", "Engine", "Session", "Sessions", "dialect", "make_engine",
           "make_sessionmaker", "open_archive", "read_only_twin", "read_session", "reading", "savepoint",
           "transaction"]
