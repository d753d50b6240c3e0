"""Writes of documents: store a release (document, versions, records) and replace its records.

A release is stored whole inside the caller's transaction: its document (a new
one, an unchanged one, or a changed one whose old text becomes a
``document_versions`` row), its meetings, participants and statements, and its
frontier entry (:func:`db.frontier.mark_stored`). Rows are matched by position
and updated in place, so ids stay stable where the facts did not change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Connection, RowMapping, Table, bindparam, delete, select, update
from sqlalchemy.orm import Session

from db.batches import batched
from db.frontier import mark_stored
from db.models import Document, DocumentVersion, Meeting, Participant, Statement
from db.office_holders import Seen, link_office_holders_near
from db.offices import office_key
from db.persons import Mention, person_ids
from db.release import RecordsLike, ReleaseRecord
from db.writes import now as _now
from db.writes import prebuilt

Outcome = Literal["new", "changed", "unchanged"]

_MEETINGS: Table = Meeting.__table__  # type: ignore[assignment]
_PARTICIPANTS: Table = Participant.__table__  # type: ignore[assignment]
_STATEMENTS: Table = Statement.__table__  # type: ignore[assignment]
_MEETING_COLUMNS = ("date", "kind", "location", "topics", "extractor_version")
# Built once: a statement with bind parameters is compiled once and then cached.
_INSERT_MEETINGS = _MEETINGS.insert().returning(_MEETINGS.c.id, sort_by_parameter_order=True)
_UPDATE_MEETING = (
    _MEETINGS.update()
    .where(_MEETINGS.c.id == bindparam("meeting_id"))
    .values({c: bindparam(c) for c in _MEETING_COLUMNS})
)

# Whole rows: a row whose values are those it would be given is left untouched.
_SELECT_MEETINGS = select(_MEETINGS).where(_MEETINGS.c.document_id == bindparam("document_id"))
_SELECT_PARTICIPANTS = select(_PARTICIPANTS).where(
    _PARTICIPANTS.c.meeting_id.in_(bindparam("ids", expanding=True)))
_SELECT_STATEMENTS = select(_STATEMENTS).where(
    _STATEMENTS.c.document_id == bindparam("document_id"))
_RECORD_TABLES = (_MEETINGS, _PARTICIPANTS, _STATEMENTS)
_INSERT_ROWS = {t.name: t.insert() for t in _RECORD_TABLES}
_UPDATE_ROWS = {t.name: t.update().where(t.c.id == bindparam("row_id")) for t in _RECORD_TABLES}
_DELETE_ROWS = {t.name: t.delete().where(t.c.id.in_(bindparam("ids", expanding=True)))
                for t in _RECORD_TABLES}

_DOCUMENTS: Table = Document.__table__  # type: ignore[assignment]
_CHUNK = 500  # document ids per IN (...) list


@dataclass(slots=True)
class StoredRecords:
    """The record rows of a batch of documents, read at once by :func:`stored_records` in
    the transaction that then rewrites them one by one (:func:`replace_records`): three
    statements for the batch instead of three for each document.

    A document's rows are used once, as it is written. Its own writes change only its
    rows; another document's write changes them only by re-linking its unnamed
    participants (:func:`db.office_holders.link_office_holders_near`): their ids are
    collected in ``linked``, and a document holding one reads its participants again.
    """

    documents: dict[int, tuple[int, dt.date | None]] = field(default_factory=dict)  # source, published
    meetings: dict[int, dict[int, RowMapping]] = field(default_factory=dict)
    participants: dict[int, list[RowMapping]] = field(default_factory=dict)
    statements: dict[int, dict[int, RowMapping]] = field(default_factory=dict)
    linked: set[int] = field(default_factory=set)


def stored_records(session: Session, document_ids: Collection[int]) -> StoredRecords:
    """The source and date, meetings, participants and statements of ``document_ids``.

    The documents' rows are locked first (``FOR UPDATE`` on PostgreSQL; SQLite's writer
    holds the whole file), in id order: a concurrent writer of one of them (a crawl
    storing it anew) has committed before its records are read here, or waits for this
    transaction, so what is compared and rewritten is never a stale copy."""
    stored = StoredRecords()
    conn = session.connection()
    for chunk in batched(sorted(set(document_ids)), _CHUNK):
        stored.meetings.update((document_id, {}) for document_id in chunk)
        stored.participants.update((document_id, []) for document_id in chunk)
        stored.statements.update((document_id, {}) for document_id in chunk)
        for document_id, source_id, published in conn.execute(_DOCUMENTS_OF, {"ids": chunk}):
            stored.documents[document_id] = (source_id, published)
        for row in conn.execute(_MEETINGS_OF, {"ids": chunk}).mappings():
            stored.meetings[row["document_id"]][row["ordinal"]] = row
        for row in conn.execute(_PARTICIPANTS_OF, {"ids": chunk}).mappings():
            stored.participants[row["document_id"]].append(row)
        for row in conn.execute(_STATEMENTS_OF, {"ids": chunk}).mappings():
            stored.statements[row["document_id"]][row["ordinal"]] = row
    return stored


_DOCUMENTS_OF = select(_DOCUMENTS.c.id, _DOCUMENTS.c.source_id, _DOCUMENTS.c.published).where(
    _DOCUMENTS.c.id.in_(bindparam("ids", expanding=True))).order_by(_DOCUMENTS.c.id).with_for_update()
_MEETINGS_OF = select(_MEETINGS).where(_MEETINGS.c.document_id.in_(bindparam("ids", expanding=True)))
_PARTICIPANTS_OF = (
    select(_PARTICIPANTS, _MEETINGS.c.document_id)
    .join(_MEETINGS, _MEETINGS.c.id == _PARTICIPANTS.c.meeting_id)
    .where(_MEETINGS.c.document_id.in_(bindparam("ids", expanding=True))))
_STATEMENTS_OF = select(_STATEMENTS).where(
    _STATEMENTS.c.document_id.in_(bindparam("ids", expanding=True)))


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def store_release(
    session: Session,
    *,
    source_id: int | None,
    run_id: int | None,
    release: ReleaseRecord,
    force_records: bool = False,
    people: dict[str, int] | None = None,
    stored: StoredRecords | None = None,
) -> Outcome:
    """Archive ``release`` (document, versions, records, frontier) and say what it was.

    ``source_id`` and ``run_id`` may be ``None`` only for a document already
    archived (re-extraction); ``force_records`` rewrites its records even when
    text and extractor version are unchanged; ``people``: see :func:`db.persons.person_ids`;
    ``stored``: its record rows as read for its batch (:func:`stored_records`).
    """
    now = _now()
    new_hash = content_hash(release.text)
    values: dict[str, Any] = {
        "source_id": source_id,
        "url": release.url,
        "title": release.title,
        "published": release.published,
        "language": release.language,
        "text": release.text,
        "content_hash": new_hash,
        "raw_html": release.raw_html,
        "raw_hash": release.raw_hash,
        "encoding": release.encoding,
        "http_status": release.http_status,
        "etag": release.etag,
        "last_modified": release.last_modified,
        "fetched_at": release.fetched_at,
        "gone_at": None,
        "text_extractor": release.text_extractor,
        "records_extractor": release.records_extractor,
    }
    if run_id is not None:
        values["last_run_id"] = run_id
    inserted = None
    if source_id is not None:
        statement = prebuilt(session, "insert_document", lambda insert_: (
            insert_(_DOCUMENTS).on_conflict_do_nothing(index_elements=["url"])
            .returning(_DOCUMENTS.c.id)
        ))
        inserted = session.connection().execute(
            statement, {"first_run_id": run_id, **values}
        ).scalar_one_or_none()
    else:
        del values["source_id"]
    outcome: Outcome
    if inserted is not None:
        document_id, outcome = inserted, "new"
    else:
        old = session.execute(
            select(Document.id, Document.content_hash, Document.title, Document.text,
                   Document.fetched_at, Document.records_extractor)
            .where(Document.url == release.url)
            .with_for_update()
        ).one()
        document_id = old.id
        if old.content_hash == new_hash:
            outcome = "unchanged"
            _update_document(session, document_id, {
                "fetched_at": release.fetched_at, "gone_at": None,
                "http_status": release.http_status, "etag": release.etag,
                "last_modified": release.last_modified,
                "text_extractor": release.text_extractor,  # it yielded the same text
                **({"last_run_id": run_id} if run_id is not None else {}),
            })
        else:
            outcome = "changed"
            session.add(
                DocumentVersion(
                    document_id=document_id,
                    title=old.title,
                    text=old.text,
                    content_hash=old.content_hash,
                    fetched_at=old.fetched_at,
                    replaced_at=now,
                )
            )
            _update_document(session, document_id, values)
        if (outcome == "unchanged" and not force_records
                and old.records_extractor == release.records_extractor):
            mark_stored(session, source_id=source_id, url=release.url, now=now)
            return outcome
        if outcome == "unchanged" and old.records_extractor != release.records_extractor:
            _update_document(session, document_id,
                             {"records_extractor": release.records_extractor})
    replace_records(session, document_id, release.records, version=release.records_extractor,
                    fresh=outcome == "new", people=people, source_id=source_id,
                    published=release.published, stored=stored)
    mark_stored(session, source_id=source_id, url=release.url, now=now)
    return outcome


def store_records(
    session: Session, document_id: int, records: RecordsLike, *, version: str,
    people: dict[str, int] | None = None, mark_version: bool = True,
    stored: StoredRecords | None = None,
) -> None:
    """Replace a stored document's records, built from its unchanged text by ``version``
    (``people``: see :func:`person_ids`). ``mark_version=False``: the caller records the
    version with :func:`mark_records_version`, one statement for a batch of documents;
    ``stored``: its rows as :func:`stored_records` read them for the batch."""
    if mark_version:
        _update_document(session, document_id, {"records_extractor": version})
    # the document's source and date (its text, so its date, stays), as a crawl's store
    # passes them: its office holders are re-linked without reading them back
    source_id, published = (stored.documents.pop(document_id, (None, None)) if stored is not None
                            else (None, None))
    replace_records(session, document_id, records, version=version, people=people,
                    stored=stored, source_id=source_id, published=published)


_MARK_RECORDS_VERSION = (
    update(_DOCUMENTS)
    .where(_DOCUMENTS.c.id == bindparam("document_id"),
           _DOCUMENTS.c.records_extractor.is_distinct_from(bindparam("version")))
    .values(records_extractor=bindparam("version"))
)


def mark_records_version(session: Session, document_ids: Sequence[int], version: str) -> None:
    """Record that ``version`` built the records of ``document_ids`` (one statement for all;
    a document that says so already is not written)."""
    if document_ids:
        session.connection().execute(
            _MARK_RECORDS_VERSION,
            [{"document_id": document_id, "version": version} for document_id in document_ids])


def _update_document(session: Session, document_id: int, values: dict[str, Any]) -> None:
    """Update columns of one document (a Core statement, cached per set of columns)."""
    columns = tuple(sorted(values))
    statement = prebuilt(session, "update_document:" + ",".join(columns), lambda _: (
        update(_DOCUMENTS)
        .where(_DOCUMENTS.c.id == bindparam("document_id"))
        .values({c: bindparam(c) for c in columns})
    ))
    session.connection().execute(statement, {"document_id": document_id, **values})


def replace_records(
    session: Session, document_id: int, records: RecordsLike, *, version: str,
    fresh: bool = False, people: dict[str, int] | None = None,
    source_id: int | None = None, published: dt.date | None = None,
    stored: StoredRecords | None = None,
) -> None:
    """Make a document's meetings, participants and statements equal ``records``.

    Rows are matched by position (``ordinal``) and updated in place, so ids stay
    stable where the facts did not change; surplus rows are deleted. A row that
    already holds the values it would be given is not written at all, and a
    statement whose text is unchanged is updated without its ``text`` column (the
    full-text index's triggers fire on an update of ``text``): re-extraction that
    finds the same facts writes nothing. Bulk statements keep this to a handful of
    round trips per release; ``fresh`` (a document inserted in this transaction,
    so without records) skips the lookups of existing rows; ``source_id`` and
    ``published`` (of the document, when the writer knows them) save reading them
    back. ``people`` is a writer's person id cache (:func:`db.persons.person_ids`);
    unnamed office holders near the document are re-linked
    (:func:`db.office_holders.link_office_holders_near`). ``stored``: the document's
    rows as read for its batch (:class:`StoredRecords`), instead of reading them here.
    """
    # persons are named people only: never an unnamed office holder, a group, an institution or the sides
    offices = [[None if p.group else office_key(p.title) for p in m.participants]
               for m in records.meetings]
    ids = person_ids(
        session,
        [Mention(p.name, p.country, office)
         for m, row in zip(records.meetings, offices, strict=True)
         for p, office in zip(m.participants, row, strict=True) if p.name and not p.group]
        + [Mention(s.speaker) for s in records.statements if s.speaker and s.speaker_person],
        document_id,
        people,
    )
    conn = session.connection()
    if fresh:
        old_meetings: dict[int, RowMapping] = {}
    elif stored is not None and document_id in stored.meetings:
        old_meetings = stored.meetings.pop(document_id)
    else:
        old_meetings = {row.ordinal: row for row in
                        conn.execute(_SELECT_MEETINGS, {"document_id": document_id}).mappings()}
    meeting_ids: list[int] = []
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for ordinal, meeting in enumerate(records.meetings):
        values = {
            "date": meeting.date,
            "kind": meeting.kind,
            "location": meeting.location,
            "topics": list(meeting.topics),
            "extractor_version": version,
        }
        old = old_meetings.pop(ordinal, None)
        if old is None:
            inserts.append({"document_id": document_id, "ordinal": ordinal, **values})
            meeting_ids.append(0)  # filled in below, in ordinal order
        else:
            if not _same(old, values):
                updates.append({"meeting_id": old["id"], **values})
            meeting_ids.append(old["id"])
    if updates:  # one executemany for all
        conn.execute(_UPDATE_MEETING, updates)
    if inserts:  # one INSERT ... RETURNING for all, ids in parameter order
        new_ids = iter(conn.execute(_INSERT_MEETINGS, inserts).scalars().all())
        meeting_ids = [m or next(new_ids) for m in meeting_ids]
    if old_meetings:  # participants go with them (ON DELETE CASCADE)
        conn.execute(_DELETE_ROWS[_MEETINGS.name],
                     {"ids": [old["id"] for old in old_meetings.values()]})

    participant_rows = [
        {
            "meeting_id": meeting_id,
            "ordinal": ordinal,
            "person_id": ids[participant.name] if participant.name and not participant.group else None,
            "name": participant.name if participant.name and not participant.group else None,
            "office": office,
            "resolved_by": None,  # an unnamed office holder is linked below
            "evidence_document_id": None,
            "group": participant.group,
            "title": participant.title,
            "country": participant.country,
            "organisation": participant.organisation,
            "role": participant.role,
            "extractor_version": version,
        }
        for meeting_id, meeting, row in zip(meeting_ids, records.meetings, offices, strict=True)
        for ordinal, (participant, office) in enumerate(zip(meeting.participants, row, strict=True))
    ]
    prefetched = stored.participants.pop(document_id, None) if stored is not None else None
    linked = stored.linked if stored is not None else set()
    if not meeting_ids or fresh:
        old_participants: dict[Any, RowMapping] = {}
    elif prefetched is not None and not any(row["id"] in linked for row in prefetched):
        kept = set(meeting_ids)  # (those of deleted meetings went with them)
        old_participants = {(row["meeting_id"], row["ordinal"]): row for row in prefetched
                            if row["meeting_id"] in kept}
    else:  # not read for the batch, or re-linked since
        old_participants = {
            (row.meeting_id, row.ordinal): row
            for row in conn.execute(_SELECT_PARTICIPANTS, {"ids": meeting_ids}).mappings()}
    _sync_rows(conn, _PARTICIPANTS, participant_rows, old_participants,
               key=lambda row: (row["meeting_id"], row["ordinal"]))

    statement_rows = [
        {
            "document_id": document_id,
            "ordinal": ordinal,
            "meeting_id": (
                meeting_ids[statement.meeting]
                if statement.meeting is not None and statement.meeting < len(meeting_ids)
                else None
            ),
            "speaker": statement.speaker,
            "speaker_id": ids[statement.speaker] if statement.speaker and statement.speaker_person else None,
            "verb": statement.verb,
            "verb_lemma": statement.verb_lemma,
            "text": statement.text,
            "start_offset": statement.start,
            "end_offset": statement.end,
            "extractor_version": version,
        }
        for ordinal, statement in enumerate(records.statements)
    ]
    if fresh:
        old_statements: dict[Any, RowMapping] = {}
    elif stored is not None and document_id in stored.statements:
        old_statements = {(document_id, ordinal): row
                          for ordinal, row in stored.statements.pop(document_id).items()}
    else:
        old_statements = {
            (document_id, row.ordinal): row
            for row in conn.execute(_SELECT_STATEMENTS, {"document_id": document_id}).mappings()}
    _sync_rows(conn, _STATEMENTS, statement_rows, old_statements,
               key=lambda row: (row["document_id"], row["ordinal"]))
    link_office_holders_near(
        session, document_id,
        [Seen(p.country, office, m.date, not p.name)
         for m, row in zip(records.meetings, offices, strict=True)
         for p, office in zip(m.participants, row, strict=True) if office and p.country],
        source_id=source_id, published=published, fresh=fresh,
        linked=stored.linked if stored is not None else None)


def _same(old: RowMapping, values: dict[str, Any]) -> bool:
    """Whether a stored row already holds ``values``."""
    return all(old[column] == value for column, value in values.items())


def _sync_rows(
    conn: Connection,
    table: Table,
    rows: list[dict[str, Any]],
    existing: dict[Any, RowMapping],
    *,
    key: Callable[[dict[str, Any]], Any],
) -> None:
    """Update rows whose key exists (keeping their ids) where a value differs, insert the
    others, delete the rest. An update sets only the columns that differ: an unchanged
    ``text`` fires no full-text trigger, an unchanged ``meeting_id`` and ``country`` no
    country-pairs trigger (PostgreSQL's ``UPDATE OF`` triggers fire on the columns set)."""
    updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}  # by the columns they set
    inserts: list[dict[str, Any]] = []
    for row in rows:
        old = existing.pop(key(row), None)
        if old is None:
            inserts.append(row)
            continue
        changed = {column: value for column, value in row.items() if old[column] != value}
        if changed:
            updates.setdefault(tuple(sorted(changed)), []).append({"row_id": old["id"], **changed})
    for _columns, batch in sorted(updates.items()):
        conn.execute(_UPDATE_ROWS[table.name], batch)
    if existing:
        conn.execute(_DELETE_ROWS[table.name], {"ids": [old["id"] for old in existing.values()]})
    if inserts:
        conn.execute(_INSERT_ROWS[table.name], inserts)


def delete_document_records(session: Session, document_id: int) -> None:
    """Remove a document's records (used before a full re-extraction of a source)."""
    session.execute(delete(Statement).where(Statement.document_id == document_id))
    session.execute(delete(Meeting).where(Meeting.document_id == document_id))
