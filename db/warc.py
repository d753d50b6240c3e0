"""WARC 1.1 files: the archive's pages for web archivists' tools (warcio, pywb, Heritrix readers).

Two writers share :func:`response_record` and :func:`request_record`:

* :class:`RotatingWarc`, the files of a crawl (``-s ARCHIVE_WARC_DIR=DIR``;
  crawler/warc.py feeds it): gzipped, one file after another, a new file once
  one reaches ``max_bytes``. Each file starts with a ``warcinfo`` record.
* :func:`export_warc`, ``mfa-archive export warc``: every stored page as a
  ``response`` record with its fetch date (``WARC-Date``), its status and the
  headers the archive kept (content type and charset, ETag, Last-Modified);
  the body is the page as fetched, decoded (``documents.raw_html`` unzipped).

The bookkeeping of a run's files (the ``warc_files`` table) is here too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import http
import io
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from db.atomic import replace_when_done
from db.models import CrawlError, Document, Source, WarcFile
from db.queries import AnySelect, ExportFilters
from db.rows import snapshot

WARC_VERSION = "1.1"
SOFTWARE = "mfa-archive"
MAX_BYTES = 1_000_000_000  # a crawl's WARC file is rotated once it reaches this size
# Headers that describe the transfer, not the payload: the body is recorded whole.
_TRANSFER_HEADERS = frozenset({"transfer-encoding", "content-length"})


def warc_date(when: dt.datetime) -> str:
    """A WARC 1.1 date (UTC, microseconds)."""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _writer(out: IO[bytes]) -> WARCWriter:
    return WARCWriter(out, gzip=True, warc_version=WARC_VERSION)


def response_record(writer: WARCWriter, url: str, *, status: int, headers: Sequence[tuple[str, str]],
                    body: bytes, when: dt.datetime, protocol: str = "HTTP/1.1",
                    extra: dict[str, str] | None = None) -> Any:
    """A ``response`` record of ``body``; its Content-Length is the body's length."""
    reason = _reason(status)
    fields = [(k, v) for k, v in headers if k.lower() not in _TRANSFER_HEADERS]
    fields.append(("Content-Length", str(len(body))))
    http_headers = StatusAndHeaders(f"{status} {reason}".strip(), fields, protocol=protocol)
    return writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http_headers,
        warc_headers_dict={"WARC-Date": warc_date(when), **(extra or {})})


def request_record(writer: WARCWriter, url: str, *, method: str, target: str,
                   headers: Sequence[tuple[str, str]], body: bytes, when: dt.datetime,
                   concurrent_to: str | None = None) -> Any:
    """A ``request`` record; ``target`` is the request line's path and query."""
    http_headers = StatusAndHeaders(f"{method} {target or '/'} HTTP/1.1", list(headers),
                                    is_http_request=True)
    extra = {"WARC-Concurrent-To": concurrent_to} if concurrent_to else {}
    return writer.create_warc_record(
        url, "request", payload=io.BytesIO(body), length=len(body), http_headers=http_headers,
        warc_headers_dict={"WARC-Date": warc_date(when), **extra})


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def _warcinfo(writer: WARCWriter, filename: str, info: dict[str, str]) -> None:
    writer.write_record(writer.create_warcinfo_record(filename, {
        "software": SOFTWARE, "format": f"WARC File Format {WARC_VERSION}", **info}))


def record_id(record: Any) -> str:
    return str(record.rec_headers.get_header("WARC-Record-ID"))


# --- a crawl's files -----------------------------------------------------------------


class RotatingWarc:
    """The WARC files of one run in ``directory``: ``PREFIX-00000.warc.gz``, ``-00001`` ...

    A file is opened for the first record and closed, and the next one started,
    once it holds ``max_bytes`` or more. ``on_open(path)`` and ``on_close(path,
    records, size)`` report each file. Errors (a directory that is not writable,
    a full disk) propagate as :class:`OSError`; the caller stops recording.
    """

    def __init__(self, directory: str | os.PathLike[str], prefix: str, *,
                 max_bytes: int = MAX_BYTES, info: dict[str, str] | None = None) -> None:
        self.directory = Path(directory)
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.info = info or {}
        self.serial = 0
        self.paths: list[Path] = []
        self._file: IO[bytes] | None = None
        self._writer: WARCWriter | None = None
        self._records = 0
        self.on_open: list[Any] = []
        self.on_close: list[Any] = []

    @property
    def current(self) -> Path | None:
        return self.paths[-1] if self._file is not None else None

    def next_path(self) -> Path:
        return self.directory / f"{self.prefix}-{self.serial:05d}.warc.gz"

    def _open(self) -> WARCWriter:
        path = self.next_path()
        self.directory.mkdir(parents=True, exist_ok=True)
        self._file = open(path, "xb")  # noqa: SIM115 - closed in _close
        self.serial += 1
        self.paths.append(path)
        self._writer = _writer(self._file)
        for report in self.on_open:
            report(path)
        _warcinfo(self._writer, path.name, self.info)
        self._records = 1
        return self._writer

    def write(self, records: Sequence[Any]) -> None:
        """Write ``records`` (made with :meth:`builder`) to the current file, then rotate."""
        writer = self._writer or self._open()
        for record in records:
            writer.write_record(record)
            self._records += 1
        assert self._file is not None
        if self._file.tell() >= self.max_bytes:
            self._close()

    @staticmethod
    def builder() -> WARCWriter:
        """A writer to build records with (they are written by :meth:`write`)."""
        return _writer(io.BytesIO())

    def _close(self) -> None:
        file, self._file, self._writer = self._file, None, None
        if file is None:
            return
        try:
            file.flush()
            os.fsync(file.fileno())
            size = file.tell()
        finally:
            file.close()
        for report in self.on_close:
            report(self.paths[-1], self._records, size)

    def close(self) -> None:
        """Close the current file, if any (idempotent)."""
        self._close()

    def abandon(self) -> None:
        """Close the current file after a failed write, without reporting it."""
        file, self._file, self._writer = self._file, None, None
        if file is not None:
            with contextlib.suppress(OSError):
                file.close()


# --- the warc_files table ------------------------------------------------------------


def file_opened(session: Session, run_id: int, path: str) -> int:
    """A run's new WARC file; its id."""
    row = WarcFile(run_id=run_id, path=path, opened_at=dt.datetime.now(dt.UTC), records=0,
                   bytes=0)
    session.add(row)
    session.flush()
    return row.id


def file_closed(session: Session, run_id: int, path: str, records: int, size: int) -> None:
    session.execute(update(WarcFile).where(WarcFile.run_id == run_id, WarcFile.path == path)
                    .values(closed_at=dt.datetime.now(dt.UTC), records=records, bytes=size))


def file_failed(session: Session, run_id: int, path: str, error: str) -> None:
    """Record that the run's WARC file ``path`` could not be written (also a run error)."""
    now = dt.datetime.now(dt.UTC)
    found = session.execute(select(WarcFile).where(WarcFile.run_id == run_id,
                                                   WarcFile.path == path)).scalars().first()
    if found is not None:
        found.error, found.closed_at = error, now
    else:
        session.add(WarcFile(run_id=run_id, path=path, opened_at=now, closed_at=now, records=0,
                             bytes=0, error=error))
    session.add(CrawlError(run_id=run_id, url=path, reason=f"WARC not written: {error}",
                           blocked=False, at=now))


def run_files(session: Session, run_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """Each run's WARC files, in the order they were opened."""
    found: dict[int, list[dict[str, Any]]] = {}
    if not run_ids:
        return found
    rows = session.execute(select(WarcFile).where(WarcFile.run_id.in_(run_ids))
                           .order_by(WarcFile.run_id, WarcFile.id)).scalars()
    for row in rows:
        found.setdefault(row.run_id, []).append({
            "path": row.path, "records": row.records, "bytes": row.bytes,
            "opened_at": row.opened_at.isoformat(),
            "closed_at": row.closed_at.isoformat() if row.closed_at else None,
            "error": row.error})
    return found


# --- export warc ---------------------------------------------------------------------

BATCH = 200  # pages per fetch: raw pages are the archive's largest values


def pages_select(filters: ExportFilters) -> AnySelect:
    """Stored pages by id; ``--source``; ``--since``/``--until`` on the fetch day (UTC)."""
    query: AnySelect = (
        select(Document.id, Document.url, Document.raw_html, Document.fetched_at,
               Document.http_status, Document.encoding, Document.etag, Document.last_modified)
        .join(Source, Source.id == Document.source_id)
        .order_by(Document.id)
    )
    if filters.source:
        query = query.where(Source.key == filters.source)
    if filters.since:
        query = query.where(Document.fetched_at
                            >= dt.datetime.combine(filters.since, dt.time(), tzinfo=dt.UTC))
    if filters.until:
        query = query.where(Document.fetched_at < dt.datetime.combine(
            filters.until + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC))
    return query


@dataclass(frozen=True, slots=True)
class _Page:
    id: int
    url: str
    raw_html: bytes
    fetched_at: dt.datetime
    http_status: int
    encoding: str | None
    etag: str | None
    last_modified: str | None


def _page_headers(page: _Page) -> list[tuple[str, str]]:
    kind = "text/html" + (f"; charset={page.encoding}" if page.encoding else "")
    headers = [("Content-Type", kind)]
    if page.etag:
        headers.append(("ETag", page.etag))
    if page.last_modified:
        headers.append(("Last-Modified", page.last_modified))
    return headers


def _pages(engine: Engine, filters: ExportFilters) -> Iterator[_Page]:
    with snapshot(engine) as conn:
        result = conn.execution_options(yield_per=BATCH).execute(pages_select(filters))
        try:
            for row in result:
                yield _Page(*row)
        finally:
            result.close()


def export_warc(engine: Engine, filters: ExportFilters, path: str | os.PathLike[str]) -> int:
    """Write every stored page (matching ``filters``) to the gzipped WARC ``path``."""
    count = 0
    with replace_when_done(path) as temp, open(temp, "xb") as out:
        writer = _writer(out)
        _warcinfo(writer, Path(path).name, {
            "description": "Pages stored by mfa-archive; the HTTP headers are those the "
                           "archive kept, the body is the page as fetched, decoded."})
        for page in _pages(engine, filters):
            record = response_record(
                writer, page.url, status=page.http_status, headers=_page_headers(page),
                body=gzip.decompress(page.raw_html), when=page.fetched_at)
            writer.write_record(record)
            count += 1
        out.flush()
    return count
