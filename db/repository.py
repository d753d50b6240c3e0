"""Writes to the archive. Every function takes the session first and never commits.

The caller owns the transaction: a release, its records and its frontier state
are written inside one ``with sessions.begin():`` so the archive never holds
half a release. Upserts rely on the unique keys (``documents.url``,
``persons.name_key``, ``frontier.url``), so concurrent writers cannot duplicate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Connection, Table, bindparam, delete, func, select, update
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
from db.release import RecordsLike, ReleaseRecord

Outcome = Literal["new", "changed", "unchanged"]
FailureOutcome = Literal["failed", "blocked", "gone"]

# Failed URLs are retried on later runs after base * 4^(attempts-1), at most a week.
RETRY_BASE = dt.timedelta(hours=1)
RETRY_CAP = dt.timedelta(days=7)


@dataclass(kw_only=True, slots=True)
class RunCounts:
    listing_pages: int = 0
    releases_new: int = 0
    releases_changed: int = 0
    releases_unchanged: int = 0
    releases_failed: int = 0
    releases_blocked: int = 0
    extra: dict[str, int] = field(default_factory=dict)


_PERSONS: Table = Person.__table__  # type: ignore[assignment]
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

_SELECT_PERSONS = select(_PERSONS.c.name_key, _PERSONS.c.id).where(
    _PERSONS.c.name_key.in_(bindparam("keys", expanding=True)))
_SELECT_MEETINGS = select(_MEETINGS.c.ordinal, _MEETINGS.c.id).where(
    _MEETINGS.c.document_id == bindparam("document_id"))
_SELECT_PARTICIPANTS = select(
    _PARTICIPANTS.c.meeting_id, _PARTICIPANTS.c.ordinal, _PARTICIPANTS.c.id
).where(_PARTICIPANTS.c.meeting_id.in_(bindparam("ids", expanding=True)))
_SELECT_STATEMENTS = select(_STATEMENTS.c.ordinal, _STATEMENTS.c.id).where(
    _STATEMENTS.c.document_id == bindparam("document_id"))
_RECORD_TABLES = (_MEETINGS, _PARTICIPANTS, _STATEMENTS)
_INSERT_ROWS = {t.name: t.insert() for t in _RECORD_TABLES}
_UPDATE_ROWS = {t.name: t.update().where(t.c.id == bindparam("row_id")) for t in _RECORD_TABLES}
_DELETE_ROWS = {t.name: t.delete().where(t.c.id.in_(bindparam("ids", expanding=True)))
                for t in _RECORD_TABLES}

_DOCUMENTS: Table = Document.__table__  # type: ignore[assignment]
_FRONTIER: Table = FrontierEntry.__table__  # type: ignore[assignment]
_CRAWL_RUNS: Table = CrawlRun.__table__  # type: ignore[assignment]
_STATEMENT_CACHE: dict[tuple[str, str], Any] = {}


def _prebuilt(session: Session, name: str, build: Callable[[Any], Any]) -> Any:
    """A statement built once per dialect: ``build`` gets the dialect's ``insert``.

    Statements with bind parameters are compiled once and then served from
    SQLAlchemy's cache; building them per release cost more than running them.
    """
    dialect = session.get_bind().dialect.name
    key = (dialect, name)
    statement = _STATEMENT_CACHE.get(key)
    if statement is None:
        insert_ = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = _STATEMENT_CACHE[key] = build(insert_)
    return statement


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


def start_run(
    session: Session, *, source_id: int, base_url: str | None, mode: str | None = None,
    pid: int | None = None,
) -> int:
    run = CrawlRun(source_id=source_id, started_at=_now(), status="running", base_url=base_url,
                   mode=mode, pid=pid)
    session.add(run)
    session.flush()
    return run.id


def close_abandoned_runs(session: Session, source_id: int) -> int:
    """Mark the source's runs still ``running`` as ``interrupted``; return how many.

    Call only while holding the source's crawl lock (:mod:`db.locks`): then no
    other process is running them, so they belong to a process that was killed.
    Their counts are as honest as the process left them (see :func:`count_in_run`).
    """
    result = session.execute(
        update(CrawlRun)
        .where(CrawlRun.source_id == source_id, CrawlRun.status == "running")
        .values(status="interrupted", finish_reason="abandoned: the process ended mid-run",
                finished_at=_now())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


_COUNTERS = {
    "new": CrawlRun.releases_new,
    "changed": CrawlRun.releases_changed,
    "unchanged": CrawlRun.releases_unchanged,
    "failed": CrawlRun.releases_failed,
    "blocked": CrawlRun.releases_blocked,
}


def count_in_run(session: Session, run_id: int, outcome: str, n: int = 1) -> None:
    """Add ``n`` to the run's counter for ``outcome``, in the caller's (the items') transaction.

    So a run killed with SIGKILL still shows what it archived.
    """
    column = _COUNTERS.get(outcome)
    if column is not None:
        statement = _prebuilt(session, f"count_{column.key}", lambda _: (
            update(_CRAWL_RUNS)
            .where(_CRAWL_RUNS.c.id == bindparam("run_id"))
            .values({column.key: _CRAWL_RUNS.c[column.key] + bindparam("n")})
        ))
        session.connection().execute(statement, {"run_id": run_id, "n": n})


def finish_run(
    session: Session, run_id: int, *, status: str, finish_reason: str | None, counts: RunCounts,
    listing_complete: bool = False,
) -> None:
    session.execute(
        update(CrawlRun)
        .where(CrawlRun.id == run_id)
        .values(
            finished_at=_now(),
            status=status,
            finish_reason=finish_reason,
            listing_complete=listing_complete,
            listing_pages=counts.listing_pages,
            releases_new=counts.releases_new,
            releases_changed=counts.releases_changed,
            releases_unchanged=counts.releases_unchanged,
            releases_failed=counts.releases_failed,
            releases_blocked=counts.releases_blocked,
        )
    )


def retry_delay(attempts: int, base: dt.timedelta = RETRY_BASE) -> dt.timedelta:
    """How long to wait before the next attempt after ``attempts`` failed ones."""
    if attempts <= 0 or base <= dt.timedelta(0):
        return dt.timedelta(0)
    seconds = base.total_seconds() * 4 ** min(attempts - 1, 20)
    return dt.timedelta(seconds=min(seconds, RETRY_CAP.total_seconds()))


def record_failure(
    session: Session,
    *,
    source_id: int,
    run_id: int,
    url: str,
    reason: str,
    blocked: bool = False,
    release: bool = True,
    gone_status: int | None = None,
    retry_base: dt.timedelta = RETRY_BASE,
) -> FailureOutcome:
    """Record why ``url`` was not archived, in ``crawl_errors`` and (for a release) the frontier.

    A release URL becomes ``failed`` with its reason, one more attempt and the
    time of the next one (:func:`retry_delay`). A release already archived that
    now answers 404 or 410 (``gone_status``) is marked gone (``documents.gone_at``),
    never deleted; any other failure leaves an archived release as it is.
    """
    now = _now()
    session.add(CrawlError(run_id=run_id, url=url, reason=reason, blocked=blocked, at=now))
    outcome: FailureOutcome = "blocked" if blocked else "failed"
    if not release:
        return outcome
    if gone_status in (404, 410):
        gone = session.execute(
            update(Document)
            .where(Document.url == url)
            .values(gone_at=func.coalesce(Document.gone_at, now), last_run_id=run_id)
        ).rowcount  # type: ignore[attr-defined]
        if gone:
            session.execute(
                update(FrontierEntry)
                .where(FrontierEntry.url == url)
                .values(state="gone", last_error=reason, updated_at=now, next_attempt_at=None)
            )
            return "gone"
    _touch_frontier(session, source_id=source_id, url=url, now=now)
    attempts = session.execute(
        select(FrontierEntry.attempts).where(FrontierEntry.url == url)
    ).scalar_one() + 1
    session.execute(
        update(FrontierEntry)
        .where(FrontierEntry.url == url, FrontierEntry.state.not_in(("stored", "gone")))
        .values(
            state="failed",
            attempts=attempts,
            last_error=reason,
            next_attempt_at=now + retry_delay(attempts, retry_base),
            updated_at=now,
        )
    )
    return outcome


def _touch_frontier(
    session: Session, *, source_id: int, url: str, now: dt.datetime,
    listing_title: str | None = None, listing_date: dt.date | None = None,
) -> None:
    session.connection().execute(_touch_frontier_statement(session), _frontier_row(
        source_id=source_id, url=url, now=now, listing_title=listing_title,
        listing_date=listing_date))


def _touch_frontier_statement(session: Session) -> Any:
    return _prebuilt(session, "touch_frontier", lambda insert_: (
        insert_(_FRONTIER).on_conflict_do_nothing(index_elements=["url"])
    ))


def _frontier_row(*, source_id: int, url: str, now: dt.datetime, listing_title: str | None,
                  listing_date: dt.date | None) -> dict[str, Any]:
    return {
        "source_id": source_id,
        "url": url,
        "state": "pending",
        "attempts": 0,
        "discovered_at": now,
        "updated_at": now,
        "listing_title": listing_title,
        "listing_date": listing_date,
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class Discovery:
    """A release URL as a listing page showed it."""

    url: str
    title: str | None = None
    date: dt.date | None = None


def record_discovered(session: Session, *, source_id: int, entries: Sequence[Discovery]) -> None:
    """Add the URLs a listing page showed to the frontier as ``pending`` (known ones stay)."""
    if not entries:
        return
    now = _now()
    session.connection().execute(_touch_frontier_statement(session), [
        _frontier_row(source_id=source_id, url=entry.url, now=now,
                      listing_title=entry.title, listing_date=entry.date)
        for entry in entries
    ])


def mark_not_modified(
    session: Session, *, source_id: int, run_id: int, url: str, fetched_at: dt.datetime
) -> bool:
    """A conditional re-fetch answered 304: the archived release is current. ``False`` if unknown."""
    now = _now()
    found = session.execute(
        update(Document)
        .where(Document.url == url)
        .values(fetched_at=fetched_at, gone_at=None, last_run_id=run_id)
    ).rowcount  # type: ignore[attr-defined]
    if found:
        _mark_stored(session, source_id=source_id, url=url, now=now)
    return bool(found)


@dataclass(frozen=True, slots=True, kw_only=True)
class FrontierTask:
    """A release to fetch at the start of a run, with what its listing said.

    ``etag``/``last_modified`` are set for a re-fetch of an archived release
    (conditional GET).
    """

    url: str
    title: str | None
    date: dt.date | None
    etag: str | None = None
    last_modified: str | None = None
    archived: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class FrontierPlan:
    """What a run of a source knows before it fetches anything.

    ``skip``: URLs the listing walk must not fetch (archived, queued at start,
    or failed and not yet due). ``known``: URLs known before the last complete
    listing walk; a listing page holding only these ends an incremental walk.
    ``queue``: releases to fetch at start (pending and due retries; with
    ``full``, every archived release too).
    """

    skip: frozenset[str]
    known: frozenset[str]
    queue: tuple[FrontierTask, ...]


def frontier_plan(
    session: Session, source_id: int, *, full: bool = False, now: dt.datetime | None = None
) -> FrontierPlan:
    """The source's frontier as a run needs it (see :class:`FrontierPlan`)."""
    now = now or _now()
    watermark = session.execute(
        select(func.max(CrawlRun.finished_at))
        .where(CrawlRun.source_id == source_id, CrawlRun.listing_complete.is_(True))
    ).scalar_one_or_none()
    rows = session.execute(
        select(FrontierEntry.url, FrontierEntry.state, FrontierEntry.next_attempt_at,
               FrontierEntry.discovered_at, FrontierEntry.listing_title,
               FrontierEntry.listing_date, Document.etag, Document.last_modified,
               Document.title, Document.published, Document.id.label("document_id"))
        .outerjoin(Document, Document.url == FrontierEntry.url)
        .where(FrontierEntry.source_id == source_id)
        .order_by(FrontierEntry.id)
    ).all()
    skip: set[str] = set()
    known: set[str] = set()
    queue: list[FrontierTask] = []
    for row in rows:
        if watermark is not None and row.discovered_at <= watermark and row.state != "pending":
            known.add(row.url)
        archived = row.document_id is not None
        if row.state in ("stored", "gone"):
            skip.add(row.url)
            if full:
                queue.append(FrontierTask(
                    url=row.url, title=row.listing_title or row.title,
                    date=row.listing_date or row.published, etag=row.etag,
                    last_modified=row.last_modified, archived=True))
            continue
        skip.add(row.url)
        due = row.state == "pending" or row.next_attempt_at is None or row.next_attempt_at <= now
        if due or full:
            queue.append(FrontierTask(url=row.url, title=row.listing_title,
                                      date=row.listing_date, archived=archived))
    return FrontierPlan(skip=frozenset(skip), known=frozenset(known), queue=tuple(queue))


def store_release(
    session: Session,
    *,
    source_id: int | None,
    run_id: int | None,
    release: ReleaseRecord,
    force_records: bool = False,
    people: dict[str, int] | None = None,
) -> Outcome:
    """Archive ``release`` (document, versions, records, frontier) and say what it was.

    ``source_id`` and ``run_id`` may be ``None`` only for a document already
    archived (re-extraction); ``force_records`` rewrites its records even when
    text and extractor version are unchanged; ``people``: see :func:`person_ids`.
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
        statement = _prebuilt(session, "insert_document", lambda insert_: (
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
            _mark_stored(session, source_id=source_id, url=release.url, now=now)
            return outcome
        if outcome == "unchanged":
            _update_document(session, document_id,
                             {"records_extractor": release.records_extractor})
    replace_records(session, document_id, release.records, version=release.records_extractor,
                    fresh=outcome == "new", people=people)
    _mark_stored(session, source_id=source_id, url=release.url, now=now)
    return outcome


def store_records(
    session: Session, document_id: int, records: RecordsLike, *, version: str
) -> None:
    """Replace a stored document's records, built from its unchanged text by ``version``."""
    _update_document(session, document_id, {"records_extractor": version})
    replace_records(session, document_id, records, version=version)


def _update_document(session: Session, document_id: int, values: dict[str, Any]) -> None:
    """Update columns of one document (a Core statement, cached per set of columns)."""
    columns = tuple(sorted(values))
    statement = _prebuilt(session, "update_document:" + ",".join(columns), lambda _: (
        update(_DOCUMENTS)
        .where(_DOCUMENTS.c.id == bindparam("document_id"))
        .values({c: bindparam(c) for c in columns})
    ))
    session.connection().execute(statement, {"document_id": document_id, **values})


def _mark_stored(
    session: Session, *, source_id: int | None, url: str, now: dt.datetime
) -> None:
    if source_id is not None:
        _touch_frontier(session, source_id=source_id, url=url, now=now)
    statement = _prebuilt(session, "mark_stored", lambda _: (
        update(_FRONTIER)
        .where(_FRONTIER.c.url == bindparam("frontier_url"))
        .values(state="stored", last_error=None, next_attempt_at=None,
                updated_at=bindparam("now"))
    ))
    session.connection().execute(statement, {"frontier_url": url, "now": now})


def person_id(session: Session, name: str) -> int:
    """The id of the person called ``name`` (folded), created on first sight."""
    return person_ids(session, [name])[name]


def person_ids(
    session: Session, names: Iterable[str], known: dict[str, int] | None = None
) -> dict[str, int]:
    """The ids of the persons called ``names``, created on first sight, in two statements.

    New keys are inserted in sorted order, so concurrent writers on PostgreSQL
    take row locks in the same order and cannot deadlock. ``known`` (name key
    -> id) is a writer's cache: its keys cost no statement, and the keys looked
    up are added to it. Persons are never deleted, so an entry stays true once
    its transaction commits; the owner clears the cache when one rolls back.
    """
    keys = {name: name_key(name) or name.strip().casefold() for name in names}
    if not keys:
        return {}
    found: dict[str, int] = {} if known is None else known
    by_key = {key: name.strip() for name, key in sorted(keys.items(), key=lambda kv: kv[1])
              if key not in found}
    if by_key:
        conn = session.connection()
        conn.execute(
            _prebuilt(session, "insert_persons", lambda insert_: (
                insert_(_PERSONS).on_conflict_do_nothing(index_elements=["name_key"])
            )),
            [{"name": name, "name_key": key} for key, name in sorted(by_key.items())],
        )
        found.update(conn.execute(_SELECT_PERSONS, {"keys": list(by_key)}).all())
    return {name: found[key] for name, key in keys.items()}


def replace_records(
    session: Session, document_id: int, records: RecordsLike, *, version: str,
    fresh: bool = False, people: dict[str, int] | None = None,
) -> None:
    """Make a document's meetings, participants and statements equal ``records``.

    Rows are matched by position (``ordinal``) and updated in place, so ids stay
    stable where the facts did not change; surplus rows are deleted. Bulk
    statements keep this to a handful of round trips per release; ``fresh`` (a
    document inserted in this transaction, so without records) skips the
    lookups of existing rows. ``people`` is a writer's person id cache (:func:`person_ids`).
    """
    ids = person_ids(
        session,
        [p.name for m in records.meetings for p in m.participants]
        + [s.speaker for s in records.statements if s.speaker],
        people,
    )
    conn = session.connection()
    old_meetings: dict[int, int] = {} if fresh else dict(
        conn.execute(_SELECT_MEETINGS, {"document_id": document_id}).all()
    )
    meeting_ids: list[int] = []
    inserts: list[dict[str, Any]] = []
    for ordinal, meeting in enumerate(records.meetings):
        values = {
            "date": meeting.date,
            "kind": meeting.kind,
            "location": meeting.location,
            "topics": list(meeting.topics),
            "extractor_version": version,
        }
        meeting_id = old_meetings.pop(ordinal, None)
        if meeting_id is None:
            inserts.append({"document_id": document_id, "ordinal": ordinal, **values})
            meeting_ids.append(0)  # filled in below, in ordinal order
        else:
            conn.execute(_UPDATE_MEETING, {"meeting_id": meeting_id, **values})
            meeting_ids.append(meeting_id)
    if inserts:  # one INSERT ... RETURNING for all, ids in parameter order
        new_ids = iter(conn.execute(_INSERT_MEETINGS, inserts).scalars().all())
        meeting_ids = [m or next(new_ids) for m in meeting_ids]
    if old_meetings:  # participants go with them (ON DELETE CASCADE)
        conn.execute(_DELETE_ROWS[_MEETINGS.name], {"ids": list(old_meetings.values())})

    participant_rows = [
        {
            "meeting_id": meeting_id,
            "ordinal": ordinal,
            "person_id": ids[participant.name],
            "title": participant.title,
            "country": participant.country,
            "organisation": participant.organisation,
            "role": participant.role,
            "extractor_version": version,
        }
        for meeting_id, meeting in zip(meeting_ids, records.meetings, strict=True)
        for ordinal, participant in enumerate(meeting.participants)
    ]
    old_participants = {
        (m, o): i for m, o, i in conn.execute(_SELECT_PARTICIPANTS, {"ids": meeting_ids})
    } if meeting_ids and not fresh else {}
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
            "speaker_id": ids[statement.speaker] if statement.speaker else None,
            "verb": statement.verb,
            "text": statement.text,
            "start_offset": statement.start,
            "end_offset": statement.end,
            "extractor_version": version,
        }
        for ordinal, statement in enumerate(records.statements)
    ]
    old_statements = {} if fresh else {
        (document_id, o): i
        for o, i in conn.execute(_SELECT_STATEMENTS, {"document_id": document_id})
    }
    _sync_rows(conn, _STATEMENTS, statement_rows, old_statements,
               key=lambda row: (row["document_id"], row["ordinal"]))


def _sync_rows(
    conn: Connection,
    table: Table,
    rows: list[dict[str, Any]],
    existing: dict[Any, int],
    *,
    key: Callable[[dict[str, Any]], Any],
) -> None:
    """Update rows whose key exists (keeping their ids), insert the others, delete the rest."""
    updates, inserts = [], []
    for row in rows:
        row_id = existing.pop(key(row), None)
        if row_id is None:
            inserts.append(row)
        else:
            updates.append({"row_id": row_id, **row})
    if updates:
        conn.execute(_UPDATE_ROWS[table.name], updates)
    if existing:
        conn.execute(_DELETE_ROWS[table.name], {"ids": list(existing.values())})
    if inserts:
        conn.execute(_INSERT_ROWS[table.name], inserts)


def delete_document_records(session: Session, document_id: int) -> None:
    """Remove a document's records (used before a full re-extraction of a source)."""
    session.execute(delete(Statement).where(Statement.document_id == document_id))
    session.execute(delete(Meeting).where(Meeting.document_id == document_id))


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
