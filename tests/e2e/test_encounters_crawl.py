"""End to end: crawls of the az, by, am, ru, cn and pk mirrors link their encounters as runs end.

The crawl (one Scrapy process, tests.e2e.crawl_mirrors) stores the releases;
each run's end links them (crawler/extensions.py -> db/encounters.py). Every
pair of crawler/mirror/data/encounters.toml among these sources must be one
encounter, every distractor not; a second, full crawl changes no encounter.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.mirror.sites import SITES
from db.models import CrawlRun, Document, Encounter, EncounterMeeting, EncounterRun, Meeting
from db.session import make_engine
from tests.e2e.test_sources import _crawl

KEYS = ("am", "az", "by", "cn", "pk", "ru")
CASES = tomllib.loads(resources.files("crawler.mirror").joinpath("data/encounters.toml")
                      .read_text("utf-8"))


def _url(ref: str) -> str:
    key, slug = ref.split(":", 1)
    site = SITES[key]()
    return site.archived_url(next(r for r in site.releases if r.slug == slug))


def _ours(case: dict[str, Any]) -> bool:
    return all(case[k].split(":")[0] in KEYS for k in ("a", "b"))


def _read(db_url: str) -> tuple[dict[str, str], list[tuple[Any, ...]], list[bool]]:
    engine = make_engine(db_url)
    with Session(engine) as s:
        linked = dict(s.execute(select(Document.url, Encounter.key)
                                .join(Meeting, Meeting.document_id == Document.id)
                                .join(EncounterMeeting, EncounterMeeting.meeting_id == Meeting.id)
                                .join(Encounter, Encounter.id == EncounterMeeting.encounter_id)).all())
        rows = [tuple(r) for r in s.execute(
            select(Encounter.id, Encounter.key, EncounterMeeting.meeting_id)
            .join(EncounterMeeting, EncounterMeeting.encounter_id == Encounter.id)
            .order_by(Encounter.id, EncounterMeeting.meeting_id))]
        linked_runs = set(s.scalars(select(EncounterRun.run_id)))
        built = [run in linked_runs for run in s.scalars(select(CrawlRun.id))]
    engine.dispose()
    return linked, rows, built


@pytest.mark.slow  # real crawls of six mirrors
@pytest.mark.timeout(900)
def test_crawls_link_the_encounters_two_ministries_report(db_url: str,
                                                          mirror: dict[str, str]) -> None:
    urls = {k: mirror[k] for k in KEYS}
    outcomes = _crawl(db_url, urls)
    assert {k: o["status"] for k, o in outcomes.items()}.keys() == set(KEYS)
    linked, rows, built = _read(db_url)
    assert built and all(built)
    pairs = [c for c in CASES["pair"] if _ours(c)]
    assert len(pairs) >= 3
    for case in pairs:
        a, b = _url(case["a"]), _url(case["b"])
        assert a in linked and linked[a] == linked.get(b), case["why"]
    for case in CASES["distinct"]:
        if not _ours(case):
            continue
        a, b = _url(case["a"]), _url(case["b"])
        assert linked.get(a) is None or linked[a] != linked.get(b), case["why"]
        if case.get("alone"):
            assert a not in linked, case["why"]

    _crawl(db_url, urls, "--full")  # every release again: the same encounters, the same rows
    again, rows_again, built_again = _read(db_url)
    assert again == linked and rows_again == rows and all(built_again)
