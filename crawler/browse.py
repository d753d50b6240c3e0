"""``mfa-archive browse``: the archive in Datasette, read-only, on 127.0.0.1.

Datasette (the ``browse`` extra) serves a SQLite archive in immutable mode
(``-i``). The codebook, ``docs/schema.md`` (shipped in the package as
``db/schema.md``, read with :mod:`importlib.resources`, so an installed
package finds it too), becomes the table and column descriptions, and three
canned queries are added: meetings between two countries, statements by a
person, a ministry's meetings per month. The search box of ``documents`` and
``statements`` uses their full-text tables; the crawl's bookkeeping tables
are hidden; :mod:`crawler.browse_site` adds a page per release, a ranked
search page and a home page that starts with the records.

Caveats:

* Immutable mode reads only the main database file, not SQLite's write-ahead
  log, so the log is checkpointed into the file first. If a crawl is writing
  and the checkpoint cannot finish, a consistent snapshot copy is served
  instead. Either way the browser shows the archive as of its start.
* Datasette reads SQLite only: a PostgreSQL archive is refused with one line.
"""

from __future__ import annotations

import contextlib
import importlib.resources
import importlib.util
import json
import re
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from pathlib import Path
from types import FrameType
from typing import Any

from db import sqlite_files
from db.queries import CANNED_QUERIES

CODEBOOK: Traversable = importlib.resources.files("db").joinpath("schema.md")
SITE: Traversable = importlib.resources.files("crawler.browse_site")
# The crawl's bookkeeping: hidden from the home and database pages (?_show_hidden=1 lists them).
HIDDEN = ("frontier", "crawl_errors", "crawl_runs", "warc_files", "alembic_version",
          "encounter_runs")
# Datasette's search box: the FTS5 table of each searchable table (migration search_fulltext).
SEARCHABLE = {"documents": "documents_search", "statements": "statements_search"}
LABELS = {"documents": "title", "persons": "name", "sources": "key"}


_HEADING = re.compile(r"^###\s+`(?P<name>[A-Za-z_][A-Za-z0-9_]*)`\s+\((?P<kind>table|view)\)\s*$")
_ROW = re.compile(r"^\|\s*`(?P<name>[A-Za-z_][A-Za-z0-9_]*)`\s*\|(?P<rest>.*)\|\s*$")


class BrowseError(Exception):
    """The archive cannot be browsed (not SQLite, Datasette missing)."""


@dataclass(slots=True)
class CodebookEntry:
    """One table or view of the codebook: its description and ``{column: (type, meaning, example)}``."""

    kind: str
    description: str = ""
    columns: dict[str, tuple[str, str, str]] = field(default_factory=dict)


def read_codebook(path: Traversable | Path = CODEBOOK) -> dict[str, CodebookEntry]:
    """Parse ``docs/schema.md``: ``### `name` (table|view)``, a paragraph, a column table."""
    entries: dict[str, CodebookEntry] = {}
    current: CodebookEntry | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := _HEADING.match(line):
            current = entries.setdefault(match["name"], CodebookEntry(match["kind"]))
        elif line.startswith("#"):
            current = None
        elif current is not None and (match := _ROW.match(line)):
            cells = [cell.strip() for cell in match["rest"].split(" | ")]
            cells += [""] * (3 - len(cells))
            current.columns[match["name"]] = (cells[0], cells[1], " | ".join(cells[2:]))
        elif current is not None and line.strip() and not line.startswith("|"):
            current.description = f"{current.description} {line.strip()}".strip()
    return entries


def metadata(database: str, codebook: dict[str, CodebookEntry]) -> dict[str, Any]:
    """Datasette metadata: descriptions from the codebook, and the canned queries."""
    tables: dict[str, dict[str, Any]] = {
        name: {
            "description": entry.description,
            "columns": {column: meaning for column, (_, meaning, _) in entry.columns.items()},
        }
        for name, entry in codebook.items()
    }
    for name in HIDDEN:
        tables.setdefault(name, {})["hidden"] = True
    for name, fts in SEARCHABLE.items():
        tables.setdefault(name, {}).update(fts_table=fts, fts_pk="id")
    for name, label in LABELS.items():
        tables.setdefault(name, {})["label_column"] = label
    return {
        "title": "mfa-archive",
        "description": "Foreign ministries' press releases as meetings and statements "
                       "(read-only). The codebook of every table, view and column: "
                       "/-/codebook; each release's page: /-/release/ID.",
        "databases": {database: {"tables": tables, "queries": CANNED_QUERIES}},
    }


def sqlite_path(url: str) -> Path:
    """The file behind a ``sqlite:///`` URL; :class:`BrowseError` for anything else."""
    from db import urls
    from db.errors import ArchiveDatabaseError

    try:
        sqlite = urls.is_sqlite(url)
    except ArchiveDatabaseError as exc:
        raise BrowseError(str(exc)) from exc
    if not sqlite:
        raise BrowseError("browse serves SQLite archives only (Datasette cannot read "
                          "PostgreSQL); use `mfa-archive query` or `export` instead")
    database = urls.sqlite_database(url)
    if database is None:
        raise BrowseError("browse needs an archive file, not an in-memory database")
    return Path(database)


def command(path: Path, metadata_path: Path, *, port: int, open_browser: bool,
            site: Path | None = None) -> list[str]:
    args = [sys.executable, "-m", "datasette", "serve", "-i", str(path),
            "--host", "127.0.0.1", "--port", str(port), "--metadata", str(metadata_path),
            *(["--template-dir", str(site / "templates"), "--plugins-dir",
               str(site / "plugins")] if site is not None else []),
            "--setting", "sql_time_limit_ms", "5000",
            "--setting", "max_returned_rows", "1000"]
    return [*args, "--open"] if open_browser else args


def serve(path: Path, *, port: int, open_browser: bool = False,
          codebook: Traversable | Path = CODEBOOK) -> int:
    """Run Datasette on ``path`` until it stops; return its exit code."""
    if importlib.util.find_spec("datasette") is None:
        raise BrowseError("Datasette is not installed: pip install 'mfa-archive[browse]'")
    entries = read_codebook(codebook) if codebook.is_file() else {}
    with tempfile.TemporaryDirectory(prefix="mfa-browse-") as tmp, \
            importlib.resources.as_file(SITE) as site:
        directory = Path(tmp)
        served = path
        if not sqlite_files.checkpoint(path):
            print("the archive is being written to: serving a snapshot copy", file=sys.stderr)
            served = sqlite_files.snapshot_copy(path, directory)
        meta = directory / "metadata.json"
        meta.write_text(json.dumps(metadata(served.stem, entries), indent=1), encoding="utf-8")
        proc = subprocess.Popen(command(served, meta, port=port, open_browser=open_browser,
                                        site=site))

        def forward(signum: int, _frame: FrameType | None) -> None:
            proc.send_signal(signum)

        previous = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGHUP)}
        try:
            while True:
                with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C reaches Datasette too
                    return proc.wait()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=10)
