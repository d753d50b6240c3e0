"""Re-running text and record extraction over stored raw HTML, on every core.

Workers get the raw page and rebuild the release exactly as a crawl would
(page object, trafilatura, records); the main process writes each document's
result in its own transaction, so ids stay stable where facts did not change.
"""

from __future__ import annotations

import datetime as dt
import gzip
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from scrapy.http import HtmlResponse
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from crawler.release import FetchedPage, NoContentError, build_release
from crawler.run import spider_classes
from db import repository
from db.models import Document, Source
from db.repository import ReleaseRecord
from db.session import make_engine, make_sessionmaker


@dataclass(frozen=True, slots=True)
class _Job:
    document_id: int
    source: str
    country: str
    url: str
    raw_html: bytes
    encoding: str | None
    status: int
    fetched_at: dt.datetime
    title: str | None
    published: dt.date | None
    etag: str | None
    last_modified: str | None


_PAGES: dict[str, type] = {}


def _rebuild(job: _Job) -> tuple[int, ReleaseRecord | str]:
    if not _PAGES:
        _PAGES.update({k: cls.release_page for k, cls in spider_classes().items()})
    body = gzip.decompress(job.raw_html)
    page_title = page_date = page_body = None
    page_class = _PAGES.get(job.source)
    if page_class is not None:
        page = page_class(HtmlResponse(job.url, body=body, encoding=job.encoding or "utf-8"))
        page_title, page_date, page_body = page.title, page.date, page.body
    try:
        return job.document_id, build_release(FetchedPage(
            url=job.url, body=body, encoding=job.encoding, status=job.status,
            fetched_at=job.fetched_at, etag=job.etag, last_modified=job.last_modified,
            listing_title=job.title, listing_date=job.published, page_title=page_title,
            page_date=page_date, page_body=page_body, country=job.country,
        ))
    except NoContentError as exc:
        return job.document_id, str(exc)


def _jobs(engine: Engine, source: str | None) -> Iterator[_Job]:
    """Stream the stored pages through a read-only engine, so the writer is never blocked."""
    query = (
        select(Document.id, Source.key, Source.country, Document.url, Document.raw_html,
               Document.encoding, Document.http_status, Document.fetched_at, Document.title,
               Document.published, Document.etag, Document.last_modified)
        .join(Source, Source.id == Document.source_id)
        .order_by(Document.id)
    )
    if source:
        query = query.where(Source.key == source)
    with engine.connect() as conn:
        for row in conn.execution_options(yield_per=200).execute(query):
            yield _Job(*row)  # type: ignore[call-arg]  # the row's columns, in order


def _bounded_map(
    pool: ProcessPoolExecutor, jobs: Iterator[_Job], window: int
) -> Iterator[tuple[int, ReleaseRecord | str]]:
    """``pool.map`` in order, but with at most ``window`` jobs in memory (constant RSS)."""
    pending: deque[Future[tuple[int, ReleaseRecord | str]]] = deque()
    for job in jobs:
        pending.append(pool.submit(_rebuild, job))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def reextract_archive(
    engine: Engine,
    *,
    source: str | None = None,
    workers: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Re-extract every stored document (of ``source``); return counts."""
    sessions = make_sessionmaker(engine)
    count_query = select(Document.id).join(Source)
    if source:
        count_query = count_query.where(Source.key == source)
    with engine.connect() as conn:
        total = len(conn.execute(count_query).all())
    workers = workers if workers is not None else (os.cpu_count() or 1)
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max(workers, 1), mp_context=context) as pool:
        reader = make_engine(engine.url.render_as_string(hide_password=False), read_only=True)
        try:
            results = _bounded_map(pool, _jobs(reader, source), 8 * workers)
            stats = _write_results(sessions, results, total, on_progress)
        finally:
            reader.dispose()
    return stats


def _write_results(
    sessions: sessionmaker[Session],
    results: Iterator[tuple[int, ReleaseRecord | str]],
    total: int,
    on_progress: Callable[[int, int], None] | None,
    batch_size: int = 50,
) -> dict[str, int]:
    """Write results in transactions of ``batch_size`` documents, each whole or not at all."""
    stats = {"documents": 0, "changed": 0, "failed": 0}
    batch: list[ReleaseRecord] = []

    def flush() -> None:
        with sessions.begin() as session:
            for release in batch:
                outcome = repository.store_release(
                    session, source_id=None, run_id=None, release=release, force_records=True,
                )
                stats["changed"] += outcome == "changed"
        batch.clear()

    for _document_id, result in results:
        stats["documents"] += 1
        if isinstance(result, str):
            stats["failed"] += 1
        else:
            batch.append(result)
            if len(batch) >= batch_size:
                flush()
        if on_progress:
            on_progress(stats["documents"], total)
    if batch:
        flush()
    return stats
