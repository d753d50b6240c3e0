"""``mfa-archive export encounters``: both reports of each encounter, side by side.

One row per encounter and pair of its reports (an encounter of three sources
gives three rows), side ``a`` being the source whose key sorts first. Rows are
ordered by date, encounter key and sources; ``encounter_id`` is the stable
``encounters.key``, not a row id.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, exists, func, or_, select
from sqlalchemy.orm import aliased

from db.models import Document, Encounter, EncounterMeeting, Meeting, Participant, Person, Source
from db.queries import AnySelect, ExportFilters
from db.table_exports import joined_labels

# The export's columns and their meanings (Parquet field descriptions; docs/schema.md says the same).
DESCRIPTIONS: dict[str, str] = {
    "encounter_id": "Stable id of the encounter (`encounters.key`).",
    "date": "The earliest of its reports' dates.",
    "kind": "The kind its reports agree on; else `meeting` in person, `video_call` for calls.",
    "reports": "How many meetings (of as many sources) report it.",
    "score": "The best pair score among its reports.",
    "source_a": "The first report's ministry (`sources.key`, the smaller of the two).",
    "source_b": "The second report's ministry.",
    "date_a": "The first report's meeting date.",
    "date_b": "The second report's meeting date.",
    "kind_a": "The first report's meeting kind.",
    "kind_b": "The second report's meeting kind.",
    "url_a": "The first report's release URL.",
    "url_b": "The second report's release URL.",
    "title_a": "The first report's release title.",
    "title_b": "The second report's release title.",
    "participants_a": "The first report's participants, `Name (Title, XX); ...`.",
    "participants_b": "The second report's participants.",
    "meeting_id_a": "The first report's `meetings.id`.",
    "meeting_id_b": "The second report's `meetings.id`.",
    "rule_version": "Version of the rule that built the encounter.",
}
COLUMNS = tuple(DESCRIPTIONS)


def _participants(meeting: Any, dialect: str) -> Any:
    """``"Name (Title, XX); ..."`` of the participants of ``meeting`` (an aliased Meeting)."""
    label = (func.coalesce(Person.name, Participant.title, "") + " ("
             + func.coalesce(Participant.title, "") + ", "
             + func.coalesce(Participant.country, Participant.organisation, "") + ")")
    return joined_labels(dialect, select(label.label("label"), Participant.ordinal.label("sort"))
                         .select_from(Participant)
                         .outerjoin(Person, Person.id == Participant.person_id)
                         .where(Participant.meeting_id == meeting.id)
                         .correlate(meeting))


def _has_participant(meeting: Any, filters: ExportFilters) -> Any:
    query = (select(Participant.id).outerjoin(Person, Person.id == Participant.person_id)
             .where(Participant.meeting_id == meeting.id))
    if filters.country:
        query = query.where(Participant.country == filters.country.upper())
    if filters.person:
        query = query.where(Person.name.icontains(filters.person, autoescape=True))
    return exists(query.correlate(meeting))


def encounters_select(filters: ExportFilters, dialect: str) -> AnySelect:
    """The rows of the export: encounters with two of their reports each."""
    link_a, link_b = aliased(EncounterMeeting), aliased(EncounterMeeting)
    meeting_a, meeting_b = aliased(Meeting), aliased(Meeting)
    doc_a, doc_b = aliased(Document), aliased(Document)
    source_a, source_b = aliased(Source), aliased(Source)
    query: AnySelect = (
        select(
            Encounter.key.label("encounter_id"), Encounter.date, Encounter.kind,
            Encounter.reports, Encounter.score,
            source_a.key.label("source_a"), source_b.key.label("source_b"),
            meeting_a.date.label("date_a"), meeting_b.date.label("date_b"),
            meeting_a.kind.label("kind_a"), meeting_b.kind.label("kind_b"),
            doc_a.url.label("url_a"), doc_b.url.label("url_b"),
            doc_a.title.label("title_a"), doc_b.title.label("title_b"),
            _participants(meeting_a, dialect).label("participants_a"),
            _participants(meeting_b, dialect).label("participants_b"),
            meeting_a.id.label("meeting_id_a"), meeting_b.id.label("meeting_id_b"),
            Encounter.rule_version,
        )
        .select_from(Encounter)
        .join(link_a, link_a.encounter_id == Encounter.id)
        .join(link_b, link_b.encounter_id == Encounter.id)
        .join(meeting_a, meeting_a.id == link_a.meeting_id)
        .join(meeting_b, meeting_b.id == link_b.meeting_id)
        .join(doc_a, doc_a.id == meeting_a.document_id)
        .join(doc_b, doc_b.id == meeting_b.document_id)
        .join(source_a, source_a.id == doc_a.source_id)
        .join(source_b, source_b.id == doc_b.source_id)
        .where(source_a.key < source_b.key)
        .order_by(Encounter.date, Encounter.key, source_a.key, source_b.key)
    )
    if filters.since:
        query = query.where(Encounter.date >= filters.since)
    if filters.until:
        query = query.where(Encounter.date <= filters.until)
    if filters.source:
        query = query.where(or_(source_a.key == filters.source, source_b.key == filters.source))
    if filters.country or filters.person:
        query = query.where(or_(_has_participant(meeting_a, filters),
                                _has_participant(meeting_b, filters)))
    return query


def export_encounters(engine: Engine, filters: ExportFilters, *, fmt: str, path: str | None,
                      bom: bool = False) -> int:
    """Write the encounters as ``fmt`` (csv, jsonl, json, parquet) to ``path`` (or stdout)."""
    query = encounters_select(filters, engine.dialect.name)
    if fmt == "parquet":
        from db import parquet

        if path is None or path == "-":
            raise ValueError("a Parquet export needs a file (-o FILE.parquet)")
        return parquet.export_parquet(engine, query, path, descriptions=DESCRIPTIONS, hints={},
                                      metadata={"mfa_archive.export": "encounters"})
    from db.export import export

    return export(engine, query, fmt=fmt, path=path, bom=bom)
