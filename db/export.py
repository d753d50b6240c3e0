"""Exports to files or stdout, as CSV or JSON Lines, in constant memory.

* Atomic files: rows go to an unnamed temporary file in the target's directory
  (``O_TMPFILE``; elsewhere a hidden ``.NAME.*.part`` file), which is fsynced
  and only then linked and renamed over the target. A killed export leaves the
  old file (or none), never a truncated one.
* One snapshot and faithful CSV: the rows are rendered by :mod:`db.rows`.
* Two processes for large SQLite CSV exports (:func:`export_named`): an export
  ordered by a table's id is split at a middle id; this process and a worker
  process each render one half, both reading one snapshot (a writable
  connection holds the write lock until both read transactions have begun), and
  the worker's half is appended to the temporary file before it is renamed.
  The bytes are those of the single-process export (:mod:`db.export_parallel`).
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from sqlalchemy import Engine

from db.output_path import replaceable_file
from db.rows import snapshot, stream_rows, write_csv, write_rows

if TYPE_CHECKING:
    from db.export_parallel import Worker
    from db.queries import AnySelect, ExportFilters


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
