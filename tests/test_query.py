"""``mfa-archive query``: one read-only statement, enforced by the database, on SQLite and PostgreSQL.

Every refused statement exits with code 2 and one line, and the archive's
tables, views and contents are unchanged afterwards (checksums).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import inspect, text

from crawler.cli import cli
from db import sql as db_sql
from db import urls
from db.session import make_engine
from tests.test_documents import store_sample

INFINITE = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT "
COUNT_FOREVER = INFINITE + "count(*) FROM c"  # never returns a row
ROWS_FOREVER = INFINITE + "x FROM c"  # rows stream forever


@pytest.fixture
def archive(db_url: str) -> str:
    store_sample(db_url)
    return db_url


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def checksums(url: str) -> dict[str, str]:
    """Every table's and view's name, columns and rows, hashed: any write changes it."""
    engine = make_engine(url, read_only=True)
    try:
        with engine.connect() as conn:
            insp = inspect(conn)
            names = sorted(insp.get_table_names()) + sorted(insp.get_view_names())
            sums = {}
            for name in names:
                rows = conn.execute(text(f'SELECT * FROM "{name}" ORDER BY 1')).all()  # noqa: S608
                cols = [c["name"] for c in insp.get_columns(name)]
                sums[name] = hashlib.sha256(repr((cols, rows)).encode()).hexdigest()
        return sums
    finally:
        engine.dispose()


def query(runner: CliRunner, url: str, *args: str) -> Result:
    return runner.invoke(cli, ["query", *args, "--db", url])


def one_clear_line(result: Result) -> str:
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


# (sql, exit code on SQLite, exit code on PostgreSQL): 2 = refused, 1 = failed (not SQL for
# that database, e.g. PRAGMA on PostgreSQL); the archive is unchanged either way.
REFUSED = [
    ("DELETE FROM documents", 2, 2),
    ("UPDATE documents SET title = 'x'", 2, 2),
    ("INSERT INTO persons (name, name_key) VALUES ('a', 'a')", 2, 2),
    ("DROP TABLE statements", 2, 2),
    ("CREATE TABLE x (a int)", 2, 2),
    ("ALTER TABLE persons ADD COLUMN x int", 2, 2),
    ("'; DROP TABLE statements;--", 2, 2),
    ("x'; DROP TABLE statements;--", 2, 2),
    ("select 1; DROP TABLE statements;--", 2, 2),
    ("select 1; delete from documents", 2, 2),
    ("select 1 /* ; */ ; delete from documents", 2, 2),
    ("ATTACH 'x.db' AS y", 2, 2),
    ("ATTACH DATABASE ':memory:' AS y", 2, 2),
    ("PRAGMA writable_schema=1", 2, 2),
    ("PRAGMA query_only = 0", 2, 2),
    ("PRAGMA writable_schema(1)", 2, 1),
    ("PRAGMA journal_mode(DELETE)", 2, 1),
    ("select load_extension('x')", 2, 1),
    ("select load_extension('/usr/lib/x.so', 'init')", 2, 1),
    ("VACUUM", 2, 2),
    ("REINDEX", 2, 2),
    ("BEGIN", 2, 2),
    ("COMMIT; DROP TABLE statements", 2, 2),
    # Only the database catches these: the first word is a read.
    ("WITH x AS (SELECT 1) DELETE FROM statements", 2, 2),
    ("with d as (delete from statements returning id) select * from d", 1, 2),
    ("explain analyze delete from statements", 1, 2),
    ("select * from documents for update", 1, 2),
    ("select nextval('documents_id_seq')", 1, 2),
]


@pytest.mark.parametrize(("sql", "sqlite_code", "pg_code"), REFUSED)
def test_writes_are_refused_and_the_archive_is_unchanged(
    runner: CliRunner, archive: str, sql: str, sqlite_code: int, pg_code: int
) -> None:
    before = checksums(archive)
    result = query(runner, archive, sql)
    expected = sqlite_code if urls.is_sqlite(archive) else pg_code
    assert result.exit_code == expected, result.output
    line = one_clear_line(result)
    if expected == 2:
        assert line.startswith("Error: refused:"), line
    assert checksums(archive) == before


@pytest.mark.parametrize("sql", [
    "DELETE FROM documents",
    "DROP TABLE statements",
    "select 1; delete from documents",
    "WITH x AS (SELECT 1) DELETE FROM statements",
    "PRAGMA query_only = 0",
])
def test_the_database_refuses_writes_the_lexer_lets_through(
    archive: str, sql: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the lexical check switched off, the read-only connection still refuses."""
    monkeypatch.setattr(db_sql, "check_read_only", lambda s: s)
    before = checksums(archive)
    engine = make_engine(archive, read_only=True)
    try:
        with (pytest.raises((db_sql.QueryRefused, db_sql.QueryFailed)) as caught,
              db_sql.run_query(engine, sql) as result):
            list(result.rows)
        if urls.is_sqlite(archive) or "pragma" not in sql.lower():
            assert isinstance(caught.value, db_sql.QueryRefused), caught.value
    finally:
        engine.dispose()
    assert checksums(archive) == before


@pytest.mark.parametrize("value", [
    "1 OR 1=1", "' OR 1=1 --", "x'; DROP TABLE statements;--", "https://example.org/1' OR '1'='1",
])
def test_parameters_are_bound_never_pasted(runner: CliRunner, archive: str, value: str) -> None:
    before = checksums(archive)
    result = query(runner, archive, "select count(*) as n from documents where url = :u",
                   "-p", "u", value, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"n": 0}]
    # A numeric column: the text never matches (SQLite) or is not an integer (PostgreSQL).
    result = query(runner, archive, "select count(*) as n from documents where id = :i",
                   "-p", "i", value, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 0:
        assert json.loads(result.stdout) == [{"n": 0}]
    else:
        one_clear_line(result)
    assert checksums(archive) == before


def test_parameters_select_exactly_one_row(runner: CliRunner, archive: str) -> None:
    result = query(runner, archive, "select url, title from documents where url = :u",
                   "-p", "u", "https://example.org/1", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"url": "https://example.org/1", "title": "=SUM(1)"}]


@pytest.mark.parametrize("sql", [COUNT_FOREVER, ROWS_FOREVER])
def test_the_timeout_fires(runner: CliRunner, archive: str, sql: str) -> None:
    # The query never ends by itself: the command ends because the timeout stopped it
    # (pytest's timeout is the safety net if it did not).
    result = query(runner, archive, sql, "--timeout", "0.5", "--limit", "0", "--format", "csv")
    assert result.exit_code == 1, result.stderr
    assert one_clear_line(result) == "Error: query timed out after 0.5 s"


def test_the_row_cap(runner: CliRunner, archive: str) -> None:
    result = query(runner, archive, ROWS_FOREVER, "--limit", "3", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["x", "1", "2", "3"]
    assert "stopped at 3 rows" in result.stderr
    result = query(runner, archive, "select 1 as x", "--limit", "3", "--format", "csv")
    assert result.stderr == ""


def test_formats(runner: CliRunner, archive: str) -> None:
    sql = "select -7 as n, '-7' as t, 1.5 as f, null as z, '=1+1' as formula"
    result = query(runner, archive, sql, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == b"n,t,f,z,formula\r\n-7,'-7,1.5,,'=1+1\r\n"
    result = query(runner, archive, sql, "--format", "json")
    assert json.loads(result.stdout) == [
        {"n": -7, "t": "-7", "f": 1.5, "z": None, "formula": "=1+1"}]
    result = query(runner, archive, sql, "--format", "jsonl")
    assert [json.loads(line) for line in result.stdout.splitlines()] == json.loads(
        query(runner, archive, sql, "--format", "json").stdout)
    result = query(runner, archive, "select url from documents order by url")
    assert result.exit_code == 0 and "https://example.org/2" in result.stdout
    result = query(runner, archive, "select url from documents where 1 = 0", "--format", "json")
    assert json.loads(result.stdout) == []


def test_views_and_introspection_are_readable(runner: CliRunner, archive: str) -> None:
    result = query(runner, archive, "select person, country from meeting_participants "
                   "where country = :c", "-p", "c", "BY", "--format", "csv")
    assert list(csv.reader(io.StringIO(result.stdout))) == [
        ["person", "country"], ["Gennady Akhramovich", "BY"]]
    if urls.is_sqlite(archive):
        for sql in ("PRAGMA table_info(documents)", "select * from pragma_table_info('persons')",
                    "PRAGMA user_version", "select replace(url, 'https', 'http') from documents"):
            result = query(runner, archive, sql, "--format", "csv")
            assert result.exit_code == 0, (sql, result.output)


def test_errors_are_one_line(runner: CliRunner, archive: str) -> None:
    for sql in ("select * from nowhere", "select 1 frm x y", "select :missing"):
        result = query(runner, archive, sql)
        assert result.exit_code == 1, result.output
        one_clear_line(result)


def test_the_connection_is_restored_after_a_query(sqlite_url: str) -> None:
    """The guard is per statement: the pooled SQLite connection gets its settings back."""
    store_sample(sqlite_url)
    engine = make_engine(sqlite_url, pool_size=1)
    try:
        with db_sql.run_query(engine, "select count(*) from documents") as result:
            assert list(result.rows) == [(2,)]
        with engine.begin() as conn:
            conn.execute(text("update persons set name = name"))
            conn.execute(text("attach ':memory:' as scratch"))
            conn.execute(text("detach scratch"))
    finally:
        engine.dispose()


def _rows(engine_url: str, sql: str) -> Iterator[tuple[object, ...]]:
    engine = make_engine(engine_url, read_only=True)
    try:
        with db_sql.run_query(engine, sql) as result:
            yield from result.rows
    finally:
        engine.dispose()


@pytest.mark.parametrize(("sql", "statement"), [
    ("select ';' as x;", "select ';' as x"),
    ("select 1 -- ; drop table x", "select 1 -- ; drop table x"),
    ("select $$;$$", "select $$;$$"),
    ("select E'\\';'", "select E'\\';'"),
    ('select 1 as "a;b"', 'select 1 as "a;b"'),
    ("/* ; */ select 1;;", "/* ; */ select 1"),
])
def test_the_lexer_ignores_semicolons_in_literals(sql: str, statement: str) -> None:
    assert db_sql.check_read_only(sql) == statement
