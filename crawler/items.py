"""What spiders yield: a fetched release, or a URL that could not be fetched."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(kw_only=True, slots=True)
class ReleaseItem:
    """A release page as fetched, with what its listing and page said about it."""

    source: str
    url: str  # canonical (real-site) URL
    body: bytes  # the page as fetched (decoded with ``encoding``)
    encoding: str | None
    status: int
    fetched_at: dt.datetime
    etag: str | None = None
    last_modified: str | None = None
    listing_title: str | None = None
    listing_date: dt.date | None = None
    release_page: type | None = None  # the source's ReleasePage class, run by the Extract workers
    language_hint: str | None = None
    extracted: Any = field(default=None)  # set by the Extract pipeline


@dataclass(kw_only=True, slots=True)
class FetchFailure:
    """A URL that gave no release: an HTTP error, a timeout, a bot wall, bad content."""

    source: str
    url: str
    reason: str
    blocked: bool = False
    release: bool = True  # False for listing pages (not in the frontier)
