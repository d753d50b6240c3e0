"""``mfa-archive reextract --worker``: one of many re-extraction workers on one PostgreSQL archive.

Start any number of them, on any machines: together they rebuild every stale
document once (its text from the raw HTML where the text rules changed, else
its records from the stored text), claiming batches under a lease
(:mod:`db.leases`). A worker that is killed loses nothing: its batch is taken
over by another worker when its lease expires. A worker ends when the queue is
empty; while other workers hold the last batches, it waits for them (they
finish, or their leases expire and it takes them over).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crawler.extract import TEXT_EXTRACTOR_VERSION
from crawler.records import EXTRACTOR_VERSION
from crawler.reextract import _extract, _page_job, _PageJob, _Registry, _store_results, _TextJob
from db import encounters, leases
from db.release import ReleaseRecord
from db.session import make_sessionmaker, transaction

if TYPE_CHECKING:
    from crawler.records import Records
    from db.session import Engine


@dataclass
class WorkerStats:
    documents: int = 0  # written by this worker
    text: int = 0  # of which through the text stage
    changed: int = 0  # whose text changed
    failed: int = 0  # whose page gave no text (left as they were)
    skipped: int = 0  # claimed, but already rebuilt by another worker
    batches: int = 0
    remaining: int = 0  # left in the archive when this worker last looked
    owner: str = field(default="")


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def run_worker(
    engine: Engine,
    *,
    batch: int = 100,
    lease: dt.timedelta = dt.timedelta(minutes=10),
    source: str | None = None,
    on_progress: Callable[[WorkerStats], None] | None = None,
    poll: float = 0.1,  # while others hold the last batches (two statements a look)
    sleep: Callable[[float], None] = time.sleep,
) -> WorkerStats:
    """Claim, extract and write batches until no stale document is left; return counts."""
    leases.require_postgresql(engine)
    sessions = make_sessionmaker(engine)
    versions = {"text_version": TEXT_EXTRACTOR_VERSION, "records_version": EXTRACTOR_VERSION}
    stats = WorkerStats(owner=worker_name())
    registry = _Registry()
    people: dict[str, int] = {}  # person ids by name key, as committed (persons stay)
    with transaction(sessions) as session:
        leases.enqueue_stale(session, source=source, **versions)
    while True:
        with transaction(sessions) as session:
            ids = leases.claim(session, owner=stats.owner, batch=batch, lease=lease)
            rows = leases.claimed_documents(session, ids) if ids else []
        if not ids:
            with transaction(sessions) as session:
                stats.remaining = leases.remaining(session)
            if on_progress:
                on_progress(stats)
            if not stats.remaining:
                return stats
            sleep(poll)  # others hold the rest: wait until they finish or their leases expire
            continue
        jobs: list[_PageJob | _TextJob] = []
        for row in rows:
            if row.text_extractor != TEXT_EXTRACTOR_VERSION:
                jobs.append(_page_job(row, registry))
            else:
                jobs.append(_TextJob(row.id, row.country, row.text, row.title, row.published,
                                     row.language))
        results = [_extract(job) for job in jobs]
        try:
            with transaction(sessions) as session:
                encounters.serialise(session)  # before any row lock: see db/encounters.py
                todo = leases.lock_stale(session, ids, **versions)
                written: list[tuple[int, ReleaseRecord | Records]] = []
                for document_id, result in results:
                    if document_id not in todo:
                        stats.skipped += 1
                        continue
                    stats.documents += 1
                    if isinstance(result, str):
                        stats.failed += 1
                        stats.text += 1
                    else:
                        stats.text += isinstance(result, ReleaseRecord)
                        written.append((document_id, result))
                stats.changed += _store_results(session, written,
                                                records_version=EXTRACTOR_VERSION,
                                                people=people)
                # the batch's meetings are linked again in its own transaction (db/encounters.py)
                encounters.rebuild_for_documents(session, todo)
                leases.release(session, ids)
                stats.remaining = leases.remaining(session)
        except BaseException:
            people.clear()  # ids of a rolled-back transaction
            raise
        stats.batches += 1
        if on_progress:
            on_progress(stats)
