"""Downloader middlewares: pointing a crawl at a mirror, and keeping it off private networks."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


class MirrorRebase:
    """Send every request of a spider's site to ``ARCHIVE_BASE_URL`` and back.

    A request for ``https://www.mfa.gov.az/en/news?page=2`` goes to
    ``<base>/en/news?page=2``; the response is handed to the spider under the
    real URL again, so links, canonical URLs and stored documents never see
    the mirror. Off unless ``ARCHIVE_BASE_URL`` is set.
    """

    def __init__(self, base_url: str, crawler: Crawler | None = None) -> None:
        self.crawler = crawler
        self.base = base_url.rstrip("/")
        parts = urlsplit(self.base)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise NotConfigured(f"ARCHIVE_BASE_URL is not an http(s) URL: {base_url!r}")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MirrorRebase:
        base_url = crawler.settings.get("ARCHIVE_BASE_URL")
        if not base_url:
            raise NotConfigured("ARCHIVE_BASE_URL is not set")
        return cls(base_url, crawler)

    def _is_site(self, url: str, spider: Any) -> bool:
        host = urlsplit(url).hostname or ""
        domains = [d for d in getattr(spider, "allowed_domains", []) or []
                   if d != urlsplit(self.base).hostname]
        return any(host == d or host.endswith("." + d) for d in domains)

    def process_request(self, request: Request) -> Request | None:
        spider = self.crawler.spider if self.crawler else None
        if request.url.startswith(self.base) or not self._is_site(request.url, spider):
            return None
        parts = urlsplit(request.url)
        target = self.base + urlunsplit(("", "", parts.path or "/", parts.query, ""))
        request.meta.setdefault("archive_real_origin", _origin(request.url))
        return request.replace(url=target)

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
