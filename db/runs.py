"""Writes of a crawl's run: its source's row, the run row, its counters, its end.

Reads of runs (listings, errors, the last run per source) are in :mod:`db.queries`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from db.models import CrawlRun, Source
from db.writes import insert, now, prebuilt


@dataclass(kw_only=True, slots=True)
class RunCounts:
    listing_pages: int = 0
    releases_new: int = 0
    releases_changed: int = 0
    releases_unchanged: int = 0
    releases_failed: int = 0
    releases_blocked: int = 0
    extra: dict[str, int] = field(default_factory=dict)


_CRAWL_RUNS: Table = CrawlRun.__table__  # type: ignore[assignment]


def ensure_source(
    session: Session, *, key: str, country: str, ministry: str, listing_url: str
) -> int:
    """Create or refresh a ``sources`` row; return its id."""
    session.execute(
        insert(session, Source)
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
    run = CrawlRun(source_id=source_id, started_at=now(), status="running", base_url=base_url,
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
                finished_at=now())
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
        statement = prebuilt(session, f"count_{column.key}", lambda _: (
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
            finished_at=now(),
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
