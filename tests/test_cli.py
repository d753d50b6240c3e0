"""The command line: help, errors as one clear line, read-only query, exports."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import cli
from tests.conftest import run_cli


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_every_command_has_help(runner: CliRunner) -> None:
    def walk(group, prefix=()):  # type: ignore[no-untyped-def]
        for name, command in group.commands.items():
            yield (*prefix, name), command
            if hasattr(command, "commands"):
                yield from walk(command, (*prefix, name))

    for path, command in walk(cli):
        assert command.help, f"{' '.join(path)} has no help"
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, path


def test_sources_lists_az(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["sources", "--db", f"sqlite:///{tmp_path / 'none.sqlite'}"])
    assert result.exit_code == 0, result.output
    assert "az" in result.output and "AZ" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["crawl", "xx"], "unknown source xx"),
        (["crawl"], "name at least one source"),
        (["crawl", "az", "--base-url", "ftp://x"], "not an http(s) URL"),
        (["crawl", "az", "--since", "last week"], "not an ISO date"),
        (["crawl", "az", "-s", "NOVALUE"], "expected NAME=VALUE"),
        (["query", "select 1", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/x"],
         "cannot open the database"),
        (["query", "select 1", "--db", "nonsense://"], "unsupported database"),
        (["query", "select 1", "--db", "sqlite:////nonexistent/dir/a.sqlite"], "no archive at"),
        (["export", "meetings", "--db", "sqlite:////nonexistent/a.sqlite"], "no archive at"),
        (["export", "encounters", "--db", "sqlite:////nonexistent/a.sqlite"], "no archive at"),
        (["encounters", "rebuild", "--db", "sqlite:////nonexistent/dir/a.sqlite"],
         "cannot open the database"),
    ],
)
def test_user_mistakes_are_one_line_without_traceback(args: list[str], message: str) -> None:
    result = run_cli(*args, timeout=60)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert message in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) <= 3, result.stderr  # click's usage line + the error


@pytest.fixture
def archive(sqlite_url: str) -> str:
    """A small archive written through db.documents (no crawl)."""
    from tests.test_documents import store_sample

    store_sample(sqlite_url)
    return sqlite_url


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM documents",
        "UPDATE documents SET title = 'x'",
        "DROP TABLE documents",
        "CREATE TABLE x (a int)",
        "ATTACH 'x.db' AS y",
        "PRAGMA writable_schema=1",
        "select 1; delete from documents",
        "'; DROP TABLE statements;--",
        "select load_extension('x')",
        "INSERT INTO persons (name, name_key) VALUES ('a', 'a')",
    ],
)
def test_query_refuses_writes_and_leaves_the_archive_unchanged(
    runner: CliRunner, archive: str, sql: str
) -> None:
    before = runner.invoke(cli, ["query", "select count(*) from documents", "--format", "csv",
                                 "--db", archive]).output
    result = runner.invoke(cli, ["query", sql, "--db", archive])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    after = runner.invoke(cli, ["query", "select count(*) from documents", "--format", "csv",
                                "--db", archive]).output
    assert before == after


def test_query_formats_and_params(runner: CliRunner, archive: str) -> None:
    result = runner.invoke(cli, ["query", "select url, title from documents where url = :u",
                                 "-p", "u", "https://example.org/1", "--format", "json",
                                 "--db", archive])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"url": "https://example.org/1", "title": "=SUM(1)"}]
    result = runner.invoke(cli, ["query", "select url from documents order by url",
                                 "--format", "csv", "--limit", "1", "--db", archive])
    assert list(csv.reader(io.StringIO(result.stdout))) == [["url"], ["https://example.org/1"]]


def test_export_neutralises_formulas_and_round_trips(
    runner: CliRunner, archive: str, tmp_path: Path
) -> None:
    out = tmp_path / "docs.csv"
    result = runner.invoke(cli, ["export", "documents", "-o", str(out), "--db", archive])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["title"] == "'=SUM(1)"
    assert rows[0]["text"] == 'Line one, with "quotes"\nLine two\u200f 🙂'
    for name in ("meetings", "participants", "statements"):
        result = runner.invoke(cli, ["export", name, "--format", "jsonl", "--db", archive])
        assert result.exit_code == 0, result.output
        assert all(json.loads(line) for line in result.stdout.splitlines())


def test_export_meetings_lists_participants(runner: CliRunner, archive: str) -> None:
    result = runner.invoke(cli, ["export", "meetings", "--db", archive])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["participants"] == (
        "Jeyhun Bayramov (Minister of Foreign Affairs, AZ); "
        "Gennady Akhramovich (Ambassador of Belarus, BY)"
    )
    result = runner.invoke(cli, ["export", "meetings", "--country", "FR", "--db", archive])
    assert len(list(csv.DictReader(io.StringIO(result.stdout)))) == 0
