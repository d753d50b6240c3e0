"""A SQLite archive as a file: move its write-ahead log into it, or copy a consistent snapshot.

For readers that open the file themselves (Datasette in immutable mode reads
the main file only, never the log).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


def checkpoint(path: Path) -> bool:
    """Move the write-ahead log into the database file; False if a writer kept it busy."""
    conn = sqlite3.connect(path, timeout=5)
    try:
        busy, log, done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        conn.close()
    return bool(busy == 0 and (log == -1 or log == done))


def snapshot_copy(path: Path, directory: Path) -> Path:
    """A consistent copy of the archive in ``directory`` (SQLite's backup API, one read
    transaction), in rollback-journal mode so that it is one self-contained file."""
    copy = directory / path.name
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    target = sqlite3.connect(copy)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
        source.close()
    return copy
