"""The text stage's version moves whenever its output does.

``mfa-archive reextract`` trusts ``documents.text_extractor``: a document
extracted under the current ``TEXT_EXTRACTOR_VERSION`` keeps its text and only
gets its records rebuilt. So a change to trafilatura, crawler/extract.py,
crawler/release.py or a release page object that alters what a stored page
yields must bump ``TEXT_RULES``. This test holds the text stage's output for
every recorded release page (tests/fixtures/<key>/release_*) against
tests/fixtures/text_version.json and says which of the two to do.

Regenerate the file (after bumping, or for a new or re-recorded fixture) with
``UPDATE_TEXT_VERSION=1 pytest tests/test_text_version.py``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

from crawler.extract import TEXT_EXTRACTOR_VERSION
from crawler.registry import all_sources
from crawler.release import FetchedPage, build_release

FIXTURES = Path(__file__).parent / "fixtures"
RECORDED = FIXTURES / "text_version.json"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def text_stage_outputs() -> dict[str, dict[str, str]]:
    """Per release fixture: the page's hash and the hash of (title, date, language, text)."""
    spiders = {s.key: s.spider for s in all_sources()}
    found = {}
    for case_json in sorted(FIXTURES.glob("*/release_*/case.json")):
        case = json.loads(case_json.read_text(encoding="utf-8"))
        spider = spiders[case_json.parent.parent.name]
        body = (case_json.parent / "page.html").read_bytes()
        release = build_release(FetchedPage(
            url=case["url"], body=body, encoding=case.get("encoding"), status=200,
            fetched_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            release_page=spider.release_page, country=spider.country,
        ))
        output = json.dumps([release.title, str(release.published), release.language,
                             release.text], ensure_ascii=False)
        name = f"{case_json.parent.parent.name}/{case_json.parent.name}"
        found[name] = {"page": _sha(body), "output": _sha(output.encode())}
    return found


def test_text_stage_output_changes_only_with_its_version() -> None:
    current = text_stage_outputs()
    assert len(current) >= 20
    if os.environ.get("UPDATE_TEXT_VERSION"):
        RECORDED.write_text(json.dumps({"version": TEXT_EXTRACTOR_VERSION, "cases": current},
                                       indent=1, sort_keys=True) + "\n", encoding="utf-8")
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    regenerate = "regenerate: UPDATE_TEXT_VERSION=1 pytest tests/test_text_version.py"
    if recorded["version"] != TEXT_EXTRACTOR_VERSION:
        raise AssertionError(f"the text stage is now {TEXT_EXTRACTOR_VERSION} (recorded: "
                             f"{recorded['version']}); {regenerate}")
    changed = sorted(name for name, now in current.items()
                     if name in recorded["cases"]
                     and recorded["cases"][name]["page"] == now["page"]
                     and recorded["cases"][name]["output"] != now["output"])
    assert not changed, (
        f"the text stage yields other output for {changed} under the same version "
        f"{TEXT_EXTRACTOR_VERSION}: bump TEXT_RULES in crawler/extract.py (so reextract "
        f"re-runs it over stored pages), then {regenerate}")
    stale = sorted(set(current) ^ set(recorded["cases"])) + sorted(
        name for name in set(current) & set(recorded["cases"])
        if recorded["cases"][name]["page"] != current[name]["page"])
    assert not stale, f"fixtures added, removed or re-recorded: {stale}; {regenerate}"
