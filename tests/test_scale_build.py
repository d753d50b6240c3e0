"""benchmarks/scale.py: the SQLite archive written with the insert triggers held back, then
indexed once, is the archive the triggers make row by row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from benchmarks import scale
from db.search_schema import SEARCH_TABLES
from db.session import make_engine

RELEASES = 1_200  # past the bases (every mirror release once) and the reextract source


def _contents(engine: Engine) -> dict[str, Any]:
    """Everything the triggers write, in a form that does not depend on how it was written:
    each search table's every token (fts5vocab 'instance'), the documents' and statements'
    row counts, the meetings' country pairs, and the triggers themselves."""
    out: dict[str, Any] = {}
    with engine.connect() as conn:
        for table in SEARCH_TABLES:
            conn.exec_driver_sql(f"CREATE VIRTUAL TABLE temp.{table}_v USING "
                                 f"fts5vocab(main, {table}, 'instance')")
            out[table] = conn.exec_driver_sql(
                f"SELECT term, doc, col, offset FROM temp.{table}_v "  # noqa: S608
                "ORDER BY term, doc, col, offset").all()
            conn.exec_driver_sql(
                f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")  # noqa: S608
        out["pairs"] = conn.exec_driver_sql(
            "SELECT meeting_id, country_a, country_b FROM meeting_country_pairs "
            "ORDER BY 1, 2, 3").all()
        out["triggers"] = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all()
        out["rows"] = [conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one()  # noqa: S608
                       for t in ("documents", "statements", "participants")]
    return out


def test_bulk_build_is_the_archive_the_triggers_make(tmp_path: Path) -> None:
    archives = []
    for bulk in (True, False):
        engine = make_engine(f"sqlite:///{tmp_path / f'bulk-{bulk}.sqlite'}")
        scale.build(engine, RELEASES, bulk=bulk)
        archives.append(_contents(engine))
        engine.dispose()
    held, row_by_row = archives
    assert held["rows"] == row_by_row["rows"] and held["rows"][1] > 0
    assert {t for t in SEARCH_TABLES if held[t]} == set(SEARCH_TABLES)  # every table has rows
    assert held["pairs"] and held["triggers"]
    assert held == row_by_row
