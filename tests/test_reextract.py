"""Re-extraction's units: a document that cannot be extracted fails alone."""

from __future__ import annotations

import datetime as dt
import gzip
from dataclasses import replace

from crawler.pages.base import ReleasePage
from crawler.records import Records
from crawler.reextract import _extract, _PageJob, _TextJob
from crawler.registry import get_source
from crawler.release import ListingHints


class BrokenPage(ReleasePage):
    """A page object with a bug."""

    @property
    def body(self) -> str | None:
        raise IndexError("list index out of range")


def _page_job(release_page: type[ReleasePage] | None, html: bytes) -> _PageJob:
    source = replace(get_source("az"), release_page=release_page) if release_page else None
    return _PageJob(7, source, "AZ", "https://mfa.example/en/news/7", gzip.compress(html),
                    "utf-8", 200, dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                    ListingHints(title="Title", date=dt.date(2026, 1, 1)), None, None)


HTML = (b"<html lang='en'><body><article><p>Minister Jeyhun Bayramov met Ambassador "
        b"Gennady Akhramovich of Belarus. The sides discussed bilateral ties.</p>"
        b"</article></body></html>")


def test_a_failing_page_object_fails_only_its_document() -> None:
    document_id, result = _extract(_page_job(BrokenPage, HTML))
    assert document_id == 7
    assert result == "extraction failed: IndexError: list index out of range"


def test_a_page_without_text_is_reported_not_raised() -> None:
    assert _extract(_page_job(None, b"<html><body> </body></html>")) \
        == (7, "no release text on the page")


def test_records_come_from_the_stored_text_in_english_only() -> None:
    text = ("Minister of Foreign Affairs of Azerbaijan Jeyhun Bayramov met with the Ambassador "
            "of Belarus Gennady Akhramovich. Bayramov thanked the ambassador.")
    _, english = _extract(_TextJob(1, "AZ", text, "Bayramov met Akhramovich",
                                   dt.date(2020, 12, 4), "en"))
    assert isinstance(english, Records) and len(english.meetings) == 1
    _, russian = _extract(_TextJob(1, "AZ", text, None, None, "ru"))
    assert russian == Records(meetings=(), statements=())
