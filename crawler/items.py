"""What spiders yield: a fetched release, or a URL that could not be fetched."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crawler.release import FetchedPage


@dataclass(kw_only=True, slots=True)
class ReleaseItem:
    """A fetched release page: what the extraction workers get, and then what they made."""

    source: str
    page: FetchedPage  # under its canonical (real-site) URL, with what the listing said
    extracted: Any = field(default=None)  # set by the Extract pipeline

    @property
    def url(self) -> str:
        return self.page.url


@dataclass(kw_only=True, slots=True)
class FetchFailure:
    """A URL that gave no release: an HTTP error, a timeout, a bot wall, bad content."""

    source: str
    url: str
    reason: str
    blocked: bool = False
    release: bool = True  # False for listing pages (not in the frontier)
