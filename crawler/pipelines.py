"""Item pipelines: Validate (100) -> Extract (200) -> Store (300).

``Validate`` turns empty and binary bodies and repeats into failures or drops;
``Extract`` runs text and record extraction in worker processes, off the
reactor thread; ``Store`` writes each release (document, records, frontier
state, the run's counters) in batches on its own writer thread, each release
whole or not at all, so a SIGKILL at any moment loses at most the items in
flight. The run itself (lock, run row, frontier, status) belongs to the
:class:`crawler.extensions.ArchiveRun` extension.

Settings read: ``ARCHIVE_EXTRACT_WORKERS``, ``ARCHIVE_RETRY_BACKOFF``,
``ARCHIVE_WRITE_BATCH``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import re
from collections import Counter, deque
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.extensions import ArchiveRun, RunState
from crawler.items import FetchFailure, ReleaseItem
from crawler.release import EXTRACTION_MODULES, NoContentError, build_release, warm_up
from crawler.spiders.base import Discovered, NotModified
from crawler.workers import process_pool
from db import documents, frontier, runs
from db.errors import ROW_ERRORS, DatabaseError, first_line, is_retryable, sqlstate
from db.release import ReleaseRecord
from db.session import savepoint, transaction

if TYPE_CHECKING:
    from db.session import Session

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
            return
        # The forkserver imports the extraction modules once (no Scrapy, no ORM: about
        # 45 MB; results are db.release dataclasses), while the run opens and the first
        # listing page is fetched; each worker forked from it starts with them loaded.
        # Workers leave Ctrl-C to the crawl process, which finishes in-flight items,
        # and end with the crawl process, however it ends (crawler/workers.py).
        page = getattr(self.crawler.spidercls, "release_page", None)
        modules = (page.__module__,) if isinstance(page, type) else ()
        self.pool = process_pool(self.workers, preload=(*EXTRACTION_MODULES, *modules),
                                 ignore_interrupts=True)
        # One warm-up per worker: each submit with no idle worker starts one.
        for _ in range(self.workers):
            self.pool.submit(warm_up, modules)

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


class NotStored(DropItem):
    """An item dropped because the run's database failed (or the run never opened): the
    failure is logged once and is in the crawl's summary, so each item's drop is a
    debug line (:class:`crawler.logformatter.ArchiveLogFormatter`)."""


class _DatabaseGone(Exception):
    """The database failed earlier in this run: items behind the failure are not written."""


_HTTP_STATUS = re.compile(r"^HTTP (\d{3})$")

# What one item's rows can raise; the batch is then written again, item by item.
_ITEM_ERRORS: tuple[type[Exception], ...] = (*ROW_ERRORS, ValueError, TypeError, KeyError)
_DEADLOCK_RETRIES = 5  # a batch PostgreSQL aborted (db.errors.is_retryable) is written again
_LISTING_FAILURE = "listing_failure"


class Store:
    """Persists releases and failures in batches, each release whole, on one writer thread.

    It writes into the run that the :class:`crawler.extensions.ArchiveRun` extension
    opened (:attr:`ArchiveRun.state`) and adds the committed outcomes to that run's
    counts; without an open run every item is dropped.

    Settings read: ``ARCHIVE_RETRY_BACKOFF``, ``ARCHIVE_WRITE_BATCH``.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.retry_base = dt.timedelta(seconds=settings.getfloat("ARCHIVE_RETRY_BACKOFF", 3600))
        self.batch_size = max(1, settings.getint("ARCHIVE_WRITE_BATCH", 50))
        self.archive_run = ArchiveRun.of(crawler)
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="archive-writer")
        self.pending: deque[tuple[Any, Future[None]]] = deque()
        # Person ids seen by committed (or still open) writes: emptied on any rollback.
        self.people: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Store:
        store = cls(crawler)
        if store.archive_run is not None:
            store.archive_run.before_forced_finish.append(store.stop)
        return store

    @property
    def run(self) -> RunState | None:
        """The open run this pipeline writes into, once the spider has opened."""
        return self.archive_run.state if self.archive_run is not None else None

    async def process_item(self, item: Any) -> Any:
        run = self.run
        if run is None:
            raise NotStored("the run did not start")
        if run.db_error:
            raise NotStored(f"database unavailable: {run.db_error}")
        done: Future[None] = Future()
        self.pending.append((item, done))
        self.writer.submit(self._drain)
        try:
            await asyncio.wrap_future(done)
        except _DatabaseGone as exc:
            raise NotStored(f"not stored: {exc}") from exc
        except DatabaseError as exc:
            self._fail(run, exc)
            raise NotStored(f"not stored: {run.db_error}") from exc
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
        run = self.run
        assert run is not None
        order = sorted(range(len(items)), key=lambda i: str(getattr(items[i], "url", "")))
        ordered = [items[i] for i in order]
        for attempt in range(1, _DEADLOCK_RETRIES + 1):
            if run.db_error:  # queued behind the failure: do not wait on the database again
                raise _DatabaseGone(run.db_error)
            try:
                try:
                    outcomes, errors = self._write_once(ordered, careful=False)
                except _ITEM_ERRORS:
                    self.people.clear()
                    outcomes, errors = self._write_once(ordered, careful=True)
                break
            except BaseException as exc:
                self.people.clear()  # the transaction rolled back: so did new persons
                if not is_retryable(exc) or attempt == _DEADLOCK_RETRIES:
                    raise
                logger.warning("write batch of %s items aborted (%s): retrying", len(items),
                               sqlstate(exc))
        _count_committed(run, outcomes)
        in_input_order: list[BaseException | None] = [None] * len(items)
        for position, index in enumerate(order):
            in_input_order[index] = errors[position]
        return in_input_order

    def _write_once(
        self, items: list[Any], *, careful: bool
    ) -> tuple[list[str | None], list[BaseException | None]]:
        """One transaction; ``careful``: each item in a savepoint, its failure its own."""
        run = self.run
        assert run is not None
        outcomes: list[str | None] = []
        errors: list[BaseException | None] = []
        with transaction(run.sessions) as session:
            for item in items:
                if not careful:  # an item's error rolls the batch back: see _write_batch
                    outcomes.append(self._write_item(session, run, item))
                    errors.append(None)
                    continue
                try:
                    with savepoint(session):
                        outcomes.append(self._write_item(session, run, item))
                    errors.append(None)
                except _ITEM_ERRORS as exc:
                    self.people.clear()  # persons it added went with its savepoint
                    logger.error("not stored: %s %s: %s", type(item).__name__,
                                 getattr(item, "url", ""), exc)
                    outcomes.append(None)
                    errors.append(exc)
            counted = Counter(o for o in outcomes if o not in (None, _LISTING_FAILURE))
            for name, n in counted.items():
                runs.count_in_run(session, run.run_id, str(name), n)
            self._before_commit(session)
        return outcomes, errors

    def _before_commit(self, session: Session) -> None:
        """Called inside each write transaction just before it commits (a seam for tests)."""

    def _write_item(self, session: Session, run: RunState, item: Any) -> str | None:
        """One item's rows and frontier state; the outcome to count, if any."""
        if isinstance(item, Discovered):
            frontier.record_discovered(session, source_id=run.source_id, entries=item.entries)
        elif isinstance(item, NotModified):
            if frontier.mark_not_modified(session, source_id=run.source_id,
                                          run_id=run.run_id, url=item.url,
                                          fetched_at=item.fetched_at):
                return "unchanged"
        elif isinstance(item, FetchFailure):
            status = _HTTP_STATUS.match(item.reason)
            result = frontier.record_failure(
                session, source_id=run.source_id, run_id=run.run_id, url=item.url,
                reason=item.reason, blocked=item.blocked, release=item.release,
                gone_status=int(status.group(1)) if status else None,
                retry_base=self.retry_base,
            )
            if item.release:
                return result
            return _LISTING_FAILURE
        elif isinstance(item, ReleaseItem) and isinstance(item.extracted, ReleaseRecord):
            return documents.store_release(
                session, source_id=run.source_id, run_id=run.run_id, release=item.extracted,
                people=self.people,
            )
        return None

    def _fail(self, run: RunState, exc: DatabaseError) -> None:
        if run.db_error:
            return
        run.db_error = first_line(exc)[:300]
        logger.error("database error, stopping the crawl: %s", run.db_error)
        assert self.crawler.engine is not None
        asyncio.get_running_loop().create_task(
            self.crawler.engine.close_spider_async(reason="database_error")
        )

    def close_spider(self) -> None:
        self.writer.shutdown(wait=True)

    def stop(self) -> None:
        """After a forced shutdown: drop what is queued, wait for the batch being written."""
        self.writer.shutdown(wait=True, cancel_futures=True)


def _count_committed(run: RunState, outcomes: list[str | None]) -> None:
    """Add a committed batch's outcomes to the run's counts (only now do they count)."""
    counted = Counter(o for o in outcomes if o is not None)
    run.listing_failures += counted.pop(_LISTING_FAILURE, 0)
    counts = run.counts
    for name, n in counted.items():
        attr = f"releases_{name}"
        if hasattr(counts, attr):
            setattr(counts, attr, getattr(counts, attr) + n)
        else:
            counts.extra[name] = counts.extra.get(name, 0) + n
