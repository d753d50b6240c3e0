"""A user's own declared source: found by --sources-dir or mfa-archive.toml, listed, tried, crawled."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.cli import cli
from crawler.declared.config import SOURCES_DIR_ENV
from db.models import Document
from db.session import make_engine
from tests.conftest import FAST, run_cli

FI = '''\
# A ministry declared by a user, outside the package.
key = "fi"
country = "FI"
ministry = "Ministry for Foreign Affairs of Finland"
language = "en"
allowed_domains = ["um.example"]
schedule = "30 5 * * *"

[evidence]
section = "my notes §1"
date = "2026-11-30"
strength = "thin"

[listing]
url = "https://um.example/press"

[listing.paging]
kind = "template"
template = "https://um.example/press?page={page}"

[listing.items]
item = "div.item"
link = "a::attr(href)"
title = "a::text"
date = "span.date::text"
date_formats = ["%d.%m.%Y"]
date_sample = "30.11.2026"

[release]
body = "div.body"
title = "h1::text"
date = "p.date::text"
date_formats = ["%d.%m.%Y"]
date_sample = "30.11.2026"
drop = ["div.share"]
'''

LISTING = '''<html><body><div class="item"><a href="/press/talks-in-helsinki">Talks in Helsinki</a>
<span class="date">30.11.2026</span></div></body></html>'''
RELEASE = '''<html lang="en"><body><h1>Talks in Helsinki</h1><p class="date">30.11.2026</p>
<div class="body"><p>Minister Elina Valtonen met Foreign Minister Radosław Sikorski of Poland
in Helsinki on 30 November 2026.</p><p>The ministers discussed security in the Baltic Sea
region.</p><div class="share">Share this page</div></div></body></html>'''


@pytest.fixture
def user_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "my-sources"
    directory.mkdir()
    (directory / "fi.toml").write_text(FI, encoding="utf-8")
    monkeypatch.setenv(SOURCES_DIR_ENV, "")  # restored after the test, whatever the CLI sets
    return directory


def test_sources_dir_option_lists_the_user_source_as_declared(user_sources: Path,
                                                              tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--sources-dir", str(user_sources), "sources", "--db",
                                      f"sqlite:///{tmp_path / 'none.sqlite'}"])
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): [c.strip() for c in line.split("│")[1:]]
            for line in result.output.splitlines() if line.count("│") > 5}
    assert rows["fi"][3:5] == ["declared", "2026-11-30"]
    assert rows["jp"][3:5] == ["declared", "2026-10-08"]
    assert rows["az"][3] == "coded" and rows["az"][4] != "-"


def test_sources_dir_in_mfa_archive_toml(user_sources: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mfa-archive.toml").write_text('sources_dir = "my-sources"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(SOURCES_DIR_ENV)
    result = CliRunner().invoke(cli, ["sources", "--db", f"sqlite:///{tmp_path / 'x.sqlite'}"])
    assert result.exit_code == 0, result.output
    assert "Finland" in result.output


def test_extract_a_saved_page_with_a_declared_source(user_sources: Path, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(RELEASE, encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(page), "--source", "fi", "--json",
                                      "--sources-dir", str(user_sources)])
    assert result.exit_code == 0, result.output
    (out,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert out["title"] == "Talks in Helsinki" and out["published"] == "2026-11-30"
    assert out["text"].startswith("Minister Elina Valtonen met") and "Share" not in out["text"]
    assert out["meetings"], out


def test_a_bad_user_declaration_is_one_line_naming_file_and_field(user_sources: Path) -> None:
    (user_sources / "fi.toml").write_text(FI.replace('title = "a::text"', 'tilte = "a::text"'),
                                          encoding="utf-8")
    result = run_cli("--sources-dir", str(user_sources), "extract", "x.html", "--source", "fi")
    assert result.returncode == 2
    assert result.stderr.strip() == (f"Error: {user_sources / 'fi.toml'}: listing.items.tilte: "
                                      "unknown field (known here: date, date_formats, date_in, "
                                      "date_regex, date_sample, item, keep_if, link, "
                                      "link_template, month_names, title)")


class _Site(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        pages = {"/press": LISTING, "/press/talks-in-helsinki": RELEASE,
                 "/robots.txt": "User-agent: *\nAllow: /\n"}
        body = pages.get(path, "<html><body></body></html>").encode()
        self.send_response(200 if path in pages or "page=" in self.path else 404)
        self.send_header("Content-Type", "text/plain" if path == "/robots.txt"
                         else "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.slow
def test_crawl_a_user_source(user_sources: Path, tmp_path: Path, site: str) -> None:
    db_url = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    result = run_cli("--sources-dir", str(user_sources), "crawl", "fi", "--base-url", site,
                     "--db", db_url, *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    engine = make_engine(db_url)
    with Session(engine) as session:
        docs = session.execute(select(Document.url, Document.title, Document.published,
                                      Document.language)).all()
    engine.dispose()
    assert [(d.url, d.title, str(d.published), d.language) for d in docs] == [
        ("https://um.example/press/talks-in-helsinki", "Talks in Helsinki", "2026-11-30", "en")]


@pytest.mark.slow
def test_schedule_crawls_a_user_source_named_by_its_config(user_sources: Path, tmp_path: Path,
                                                           site: str) -> None:
    db_url = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    config = tmp_path / "schedule.toml"
    config.write_text(
        'sources_dir = "my-sources"\n'
        'settings = { DOWNLOAD_DELAY = "0", AUTOTHROTTLE_ENABLED = "False", '
        'LOG_LEVEL = "WARNING", ARCHIVE_EXTRACT_WORKERS = "0" }\n'
        f'[sources.fi]\nbase_url = "{site}"\n', encoding="utf-8")
    result = run_cli("schedule", "--config", str(config), "--db", db_url, "--once", "fi",
                     env={SOURCES_DIR_ENV: ""})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "fi: ended with exit code 0 (completed)" in result.stderr
    engine = make_engine(db_url)
    with Session(engine) as session:
        urls = session.scalars(select(Document.url)).all()
    engine.dispose()
    assert urls == ["https://um.example/press/talks-in-helsinki"]


def test_a_bad_sources_dir_in_the_config_is_one_line(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from crawler.declared.config import config_sources_dirs
    from crawler.exceptions import DeclarationError

    config = tmp_path / "mfa-archive.toml"
    config.write_text('sources_dir = "nowhere"\n', encoding="utf-8")
    with pytest.raises(DeclarationError, match=r"mfa-archive.toml: sources_dir: .*nowhere is not "
                                               r"a directory$"):
        config_sources_dirs(config)
    config.write_text("sources_dir = 3\n", encoding="utf-8")
    with pytest.raises(DeclarationError, match="sources_dir: must be a directory path"):
        config_sources_dirs(config)
