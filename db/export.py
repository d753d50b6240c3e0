"""Streaming exports to CSV (RFC 4180, UTF-8) and JSON Lines, in constant memory.

* One snapshot: rows are read in batches inside one read transaction (SQLite:
  a WAL read transaction; PostgreSQL: ``REPEATABLE READ, READ ONLY`` with a
  server-side cursor), so crawls writing meanwhile never show through.
* Atomic files: rows go to an unnamed temporary file in the target's directory
  (``O_TMPFILE``; elsewhere a hidden ``.NAME.*.part`` file), which is fsynced
  and only then linked and renamed over the target. A killed export leaves the
  old file (or none), never a truncated one.
* Faithful CSV: ``\\r\\n`` line ends, minimal RFC 4180 quoting, NULL as an empty
  cell, numbers unquoted. A text cell that a spreadsheet would run as a formula
  (it starts with ``= + - @``, TAB, CR or NUL) gets a leading ``'``; so does a
  text cell that already starts with ``'``, which makes the rule reversible
  (:func:`restore`). JSON Lines cells are never altered.
* Two processes for large SQLite CSV exports (:func:`export_named`): an export
  ordered by a table's id is split at a middle id; this process and a worker
  process each render one half, both reading one snapshot (a writable
  connection holds the write lock until both read transactions have begun), and
  the worker's half is appended to the temporary file before it is renamed.
  The bytes are those of the single-process export (:mod:`db.export_parallel`).
"""

from __future__ import annotations

import base64
import bisect
import contextlib
import csv
import datetime as dt
import decimal
import io
import itertools
import json
import os
import re
import secrets
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import sqltypes

if TYPE_CHECKING:
    from db.export_parallel import Worker
    from db.queries import AnySelect, ExportFilters

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


# --- the CSV export path: the csv module renders, formula cells are re-rendered -------

# A field that starts with a formula character, as csv.writer renders it (maybe quoted):
# after a comma, after a line end, or at the start of the text. Inside a quoted field
# this can match too; that row is then merely rendered again, cell by cell.
_FORMULA_FIELD = re.compile("[,\n]\"?[=+\\-@\t\r\x00']")
_FORMULA_START = re.compile("\"?[=+\\-@\t\r\x00']")


class _Sink:
    write: Callable[[str], Any]


class CsvLines:
    """Render rows as RFC 4180 CSV text, neutralising formula cells (:func:`neutralise`).

    ``csv.writer`` renders a whole batch in one call; only a batch in which some
    field starts with a formula character is looked at row by row, and only
    those rows are rendered again with their text cells neutralised.
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        sink = _Sink()
        sink.write = self._parts.append  # csv.writer writes each row with one call
        self._writer = csv.writer(sink, lineterminator="\r\n")

    def chunk(self, rows: Sequence[Sequence[Any]]) -> str:
        """The CSV text of ``rows`` (cells: str, int, float, None)."""
        parts = self._parts
        self._writer.writerows(rows)
        text = "".join(parts)
        starts = [m.start() + 1 for m in _FORMULA_FIELD.finditer(text)]
        if _FORMULA_START.match(text):
            starts.append(0)
        if starts:  # the rows holding those field starts: line i spans ends[i-1]..ends[i]
            ends = list(itertools.accumulate(map(len, parts)))
            for i in {bisect.bisect_right(ends, start) for start in starts}:
                parts[i] = self.careful(rows[i])
            text = "".join(parts)
        parts.clear()
        return text

    def careful(self, row: Sequence[Any]) -> str:
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


@contextlib.contextmanager
def stdout_text(*, bom: bool = False) -> Iterator[IO[str]]:
    """Standard output as UTF-8 text without newline translation (CSV writes ``\\r\\n``)."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream (some test runners)
        if bom:
            sys.stdout.write("\ufeff")
        yield sys.stdout
        sys.stdout.flush()
        return
    out = io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=False)
    try:
        if bom:
            out.write("\ufeff")
        yield out
    finally:
        with contextlib.suppress(ValueError, BrokenPipeError):
            out.flush()
        out.detach()


def _unnamed_file(directory: Path) -> int | None:
    """An unnamed file in ``directory`` (Linux ``O_TMPFILE``), or None where unsupported."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        return os.open(directory, flag | os.O_WRONLY, 0o666)  # umask applies
    except OSError:
        return None


def _link_unnamed(fd: int, directory: Path, name: Path) -> None:
    """Give an ``O_TMPFILE`` file a name: linkat(AT_SYMLINK_FOLLOW) on its /proc path.

    A directory fd is passed only so that Python calls linkat(), which follows the
    /proc symlink; plain link() would try to link the symlink itself.
    """
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.link(f"/proc/self/fd/{fd}", name, src_dir_fd=dir_fd, follow_symlinks=True)
    finally:
        os.close(dir_fd)


def _temp_name(directory: Path, name: str) -> Path:
    return directory / f".{name}.{secrets.token_hex(6)}.part"


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def replaceable_file(path: str | None) -> Path | None:
    """Where an export to ``path`` is written atomically (temporary file, then rename):
    the real path of a regular file or of a new one (a symlink is followed, so it stays a
    link to the new file). None for stdout (``-``) and for what is neither: a FIFO, a
    device, a terminal, a socket get the rows streamed into them, and stay what they are."""
    if path is None or path == "-":
        return None
    try:
        mode = os.stat(path).st_mode  # what the path (or the end of its links) is
    except FileNotFoundError:
        return Path(os.path.realpath(path))
    return Path(os.path.realpath(path)) if stat.S_ISREG(mode) else None


@contextlib.contextmanager
def atomic_output(path: str | None, *, bom: bool = False) -> Iterator[IO[str]]:
    """A UTF-8 text stream to ``path`` (a regular file or a new one is replaced
    atomically on success; anything else is written to in place) or to stdout."""
    if path is None or path == "-":
        with stdout_text(bom=bom) as out:
            yield out
        return
    replaceable = replaceable_file(path)
    if replaceable is None:  # a FIFO, a device, /dev/stdout ...: stream into it
        with open(path, "w", encoding="utf-8", newline="") as out:
            if bom:
                out.write("\ufeff")
            yield out
        return
    target = replaceable
    directory = target.parent
    directory.mkdir(parents=True, exist_ok=True)
    fd = _unnamed_file(directory)
    named: Path | None = None
    if fd is None:
        named = _temp_name(directory, target.name)
        fd = os.open(named, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            if bom:
                out.write("\ufeff")
            yield out
            out.flush()
            os.fsync(out.fileno())
            if named is None:  # name the file only now that it is complete
                named = _temp_name(directory, target.name)
                _link_unnamed(out.fileno(), directory, named)
            os.replace(named, target)
            named = None
        _fsync_dir(directory)
    finally:
        if named is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(named)


def export_named(engine: Engine, name: str, filters: ExportFilters, *, fmt: str,
                 path: str | None, bom: bool = False, worker: Worker | None = None) -> int:
    """Write export ``name`` (``mfa-archive export NAME``) to ``path`` (or stdout) as ``fmt``.

    A large SQLite CSV export to a file runs in two processes over one snapshot
    (:mod:`db.export_parallel`; ``worker``: one from :func:`db.export_parallel.prestart`,
    closed here); everything else is :func:`export`.
    """
    from db import export_parallel, queries

    try:
        query = queries.export_select(name, filters, engine.dialect.name)
        split = export_parallel.plan(engine, query, path) if fmt == "csv" else None
        if split is None:
            if worker is not None:
                worker.close()
            return export(engine, query, fmt=fmt, path=path, bom=bom)
        with atomic_output(path, bom=bom) as out:
            return export_parallel.export_csv(engine, split, name, filters, query, out,
                                              worker=worker)
    finally:
        if worker is not None:
            worker.close()


def export(engine: Engine, query: AnySelect, *, fmt: str, path: str | None,
           bom: bool = False) -> int:
    """Write ``query``'s rows to ``path`` (or stdout) as ``fmt``; return the row count."""
    with atomic_output(path, bom=bom) as out:
        if fmt == "csv":
            with snapshot(engine) as conn:
                return write_csv(conn, query, out)
        with stream_rows(engine, query) as (columns, rows):
            return write_rows(columns, rows, out, fmt)
