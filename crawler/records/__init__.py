"""Pure extraction of Meeting and Statement records from press-release text."""

from __future__ import annotations

import datetime
from typing import Any

from . import extract as _extract
from .model import Meeting, Participant, Records, Statement

EXTRACTOR_VERSION = "records-7"

__all__ = [
    "EXTRACTOR_VERSION",
    "Meeting",
    "Participant",
    "Records",
    "Statement",
    "extract_records",
    "records_to_json",
]


def extract_records(
    text: str,
    *,
    title: str | None = None,
    published: datetime.date | None = None,
    country: str | None = None,
) -> Records:
    """Meetings and statements reported by one release (deterministic, no I/O)."""
    return _extract.build(text, title, published, country)


def records_to_json(records: Records) -> dict[str, Any]:
    """The JSON-ready shape: {"meetings": [...], "statements": [...]}."""
    return {
        "meetings": [
            {
                "date": meeting.date.isoformat() if meeting.date else None,
                "kind": meeting.kind,
                "location": meeting.location,
                "participants": [
                    {"name": person.name, "title": person.title, "country": person.country, "organisation": person.organisation,
                     "role": person.role, "group": person.group}
                    for person in meeting.participants
                ],
                "topics": list(meeting.topics),
            }
            for meeting in records.meetings
        ],
        "statements": [
            {"speaker": statement.speaker, "verb": statement.verb, "verb_lemma": statement.verb_lemma,
             "joint": statement.joint, "speaker_person": statement.speaker_person, "text": statement.text, "start": statement.start, "end": statement.end,
             "meeting": statement.meeting}
            for statement in records.statements
        ],
    }
