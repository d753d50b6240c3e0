"""The release a writer archives: plain dataclasses and protocols, no SQLAlchemy.

Extraction workers build a :class:`ReleaseRecord` and pickle it back to the
crawl; importing this module instead of :mod:`db.documents` keeps the ORM
(some 35 MB a process) out of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class ParticipantLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def country(self) -> str | None: ...
    @property
    def organisation(self) -> str | None: ...
    @property
    def role(self) -> str | None: ...


class MeetingLike(Protocol):
    @property
    def date(self) -> dt.date | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def location(self) -> str | None: ...
    @property
    def participants(self) -> Sequence[ParticipantLike]: ...
    @property
    def topics(self) -> Sequence[str]: ...


class StatementLike(Protocol):
    @property
    def speaker(self) -> str | None: ...
    @property
    def verb(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def meeting(self) -> int | None: ...


class RecordsLike(Protocol):
    @property
    def meetings(self) -> Sequence[MeetingLike]: ...
    @property
    def statements(self) -> Sequence[StatementLike]: ...


@dataclass(kw_only=True, slots=True)
class ReleaseRecord:
    """A fetched and extracted release, ready to be archived."""

    url: str
    title: str | None
    published: dt.date | None
    language: str | None
    text: str
    raw_html: bytes  # gzip-compressed page as fetched
    raw_hash: str
    encoding: str | None
    http_status: int
    fetched_at: dt.datetime
    etag: str | None = None
    last_modified: str | None = None
    text_extractor: str
    records: RecordsLike
    records_extractor: str
