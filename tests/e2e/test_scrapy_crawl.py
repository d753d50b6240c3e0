"""`scrapy crawl` (what a Scrapyd job runs) records its run exactly as `mfa-archive crawl` does.

The run's lifecycle lives in the ArchiveRun extension, configured in the project's
settings, so no CLI code is needed for a crawl to take its lock, write its run row,
load its frontier and record its status and counts.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import CrawlRun, Document, FrontierEntry, Source
from db.session import make_engine
from tests.conftest import FAST, ROOT, run_cli

pytestmark = pytest.mark.slow


def _scrapy_crawl(source: str, db_url: str, base_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ}
    env.pop("MFA_ARCHIVE_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", source, "-s", f"ARCHIVE_DB_URL={db_url}",
         "-s", f"ARCHIVE_BASE_URL={base_url}", *FAST],
        capture_output=True, text=True, timeout=240, cwd=ROOT, env=env, check=False,
    )


def _archive(db_url: str) -> tuple[tuple[object, ...], list[tuple[object, ...]], list[str]]:
    engine = make_engine(db_url)
    with Session(engine) as session:
        run = session.execute(select(CrawlRun)).scalar_one()
        run_facts = (run.status, run.mode, run.finish_reason, run.releases_new,
                     run.releases_failed, run.releases_blocked, run.listing_pages,
                     run.listing_complete, run.finished_at is not None)
        documents = session.execute(select(Document.url, Document.title, Document.published,
                                           Document.content_hash).order_by(Document.url)).all()
        stored = session.scalars(select(FrontierEntry.url).where(FrontierEntry.state == "stored")
                                 .order_by(FrontierEntry.url)).all()
        assert session.scalar(select(Source.key)) == "az"
    engine.dispose()
    return run_facts, [tuple(d) for d in documents], list(stored)


def test_scrapy_crawl_records_its_run_like_mfa_archive_crawl(
        db_url: str, mirror: dict[str, str], tmp_path: Path) -> None:
    scrapy_db = db_url
    cli_db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    result = _scrapy_crawl("az", scrapy_db, mirror["az"])
    assert result.returncode == 0, result.stderr[-2000:]
    cli = run_cli("crawl", "az", "--base-url", mirror["az"], "--db", cli_db, *FAST)
    assert cli.returncode == 0, cli.stderr[-2000:]

    scrapy_run, scrapy_docs, scrapy_frontier = _archive(scrapy_db)
    cli_run, cli_docs, cli_frontier = _archive(cli_db)
    assert scrapy_run == cli_run
    assert scrapy_run[0] == "completed" and scrapy_run[3] == len(scrapy_docs) > 40
    assert scrapy_docs == cli_docs
    assert scrapy_frontier == cli_frontier == [url for url, *_ in scrapy_docs]


def test_a_second_scrapy_crawl_is_incremental_and_a_held_lock_refuses(
        sqlite_url: str, mirror: dict[str, str]) -> None:
    from db.locks import SourceLock

    assert _scrapy_crawl("az", sqlite_url, mirror["az"]).returncode == 0
    engine = make_engine(sqlite_url)
    with SourceLock(engine, "az") as lock:
        assert lock.acquire()
        refused = _scrapy_crawl("az", sqlite_url, mirror["az"])
    again = _scrapy_crawl("az", sqlite_url, mirror["az"])
    assert again.returncode == 0, again.stderr[-2000:]
    with Session(engine) as session:
        runs = session.execute(select(CrawlRun.mode, CrawlRun.status, CrawlRun.releases_new,
                                      CrawlRun.listing_pages).order_by(CrawlRun.id)).all()
    engine.dispose()
    assert "lock held" in refused.stderr
    # The refused crawl wrote no run; the next one is incremental and stops at page 1.
    assert [tuple(r) for r in runs][1:] == [("incremental", "completed", 0, 1)]
    assert runs[0][1] == "completed" and len(runs) == 2
