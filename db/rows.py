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
import contextlib
import csv
import datetime as dt
import decimal
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import itemgetter
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import sqltypes

if TYPE_CHECKING:
    from db.queries import AnySelect

BATCH = 5_000
_QUOTE = "'"
_NEUTRALISE = frozenset("=+-@\t\r\x00'")


def neutralise(value: str) -> str:
    """Prefix a text cell a spreadsheet would read as a formula with ``'`` (OWASP CSV injection).

    Cells already starting with ``'`` get one too, so :func:`restore` undoes it exactly.
    """
    return _QUOTE + value if value[:1] in _NEUTRALISE else value


def restore(cell: str) -> str:
    """Undo :func:`neutralise`: the text the database holds for an exported CSV cell."""
    return cell[1:] if cell[:1] == _QUOTE else cell


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

# Joins a text column's cells so that each cell after the first starts right after it;
# it may occur in a cell too: a check on the joined text then only errs on the safe side.
_SEP = "\x1e"
_NEUTRALISE_ORDER = tuple(sorted(_NEUTRALISE))
_STR = str
_NUMBERS = frozenset({int, float})
_NUMBERS_OR_NONE = frozenset({int, float, type(None)})


def _quoted(value: str) -> str:
    """``value`` as one CSV field: quoted (quotes doubled) if it holds , " CR or LF,
    as csv.writer's minimal quoting does (:func:`_text_column` inlines this)."""
    if "," in value or '"' in value or "\r" in value or "\n" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def _field(value: Any) -> str:
    """Any cell as csv.writer renders it after :func:`neutralise` (a str cell only)."""
    if value is None:
        return ""
    kind = value.__class__
    if kind is _STR:
        return _quoted(_QUOTE + value if value[:1] in _NEUTRALISE else value)
    if isinstance(value, str):  # a subclass: its characters, as csv.writer takes them
        return _quoted(str.__str__(value))
    return _quoted(repr(value) if isinstance(value, float) else str(value))


def _text_column(cells: list[str]) -> list[str]:
    """A column of str cells as CSV fields: neutralised, quoted where needed.

    Both are decided on the column joined into one string (each check a fast
    substring search), so a column needing neither costs one join and a few scans.
    """
    joined = _SEP.join(cells)
    if joined[:1] in _NEUTRALISE or any(c in joined and _SEP + c in joined
                                        for c in _NEUTRALISE_ORDER):
        cells = [_QUOTE + v if v[:1] in _NEUTRALISE else v for v in cells]
    if not ("," in joined or '"' in joined or "\r" in joined or "\n" in joined):
        return cells  # (a leading ' needs no quotes)
    return [('"' + v.replace('"', '""') + '"')
            if ("," in v or '"' in v or "\r" in v or "\n" in v) else v for v in cells]


def _column(cells: list[Any]) -> Iterable[str]:
    kinds = set(map(type, cells))
    if kinds <= _NUMBERS:  # str() of an int, repr() == str() of a float: as csv.writer
        return map(str, cells)
    if len(kinds) == 1 and _STR in kinds:
        return _text_column(cells)
    if kinds <= _NUMBERS_OR_NONE:
        return ["" if v is None else str(v) for v in cells]
    return list(map(_field, cells))


class _Sink:
    write: Callable[[str], Any]


class CsvLines:
    """Render rows as RFC 4180 CSV text, neutralising formula cells (:func:`neutralise`).

    The text is what ``csv.writer(lineterminator="\\r\\n")`` writes for the rows
    with their str cells neutralised, built a column at a time: a column of numbers
    is converted in one ``map``, a column of text is checked for cells that need
    a quote or a ``'`` on its joined text, and only such a column is looked at
    cell by cell; the lines are then joined in C.
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        sink = _Sink()
        sink.write = self._parts.append  # csv.writer writes each row with one call
        self._writer = csv.writer(sink, lineterminator="\r\n")

    def chunk(self, rows: Sequence[Sequence[Any]]) -> str:
        """The CSV text of ``rows`` (cells: str, int, float, None; anything else as csv.writer)."""
        if not rows:
            return ""
        widths = set(map(len, rows))
        width = len(rows[0])
        if len(widths) != 1 or width < 2:  # ragged rows; one cell, where "" is written '""'
            return "".join(self.careful(row) for row in rows)
        columns = [_column(list(map(itemgetter(i), rows))) for i in range(width)]
        return "\r\n".join(map(",".join, zip(*columns, strict=True))) + "\r\n"

    def careful(self, row: Sequence[Any]) -> str:
        """One row through csv.writer itself, its str cells neutralised."""
        parts = self._parts
        mark = len(parts)
        self._writer.writerow([neutralise(v) if v.__class__ is str else v for v in row])
        return parts.pop(mark)


def _plain_converter(col: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    """How to turn a column's DB-API values into str/int/float cells; None: as they are."""
    kind = col.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, sqltypes.String | sqltypes.Integer | sqltypes.Float | sqltypes.Numeric) \
            and not isinstance(kind, sqltypes.Boolean | sqltypes.JSON):
        return None  # str, int, float (Decimal prints as a number)
    if isinstance(kind, sqltypes.Date) and not isinstance(kind, sqltypes.DateTime):
        return None  # SQLite holds ISO text; str() of a date is ISO
    # Timestamps, JSON, booleans, bytes, untyped: the type's own result processing
    # (tz-aware UTC, parsed JSON), then a plain cell.
    processor = col.type.dialect_impl(dialect).result_processor(dialect, None)
    if processor is None:
        return _plain
    return lambda v: _plain(processor(v))


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
    few columns that need it get the type's own result processing). PostgreSQL
    rows come through a server-side cursor as SQLAlchemy processed them.
    ``check`` is called before each batch; it may raise to abandon the export.
    """
    postgres = conn.dialect.name == "postgresql"
    plan = [_plain_converter(col, conn.dialect) for col in query.selected_columns]
    converters: list[tuple[int, Callable[[Any], Any]]]
    batches: Iterator[Sequence[Sequence[Any]]]
    if postgres:
        result = conn.execution_options(yield_per=BATCH).execute(query)
        batches = result.partitions()
        converters = [(i, _plain) for i, f in enumerate(plan) if f is not None]
    else:
        result = conn.execute(query)
        cursor = result.cursor
        batches = iter(lambda: cursor.fetchmany(BATCH), [])
        converters = [(i, f) for i, f in enumerate(plan) if f is not None]
    try:
        lines = CsvLines()
        if header:
            out.write(lines.chunk([list(result.keys())]))
        count = 0
        for batch in batches:
            if check is not None:
                check()
            if converters:
                batch = [_convert(row, converters) for row in batch]
            out.write(lines.chunk(batch))
            count += len(batch)
    finally:
        result.close()
    return count


def _convert(row: Sequence[Any], converters: list[tuple[int, Callable[[Any], Any]]]) -> list[Any]:
    cells = list(row)
    for i, convert in converters:
        cells[i] = convert(cells[i])
    return cells
