"""Exports as Apache Parquet: typed columns, row groups written as they are read.

Column types come from the query's SQLAlchemy types (ids and counts ``int64``,
dates ``date32``, timestamps ``timestamp[us, UTC]``, booleans ``bool``, JSON
as its text); an untyped column (a view's) takes its type from a hint, the
codebook's type name (``integer``, ``date``, ``timestamp``, ``boolean`` ...).
Rows are fetched ``batch`` at a time from one snapshot (:func:`db.rows.snapshot`)
and each batch becomes one row group, so memory does not grow with the table.
Each field carries its codebook description as field metadata
(``description``); the file is replaced atomically (:mod:`db.atomic`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Engine, TypeDecorator
from sqlalchemy.sql import sqltypes

from db.atomic import replace_when_done
from db.queries import AnySelect
from db.rows import snapshot, sqlite_batches

BATCH = 50_000  # rows per row group
TEXT_BATCH = 2_000  # ... when a row holds a release's text: a few MB per row group
COMPRESSION = "zstd"

INT = pa.int64()
FLOAT = pa.float64()
BOOL = pa.bool_()
DATE = pa.date32()
TIMESTAMP = pa.timestamp("us", tz="UTC")
STRING = pa.string()
BINARY = pa.binary()

# The codebook's type names (docs/schema.md, the "type" column), for untyped columns.
_HINTS: tuple[tuple[str, pa.DataType], ...] = (
    ("integer", INT), ("bigint", INT), ("int", INT), ("boolean", BOOL), ("bool", BOOL),
    ("timestamp", TIMESTAMP), ("date", DATE), ("float", FLOAT), ("real", FLOAT),
    ("double", FLOAT), ("numeric", FLOAT), ("blob", BINARY), ("bytes", BINARY),
)


def hint_type(hint: str | None) -> pa.DataType:
    """The Arrow type for a codebook type name; text for anything else (varchar, json)."""
    word = (hint or "").strip().strip("`").lower()
    for prefix, kind in _HINTS:
        if word.startswith(prefix):
            return kind
    return STRING


def sql_type(kind: Any, hint: str | None = None) -> pa.DataType:
    """The Arrow type of a column of SQLAlchemy type ``kind``."""
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, sqltypes.Boolean):
        return BOOL
    if isinstance(kind, sqltypes.JSON):
        return STRING
    if isinstance(kind, sqltypes.Integer):
        return INT
    if isinstance(kind, sqltypes.Float | sqltypes.Numeric):
        return FLOAT
    if isinstance(kind, sqltypes.DateTime):
        return TIMESTAMP
    if isinstance(kind, sqltypes.Date):
        return DATE
    if isinstance(kind, sqltypes._Binary):
        return BINARY
    if isinstance(kind, sqltypes.String):
        return STRING
    return hint_type(hint)


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _to_timestamp(value: Any) -> dt.datetime:
    stamp = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp.astimezone(dt.UTC)


def _to_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def _to_int(value: Any) -> int:
    return int(value)


def _to_float(value: Any) -> float:
    return float(value)


def _to_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "t", "yes")
    return bool(value)


def _to_bytes(value: Any) -> bytes:
    return bytes(value)


def converter(kind: pa.DataType) -> Callable[[Any], Any]:
    """A function making a DB-API value fit for an Arrow array of type ``kind`` (not None)."""
    if kind == INT:
        return _to_int
    if kind == FLOAT:
        return _to_float
    if kind == BOOL:
        return _to_bool
    if kind == DATE:
        return _to_date
    if kind == TIMESTAMP:
        return _to_timestamp
    if kind == BINARY:
        return _to_bytes
    return _to_text


def schema(columns: Sequence[tuple[str, pa.DataType]], descriptions: Mapping[str, str],
           metadata: Mapping[str, str] | None = None) -> pa.Schema:
    """An Arrow schema whose fields carry their ``descriptions`` as field metadata."""
    fields = [
        pa.field(name, kind, nullable=True,
                 metadata={"description": descriptions[name]} if descriptions.get(name) else None)
        for name, kind in columns
    ]
    return pa.schema(fields, metadata=dict(metadata or {}))


def query_columns(query: AnySelect, hints: Mapping[str, str] | None = None
                  ) -> list[tuple[str, pa.DataType]]:
    """``(name, Arrow type)`` of each column ``query`` selects."""
    hints = hints or {}
    return [(col.name, sql_type(col.type, hints.get(col.name)))
            for col in query.selected_columns]


def _long(kind: Any) -> bool:
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    return isinstance(kind, sqltypes.Text | sqltypes._Binary)


_NONE = type(None)
# Arrow types whose converter returns a value of these classes as it is.
_AS_IS = ((STRING, frozenset({str, _NONE})), (INT, frozenset({int, _NONE})),
          (FLOAT, frozenset({float, _NONE})))
_TEXT_OR_NONE = frozenset({str, _NONE})


def _array(kind: pa.DataType, fix: Callable[[Any], Any], values: Sequence[Any]) -> pa.Array:
    """The Arrow array of one column: handed to Arrow as it is when the converter would
    return every value unchanged, ISO dates parsed by Arrow, else value by value."""
    classes = set(map(type, values))
    for arrow_kind, unchanged in _AS_IS:
        if kind == arrow_kind and classes <= unchanged:
            return pa.array(values, type=kind)
    if kind == DATE and classes <= _TEXT_OR_NONE:
        with contextlib.suppress(pa.ArrowInvalid):  # not all YYYY-MM-DD: as _to_date does
            return pa.array(values, type=STRING).cast(DATE)
    return pa.array([None if v is None else fix(v) for v in values], type=kind)


def _record_batch(arrow: pa.Schema, convert: Sequence[Callable[[Any], Any]],
                  rows: Sequence[Sequence[Any]]) -> pa.RecordBatch:
    columns = zip(*rows, strict=True)
    arrays = [_array(field.type, fix, values)
              for field, fix, values in zip(arrow, convert, columns, strict=True)]
    return pa.RecordBatch.from_arrays(arrays, schema=arrow)


def write_parquet(path: str | Path, arrow: pa.Schema,
                  batches: Iterable[Sequence[Sequence[Any]]]) -> int:
    """Write ``batches`` of rows (one row group each) to ``path`` atomically; the row count."""
    convert = [converter(field.type) for field in arrow]
    count = 0
    with replace_when_done(path) as temp, \
            pq.ParquetWriter(temp, arrow, compression=COMPRESSION) as writer:
        for rows in batches:
            if not rows:
                continue
            writer.write_batch(_record_batch(arrow, convert, rows), row_group_size=len(rows))
            count += len(rows)
    return count




def export_parquet(engine: Engine, query: AnySelect, path: str | Path, *,
                   descriptions: Mapping[str, str] | None = None,
                   hints: Mapping[str, str] | None = None,
                   metadata: Mapping[str, str] | None = None,
                   batch: int | None = None) -> int:
    """Write ``query``'s rows to the Parquet file ``path``, ``batch`` rows per row group
    (default :data:`BATCH`, or :data:`TEXT_BATCH` when a column holds long text or bytes)."""
    if batch is None:
        batch = TEXT_BATCH if any(_long(col.type) for col in query.selected_columns) else BATCH
    arrow = schema(query_columns(query, hints), descriptions or {}, metadata)
    with snapshot(engine) as conn:
        if conn.dialect.name == "sqlite":  # the DB-API rows, typed by the converters
            with sqlite_batches(conn, query, batch) as batches:
                return write_parquet(path, arrow, batches)
        result = conn.execution_options(yield_per=batch).execute(query)
        try:
            return write_parquet(path, arrow, result.partitions(batch))
        finally:
            result.close()
