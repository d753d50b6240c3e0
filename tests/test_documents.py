"""Writes: a release lands whole, once; records keep their ids; persons fold variants."""

from __future__ import annotations

import datetime as dt
import gzip
from dataclasses import dataclass, replace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import documents, persons, runs
from db.migrate import upgrade
from db.models import Document, DocumentVersion, Meeting, Participant, Person, Statement
from db.names import name_key
from db.release import ReleaseRecord
from db.session import make_engine, make_sessionmaker


@dataclass(frozen=True)
class P:
    name: str | None
    title: str | None
    country: str | None
    organisation: str | None = None
    role: str | None = None
    group: bool = False


@dataclass(frozen=True)
class M:
    date: dt.date | None
    kind: str
    location: str | None
    participants: tuple[P, ...]
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class S:
    speaker: str | None
    verb: str
    text: str
    start: int
    end: int
    meeting: int | None
    verb_lemma: str = ""
    speaker_person: bool = True


@dataclass(frozen=True)
class R:
    meetings: tuple[M, ...]
    statements: tuple[S, ...]


TEXT = 'Line one, with "quotes"\nLine two\u200f 🙂'
RECORDS = R(
    meetings=(M(dt.date(2020, 12, 4), "meeting", "Baku", (
        P("Jeyhun Bayramov", "Minister of Foreign Affairs", "AZ", role="host"),
        P("Gennady Akhramovich", "Ambassador of Belarus", "BY", role="guest"),
    ), ("bilateral ties",)),),
    statements=(S("Jeyhun Bayramov", "thanked", "Line one", 0, 8, 0),
                S("Gennady Akhramovich", "noted", "Line two", 24, 32, 0)),
)


def release(url: str = "https://example.org/1", text: str = TEXT, records: R = RECORDS,
            title: str = "=SUM(1)") -> ReleaseRecord:
    body = f"<html><body><p>{text}</p></body></html>".encode()
    return ReleaseRecord(
        url=url, title=title, published=dt.date(2020, 12, 4), language="en", text=text,
        raw_html=gzip.compress(body), raw_hash=documents.content_hash(body.decode()),
        encoding="utf-8", http_status=200, fetched_at=dt.datetime(2020, 12, 5, tzinfo=dt.UTC),
        text_extractor="t-1", records=records, records_extractor="r-1",
    )


def store_sample(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as s:
        source = runs.ensure_source(s, key="az", country="AZ", ministry="MFA",
                                    listing_url="https://mfa.gov.az/en/news")
        run = runs.start_run(s, source_id=source, base_url=None)
        documents.store_release(s, source_id=source, run_id=run, release=release())
        documents.store_release(s, source_id=source, run_id=run, release=release(
            "https://example.org/2", "Another text", R((), ()), "Second"))
    engine.dispose()


@pytest.fixture
def session(db_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    yield sessions
    engine.dispose()


def _ids(s: Session) -> list[tuple[int, ...]]:
    return [tuple(r) for r in s.execute(select(Meeting.id, Participant.id, Statement.id)
                                        .join(Participant).join(Statement,
                                                                Statement.meeting_id == Meeting.id)
                                        .order_by(Participant.id, Statement.id)).all()]


def test_store_new_unchanged_changed(session) -> None:  # type: ignore[no-untyped-def]
    with session.begin() as s:
        source = runs.ensure_source(s, key="az", country="AZ", ministry="MFA",
                                    listing_url="https://x")
        run = runs.start_run(s, source_id=source, base_url=None)
    with session.begin() as s:
        assert documents.store_release(s, source_id=source, run_id=run, release=release()) == "new"
    with session.begin() as s:
        ids = _ids(s)
        assert documents.store_release(s, source_id=source, run_id=run,
                                       release=release()) == "unchanged"
    with session.begin() as s:
        assert _ids(s) == ids
        edited = release(text=TEXT + " Edited.")
        assert documents.store_release(s, source_id=source, run_id=run,
                                       release=edited) == "changed"
    with session.begin() as s:
        assert _ids(s) == ids  # same facts, same ids
        assert s.scalar(select(func.count()).select_from(Document)) == 1
        version = s.execute(select(DocumentVersion)).scalar_one()
        assert version.text == TEXT
        # A record that goes away is deleted; the others keep their ids.
        fewer = R(RECORDS.meetings, RECORDS.statements[:1])
        documents.store_release(s, source_id=source, run_id=run,
                                release=replace(release(), records=fewer), force_records=True)
    with session.begin() as s:
        assert s.scalar(select(func.count()).select_from(Statement)) == 1
        assert s.scalar(select(Statement.id)) == ids[0][2]


def test_persons_fold_variants(session) -> None:  # type: ignore[no-untyped-def]
    with session.begin() as s:
        a = persons.person_id(s, "Mevlüt Çavuşoğlu")
        b = persons.person_id(s, "H.E. Mevlut CAVUSOGLU")
        c = persons.person_id(s, "Sergey Lavrov")
        assert a == b != c
        assert s.scalar(select(func.count()).select_from(Person)) == 2


def test_a_failed_transaction_leaves_nothing(session) -> None:  # type: ignore[no-untyped-def]
    with session.begin() as s:
        source = runs.ensure_source(s, key="az", country="AZ", ministry="MFA",
                                    listing_url="https://x")
        run = runs.start_run(s, source_id=source, base_url=None)
    broken = R(RECORDS.meetings, (S("X", "noted", "t", 0, 1, 0),) * 1 + (None,))  # type: ignore[arg-type]
    with pytest.raises(AttributeError), session.begin() as s:
        documents.store_release(s, source_id=source, run_id=run, release=release(records=broken))
    with session.begin() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 0
        assert s.scalar(select(func.count()).select_from(Meeting)) == 0


@pytest.mark.parametrize(("a", "b"), [("Dr. S. Jaishankar", "S Jaishankar"),
                                      ("Mr. Ali", "ALI"), ("Sir Lindsay", "lindsay")])
def test_name_key(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


def test_offices_groups_and_institutions_never_become_persons(session) -> None:  # type: ignore[no-untyped-def]
    from crawler.records import extract_records

    text = ("The Foreign Secretary received the Chinese delegation led by Vice Minister Zhou Lan in London on "
            "4 March 2025.\nThe Foreign Secretary emphasised the value of the climate dialogue. "
            "Vice Minister Zhou emphasized the importance of trade.")
    records = extract_records(text, published=dt.date(2025, 3, 5), country="GB")
    with session.begin() as s:
        source = runs.ensure_source(s, key="gb", country="GB", ministry="FCDO", listing_url="https://x")
        run = runs.start_run(s, source_id=source, base_url=None)
        documents.store_release(s, source_id=source, run_id=run, release=release(text=text, records=records))
    with session.begin() as s:
        assert s.scalars(select(Person.name)).all() == ["Zhou Lan"]
        rows = s.execute(select(Participant.person_id, Participant.title, Participant.country, Participant.group)
                         .order_by(Participant.ordinal)).all()
        assert (None, "Foreign Secretary", "GB", False) in rows
        assert (None, "Chinese delegation", "CN", True) in rows
        assert sum(1 for row in rows if row[0] is not None) == 1
        said = s.execute(select(Statement.speaker, Statement.speaker_id, Statement.verb, Statement.verb_lemma)
                         .order_by(Statement.ordinal)).all()
        assert [(speaker, verb, lemma) for speaker, _id, verb, lemma in said] == [
            ("Foreign Secretary", "emphasised", "emphasise"), ("Zhou Lan", "emphasized", "emphasise")]
        assert said[0][1] is None and said[1][1] is not None


def test_stored_records_locks_the_documents_it_reads(db_url: str) -> None:
    """A batch's rows are read under the documents' row locks (PostgreSQL; on SQLite the
    batch's transaction holds the file's write lock): another writer of one of those
    documents cannot change it between that read and the batch's writes."""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    store_sample(db_url)
    if not db_url.startswith("postgresql"):
        _assert_sqlite_writers_wait(db_url)
        return
    engine = make_engine(db_url)
    sessions = make_sessionmaker(engine)
    try:
        with sessions.begin() as reader:
            ids = list(reader.scalars(select(Document.id).order_by(Document.id)))
            stored = documents.stored_records(reader, ids)
            assert set(stored.documents) == set(ids)
            with engine.connect() as other:
                for document_id in ids:
                    with pytest.raises(OperationalError, match="could not obtain lock"):
                        other.execute(text("SELECT id FROM documents WHERE id = :id "
                                           "FOR UPDATE NOWAIT"), {"id": document_id})
                    other.rollback()
        with engine.connect() as other:  # the batch committed: the rows are free again
            other.execute(text("SELECT id FROM documents FOR UPDATE NOWAIT"))
            other.rollback()
    finally:
        engine.dispose()


def _assert_sqlite_writers_wait(db_url: str) -> None:
    import sqlite3

    from sqlalchemy.engine import make_url

    engine = make_engine(db_url)
    sessions = make_sessionmaker(engine)
    path = make_url(db_url).database
    assert path
    try:
        with sessions.begin() as reader:
            ids = list(reader.scalars(select(Document.id).order_by(Document.id)))
            assert set(documents.stored_records(reader, ids).documents) == set(ids)
            other = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other.execute("BEGIN IMMEDIATE")
            finally:
                other.close()
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:  # the batch committed: another writer may begin
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        finally:
            other.close()
    finally:
        engine.dispose()
