"""Database URLs: which archive to open, and the one place that parses a URL
(dialect, SQLite file, existence, redaction).

The archive is ``--db``, else ``$MFA_ARCHIVE_DB``, else ``sqlite:///archive.sqlite``
(:func:`database_url`). Everything else, in :mod:`db` and :mod:`crawler`, asks here instead of parsing a
URL itself: ``sqlite:///path`` names a file, ``sqlite://`` and
``sqlite:///:memory:`` an in-memory database, ``postgresql://`` (psycopg 3) a server.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from db.errors import ArchiveDatabaseError

DEFAULT_URL = "sqlite:///archive.sqlite"
ENV_VAR = "MFA_ARCHIVE_DB"
_MEMORY = ("", ":memory:")


def database_url(explicit: str | None = None) -> str:
    """The database URL to use: ``explicit``, else ``$MFA_ARCHIVE_DB``, else the default."""
    if explicit:
        return explicit
    return os.getenv(ENV_VAR) or DEFAULT_URL


def parse(url: str | URL) -> URL:
    """``url`` parsed; :class:`ArchiveDatabaseError` if it is not a database URL."""
    if isinstance(url, URL):
        return url
    try:
        return make_url(url)
    except ArgumentError as exc:
        raise ArchiveDatabaseError(f"not a database URL: {url!r}") from exc


def dialect(url: str | URL) -> str:
    """``sqlite`` or ``postgresql`` (or whatever else the URL names)."""
    return parse(url).get_backend_name()


def is_sqlite(url: str | URL) -> bool:
    return dialect(url) == "sqlite"


def with_driver(url: str | URL) -> URL:
    """``url`` with the driver the archive uses: ``postgresql://`` means psycopg 3."""
    parsed = parse(url)
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg")
    return parsed


def sqlite_database(url: str | URL) -> str | None:
    """The file of a SQLite URL as written (maybe a ``file:`` URI); ``None`` for an
    in-memory database or another dialect."""
    parsed = parse(url)
    if parsed.get_backend_name() != "sqlite" or (parsed.database or "") in _MEMORY:
        return None
    return parsed.database


def sqlite_file(url: str | URL) -> Path | None:
    """The file on disk behind a plain ``sqlite:///path`` URL (not a ``file:`` URI), or ``None``."""
    database = sqlite_database(url)
    if database is None or database.startswith("file:"):
        return None
    return Path(database)


def missing_sqlite_file(url: str | URL) -> str | None:
    """The SQLite file ``url`` names if it does not exist (so there is no archive yet)."""
    database = sqlite_database(url)
    if database is not None and not Path(database).exists():
        return database
    return None


def archive_exists(url: str | URL) -> bool:
    """Whether there may be an archive to read: a SQLite file that exists, or any server."""
    if not is_sqlite(url):
        return True
    database = sqlite_database(url)
    return database is not None and Path(database).exists()


def is_immutable(url: str | URL) -> bool:
    """A SQLite URL that opens its file as immutable (it may change under the reader)."""
    parsed = parse(url)
    return "immutable" in (parsed.database or "") or "immutable" in parsed.query


def has_options(url: str | URL) -> bool:
    """The URL carries query options (``?...``)."""
    return bool(parse(url).query)


def read_only_sqlite(url: URL) -> URL:
    """A SQLite file URL opened read-only (``file:PATH?mode=ro``); in-memory stays as it is."""
    database = url.database or ""
    if database in _MEMORY:
        return url
    return url.set(database=f"file:{database}?mode=ro", query={**url.query, "uri": "true"})


def sqlite_url(path: str | Path) -> str:
    """The URL of the SQLite file ``path`` (special characters escaped)."""
    return URL.create("sqlite", database=str(path)).render_as_string()


def redact(url: str | URL) -> str:
    """Hide a password in a database URL, for messages and logs."""
    try:
        return parse(url).render_as_string(hide_password=True)
    except ArchiveDatabaseError:
        return "<unparseable database URL>"
