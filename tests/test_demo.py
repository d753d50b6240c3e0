"""`make demo`: every source crawled from its mirror; run twice, it passes twice."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.demo import demo_exit_code, demo_problems
from crawler.mirror.sites import SITES
from crawler.registry import all_sources
from crawler.run import CrawlOutcome
from db.models import Document
from db.session import make_engine
from tests.conftest import run_cli


def _outcome(source: str, status: str, *, new: int = 0, failed: int = 0,
             blocked: int = 0) -> CrawlOutcome:
    return CrawlOutcome(source=source, status=status, run_id=1, new=new, changed=0,
                        unchanged=0, failed=failed, blocked=blocked, listing_pages=1)


KNOWN = {source.key for source in all_sources()}
WALLED = next(k for k in sorted(SITES) if SITES[k].walled and k in KNOWN)
PLAIN = next(k for k in sorted(SITES) if not SITES[k].walled and k in KNOWN)


def test_first_run_meets_the_walls_a_rerun_may_not() -> None:
    walls = len(SITES[WALLED].walled)
    first = [_outcome(WALLED, "completed_with_errors", new=5, blocked=walls),
             _outcome(PLAIN, "completed", new=5)]
    again = [_outcome(WALLED, "completed"), _outcome(PLAIN, "completed")]
    assert demo_exit_code(first) == 0 and demo_problems(first) == []
    assert demo_exit_code(again) == 0 and demo_problems(again) == []


@pytest.mark.parametrize(("outcome", "says"), [
    (_outcome(PLAIN, "completed_with_errors", failed=1), "1 releases failed"),
    (_outcome(PLAIN, "completed_with_errors", blocked=1), "1 releases blocked"),
    (_outcome(PLAIN, "failed"), "ended failed"),
    (_outcome(PLAIN, "completed_with_errors"), "ended with errors"),
])
def test_what_fails_the_demo_is_said(outcome: CrawlOutcome, says: str) -> None:
    assert demo_exit_code([outcome]) != 0
    assert any(says in line for line in demo_problems([outcome]))


@pytest.mark.slow  # two real crawls of every mirror
def test_demo_twice(tmp_path: Path) -> None:
    started = time.monotonic()
    first = run_cli("demo", "--dir", str(tmp_path), timeout=400)
    took = time.monotonic() - started
    assert first.returncode == 0, first.stderr[-3000:]
    engine = make_engine(f"sqlite:///{tmp_path / 'archive.sqlite'}")
    with Session(engine) as s:
        stored = s.scalar(select(func.count()).select_from(Document))
    encounters = (tmp_path / "encounters.csv").read_text(encoding="utf-8")
    assert "https://mfa.gov.az/en/news/no57326" in encounters  # az and by report one encounter
    second = run_cli("demo", "--dir", str(tmp_path), timeout=400)
    assert second.returncode == 0, second.stderr[-3000:]
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Document)) == stored, "adds nothing"
    assert (tmp_path / "encounters.csv").read_text(encoding="utf-8") == encounters
    engine.dispose()
    assert stored and (tmp_path / "documents.csv").is_file()
    print(f"demo: {stored} documents, first run {took:.0f}s")
