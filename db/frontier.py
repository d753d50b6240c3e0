"""Writes of the frontier: every release URL a source showed, and what became of it.

A URL is ``pending`` when a listing shows it, ``stored`` once archived,
``failed`` (retried later, with backoff) or ``gone`` (404/410 after it was
archived). :func:`frontier_plan` is what a run knows before it fetches anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from db import queries
from db.models import CrawlError, Document, FrontierEntry
from db.writes import now as _now
from db.writes import prebuilt

FailureOutcome = Literal["failed", "blocked", "gone"]

# Failed URLs are retried on later runs after base * 4^(attempts-1), at most a week.
RETRY_BASE = dt.timedelta(hours=1)
RETRY_CAP = dt.timedelta(days=7)

_FRONTIER: Table = FrontierEntry.__table__  # type: ignore[assignment]


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
    return prebuilt(session, "touch_frontier", lambda insert_: (
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
        mark_stored(session, source_id=source_id, url=url, now=now)
    return bool(found)


def mark_stored(
    session: Session, *, source_id: int | None, url: str, now: dt.datetime
) -> None:
    """``url`` is archived: its frontier entry (added if ``source_id`` is given) is ``stored``."""
    if source_id is not None:
        _touch_frontier(session, source_id=source_id, url=url, now=now)
    statement = prebuilt(session, "mark_stored", lambda _: (
        update(_FRONTIER)
        .where(_FRONTIER.c.url == bindparam("frontier_url"))
        .values(state="stored", last_error=None, next_attempt_at=None,
                updated_at=bindparam("now"))
    ))
    session.connection().execute(statement, {"frontier_url": url, "now": now})


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
    watermark = session.execute(queries.listing_watermark(source_id)).scalar_one_or_none()
    rows = session.execute(queries.frontier_entries(source_id)).all()
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
