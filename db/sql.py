"""Analysts' SQL: one read-only statement, bound parameters, a time limit, a row cap.

Read-only is enforced by the database itself, in layers:

* SQLite: the engine opens the file with ``mode=ro`` and ``PRAGMA query_only=ON``
  (:func:`db.session.make_engine` with ``read_only=True``); here, for the one
  statement, an authorizer allows only reads (``SELECT``, reading functions,
  introspection ``PRAGMA`` s), ``ATTACH`` is limited to zero databases, and
  extension loading stays off (pysqlite never enables it; the authorizer also
  denies ``load_extension()``).
* PostgreSQL: the connection defaults to read-only transactions, and the query
  runs in a ``READ ONLY`` transaction with ``SET LOCAL statement_timeout``.
  Connect as a role with only ``SELECT`` grants for a third layer.

:func:`check_read_only` is a lexer, not a parser: it refuses several
statements and the obvious writes with one clear message before anything
reaches the database. Whatever it lets through, the database still refuses to
write; such refusals are reported as :class:`QueryRefused` too.
"""

from __future__ import annotations

import contextlib
import difflib
import re
import sqlite3
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError, StatementError

from db.errors import first_line

# First words of a read: SELECT, WITH ... SELECT, VALUES, EXPLAIN, TABLE x (PostgreSQL),
# PRAGMA name (SQLite introspection), SHOW name (PostgreSQL settings), "(" SELECT ...
_READ_START = frozenset({"select", "with", "values", "explain", "table", "pragma", "show", "("})
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*|\(")
_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$")

# SQLite authorizer: everything not allowed here is denied ("not authorized").
_SQLITE_RECURSIVE = getattr(sqlite3, "SQLITE_RECURSIVE", 33)
_SQLITE_READS = frozenset({sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, _SQLITE_RECURSIVE})
_DENIED_FUNCTIONS = frozenset({"load_extension", "writefile", "edit", "fts3_tokenizer"})
# PRAGMAs that take an argument but only read (the argument names a table or index).
_READ_PRAGMAS_WITH_ARG = frozenset({
    "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
    "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check",
})
# PRAGMAs that do work even without an argument.
_ACTIVE_PRAGMAS = frozenset({"optimize", "shrink_memory", "incremental_vacuum", "wal_checkpoint"})

# PostgreSQL SQLSTATEs: read_only_sql_transaction, insufficient_privilege, query_canceled.
_PG_REFUSED = frozenset({"25006", "42501"})
_PG_CANCELED = "57014"

DEFAULT_TIMEOUT = 30.0


class QueryRefused(ValueError):
    """The SQL is not a single read-only statement (the archive was not touched)."""


class QueryFailed(RuntimeError):
    """The database rejected or aborted the query (syntax error, unknown table, timeout)."""


class NotAQuery(QueryFailed):
    """The text holds no statement (only comments) or does not start like SQL (a typo):
    the database was not asked."""


class MissingParameter(QueryFailed):
    """The query names a ``:parameter`` that was not given a value."""


# First words of statements that change something (a query starting so is refused;
# any other first word that is not a query's is a typo, not a write).
_WRITE_START = frozenset({
    "insert", "update", "delete", "replace", "merge", "upsert", "create", "drop", "alter",
    "truncate", "attach", "detach", "reindex", "vacuum", "analyze", "analyse", "begin",
    "commit", "end", "rollback", "savepoint", "release", "grant", "revoke", "copy", "call",
    "do", "set", "reset", "lock", "listen", "notify", "unlisten", "load", "comment",
    "cluster", "refresh", "import", "discard", "security", "prepare", "execute",
    "deallocate", "checkpoint", "reassign",
})


def check_read_only(sql: str) -> str:
    """Return the one statement in ``sql`` (no trailing ``;``), or raise :class:`QueryRefused`.

    Strings, quoted identifiers, comments and PostgreSQL dollar quotes are
    skipped, so a ``;`` or a keyword inside them does not count.
    """
    statements = [(statement, words) for statement, words in _split(sql) if words]
    if not statements:
        raise NotAQuery("not a query: the text holds no SQL statement (only comments "
                        "or nothing)")
    if len(statements) > 1:
        raise QueryRefused("only one statement is allowed")
    statement, words = statements[0]
    first = words[0].lower() if words else ""
    if words and first not in _READ_START and first not in _WRITE_START:
        close = difflib.get_close_matches(first, sorted(_READ_START - {"("}), n=1)
        hint = f" (did you mean {close[0].upper()}?)" if close else ""
        raise NotAQuery(f"not a query: {words[0]!r} does not start an SQL statement{hint}; "
                        "use one SELECT, WITH, VALUES, EXPLAIN or PRAGMA query")
    if first not in _READ_START:
        raise QueryRefused(
            f"{first.upper() or 'this statement'} is not allowed: the archive is read-only "
            "(use one SELECT, WITH, VALUES, EXPLAIN or PRAGMA query)"
        )
    if first == "pragma" and "=" in _code_only(statement):
        raise QueryRefused("a PRAGMA that sets a value is not allowed: the archive is read-only")
    return statement


def _split(sql: str) -> list[tuple[str, list[str]]]:
    """Split ``sql`` at top-level ``;``: ``[(statement, its words outside literals)]``."""
    statements: list[tuple[str, list[str]]] = []
    start, i, n = 0, 0, len(sql)
    words: list[str] = []
    while i < n:
        ch = sql[i]
        if ch in "'\"`[":
            close = {"'": "'", '"': '"', "`": "`", "[": "]"}[ch]
            backslash = ch == "'" and i > 0 and sql[i - 1] in "eE" and _word_start(sql, i - 1)
            i = _skip_quoted(sql, i + 1, close, backslash=backslash)
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end < 0 else end + 1
        elif sql.startswith("/*", i):
            i = _skip_block_comment(sql, i)
        elif ch == "$" and (match := _DOLLAR_TAG.match(sql, i)) and _word_start(sql, i):
            end = sql.find(match.group(), match.end())
            if end < 0:
                raise QueryRefused("unterminated dollar-quoted string")
            i = end + len(match.group())
        elif ch == ";":
            if statement := sql[start:i].strip():
                statements.append((statement, words))
            start, words = i + 1, []
            i += 1
        else:
            if (match := _WORD.match(sql, i)) and _word_start(sql, i):
                words.append(match.group())
                i = match.end()
            else:
                i += 1
    if statement := sql[start:].strip():
        statements.append((statement, words))
    return statements


def _word_start(sql: str, i: int) -> bool:
    return i == 0 or not (sql[i - 1].isalnum() or sql[i - 1] in "_$")


def _skip_quoted(sql: str, i: int, close: str, *, backslash: bool) -> int:
    n = len(sql)
    while i < n:
        ch = sql[i]
        if backslash and ch == "\\":
            i += 2
        elif ch == close:
            if close != "]" and sql.startswith(close * 2, i):
                i += 2  # a doubled quote is an escaped quote
            else:
                return i + 1
        else:
            i += 1
    raise QueryRefused("unterminated string or quoted name")


def _skip_block_comment(sql: str, i: int) -> int:
    depth, n = 0, len(sql)
    while i < n:
        if sql.startswith("/*", i):
            depth, i = depth + 1, i + 2
        elif sql.startswith("*/", i):
            depth, i = depth - 1, i + 2
            if depth == 0:
                return i
        else:
            i += 1
    raise QueryRefused("unterminated comment")


def _code_only(statement: str) -> str:
    """``statement`` with string literals blanked (for the PRAGMA ``=`` check)."""
    return re.sub(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"", "''", statement)


# --- running ---------------------------------------------------------------------


@dataclass(slots=True)
class QueryResult:
    """Column names and a lazy row iterator; ``truncated`` is set once the cap cut rows off."""

    columns: list[str]
    rows: Iterator[tuple[Any, ...]]
    truncated: bool = field(default=False)


@contextlib.contextmanager
def run_query(
    engine: Engine,
    sql: str,
    params: Mapping[str, Any] | None = None,
    *,
    limit: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Iterator[QueryResult]:
    """Run one read-only statement; rows stream lazily while the context is open.

    ``limit`` caps the rows (``None``: no cap); ``timeout`` bounds the wall time
    of executing and fetching. Raises :class:`QueryRefused` for writes (also
    those only the database catches) and :class:`QueryFailed` for other errors.
    """
    statement = check_read_only(sql)
    missing = sorted(set(text(statement).compile().params) - set(params or {}))
    if missing:
        raise MissingParameter("no value for " + ", ".join(f":{m}" for m in missing)
                               + ": give one with " + " ".join(f"-p {m} VALUE" for m in missing))
    deadline = time.monotonic() + timeout
    with engine.connect() as conn:
        postgres = conn.dialect.name == "postgresql"
        guard = _postgres_guard if postgres else _sqlite_guard
        try:
            # BEGIN before the guard and COMMIT after it: the authorizer denies both.
            with conn.begin(), guard(conn, deadline, timeout):
                if postgres:
                    conn.execute(text("SET TRANSACTION READ ONLY"))
                    conn.execute(text("SELECT set_config('statement_timeout', :ms, true)"),
                                 {"ms": str(max(1, int(timeout * 1000)))})
                if postgres:
                    result = _postgres_execute(conn, statement, dict(params or {}))
                else:
                    result = conn.execute(text(statement), dict(params or {}))
                if not result.returns_rows:
                    raise QueryRefused("the statement returns no rows")
                query = QueryResult(list(result.keys()), iter(()))
                query.rows = _rows(result, query, limit, deadline, timeout, postgres)
                try:
                    yield query
                finally:
                    result.close()  # also a server-side cursor the row cap left open
        except (DBAPIError, StatementError) as exc:
            raise _translate(exc, timeout) from exc


def _postgres_execute(conn: Connection, statement: str, params: dict[str, Any]) -> Any:
    """Execute on a server-side cursor (rows stream) where DECLARE accepts the statement.

    DECLARE takes SELECT, VALUES, TABLE and WITH ... SELECT, but not a WITH that
    holds INSERT, UPDATE, DELETE or MERGE: that one runs plainly, and the
    read-only transaction refuses it.
    """
    words = {w.lower() for w in _split(statement)[0][1]}
    first = statement.split(None, 1)[0].lower()
    if first not in ("select", "values", "table", "with") or (
            first == "with" and words & {"insert", "update", "delete", "merge"}):
        return conn.execute(text(statement), params)
    return conn.execution_options(stream_results=True, max_row_buffer=1000).execute(
        text(statement), params)


def _rows(result: Any, query: QueryResult, limit: int | None, deadline: float,
          timeout: float, postgres: bool) -> Iterator[tuple[Any, ...]]:
    count = 0
    try:
        for row in result:
            if limit is not None and count >= limit:
                query.truncated = True
                return
            if postgres and time.monotonic() > deadline:  # each FETCH has its own timeout
                raise QueryFailed(f"query timed out after {timeout:g} s")
            count += 1
            yield tuple(row)
    except (DBAPIError, StatementError) as exc:
        raise _translate(exc, timeout) from exc


@contextlib.contextmanager
def _sqlite_guard(conn: Connection, deadline: float, timeout: float) -> Iterator[None]:
    raw: Any = conn.connection.dbapi_connection
    attached = raw.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    query_only = raw.execute("PRAGMA query_only").fetchone()[0]
    raw.execute("PRAGMA query_only=ON")
    raw.set_authorizer(_authorize)
    raw.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 1_000)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)
        raw.set_authorizer(None)
        raw.execute(f"PRAGMA query_only={int(query_only)}")
        raw.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, attached)


@contextlib.contextmanager
def _postgres_guard(conn: Connection, deadline: float, timeout: float) -> Iterator[None]:
    yield  # READ ONLY and statement_timeout are transaction-local (see run_query)


def _authorize(action: int, arg1: str | None, arg2: str | None, _db: str | None,
               _trigger: str | None) -> int:
    """SQLite authorizer: reads only; everything else compiles to "not authorized"."""
    if action in _SQLITE_READS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_UPDATE and arg1 == "sqlite_master":
        # Asked while a pragma table-valued function (pragma_table_info) is set up;
        # user SQL cannot change sqlite_master without writable_schema, denied below.
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_FUNCTION:
        return sqlite3.SQLITE_DENY if (arg2 or "").lower() in _DENIED_FUNCTIONS else sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA:
        name = (arg1 or "").lower()
        if arg2 is None and name not in _ACTIVE_PRAGMAS:
            return sqlite3.SQLITE_OK
        if name in _READ_PRAGMAS_WITH_ARG:
            return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def _translate(exc: DBAPIError | StatementError, timeout: float) -> QueryRefused | QueryFailed:
    orig: Any = getattr(exc, "orig", None) or exc
    message = first_line(orig)
    code = getattr(orig, "sqlite_errorname", None) or getattr(orig, "sqlstate", None)
    if code in ("SQLITE_INTERRUPT", _PG_CANCELED):
        return QueryFailed(f"query timed out after {timeout:g} s")
    if (code in ("SQLITE_AUTH", "SQLITE_READONLY") or code in _PG_REFUSED
            or message.startswith("not authorized")):  # a denied function is SQLITE_ERROR
        return QueryRefused(f"refused by the database, the archive is read-only: {message}")
    if isinstance(orig, sqlite3.ProgrammingError) and "one statement" in message:
        return QueryRefused("only one statement is allowed")
    if "multiple commands" in message:  # PostgreSQL's extended protocol
        return QueryRefused("only one statement is allowed")
    if "data-modifying" in message:  # PostgreSQL: WITH (DELETE ...) in a cursor
        return QueryRefused(f"refused by the database, the archive is read-only: {message}")
    return QueryFailed(message)


__all__ = ["DEFAULT_TIMEOUT", "MissingParameter", "NotAQuery", "QueryFailed", "QueryRefused", "QueryResult", "check_read_only",
           "run_query"]
