"""`runs`: the text output has a header; `--limit 0` means every run (as in `query`)."""

from __future__ import annotations

from click.testing import CliRunner

from crawler.cli import cli


def _runs(url: str, *args: str) -> list[str]:
    result = CliRunner().invoke(cli, ["runs", "--db", url, *args])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_runs_text_has_a_header_and_limit_0_is_no_cap(sqlite_url: str) -> None:
    from tests.test_repository import store_sample

    store_sample(sqlite_url)
    store_sample(sqlite_url)  # a second run
    lines = _runs(sqlite_url)
    assert lines[0].split()[:4] == ["run", "src", "status", "started"]
    assert len([line for line in lines[1:] if " az " in line]) == 2
    assert _runs(sqlite_url, "--limit", "0") == lines
    assert len(_runs(sqlite_url, "--limit", "1")) == 2  # the header and the newest run
    assert all(line.startswith("{") for line in _runs(sqlite_url, "--json"))


def test_runs_refuses_a_negative_limit(sqlite_url: str) -> None:
    result = CliRunner().invoke(cli, ["runs", "--db", sqlite_url, "--limit", "-1"])
    assert result.exit_code == 2
