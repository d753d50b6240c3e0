"""``export events``: meetings as dyadic PLOVER/CAMEO events with ids stable across re-extraction."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from crawler.browse import CODEBOOK
from crawler.cli import cli
from crawler.extract import TEXT_EXTRACTOR_VERSION
from crawler.records import EXTRACTOR_VERSION, Records
from crawler.reextract import _extract, _TextJob, reextract_archive
from db import documents, events, runs
from db.migrate import upgrade
from db.session import make_engine, make_sessionmaker
from tests.test_documents import M, P, R, release


@pytest.mark.parametrize(("kind", "role1", "role2", "location", "mode", "cameo"), [
    ("phone_call", None, None, None, "phone", "041"),
    ("video_call", None, None, None, "video", "040"),
    ("visit", "guest", "host", "Baku", "visit", "042"),
    ("visit", "host", "guest", "Baku", "visit", "043"),
    ("visit", None, None, "Baku", "visit", "040"),
    ("reception", "host", "guest", None, "reception", "043"),
    ("reception", "guest", "host", None, "reception", "042"),
    ("reception", None, "host", None, "reception", "042"),
    ("meeting", "guest", "host", "Minsk", "visit", "042"),
    ("talks", "host", None, None, "visit", "043"),
    ("meeting", "guest", "guest", "Geneva", "third-location", "044"),
    ("meeting", None, None, "New York", "third-location", "044"),
    ("talks", None, None, "New York", "third-location", "044"),
    ("meeting", None, None, None, None, "040"),
    ("meeting", None, "guest", "Baku", None, "040"),
    ("other", None, None, "Baku", None, "040"),
])
def test_kind_and_roles_map_to_plover_mode_and_cameo(
    kind: str, role1: str | None, role2: str | None, location: str | None, mode: str | None,
    cameo: str,
) -> None:
    assert events.classify(kind, role1, role2, location) == (mode, cameo)


def test_iso3() -> None:
    assert [events.iso3(c) for c in ("AZ", "by", "XK", None, "ZZ")] \
        == ["AZE", "BLR", "XKX", None, None]


MEETINGS = R(meetings=(
    M(dt.date(2024, 3, 5), "meeting", "Baku", (
        P("Jeyhun Bayramov", "Minister of Foreign Affairs", "AZ", role="host"),
        P("Rashad Aliyev", "Deputy Minister", "AZ", role="host"),
        P("Gennady Akhramovich", "Ambassador of Belarus", "BY", role="guest"),
        P("Anna Berg", "Special Representative", None, "OSCE"),
        P("Nobody Known", None, None),
    )),
    M(dt.date(2024, 3, 6), "phone_call", None, (
        P("Jeyhun Bayramov", "Minister of Foreign Affairs", "AZ"),
        P("Sergei Aleinik", "Minister of Foreign Affairs of Belarus", "BY"),
    )),
), statements=())


def _archive(url: str, records: Any = MEETINGS) -> None:
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as s:
        source = runs.ensure_source(s, key="az", country="AZ", ministry="MFA",
                                          listing_url="https://mfa.gov.az/en/news")
        run = runs.start_run(s, source_id=source, base_url=None)
        documents.store_release(s, source_id=source, run_id=run,
                                 release=release("https://mfa.example/1", records=records))
    engine.dispose()


def _events(url: str, *args: str) -> list[dict[str, Any]]:
    result = CliRunner().invoke(cli, ["export", "events", "--format", "jsonl", "--db", url,
                                      *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout_bytes.decode().splitlines()]


def test_one_row_per_meeting_and_ordered_pair_of_sides(db_url: str) -> None:
    _archive(db_url)
    rows = _events(db_url)
    pairs = [(r["actor1_name"].split()[0], r["actor2_name"].split()[0]) for r in rows]
    # Meeting 1: two Azerbaijanis, a Belarusian, an OSCE envoy; no pair within AZ, and the
    # participant without a side is left out. Meeting 2: a call.
    assert pairs == [
        ("Jeyhun", "Gennady"), ("Jeyhun", "Anna"), ("Rashad", "Gennady"), ("Rashad", "Anna"),
        ("Gennady", "Jeyhun"), ("Gennady", "Rashad"), ("Gennady", "Anna"),
        ("Anna", "Jeyhun"), ("Anna", "Rashad"), ("Anna", "Gennady"),
        ("Jeyhun", "Sergei"), ("Sergei", "Jeyhun"),
    ]
    first = rows[0]
    assert first["date"] == "2024-03-05"
    assert (first["source"], first["source_iso3"]) == ("az", "AZE")
    assert (first["actor1_iso3"], first["actor2_iso3"]) == ("AZE", "BLR")
    assert (first["plover_category"], first["plover_mode"], first["cameo_code"]) \
        == ("CONSULT", "visit", "043")
    assert rows[4]["cameo_code"] == "042"  # the guest made the visit
    osce = rows[1]
    assert (osce["actor2_iso3"], osce["actor2_organisation"]) == (None, "OSCE")
    call = rows[-1]
    assert (call["plover_mode"], call["cameo_code"], call["meeting_kind"]) \
        == ("phone", "041", "phone_call")
    assert call["url"] == "https://mfa.example/1" and isinstance(call["document_id"], int)
    assert call["extractor_version"] == "r-1"
    assert isinstance(call["actor1_person_id"], int)
    assert len({r["event_id"] for r in rows}) == len(rows)
    assert [r["actor1_name"] for r in _events(db_url, "--country", "by")][:1] \
        == ["Jeyhun Bayramov"]
    assert {r["meeting_kind"] for r in _events(db_url, "--since", "2024-03-06")} \
        == {"phone_call"}


def test_csv_keeps_the_leading_zero_and_parquet_is_typed(db_url: str, tmp_path: Path) -> None:
    _archive(db_url)
    result = CliRunner().invoke(cli, ["export", "events", "--db", db_url])
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode(), newline="")))
    assert {row["cameo_code"] for row in table} == {"041", "042", "043", "040"}
    out = tmp_path / "events.parquet"
    result = CliRunner().invoke(cli, ["export", "events", "--format", "parquet", "-o", str(out),
                                      "--db", db_url])
    assert result.exit_code == 0, result.output
    got = pq.read_table(out)
    assert got.schema.field("date").type == pa.date32()
    assert got.schema.field("actor1_person_id").type == pa.int64()
    assert got.schema.field("cameo_code").type == pa.string()
    assert got.schema.field("cameo_code").metadata[b"description"].startswith(b"The CAMEO code")
    assert got.column("event_id").to_pylist() == [row["event_id"] for row in table]


def test_event_ids_depend_on_the_facts_not_on_row_ids(db_url: str) -> None:
    _archive(db_url)
    before = {r["event_id"]: r for r in _events(db_url)}
    engine = make_engine(db_url)
    sessions = make_sessionmaker(engine)
    # Re-extraction finds one more meeting before the others: every meeting row moves.
    extra = M(dt.date(2024, 3, 4), "talks", "Baku", (
        P("Jeyhun Bayramov", "Minister of Foreign Affairs", "AZ"),
        P("Jean Dupont", "Ambassador of France", "FR"),
    ))
    with sessions.begin() as s:
        documents.store_records(s, 1, R((extra, *MEETINGS.meetings), ()), version="r-2")
    after = {r["event_id"]: r for r in _events(db_url)}
    assert set(before) < set(after)
    assert len(after) == len(before) + 2
    for event_id, row in before.items():
        assert after[event_id]["meeting_id"] != row["meeting_id"]  # new rows, same events
        assert after[event_id]["extractor_version"] == "r-2"
    # A changed fact (the envoy's organisation) is a new event.
    moved = dataclasses.replace(MEETINGS.meetings[0], participants=tuple(
        dataclasses.replace(p, organisation="UN") if p.organisation else p
        for p in MEETINGS.meetings[0].participants))
    with sessions.begin() as s:
        documents.store_records(s, 1, R((moved, MEETINGS.meetings[1]), ()), version="r-2")
    engine.dispose()
    changed = {r["event_id"] for r in _events(db_url)}
    assert {e for e, r in before.items() if "OSCE" not in (r["actor1_organisation"],
                                                           r["actor2_organisation"])} < changed
    assert not {e for e, r in before.items() if "OSCE" in (r["actor1_organisation"],
                                                           r["actor2_organisation"])} & changed


TEXT = ("Minister of Foreign Affairs of Azerbaijan Jeyhun Bayramov met with the Ambassador of "
        "Belarus Gennady Akhramovich. Bayramov thanked the ambassador.")


def test_event_ids_survive_reextract(db_url: str) -> None:
    _, records = _extract(_TextJob(1, "AZ", TEXT, "Bayramov met Akhramovich",
                                   dt.date(2020, 12, 4), "en"))
    assert isinstance(records, Records) and records.meetings
    stored = dataclasses.replace(release("https://mfa.example/1", text=TEXT), records=records,
                                 text_extractor=TEXT_EXTRACTOR_VERSION,
                                 records_extractor="records-0")
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as s:
        source = runs.ensure_source(s, key="az", country="AZ", ministry="MFA",
                                          listing_url="https://mfa.gov.az/en/news")
        documents.store_release(s, source_id=source, run_id=None, release=stored)
    before = _events(db_url)
    assert before and {(r["actor1_iso3"], r["actor2_iso3"]) for r in before} \
        == {("AZE", "BLR"), ("BLR", "AZE")}
    stats = reextract_archive(engine, workers=1)
    engine.dispose()
    assert stats["documents"] == 1 and stats["failed"] == 0
    after = _events(db_url)
    assert [r["extractor_version"] for r in after] == [EXTRACTOR_VERSION] * len(after)
    assert [r["event_id"] for r in after] == [r["event_id"] for r in before]


def test_the_codebook_documents_every_events_column() -> None:
    text = CODEBOOK.read_text(encoding="utf-8")
    section = text.split("### `events` (export)", 1)[1].split("\n### ", 1)[0]
    table, mapping = section.split("| meeting kind |", 1)
    documented = re.findall(r"^\| `(\w+)` \| (\w+) \| (.+?) \|", table, re.MULTILINE)
    assert [name for name, _, _ in documented] == list(events.COLUMN_NAMES)
    meanings = {name: meaning for name, _, meaning in events.COLUMNS}
    for name, _, meaning in documented:
        assert meaning == meanings[name], name
    for code in ("040", "041", "042", "043", "044"):
        assert f"`{code}`" in mapping
