"""The one mutable draft of a release's records that every assembly stage (extract.py) reads and fills."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from .encounter import Encounter
from .roster import Entity, Roster
from .statements import StatementDraft
from .text import Sentence


@dataclass(slots=True)
class ReleaseDraft:
    """What is known about one release so far.

    Inputs (set once): the text, title, publication date, own ministry's country, the sentences and the
    genre. Stages then fill, in order: the title's people (author, spokesperson, the two sides of a title
    encounter), the encounters (triggers, sides, trip, dates), the statements (turns of speech included)
    and the topics. People are entities of `roster`; encounters hold their roster indexes.
    """

    text: str
    title: str | None
    published: datetime.date | None
    own_country: str | None
    sentences: list[Sentence]
    roster: Roster
    fallback_year: int | None  # a year printed on the page, for partial dates when `published` is None
    genre: str | None  # "hard" / "soft" negative (kinds.negative_genre), else None
    # the title
    speech_author: Entity | None = None  # X of "Remarks by X", "X's statement"
    spokesperson: Entity | None = None  # the answering official of a briefing / Q&A
    author: Entity | None = None  # the "I" of the release: speech author, else the page header's minister
    title_subjects: list[Entity] = field(default_factory=list)  # A of "A's meeting with B"
    title_objects: list[Entity] = field(default_factory=list)  # B of "A's meeting with B"
    # the encounters
    encounters: list[Encounter] = field(default_factory=list)
    visit_sentences: set[int] = field(default_factory=set)  # indexes of sentences reporting a trip
    # the statements
    participants: set[int] = field(default_factory=set)  # people of the encounters, grown by speakers
    statements: list[StatementDraft] = field(default_factory=list)

    @property
    def hard_negative(self) -> bool:
        """Statements, briefings, Q&A …: never an encounter."""
        return self.genre == "hard"

    @property
    def soft_negative(self) -> bool:
        """Notices, ceremonies, remarks …: only the opening prose may report an encounter."""
        return self.genre == "soft"

    @property
    def title_people(self) -> list[Entity]:
        return self.title_subjects + self.title_objects
