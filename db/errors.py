"""Errors the storage layer reports to its callers, and how to tell them apart.

Callers outside :mod:`db` catch :data:`DatabaseError` (any error of the
database layer) and ask :func:`is_retryable` or :data:`ROW_ERRORS` instead of
importing SQLAlchemy's exceptions themselves.
"""

from __future__ import annotations

from sqlalchemy.exc import DataError, IntegrityError, OperationalError, SQLAlchemyError

#: Any error of the database layer (SQLAlchemy's base class).
DatabaseError = SQLAlchemyError
#: The database refused one item's rows (a constraint, a value it cannot store).
ROW_ERRORS: tuple[type[SQLAlchemyError], ...] = (IntegrityError, DataError)
#: The database could not be reached or used (gone, locked, refused the connection).
UnavailableError = OperationalError

_RETRYABLE = frozenset({"40P01", "40001"})  # PostgreSQL deadlock, serialization failure


class ArchiveDatabaseError(Exception):
    """The archive database cannot be used (bad URL, unreachable, wrong schema)."""


class ArchiveOutdated(ArchiveDatabaseError):
    """A read-only command found the archive at an older schema (it is never migrated)."""


class ExportFailed(Exception):
    """An export could not be completed (its output file was left as it was)."""


def first_line(exc: BaseException) -> str:
    """The first line of a database error's message (the driver's own, when wrapped).

    SQLAlchemy wraps the driver's exception in ``.orig`` and appends the SQL and
    a link; users get only the driver's first line.
    """
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip()
    return text.splitlines()[0] if text else type(orig).__name__


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a PostgreSQL error (``None`` for others)."""
    return getattr(getattr(exc, "orig", None), "sqlstate", None)


def is_retryable(exc: BaseException) -> bool:
    """A transaction PostgreSQL aborted as a deadlock or serialization failure: run it again."""
    return isinstance(exc, OperationalError) and sqlstate(exc) in _RETRYABLE
