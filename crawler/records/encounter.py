"""The draft of one encounter while a release is read: its sentence, kind, sides, date, place and topics."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass(slots=True)
class Encounter:
    """One encounter being assembled; people are roster entity indexes (subject side, then object side)."""

    sentence_index: int  # the trigger sentence; -1 for an encounter known only from the title
    kind: str
    subj: list[int]
    obj: list[int]
    date: datetime.date | None = None
    date_found: bool = False
    location: str | None = None
    topics: list[str] = field(default_factory=list)
    participate: bool = False
    subj_guest: bool = False  # "X paid a courtesy call on Y", "X called on Y": the subject is the visitor
    summons: bool = False

    @property
    def people(self) -> list[int]:
        out: list[int] = []
        for index in self.subj + self.obj:
            if index not in out:
                out.append(index)
        return out


def current_encounter(encounters: list[Encounter], sentence_index: int) -> Encounter:
    """The last encounter whose trigger sentence is at or before `sentence_index` (else the first)."""
    current = encounters[0]
    for encounter in encounters:
        if encounter.sentence_index <= sentence_index:
            current = encounter
    return current
