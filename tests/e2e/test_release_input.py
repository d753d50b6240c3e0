"""End to end: a crawl and `reextract --text` read the same stored bytes the same way.

Both build the release through one constructor (``FetchedPage.of_source``): the
source's page object, country and language, and the listing's title and date
(kept in ``frontier.listing_title``/``listing_date``), never what an earlier
extraction stored. So re-extracting a document whose extracted fields are stale
(an older extractor's) gives back exactly what the crawl stored: text, title,
date, language and every record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import Document, Meeting, Participant, Statement
from db.session import make_engine
from tests.conftest import FAST, run_cli

pytestmark = pytest.mark.slow  # real crawls of mirrors

# Per document: what extraction decides.
DOCUMENT_FIELDS = ("url", "title", "published", "language", "text", "content_hash",
                   "text_extractor", "records_extractor")


def _extracted(db_url: str) -> dict[str, Any]:
    """Every document's extracted fields and every record, keyed by stable facts."""
    engine = make_engine(db_url)
    with Session(engine) as session:
        documents = sorted(
            tuple(getattr(d, f) for f in DOCUMENT_FIELDS)
            for d in session.scalars(select(Document)))
        meetings = sorted(
            (m.document_id, m.ordinal, m.date, m.kind, m.location, tuple(m.topics))
            for m in session.scalars(select(Meeting)))
        participants = sorted(
            (p.meeting.document_id, p.meeting.ordinal, p.ordinal, p.person.name, p.title,
             p.country, p.organisation, p.role)
            for p in session.scalars(select(Participant)))
        statements = sorted(
            (s.document_id, s.ordinal, s.speaker, s.verb, s.text, s.start_offset, s.end_offset)
            for s in session.scalars(select(Statement)))
    engine.dispose()
    return {"documents": documents, "meetings": meetings, "participants": participants,
            "statements": statements}


# az: pages declare their language; cn: they do not (the source's language applies);
# tr: the date is only in the listing's title, the page has none of its own.
@pytest.mark.parametrize("key", ["az", "cn", "tr"])
def test_reextracting_stored_bytes_gives_what_the_crawl_stored(
    key: str, db_url: str, mirror: dict[str, str]
) -> None:
    result = run_cli("crawl", key, "--base-url", mirror[key], "--db", db_url, *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    crawled = _extracted(db_url)
    assert crawled["documents"], "the crawl stored nothing"
    assert all(d[3] == "en" for d in crawled["documents"])  # language, hinted or declared

    _make_stale(db_url)
    assert _extracted(db_url) != crawled
    result = run_cli("reextract", "--text", "--db", db_url)
    assert result.returncode == 0, result.stderr[-3000:]
    count = len(crawled["documents"])
    assert f"{count} documents re-extracted ({count} from raw HTML): {count} changed, 0 failed" \
        in result.stderr
    assert _extracted(db_url) == crawled


def _make_stale(db_url: str) -> None:
    """What an older, wrong extractor would have stored: only the raw bytes stay right."""
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(update(Document).values(
            title="stale title", published=dt.date(1900, 1, 1), language="xx",
            text="stale text", content_hash="stale"))
    engine.dispose()
