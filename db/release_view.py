"""One release as the archive holds it: its text, records and earlier versions.

:func:`load_release` reads a document by id or URL with its meetings,
participants (with person ids), statements and versions;
:func:`statement_segments` cuts its text into the stretches each statement
covers, for marking them. Read-only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from db.models import (
    Document,
    DocumentVersion,
    Meeting,
    Participant,
    Person,
    Source,
    Statement,
)


@dataclass(frozen=True, slots=True)
class ParticipantView:
    participant_id: int
    person_id: int
    name: str
    title: str | None
    country: str | None
    organisation: str | None
    role: str | None


@dataclass(frozen=True, slots=True)
class MeetingView:
    meeting_id: int
    ordinal: int
    date: dt.date | None
    kind: str
    location: str | None
    topics: list[str]
    participants: list[ParticipantView] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class StatementView:
    statement_id: int
    ordinal: int
    meeting_id: int | None
    speaker_id: int | None
    speaker: str | None
    verb: str
    text: str
    start_offset: int
    end_offset: int


@dataclass(frozen=True, slots=True)
class VersionView:
    version_id: int
    title: str | None
    text: str
    content_hash: str
    fetched_at: dt.datetime
    replaced_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ReleaseView:
    document_id: int
    url: str
    source: str
    ministry: str
    title: str | None
    published: dt.date | None
    language: str | None
    fetched_at: dt.datetime
    gone_at: dt.datetime | None
    text_extractor: str
    records_extractor: str
    text: str
    meetings: list[MeetingView]
    statements: list[StatementView]
    versions: list[VersionView]


def find_document(conn: Connection, key: str) -> int | None:
    """The id of the document ``key`` names: its id (digits) or its URL."""
    key = key.strip()
    if key.isdigit():
        found = conn.scalar(select(Document.id).where(Document.id == int(key)))
        if found is not None:
            return int(found)
    for url in dict.fromkeys((key, key.rstrip("/"), key.rstrip("/") + "/")):
        found = conn.scalar(select(Document.id).where(Document.url == url))
        if found is not None:
            return int(found)
    return None


def load_release(conn: Connection, key: str) -> ReleaseView | None:
    """The release ``key`` names (id or URL) with all it holds; None if there is none."""
    document_id = find_document(conn, key)
    if document_id is None:
        return None
    doc = conn.execute(
        select(Document.id, Document.url, Source.key, Source.ministry, Document.title,
               Document.published, Document.language, Document.fetched_at, Document.gone_at,
               Document.text_extractor, Document.records_extractor, Document.text)
        .join(Source, Source.id == Document.source_id).where(Document.id == document_id)
    ).one()
    meetings: dict[int, MeetingView] = {}
    for row in conn.execute(
            select(Meeting.id, Meeting.ordinal, Meeting.date, Meeting.kind, Meeting.location,
                   Meeting.topics)
            .where(Meeting.document_id == document_id).order_by(Meeting.ordinal)):
        meetings[row.id] = MeetingView(row.id, row.ordinal, row.date, row.kind, row.location,
                                       list(row.topics or []))
    for part in conn.execute(
            select(Participant.meeting_id, Participant.id, Participant.person_id, Person.name,
                   Participant.title, Participant.country, Participant.organisation,
                   Participant.role)
            .join(Person, Person.id == Participant.person_id)
            .where(Participant.meeting_id.in_(list(meetings)))
            .order_by(Participant.meeting_id, Participant.ordinal)):
        meetings[part.meeting_id].participants.append(ParticipantView(
            part.id, part.person_id, part.name, part.title, part.country, part.organisation,
            part.role))
    statements = [
        StatementView(r.id, r.ordinal, r.meeting_id, r.speaker_id, r.speaker, r.verb, r.text,
                      r.start_offset, r.end_offset)
        for r in conn.execute(
            select(Statement.id, Statement.ordinal, Statement.meeting_id, Statement.speaker_id,
                   Statement.speaker, Statement.verb, Statement.text, Statement.start_offset,
                   Statement.end_offset)
            .where(Statement.document_id == document_id).order_by(Statement.ordinal))]
    versions = [
        VersionView(r.id, r.title, r.text, r.content_hash, r.fetched_at, r.replaced_at)
        for r in conn.execute(
            select(DocumentVersion.id, DocumentVersion.title, DocumentVersion.text,
                   DocumentVersion.content_hash, DocumentVersion.fetched_at,
                   DocumentVersion.replaced_at)
            .where(DocumentVersion.document_id == document_id)
            .order_by(DocumentVersion.fetched_at, DocumentVersion.id))]
    return ReleaseView(
        document_id=doc.id, url=doc.url, source=doc.key, ministry=doc.ministry, title=doc.title,
        published=doc.published, language=doc.language, fetched_at=doc.fetched_at,
        gone_at=doc.gone_at, text_extractor=doc.text_extractor,
        records_extractor=doc.records_extractor, text=doc.text,
        meetings=list(meetings.values()), statements=statements, versions=versions)


def statement_segments(text: str, statements: list[StatementView],
                       ) -> list[tuple[str, StatementView | None]]:
    """``text`` cut at the statements' offsets: ``[(stretch, its statement or None)]``.

    Statements are marked in the order of their offsets; one that overlaps the
    one before it, or lies outside the text, is left unmarked (the statements
    list still has it).
    """
    segments: list[tuple[str, StatementView | None]] = []
    at = 0
    for st in sorted(statements, key=lambda s: (s.start_offset, s.end_offset)):
        if st.start_offset < at or st.end_offset > len(text) or st.end_offset <= st.start_offset:
            continue
        if st.start_offset > at:
            segments.append((text[at:st.start_offset], None))
        segments.append((text[st.start_offset:st.end_offset], st))
        at = st.end_offset
    if at < len(text):
        segments.append((text[at:], None))
    return segments
