"""Item pipelines: Validate (100) -> Extract (200) -> Store (300).

``Validate`` turns empty and binary bodies and repeats into failures or drops;
``Extract`` runs text and record extraction in worker processes, off the
reactor thread; ``Store`` writes each release (document, records, frontier
state, the run's counters) in one transaction on its own writer thread, and
keeps the run's row in ``crawl_runs``.

``Store`` also owns the run's lifecycle: it takes the source's crawl lock
(:mod:`db.locks`; a held lock closes the spider with reason ``locked``), marks
runs left ``running`` by a killed process as ``interrupted``, and loads the
frontier the spider navigates by (``crawler.archive_frontier``, a
:class:`db.repository.FrontierPlan`). A SIGKILL at any moment loses at most the
items in flight: each one commits whole or not at all.

Settings read: ``ARCHIVE_DB_URL``, ``ARCHIVE_EXTRACT_WORKERS``,
``ARCHIVE_BASE_URL``, ``ARCHIVE_FULL``, ``ARCHIVE_SINCE``, ``ARCHIVE_LOCK``,
``ARCHIVE_RETRY_BACKOFF``, ``ARCHIVE_SQLITE_BUSY_TIMEOUT``,
``ARCHIVE_DEBUG_WRITE_DELAY``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
import multiprocessing
import os
import re
import signal
import time
import weakref
from collections import Counter, deque
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DropItem
from scrapy.logformatter import LogFormatter
from sqlalchemy import event
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from crawler.items import FetchFailure, ReleaseItem
from crawler.release import NoContentError, build_release
from crawler.spiders.base import Discovered, NotModified
from db import repository
from db.config import database_url, redact
from db.errors import first_line
from db.locks import SourceLock
from db.migrate import ensure_schema
from db.release import ReleaseRecord
from db.repository import RunCounts
from db.session import make_engine, make_sessionmaker

logger = logging.getLogger(__name__)

_MAGIC = {
    b"%PDF": "PDF",
    b"PK\x03\x04": "ZIP/Office document",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"\x1f\x8b": "gzip data",
}


def binary_kind(body: bytes) -> str | None:
    """What binary format ``body`` is, by its magic bytes, or ``None`` for text."""
    head = body[:8]
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    if b"\x00" in body[:1024] and body[:1024].count(b"\x00") > 16:
        return "binary data"
    return None


class Validate:
    """Empty or binary bodies become failures; a URL seen twice in a run is dropped."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ReleaseItem):
            return item
        if item.url in self.seen:
            raise DropItem(f"already archived in this run: {item.url}")
        self.seen.add(item.url)
        body = item.page.body
        if not body or body.isspace():
            return FetchFailure(source=item.source, url=item.url, reason="empty body")
        kind = binary_kind(body)
        if kind:
            return FetchFailure(source=item.source, url=item.url, reason=f"not HTML: {kind}")
        return item


class Extract:
    """Runs :func:`crawler.release.build_release` in a process pool (``ARCHIVE_EXTRACT_WORKERS``)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        workers = crawler.settings.get("ARCHIVE_EXTRACT_WORKERS")
        self.workers = os.cpu_count() or 1 if workers is None else int(workers)
        self.pool: Executor | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Extract:
        return cls(crawler)

    def open_spider(self) -> None:
        if self.workers <= 0:
            self.pool = ThreadPoolExecutor(1, thread_name_prefix="archive-extract")
        else:
            context = multiprocessing.get_context("forkserver")
            # No preload: the forkserver stays small and each worker imports only the
            # extraction modules (no ORM: results are db.release dataclasses).
            self.pool = ProcessPoolExecutor(self.workers, mp_context=context,
                                            initializer=_IGNORE_INTERRUPTS)

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ReleaseItem):
            return item
        assert self.pool is not None
        try:
            item.extracted = await asyncio.get_running_loop().run_in_executor(
                self.pool, build_release, item.page
            )
        except NoContentError as exc:
            return FetchFailure(source=item.source, url=item.url, reason=str(exc))
        except Exception as exc:
            logger.exception("extraction failed for %s", item.url)
            return FetchFailure(source=item.source, url=item.url,
                                reason=f"extraction failed: {type(exc).__name__}")
        return item


# Extraction workers leave Ctrl-C to the crawl process, which finishes in-flight items
# (a picklable partial: the forkserver need not import this module).
_IGNORE_INTERRUPTS = functools.partial(signal.signal, signal.SIGINT, signal.SIG_IGN)


class _DatabaseGone(Exception):
    """The database failed earlier in this run: items behind the failure are not written."""


_HTTP_STATUS = re.compile(r"^HTTP (\d{3})$")

# Stores whose run is open, for :func:`close_open_runs` after a forced shutdown.
_OPEN: weakref.WeakSet[Store] = weakref.WeakSet()


# What one item's rows can raise; the batch is then written again, item by item.
_ITEM_ERRORS = (IntegrityError, DataError, ValueError, TypeError, KeyError)
_DEADLOCK_RETRIES = 5
_RETRYABLE = frozenset({"40P01", "40001"})  # PostgreSQL deadlock, serialization failure
_LISTING_FAILURE = "listing_failure"


def _sqlstate(exc: OperationalError) -> str | None:
    return getattr(exc.orig, "sqlstate", None)


class Store:
    """Persists releases and failures, one transaction each, on a single writer thread."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.url = database_url(settings.get("ARCHIVE_DB_URL"))
        self.base_url: str | None = settings.get("ARCHIVE_BASE_URL")
        self.use_lock = settings.getbool("ARCHIVE_LOCK", True)
        self.retry_base = dt.timedelta(seconds=settings.getfloat("ARCHIVE_RETRY_BACKOFF", 3600))
        self.busy_timeout = settings.get("ARCHIVE_SQLITE_BUSY_TIMEOUT")
        self.write_delay = settings.getfloat("ARCHIVE_DEBUG_WRITE_DELAY", 0)
        self.counts = RunCounts()
        self.listing_failures = 0
        self.db_error: str | None = None
        self.run_id: int | None = None
        self.source_id: int | None = None
        self.lock: SourceLock | None = None
        self.sessions: sessionmaker[Session] | None = None
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="archive-writer")
        self.pending: deque[tuple[Any, Future[None]]] = deque()
        self.batch_size = max(1, settings.getint("ARCHIVE_WRITE_BATCH", 50))
        # Person ids seen by committed (or still open) writes: emptied on any rollback.
        self.people: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Store:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        spider: Any = self.crawler.spider
        assert self.crawler.stats is not None
        self.engine = make_engine(self.url)
        if self.busy_timeout is not None and self.engine.dialect.name == "sqlite":
            timeout = int(self.busy_timeout)

            @event.listens_for(self.engine, "connect")
            def _busy(dbapi_connection: Any, _record: Any) -> None:
                dbapi_connection.execute(f"PRAGMA busy_timeout={timeout}")

        ensure_schema(self.engine)
        self.sessions = make_sessionmaker(self.engine)
        if self.use_lock:
            self.lock = SourceLock(self.engine, spider.name)
            if not self.lock.acquire():
                self.lock = None
                self.crawler.stats.set_value("archive/status", "locked")
                logger.error("another crawl of %s is running (lock held): not starting",
                             spider.name)
                raise CloseSpider("locked")
        mode = "full" if getattr(spider, "full", False) else (
            "since" if getattr(spider, "since", None) else "incremental")
        with self.sessions.begin() as session:
            self.source_id = repository.ensure_source(
                session,
                key=spider.name,
                country=spider.country,
                ministry=spider.ministry,
                listing_url=spider.listing_url,
            )
            if self.lock is not None:
                abandoned = repository.close_abandoned_runs(session, self.source_id)
                if abandoned:
                    logger.warning("%s earlier run(s) of %s ended without closing: "
                                   "marked interrupted", abandoned, spider.name)
            self.run_id = repository.start_run(
                session, source_id=self.source_id, base_url=self.base_url, mode=mode,
                pid=os.getpid(),
            )
            plan = repository.frontier_plan(session, self.source_id,
                                            full=mode == "full")
        self.crawler.archive_frontier = plan  # type: ignore[attr-defined]
        _OPEN.add(self)
        self.crawler.stats.set_value("archive/run_id", self.run_id)
        self.crawler.stats.set_value("archive/frontier_queued", len(plan.queue))
        logger.info("archiving into %s (run %s, %s): %s queued from the frontier, %s known",
                    redact(self.url), self.run_id, mode, len(plan.queue), len(plan.skip))

    async def process_item(self, item: Any) -> Any:
        if self.run_id is None:
            raise DropItem("the run did not start")
        if self.db_error:
            raise DropItem(f"database unavailable: {self.db_error}")
        done: Future[None] = Future()
        self.pending.append((item, done))
        self.writer.submit(self._drain)
        try:
            await asyncio.wrap_future(done)
        except _DatabaseGone as exc:
            raise DropItem(f"not stored: {exc}") from exc
        except SQLAlchemyError as exc:
            self._fail(exc)
            raise DropItem(f"not stored: {self.db_error}") from exc
        return item

    def _drain(self) -> None:
        """On the writer thread: write what has queued up, as one batch.

        Items queue while a batch is being written, so under load batches grow
        (up to ``ARCHIVE_WRITE_BATCH``) and the per-transaction cost is shared;
        when items trickle in, each is written at once.
        """
        batch: list[tuple[Any, Future[None]]] = []
        while self.pending and len(batch) < self.batch_size:
            batch.append(self.pending.popleft())
        if not batch:
            return
        try:
            errors = self._write_batch([item for item, _ in batch])
        except BaseException as exc:  # noqa: BLE001 - handed to every waiting item
            for _, done in batch:
                done.set_exception(exc)
            return
        for (_, done), error in zip(batch, errors, strict=True):
            if error is None:
                done.set_result(None)
            else:
                done.set_exception(error)

    def _write_batch(self, items: list[Any]) -> list[BaseException | None]:
        """Write ``items`` in one transaction.

        A release lands whole or not at all. The batch is first written plainly;
        if an item's rows fail, the batch is rolled back and written again with
        each item in its own savepoint, so that item is rolled back and reported
        alone. A database failure (gone, locked) rolls back the whole batch and
        reaches every item. Items are written in URL order, and a batch that
        PostgreSQL aborts as a deadlock with a concurrent writer is retried whole.
        """
        assert self.sessions is not None and self.run_id
        order = sorted(range(len(items)), key=lambda i: str(getattr(items[i], "url", "")))
        ordered = [items[i] for i in order]
        for attempt in range(1, _DEADLOCK_RETRIES + 1):
            if self.db_error:  # queued behind the failure: do not wait on the database again
                raise _DatabaseGone(self.db_error)
            try:
                try:
                    outcomes, errors = self._write_once(ordered, careful=False)
                except _ITEM_ERRORS:
                    self.people.clear()
                    outcomes, errors = self._write_once(ordered, careful=True)
                break
            except BaseException as exc:
                self.people.clear()  # the transaction rolled back: so did new persons
                if not isinstance(exc, OperationalError) or _sqlstate(exc) not in _RETRYABLE \
                        or attempt == _DEADLOCK_RETRIES:
                    raise
                logger.warning("write batch of %s items aborted (%s): retrying", len(items),
                               _sqlstate(exc))
        counted = Counter(o for o in outcomes if o is not None)
        self.listing_failures += counted.pop(_LISTING_FAILURE, 0)
        for name, n in counted.items():  # committed: now they count
            attr = f"releases_{name}"
            if hasattr(self.counts, attr):
                setattr(self.counts, attr, getattr(self.counts, attr) + n)
            else:
                self.counts.extra[name] = self.counts.extra.get(name, 0) + n
        in_input_order: list[BaseException | None] = [None] * len(items)
        for position, index in enumerate(order):
            in_input_order[index] = errors[position]
        return in_input_order

    def _write_once(
        self, items: list[Any], *, careful: bool
    ) -> tuple[list[str | None], list[BaseException | None]]:
        """One transaction; ``careful``: each item in a savepoint, its failure its own."""
        assert self.sessions is not None and self.run_id
        outcomes: list[str | None] = []
        errors: list[BaseException | None] = []
        with self.sessions.begin() as session:
            for item in items:
                if not careful:  # an item's error rolls the batch back: see _write_batch
                    outcomes.append(self._write_item(session, item))
                    errors.append(None)
                    continue
                try:
                    with session.begin_nested():
                        outcomes.append(self._write_item(session, item))
                    errors.append(None)
                except _ITEM_ERRORS as exc:
                    self.people.clear()  # persons it added went with its savepoint
                    logger.error("not stored: %s %s: %s", type(item).__name__,
                                 getattr(item, "url", ""), exc)
                    outcomes.append(None)
                    errors.append(exc)
            counted = Counter(o for o in outcomes if o not in (None, _LISTING_FAILURE))
            for name, n in counted.items():
                repository.count_in_run(session, self.run_id, str(name), n)
            if self.write_delay:
                time.sleep(self.write_delay)  # kill tests: a SIGKILL lands inside the transaction
        return outcomes, errors

    def _write_item(self, session: Session, item: Any) -> str | None:
        """One item's rows and frontier state; the outcome to count, if any."""
        assert self.source_id is not None and self.run_id
        if isinstance(item, Discovered):
            repository.record_discovered(session, source_id=self.source_id,
                                         entries=item.entries)
        elif isinstance(item, NotModified):
            if repository.mark_not_modified(session, source_id=self.source_id,
                                            run_id=self.run_id, url=item.url,
                                            fetched_at=item.fetched_at):
                return "unchanged"
        elif isinstance(item, FetchFailure):
            status = _HTTP_STATUS.match(item.reason)
            result = repository.record_failure(
                session, source_id=self.source_id, run_id=self.run_id, url=item.url,
                reason=item.reason, blocked=item.blocked, release=item.release,
                gone_status=int(status.group(1)) if status else None,
                retry_base=self.retry_base,
            )
            if item.release:
                return result
            return _LISTING_FAILURE
        elif isinstance(item, ReleaseItem) and isinstance(item.extracted, ReleaseRecord):
            return repository.store_release(
                session, source_id=self.source_id, run_id=self.run_id, release=item.extracted,
                people=self.people,
            )
        return None

    def _fail(self, exc: SQLAlchemyError) -> None:
        if self.db_error:
            return
        self.db_error = first_line(exc)[:300]
        logger.error("database error, stopping the crawl: %s", self.db_error)
        assert self.crawler.engine is not None
        asyncio.get_running_loop().create_task(
            self.crawler.engine.close_spider_async(reason="database_error")
        )

    def close_spider(self) -> None:
        self.writer.shutdown(wait=True)

    def spider_closed(self, spider: Any, reason: str) -> None:
        assert self.crawler.stats is not None
        stats = self.crawler.stats
        if self.run_id is None:  # never started: the lock was held, or opening failed
            if stats.get_value("archive/status") is None:
                stats.set_value("archive/status", "failed")
            self._release()
            return
        self._finish(reason)

    def _finish(self, reason: str) -> None:
        assert self.crawler.stats is not None and self.sessions is not None
        stats = self.crawler.stats
        self.counts.listing_pages = int(stats.get_value("archive/listing_pages", 0))
        entries = stats.get_value("archive/listing_entries")
        status = run_status(self.counts, reason=reason, db_error=self.db_error,
                            listing_failures=self.listing_failures,
                            listing_entries=None if entries is None else int(entries))
        stats.set_value("archive/status", status)
        for key in ("new", "changed", "unchanged", "failed", "blocked"):
            stats.set_value(f"archive/releases_{key}", getattr(self.counts, f"releases_{key}"))
        complete = (reason == "finished" and not self.db_error and not self.listing_failures
                    and self.counts.listing_pages > 0)
        try:
            with self.sessions.begin() as session:
                repository.finish_run(
                    session, self.run_id or 0, status=status, finish_reason=reason,
                    counts=self.counts, listing_complete=complete,
                )
        except SQLAlchemyError as exc:
            logger.error("could not record the end of run %s: %s", self.run_id,
                         first_line(exc))
        finally:
            _OPEN.discard(self)
            self._release()

    def _release(self) -> None:
        if self.lock is not None:
            with contextlib.suppress(SQLAlchemyError):  # the server went away: so did the lock
                self.lock.release()
            self.lock = None
        if hasattr(self, "engine"):
            self.engine.dispose()

    def close_after_forced_shutdown(self) -> None:
        """Record an ``interrupted`` run after a second signal stopped the reactor at once."""
        self.writer.shutdown(wait=True, cancel_futures=True)
        self._finish("forced shutdown")


def close_open_runs() -> None:
    """Close the runs of this process that the reactor left open (a forced shutdown)."""
    for store in list(_OPEN):
        store.close_after_forced_shutdown()


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
    if reason in ("shutdown", "interrupted", "forced shutdown"):
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


class ArchiveLogFormatter(LogFormatter):
    """Scrapy's log formatter, naming an item by its type and URL instead of dumping it.

    A dumped ``ReleaseItem`` is the whole page (and a ``FetchFailure`` can carry
    hostile text): one line per item keeps logs readable and free of raw HTML.
    """

    @staticmethod
    def _short(item: Any) -> str:
        url = getattr(item, "url", None)
        return f"{type(item).__name__}({url!r})" if url else type(item).__name__

    def scraped(self, item: Any, response: Any, spider: Any) -> Any:
        result = super().scraped(item, response, spider)
        result["args"] = {**dict(result["args"]), "item": self._short(item)}
        return result

    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any) -> Any:
        result = super().dropped(item, exception, response, spider)
        result["args"] = {**dict(result["args"]), "item": self._short(item)}
        return result

    def item_error(self, item: Any, exception: BaseException, response: Any,
                   spider: Any) -> Any:
        result = super().item_error(item, exception, response, spider)
        result["args"] = {**dict(result["args"]), "item": self._short(item)}
        return result
