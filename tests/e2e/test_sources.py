"""Every source crawled end to end from its mirror: each release once, dated, with its text."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.mirror.sites import SITES
from crawler.registry import all_sources
from db.models import CrawlError, CrawlRun, Document
from db.session import make_engine
from tests.conftest import FAST, run_cli

pytestmark = pytest.mark.slow  # a real crawl of every source's mirror


# Coded sources; the declared ones join with the generic mirror (issue 12, part 2).
@pytest.mark.parametrize("key", [s.key for s in all_sources() if s.kind == "coded"])
def test_source_crawls_its_mirror(key: str, tmp_path: Path, mirror: dict[str, str]) -> None:
    site = SITES[key]()
    db_url = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    result = run_cli("crawl", key, "--base-url", mirror[key], "--db", db_url, *FAST)
    expected_code = 1 if site.walled else 0
    assert result.returncode == expected_code, result.stderr[-3000:]
    engine = make_engine(db_url)
    with Session(engine) as conn:
        docs = conn.execute(select(Document.url, Document.title, Document.published,
                                   Document.text, Document.language)).all()
        run = conn.execute(select(CrawlRun)).scalar_one()
        blocked = conn.scalars(select(CrawlError.url).where(CrawlError.blocked)).all()
    engine.dispose()
    assert sorted(d.url for d in docs) == sorted(site.expected_urls())
    by_url = {site.archived_url(r): r for r in site.releases}
    for doc in docs:
        release = by_url[doc.url]
        assert doc.published == release.published, doc.url
        assert doc.title == release.title, doc.url
        assert release.paragraphs[0][:60] in doc.text, doc.url
    assert run.releases_blocked == len(site.walled)
    assert len(blocked) == len(site.walled)
    assert run.status == ("completed_with_errors" if site.walled else "completed")
