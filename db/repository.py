"""Writes to the archive. Every function takes the session first and never commits.

The caller owns the transaction: a release, its records and its frontier state
are written inside one ``with sessions.begin():`` so the archive never holds
half a release. Upserts rely on the unique keys (``documents.url``,
``persons.name_key``, ``frontier.url``), so concurrent writers cannot duplicate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.models import (
    CrawlError,
    CrawlRun,
    Document,
    DocumentVersion,
    FrontierEntry,
    Meeting,
    Participant,
    Person,
    Source,
    Statement,
)
from db.names import name_key

Outcome = Literal["new", "changed", "unchanged"]


class ParticipantLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def country(self) -> str | None: ...
    @property
    def organisation(self) -> str | None: ...
    @property
    def role(self) -> str | None: ...


class MeetingLike(Protocol):
    @property
    def date(self) -> dt.date | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def location(self) -> str | None: ...
    @property
    def participants(self) -> Sequence[ParticipantLike]: ...
    @property
    def topics(self) -> Sequence[str]: ...


class StatementLike(Protocol):
    @property
    def speaker(self) -> str | None: ...
    @property
    def verb(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def meeting(self) -> int | None: ...


class RecordsLike(Protocol):
    @property
    def meetings(self) -> Sequence[MeetingLike]: ...
    @property
    def statements(self) -> Sequence[StatementLike]: ...


@dataclass(kw_only=True, slots=True)
class ReleaseRecord:
    """A fetched and extracted release, ready to be archived."""

    url: str
    title: str | None
    published: dt.date | None
    language: str | None
    text: str
    raw_html: bytes  # gzip-compressed page as fetched
    raw_hash: str
    encoding: str | None
    http_status: int
    fetched_at: dt.datetime
    etag: str | None = None
    last_modified: str | None = None
    text_extractor: str
    records: RecordsLike
    records_extractor: str


@dataclass(kw_only=True, slots=True)
class RunCounts:
    listing_pages: int = 0
    releases_new: int = 0
    releases_changed: int = 0
    releases_unchanged: int = 0
    releases_failed: int = 0
    releases_blocked: int = 0
    extra: dict[str, int] = field(default_factory=dict)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _insert(session: Session, table: Any) -> Any:
    """The dialect's INSERT, which has ``on_conflict_do_nothing``."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def ensure_source(
    session: Session, *, key: str, country: str, ministry: str, listing_url: str
) -> int:
    """Create or refresh a ``sources`` row; return its id."""
    session.execute(
        _insert(session, Source)
        .values(key=key, country=country, ministry=ministry, listing_url=listing_url)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    session.execute(
        update(Source)
        .where(Source.key == key)
        .values(country=country, ministry=ministry, listing_url=listing_url)
    )
    return session.execute(select(Source.id).where(Source.key == key)).scalar_one()


def start_run(session: Session, *, source_id: int, base_url: str | None) -> int:
    run = CrawlRun(source_id=source_id, started_at=_now(), status="running", base_url=base_url)
    session.add(run)
    session.flush()
    return run.id


def finish_run(
    session: Session, run_id: int, *, status: str, finish_reason: str | None, counts: RunCounts
) -> None:
    session.execute(
        update(CrawlRun)
        .where(CrawlRun.id == run_id)
        .values(
            finished_at=_now(),
            status=status,
            finish_reason=finish_reason,
            listing_pages=counts.listing_pages,
            releases_new=counts.releases_new,
            releases_changed=counts.releases_changed,
            releases_unchanged=counts.releases_unchanged,
            releases_failed=counts.releases_failed,
            releases_blocked=counts.releases_blocked,
        )
    )


def record_failure(
    session: Session,
    *,
    source_id: int,
    run_id: int,
    url: str,
    reason: str,
    blocked: bool = False,
    release: bool = True,
) -> None:
    """Record why ``url`` was not archived; for a release URL, mark its frontier entry failed."""
    now = _now()
    session.add(CrawlError(run_id=run_id, url=url, reason=reason, blocked=blocked, at=now))
    if not release:
        return
    _touch_frontier(session, source_id=source_id, url=url, now=now)
    session.execute(
        update(FrontierEntry)
        .where(FrontierEntry.url == url, FrontierEntry.state != "stored")
        .values(
            state="failed",
            attempts=FrontierEntry.attempts + 1,
            last_error=reason,
            updated_at=now,
        )
    )


def _touch_frontier(session: Session, *, source_id: int, url: str, now: dt.datetime) -> None:
    session.execute(
        _insert(session, FrontierEntry)
        .values(
            source_id=source_id,
            url=url,
            state="pending",
            attempts=0,
            discovered_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["url"])
    )


def store_release(
    session: Session,
    *,
    source_id: int | None,
    run_id: int | None,
    release: ReleaseRecord,
    force_records: bool = False,
) -> Outcome:
    """Archive ``release`` (document, versions, records, frontier) and say what it was.

    ``source_id`` and ``run_id`` may be ``None`` only for a document already
    archived (re-extraction); ``force_records`` rewrites its records even when
    text and extractor version are unchanged.
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
        inserted = session.execute(
            _insert(session, Document)
            .values(first_run_id=run_id, **values)
            .on_conflict_do_nothing(index_elements=["url"])
            .returning(Document.id)
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
            session.execute(
                update(Document)
                .where(Document.id == document_id)
                .values(fetched_at=release.fetched_at, gone_at=None,
                        http_status=release.http_status, etag=release.etag,
                        last_modified=release.last_modified,
                        **({"last_run_id": run_id} if run_id is not None else {}))
            )
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
            session.execute(update(Document).where(Document.id == document_id).values(**values))
        if (outcome == "unchanged" and not force_records
                and old.records_extractor == release.records_extractor):
            _mark_stored(session, source_id=source_id, url=release.url, now=now)
            return outcome
        if outcome == "unchanged":
            session.execute(
                update(Document)
                .where(Document.id == document_id)
                .values(records_extractor=release.records_extractor)
            )
    replace_records(session, document_id, release.records, version=release.records_extractor)
    _mark_stored(session, source_id=source_id, url=release.url, now=now)
    return outcome


def _mark_stored(
    session: Session, *, source_id: int | None, url: str, now: dt.datetime
) -> None:
    if source_id is not None:
        _touch_frontier(session, source_id=source_id, url=url, now=now)
    session.execute(
        update(FrontierEntry)
        .where(FrontierEntry.url == url)
        .values(state="stored", last_error=None, updated_at=now)
    )


def person_id(session: Session, name: str) -> int:
    """The id of the person called ``name`` (folded), created on first sight."""
    key = name_key(name) or name.strip().casefold()
    session.execute(
        _insert(session, Person)
        .values(name=name.strip(), name_key=key)
        .on_conflict_do_nothing(index_elements=["name_key"])
    )
    return session.execute(select(Person.id).where(Person.name_key == key)).scalar_one()


def replace_records(
    session: Session, document_id: int, records: RecordsLike, *, version: str
) -> None:
    """Make a document's meetings, participants and statements equal ``records``.

    Rows are matched by position (``ordinal``) and updated in place, so ids stay
    stable where the facts did not change; surplus rows are deleted.
    """
    meeting_ids: list[int] = []
    existing = {
        m.ordinal: m
        for m in session.scalars(select(Meeting).where(Meeting.document_id == document_id))
    }
    for ordinal, meeting in enumerate(records.meetings):
        row = existing.pop(ordinal, None)
        if row is None:
            row = Meeting(document_id=document_id, ordinal=ordinal)
            session.add(row)
        row.date = meeting.date
        row.kind = meeting.kind
        row.location = meeting.location
        row.topics = list(meeting.topics)
        row.extractor_version = version
        session.flush()
        meeting_ids.append(row.id)
        _replace_participants(session, row.id, meeting.participants, version=version)
    for stale in existing.values():
        session.delete(stale)

    statements = {
        s.ordinal: s
        for s in session.scalars(select(Statement).where(Statement.document_id == document_id))
    }
    for ordinal, statement in enumerate(records.statements):
        values = {
            "meeting_id": (
                meeting_ids[statement.meeting]
                if statement.meeting is not None and statement.meeting < len(meeting_ids)
                else None
            ),
            "speaker": statement.speaker,
            "speaker_id": person_id(session, statement.speaker) if statement.speaker else None,
            "verb": statement.verb,
            "text": statement.text,
            "start_offset": statement.start,
            "end_offset": statement.end,
            "extractor_version": version,
        }
        srow = statements.pop(ordinal, None)
        if srow is None:
            session.add(Statement(document_id=document_id, ordinal=ordinal, **values))
        else:
            for key, value in values.items():
                setattr(srow, key, value)
    for stale_statement in statements.values():
        session.delete(stale_statement)
    session.flush()


def _replace_participants(
    session: Session, meeting_id: int, participants: Sequence[ParticipantLike], *, version: str
) -> None:
    existing = {
        p.ordinal: p
        for p in session.scalars(select(Participant).where(Participant.meeting_id == meeting_id))
    }
    for ordinal, participant in enumerate(participants):
        values = {
            "person_id": person_id(session, participant.name),
            "title": participant.title,
            "country": participant.country,
            "organisation": participant.organisation,
            "role": participant.role,
            "extractor_version": version,
        }
        row = existing.pop(ordinal, None)
        if row is None:
            session.add(Participant(meeting_id=meeting_id, ordinal=ordinal, **values))
        else:
            for key, value in values.items():
                setattr(row, key, value)
    for stale in existing.values():
        session.delete(stale)
    session.flush()


def delete_document_records(session: Session, document_id: int) -> None:
    """Remove a document's records (used before a full re-extraction of a source)."""
    session.execute(delete(Statement).where(Statement.document_id == document_id))
    session.execute(delete(Meeting).where(Meeting.document_id == document_id))
