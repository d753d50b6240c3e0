"""`runs`: the text output has a header; `--limit 0` means every run (as in `query`)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from crawler.cli import cli


def _runs(url: str, *args: str) -> list[str]:
    result = CliRunner().invoke(cli, ["runs", "--db", url, *args])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_runs_text_has_a_header_and_limit_0_is_no_cap(sqlite_url: str) -> None:
    from tests.test_documents import store_sample

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


def test_a_live_crawl_without_a_contact_warns(monkeypatch: pytest.MonkeyPatch,
                                             sqlite_url: str) -> None:
    """Just before a live crawl starts (the crawl itself replaced: no network here)."""
    from crawler import run

    started: list[dict[str, str]] = []
    monkeypatch.setattr(run, "run_crawls", lambda keys, **kwargs: started.append(
        kwargs["base_urls"]) or [])
    monkeypatch.delenv("MFA_ARCHIVE_CONTACT", raising=False)
    live = CliRunner().invoke(cli, ["crawl", "az", "--db", sqlite_url])
    assert live.exit_code == 0, live.output
    assert "Warning: MFA_ARCHIVE_CONTACT is not set" in live.output
    mirror = CliRunner().invoke(cli, ["crawl", "az", "--db", sqlite_url,
                                      "--base-url", "http://127.0.0.1:9"])
    assert "MFA_ARCHIVE_CONTACT" not in mirror.output
    monkeypatch.setenv("MFA_ARCHIVE_CONTACT", "mailto:archive-tests@example.org")
    named = CliRunner().invoke(cli, ["crawl", "az", "--db", sqlite_url])
    assert "MFA_ARCHIVE_CONTACT" not in named.output
    assert started == [{}, {"az": "http://127.0.0.1:9"}, {}]
