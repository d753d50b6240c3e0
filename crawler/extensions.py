"""A crawl's lifecycle in the archive: the ``ArchiveRun`` Scrapy extension.

When the spider opens, ``ArchiveRun`` opens the archive (migrating an empty one),
takes the source's crawl lock (:mod:`db.locks`; a held lock closes the spider
with reason ``locked`` before any request), marks runs that a killed process
left ``running`` as ``interrupted``, writes this run's row, and hands the
spider its frontier (:attr:`crawler.spiders.base.PressReleaseSpider.frontier`).
When the spider closes, after the ``Store`` pipeline has committed its last
batch, it computes the run's status, finishes the row, links the run's meetings
to other sources' reports of the same encounters (:mod:`db.encounters`) and
frees the lock.

It is configured in ``EXTENSIONS`` and so runs the same under ``mfa-archive
crawl``, ``scrapy crawl`` and a Scrapyd job. The ``Store`` pipeline writes
through :attr:`ArchiveRun.state` (see :meth:`ArchiveRun.of`).

Under Scrapyd the run also records its node (``ARCHIVE_NODE``, which
``mfa-archive node`` sets to the node's ``node_name``) and its job id (the
``_job`` spider argument Scrapyd passes, else ``$SCRAPY_JOB``); a job that finds
the lock held records a finished ``locked`` run, so whoever dispatched it can
read its outcome in the archive (:mod:`db.dispatch`).

Settings read: ``ARCHIVE_DB_URL``, ``ARCHIVE_BASE_URL``, ``ARCHIVE_SQLITE_BUSY_TIMEOUT``,
``ARCHIVE_NODE``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider

from db import dispatch, encounters, frontier, runs
from db.errors import ROW_ERRORS, DatabaseError, UnavailableError, first_line, is_retryable
from db.frontier import FrontierPlan
from db.locks import SourceLock
from db.migrate import ensure_schema
from db.runs import RunCounts
from db.session import make_engine, make_sessionmaker, transaction
from db.urls import database_url, redact

if TYPE_CHECKING:
    from db.session import Engine, Sessions

logger = logging.getLogger(__name__)

# Runs of this process that are open, for :func:`close_open_runs` after a forced shutdown.
_OPEN: weakref.WeakSet[ArchiveRun] = weakref.WeakSet()

FORCED_SHUTDOWN = "forced shutdown"
END_RETRY_SECONDS = 10.0  # how long the end of a run is retried while the database is away
_LINK_ATTEMPTS = 3  # linking a run's encounters, aborted by a concurrent writer, is tried again


@dataclass(slots=True)
class RunState:
    """One run as the ``Store`` pipeline writes it: ids, sessions and committed counts."""

    source_id: int
    run_id: int
    sessions: Sessions
    counts: RunCounts = field(default_factory=RunCounts)
    listing_failures: int = 0
    db_error: str | None = None  # the first database error; the run then fails


class ArchiveRun:
    """Owns one crawl's run in the archive, from the lock to the finished run row."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.url = database_url(settings.get("ARCHIVE_DB_URL"))
        self.base_url: str | None = settings.get("ARCHIVE_BASE_URL")
        self.busy_timeout = settings.get("ARCHIVE_SQLITE_BUSY_TIMEOUT")
        self.node: str | None = settings.get("ARCHIVE_NODE") or None
        self.state: RunState | None = None
        self.engine: Engine | None = None
        self.lock: SourceLock | None = None
        # Called before a forced finish: the Store stops its writer there.
        self.before_forced_finish: list[Callable[[], None]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveRun:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    @classmethod
    def of(cls, crawler: Crawler) -> ArchiveRun | None:
        """The crawler's ``ArchiveRun`` extension, or ``None`` where it is not enabled."""
        manager = getattr(crawler, "extensions", None)
        for extension in getattr(manager, "middlewares", ()):
            if isinstance(extension, cls):
                return extension
        return None

    # --- opening --------------------------------------------------------------

    def spider_opened(self, spider: Any) -> None:
        stats = self.crawler.stats
        assert stats is not None
        try:
            self.engine = self._open_engine()
            if not self._take_lock(spider.name):
                stats.set_value("archive/status", "locked")
                logger.error("another crawl of %s is running (lock held): not starting",
                             spider.name)
                if scrapyd_job(spider):
                    self._record_locked(spider)
                raise CloseSpider("locked")
            self.state, plan = self._start_run(spider)
        except DatabaseError as exc:
            stats.set_value("archive/status", "failed")
            stats.set_value("archive/error", first_line(exc)[:300])
            logger.error("cannot start the run in %s: %s", redact(self.url), first_line(exc))
            raise CloseSpider("database_error") from exc
        spider.frontier = plan
        _OPEN.add(self)
        stats.set_value("archive/run_id", self.state.run_id)
        stats.set_value("archive/frontier_queued", len(plan.queue))

    def _open_engine(self) -> Engine:
        timeout = None if self.busy_timeout is None else int(self.busy_timeout)
        engine = make_engine(self.url, busy_timeout_ms=timeout)
        ensure_schema(engine)
        return engine

    def _take_lock(self, key: str) -> bool:
        assert self.engine is not None
        lock = SourceLock(self.engine, key)
        if not lock.acquire():
            return False
        self.lock = lock
        return True

    def _record_locked(self, spider: Any) -> None:
        assert self.engine is not None
        with transaction(make_sessionmaker(self.engine)) as session:
            source_id = runs.ensure_source(
                session, key=spider.name, country=spider.country, ministry=spider.ministry,
                listing_url=spider.listing_url,
            )
            dispatch.record_locked_run(session, source_id=source_id, base_url=self.base_url,
                                       node=self.node, job=scrapyd_job(spider),
                                       pid=os.getpid())

    def _start_run(self, spider: Any) -> tuple[RunState, FrontierPlan]:
        """The run's row, after closing the runs a killed crawl left open; and the frontier."""
        assert self.engine is not None
        sessions = make_sessionmaker(self.engine)
        mode = _crawl_mode(spider)
        with transaction(sessions) as session:
            source_id = runs.ensure_source(
                session, key=spider.name, country=spider.country, ministry=spider.ministry,
                listing_url=spider.listing_url,
            )
            if self.lock is not None:  # only the lock holder may judge a run abandoned
                abandoned = runs.close_abandoned_runs(session, source_id)
                if abandoned:
                    logger.warning("%s earlier run(s) of %s ended without closing: "
                                   "marked interrupted", abandoned, spider.name)
            run_id = runs.start_run(session, source_id=source_id, base_url=self.base_url,
                                    mode=mode, pid=os.getpid())
            job = scrapyd_job(spider)
            if self.node or job:
                dispatch.tag_run(session, run_id, node=self.node, job=job)
            plan = frontier.frontier_plan(session, source_id, full=mode == "full")
        logger.info("archiving into %s (run %s, %s): %s queued from the frontier, %s known",
                    redact(self.url), run_id, mode, len(plan.queue), len(plan.skip))
        return RunState(source_id=source_id, run_id=run_id, sessions=sessions), plan

    # --- closing --------------------------------------------------------------

    def spider_closed(self, spider: Any, reason: str) -> None:
        stats = self.crawler.stats
        assert stats is not None
        if self.state is None:  # never started: the lock was held, or opening failed
            if stats.get_value("archive/status") is None:
                stats.set_value("archive/status", "failed")
            self._release()
            return
        self.finish(reason)

    def finish(self, reason: str) -> None:
        """Record the run's end: its status from the committed counts and ``reason``."""
        stats = self.crawler.stats
        assert stats is not None and self.state is not None
        state = self.state
        state.counts.listing_pages = int(stats.get_value("archive/listing_pages", 0))
        entries = stats.get_value("archive/listing_entries")
        status = run_status(state.counts, reason=reason, db_error=state.db_error,
                            listing_failures=state.listing_failures,
                            listing_entries=None if entries is None else int(entries))
        stats.set_value("archive/status", status)
        if state.db_error:
            stats.set_value("archive/error", f"database: {state.db_error}")
        for key in ("new", "changed", "unchanged", "failed", "blocked"):
            stats.set_value(f"archive/releases_{key}", getattr(state.counts, f"releases_{key}"))
        complete = (reason == "finished" and not state.db_error and not state.listing_failures
                    and state.counts.listing_pages > 0)
        try:
            self._record_end(state, status=status, reason=reason, complete=complete)
            if not state.db_error and reason != FORCED_SHUTDOWN:
                self._link_encounters(state)
        except DatabaseError as exc:
            # After a database error the crawl's summary already says why it failed
            # (a full disk fails this write too): one line for the user, not two; the
            # next run marks this one interrupted.
            log = logger.info if state.db_error else logger.error
            log("could not record the end of run %s: %s", state.run_id, first_line(exc))
        finally:
            _OPEN.discard(self)
            self._release()

    def _record_end(self, state: RunState, *, status: str, reason: str,
                    complete: bool) -> None:
        """Write the run's end; a database that went away (a server restart) gets
        :data:`END_RETRY_SECONDS` to come back, else the next run marks this one
        interrupted."""
        deadline = time.monotonic() + END_RETRY_SECONDS
        while True:
            try:
                with transaction(state.sessions) as session:
                    runs.finish_run(
                        session, state.run_id, status=status, finish_reason=reason,
                        counts=state.counts, listing_complete=complete,
                    )
                return
            except UnavailableError:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.25)

    def _link_encounters(self, state: RunState) -> None:
        """Link the run's meetings to other sources' reports of one encounter (db/encounters.py).

        After the run's end is recorded, in a transaction of its own, tried again
        when PostgreSQL aborts it for a concurrent writer (a deadlock, or a meeting
        that a crawl of another source deleted meanwhile); should it still fail,
        the run stays unlinked and the next run of the source links it.
        """
        for attempt in range(1, _LINK_ATTEMPTS + 1):
            try:
                with transaction(state.sessions) as session:
                    built = encounters.rebuild_after_run(session, state.run_id)
                break
            except DatabaseError as exc:
                if attempt < _LINK_ATTEMPTS and (is_retryable(exc) or isinstance(exc, ROW_ERRORS)):
                    continue
                logger.warning("could not link the encounters of run %s: %s", state.run_id,
                               first_line(exc))
                return
        stats = self.crawler.stats
        if stats is not None:
            stats.set_value("archive/encounters_added", built.added)

    def _release(self) -> None:
        if self.lock is not None:
            with contextlib.suppress(DatabaseError):  # the server went away: so did the lock
                self.lock.release()
            self.lock = None
        if self.engine is not None:
            self.engine.dispose()

    def finish_after_forced_shutdown(self) -> None:
        """Record an ``interrupted`` run after a second signal stopped the reactor at once."""
        for stop in self.before_forced_finish:
            stop()
        self.finish(FORCED_SHUTDOWN)


def close_open_runs() -> None:
    """Close the runs of this process that the reactor left open (a forced shutdown)."""
    for run in list(_OPEN):
        run.finish_after_forced_shutdown()


def scrapyd_job(spider: Any) -> str | None:
    """The Scrapyd job id of this crawl: the ``_job`` spider argument, else ``$SCRAPY_JOB``."""
    job = getattr(spider, "_job", None) or os.environ.get("SCRAPY_JOB")
    return str(job) if job else None


def _crawl_mode(spider: Any) -> str:
    if getattr(spider, "full", False):
        return "full"
    return "since" if getattr(spider, "since", None) else "incremental"


def run_status(counts: RunCounts, *, reason: str, db_error: str | None,
               listing_failures: int = 0, listing_entries: int | None = None) -> str:
    """The run's status from its counts and Scrapy's finish reason.

    ``failed``: a database error, or no listing page could be fetched;
    ``interrupted``: a signal stopped it; ``blocked``: only bot walls;
    ``degraded``: the listing showed no releases at all (the site changed?);
    ``completed_with_errors``: some URLs failed; else ``completed``. An
    incremental run that found nothing new is ``completed``.
    """
    archived = counts.releases_new + counts.releases_changed + counts.releases_unchanged
    if db_error:
        return "failed"
    if reason in ("shutdown", "interrupted", FORCED_SHUTDOWN):
        return "interrupted"
    if counts.releases_blocked and not archived:
        return "blocked"
    if listing_failures and not counts.listing_pages and not archived:
        return "failed"
    if listing_entries is not None:
        if not listing_entries and not archived and not counts.releases_failed:
            return "degraded"
    elif not archived and not counts.releases_failed:
        return "degraded"
    if counts.releases_failed or counts.releases_blocked or listing_failures:
        return "completed_with_errors"
    return "completed"
