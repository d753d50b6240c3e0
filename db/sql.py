"""Analysts' SQL: one read-only statement, bound parameters, a time limit.

Read-only is enforced by the database itself (SQLite: a ``mode=ro``
connection with ``PRAGMA query_only``; PostgreSQL: a read-only transaction);
the checks here only turn the common mistakes into one clear message.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, StatementError

_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
_STRINGS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"")
_READ_START = ("select", "with", "values", "explain", "table")
_WRITE_WORDS = re.compile(
    r"\b(insert|update|delete|drop|create|alter|attach|detach|replace|vacuum|reindex|"
    r"truncate|grant|revoke|copy|load_extension|writable_schema)\b", re.IGNORECASE
)


class QueryRefused(ValueError):
    """The SQL is not a single read-only statement."""


class QueryFailed(RuntimeError):
    """The database rejected or aborted the query."""


def check_read_only(sql: str) -> str:
    """Return ``sql`` without a trailing ``;`` or raise :class:`QueryRefused`."""
    bare = _STRINGS.sub("''", _COMMENTS.sub(" ", sql)).strip()
    if not bare:
        raise QueryRefused("empty query")
    if ";" in bare.rstrip().rstrip(";"):
        raise QueryRefused("only one statement is allowed")
    first = bare.split(None, 1)[0].lower()
    if first == "pragma":
        if "=" in bare or "(" in bare:
            raise QueryRefused("PRAGMA that sets a value is not allowed (read-only)")
    elif first not in _READ_START:
        raise QueryRefused(f"only SELECT queries are allowed, not {first.upper()}")
    if first != "pragma" and (match := _WRITE_WORDS.search(bare)):
        raise QueryRefused(f"{match.group(1).upper()} is not allowed: the archive is read-only")
    return sql.strip().rstrip(";").strip()


def run_query(
    engine: Engine,
    sql: str,
    params: Mapping[str, Any] | None = None,
    *,
    limit: int | None = None,
    timeout: float = 30.0,
) -> Iterator[tuple[Sequence[str], Iterator[Sequence[Any]]]]:
    """Yield ``(columns, rows)`` once for a read-only query; rows stream lazily."""
    statement = check_read_only(sql)
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SET statement_timeout = {int(timeout * 1000)}")
            conn.exec_driver_sql("SET default_transaction_read_only = on")
        else:
            deadline = time.monotonic() + timeout
            raw = conn.connection.dbapi_connection
            raw.set_progress_handler(  # type: ignore[union-attr]
                lambda: 1 if time.monotonic() > deadline else 0, 10_000
            )
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                result = conn.execute(text(statement), dict(params or {}))
                if not result.returns_rows:
                    raise QueryRefused("the statement returns no rows")
                rows: Iterator[Sequence[Any]] = (tuple(r) for r in result)
                if limit is not None:
                    rows = itertools.islice(rows, limit)
                yield list(result.keys()), rows
        except (DBAPIError, StatementError) as exc:
            raise QueryFailed(_first_line(exc)) from exc
        finally:
            if conn.dialect.name != "postgresql":
                conn.connection.dbapi_connection.set_progress_handler(None, 0)  # type: ignore[union-attr]


def _first_line(exc: Exception) -> str:
    orig = getattr(exc, "orig", None) or exc
    message = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    if "interrupted" in message.lower() or "canceling statement" in message.lower():
        return "query timed out"
    return message


__all__ = ["QueryFailed", "QueryRefused", "check_read_only", "run_query"]
