"""``export --format parquet`` (and json): typed columns, row groups, descriptions, atomic files.

Each export read back with pyarrow holds the database's values with their types;
DuckDB (a test dependency) queries a file as analysts would.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from crawler.browse import read_codebook
from crawler.cli import EXPORTS, cli
from crawler.exports import column_docs
from db import parquet, queries, urls
from db.session import make_engine
from tests.test_export import build, database_rows


@pytest.fixture(scope="module")
def archive(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from tests.conftest import fresh_database

    with fresh_database(backend, tmp_path_factory.mktemp("parquet")) as url:
        build(url, nul=urls.is_sqlite(url))
        yield url


def _expected(value: Any, kind: pa.DataType) -> Any:
    """A database value as the Parquet column of ``kind`` holds it."""
    if value is None:
        return None
    if kind == pa.string() and isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if kind == pa.date32() and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if kind == pa.bool_():
        return bool(value)
    return value


@pytest.mark.parametrize("name", EXPORTS)
def test_parquet_holds_the_database_values_typed(archive: str, name: str, tmp_path: Path) -> None:
    out = tmp_path / f"{name}.parquet"
    result = CliRunner().invoke(cli, ["export", name, "--format", "parquet", "-o", str(out),
                                      "--db", archive])
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    columns, rows = database_rows(archive, name)
    assert table.column_names == columns
    assert table.num_rows == len(rows) > 0
    got = table.to_pylist()
    for row, want in zip(got, rows, strict=True):
        for column, value in zip(columns, want, strict=True):
            assert row[column] == _expected(value, table.schema.field(column).type), \
                (name, column)
    types = {f.name: f.type for f in table.schema}
    for column in columns:
        if column.endswith("_id") or column in ("ordinal", "start_offset", "end_offset"):
            assert types[column] == pa.int64(), column
        if column in ("date", "published"):
            assert types[column] == pa.date32(), column
        if column.endswith("_at"):
            assert types[column] == pa.timestamp("us", tz="UTC"), column
    if name == "crawl_runs":
        assert types["listing_complete"] == pa.bool_()
    assert table.schema.metadata[b"mfa_archive.export"] == name.encode()


def test_fields_carry_the_codebook_descriptions(archive: str, tmp_path: Path) -> None:
    out = tmp_path / "meetings.parquet"
    result = CliRunner().invoke(cli, ["export", "meetings", "--format", "parquet", "-o", str(out),
                                      "--db", archive])
    assert result.exit_code == 0, result.output
    schema = pq.read_schema(out)
    codebook = read_codebook()
    meanings, _ = column_docs(codebook, "meetings", schema.names)
    assert schema.field("kind").metadata[b"description"].decode() \
        == codebook["meetings"].columns["kind"][1]
    assert schema.field("meeting_id").metadata[b"description"].decode() \
        == codebook["meetings"].columns["id"][1]
    assert schema.field("source").metadata[b"description"].decode() == meanings["source"]
    assert meanings["source"]  # found in a view's section


def test_rows_are_written_in_row_groups_of_one_batch(archive: str, tmp_path: Path) -> None:
    engine = make_engine(archive, read_only=True)
    try:
        query = queries.export_select("statements", queries.ExportFilters(), engine.dialect.name)
        out = tmp_path / "statements.parquet"
        count = parquet.export_parquet(engine, query, out, batch=3)
    finally:
        engine.dispose()
    meta = pq.ParquetFile(out).metadata
    assert meta.num_rows == count > 6
    assert meta.num_row_groups == -(-count // 3)
    assert all(meta.row_group(i).num_rows <= 3 for i in range(meta.num_row_groups))
    assert pq.read_table(out).column("statement_id").to_pylist() \
        == [r[0] for r in database_rows(archive, "statements")[1]]


def test_a_failed_parquet_export_leaves_the_old_file(tmp_path: Path) -> None:
    out = tmp_path / "x.parquet"
    out.write_bytes(b"old")
    arrow = parquet.schema([("n", pa.int64())], {"n": "a number"})

    def batches() -> Any:
        yield [(1,), (2,)]
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        parquet.write_parquet(out, arrow, batches())
    assert out.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["x.parquet"]  # no temporary file left behind


def test_parquet_needs_a_file(archive: str) -> None:
    result = CliRunner().invoke(cli, ["export", "persons", "--format", "parquet",
                                      "--db", archive])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == \
        "Error: a Parquet export needs a file: -o FILE.parquet"


def test_duckdb_queries_the_parquet_file(archive: str, tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    out = tmp_path / "participants.parquet"
    result = CliRunner().invoke(cli, ["export", "participants", "--format", "parquet",
                                      "-o", str(out), "--db", archive])
    assert result.exit_code == 0, result.output
    con = duckdb.connect()
    rows = con.execute(
        "select country, count(*), min(date), typeof(min(date)), typeof(min(person_id)) "
        "from read_parquet(?) where country is not null group by country order by country",
        [str(out)]).fetchall()
    _, db_rows = database_rows(archive, "participants")
    counts: dict[str, int] = {}
    for row in db_rows:
        if row[5] is not None:
            counts[row[5]] = counts.get(row[5], 0) + 1
    assert [(r[0], r[1]) for r in rows] == sorted(counts.items())
    assert {(r[3], r[4]) for r in rows} == {("DATE", "BIGINT")}
    assert all(isinstance(r[2], dt.date) for r in rows)


def test_json_format_is_one_array_of_the_jsonl_rows(archive: str) -> None:
    runner = CliRunner()
    as_json = runner.invoke(cli, ["export", "crawl_runs", "--format", "json", "--db", archive])
    as_jsonl = runner.invoke(cli, ["export", "crawl_runs", "--format", "jsonl", "--db", archive])
    assert as_json.exit_code == 0 and as_jsonl.exit_code == 0, as_json.output
    rows = json.loads(as_json.stdout_bytes)
    assert isinstance(rows, list) and rows
    assert rows == [json.loads(line) for line in as_jsonl.stdout_bytes.decode().splitlines()]
    assert set(rows[0]) >= {"run_id", "source", "started_at", "status", "listing_complete"}


def _persons(url: str, n: int) -> None:
    from sqlalchemy import insert

    from db.migrate import upgrade
    from db.models import Person

    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        for start in range(0, n, 5_000):
            conn.execute(insert(Person), [
                {"name": f"{i:08d} " + "n" * 290, "name_key": f"{i:08d} " + "k" * 290}
                for i in range(start, min(n, start + 5_000))])
    engine.dispose()


def test_memory_does_not_grow_with_the_table(backend: str, tmp_path: Path) -> None:
    """Peak Python memory of a 20,000-row export stays near a 2,500-row one's (batches of 500)."""
    import tracemalloc

    from tests.conftest import fresh_database

    peaks = []
    for n in (2_500, 20_000):
        with fresh_database(backend, tmp_path) as url:
            _persons(url, n)
            engine = make_engine(url, read_only=True)
            query = queries.export_select("persons", queries.ExportFilters(), engine.dialect.name)
            tracemalloc.start()
            try:
                count = parquet.export_parquet(engine, query, tmp_path / f"p{n}.parquet",
                                               batch=500)
                peaks.append(tracemalloc.get_traced_memory()[1])
            finally:
                tracemalloc.stop()
                engine.dispose()
            assert count == n == pq.ParquetFile(tmp_path / f"p{n}.parquet").metadata.num_rows
    # The rows alone are ~12 MB at 20,000; one batch is ~0.3 MB.
    assert peaks[1] < 1.5 * peaks[0] + 1_000_000, peaks


def test_columns_handed_to_arrow_as_they_are_convert_as_value_by_value() -> None:
    """A column goes to Arrow unconverted only when its converter would change nothing;
    dates as text are parsed by Arrow, or value by value when not all are YYYY-MM-DD."""
    columns: list[tuple[pa.DataType, list[Any]]] = [
        (parquet.STRING, ["a", None, "é🙂"]), (parquet.STRING, [1, "b", None]),
        (parquet.INT, [1, None, -2]), (parquet.INT, [True, 2, None]),
        (parquet.FLOAT, [0.5, None, 1e20]), (parquet.FLOAT, [1, 2.5, None]),
        (parquet.DATE, ["2024-01-02", None, "2023-12-31"]),
        (parquet.DATE, ["2024-01-02 10:00:00", None, "2024-01-03"]),
        (parquet.DATE, [dt.date(2024, 1, 2), None, dt.datetime(2024, 1, 3, 5)]),
        (parquet.BOOL, [1, 0, None]),
    ]
    arrow = pa.schema([pa.field(f"c{i}", kind) for i, (kind, _) in enumerate(columns)])
    convert = [parquet.converter(kind) for kind, _ in columns]
    rows = list(zip(*(values for _, values in columns), strict=True))
    got = parquet._record_batch(arrow, convert, rows)
    for i, (kind, values) in enumerate(columns):
        fix = convert[i]
        want = pa.array([None if v is None else fix(v) for v in values], type=kind)
        assert got.column(i).equals(want), (kind, values)
