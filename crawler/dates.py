"""Parsing the dates printed on listing and release pages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

_ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def parse_date(text: str | None, formats: Sequence[str]) -> dt.date | None:
    """Parse ``text`` with the first of ``formats`` that fits; ``None`` when none does.

    Ordinal suffixes ("May 13th 2026") and runs of whitespace are folded first;
    ``%B``/``%b`` are English month names.
    """
    if not text:
        return None
    cleaned = _SPACES.sub(" ", _ORDINAL.sub("", text)).strip().strip(",")
    for fmt in formats:
        try:
            return dt.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None
