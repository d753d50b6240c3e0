"""WARC: a crawl's traffic with ``-s ARCHIVE_WARC_DIR``, and ``export warc`` of the stored pages.

Files are read back with warcio's ArchiveIterator: every stored page's URL and
bytes are in them. A WARC file that cannot be written costs the archive nothing.
"""

from __future__ import annotations

import datetime as dt
import errno
import gzip
import json
import logging
import random
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler
from sqlalchemy import select
from sqlalchemy.orm import Session
from warcio.archiveiterator import ArchiveIterator

from crawler.cli import cli
from crawler.warc import WarcRecorder
from db import warc
from db.models import CrawlError, CrawlRun, Document, WarcFile
from db.session import make_engine
from tests.conftest import FAST, run_cli
from tests.test_export import build


def read_warcs(paths: list[Path]) -> list[dict[str, Any]]:
    records = []
    for path in paths:
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                records.append({
                    "type": record.rec_type,
                    "uri": record.rec_headers.get_header("WARC-Target-URI"),
                    "id": record.rec_headers.get_header("WARC-Record-ID"),
                    "date": record.rec_headers.get_header("WARC-Date"),
                    "version": record.rec_headers.protocol,
                    "concurrent": record.rec_headers.get_header("WARC-Concurrent-To"),
                    "status": record.http_headers.get_statuscode() if record.http_headers
                    else None,
                    "body": record.content_stream().read(),
                })
    return records


def stored_pages(url: str) -> list[tuple[str, bytes, dt.datetime, int]]:
    engine = make_engine(url, read_only=True)
    with Session(engine) as session:
        rows = session.execute(select(Document.url, Document.raw_html, Document.fetched_at,
                                      Document.http_status).order_by(Document.id)).all()
    engine.dispose()
    return [(u, gzip.decompress(raw), at, status) for u, raw, at, status in rows]


# --- export warc --------------------------------------------------------------------


def test_export_warc_holds_every_stored_page_with_its_fetch_date(db_url: str,
                                                                 tmp_path: Path) -> None:
    build(db_url, nul=False)
    out = tmp_path / "pages.warc.gz"
    result = CliRunner().invoke(cli, ["export", "warc", "-o", str(out), "--db", db_url])
    assert result.exit_code == 0, result.output
    records = read_warcs([out])
    assert records[0]["type"] == "warcinfo"
    responses = [r for r in records if r["type"] == "response"]
    pages = stored_pages(db_url)
    assert len(responses) == len(pages) > 10
    for record, (url, body, fetched_at, status) in zip(responses, pages, strict=True):
        assert (record["uri"], record["body"], record["status"]) == (url, body, str(status))
        assert record["date"] == fetched_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        assert record["version"] == "WARC/1.1"
    assert f"{len(pages)} warc pages written" in result.output


def test_export_warc_filters_and_needs_a_file(db_url: str, tmp_path: Path) -> None:
    build(db_url, nul=False)
    runner = CliRunner()
    out = tmp_path / "none.warc.gz"
    result = runner.invoke(cli, ["export", "warc", "--since", "2020-12-06", "-o", str(out),
                                 "--db", db_url])
    assert result.exit_code == 0, result.output
    assert [r["type"] for r in read_warcs([out])] == ["warcinfo"]  # every page: 2020-12-05
    result = runner.invoke(cli, ["export", "warc", "--source", "az", "--until", "2020-12-05",
                                 "-o", str(out), "--db", db_url])
    assert len([r for r in read_warcs([out]) if r["type"] == "response"]) \
        == len(stored_pages(db_url))
    result = runner.invoke(cli, ["export", "warc", "--db", db_url])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == \
        "Error: a WARC export needs a file: -o FILE.warc.gz"


# --- the crawl's files: rotation and failures, in this process ----------------------


def test_files_rotate_at_the_size_limit(tmp_path: Path) -> None:
    files = warc.RotatingWarc(tmp_path, "run", max_bytes=2_000)
    opened: list[str] = []
    closed: list[tuple[str, int, int]] = []
    files.on_open.append(lambda p: opened.append(p.name))
    files.on_close.append(lambda p, n, size: closed.append((p.name, n, size)))
    builder = files.builder()
    now = dt.datetime(2024, 3, 5, tzinfo=dt.UTC)
    noise = random.Random(7)
    bodies = [bytes(noise.getrandbits(8) for _ in range(1_500)) for _ in range(6)]
    for i, body in enumerate(bodies):
        files.write([warc.response_record(builder, f"https://x.example/{i}", status=200,
                                          headers=[("Content-Type", "text/html")], body=body,
                                          when=now)])
    files.close()
    assert len(opened) > 1 and [name for name, _, _ in closed] == opened
    paths = sorted(tmp_path.glob("run-*.warc.gz"))
    assert [p.name for p in paths] == opened
    assert all(size == (tmp_path / name).stat().st_size for name, _, size in closed)
    records = read_warcs(paths)
    assert [r["body"] for r in records if r["type"] == "response"] == bodies
    assert sum(n for _, n, _ in closed) == len(records)


def _recorder(tmp_path: Path, **settings: Any) -> WarcRecorder:
    crawler = get_crawler(settings_dict={"ARCHIVE_WARC_DIR": str(tmp_path / "warc"),
                                         **settings})
    return WarcRecorder.from_crawler(crawler)


def _exchange(i: int) -> tuple[Request, HtmlResponse]:
    request = Request(f"https://mfa.example/en/news/{i}", headers={"User-Agent": "test"})
    response = HtmlResponse(request.url, status=200, body=b"<p>page %d</p>" % i,
                            headers={"Content-Type": "text/html"}, request=request)
    return request, response


def test_a_full_disk_stops_the_recording_with_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    recorder = _recorder(tmp_path)
    request, response = _exchange(1)
    assert recorder.process_response(request, response) is response
    written = list((tmp_path / "warc").glob("*.warc.gz"))

    def full(self: Any, records: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(warc.RotatingWarc, "write", full)
    with caplog.at_level(logging.ERROR, logger="crawler.warc"):
        for i in (2, 3):
            request, response = _exchange(i)
            assert recorder.process_response(request, response) is response
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [(f"WARC recording stopped: cannot write {written[0]}: "
                      "No space left on device (the archive is unaffected)")]
    assert recorder.stopped


def test_an_unwritable_directory_is_one_line(tmp_path: Path,
                                             caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "afile").write_text("not a directory")
    recorder = _recorder(tmp_path, ARCHIVE_WARC_DIR=str(tmp_path / "afile" / "warc"))
    request, response = _exchange(1)
    with caplog.at_level(logging.ERROR, logger="crawler.warc"):
        assert recorder.process_response(request, response) is response
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].startswith("WARC recording stopped: cannot write ")
    assert "Not a directory" in errors[0] and "Traceback" not in caplog.text


# --- a real crawl of the mirror -----------------------------------------------------


def _crawl(db_url: str, base_url: str, warc_dir: Path, *extra: str) -> Any:
    return run_cli("crawl", "az", "--base-url", base_url, "--db", db_url, *FAST,
                   "-s", f"ARCHIVE_WARC_DIR={warc_dir}", *extra)


@pytest.mark.slow  # a crawl of the mirror
def test_a_crawl_writes_every_fetched_page_to_its_warc_files(
        db_url: str, mirror: dict[str, str], tmp_path: Path) -> None:
    warc_dir = tmp_path / "warc"
    result = _crawl(db_url, mirror["az"], warc_dir, "-s", "ARCHIVE_WARC_MAX_BYTES=40000")
    assert result.returncode == 0, result.stderr
    paths = sorted(warc_dir.glob("*.warc.gz"))
    assert len(paths) > 1  # rotated
    records = read_warcs(paths)
    responses = {r["uri"]: r for r in records if r["type"] == "response"}
    requests = [r for r in records if r["type"] == "request"]
    pages = stored_pages(db_url)
    assert pages
    for url, body, _, _ in pages:
        assert responses[url]["body"] == body, url
    assert any("/en/news?page=" in uri for uri in responses)  # listing pages too
    assert {r["concurrent"] for r in requests} == {r["id"] for r in responses.values()}
    assert {r["version"] for r in records} == {"WARC/1.1"}
    # The run names its files, in the table and in `runs --json`.
    runs = run_cli("runs", "--json", "--db", db_url)
    assert runs.returncode == 0, runs.stderr
    run = json.loads(runs.stdout.splitlines()[0])
    assert [Path(f["path"]) for f in run["warc_files"]] == paths
    assert sum(f["records"] for f in run["warc_files"]) == len(records)
    assert all(f["error"] is None and f["closed_at"] for f in run["warc_files"])
    assert [f["bytes"] for f in run["warc_files"]] == [p.stat().st_size for p in paths]


@pytest.mark.slow  # a crawl of the mirror
def test_a_warc_directory_that_cannot_be_written_costs_the_archive_nothing(
        db_url: str, mirror: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("not a directory")
    warc_dir = tmp_path / "afile" / "warc"
    result = _crawl(db_url, mirror["az"], warc_dir)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = [ln for ln in result.stderr.splitlines() if "WARC" in ln]
    assert len(lines) == 1 and "WARC recording stopped: cannot write" in lines[0], lines
    assert "Not a directory" in lines[0]
    pages = stored_pages(db_url)
    assert len(pages) >= 40
    engine = make_engine(db_url, read_only=True)
    with Session(engine) as session:
        run = session.execute(select(CrawlRun)).scalar_one()
        assert run.status == "completed" and run.releases_new == len(pages)
        files = session.execute(select(WarcFile)).scalars().all()
        assert len(files) == 1 and files[0].error and "Not a directory" in files[0].error
        errors = session.execute(select(CrawlError.reason)).scalars().all()
        assert [e for e in errors if e.startswith("WARC not written")]
    engine.dispose()
    result = run_cli("runs", "--db", db_url)
    assert "error: [Errno 20] Not a directory" in result.stdout


def test_a_record_that_cannot_be_built_costs_no_page(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    recorder = _recorder(tmp_path)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("bad header\nsecond line")

    monkeypatch.setattr(warc, "response_record", broken)
    request, response = _exchange(1)
    with caplog.at_level(logging.ERROR, logger="crawler.warc"):
        assert recorder.process_response(request, response) is response
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].endswith(
        ": ValueError: bad header (the archive is unaffected)")
