"""What ``mfa-archive export`` does beyond CSV and JSON: Parquet, events, encounters and WARC.

The command (crawler/cli.py) stays a thin layer: it calls :func:`run_export`.
Parquet fields get their meaning from the codebook (docs/schema.md): an export
column is looked up in its table's or view's section (``meeting_id`` in the
``meetings`` export is ``meetings.id``), then under the same name in the views
and tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.browse import CodebookEntry
    from db.export_parallel import Worker
    from db.queries import ExportFilters
    from db.session import Engine

# The table an export's columns come from, and the name its id goes by in the export.
_TABLE_OF = {"documents": ("documents", "document_id"), "meetings": ("meetings", "meeting_id"),
             "participants": ("participants", None), "statements": ("statements", "statement_id"),
             "persons": ("persons", "person_id"), "crawl_runs": ("crawl_runs", "run_id")}


class ExportRefused(Exception):
    """The export cannot be made as asked (a user error: one line)."""


def column_docs(codebook: Mapping[str, CodebookEntry], name: str,
                columns: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """``({column: meaning}, {column: codebook type})`` for export ``name``'s columns."""
    table, id_alias = _TABLE_OF.get(name, (name, None))
    order = [table] + [n for n, e in codebook.items() if e.kind == "view" and n != table] \
        + [n for n, e in codebook.items() if e.kind == "table" and n != table]
    meanings: dict[str, str] = {}
    types: dict[str, str] = {}
    for column in columns:
        wanted = "id" if column == id_alias else column
        for entry_name in order:
            entry = codebook.get(entry_name)
            if entry is not None and wanted in entry.columns:
                kind, meaning, _ = entry.columns[wanted]
                meanings[column] = meaning
                types[column] = kind.strip("`")
                break
    return meanings, types


def _codebook() -> Mapping[str, CodebookEntry]:
    from crawler.browse import read_codebook

    try:
        return read_codebook()
    except OSError:  # the codebook is not installed beside the package: no descriptions
        return {}


def run_export(engine: Engine, name: str, filters: ExportFilters, *, fmt: str,
               path: str | None, bom: bool, worker: Worker | None) -> int:
    """Write export ``name`` as ``fmt``; the row count. Raises :class:`ExportRefused`."""
    if fmt == "parquet" and path in (None, "-"):
        if worker is not None:
            worker.close()
        raise ExportRefused("a Parquet export needs a file: -o FILE.parquet")
    if name == "warc":
        from db import warc

        if worker is not None:
            worker.close()
        if path in (None, "-"):
            raise ExportRefused("a WARC export needs a file: -o FILE.warc.gz")
        if fmt != "csv":
            raise ExportRefused("export warc writes WARC: --format does not apply")
        assert path is not None
        return warc.export_warc(engine, filters, path)
    if name == "encounters":
        from db import encounters_export

        if worker is not None:
            worker.close()
        return encounters_export.export_encounters(engine, filters, fmt=fmt, path=path, bom=bom)
    if name == "events":
        from db import events

        if worker is not None:
            worker.close()
        return events.export_events(engine, filters, fmt=fmt, path=path, bom=bom)
    if fmt != "parquet":
        from db import export

        return export.export_named(engine, name, filters, fmt=fmt, path=path, bom=bom,
                                   worker=worker)
    from db import parquet, queries
    from db.session import dialect

    if worker is not None:
        worker.close()
    assert path is not None
    query = queries.export_select(name, filters, dialect(engine))
    meanings, types = column_docs(_codebook(), name,
                                  [col.name for col in query.selected_columns])
    return parquet.export_parquet(engine, query, path, descriptions=meanings, hints=types,
                                  metadata={"mfa_archive.export": name})
