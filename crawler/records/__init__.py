"""Pure extraction of Meeting and Statement records from press-release text."""

from __future__ import annotations

import datetime
from typing import Any

from . import extract as _extract
from .model import Meeting, Participant, Records, Statement

EXTRACTOR_VERSION = "records-3"

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
                "date": m.date.isoformat() if m.date else None,
                "kind": m.kind,
                "location": m.location,
                "participants": [
                    {"name": p.name, "title": p.title, "country": p.country, "organisation": p.organisation,
                     "role": p.role}
                    for p in m.participants
                ],
                "topics": list(m.topics),
            }
            for m in records.meetings
        ],
        "statements": [
            {"speaker": s.speaker, "verb": s.verb, "text": s.text, "start": s.start, "end": s.end,
             "meeting": s.meeting}
            for s in records.statements
        ],
    }
