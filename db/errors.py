"""Errors the storage layer reports to its callers as one clear line."""

from __future__ import annotations


class ArchiveDatabaseError(Exception):
    """The archive database cannot be used (bad URL, unreachable, wrong schema)."""


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
