"""Streaming exports to CSV (RFC 4180, UTF-8) and JSON Lines, in constant memory.

Rows are read in batches inside one read transaction (one consistent snapshot
while crawls write). Files are written to a temporary file beside the target,
fsynced and renamed, so a killed export never leaves a truncated file.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, Select

BATCH = 2_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\x00")


def neutralise(value: str) -> str:
    """Prefix a cell that a spreadsheet would read as a formula with ``'`` (OWASP CSV injection)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return neutralise(json.dumps(value, ensure_ascii=False))
    return value  # numbers stay numbers


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def stream_rows(engine: Engine, query: Select) -> Iterator[tuple[Sequence[str], Iterator[Sequence[Any]]]]:  # type: ignore[type-arg]
    """Yield ``(columns, rows)`` once, rows fetched in batches in one read transaction."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            result = conn.execution_options(yield_per=BATCH).execute(query)
            yield list(result.keys()), (tuple(row) for row in result)


def write_rows(
    columns: Sequence[str], rows: Iterator[Sequence[Any]], out: IO[str], fmt: str
) -> int:
    count = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(v) for v in row])
            count += 1
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps({c: _json_value(v) for c, v in zip(columns, row, strict=True)},
                                 ensure_ascii=False))
            out.write("\n")
            count += 1
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return count


@contextlib.contextmanager
def atomic_output(path: str | None, *, bom: bool = False) -> Iterator[IO[str]]:
    """A text stream to ``path`` (atomically replaced on success) or to stdout."""
    if path is None or path == "-":
        if bom:
            sys.stdout.write("\ufeff")
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def export(engine: Engine, query: Select, *, fmt: str, path: str | None,  # type: ignore[type-arg]
           bom: bool = False) -> int:
    """Write ``query``'s rows to ``path`` (or stdout) as ``fmt``; return the row count."""
    with atomic_output(path, bom=bom) as out:
        for columns, rows in stream_rows(engine, query):
            return write_rows(columns, rows, out, fmt)
    return 0
