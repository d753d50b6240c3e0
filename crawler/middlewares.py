"""Downloader middlewares: mirrors, private networks, Retry-After, robots.txt (RFC 9309), encodings.

:class:`MirrorRebase` is a spider middleware too (requests go to the mirror before
they are scheduled).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import ipaddress
import logging
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response, TextResponse
from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


class MirrorRebase:
    """Send every request of a spider's site to ``ARCHIVE_BASE_URL`` and back.

    A request for ``https://www.mfa.gov.az/en/news?page=2`` goes to
    ``<base>/en/news?page=2``; the response is handed to the spider under the
    real URL again, so links, canonical URLs and stored documents never see
    the mirror. Off unless ``ARCHIVE_BASE_URL`` is set.

    As a spider middleware it rebases the requests a spider yields before they
    are scheduled; as a downloader middleware it catches the rest (robots.txt,
    redirects), which Scrapy then schedules a second time.
    """

    def __init__(self, base_url: str, crawler: Crawler | None = None) -> None:
        self.crawler = crawler
        self.base = base_url.rstrip("/")
        parts = urlsplit(self.base)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise NotConfigured(f"ARCHIVE_BASE_URL is not an http(s) URL: {base_url!r}")
        self.base_host = parts.hostname

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MirrorRebase:
        base_url = crawler.settings.get("ARCHIVE_BASE_URL")
        if not base_url:
            raise NotConfigured("ARCHIVE_BASE_URL is not set")
        return cls(base_url, crawler)

    def _is_site(self, url: str, spider: Any) -> bool:
        host = urlsplit(url).hostname or ""
        domains = [d for d in getattr(spider, "allowed_domains", []) or []
                   if d != self.base_host]
        return any(host == d or host.endswith("." + d) for d in domains)

    def rebased(self, request: Request) -> Request:
        """``request`` sent to the mirror; itself if it is not for the spider's site."""
        spider = self.crawler.spider if self.crawler else None
        if request.url.startswith(self.base) or not self._is_site(request.url, spider):
            return request
        parts = urlsplit(request.url)
        target = self.base + urlunsplit(("", "", parts.path or "/", parts.query, ""))
        request.meta.setdefault("archive_real_origin", _origin(request.url))
        return request.replace(url=target)

    def process_request(self, request: Request) -> Request | None:
        rebased = self.rebased(request)
        return None if rebased is request else rebased

    def _output(self, result: Any) -> Any:
        return self.rebased(result) if isinstance(result, Request) else result

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for result in start:
            yield self._output(result)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        for item in result:
            yield self._output(item)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for item in result:
            yield self._output(item)

    def process_response(self, request: Request, response: Response) -> Response:
        origin = request.meta.get("archive_real_origin")
        if origin and response.url.startswith(self.base):
            return response.replace(url=origin + response.url[len(self.base):])
        return response


class LoopbackGuard:
    """Refuse requests to loopback, private and link-local addresses.

    The only way a crawl reaches such an address is ``ARCHIVE_BASE_URL``
    (``--base-url``): production crawls can never be pointed at internal
    services by a link or a redirect.
    """

    def __init__(self, allowed_netloc: str | None) -> None:
        self.allowed_netloc = allowed_netloc

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LoopbackGuard:
        base_url = crawler.settings.get("ARCHIVE_BASE_URL")
        return cls(urlsplit(base_url).netloc if base_url else None)

    def process_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https"):
            raise IgnoreRequest(f"scheme not allowed: {parts.scheme}")
        if self.allowed_netloc and parts.netloc == self.allowed_netloc:
            return
        if is_private_host(parts.hostname or ""):
            raise IgnoreRequest(f"private or loopback address refused: {parts.hostname}")


def is_private_host(host: str) -> bool:
    """True for ``localhost`` and IP literals that are not public."""
    if host.lower() in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return not address.is_global


# --- Retry-After ----------------------------------------------------------------


def retry_after_seconds(value: bytes | str | None, *, now: dt.datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or an HTTP date)."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


class RetryAfterRetry(RetryMiddleware):
    """Scrapy's retry, plus ``Retry-After`` on 429 and 503 (Scrapy ignores it).

    The host's download slot is paused for the asked time before the retry (or
    any other request to that host) goes out, and the host's delay stays raised
    to at least ``ARCHIVE_RETRY_AFTER_DELAY`` for the rest of the run. A wait
    longer than ``ARCHIVE_RETRY_AFTER_MAX`` seconds is not honoured by waiting:
    the request gives up at once (recorded, retried on a later run).
    """

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("ARCHIVE_RETRY_AFTER_MAX", 300.0)
        self.raised_delay = settings.getfloat("ARCHIVE_RETRY_AFTER_DELAY", 1.0)

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if response.status in (429, 503) and not request.meta.get("dont_retry", False):
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            if wait is not None:
                if wait > self.max_wait:
                    logger.warning("%s asks to retry after %.0f s (more than %.0f s): giving up",
                                   request.url, wait, self.max_wait)
                    self._pause(request, self.max_wait)
                    return response
                self._pause(request, wait)
        return super().process_response(request, response)

    def _pause(self, request: Request, wait: float) -> None:
        assert self.crawler.engine is not None
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if slot is None:
            return
        # The slot waits `delay - now + lastseen`: a lastseen in the future holds
        # every request to this host until the server's time is up.
        slot.delay = max(slot.delay, self.raised_delay, 0.001)
        slot.lastseen = max(slot.lastseen, time.monotonic() + wait)
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("archive/retry_after")


# --- robots.txt per RFC 9309 ----------------------------------------------------------

ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309 §2.5: parse at least the first 500 KiB


class _Unavailable:
    """robots.txt could not be fetched (5xx or a network error): the host is off limits."""

    def __init__(self, why: str) -> None:
        self.why = why

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        return False


class _NoTraceback(logging.Filter):
    """Keeps a record's message, drops its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


class RobotsTxtRFC9309(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware with RFC 9309 §2.3.1 status handling.

    Scrapy parses the body whatever the status and allows everything on a
    download error. Here: 2xx is parsed (an HTML page is taken as an empty
    file, and logged), 4xx allows everything, 5xx and network errors disallow
    the whole host for this run; its URLs fail with reason ``robots_unavailable``
    and are retried by a later run (which fetches robots.txt again).
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        # Scrapy logs a robots.txt download error with its traceback; the error is
        # handled here (the host's URLs fail as robots_unavailable, and the crawl's
        # summary says so): one line is enough.
        robots_logger = logging.getLogger(RobotsTxtMiddleware.__module__)
        if not any(isinstance(f, _NoTraceback) for f in robots_logger.filters):
            robots_logger.addFilter(_NoTraceback())

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        status = response.status
        if status >= 500:
            self._set_parser(netloc, _Unavailable(f"robots.txt answered HTTP {status}"))
            return
        body = response.body[:ROBOTS_MAX_BYTES]
        if 400 <= status < 500:
            body = b""
        elif body.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
            logger.warning("robots.txt of %s is an HTML page: taken as empty", netloc)
            body = b""
        await super()._parse_robots(response.replace(body=body), netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if isinstance(exc, IgnoreRequest):
            return super()._robots_error(exc, netloc)
        self._set_parser(netloc, _Unavailable(f"robots.txt unreachable: {type(exc).__name__}"))
        return None

    def _set_parser(self, netloc: str, parser: Any) -> None:
        pending = self._parsers[netloc]
        self._parsers[netloc] = parser
        self._stats.inc_value("archive/robots_unavailable")
        if isinstance(pending, Deferred):
            pending.callback(parser)

    def process_request_2(self, rp: Any, request: Request) -> None:
        if isinstance(rp, _Unavailable):
            raise IgnoreRequest(f"robots_unavailable: {rp.why}")
        super().process_request_2(rp, request)


# --- encodings -------------------------------------------------------------------------


class MislabelledEncoding:
    """Re-decode a page that claims UTF-8 but is not (a cp1251 page sent as UTF-8).

    A page declared UTF-8 whose body has many invalid sequences (more than
    ``_BAD_SHARE`` of its characters) is decoded with the encoding
    charset-normalizer finds; a few stray bad bytes keep UTF-8 (they become
    U+FFFD and are sanitised before storage). Undeclared pages are left to
    Scrapy's own detection, which reads ``<meta charset>`` and sniffs the rest.
    """

    _BAD_SHARE = 0.01

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, TextResponse) or response.encoding.lower() not in (
            "utf-8", "utf8"
        ):
            return response
        body = response.body
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return response
        bad = body.decode("utf-8", errors="replace").count("\ufffd")
        if bad <= self._BAD_SHARE * max(1, len(body) // 2):
            return response
        try:
            from charset_normalizer import from_bytes
        except ImportError:  # pragma: no cover - a dependency of trafilatura
            return response
        best = from_bytes(body).best()
        if best is None or best.encoding in ("utf_8", "utf-8"):
            return response
        logger.info("%s is declared UTF-8 but is %s: re-decoded", response.url, best.encoding)
        return response.replace(encoding=best.encoding)
