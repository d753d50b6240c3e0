"""Rows of a query as CSV (RFC 4180, UTF-8) or JSON Lines, read from one snapshot.

* One snapshot: rows are read in batches inside one read transaction (SQLite:
  a WAL read transaction; PostgreSQL: ``REPEATABLE READ, READ ONLY`` with a
  server-side cursor), so crawls writing meanwhile never show through.
* Faithful CSV: ``\\r\\n`` line ends, minimal RFC 4180 quoting, NULL as an empty
  cell, numbers unquoted. A text cell that a spreadsheet would run as a formula
  (it starts with ``= + - @``, TAB, CR or NUL) gets a leading ``'``; so does a
  text cell that already starts with ``'``, which makes the rule reversible
  (:func:`restore`). JSON Lines cells are never altered.

Shared by :mod:`db.export` (files) and :mod:`db.export_parallel` (its worker
renders its half with the same :func:`write_csv`).
"""

from __future__ import annotations

import base64
import codecs
import contextlib
import csv
import datetime as dt
import decimal
import json
from collections.abc import Callable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import sqltypes

from db.batches import collector_paused
from db.csv_text import _NEUTRALISE, _QUOTE, CsvLines, decoded, neutralise, restore

if TYPE_CHECKING:
    from db.queries import AnySelect

__all__ = ["BATCH", "CsvLines", "json_value", "neutralise", "plain_columns", "restore",
           "snapshot", "sqlite_batches", "stream_rows", "write_csv", "write_rows"]

BATCH = 5_000  # rows per fetch
def _text_cell(value: Any) -> Any:
    """A non-str, non-int CSV cell (str and int are handled inline for speed)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float | decimal.Decimal):
        return value  # numbers stay numbers
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return "base64:" + base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, list | dict):
        return neutralise(json.dumps(value, ensure_ascii=False))
    return neutralise(str(value))


def json_value(value: Any) -> Any:
    """A JSON-ready value: ISO dates, numbers as numbers, bytes as datasette-style base64."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes | memoryview):
        return {"$base64": True, "encoded": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _json_line(columns: Sequence[str], row: Sequence[Any]) -> str:
    return json.dumps({c: json_value(v) for c, v in zip(columns, row, strict=True)},
                      ensure_ascii=False, default=str)


def write_rows(
    columns: Sequence[str], rows: Iterator[Sequence[Any]], out: IO[str], fmt: str
) -> int:
    """Write a header and ``rows`` as ``csv`` or ``jsonl``; return the row count."""
    count = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        neutral, text_cell = _NEUTRALISE, _text_cell
        quote = _QUOTE
        for row in rows:
            writer.writerow([
                (quote + v if v[:1] in neutral else v) if v.__class__ is str
                else v if v.__class__ is int
                else text_cell(v)
                for v in row
            ])
            count += 1
    elif fmt == "jsonl":
        for row in rows:
            out.write(_json_line(columns, row))
            out.write("\n")
            count += 1
    elif fmt == "json":
        out.write("[")
        for row in rows:
            out.write(",\n " if count else "\n ")
            out.write(_json_line(columns, row))
            count += 1
        out.write("\n]\n" if count else "]\n")
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return count


@contextlib.contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection in one read transaction: every query in it sees the same snapshot.

    SQLite: a WAL read transaction (the read-only engine emits a plain BEGIN);
    PostgreSQL: ``REPEATABLE READ, READ ONLY``.
    """
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ",
                                          postgresql_readonly=True)
        with conn.begin():
            yield conn


@contextlib.contextmanager
def stream_rows(engine: Engine, query: AnySelect) -> Iterator[tuple[list[str], Iterator[tuple[Any, ...]]]]:
    """``(columns, rows)`` of ``query``, rows fetched in batches from one snapshot."""
    with snapshot(engine) as conn:
        result = conn.execution_options(yield_per=BATCH).execute(query)
        yield list(result.keys()), (tuple(row) for row in result)


# --- the CSV export path: rendered a column at a time ------------------------------

def _plain_converter(col: Any, dialect: Dialect, *, text_bytes: bool = False
                     ) -> Callable[[Any], Any] | None:
    """How to turn a column's DB-API values into str/int/float cells; None: as they are.

    ``text_bytes``: SQLite's text comes as UTF-8 bytes; a column that needs converting
    (and is not binary) has its bytes decoded first.
    """
    if _as_read(col):
        return None
    kind = _impl(col.type)
    # Timestamps, JSON, booleans, bytes, untyped: the type's own result processing
    # (tz-aware UTC, parsed JSON), then a plain cell.
    processor = col.type.dialect_impl(dialect).result_processor(dialect, None)
    if text_bytes and not isinstance(kind, sqltypes._Binary):
        if processor is None:
            return lambda v: _plain(decoded(v))
        process = processor
        return lambda v: _plain(process(decoded(v)))
    if processor is None:
        return _plain
    return lambda v: _plain(processor(v))


def _as_read(col: Any) -> bool:
    """Whether SQLite's values of column ``col`` are CSV cells as they are read."""
    kind = _impl(col.type)
    if isinstance(kind, sqltypes.String | sqltypes.Integer | sqltypes.Float | sqltypes.Numeric) \
            and not isinstance(kind, sqltypes.Boolean | sqltypes.JSON):
        return True  # str, int, float (Decimal prints as a number)
    # SQLite holds a date as ISO text; str() of a date is ISO
    return isinstance(kind, sqltypes.Date) and not isinstance(kind, sqltypes.DateTime)


def plain_columns(query: AnySelect) -> bool:
    """Whether every column of ``query`` is a CSV cell as SQLite hands it over (text,
    numbers, dates): its rows need nothing but :meth:`CsvLines.encoded`."""
    return all(_as_read(col) for col in query.selected_columns)


@contextlib.contextmanager
def sqlite_batches(conn: Connection, query: AnySelect, size: int
                   ) -> Iterator[Iterator[Sequence[Sequence[Any]]]]:
    """Batches of ``size`` rows of ``query`` on a SQLite connection, straight from the
    DB-API cursor (no Row objects): the columns :func:`plain_columns` takes as read hold
    SQLite's values (a date as ISO text), the others their type's result processing."""
    processors = []
    for i, col in enumerate(query.selected_columns):
        process = None if _as_read(col) else \
            col.type.dialect_impl(conn.dialect).result_processor(conn.dialect, None)
        if process is not None:
            processors.append((i, process))
    result = conn.execute(query)
    cursor = result.cursor
    try:
        batches: Iterator[Sequence[Sequence[Any]]] = iter(lambda: cursor.fetchmany(size), [])
        if processors:
            batches = ([_convert(row, processors) for row in rows] for rows in batches)
        with collector_paused():
            yield batches
    finally:
        result.close()


def _impl(kind: Any) -> Any:
    return kind.impl_instance if isinstance(kind, TypeDecorator) else kind


def _text_as_bytes(query: AnySelect) -> bool:
    """Whether SQLite may hand ``query``'s text over as bytes: no column is untyped
    (its text and its blobs would both be bytes; a typed column knows which it holds)."""
    return not any(isinstance(_impl(col.type), sqltypes.NullType)
                   for col in query.selected_columns)


def _plain(value: Any) -> Any:
    """A str/int/float cell for ``value`` (before neutralisation)."""
    if value is None or value.__class__ in (str, int, float):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | decimal.Decimal):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return "base64:" + base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def write_csv(conn: Connection, query: AnySelect, out: IO[str], *, header: bool = True,
              check: Callable[[], None] | None = None) -> int:
    """Write ``query`` as CSV in batches (after a header row unless ``header`` is false).

    SQLite rows are read straight from the DB-API cursor (no Row objects; the
    few columns that need it get the type's own result processing), their text as
    the UTF-8 bytes SQLite holds when no column is untyped, rendered by
    :meth:`CsvLines.encoded` and written to ``out``'s binary buffer (``out`` is
    flushed first), so the text is never decoded nor encoded. PostgreSQL rows
    come through a server-side cursor as SQLAlchemy processed them.
    ``check`` is called before each batch; it may raise to abandon the export.
    """
    if conn.dialect.name == "postgresql":
        return _write_csv_rows(conn, query, out, header=header, check=check)
    with collector_paused():
        return _write_sqlite(conn, query, out, header=header, check=check)


def _write_sqlite(conn: Connection, query: AnySelect, out: IO[str], *, header: bool,
                  check: Callable[[], None] | None) -> int:
    dbapi = conn.connection.dbapi_connection
    text_bytes = _text_as_bytes(query) and dbapi is not None
    plan = [_plain_converter(col, conn.dialect, text_bytes=text_bytes)
            for col in query.selected_columns]
    converters = [(i, f) for i, f in enumerate(plan) if f is not None]
    lines = CsvLines()
    if text_bytes:
        sink = _binary_sink(out)

        def write_header(names: list[str]) -> None:
            sink(lines.chunk([names]).encode())

        def write_rows(rows: Sequence[Sequence[Any]]) -> None:
            sink(lines.encoded(rows))
    else:
        def write_header(names: list[str]) -> None:
            out.write(lines.chunk([names]))

        def write_rows(rows: Sequence[Sequence[Any]]) -> None:
            out.write(lines.chunk(rows))
    with _text_factory(dbapi if text_bytes else None, bytes):
        result = conn.execute(query)
        cursor = result.cursor
        try:
            if header:
                write_header(list(result.keys()))
            return _write_batches(iter(lambda: cursor.fetchmany(BATCH), []), converters,
                                  write_rows, check)
        finally:
            result.close()


@contextlib.contextmanager
def _text_factory(dbapi: Any, factory: Callable[[bytes], Any]) -> Iterator[None]:
    """While inside: ``dbapi`` (a sqlite3 connection; None: nothing to do) builds text
    cells with ``factory``; its own factory is back after, also on failure."""
    if dbapi is None:
        yield
        return
    previous = dbapi.text_factory
    dbapi.text_factory = factory
    try:
        yield
    finally:
        dbapi.text_factory = previous


def _binary_sink(out: IO[str]) -> Callable[[bytes], Any]:
    """A function writing UTF-8 bytes to ``out``: to its binary buffer (after flushing the
    text already written) when ``out`` writes plain UTF-8, else decoded and written as text
    (a text-only stream, or another encoding, ``utf-8-sig`` included, which then applies)."""
    buffer = getattr(out, "buffer", None)
    if buffer is None or not _plain_utf8(getattr(out, "encoding", None)):
        return lambda data: out.write(data.decode("utf-8", "surrogateescape"))
    out.flush()
    return buffer.write  # type: ignore[no-any-return]


def _plain_utf8(encoding: str | None) -> bool:
    try:
        return encoding is not None and codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def _write_batches(batches: Iterator[Sequence[Sequence[Any]]],
                   converters: Sequence[tuple[int, Callable[[Any], Any]]],
                   write: Callable[[Sequence[Sequence[Any]]], Any],
                   check: Callable[[], None] | None) -> int:
    count = 0
    for batch in batches:
        if check is not None:
            check()
        if converters:
            batch = [_convert(row, converters) for row in batch]
        write(batch)
        count += len(batch)
    return count


def _write_csv_rows(conn: Connection, query: AnySelect, out: IO[str], *, header: bool,
                    check: Callable[[], None] | None) -> int:
    """PostgreSQL: rows as SQLAlchemy processed them, through a server-side cursor."""
    plan = [_plain_converter(col, conn.dialect) for col in query.selected_columns]
    converters = [(i, _plain) for i, f in enumerate(plan) if f is not None]
    result = conn.execution_options(yield_per=BATCH).execute(query)
    try:
        lines = CsvLines()
        if header:
            out.write(lines.chunk([list(result.keys())]))
        return _write_batches(result.partitions(), converters,
                              lambda rows: out.write(lines.chunk(rows)), check)
    finally:
        result.close()


def _convert(row: Sequence[Any], converters: Sequence[tuple[int, Callable[[Any], Any]]]
             ) -> list[Any]:
    cells = list(row)
    for i, convert in converters:
        cells[i] = convert(cells[i])
    return cells
