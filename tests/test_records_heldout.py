"""The held-out releases (tests/fixtures/records/heldout.jsonl) held to the product's target floors.

The set was written for the project in the styles of ministries the development corpus barely covers (Japan,
Kazakhstan, Singapore, Uzbekistan, Georgia, Ukraine, Germany, Canada, Israel, Australia, Bosnia, Kyrgyzstan,
Indonesia, Brazil, South Africa, Belarus, Pakistan), labelled by the corpus README's rules.

Honesty note: ``ho-*`` (62 releases) was written and scored before the extractor was changed for it (baseline
meeting F1 1.000, date 0.932, kind 0.909, participant F1 0.897, country 0.897, speaker F1 0.936); ``ho2-*``
(24 releases) was written later and scored once before further changes (meeting F1 0.938, participant F1 0.877).
Both batches were then used to find general rules, so passing here is a regression guard, not a measure of
generalisation.
"""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.extraction_quality import TARGETS, load, score
from crawler.records import extract_records, records_to_json

HELDOUT = ROOT / "tests" / "fixtures" / "records" / "heldout.jsonl"
RELEASES = load(HELDOUT)


def _run(rec: dict[str, Any]) -> dict[str, Any]:
    pub = datetime.date.fromisoformat(rec["published"]) if rec.get("published") else None
    return records_to_json(extract_records(rec["text"], title=rec.get("title"), published=pub,
                                           country=rec["ministry_country"]))


def test_heldout_shape() -> None:
    assert len(RELEASES) >= 40
    assert len({r["id"] for r in RELEASES}) == len(RELEASES)
    negatives = [r for r in RELEASES if not r["is_meeting"]]
    assert len(negatives) >= 15
    assert len({r["ministry_country"] for r in RELEASES}) >= 15
    for r in RELEASES:
        assert set(r) >= {"id", "ministry_country", "title", "published", "text", "is_meeting", "meeting", "statements"}
        assert (r["meeting"] is not None) == r["is_meeting"]


@pytest.mark.parametrize("prefix", ["ho-", "ho2-", ""])
def test_heldout_target_floors(prefix: str) -> None:
    errors: list[str] = []
    res = score([r for r in RELEASES if r["id"].startswith(prefix)], errors)
    for metric, floor in TARGETS.items():
        assert res[metric] >= floor, (prefix, metric, res[metric], errors)


def test_heldout_deterministic() -> None:
    for rec in RELEASES[:30]:
        assert _run(rec) == _run(rec)


# --- general rules the held-out set exposed ------------------------------------------------------------


def _one(text: str, country: str, title: str | None = None, published: datetime.date | None = None) -> dict[str, Any]:
    return records_to_json(extract_records(text, title=title, published=published, country=country))


def test_initials_inside_a_name() -> None:
    out = _one("Foreign Minister Retno L.P. Marsudi held a telephone conversation with Minister of Foreign Affairs "
               "of Jordan Ayman Safadi on 13 October 2023. Foreign Minister Retno conveyed concern.", "ID")
    names = [p["name"] for p in out["meetings"][0]["participants"]]
    assert names == ["Retno L.P. Marsudi", "Ayman Safadi"]


def test_led_the_side_and_delegation_country() -> None:
    out = _one("The 9th round of Pakistan-Japan Bilateral Political Consultations was held in Islamabad on 5 June 2024. "
               "Foreign Secretary Muhammad Syrus Sajjad Qazi led the Pakistan side, while the Japanese delegation was "
               "led by Deputy Minister for Foreign Affairs Okano Masataka.", "PK")
    parts = {p["name"]: p["country"] for p in out["meetings"][0]["participants"]}
    assert parts == {"Muhammad Syrus Sajjad Qazi": "PK", "Okano Masataka": "JP"}


def test_first_person_minister_release() -> None:
    text = ("The Hon Penny Wong\nMinister for Foreign Affairs\nMeeting with Indonesian Foreign Minister\n"
            "Today I met with Indonesia's Foreign Minister, Sugiono, in Canberra.\n"
            "I reaffirmed Australia's commitment to supporting Indonesia's development ambitions.")
    out = _one(text, "AU", title="Meeting with Indonesian Foreign Minister", published=datetime.date(2025, 2, 5))
    m = out["meetings"][0]
    assert {p["name"] for p in m["participants"]} == {"Penny Wong", "Sugiono"}
    assert m["date"] == "2025-02-05"
    assert [s["speaker"] for s in out["statements"]] == ["Penny Wong"]


def test_related_news_is_not_an_encounter() -> None:
    text = ("Minister for Foreign Affairs of Ukraine Andrii Sybiha held a phone call with Kaja Kallas, High "
            "Representative of the European Union.\nRead also\n27 January, 2025 Andrii Sybiha met with the Foreign "
            "Minister of Poland")
    out = _one(text, "UA")
    assert len(out["meetings"]) == 1 and out["meetings"][0]["kind"] == "phone_call"
    kallas = next(p for p in out["meetings"][0]["participants"] if p["name"] == "Kaja Kallas")
    assert kallas["country"] is None and kallas["organisation"] == "European Union"


def test_exchange_of_letters_and_future_visit_are_not_meetings() -> None:
    for rec in RELEASES:
        if rec["id"] in ("ho-024", "ho-006", "ho-020", "ho-042", "ho-044", "ho2-12"):
            assert not _run(rec)["meetings"], rec["id"]


def test_statement_by_titled_author() -> None:
    out = _one("1. On behalf of the Government of Japan, I would like to express my heartfelt condolences to the "
               "bereaved families.", "JP", title="Statement by Foreign Minister IWAYA Takeshi on the Earthquake")
    assert not out["meetings"]
    assert [s["speaker"] for s in out["statements"]] == ["IWAYA Takeshi"]


def test_heldout_file_is_valid_json_lines() -> None:
    with HELDOUT.open(encoding="utf-8") as fh:
        for line in fh:
            assert line.strip()
            json.loads(line)
