"""Immutable record types produced by the extractor."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Participant:
    """A person (or unnamed office holder) taking part in an encounter."""

    name: str
    title: str | None
    country: str | None
    organisation: str | None
    role: str | None  # "host" | "guest" | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Meeting:
    """One encounter reported by a release."""

    date: datetime.date | None
    kind: str
    location: str | None
    participants: tuple[Participant, ...]
    topics: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Statement:
    """One reporting act; ``text == source[start:end]``."""

    speaker: str | None
    verb: str
    text: str
    start: int
    end: int
    meeting: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Records:
    """Everything extracted from one release."""

    meetings: tuple[Meeting, ...]
    statements: tuple[Statement, ...]
