"""Re-extraction: a document that cannot be extracted fails alone; the same facts are not
written again (on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import gzip
from dataclasses import replace
from typing import Any

from sqlalchemy import Engine, text

from crawler.extract import TEXT_EXTRACTOR_VERSION
from crawler.pages.base import ReleasePage
from crawler.records import EXTRACTOR_VERSION, Records
from crawler.reextract import _extract, _PageJob, _TextJob, reextract_archive
from crawler.registry import get_source
from db import documents, runs
from db.migrate import upgrade
from db.session import make_engine, make_sessionmaker
from tests.test_documents import release


class BrokenPage(ReleasePage):
    """A page object with a bug."""

    @property
    def body(self) -> str | None:
        raise IndexError("list index out of range")


def _page_job(release_page: type[ReleasePage] | None, html: bytes) -> _PageJob:
    source = replace(get_source("az"), release_page=release_page) if release_page else None
    return _PageJob(7, source, "AZ", "https://mfa.example/en/news/7", gzip.compress(html),
                    "utf-8", 200, dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                    "Title", dt.date(2026, 1, 1), None, None)


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


# --- writes: the same facts are not written again --------------------------------------

TEXT = ("Minister of Foreign Affairs of Azerbaijan Jeyhun Bayramov met with the Ambassador of "
        "Belarus Gennady Akhramovich. Bayramov thanked the ambassador.")
_TABLES = ("meetings", "participants", "statements")
# Every update of a record row, and every update OF text (what fires the search triggers).
_COUNT_UPDATES = {
    "sqlite": [
        "CREATE TABLE row_writes (tbl text, id integer, with_text integer)",
        *(f"CREATE TRIGGER {t}_writes AFTER UPDATE ON {t} BEGIN "  # noqa: S608 - constants
          f"INSERT INTO row_writes VALUES ('{t}', new.id, 0); END" for t in _TABLES),
        ("CREATE TRIGGER statements_text_writes AFTER UPDATE OF text ON statements BEGIN "
         "INSERT INTO row_writes VALUES ('statements', new.id, 1); END"),
    ],
    "postgresql": [
        "CREATE TABLE row_writes (tbl text, id integer, with_text integer)",
        ("CREATE FUNCTION log_row_write() RETURNS trigger AS $$ BEGIN "
         "INSERT INTO row_writes VALUES (TG_TABLE_NAME, NEW.id, TG_ARGV[0]::integer); "
         "RETURN NEW; END $$ LANGUAGE plpgsql"),
        *(f"CREATE TRIGGER {t}_writes AFTER UPDATE ON {t} FOR EACH ROW "
          f"EXECUTE FUNCTION log_row_write(0)" for t in _TABLES),
        ("CREATE TRIGGER statements_text_writes AFTER UPDATE OF text ON statements "
         "FOR EACH ROW EXECUTE FUNCTION log_row_write(1)"),
    ],
}


def _archive_of_one_release(db_url: str) -> Engine:
    _, records = _extract(_TextJob(1, "AZ", TEXT, "Bayramov met Akhramovich",
                                   dt.date(2020, 12, 4), "en"))
    assert isinstance(records, Records) and records.meetings and records.statements
    stored = replace(release("https://mfa.example/1", text=TEXT), records=records,
                     title="Bayramov met Akhramovich", published=dt.date(2020, 12, 4),
                     text_extractor=TEXT_EXTRACTOR_VERSION, records_extractor=EXTRACTOR_VERSION)
    engine = make_engine(db_url)
    upgrade(engine)
    with make_sessionmaker(engine).begin() as s:
        source = runs.ensure_source(s, key="az", country="AZ", ministry="MFA",
                                    listing_url="https://mfa.gov.az/en/news")
        documents.store_release(s, source_id=source, run_id=None, release=stored)
    with engine.begin() as conn:
        for statement in _COUNT_UPDATES[engine.dialect.name]:
            conn.execute(text(statement))
    return engine


def _rows(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT s.id, s.verb, s.text, s.extractor_version, m.id, m.extractor_version "
            "FROM statements s JOIN meetings m ON m.id = s.meeting_id ORDER BY s.id"))]


def _writes(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.begin() as conn:
        rows = [tuple(r) for r in conn.execute(text(
            "SELECT tbl, id, with_text FROM row_writes ORDER BY tbl, id, with_text"))]
        conn.execute(text("DELETE FROM row_writes"))
    return rows


def test_reextract_writes_only_the_facts_that_changed(db_url: str) -> None:
    engine = _archive_of_one_release(db_url)
    before = _rows(engine)
    assert reextract_archive(engine, workers=1)["documents"] == 1
    assert _rows(engine) == before and _writes(engine) == []  # the same facts: untouched

    first = before[0][0]
    with engine.begin() as conn:  # an older extractor's verb and version, the same text
        conn.execute(text("UPDATE statements SET verb = 'said', extractor_version = 'old' "
                          "WHERE id = :id"), {"id": first})
        conn.execute(text("UPDATE meetings SET extractor_version = 'old'"))
    _writes(engine)
    reextract_archive(engine, workers=1)
    assert _rows(engine) == before  # ids kept, facts and versions restored
    meetings = {m for *_, m, _ in before}
    assert _writes(engine) == sorted([("meetings", m, 0) for m in meetings]
                                     + [("statements", first, 0)])  # not OF text

    with engine.begin() as conn:  # a different text: the row is updated with its text
        conn.execute(text("UPDATE statements SET text = 'x' WHERE id = :id"), {"id": first})
    _writes(engine)
    reextract_archive(engine, workers=1)
    assert _rows(engine) == before
    assert _writes(engine) == [("statements", first, 0), ("statements", first, 1)]
    engine.dispose()
