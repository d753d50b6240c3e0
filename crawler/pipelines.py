"""Item pipelines: Validate (100) -> Extract (200) -> Store (300).

``Validate`` turns empty and binary bodies and repeats into failures or drops;
``Extract`` runs text and record extraction in worker processes, off the
reactor thread; ``Store`` writes each release (document, records, frontier
state) in one transaction on its own writer thread, and keeps the run's row in
``crawl_runs``. Settings read: ``ARCHIVE_DB_URL``, ``ARCHIVE_EXTRACT_WORKERS``,
``ARCHIVE_BASE_URL``.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from crawler.items import FetchFailure, ReleaseItem
from crawler.release import FetchedPage, NoContentError, build_release
from db import repository
from db.config import database_url, redact
from db.migrate import ensure_schema
from db.repository import ReleaseRecord, RunCounts
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
        if not item.body.strip():
            return FetchFailure(source=item.source, url=item.url, reason="empty body")
        kind = binary_kind(item.body)
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
            context.set_forkserver_preload(["crawler.release"])
            self.pool = ProcessPoolExecutor(self.workers, mp_context=context)

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ReleaseItem):
            return item
        spider = self.crawler.spider
        page = FetchedPage(
            url=item.url,
            body=item.body,
            encoding=item.encoding,
            status=item.status,
            fetched_at=item.fetched_at,
            etag=item.etag,
            last_modified=item.last_modified,
            listing_title=item.listing_title,
            listing_date=item.listing_date,
            page_title=item.page_title,
            page_date=item.page_date,
            page_body=item.page_body,
            language_hint=item.language_hint,
            country=getattr(spider, "country", None),
        )
        assert self.pool is not None
        try:
            item.extracted = await asyncio.get_running_loop().run_in_executor(
                self.pool, build_release, page
            )
        except NoContentError as exc:
            return FetchFailure(source=item.source, url=item.url, reason=str(exc))
        except Exception as exc:
            logger.exception("extraction failed for %s", item.url)
            return FetchFailure(source=item.source, url=item.url,
                                reason=f"extraction failed: {type(exc).__name__}")
        return item


class Store:
    """Persists releases and failures, one transaction each, on a single writer thread."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.url = database_url(crawler.settings.get("ARCHIVE_DB_URL"))
        self.base_url: str | None = crawler.settings.get("ARCHIVE_BASE_URL")
        self.counts = RunCounts()
        self.db_error: str | None = None
        self.run_id: int | None = None
        self.source_id: int | None = None
        self.sessions: sessionmaker[Session] | None = None
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="archive-writer")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Store:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        spider: Any = self.crawler.spider
        self.engine = make_engine(self.url)
        ensure_schema(self.engine)
        self.sessions = make_sessionmaker(self.engine)
        with self.sessions.begin() as session:
            self.source_id = repository.ensure_source(
                session,
                key=spider.name,
                country=spider.country,
                ministry=spider.ministry,
                listing_url=spider.listing_url,
            )
            self.run_id = repository.start_run(
                session, source_id=self.source_id, base_url=self.base_url
            )
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("archive/run_id", self.run_id)
        logger.info("archiving into %s (run %s)", redact(self.url), self.run_id)

    async def process_item(self, item: Any) -> Any:
        if self.db_error:
            raise DropItem(f"database unavailable: {self.db_error}")
        try:
            await asyncio.get_running_loop().run_in_executor(self.writer, self._write, item)
        except SQLAlchemyError as exc:
            self._fail(exc)
            raise DropItem(f"not stored: {self.db_error}") from exc
        return item

    def _write(self, item: Any) -> None:
        assert self.sessions is not None and self.source_id is not None and self.run_id
        if isinstance(item, FetchFailure):
            with self.sessions.begin() as session:
                repository.record_failure(
                    session, source_id=self.source_id, run_id=self.run_id, url=item.url,
                    reason=item.reason, blocked=item.blocked, release=item.release,
                )
            if item.blocked:
                self.counts.releases_blocked += 1
            elif item.release:
                self.counts.releases_failed += 1
            return
        if isinstance(item, ReleaseItem) and isinstance(item.extracted, ReleaseRecord):
            with self.sessions.begin() as session:
                outcome = repository.store_release(
                    session, source_id=self.source_id, run_id=self.run_id, release=item.extracted
                )
            attr = f"releases_{outcome}"
            setattr(self.counts, attr, getattr(self.counts, attr) + 1)

    def _fail(self, exc: SQLAlchemyError) -> None:
        first_line = str(exc.orig if hasattr(exc, "orig") else exc).strip().splitlines()[0]
        self.db_error = first_line[:300]
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
        self.counts.listing_pages = int(stats.get_value("archive/listing_pages", 0))
        status = run_status(self.counts, reason=reason, db_error=self.db_error)
        stats.set_value("archive/status", status)
        for key in ("new", "changed", "unchanged", "failed", "blocked"):
            stats.set_value(f"archive/releases_{key}", getattr(self.counts, f"releases_{key}"))
        if self.sessions is None or self.run_id is None:
            return
        try:
            with self.sessions.begin() as session:
                repository.finish_run(
                    session, self.run_id, status=status, finish_reason=reason, counts=self.counts
                )
        except SQLAlchemyError as exc:
            logger.error("could not record the end of run %s: %s", self.run_id, exc)
        finally:
            self.engine.dispose()


def run_status(counts: RunCounts, *, reason: str, db_error: str | None) -> str:
    """The run's status from its counts and Scrapy's finish reason."""
    archived = counts.releases_new + counts.releases_changed + counts.releases_unchanged
    if db_error:
        return "failed"
    if reason in ("shutdown", "interrupted"):
        return "interrupted"
    if counts.releases_blocked and not archived:
        return "blocked"
    if not archived and not counts.releases_failed:
        return "degraded"
    if counts.releases_failed or counts.releases_blocked:
        return "completed_with_errors"
    return "completed"
