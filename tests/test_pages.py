"""One test over every recorded page fixture of every source (tests/fixtures/<key>/<case>/)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from crawler.pages.base import LastPage, NextPage
from crawler.registry import all_sources, get_source

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p.parent for p in FIXTURES.glob("*/*/case.json"))


def _response(case_dir: Path, case: dict) -> HtmlResponse:
    return HtmlResponse(url=case["url"], body=(case_dir / "page.html").read_bytes(),
                        encoding=case.get("encoding"))


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@pytest.mark.parametrize("case_dir", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_page_fixture(case_dir: Path) -> None:
    case = json.loads((case_dir / "case.json").read_text(encoding="utf-8"))
    spider = get_source(case_dir.parent.name).spider
    response = _response(case_dir, case)
    if case["kind"] == "listing":
        listing = spider.listing_page(response)
        entries = listing.entries()
        assert len(entries) == case["count"]
        first = entries[0]
        assert first.title == case["first"]["title"]
        assert first.date == dt.date.fromisoformat(case["first"]["date"])
        assert first.url.endswith(case["first"]["slug"]) or case["first"]["slug"] in first.url
        assert all(e.url.startswith("https://") for e in entries)
        assert all(e.date is not None for e in entries)
        # The paging hook: the next listing page's URL, or "last" where the listing ends.
        following = listing.next_page(case["page"])
        assert isinstance(following, NextPage | LastPage)
        assert (following.url if isinstance(following, NextPage) else "last") == case["next_page"]
    else:
        # As the extraction workers build it: from the bytes, without Scrapy.
        page = spider.release_page.parse(case["url"], response.body, case.get("encoding"))
        assert (page.body or "").startswith(case["body_starts"])
        # What the page object itself reads: the release's title and date, unless the
        # case says it reads none (az: trafilatura finds both in the page).
        assert page.title == case.get("page_title", case["title"])
        assert page.date == _date(case.get("page_date", case["date"]))


def test_every_source_has_fixtures() -> None:
    recorded = {p.parent.name for p in CASES}
    # Declared sources are tested over their mirrors' pages (tests/test_declared_*.py).
    assert {s.key for s in all_sources() if s.kind == "coded"} <= recorded
