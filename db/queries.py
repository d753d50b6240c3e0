"""Reads: the select() builders behind summaries, run listings, the frontier and exports,
and the few functions that run them for a caller outside :mod:`db`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from sqlalchemy import (
    Connection,
    Engine,
    Row,
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
from sqlalchemy.orm import Session, aliased

from db.models import (
    CrawlError,
    CrawlRun,
    Document,
    FrontierEntry,
    Meeting,
    Participant,
    Person,
    Source,
    Statement,
)

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


def last_runs() -> Select[CrawlRun, str]:
    """Each source's newest run (the highest id) with the source's key."""
    newest = select(func.max(CrawlRun.id)).group_by(CrawlRun.source_id)
    return select(CrawlRun, Source.key).join(Source).where(CrawlRun.id.in_(newest))


def last_run_per_source(session: Session) -> dict[str, CrawlRun]:
    """Source key -> its newest run, in one query (for ``mfa-archive sources``)."""
    return {key: run for run, key in session.execute(last_runs())}


def recent_runs(session: Session, source: str | None = None,
                limit: int | None = 50) -> list[tuple[CrawlRun, str]]:
    """The newest ``limit`` runs (of ``source``), newest first, each with its source's key."""
    return [(run, key) for run, key in session.execute(runs(source, limit))]


def run_errors(session: Session, run_ids: Sequence[int]) -> dict[int, list[tuple[str, str, bool]]]:
    """The errors of each run, ``(url, reason, blocked)`` in order (for ``mfa-archive runs``)."""
    found: dict[int, list[tuple[str, str, bool]]] = {run_id: [] for run_id in run_ids}
    if not run_ids:
        return found
    rows = session.execute(
        select(CrawlError.run_id, CrawlError.url, CrawlError.reason, CrawlError.blocked)
        .where(CrawlError.run_id.in_(list(run_ids)))
        .order_by(CrawlError.id)
    )
    for run_id, url, reason, blocked in rows:
        found[run_id].append((url, reason, bool(blocked)))
    return found


def source_summary(engine: Engine) -> list[tuple[str, int, int, int, int]]:
    """:func:`summary`'s rows: per source key, documents, meetings, participants, statements."""
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(summary())]  # type: ignore[misc]


def stored_releases(engine: Engine) -> list[Row[str, str, str | None, dt.date | None, str]]:
    """Every archived release: source key, url, title, published, text (``sources check``)."""
    with engine.connect() as conn:
        return list(conn.execute(
            select(Source.key, Document.url, Document.title, Document.published, Document.text)
            .join(Source, Source.id == Document.source_id)
        ).all())


def _stored(query: AnySelect, source: str | None, text_version: str | None,
            *, stale: bool) -> AnySelect:
    """``query`` over documents joined to their source: of ``source``; with ``text_version``,
    only those whose text that version did (or, ``stale``, did not) extract."""
    query = query.join(Source, Source.id == Document.source_id)
    if source:
        query = query.where(Source.key == source)
    if text_version is not None:
        current = Document.text_extractor == text_version
        query = query.where(~current if stale else current)
    return query


def document_count(conn: Connection, source: str | None = None) -> int:
    """How many documents are archived (of ``source``)."""
    count: int = conn.execute(
        _stored(select(func.count(Document.id)), source, None, stale=False)).scalar_one()
    return count


def stored_pages(conn: Connection, *, source: str | None,
                 stale_text: str | None) -> Iterator[Any]:
    """Stored raw pages in id order, streamed, as rows with ``id, key`` (the source's),
    ``country, url, raw_html, encoding, http_status, fetched_at, listing_title,
    listing_date`` (what the listing showed, as the frontier kept it), ``etag, last_modified``.

    ``stale_text``: only the documents whose text another version extracted.
    """
    query = _stored(
        select(Document.id, Source.key, Source.country, Document.url, Document.raw_html,
               Document.encoding, Document.http_status, Document.fetched_at,
               FrontierEntry.listing_title, FrontierEntry.listing_date, Document.etag,
               Document.last_modified)
        .outerjoin(FrontierEntry, FrontierEntry.url == Document.url),
        source, stale_text, stale=True,
    ).order_by(Document.id)
    yield from conn.execution_options(yield_per=200).execute(query)


def stored_texts(conn: Connection, *, source: str | None,
                 text_version: str) -> Iterator[Sequence[Any]]:
    """Stored texts that ``text_version`` extracted, in id order, streamed: ``id, country,
    text, title, published, language``."""
    query = _stored(
        select(Document.id, Source.country, Document.text, Document.title,
               Document.published, Document.language),
        source, text_version, stale=False,
    ).order_by(Document.id)
    yield from conn.execution_options(yield_per=500).execute(query)


def listing_watermark(source_id: int) -> Select[dt.datetime | None]:
    """When the source's last complete listing walk ended (``None``: never)."""
    return (select(func.max(CrawlRun.finished_at))
            .where(CrawlRun.source_id == source_id, CrawlRun.listing_complete.is_(True)))


def frontier_entries(source_id: int) -> AnySelect:
    """The source's frontier, in discovery order, with what the archive holds of each URL."""
    return (
        select(FrontierEntry.url, FrontierEntry.state, FrontierEntry.next_attempt_at,
               FrontierEntry.discovered_at, FrontierEntry.listing_title,
               FrontierEntry.listing_date, Document.etag, Document.last_modified,
               Document.title, Document.published, Document.id.label("document_id"))
        .outerjoin(Document, Document.url == FrontierEntry.url)
        .where(FrontierEntry.source_id == source_id)
        .order_by(FrontierEntry.id)
    )


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
            func.coalesce(Person.name, Participant.title, "") + " (" + func.coalesce(Participant.title, "") + ", "
            + func.coalesce(Participant.country, Participant.organisation, "") + ")"
        )
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import aggregate_order_by

            return (
                select(func.string_agg(label, aggregate_order_by(literal("; "),
                                                                 Participant.ordinal)))
                .select_from(Participant)
                .outerjoin(Person, Person.id == Participant.person_id)
                .where(Participant.meeting_id == meeting_id)
                .scalar_subquery()
            )
        # SQLite < 3.44 has no ORDER BY inside group_concat: aggregate an ordered subquery,
        # correlated explicitly (a FROM subquery is not correlated automatically).
        rows = (
            select(label.label("label"))
            .select_from(Participant)
            .outerjoin(Person, Person.id == Participant.person_id)
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
    query = select(Participant.meeting_id).outerjoin(Person, Person.id == Participant.person_id)
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
            Participant.resolved_by,  # "office": an unnamed office holder linked to its holder
        )
        .join(Meeting, Meeting.id == Participant.meeting_id)
        .outerjoin(Person, Person.id == Participant.person_id)  # unnamed and group participants too
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
    if name in ("persons", "crawl_runs"):
        from db import table_exports

        return table_exports.persons_export(filters, dialect) if name == "persons" \
            else table_exports.crawl_runs_export(filters)
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


# --- canned queries: SQL text for tools that read the SQLite file (mfa-archive browse) ---

CANNED_QUERIES: dict[str, dict[str, str]] = {
    "meetings_between": {
        "title": "Meetings between two countries",
        "description": "Meetings in which both countries took part (ISO codes, e.g. AZ and BY).",
        "sql": (
            "select meeting_id, date, meeting_kind, country_a, country_b, source, url\n"
            "from meeting_dyads\n"
            "where (country_a = upper(:a) and country_b = upper(:b))\n"
            "   or (country_a = upper(:b) and country_b = upper(:a))\n"
            "order by date, meeting_id"
        ),
    },
    "statements_by_person": {
        "title": "Statements by a person",
        "description": "Statements whose speaker's name contains the text given.",
        "sql": (
            "select statement_id, date, speaker, speaker_country, verb, text, meeting_kind,\n"
            "       source, url\n"
            "from statement_facts\n"
            "where speaker like '%' || :person || '%'\n"
            "  -- the matching names first, from an index (SQLite)\n"
            "  and speaker in (select speaker from statements\n"
            "                  where speaker like '%' || :person || '%')\n"
            "order by date, statement_id"
        ),
    },
    "meetings_per_month": {
        "title": "A ministry's meetings per month",
        "description": "Meetings reported by one source (its key, e.g. az), counted per month.",
        "sql": (
            "select substr(m.date, 1, 7) as month, count(*) as meetings\n"
            "from meetings m\n"
            "join documents d on d.id = m.document_id\n"
            "join sources s on s.id = d.source_id\n"
            "where s.key = lower(:source) and m.date is not null\n"
            "group by month\n"
            "order by month"
        ),
    },
    "encounters_reported_by": {
        "title": "Encounters another ministry reported too",
        "description": ("Encounters one source (its key, e.g. az) reported, beside each other "
                        "ministry's report of the same encounter (table encounters)."),
        "sql": (
            "select e.key as encounter_id, e.date, e.kind, da.url as url, sb.key as other_source,\n"
            "       db.url as other_url, db.title as other_title\n"
            "from encounters e\n"
            "join encounter_meetings ea on ea.encounter_id = e.id\n"
            "join meetings ma on ma.id = ea.meeting_id\n"
            "join documents da on da.id = ma.document_id\n"
            "join sources sa on sa.id = da.source_id\n"
            "join encounter_meetings eb on eb.encounter_id = e.id and eb.meeting_id != ea.meeting_id\n"
            "join meetings mb on mb.id = eb.meeting_id\n"
            "join documents db on db.id = mb.document_id\n"
            "join sources sb on sb.id = db.source_id\n"
            "where sa.key = lower(:source)\n"
            "order by e.date, e.key, sb.key"
        ),
    },
}
