"""``mfa-archive extract``: run the whole extraction on a file or URL, no database."""

from __future__ import annotations

import datetime as dt
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from w3lib.encoding import html_to_unicode

from crawler.pipelines import binary_kind
from crawler.records import records_to_json
from crawler.release import FetchedPage, NoContentError, build_release
from crawler.run import spider_classes
from crawler.spiders.base import PressReleaseSpider

MAX_BYTES = 10 * 1024 * 1024


def _read(value: str) -> tuple[str | None, bytes, str | None]:
    """``(url, body, declared content type)`` of a path or an http(s) URL."""
    if value.startswith(("http://", "https://")):
        request = urllib.request.Request(value, headers={"User-Agent": "mfa-archive/0.1 extract"})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read(MAX_BYTES + 1)
            content_type = response.headers.get("Content-Type")
        if len(body) > MAX_BYTES:
            raise ValueError("page larger than 10 MiB")
        return value, body, content_type
    path = Path(value)
    if path.stat().st_size > MAX_BYTES:
        raise ValueError("file larger than 10 MiB")
    return None, path.read_bytes(), None


def _source_for(url: str | None, source: str | None) -> type[PressReleaseSpider] | None:
    """The spider of ``source``, or of the site ``url`` belongs to."""
    classes = spider_classes()
    if source:
        return classes[source]
    host = (urlsplit(url).hostname or "") if url else ""
    for cls in classes.values():
        if any(host == d or host.endswith("." + d) for d in cls.allowed_domains):
            return cls
    return None


def extract_input(
    value: str, *, country: str | None = None, source: str | None = None
) -> dict[str, Any]:
    """The JSON object ``extract --json`` prints for one input (an ``error`` key on failure).

    When the input belongs to a known source (``source``, or a URL on its site),
    that source's page object supplies title, date and body as in a crawl.
    """
    key = "url" if value.startswith(("http://", "https://")) else "path"
    try:
        url, body, content_type = _read(value)
        kind = binary_kind(body)
        if kind:
            raise ValueError(f"not HTML: {kind}")
        if b"<" not in body[:4096]:
            raise ValueError("not HTML: no markup")
        encoding, _ = html_to_unicode(content_type, body)
        page_url = url or Path(value).resolve().as_uri()
        spider = _source_for(url, source)
        release = build_release(FetchedPage(
            url=page_url, body=body, encoding=encoding, status=200,
            fetched_at=dt.datetime.now(dt.UTC),
            release_page=spider.release_page if spider else None,
            country=(country or (spider.country if spider else "")).upper() or None,
        ))
    except (OSError, ValueError, NoContentError) as exc:
        return {key: value, "error": str(exc) or type(exc).__name__}
    records = records_to_json(release.records)  # type: ignore[arg-type]
    return {
        "url": url,
        "title": release.title,
        "published": release.published.isoformat() if release.published else None,
        "language": release.language,
        "text": release.text,
        "meetings": records["meetings"],
        "statements": records["statements"],
    }
