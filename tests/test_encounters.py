"""One encounter reported by two ministries: the rule, the table's rebuilds, the export.

The rule's cases are written for the test. The archive tests store every English
release of the mirrors (their texts through the record extractor, as a crawl
would) and check crawler/mirror/data/encounters.toml: every documented pair is
one encounter, and the same-day meetings that share one participant are not.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import random
import tomllib
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select, text, update

from crawler.cli import cli
from crawler.extract import TEXT_EXTRACTOR_VERSION
from crawler.mirror.declared import DeclaredMirror
from crawler.mirror.sites import SITES
from crawler.records import EXTRACTOR_VERSION
from crawler.records.model import Records
from crawler.registry import all_sources, get_source
from crawler.release import records_for
from db import documents, encounters, runs
from db.encounter_rule import (
    Attendee,
    Report,
    encounter_kind,
    kinds_compatible,
    same_person,
    score,
    surname_keys,
)
from db.encounter_rule import encounters as match
from db.migrate import upgrade
from db.models import CrawlRun, Document, Encounter, EncounterMeeting, EncounterRun, Meeting
from db.release import ReleaseRecord
from db.session import make_engine, make_sessionmaker

# --- the rule ------------------------------------------------------------------------------------

DAY = dt.date(2026, 10, 27)


def person(pid: int | None, name: str | None, country: str | None, **kw: Any) -> Attendee:
    return Attendee(pid, name, country, **kw)


BAYRAMOV = person(1, "Jeyhun Bayramov", "AZ")
RYZHENKOV = person(2, "Maxim Ryzhenkov", "BY")
BOTCHORISHVILI = person(3, "Maka Botchorishvili", "GE")


def report(mid: int, source: str, *people: Attendee, date: dt.date = DAY,
           kind: str = "meeting") -> Report:
    return Report(mid, source, date, kind, people)


def test_kind_compatibility_table() -> None:
    in_person = ("meeting", "talks", "visit", "reception", "other")
    for one in in_person:
        assert all(kinds_compatible(one, two) for two in in_person)
        assert not kinds_compatible(one, "phone_call") and not kinds_compatible(one, "video_call")
    assert kinds_compatible("phone_call", "video_call") and kinds_compatible("phone_call", "phone_call")
    assert not kinds_compatible("phone_call", "unknown")


def test_surname_keys_fold_and_read_surname_first_capitals() -> None:
    assert surname_keys("Sergey Lavrov") == surname_keys("Sergei LAVROV") == {"lavrov"}
    assert surname_keys("MOTEGI Toshimitsu") == {"motegi", "toshimitsu"}
    assert "motegi" in surname_keys("Toshimitsu Motegi")
    assert surname_keys("Jan Lipavský") == {"lipavsky"}
    assert surname_keys("") == frozenset()


def test_same_person_by_id_or_country_and_surname_never_across_countries() -> None:
    assert same_person(person(7, "Abbas Araghchi", "IR"), person(7, "Seyed Abbas Araghchi", None))
    assert same_person(person(8, "Sergey Lavrov", "RU"), person(9, "Sergei Lavrov", "RU"))
    assert same_person(person(8, "MOTEGI Toshimitsu", "JP"), person(9, "Toshimitsu Motegi", "JP"))
    # two people who share a surname but serve different countries are two people
    assert not same_person(person(10, "Ali Khan", "PK"), person(11, "Sara Khan", "GB"))
    # unnamed office holders and groups are never a shared person
    assert not same_person(person(None, None, "GB"), person(None, None, "GB"))
    assert not same_person(person(12, "Delegation", "CN", group=True),
                           person(12, "Delegation", "CN", group=True))


def test_two_shared_people_link_across_sources_within_a_day() -> None:
    az = report(1, "az", BAYRAMOV, RYZHENKOV)
    by = report(2, "by", person(20, "Maxim Ryzhenkov", "BY"), person(21, "Jeyhun Bayramov", "AZ"),
                date=DAY + dt.timedelta(days=1), kind="visit")
    assert score(az, by) is not None
    assert score(az, report(3, "az", BAYRAMOV, RYZHENKOV)) is None  # the same source
    assert score(az, report(4, "by", BAYRAMOV, RYZHENKOV, date=DAY + dt.timedelta(days=2))) is None
    assert score(az, report(5, "by", BAYRAMOV, RYZHENKOV, kind="phone_call")) is None


def test_one_shared_person_links_only_a_meeting_of_the_same_two_sides() -> None:
    az = report(1, "az", BAYRAMOV, RYZHENKOV)
    # Belarus names its minister and "the Azerbaijani Foreign Minister" unnamed: the same sides
    by_same_sides = report(2, "by", RYZHENKOV, person(None, None, "AZ"))
    assert score(az, by_same_sides) is not None
    # the same day, Bayramov also met Georgia's minister: one shared person, other sides
    ge = report(3, "ge", BOTCHORISHVILI, BAYRAMOV)
    assert score(az, ge) is None
    # three sides on one side, two on the other: one shared person is not enough
    assert score(az, report(4, "by", RYZHENKOV, person(None, None, "AZ"), BOTCHORISHVILI)) is None


def test_a_meeting_links_to_one_report_per_source_the_best_one() -> None:
    cn = report(1, "cn", person(1, "Wang Yi", "CN"), person(2, "Mohammad Ishaq Dar", "PK"))
    pk_wang = report(2, "pk", person(2, "Mohammad Ishaq Dar", "PK"), person(1, "Wang Yi", "CN"))
    pk_han = report(3, "pk", person(2, "Mohammad Ishaq Dar", "PK"), person(4, "Han Zheng", "CN"))
    assert score(cn, pk_han) is not None  # alone, the one-person rule would take it
    assert match([pk_han, cn, pk_wang]) == [(1, 2)]
    assert match([cn, pk_han]) == [(1, 3)]


def test_encounters_do_not_depend_on_input_order_and_join_three_sources() -> None:
    lavrov, mirzoyan = person(1, "Sergey Lavrov", "RU"), person(2, "Ararat Mirzoyan", "AM")
    kulubaev = person(3, "Zheenbek Kulubaev", "KG")
    reports = [
        report(10, "am", mirzoyan, lavrov), report(11, "ru", lavrov, mirzoyan),
        report(12, "ru", lavrov, kulubaev), report(13, "kg", kulubaev, lavrov),
        report(14, "by", person(5, "Maxim Ryzhenkov", "BY"), lavrov),  # shares Lavrov only
        report(15, "cn", lavrov, mirzoyan, person(6, "Wang Yi", "CN")),
        report(16, "in", lavrov, mirzoyan, person(6, "Wang Yi", "CN")),
    ]
    expected = match(reports)
    for seed in range(5):
        shuffled = reports[:]
        random.Random(seed).shuffle(shuffled)
        assert match(shuffled) == expected
    assert (12, 13) in expected
    assert not any(14 in group for group in expected)
    assert all(len({r.source for r in reports if r.meeting_id in g}) == len(g) for g in expected)
    assert any({10, 11} <= set(g) for g in expected)


def test_encounter_kind() -> None:
    assert encounter_kind(["visit", "visit"]) == "visit"
    assert encounter_kind(["visit", "meeting"]) == "meeting"
    assert encounter_kind(["phone_call", "video_call"]) == "video_call"


# --- the mirrors' encounters in an archive -------------------------------------------------------

CASES = tomllib.loads(resources.files("crawler.mirror").joinpath("data/encounters.toml")
                      .read_text("utf-8"))


@cache
def mirror_releases() -> dict[str, list[tuple[str, ReleaseRecord]]]:
    """Every English release of every mirror, extracted as a crawl extracts its text."""
    found: dict[str, list[tuple[str, ReleaseRecord]]] = {}
    keys = sorted(set(SITES) & {s.key for s in all_sources()})
    for key in keys:
        site = SITES[key]()
        source = get_source(key)
        language = site.language if isinstance(site, DeclaredMirror) else source.language
        if language != "en":
            continue
        for r in site.releases:
            text = "\n".join(r.paragraphs)
            records = records_for(text, title=r.title, published=r.published, language="en",
                                  country=source.country)
            found.setdefault(key, []).append((r.slug, ReleaseRecord(
                url=site.archived_url(r), title=r.title, published=r.published, language="en",
                text=text, raw_html=gzip.compress(text.encode()), raw_hash=documents.content_hash(text),
                encoding="utf-8", http_status=200,
                fetched_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
                text_extractor=TEXT_EXTRACTOR_VERSION,  # reextract rebuilds records from the text
                records=records, records_extractor=EXTRACTOR_VERSION)))
    return found


def _store(db_url: str, *, link: bool) -> dict[str, int]:
    """Store every mirror release, one run per source; ``{"key:slug": document id}``."""
    engine = make_engine(db_url)
    try:
        return _store_all(engine, link=link)
    finally:
        engine.dispose()


def _store_all(engine: Any, *, link: bool) -> dict[str, int]:
    upgrade(engine)
    ids: dict[str, int] = {}
    with make_sessionmaker(engine).begin() as s:
        for key, items in sorted(mirror_releases().items()):
            source = get_source(key)
            source_id = runs.ensure_source(s, key=key, country=source.country,
                                           ministry=source.ministry, listing_url=source.listing_url)
            run_id = runs.start_run(s, source_id=source_id, base_url=None)
            for _slug, release in items:
                documents.store_release(s, source_id=source_id, run_id=run_id, release=release)
            if link:
                encounters.rebuild_after_run(s, run_id)
        for key, items in mirror_releases().items():
            for slug, release in items:
                ids[f"{key}:{slug}"] = s.scalars(select(Document.id)
                                                 .where(Document.url == release.url)).one()
    return ids


def _linked(db_url: str) -> dict[int, int]:
    """``{document id: encounter id}`` for every linked meeting."""
    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(select(Meeting.document_id, EncounterMeeting.encounter_id)
                            .join(EncounterMeeting, EncounterMeeting.meeting_id == Meeting.id)).all()
    engine.dispose()
    return dict(rows)


def _snapshot(db_url: str) -> list[tuple[Any, ...]]:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(select(Encounter.id, Encounter.key, Encounter.date, Encounter.kind,
                                   Encounter.reports, EncounterMeeting.meeting_id)
                            .join(EncounterMeeting, EncounterMeeting.encounter_id == Encounter.id)
                            .order_by(Encounter.id, EncounterMeeting.meeting_id)).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def _rebuild_all(db_url: str) -> encounters.BuildStats:
    engine = make_engine(db_url)
    try:
        return encounters.rebuild_archive(engine)
    finally:
        engine.dispose()


@pytest.fixture
def archive(db_url: str) -> Iterator[tuple[str, dict[str, int]]]:
    """The mirrors' English releases, linked run by run as crawls link them."""
    yield db_url, _store(db_url, link=True)


def test_every_documented_pair_is_one_encounter(archive: tuple[str, dict[str, int]]) -> None:
    db_url, ids = archive
    linked = _linked(db_url)
    missing = [(p["a"], p["b"]) for p in CASES["pair"]
               if linked.get(ids[p["a"]]) is None or linked.get(ids[p["a"]]) != linked.get(ids[p["b"]])]
    assert not missing
    assert {"az", "by", "am", "ru", "cn", "pk"} <= {p[k].split(":")[0] for p in CASES["pair"]
                                                     for k in ("a", "b")}


def test_same_day_meetings_sharing_one_participant_are_not_linked(
        archive: tuple[str, dict[str, int]]) -> None:
    db_url, ids = archive
    linked = _linked(db_url)
    for case in CASES["distinct"]:
        a, b = ids[case["a"]], ids[case["b"]]
        assert linked.get(a) is None or linked.get(a) != linked.get(b), case["why"]
        if case.get("alone"):
            assert a not in linked, case["why"]


def test_rebuild_is_idempotent_and_equals_the_run_by_run_links(
        archive: tuple[str, dict[str, int]]) -> None:
    db_url, _ids = archive
    before = _snapshot(db_url)
    assert before
    first = _rebuild_all(db_url)
    assert (first.added, first.removed) == (0, 0)  # the runs' partial rebuilds were exact
    assert _snapshot(db_url) == before
    again = _rebuild_all(db_url)
    assert (again.added, again.removed, again.kept) == (0, 0, first.kept)
    assert _snapshot(db_url) == before


def test_the_table_holds_what_the_rule_gives_over_the_whole_archive_in_any_chunking(
        archive: tuple[str, dict[str, int]]) -> None:
    db_url, _ids = archive
    engine = make_engine(db_url)
    sessions = make_sessionmaker(engine)
    try:
        with sessions.begin() as s:
            expected = encounters.expected_groups(s)
            assert len(expected) >= len(CASES["pair"])
            assert encounters.stored_groups(s) == expected  # as the runs left it
            s.execute(delete(Encounter))
            stats = encounters.rebuild_all(s, chunk=37)  # many small steps, across day borders
            assert encounters.stored_groups(s) == expected
            assert stats.added == len(expected) and stats.meetings > 100
            changes = text("SELECT total_changes()") if s.get_bind().dialect.name == "sqlite" \
                else None
            before = s.scalar(changes) if changes is not None else None
            again = encounters.rebuild_all(s, chunk=11)
            assert (again.added, again.removed, again.kept) == (0, 0, len(expected))
            if changes is not None:  # nothing changed, so nothing was written
                assert s.scalar(changes) == before
    finally:
        engine.dispose()


def test_reextraction_that_loses_a_meeting_unlinks_and_relinks_with_the_same_key(
        archive: tuple[str, dict[str, int]]) -> None:
    db_url, ids = archive
    pair = CASES["pair"][0]
    document = ids[pair["a"]]
    before = _snapshot(db_url)
    engine = make_engine(db_url)
    sessions = make_sessionmaker(engine)
    release = dict(mirror_releases()[pair["a"].split(":")[0]])[pair["a"].split(":", 1)[1]]
    with sessions.begin() as s:  # the release now yields no meeting
        documents.store_records(s, document, Records(meetings=(), statements=()), version="x")
        encounters.rebuild_for_documents(s, [document])
    assert document not in _linked(db_url)
    assert ids[pair["b"]] not in _linked(db_url)
    with sessions.begin() as s:  # and then yields it again
        documents.store_records(s, document, release.records, version=EXTRACTOR_VERSION)
        encounters.rebuild_for_documents(s, [document])
    engine.dispose()
    after = _snapshot(db_url)
    keys = {r[1] for r in before}
    assert {r[1] for r in after} == keys
    assert _linked(db_url)[document] == _linked(db_url)[ids[pair["b"]]]


def test_a_run_killed_before_linking_is_linked_by_the_next_run(db_url: str) -> None:
    ids = _store(db_url, link=False)  # as if every run had been killed before its end
    assert not _linked(db_url)
    engine = make_engine(db_url)
    with make_sessionmaker(engine).begin() as s:
        source_id = s.scalar(select(CrawlRun.source_id).limit(1))
        s.execute(update(CrawlRun).values(status="interrupted"))
        run_id = runs.start_run(s, source_id=runs.ensure_source(
            s, key="az", country="AZ", ministry="", listing_url=""), base_url=None)
        assert source_id is not None
        encounters.rebuild_after_run(s, run_id)  # az's next run links what az holds
        built = {i: i in set(s.scalars(select(EncounterRun.run_id)))
                 for i in s.scalars(select(CrawlRun.id))}
    engine.dispose()
    pair = next(p for p in CASES["pair"] if p["a"].startswith("az:"))
    linked = _linked(db_url)
    assert linked[ids[pair["a"]]] == linked[ids[pair["b"]]]
    az_runs = {i for i, done in built.items() if done}
    assert run_id in az_runs and len(az_runs) == 2  # az's killed run and this one


def test_export_encounters_gives_both_reports_side_by_side(
        archive: tuple[str, dict[str, int]]) -> None:
    db_url, _ids = archive
    result = CliRunner().invoke(cli, ["export", "encounters", "--db", db_url])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == list(encounters_columns())
    pair = CASES["pair"][0]
    (row,) = [r for r in rows if {r["source_a"], r["source_b"]} == {"az", "by"}
              and "no57326" in r["url_a"] + r["url_b"]]
    assert row["source_a"] == "az" and row["url_a"].endswith("no57326")
    assert row["url_b"].endswith("de8aa58d3ef2cfaf.html") and "Ryzhenkov" in row["title_b"]
    assert row["date"] == "2026-10-27" and row["kind"] == "meeting"
    assert "Maxim Ryzhenkov" in row["participants_a"] and "Jeyhun Bayramov" in row["participants_b"]
    assert pair["a"] == "az:no57326"
    assert all(r["source_a"] < r["source_b"] for r in rows)
    keys = [r["encounter_id"] for r in rows]
    assert len(set(keys)) >= len(CASES["pair"])
    only_pk = CliRunner().invoke(cli, ["export", "encounters", "--db", db_url, "--source", "pk",
                                       "--format", "jsonl"])
    assert only_pk.exit_code == 0 and only_pk.stdout.count("\n") == 1
    assert "wang-yi-in-beijing" in only_pk.stdout


def encounters_columns() -> tuple[str, ...]:
    from db.encounters_export import COLUMNS

    return COLUMNS


def test_cli_rebuild_reports_counts_and_is_idempotent(archive: tuple[str, dict[str, int]]) -> None:
    db_url, _ids = archive
    engine = make_engine(db_url)
    with make_sessionmaker(engine).begin() as s:
        s.execute(delete(Encounter))
    engine.dispose()
    first = CliRunner().invoke(cli, ["encounters", "rebuild", "--db", db_url])
    assert first.exit_code == 0, first.output
    count = len({r[1] for r in _snapshot(db_url)})
    assert f"{count} encounters" in first.stderr and f"{count} added" in first.stderr
    second = CliRunner().invoke(cli, ["encounters", "rebuild", "--db", db_url])
    assert second.exit_code == 0
    assert "0 added, 0 removed" in second.stderr and f"{count} unchanged" in second.stderr


def test_export_encounters_as_parquet_has_typed_described_columns(
        archive: tuple[str, dict[str, int]], tmp_path: Any) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    db_url, _ids = archive
    out = tmp_path / "encounters.parquet"
    result = CliRunner().invoke(cli, ["export", "encounters", "--db", db_url, "--format",
                                      "parquet", "-o", str(out)])
    assert result.exit_code == 0, result.output
    as_csv = CliRunner().invoke(cli, ["export", "encounters", "--db", db_url])
    read = pq.read_table(out)
    assert read.num_rows == as_csv.stdout.count("\n") - 1 > 0
    assert read.schema.field("date").type == pa.date32()
    assert b"description" in (read.schema.field("url_a").metadata or {})
    refused = CliRunner().invoke(cli, ["export", "encounters", "--db", db_url, "--format", "parquet"])
    assert refused.exit_code != 0 and "needs a file" in refused.output


def _drop_encounters_and_age_records(db_url: str) -> None:
    engine = make_engine(db_url)
    with make_sessionmaker(engine).begin() as s:
        s.execute(delete(Encounter))
        s.execute(update(Document).values(records_extractor="records-0"))
    engine.dispose()


def test_reextract_links_the_rebuilt_meetings_again(archive: tuple[str, dict[str, int]]) -> None:
    from crawler.reextract import reextract_archive

    db_url, _ids = archive
    before = {(r[1], r[5]) for r in _snapshot(db_url)}
    _drop_encounters_and_age_records(db_url)
    engine = make_engine(db_url)
    try:
        stats = reextract_archive(engine, workers=1)
    finally:
        engine.dispose()
    assert stats["failed"] == 0 and stats["encounters"] == len({k for k, _ in before})
    assert {(r[1], r[5]) for r in _snapshot(db_url)} == before


@pytest.mark.postgres
def test_reextract_workers_link_each_batch(tmp_path: Any) -> None:
    from crawler.reextract_worker import run_worker
    from tests.conftest import fresh_database

    with fresh_database("postgres", tmp_path) as db_url:
        _store(db_url, link=True)
        before = {(r[1], r[5]) for r in _snapshot(db_url)}
        _drop_encounters_and_age_records(db_url)
        engine = make_engine(db_url)
        try:
            stats = run_worker(engine, batch=40)
        finally:
            engine.dispose()
        assert stats.batches > 1 and stats.failed == 0
        assert {(r[1], r[5]) for r in _snapshot(db_url)} == before


def test_a_run_end_retries_linking_aborted_by_a_concurrent_writer_then_leaves_it_to_the_next(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from scrapy.utils.test import get_crawler
    from sqlalchemy.exc import IntegrityError

    from crawler.extensions import ArchiveRun, RunState

    engine = make_engine(sqlite_url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as s:
        run_id = runs.start_run(s, source_id=runs.ensure_source(
            s, key="az", country="AZ", ministry="", listing_url=""), base_url=None)
    calls: list[int] = []
    real = encounters.rebuild_after_run

    def flaky(session: Any, run: int, *, fail: int) -> encounters.BuildStats:
        calls.append(run)
        if len(calls) <= fail:
            raise IntegrityError("INSERT INTO encounter_meetings", {}, Exception("FOREIGN KEY"))
        return real(session, run)

    from scrapy.statscollectors import MemoryStatsCollector

    crawler = get_crawler(settings_dict={"ARCHIVE_DB_URL": sqlite_url})
    crawler.stats = MemoryStatsCollector(crawler)
    recorder = ArchiveRun(crawler)
    state = RunState(source_id=1, run_id=run_id, sessions=sessions)
    monkeypatch.setattr(encounters, "rebuild_after_run", lambda s, r: flaky(s, r, fail=2))
    recorder._link_encounters(state)
    assert len(calls) == 3 and crawler.stats.get_value("archive/encounters_added") == 0
    with sessions.begin() as s:
        assert s.scalar(select(EncounterRun.run_id).where(EncounterRun.run_id == run_id))
        s.execute(delete(EncounterRun))
    calls.clear()
    monkeypatch.setattr(encounters, "rebuild_after_run", lambda s, r: flaky(s, r, fail=9))
    recorder._link_encounters(state)  # gives up with one warning, never raises
    assert len(calls) == 3 and "could not link the encounters" in caplog.text
    with sessions.begin() as s:
        assert not s.scalar(select(EncounterRun.run_id).where(EncounterRun.run_id == run_id))
    engine.dispose()


def test_the_browse_query_lists_another_ministrys_report(sqlite_url: str) -> None:
    import json

    from db.queries import CANNED_QUERIES

    db_url = sqlite_url  # browse serves SQLite archives
    _store(db_url, link=True)
    sql = CANNED_QUERIES["encounters_reported_by"]["sql"]
    result = CliRunner().invoke(cli, ["query", sql, "-p", "source", "AZ", "--format", "json",
                                      "--db", db_url])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["url"], r["other_source"]) for r in rows] == [
        ("https://mfa.gov.az/en/news/no57326", "by")]
