"""Building the ``encounters`` table: which meetings of different sources report one encounter.

The rule is :mod:`db.encounter_rule` (pure); this module reads the meetings it
needs and writes its result. Encounters are derived data, rebuilt

* after each crawl run (:func:`rebuild_after_run`, called by the run recorder
  when the run ends): for the releases of that run, and of earlier runs of the
  source that ended before linking theirs (a crawl killed with ``kill -9``);
* after re-extraction (:func:`rebuild_for_documents`, :func:`rebuild_all`);
* by ``mfa-archive encounters rebuild`` (:func:`rebuild_all`).

A partial rebuild is exact: the rule pairs meetings only through candidate
pairs (dates within a day and people in common), so the meetings it must
reconsider are the *closure* of the changed ones over candidate pairs, plus
the reports of every encounter one of them belonged to, plus those of
encounters that lost a report (a re-extraction deleted a meeting). Over that
closure the rule gives what a full rebuild gives. Rows are kept where an
encounter did not change (``encounters.key`` hashes its reports' release URLs
and positions), so a rebuild with nothing new writes nothing. The functions
that take a session never commit (:func:`rebuild_archive` opens its own
transaction); on PostgreSQL a transaction-level advisory lock serialises
rebuilds (SQLite's writers are serial already). Meetings without a date are
never linked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from db.batches import batched
from db.encounter_rule import (
    RULE_VERSION,
    Attendee,
    Report,
    by_date,
    dates_in_reach,
    encounter_kind,
    encounters,
    in_reach,
    score,
)
from db.models import (
    CrawlRun,
    Document,
    Encounter,
    EncounterMeeting,
    EncounterRun,
    Meeting,
    Participant,
    Person,
    Source,
)
from db.queries import AnySelect
from db.session import make_sessionmaker, reading, transaction

# Seeds per step of a rebuild (rebuild_meetings): what bounds the meetings held in memory.
PARTIAL_LIMIT = 5_000
_CHUNK = 500  # ids or dates per IN (...) list
_LOCK = "mfa-archive:encounters"


@dataclass(slots=True)
class BuildStats:
    """What a rebuild did: meetings considered, encounters kept, added and removed (by key)."""

    considered: set[int] = field(default_factory=set)
    kept_keys: set[str] = field(default_factory=set)
    added_keys: set[str] = field(default_factory=set)
    removed_keys: set[str] = field(default_factory=set)

    @property
    def meetings(self) -> int:
        return len(self.considered)

    @property
    def kept(self) -> int:
        return len(self.kept_keys - self.added_keys)

    @property
    def added(self) -> int:
        return len(self.added_keys)

    @property
    def removed(self) -> int:
        return len(self.removed_keys)


@dataclass(frozen=True, slots=True)
class _Loaded:
    report: Report
    url: str
    ordinal: int


def serialise(session: Session) -> None:
    """Wait for other rebuilds (PostgreSQL: an advisory lock held until the transaction ends).

    A writer that deletes meetings and then rebuilds takes it first, before any
    row lock, so two such writers cannot deadlock.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:name, 0))"),
                        {"name": _LOCK})


def _chunks(values: Iterable[Any]) -> Iterable[list[Any]]:
    """The distinct ``values``, sorted, a bounded ``IN (...)`` list at a time."""
    return batched(sorted(set(values)), _CHUNK)


def _reports_select() -> AnySelect:
    return (
        select(Meeting.id, Meeting.date, Meeting.kind, Meeting.ordinal, Document.url, Source.key,
               Participant.person_id, Person.name, Participant.country, Participant.organisation,
               Participant.group)
        .join(Document, Document.id == Meeting.document_id)
        .join(Source, Source.id == Document.source_id)
        .outerjoin(Participant, Participant.meeting_id == Meeting.id)
        .outerjoin(Person, Person.id == Participant.person_id)
        .where(Meeting.date.is_not(None))
        .order_by(Meeting.id, Participant.ordinal)
    )


def _read(session: Session, query: AnySelect, into: dict[int, _Loaded]) -> None:
    """Add the meetings ``query`` returns (one row per participant) to ``into``."""
    head: Any = None
    people: list[Attendee] = []

    def flush() -> None:
        meeting_id, date, kind, ordinal, url, source = head
        into[meeting_id] = _Loaded(Report(meeting_id, source, date, kind, tuple(people)),
                                   url, ordinal)

    for row in session.execute(query):
        if head is None or row[0] != head[0]:
            if head is not None:
                flush()
            head, people = tuple(row[:6]), []
        if row.person_id is not None or row.country is not None or row.organisation is not None:
            people.append(Attendee(row.person_id, row.name, row.country, row.organisation,
                                   bool(row.group)))
    if head is not None:
        flush()


def _load_ids(session: Session, ids: Iterable[int], into: dict[int, _Loaded]) -> None:
    for chunk in _chunks(i for i in ids if i not in into):
        _read(session, _reports_select().where(Meeting.id.in_(chunk)), into)


def _load_dates(session: Session, dates: Iterable[dt.date], done: set[dt.date],
                into: dict[int, _Loaded]) -> None:
    todo = set(dates) - done
    for chunk in _chunks(todo):
        _read(session, _reports_select().where(Meeting.date.in_(chunk)), into)
    done |= todo


def _members_of(session: Session, meeting_ids: Collection[int]) -> set[int]:
    """Every report of the encounters that any of ``meeting_ids`` reports."""
    found: set[int] = set()
    for chunk in _chunks(meeting_ids):
        encounter_ids = select(EncounterMeeting.encounter_id).where(
            EncounterMeeting.meeting_id.in_(chunk))
        found.update(session.scalars(select(EncounterMeeting.meeting_id).where(
            EncounterMeeting.encounter_id.in_(encounter_ids))))
    return found


def _stale_encounters(session: Session) -> list[int]:
    """Encounters that lost a report (its meeting was deleted by re-extraction)."""
    counts = (select(Encounter.id, Encounter.reports, func.count(EncounterMeeting.meeting_id)
                     .label("n"))
              .outerjoin(EncounterMeeting, EncounterMeeting.encounter_id == Encounter.id)
              .group_by(Encounter.id, Encounter.reports).subquery())
    return list(session.scalars(select(counts.c.id).where(counts.c.n != counts.c.reports)))


def _closure(session: Session, seeds: Iterable[int]) -> tuple[set[int], dict[int, _Loaded]]:
    """The meetings to reconsider for ``seeds`` (see the module's docstring), loaded."""
    loaded: dict[int, _Loaded] = {}
    days: set[dt.date] = set()
    scope = set(seeds)
    scope |= _members_of(session, scope)
    queue = set(scope)
    while queue:
        _load_ids(session, queue, loaded)
        near = {day for m in queue if m in loaded for day in dates_in_reach(loaded[m].report.date)}
        _load_dates(session, near, days, loaded)
        dated = by_date(item.report for item in loaded.values())
        found: set[int] = set()
        for meeting_id in queue:
            if meeting_id not in loaded:
                continue
            report = loaded[meeting_id].report
            found.update(other.meeting_id for other in in_reach(report, dated)
                         if other.meeting_id not in scope and score(report, other) is not None)
        found |= _members_of(session, found) - scope
        scope |= found
        queue = found
    return scope, loaded


def encounter_key(reports: Iterable[tuple[str, int]]) -> str:
    """The stable key of an encounter: a hash of its reports' (release URL, position)."""
    facts = "\x1e".join(f"{url}\x1f{ordinal}" for url, ordinal in sorted(reports))
    return hashlib.sha256(facts.encode("utf-8")).hexdigest()[:20]


def _desired(groups: Sequence[tuple[int, ...]], loaded: dict[int, _Loaded]
             ) -> dict[str, dict[str, Any]]:
    wanted: dict[str, dict[str, Any]] = {}
    for group in groups:
        items = [loaded[m] for m in group]
        best = max((points for i, a in enumerate(items) for b in items[i + 1:]
                    if (points := score(a.report, b.report)) is not None), default=0)
        wanted[encounter_key((i.url, i.ordinal) for i in items)] = {
            "members": set(group),
            "date": min(i.report.date for i in items),
            "kind": encounter_kind(i.report.kind for i in items),
            "reports": len(items),
            "score": best,
        }
    return wanted


def _apply(session: Session, existing_ids: Collection[int],
           wanted: dict[str, dict[str, Any]], stats: BuildStats) -> None:
    """Make the encounters ``existing_ids`` (those the rebuild covers) equal ``wanted``."""
    existing: dict[str, int] = {}
    stored: dict[int, dict[str, Any]] = {}
    members: dict[int, set[int]] = {}
    for chunk in _chunks(existing_ids):
        for row in session.execute(
                select(Encounter.key, Encounter.id, Encounter.date, Encounter.kind,
                       Encounter.reports, Encounter.score, Encounter.rule_version)
                .where(Encounter.id.in_(chunk))):
            existing[row.key] = row.id
            stored[row.id] = {"date": row.date, "kind": row.kind, "reports": row.reports,
                              "score": row.score, "rule_version": row.rule_version}
        for owner, meeting_id in session.execute(
                select(EncounterMeeting.encounter_id, EncounterMeeting.meeting_id)
                .where(EncounterMeeting.encounter_id.in_(chunk))):
            members.setdefault(owner, set()).add(meeting_id)
    gone = {key: i for key, i in existing.items() if key not in wanted}
    for chunk in _chunks(gone.values()):
        session.execute(delete(Encounter).where(Encounter.id.in_(chunk)))
    stats.removed_keys.update(gone)
    rows: list[dict[str, int]] = []
    for key, facts in sorted(wanted.items()):
        values = {"date": facts["date"], "kind": facts["kind"], "reports": facts["reports"],
                  "score": facts["score"], "rule_version": RULE_VERSION}
        known = existing.get(key)
        if known is None:
            encounter_id = session.execute(
                insert(Encounter).values(key=key, **values).returning(Encounter.id)).scalar_one()
            stats.added_keys.add(key)
        else:
            encounter_id = known
            stats.kept_keys.add(key)
            if stored[encounter_id] != values:
                session.execute(update(Encounter).where(Encounter.id == encounter_id)
                                .values(**values))
            if members.get(encounter_id) == facts["members"]:
                continue
            session.execute(delete(EncounterMeeting)
                            .where(EncounterMeeting.encounter_id == encounter_id))
        rows += [{"encounter_id": encounter_id, "meeting_id": m} for m in sorted(facts["members"])]
    if rows:
        session.execute(insert(EncounterMeeting), rows)


def _rebuild_scope(session: Session, seeds: set[int], stale: Collection[int],
                   stats: BuildStats) -> None:
    """Recompute the encounters of the closure of ``seeds`` (and the ``stale`` ones)."""
    if not seeds and not stale:
        return
    scope, loaded = _closure(session, seeds)
    existing = set(stale)
    for chunk in _chunks(scope):
        existing.update(session.scalars(select(EncounterMeeting.encounter_id)
                                        .where(EncounterMeeting.meeting_id.in_(chunk))))
    groups = encounters(loaded[m].report for m in scope if m in loaded)
    stats.considered.update(m for m in scope if m in loaded)
    _apply(session, existing, _desired(groups, loaded), stats)


def rebuild_meetings(session: Session, meeting_ids: Iterable[int], *,
                     chunk: int = PARTIAL_LIMIT) -> BuildStats:
    """Rebuild the encounters that ``meeting_ids`` (new, changed or deleted) may change.

    Seeds are taken ``chunk`` at a time, in the order given (by date for
    :func:`rebuild_all`): each step recomputes whole closures, so the result is
    exact whatever the chunking, and memory stays bounded by a few days' meetings.
    """
    serialise(session)
    stats = BuildStats()
    stale = _stale_encounters(session)
    seeds = list(dict.fromkeys(meeting_ids))
    for chunk_ids in _chunks(stale):
        seeds += session.scalars(select(EncounterMeeting.meeting_id)
                                 .where(EncounterMeeting.encounter_id.in_(chunk_ids)))
    if not seeds:
        _rebuild_scope(session, set(), stale, stats)
    for start in range(0, len(seeds), chunk):
        _rebuild_scope(session, set(seeds[start:start + chunk]), stale if start == 0 else (),
                       stats)
    return stats


def rebuild_for_documents(session: Session, document_ids: Iterable[int]) -> BuildStats:
    """Rebuild the encounters the meetings of ``document_ids`` may change."""
    meeting_ids: set[int] = set()
    for chunk in _chunks(document_ids):
        meeting_ids.update(session.scalars(select(Meeting.id)
                                           .where(Meeting.document_id.in_(chunk))))
    return rebuild_meetings(session, meeting_ids)


def rebuild_after_run(session: Session, run_id: int) -> BuildStats:
    """Link the releases of run ``run_id``, and of its source's runs that ended unlinked.

    Records those runs in ``encounter_runs``. A run still ``running`` (another
    process) is left to its own end.
    """
    source_id = session.scalar(select(CrawlRun.source_id).where(CrawlRun.id == run_id))
    if source_id is None:
        return BuildStats()
    runs = list(session.scalars(
        select(CrawlRun.id).where(CrawlRun.source_id == source_id,
                                  CrawlRun.id.not_in(select(EncounterRun.run_id)),
                                  (CrawlRun.id == run_id) | (CrawlRun.status != "running"))))
    document_ids: set[int] = set()
    for chunk in _chunks(runs):
        document_ids.update(session.scalars(select(Document.id)
                                            .where(Document.last_run_id.in_(chunk))))
    stats = rebuild_for_documents(session, document_ids)
    _mark_built(session, runs)
    return stats


def _mark_built(session: Session, runs: Collection[int]) -> None:
    if runs:
        now = dt.datetime.now(dt.UTC)
        session.execute(insert(EncounterRun), [{"run_id": r, "built_at": now} for r in sorted(runs)])


def rebuild_all(session: Session, *, chunk: int = PARTIAL_LIMIT) -> BuildStats:
    """Rebuild every encounter of the archive (idempotent: unchanged ones are kept).

    Every meeting is a seed, by date (undated ones last: their old encounters go),
    ``chunk`` at a time (:func:`rebuild_meetings`).
    """
    ids = session.scalars(select(Meeting.id).order_by(Meeting.date.is_(None), Meeting.date,
                                                      Meeting.id)).all()
    stats = rebuild_meetings(session, ids, chunk=chunk)
    _mark_built(session, list(session.scalars(
        select(CrawlRun.id).where(CrawlRun.status != "running",
                                  CrawlRun.id.not_in(select(EncounterRun.run_id))))))
    return stats


def expected_groups(session: Session) -> list[tuple[int, ...]]:
    """The rule over every dated meeting at once, in memory: what the table must hold (checks)."""
    loaded: dict[int, _Loaded] = {}
    _read(session, _reports_select(), loaded)
    return encounters(item.report for item in loaded.values())


def stored_groups(session: Session) -> list[tuple[int, ...]]:
    """The encounters the table holds, as sorted meeting ids each."""
    groups: dict[int, list[int]] = {}
    for encounter_id, meeting_id in session.execute(
            select(EncounterMeeting.encounter_id, EncounterMeeting.meeting_id)):
        groups.setdefault(encounter_id, []).append(meeting_id)
    return sorted(tuple(sorted(g)) for g in groups.values())


def rebuild_archive(engine: Engine) -> BuildStats:
    """:func:`rebuild_all` in one transaction of its own (``mfa-archive encounters rebuild``)."""
    with transaction(make_sessionmaker(engine)) as session:
        return rebuild_all(session)


def rebuild_for_source(session: Session, source: str | None) -> BuildStats:
    """After re-extracting ``source`` (None: every source): its meetings' encounters."""
    if source is None:
        return rebuild_all(session)
    document_ids = session.scalars(select(Document.id).join(Source, Source.id == Document.source_id)
                                   .where(Source.key == source))
    return rebuild_for_documents(session, list(document_ids))


def encounter_count(engine: Engine) -> int:
    with reading(engine) as conn:
        return int(conn.execute(select(func.count()).select_from(Encounter)).scalar_one())
