"""Runs dispatched to Scrapyd nodes: where they ran, and how their jobs ended.

A crawl run by a Scrapyd job records the node (its ``node_name``) and the job id
on its run row (:func:`tag_run`); a job that found its source locked records a
finished ``locked`` run (:func:`record_locked_run`), so the dispatcher, which
cannot see a job's exit code, reads every job's outcome from the archive
(:func:`job_outcomes`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import CrawlRun


@dataclass(frozen=True, slots=True)
class JobOutcome:
    """What the archive says about one Scrapyd job's run."""

    run_id: int
    status: str
    finished: bool
    node: str | None


def tag_run(session: Session, run_id: int, *, node: str | None, job: str | None) -> None:
    """Record the Scrapyd node and job id of run ``run_id``."""
    session.execute(update(CrawlRun).where(CrawlRun.id == run_id)
                    .values(node=node, scrapyd_job=job))


def record_locked_run(session: Session, *, source_id: int, base_url: str | None,
                      node: str | None, job: str | None, pid: int | None) -> int:
    """A finished run with status ``locked``: the job did not start, another crawl held the lock."""
    now = dt.datetime.now(dt.UTC)
    run = CrawlRun(source_id=source_id, started_at=now, finished_at=now, status="locked",
                   finish_reason="locked", base_url=base_url, pid=pid, node=node,
                   scrapyd_job=job)
    session.add(run)
    session.flush()
    return run.id


def job_outcomes(session: Session, jobs: Collection[str]) -> dict[str, JobOutcome]:
    """The run of each of ``jobs`` that has one (the newest, should a job have several)."""
    if not jobs:
        return {}
    rows = session.execute(
        select(CrawlRun.scrapyd_job, CrawlRun.id, CrawlRun.status, CrawlRun.finished_at,
               CrawlRun.node)
        .where(CrawlRun.scrapyd_job.in_(list(jobs))).order_by(CrawlRun.id)
    ).all()
    return {job: JobOutcome(run_id, status, finished is not None, node)
            for job, run_id, status, finished, node in rows if job is not None}
