"""Immutable record types produced by the extractor."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Participant:
    """A person, an unnamed office holder (``name`` None: "the Foreign Secretary", with title, country and
    organisation) or a group counterpart (``group``: "the Chinese delegation", ``name`` None) taking part in
    an encounter."""

    name: str | None
    title: str | None
    country: str | None
    organisation: str | None
    role: str | None  # "host" | "guest" | None
    group: bool = False


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

    speaker: str | None  # None for joint acts (``joint``) and agentless passives
    verb: str  # the reporting verb as written ("It was emphasised", "Recalling", "expressed his satisfaction")
    verb_lemma: str  # its normalised lemma (verbs.verb_lemma: "emphasise", "recall", "express satisfaction")
    joint: bool  # attributed to the sides jointly ("the sides agreed", "X and Y stressed")
    speaker_person: bool  # the speaker is a named person (not an office, institution, state or the sides)
    text: str
    start: int
    end: int
    meeting: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Records:
    """Everything extracted from one release."""

    meetings: tuple[Meeting, ...]
    statements: tuple[Statement, ...]
