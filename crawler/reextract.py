"""Re-running extraction over the archive, on every core, one stage at a time.

A document's extraction has two stages, each versioned in its own column:

* text (trafilatura and the source's page object over the stored raw HTML:
  text, title, date, language), ``documents.text_extractor``; the page is
  rebuilt as the crawl built it (:meth:`crawler.release.FetchedPage.of_source`:
  the registered source, and the listing's title and date as the frontier kept
  them), so the same bytes give the same result;
* records (Meetings and Statements from that text), ``records_extractor``.

The text stage is deterministic for a given version, so it is re-run only for
documents extracted under another version (or for all with ``text=True``);
every other document gets its records rebuilt from its stored text, which is
what changes when the records extractor improves. Workers compute, in chunks;
the main process writes batches of documents, each document whole or not at
all, and ids stay stable where the facts did not change.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crawler.release import EXTRACTION_MODULES
from crawler.workers import process_pool, start_forkserver
from db import documents, encounters, queries
from db.release import ReleaseRecord
from db.session import make_sessionmaker, read_only_twin, reading, transaction

if TYPE_CHECKING:
    from crawler.records import Records
    from crawler.registry import Source as RegisteredSource
    from db.session import Engine, Session, Sessions

_CHUNK = 16  # documents per task sent to a worker (the round trip costs more than a record)
# What the forkserver imports before it forks the workers: the extractors, once for all
# workers (each importing them itself cost ~0.5 CPU-s a worker), while this process opens
# the archive. This process never imports the extractors (trafilatura, the records
# rules): it reads, sends, and writes; it asks the workers for the extractors' versions
# (:func:`_versions`).
_PRELOAD = ["crawler.release", *EXTRACTION_MODULES]


def prepare() -> None:
    """Start the workers' forkserver now, so that its imports overlap the caller's work
    (opening the archive); :func:`reextract_archive` then forks its workers from it."""
    start_forkserver(_PRELOAD)


@dataclass(frozen=True, slots=True)
class _PageJob:
    """A stored page to extract again from its raw HTML (the text stage and records).

    It is rebuilt as the crawl built it (:meth:`FetchedPage.of_source`): from its
    source (``None`` if no longer registered: no page object, ``country`` only) and
    the hints its listing gave, as the frontier kept them.
    """

    document_id: int
    source: RegisteredSource | None
    country: str
    url: str
    raw_html: bytes
    encoding: str | None
    status: int
    fetched_at: dt.datetime
    listing_title: str | None
    listing_date: dt.date | None
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class _TextJob:
    """A stored text whose records are built again."""

    document_id: int
    country: str
    text: str
    title: str | None
    published: dt.date | None
    language: str | None


_Result = tuple[int, "ReleaseRecord | Records | str"]


class _Registry:
    """The source registry, loaded for the first page job (a text job needs none)."""

    def __init__(self) -> None:
        self._sources: dict[str, RegisteredSource] | None = None

    def get(self, key: str) -> RegisteredSource | None:
        if self._sources is None:
            from crawler.registry import all_sources

            self._sources = {registered.key: registered for registered in all_sources()}
        return self._sources.get(key)


def _page_job(row: Any, registry: _Registry) -> _PageJob:
    """The job of a stored page (a row of :func:`db.queries.stored_pages` or of a lease)."""
    return _PageJob(row.id, registry.get(row.key), row.country, row.url, row.raw_html,
                    row.encoding, row.http_status, row.fetched_at, row.listing_title,
                    row.listing_date, row.etag, row.last_modified)


def _store_results(session: Session, results: Sequence[tuple[int, ReleaseRecord | Records]],
                   *, records_version: str, people: dict[str, int]) -> int:
    """Write re-extractions, in order: new texts with their records, or new records; how
    many texts changed. ``people``: the writer's person ids, cleared by it on a rollback.
    The batch's record rows are read once for all (:func:`db.documents.stored_records`),
    and the records version of the documents given new records written once for all."""
    changed = 0
    rebuilt: list[int] = []
    stored = documents.stored_records(session, [document_id for document_id, _ in results])
    for document_id, result in results:
        if isinstance(result, ReleaseRecord):
            changed += documents.store_release(
                session, source_id=None, run_id=None, release=result, force_records=True,
                people=people, stored=stored) == "changed"
        else:
            documents.store_records(session, document_id, result, version=records_version,
                                    people=people, mark_version=False, stored=stored)
            rebuilt.append(document_id)
    documents.mark_records_version(session, rebuilt, records_version)
    return changed


def _versions() -> tuple[str, str]:
    """The text and records extractors' versions, as a worker has them."""
    from crawler.extract import TEXT_EXTRACTOR_VERSION
    from crawler.records import EXTRACTOR_VERSION

    return TEXT_EXTRACTOR_VERSION, EXTRACTOR_VERSION


def _extract(job: _PageJob | _TextJob) -> _Result:
    """The job's new extraction, or why there is none (the document then stays as it is)."""
    from crawler.release import (  # preloaded by the workers
        FetchedPage,
        ListingHints,
        NoContentError,
        build_release,
        records_for,
    )

    try:
        if isinstance(job, _TextJob):
            return job.document_id, records_for(
                job.text, title=job.title, published=job.published, language=job.language,
                country=job.country)
        return job.document_id, build_release(FetchedPage.of_source(
            job.source, url=job.url, body=gzip.decompress(job.raw_html), encoding=job.encoding,
            hints=ListingHints(title=job.listing_title, date=job.listing_date),
            country=job.country, status=job.status, fetched_at=job.fetched_at,
            etag=job.etag, last_modified=job.last_modified,
        ))
    except NoContentError as exc:
        return job.document_id, str(exc)
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the others
        return job.document_id, f"extraction failed: {type(exc).__name__}: {exc}"


def _extract_chunk(jobs: Sequence[_PageJob | _TextJob]) -> list[_Result]:
    return [_extract(job) for job in jobs]


def _jobs(engine: Engine, source: str | None, text: bool,
          text_version: str) -> Iterator[_PageJob | _TextJob]:
    """Stream the work through a read-only engine, so the writer is never blocked:
    first the pages whose text stage is not ``text_version`` (or all, ``text``), then
    the texts."""
    registry = _Registry()
    with reading(engine) as conn:  # one read transaction for both
        stale = None if text else text_version
        for row in queries.stored_pages(conn, source=source, stale_text=stale):
            yield _page_job(row, registry)
        if text:
            return
        for row in queries.stored_texts(conn, source=source, text_version=text_version):
            yield _TextJob(*row)


def _chunks(jobs: Iterator[_PageJob | _TextJob]) -> Iterator[list[_PageJob | _TextJob]]:
    chunk: list[_PageJob | _TextJob] = []
    for job in jobs:
        chunk.append(job)
        if len(chunk) >= _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _bounded_map(
    pool: ProcessPoolExecutor, jobs: Iterator[_PageJob | _TextJob], window: int
) -> Iterator[_Result]:
    """Results in job order, with at most ``window`` chunks in flight (constant RSS)."""
    pending: deque[Future[list[_Result]]] = deque()
    for chunk in _chunks(jobs):
        pending.append(pool.submit(_extract_chunk, chunk))
        if len(pending) >= window:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


def reextract_archive(
    engine: Engine,
    *,
    source: str | None = None,
    text: bool = False,
    workers: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Re-extract every stored document (of ``source``); return counts.

    ``documents``: how many; ``text``: how many went through the text stage;
    ``changed``: whose text changed; ``failed``: whose page gave no text (kept as it was);
    ``encounters``: encounters added when the rebuilt meetings were linked again
    (:mod:`db.encounters`).
    """
    sessions = make_sessionmaker(engine)
    with reading(engine) as conn:
        total = queries.document_count(conn, source)
    workers = workers if workers is not None else (os.cpu_count() or 1)
    with process_pool(workers, preload=_PRELOAD) as pool:
        text_version, records_version = pool.submit(_versions).result()
        reader = read_only_twin(engine)
        try:
            results = _bounded_map(pool, _jobs(reader, source, text, text_version),
                                   4 * max(workers, 1))
            stats = _write_results(sessions, results, total, on_progress, records_version)
        finally:
            reader.dispose()
    with transaction(sessions) as session:  # the rebuilt meetings' encounters
        stats["encounters"] = encounters.rebuild_for_source(session, source).added
    return stats


def _write_results(
    sessions: Sessions,
    results: Iterator[_Result],
    total: int,
    on_progress: Callable[[int, int], None] | None,
    records_version: str,
    batch_size: int = 50,
) -> dict[str, int]:
    """Write results in transactions of ``batch_size`` documents, each whole or not at all."""
    stats = {"documents": 0, "text": 0, "changed": 0, "failed": 0}
    batch: list[tuple[int, ReleaseRecord | Records]] = []
    people: dict[str, int] = {}  # person ids by name key, as committed (persons stay)

    def flush() -> None:
        try:
            with transaction(sessions) as session:
                stats["changed"] += _store_results(session, batch,
                                                   records_version=records_version,
                                                   people=people)
        except BaseException:
            people.clear()  # ids of a rolled-back transaction
            raise
        batch.clear()

    for document_id, result in results:
        stats["documents"] += 1
        if isinstance(result, str):
            stats["failed"] += 1
            stats["text"] += 1
        else:
            stats["text"] += isinstance(result, ReleaseRecord)
            batch.append((document_id, result))
            if len(batch) >= batch_size:
                flush()
        if on_progress:
            on_progress(stats["documents"], total)
    if batch:
        flush()
    return stats
