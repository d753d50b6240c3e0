"""One test over every recorded page fixture of every source (tests/fixtures/<key>/<case>/)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from crawler.registry import all_sources, get_source

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p.parent for p in FIXTURES.glob("*/*/case.json"))


def _response(case_dir: Path, case: dict) -> HtmlResponse:
    return HtmlResponse(url=case["url"], body=(case_dir / "page.html").read_bytes(),
                        encoding=case.get("encoding"))


@pytest.mark.parametrize("case_dir", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_page_fixture(case_dir: Path) -> None:
    case = json.loads((case_dir / "case.json").read_text(encoding="utf-8"))
    spider = get_source(case_dir.parent.name).spider
    response = _response(case_dir, case)
    if case["kind"] == "listing":
        entries = spider.listing_page(response).entries()
        assert len(entries) == case["count"]
        first = entries[0]
        assert first.title == case["first"]["title"]
        assert first.date == dt.date.fromisoformat(case["first"]["date"])
        assert first.url.endswith(case["first"]["slug"]) or case["first"]["slug"] in first.url
        assert all(e.url.startswith("https://") for e in entries)
        assert all(e.date is not None for e in entries)
    else:
        page = spider.release_page(response)
        body = page.body or ""
        assert body.startswith(case["body_starts"]) or case["body_starts"] in body
        if page.title is not None:
            assert page.title == case["title"]
        if page.date is not None:
            assert page.date == dt.date.fromisoformat(case["date"])


def test_every_source_has_fixtures() -> None:
    recorded = {p.parent.name for p in CASES}
    # Declared sources are tested over their mirrors' pages (tests/test_declared_*.py).
    assert {s.key for s in all_sources() if s.kind == "coded"} <= recorded
