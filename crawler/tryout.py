"""``mfa-archive extract``: run the whole extraction on a file or URL, no database."""

from __future__ import annotations

import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from w3lib.encoding import html_to_unicode

from crawler.pipelines import binary_kind
from crawler.records import records_to_json
from crawler.registry import Source, all_sources, get_source
from crawler.release import FetchedPage, NoContentError, build_release

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


def _source_for(url: str | None, key: str | None) -> Source | None:
    """The source of ``key``, or the source whose site ``url`` is on."""
    if key:
        return get_source(key)
    host = (urlsplit(url).hostname or "") if url else ""
    return next((s for s in all_sources() if host and s.owns(host)), None)


def extract_input(
    value: str, *, country: str | None = None, source: str | None = None
) -> dict[str, Any]:
    """The JSON object ``extract --json`` prints for one input (an ``error`` key on failure).

    When the input belongs to a known source (``source``, or a URL on its site),
    it is read as a crawl reads that source's pages (page object, country,
    language); there is no listing, so no listing hints.
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
        release = build_release(FetchedPage.of_source(
            _source_for(url, source), url=url or Path(value).resolve().as_uri(), body=body,
            encoding=encoding, country=country.upper() if country else None,
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
