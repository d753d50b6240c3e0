"""``WarcRecorder``: a downloader middleware that writes a crawl's traffic as WARC 1.1.

On with ``-s ARCHIVE_WARC_DIR=DIR``. Every response the crawl downloads
(release pages, listing pages, robots.txt, redirects) is written with the
request that fetched it as a ``request``/``response`` record pair
(``WARC-Concurrent-To`` links them) to the run's gzipped WARC file
``DIR/mfa-archive-SOURCE-runID-STARTED-00000.warc.gz``; a file that reaches
``ARCHIVE_WARC_MAX_BYTES`` (1 GB) is closed and the next one started. The
run's files are listed in ``warc_files`` (``mfa-archive runs --json``).

It sits next to the downloader (950), so it sees a request with every header
the other middlewares added and a response as it came off the wire, before
decompression; the body is recorded whole (Scrapy has already undone chunked
transfer coding, so ``Transfer-Encoding`` is dropped and ``Content-Length`` is
the body's). Under ``--base-url`` the records carry the real site's URL, as the
archive does.

A file that cannot be written (the directory is not writable, the disk is full)
stops the recording with one error line, a ``warc_files`` row with the error and
a ``crawl_errors`` row for the run; the crawl and the archive go on untouched.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

from crawler.extensions import ArchiveRun
from db import warc
from db.errors import DatabaseError, first_line
from db.session import transaction

logger = logging.getLogger(__name__)


def _headers(headers: Any) -> list[tuple[str, str]]:
    """Scrapy headers (bytes, several values per name) as ``(name, value)`` text pairs."""
    pairs: list[tuple[str, str]] = []
    for name, values in headers.items():
        key = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        for value in values:
            pairs.append((key, value.decode("latin-1") if isinstance(value, bytes)
                          else str(value)))
    return pairs


class WarcRecorder:
    """Write each downloaded response, and its request, to the run's WARC files."""

    def __init__(self, crawler: Crawler, directory: str, max_bytes: int) -> None:
        self.crawler = crawler
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        base = crawler.settings.get("ARCHIVE_BASE_URL")
        self.base: str | None = base.rstrip("/") if base else None
        self.files: warc.RotatingWarc | None = None
        self.stopped = False
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcRecorder:
        directory = crawler.settings.get("ARCHIVE_WARC_DIR")
        if not directory:
            raise NotConfigured  # without a message: Scrapy would warn on every crawl
        max_bytes = crawler.settings.getint("ARCHIVE_WARC_MAX_BYTES", warc.MAX_BYTES)
        recorder = cls(crawler, str(directory), max(1, max_bytes))
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    # --- the run's files ---------------------------------------------------------

    def _sessions(self) -> Any:
        run = ArchiveRun.of(self.crawler)
        return run.state.sessions if run is not None and run.state is not None else None

    def _start(self) -> warc.RotatingWarc:
        run = ArchiveRun.of(self.crawler)
        self.run_id = run.state.run_id if run is not None and run.state is not None else None
        spider = self.crawler.spider
        name = getattr(spider, "name", "crawl")
        started = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        run_part = f"run{self.run_id}" if self.run_id is not None else "norun"
        info = {"isPartOf": f"mfa-archive {name} {run_part}"}
        if self.base:
            info["description"] = f"fetched from the mirror {self.base}; URLs are the site's"
        files = warc.RotatingWarc(self.directory, f"mfa-archive-{name}-{run_part}-{started}",
                                  max_bytes=self.max_bytes, info=info)
        files.on_open.append(self._opened)
        files.on_close.append(self._closed)
        return files

    def _write_db(self, action: Any) -> None:
        sessions = self._sessions()
        if sessions is None or self.run_id is None:
            return
        try:
            with transaction(sessions) as session:
                action(session)
        except DatabaseError as exc:
            logger.warning("could not record WARC file of run %s: %s", self.run_id,
                           first_line(exc))

    def _opened(self, path: Path) -> None:
        logger.info("writing WARC records to %s", path)
        self._write_db(lambda s: warc.file_opened(s, self.run_id or 0, str(path)))

    def _closed(self, path: Path, records: int, size: int) -> None:
        self._write_db(lambda s: warc.file_closed(s, self.run_id or 0, str(path), records, size))

    def _stop(self, exc: Exception) -> None:
        self.stopped = True
        files = self.files
        path = (files.current or files.next_path()) if files is not None else self.directory
        if files is not None:
            files.abandon()
        if isinstance(exc, OSError):
            reason = exc.strerror or str(exc)
            error = f"[Errno {exc.errno}] {reason}" if exc.errno else reason
        else:  # a record warcio would not build: still one line, and the crawl goes on
            reason = error = f"{type(exc).__name__}: {first_line(exc)}"
        logger.error("WARC recording stopped: cannot write %s: %s (the archive is unaffected)",
                     path, reason)
        stats = self.crawler.stats
        if stats is not None:
            stats.set_value("archive/warc_error", f"{path}: {error}")
        self._write_db(lambda s: warc.file_failed(s, self.run_id or 0, str(path), error))

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.files is None or self.stopped:
            return
        try:
            self.files.close()
        except Exception as exc:  # noqa: BLE001 - likewise at the end of the run
            self._stop(exc)

    # --- recording -----------------------------------------------------------------

    def _real(self, request: Request, url: str) -> str:
        origin = request.meta.get("archive_real_origin")
        if origin and self.base and url.startswith(self.base):
            return str(origin) + url[len(self.base):]
        return url

    def process_response(self, request: Request, response: Response) -> Response:
        if self.stopped:
            return response
        try:
            if self.files is None:
                self.files = self._start()
            self._record(request, response)
        except Exception as exc:  # noqa: BLE001 - a WARC failure must not cost a page
            self._stop(exc)
        return response

    def _record(self, request: Request, response: Response) -> None:
        assert self.files is not None
        builder = self.files.builder()
        now = dt.datetime.now(dt.UTC)
        url = self._real(request, response.url)
        protocol = getattr(response, "protocol", None) or "HTTP/1.1"
        answer = warc.response_record(
            builder, url, status=response.status, headers=_headers(response.headers),
            body=response.body, when=now, protocol=protocol)
        target = urlsplit(self._real(request, request.url))
        request_headers = [("Host", target.netloc), *_headers(request.headers)]
        path = target.path + (f"?{target.query}" if target.query else "")
        asked = warc.request_record(
            builder, url, method=request.method, target=path, headers=request_headers,
            body=request.body, when=now, concurrent_to=warc.record_id(answer))
        self.files.write([answer, asked])
