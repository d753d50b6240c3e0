"""Reads: the select() builders behind summaries, run listings and exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

from sqlalchemy import (
    Select,
    SQLColumnExpression,
    TableClause,
    column,
    func,
    literal,
    or_,
    select,
    table,
)
from sqlalchemy.orm import aliased

from db.models import CrawlRun, Document, Meeting, Participant, Person, Source, Statement

AnySelect: TypeAlias = Select[*tuple[Any, ...]]


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportFilters:
    since: dt.date | None = None
    until: dt.date | None = None
    source: str | None = None
    country: str | None = None
    person: str | None = None


def summary() -> Select[str, int, int, int, int]:
    """Per source: documents, meetings, participants and statements."""
    docs = (
        select(Document.source_id, func.count().label("n"))
        .group_by(Document.source_id).subquery()
    )
    meetings = (
        select(Document.source_id, func.count(Meeting.id).label("n"))
        .join(Meeting, Meeting.document_id == Document.id)
        .group_by(Document.source_id).subquery()
    )
    participants = (
        select(Document.source_id, func.count(Participant.id).label("n"))
        .join(Meeting, Meeting.document_id == Document.id)
        .join(Participant, Participant.meeting_id == Meeting.id)
        .group_by(Document.source_id).subquery()
    )
    statements = (
        select(Document.source_id, func.count(Statement.id).label("n"))
        .join(Statement, Statement.document_id == Document.id)
        .group_by(Document.source_id).subquery()
    )
    return (
        select(
            Source.key,
            func.coalesce(docs.c.n, 0),
            func.coalesce(meetings.c.n, 0),
            func.coalesce(participants.c.n, 0),
            func.coalesce(statements.c.n, 0),
        )
        .outerjoin(docs, docs.c.source_id == Source.id)
        .outerjoin(meetings, meetings.c.source_id == Source.id)
        .outerjoin(participants, participants.c.source_id == Source.id)
        .outerjoin(statements, statements.c.source_id == Source.id)
        .order_by(Source.key)
    )


def runs(source: str | None = None, limit: int | None = 50) -> Select[CrawlRun, str]:
    """The newest runs first (of ``source``), at most ``limit`` (None: all)."""
    query = select(CrawlRun, Source.key).join(Source).order_by(CrawlRun.id.desc()).limit(limit)
    if source:
        query = query.where(Source.key == source)
    return query


def _date_filters(query: AnySelect, date: SQLColumnExpression[Any],
                  filters: ExportFilters) -> AnySelect:
    if filters.since:
        query = query.where(date >= filters.since)
    if filters.until:
        query = query.where(date <= filters.until)
    if filters.source:
        query = query.where(Source.key == filters.source)
    return query


def documents_export(filters: ExportFilters) -> AnySelect:
    query: AnySelect = (
        select(
            Document.id.label("document_id"),
            Document.url,
            Source.key.label("source"),
            Document.title,
            Document.published,
            Document.language,
            Document.text,
            Document.content_hash,
            Document.fetched_at,
            Document.gone_at,
        )
        .join(Source, Source.id == Document.source_id)
        .order_by(Document.id)
    )
    return _date_filters(query, Document.published, filters)


def participants_label(dialect: str) -> Callable[[object], object]:
    """A correlated ``"Name (Title, XX); ..."`` of a meeting's participants, in order."""

    def build(meeting_id: object) -> object:
        label = (
            Person.name + " (" + func.coalesce(Participant.title, "") + ", "
            + func.coalesce(Participant.country, Participant.organisation, "") + ")"
        )
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import aggregate_order_by

            return (
                select(func.string_agg(label, aggregate_order_by(literal("; "),
                                                                 Participant.ordinal)))
                .select_from(Participant)
                .join(Person, Person.id == Participant.person_id)
                .where(Participant.meeting_id == meeting_id)
                .scalar_subquery()
            )
        # SQLite < 3.44 has no ORDER BY inside group_concat: aggregate an ordered subquery,
        # correlated explicitly (a FROM subquery is not correlated automatically).
        rows = (
            select(label.label("label"))
            .select_from(Participant)
            .join(Person, Person.id == Participant.person_id)
            .where(Participant.meeting_id == meeting_id)
            .order_by(Participant.ordinal)
            .correlate(Meeting)
            .subquery()
        )
        return select(func.group_concat(rows.c.label, "; ")).scalar_subquery()

    return build


def meetings_export(filters: ExportFilters, participant_list: Callable[..., object]) -> AnySelect:
    query: AnySelect = (
        select(
            Meeting.id.label("meeting_id"),
            Meeting.date,
            Meeting.kind,
            Meeting.location,
            Source.key.label("source"),
            Document.url,
            participant_list(Meeting.id).label("participants"),  # type: ignore[attr-defined]
            Meeting.topics,
            Meeting.extractor_version,
        )
        .join(Document, Document.id == Meeting.document_id)
        .join(Source, Source.id == Document.source_id)
        .order_by(Meeting.id)
    )
    query = _date_filters(query, Meeting.date, filters)
    if filters.country or filters.person:
        query = query.where(Meeting.id.in_(_meetings_matching(filters)))
    return query


def _meetings_matching(filters: ExportFilters) -> AnySelect:
    query = select(Participant.meeting_id).join(Person, Person.id == Participant.person_id)
    if filters.country:
        query = query.where(Participant.country == filters.country.upper())
    if filters.person:
        query = query.where(Person.name.icontains(filters.person, autoescape=True))
    return query


def participants_export(filters: ExportFilters) -> AnySelect:
    query: AnySelect = (
        select(
            Meeting.id.label("meeting_id"),
            Meeting.date,
            Person.id.label("person_id"),
            Person.name,
            Participant.title,
            Participant.country,
            Participant.organisation,
            Participant.role,
            Meeting.kind,
            Source.key.label("source"),
            Document.url,
        )
        .join(Meeting, Meeting.id == Participant.meeting_id)
        .join(Person, Person.id == Participant.person_id)
        .join(Document, Document.id == Meeting.document_id)
        .join(Source, Source.id == Document.source_id)
        .order_by(Meeting.id, Participant.ordinal)
    )
    query = _date_filters(query, Meeting.date, filters)
    if filters.country:
        query = query.where(Participant.country == filters.country.upper())
    if filters.person:
        query = query.where(Person.name.icontains(filters.person, autoescape=True))
    return query


def statements_export(filters: ExportFilters) -> AnySelect:
    speaker_part = aliased(Participant)
    speaker_country = (
        select(speaker_part.country)
        .where(speaker_part.meeting_id == Statement.meeting_id,
               speaker_part.person_id == Statement.speaker_id)
        .limit(1)
        .scalar_subquery()
    )
    query: AnySelect = (
        select(
            Statement.id.label("statement_id"),
            Statement.meeting_id,
            func.coalesce(Meeting.date, Document.published).label("date"),
            Statement.speaker,
            speaker_country.label("speaker_country"),
            Statement.verb,
            Statement.text,
            Statement.start_offset,
            Statement.end_offset,
            Source.key.label("source"),
            Document.url,
        )
        .join(Document, Document.id == Statement.document_id)
        .outerjoin(Meeting, Meeting.id == Statement.meeting_id)
        .join(Source, Source.id == Document.source_id)
        .order_by(Statement.id)
    )
    query = _date_filters(query, func.coalesce(Meeting.date, Document.published), filters)
    if filters.country:
        query = query.where(speaker_country == filters.country.upper())
    if filters.person:
        query = query.where(Statement.speaker.icontains(filters.person, autoescape=True))
    return query


def export_select(name: str, filters: ExportFilters, dialect: str) -> AnySelect:
    """The select() behind ``mfa-archive export NAME`` on a ``dialect`` database.

    Pure: the same arguments build the same query, so another process can rebuild it
    (:mod:`db.export_parallel`).
    """
    if name == "documents":
        return documents_export(filters)
    if name == "meetings":
        return meetings_export(filters, participants_label(dialect))
    if name == "participants":
        return participants_export(filters)
    if name == "statements":
        return statements_export(filters)
    return view_export(name, filters)


# --- the analysis views (created by migration b7e4c1a9d2f3, documented in docs/schema.md) ---

VIEW_COLUMNS: dict[str, tuple[str, ...]] = {
    "meeting_participants": (
        "participant_id", "meeting_id", "date", "ordinal", "person_id", "person", "person_key",
        "title", "country", "organisation", "role", "meeting_kind", "location", "source", "url",
        "document_id",
    ),
    "meeting_dyads": (
        "meeting_id", "date", "country_a", "country_b", "meeting_kind", "source", "url",
        "document_id",
    ),
    "statement_facts": (
        "statement_id", "document_id", "ordinal", "meeting_id", "date", "meeting_kind",
        "speaker_id", "speaker", "speaker_country", "verb", "text", "source", "url",
    ),
}
# Stable row order: the view's own ids.
_VIEW_ORDER = {
    "meeting_participants": ("meeting_id", "ordinal"),
    "meeting_dyads": ("meeting_id", "country_a", "country_b"),
    "statement_facts": ("statement_id",),
}


def view(name: str) -> TableClause:
    """A Core handle on an analysis view, its columns in their documented order."""
    return table(name, *(column(c) for c in VIEW_COLUMNS[name]))


def view_export(name: str, filters: ExportFilters) -> AnySelect:
    """All columns of view ``name``, filtered like the table exports, in a stable order.

    ``--country`` matches a participant's (meeting_participants), either side's
    (meeting_dyads) or the speaker's country (statement_facts); ``--person`` a
    participant's or speaker's name, case-insensitively, as a substring.
    """
    v = view(name)
    c = v.c
    query = select(v).order_by(*(c[col] for col in _VIEW_ORDER[name]))
    if filters.since:
        query = query.where(c.date >= filters.since)
    if filters.until:
        query = query.where(c.date <= filters.until)
    if filters.source:
        query = query.where(c.source == filters.source)
    country = filters.country.upper() if filters.country else None
    if name == "meeting_participants":
        if country:
            query = query.where(c.country == country)
        if filters.person:
            query = query.where(c.person.icontains(filters.person, autoescape=True))
    elif name == "meeting_dyads":
        if country:
            query = query.where(or_(c.country_a == country, c.country_b == country))
        if filters.person:
            query = query.where(c.meeting_id.in_(
                _meetings_matching(ExportFilters(person=filters.person))))
    else:
        if country:
            query = query.where(c.speaker_country == country)
        if filters.person:
            query = query.where(c.speaker.icontains(filters.person, autoescape=True))
    return query

