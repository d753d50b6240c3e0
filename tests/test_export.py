"""``mfa-archive export``: faithful CSV, neutralised formulas, one snapshot, atomic files.

Round trips run on SQLite and PostgreSQL: what ``csv.reader`` reads back from
every export equals the database (after :func:`db.rowio.restore`).
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import gc
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import insert, select, text

from crawler.cli import EXPORTS, cli
from db import batches, export, queries, urls
from db import rows as rowio
from db.documents import store_release
from db.migrate import upgrade
from db.models import Statement
from db.runs import ensure_source, start_run
from db.session import make_engine, make_sessionmaker
from tests.conftest import ROOT
from tests.test_documents import M, P, R, S, release

FORMULAS = ['=HYPERLINK("http://x")', "@SUM(1)", "+1+1", "-2+3", "\t=1", "=cmd|'/c calc'!A1",
            "\r=1", "'already quoted"]
AWKWARD = ["a, b", 'say "hi"', "line\r\nbreak", "lone\rcr", "lone\nlf", "tab\tinside",
           "\u200fRTL \u05e9\u05dc\u05d5\u05dd", "emoji 🙂👍🏽", "", " leading space", "None",
           "trailing, comma,", '"', ",", "-", "=", "'"]


def _records(speakers: list[str]) -> R:
    meeting = M(dt.date(2021, 5, 6), "talks", "Minsk, Belarus", (
        P("Jeyhun Bayramov", "Minister of Foreign Affairs", "AZ", role="host"),
        P("Sergei Aleinik", "Minister of Foreign Affairs of Belarus", "BY", role="guest"),
        P("Jean Dupont", "=Ambassador", "FR"),
        P("Rashad Aliyev", "Deputy Minister", "AZ"),
    ), ("trade", "=SUM(A1)"))
    statements = tuple(S(name, "said", name, 0, 1, 0) for name in speakers)
    return R(meetings=(meeting,), statements=statements)


def build(url: str, *, nul: bool) -> None:
    """An archive whose text cells hold formulas, quotes, line breaks, RTL and emoji."""
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    cells = FORMULAS + AWKWARD + (["nul\x00inside", "\x00=1"] if nul else [])
    with sessions.begin() as s:
        source = ensure_source(s, key="az", country="AZ", ministry="MFA",
                               listing_url="https://mfa.gov.az/en/news")
        run = start_run(s, source_id=source, base_url=None)
        store_release(s, source_id=source, run_id=run, release=release())
        for i, cell in enumerate(cells):
            store_release(s, source_id=source, run_id=run, release=release(
                f"https://example.org/awkward/{i}", text=cell or "x", title=cell,
                records=_records([cell or "x", "Jeyhun Bayramov"]) if i % 3 == 0 else R((), ())))
    engine.dispose()


@pytest.fixture
def archive(db_url: str) -> str:
    build(db_url, nul=urls.is_sqlite(db_url))
    return db_url


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def expected_cell(value: Any) -> str:
    """What a CSV cell holds for a database value, before neutralisation."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def database_rows(url: str, name: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    engine = make_engine(url, read_only=True)
    try:
        query = queries.export_select(name, queries.ExportFilters(), engine.dialect.name)
        with engine.connect() as conn:
            result = conn.execute(query)
            return list(result.keys()), [tuple(r) for r in result]
    finally:
        engine.dispose()


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


@pytest.mark.parametrize("name", EXPORTS)
def test_csv_round_trip_equals_the_database(
    runner: CliRunner, archive: str, name: str, tmp_path: Path
) -> None:
    out = tmp_path / f"{name}.csv"
    result = runner.invoke(cli, ["export", name, "-o", str(out), "--db", archive])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    rows = read_csv(data)
    columns, db_rows = database_rows(archive, name)
    assert rows[0] == columns
    assert len(rows) - 1 == len(db_rows) > 0
    for got, want in zip(rows[1:], db_rows, strict=True):
        for cell, value in zip(got, want, strict=True):
            if isinstance(value, str):
                assert rowio.restore(cell) == value
                assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r", "\x00")
            elif isinstance(value, int | float) and not isinstance(value, bool):
                assert cell == str(value)  # numbers stay numbers: never prefixed
            else:
                assert rowio.restore(cell) == expected_cell(value)


@pytest.mark.parametrize("name", EXPORTS)
def test_jsonl_holds_the_stored_values(runner: CliRunner, archive: str, name: str) -> None:
    result = runner.invoke(cli, ["export", name, "--format", "jsonl", "--db", archive])
    assert result.exit_code == 0, result.output
    got = [json.loads(line) for line in result.stdout_bytes.decode().split("\n") if line]
    columns, db_rows = database_rows(archive, name)
    want = [{c: (expected_cell(v) if isinstance(v, dt.date) else v)
             for c, v in zip(columns, row, strict=True)} for row in db_rows]
    assert got == want
    assert list(got[0]) == columns


def test_formula_payloads_are_neutralised(runner: CliRunner, archive: str) -> None:
    result = runner.invoke(cli, ["export", "documents", "--db", archive])
    titles = {row["url"]: row["title"] for row in csv.DictReader(
        io.StringIO(result.stdout_bytes.decode(), newline=""))}
    for i, payload in enumerate(FORMULAS):
        assert titles[f"https://example.org/awkward/{i}"] == "'" + payload
    assert titles["https://example.org/1"] == "'=SUM(1)"
    assert titles[f"https://example.org/awkward/{len(FORMULAS) + AWKWARD.index('a, b')}"] == "a, b"


def test_numbers_stay_numbers() -> None:
    out = io.StringIO()
    rowio.write_rows(["n", "f", "t", "z"], iter([(-2, -1.5, "-2", None), (3, 0.25, "3", "")]),
                     out, "csv")
    assert out.getvalue() == "n,f,t,z\r\n-2,-1.5,'-2,\r\n3,0.25,3,\r\n"
    lines = rowio.CsvLines()
    assert lines.chunk([(-2, -1.5, "-2", None), (3, 0.25, "3", "")]) == (
        "-2,-1.5,'-2,\r\n3,0.25,3,\r\n")


def _random_cell(rng: random.Random, kind: str, alphabet: list[str]) -> Any:
    if kind == "mixed":
        kind = rng.choice(["int", "none", "float", "text", "text", "bytes", "bool", "date"])
    if kind == "int" or (kind == "int-or-none" and rng.random() < 0.8):
        return rng.randint(-1000, 1000)
    if kind in ("none", "int-or-none"):
        return None
    if kind == "float":
        return rng.choice([rng.random() - 0.5, 1e20, -0.0, 1.5e-7, float(rng.randint(-9, 9))])
    if kind == "bytes":
        return bytes(rng.randrange(256) for _ in range(3))
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "date":
        return dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 999))
    letters = alphabet if kind == "text" else list("abc xyz.:/")  # "plain": nothing to quote
    return "".join(rng.choice(letters) for _ in range(rng.randint(0, 8)))


def test_the_fast_renderer_matches_csv_writer() -> None:
    """CsvLines (a column at a time) equals csv.writer on neutralised cells, batch by batch,
    whatever each column holds: numbers, numbers and NULLs, plain text, text to quote or
    neutralise (first cell or later), other types, one column, ragged rows."""
    rng = random.Random(6)
    alphabet = list("ab ,\"'\r\n\t=+-@\x00\x1eé🙂\u200f0123456789")
    kinds = ["int", "int-or-none", "float", "none", "text", "plain", "mixed"]
    lines = rowio.CsvLines()
    for batch in range(400):
        width = rng.choice([1, 2, 3, 5, 8])
        columns = [rng.choice(kinds) for _ in range(width)]
        rows: list[tuple[Any, ...]] = [
            tuple(_random_cell(rng, kind, alphabet) for kind in columns)
            for _ in range(rng.randint(0, 40))]
        if batch % 50 == 7 and rows:
            rows.append(rows[0][:-1])  # ragged
        expected = io.StringIO()
        writer = csv.writer(expected, lineterminator="\r\n")
        for row in rows:
            writer.writerow([rowio.neutralise(v) if isinstance(v, str) else v for v in row])
        assert lines.chunk(rows) == expected.getvalue(), (columns, rows)
        if not any(k == "mixed" for k in columns):
            back = list(csv.reader(io.StringIO(expected.getvalue(), newline="")))
            assert [[rowio.restore(c) for c in r] for r in back] == [
                ["" if v is None else repr(v) if isinstance(v, float) else str(v) for v in row]
                for row in rows]



def test_the_bytes_renderer_matches_csv_writer() -> None:
    """CsvLines.encoded (text cells as SQLite's UTF-8 bytes) is csv.writer's text on the
    decoded, neutralised cells, encoded: the same columns as above, with str and bytes
    cells side by side (a converted column holds str)."""
    rng = random.Random(7)
    alphabet = list("ab ,\"'\r\n\t=+-@\x00\x1eé🙂\u200f0123456789")
    kinds = ["int", "int-or-none", "float", "none", "text", "plain", "mixed", "text-or-none"]
    lines = rowio.CsvLines()
    for batch in range(400):
        width = rng.choice([1, 2, 3, 5, 8])
        columns = [rng.choice(kinds) for _ in range(width)]
        as_bytes = [rng.random() < 0.8 for _ in columns]
        rows: list[tuple[Any, ...]] = []
        for _ in range(rng.randint(0, 40)):
            cells = []
            for kind, encode in zip(columns, as_bytes, strict=True):
                if kind == "text-or-none":
                    kind = "none" if rng.random() < 0.3 else "text"
                cell = _random_cell(rng, kind, alphabet)
                if isinstance(cell, bytes):  # bytes are text here (SQLite's blobs are typed)
                    cell = cell.hex()
                cells.append(cell.encode() if encode and isinstance(cell, str) else cell)
            rows.append(tuple(cells))
        if batch % 50 == 7 and rows:
            rows.append(rows[0][:-1])  # ragged
        expected = io.StringIO()
        writer = csv.writer(expected, lineterminator="\r\n")
        for row in rows:
            text = [v.decode() if isinstance(v, bytes) else v for v in row]
            writer.writerow([rowio.neutralise(v) if isinstance(v, str) else v for v in text])
        assert lines.encoded(rows) == expected.getvalue().encode(), (columns, rows)



def test_the_collector_is_paused_only_while_rows_are_written(archive: str) -> None:
    """The export loop runs without the cyclic collector; it is back after the export,
    after a failed one, and stays off if it was off."""
    engine = make_engine(archive, read_only=True)
    query = queries.statements_export(queries.ExportFilters())
    seen: list[bool] = []

    class Out(io.StringIO):
        def write(self, s: str) -> int:
            seen.append(gc.isenabled())
            return super().write(s)

    try:
        with rowio.snapshot(engine) as conn:
            assert rowio.write_csv(conn, query, Out()) > 0
        assert gc.isenabled()
        assert seen and not any(seen) if urls.is_sqlite(archive) else all(seen)

        def fail() -> None:
            raise OSError(28, "No space left on device")

        with pytest.raises(OSError), rowio.snapshot(engine) as conn:
            rowio.write_csv(conn, query, Out(), check=fail)
        assert gc.isenabled()
        gc.disable()
        try:
            with batches.collector_paused():
                pass
            assert not gc.isenabled()
        finally:
            gc.enable()
    finally:
        engine.dispose()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252", "utf-8"])
def test_a_stream_in_another_encoding_gets_its_own_encoding(archive: str, encoding: str) -> None:
    """write_csv hands SQLite's UTF-8 bytes straight to a stream's buffer only when the
    stream writes plain UTF-8; any other stream's encoding applies (a BOM, cp1252)."""
    engine = make_engine(archive, read_only=True)
    query = queries.statements_export(queries.ExportFilters())
    try:
        with rowio.snapshot(engine) as conn:
            plain = io.StringIO()
            rowio.write_csv(conn, query, plain)
        raw = io.BytesIO()
        out = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
        with rowio.snapshot(engine) as conn:
            rowio.write_csv(conn, query, out)
        out.flush()
    finally:
        engine.dispose()
    assert raw.getvalue() == plain.getvalue().encode(encoding, errors="replace")
    assert raw.getvalue().startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")


def test_excel_bom_and_stdout(runner: CliRunner, archive: str, tmp_path: Path) -> None:
    out = tmp_path / "excel.csv"
    result = runner.invoke(cli, ["export", "statements", "--excel", "-o", str(out),
                                 "--db", archive])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbfstatement_id,")
    result = runner.invoke(cli, ["export", "statements", "--excel", "--db", archive])
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbfstatement_id,")
    assert b"\r\n" in result.stdout_bytes


def test_exports_are_stable(runner: CliRunner, archive: str) -> None:
    for name in EXPORTS:
        first = runner.invoke(cli, ["export", name, "--db", archive]).stdout_bytes
        assert first == runner.invoke(cli, ["export", name, "--db", archive]).stdout_bytes
    ids = [int(r[0]) for r in read_csv(
        runner.invoke(cli, ["export", "statements", "--db", archive]).stdout_bytes)[1:]]
    assert ids == sorted(ids)


@pytest.mark.parametrize(("name", "args", "check"), [
    ("meeting_participants", ["--country", "by"], lambda r: r["country"] == "BY"),
    ("meeting_participants", ["--person", "aleinik"], lambda r: r["person"] == "Sergei Aleinik"),
    ("meeting_dyads", ["--country", "FR"], lambda r: "FR" in (r["country_a"], r["country_b"])),
    ("meeting_dyads", ["--person", "Dupont"], lambda r: r["date"] == "2021-05-06"),
    ("statement_facts", ["--country", "AZ"], lambda r: r["speaker_country"] == "AZ"),
    ("statement_facts", ["--since", "2021-01-01"], lambda r: r["date"] >= "2021-01-01"),
    ("statement_facts", ["--until", "2020-12-31"], lambda r: r["date"] <= "2020-12-31"),
    ("participants", ["--person", "%"], lambda r: False),  # % is a character, not a wildcard
    ("meetings", ["--source", "az", "--country", "FR"], lambda r: "FR)" in r["participants"]),
])
def test_filters(runner: CliRunner, archive: str, name: str, args: list[str],
                 check: Any) -> None:
    result = runner.invoke(cli, ["export", name, *args, "--db", archive])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode(), newline="")))
    everything = list(csv.DictReader(io.StringIO(runner.invoke(
        cli, ["export", name, "--db", archive]).stdout_bytes.decode(), newline="")))
    assert all(check(r) for r in rows)
    assert len(rows) == sum(1 for r in everything if check(r))


def test_a_failed_export_keeps_the_old_file(
    archive: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "exports" / "statements.csv"
    out.parent.mkdir()
    out.write_bytes(b"old\r\n")
    engine = make_engine(archive, read_only=True)

    def fail(self: rowio.CsvLines, rows: Any) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(rowio.CsvLines, "chunk", fail)
    with pytest.raises(OSError, match="No space"):
        export.export(engine, queries.statements_export(queries.ExportFilters()), fmt="csv",
                      path=str(out))
    engine.dispose()
    assert out.read_bytes() == b"old\r\n"
    assert sorted(p.name for p in out.parent.iterdir()) == ["statements.csv"]


def test_the_written_file_is_readable_by_others(archive: str, tmp_path: Path) -> None:
    engine = make_engine(archive, read_only=True)
    out = tmp_path / "docs.csv"
    export.export(engine, queries.documents_export(queries.ExportFilters()), fmt="csv",
                  path=str(out))
    engine.dispose()
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


# --- one snapshot while another connection writes --------------------------------------


def _add_statements(url: str, document_id: int, first: int, n: int) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(insert(Statement), [
            {"document_id": document_id, "ordinal": first + i, "meeting_id": None,
             "speaker_id": None, "speaker": f"S{first + i}", "verb": "said",
             "text": f"t{first + i}", "start_offset": 0, "end_offset": 1,
             "extractor_version": "r-1"} for i in range(n)])
    engine.dispose()


def test_an_export_reads_one_snapshot_while_a_crawl_writes(db_url: str) -> None:
    from tests.test_documents import store_sample

    store_sample(db_url)
    engine = make_engine(db_url, read_only=True)
    with engine.connect() as conn:
        document_id = conn.execute(select(Statement.document_id).limit(1)).scalar_one()
    _add_statements(db_url, document_id, 100, 3 * rowio.BATCH)
    before = 3 * rowio.BATCH + 2

    class WritesMidway(io.StringIO):
        """After the first batch is written, another connection commits new rows."""

        writes = 0

        def write(self, s: str) -> int:
            self.writes += 1
            if self.writes == 2:
                _add_statements(db_url, document_id, 100_000, 500)
            return super().write(s)

    out = WritesMidway()
    with rowio.snapshot(engine) as conn:
        count = rowio.write_csv(conn, queries.statements_export(queries.ExportFilters()), out)
    assert out.writes > 2
    assert count == before
    assert len(read_csv(out.getvalue().encode())) == before + 1
    with engine.connect() as conn:  # the rows were committed: a new snapshot sees them
        assert conn.execute(text("select count(*) from statements")).scalar() == before + 500
    engine.dispose()


# --- SIGKILL mid-export: the old file or none, never a partial one ----------------------


@pytest.fixture(scope="module")
def big_archive(tmp_path_factory: pytest.TempPathFactory) -> str:
    from benchmarks.export import build_archive

    path = tmp_path_factory.mktemp("big") / "big.sqlite"
    build_archive(path, 150_000)
    return f"sqlite:///{path}"


def _export_proc(url: str, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "export", "statements", "-o", str(out),
         "--db", url], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _writing(proc: subprocess.Popen[bytes], directory: Path) -> Iterator[int]:
    """Sizes of the files the export has open in ``directory`` (its temporary output)."""
    fd_dir = Path(f"/proc/{proc.pid}/fd")
    for fd in list(fd_dir.iterdir()) if fd_dir.exists() else []:
        try:
            if os.readlink(fd).startswith(str(directory)):
                yield os.stat(fd).st_size
        except OSError:
            continue


@pytest.mark.slow  # a big archive, an exporter killed mid-file
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("old", [None, b"statement_id\r\nold,complete,file\r\n"])
def test_sigkill_mid_export_leaves_the_old_file_or_none(
    big_archive: str, tmp_path: Path, old: bytes | None
) -> None:
    out = tmp_path / "statements.csv"
    if old is not None:
        out.write_bytes(old)
    proc = _export_proc(big_archive, out)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if any(size > 64 * 1024 for size in _writing(proc, tmp_path)):
            break
        time.sleep(0.005)
    assert proc.poll() is None, "the export finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    if old is None:
        assert not out.exists()
    else:
        assert out.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == (["statements.csv"] if old else [])
    # and a complete run replaces it with the whole export
    proc = _export_proc(big_archive, out)
    assert proc.wait(timeout=300) == 0
    assert len(read_csv(out.read_bytes())) == 150_001


def test_bytes_and_dates_in_query_csv() -> None:
    out = io.StringIO()
    rowio.write_rows(["b", "d", "j"], iter([(b"\x00\x01", dt.date(2020, 1, 2), ["=x"])]),
                     out, "csv")
    assert read_csv(out.getvalue().encode())[1] == [
        "base64:" + base64.b64encode(b"\x00\x01").decode(), "2020-01-02", '["=x"]']
