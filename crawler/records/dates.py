"""Date expressions: explicit, partial (no year) and relative to the issue date.

Pure regex work; dateparser is deliberately not used (too slow per sentence and
too eager to invent years).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

_MONTHS: dict[str, int] = {}
for _month, _names in enumerate(
    (
        ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
        ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
        ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
        ("december", "dec"),
    ),
    start=1,
):
    for _name in _names:
        _MONTHS[_name] = _month

_MON = r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_MON2 = _MON.replace("?P<mon>", "?P<mon2>")
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_RANGE = r"(?:\s*(?:[-–—]|and|to)\s*[0-3]?\d(?:st|nd|rd|th)?)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_DATE_RE = re.compile(
    r"(?<![\w/])(?:"
    # 10 March 2022 / 8-9 December 2022 / 10th March, 2022 / 10 March
    + rf"{_DAY}{_RANGE}\s+(?:of\s+)?{_MON}(?:,?\s*{_YEAR})?"
    # March 10, 2022 / August the 5th / December 8-9, 2022 / March 10
    + rf"|{_MON2}\s+(?:the\s+)?(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?{_RANGE}(?:,?\s*(?P<year2>(?:19|20)\d\d))?"
    # 2022-05-07
    + r"|(?P<iy>(?:19|20)\d\d)-(?P<im>[01]\d)-(?P<id>[0-3]\d)"
    + r")(?![\w])",
    re.IGNORECASE,
)
_REL_RE = re.compile(
    r"\b(?P<rel>today|today['’]s|this\s+morning|this\s+afternoon|this\s+evening|tonight|yesterday|"
    r"(?:on\s+|last\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b",
    re.IGNORECASE,
)
_RELEASE_NO_RE = re.compile(r"\bNo\s*[:.]?\s*\d{1,4}\s*/\s*(\d{2})\b")
_MONTH_YEAR_ONLY = re.compile(rf"\b{_MON}\s+{_YEAR}\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int
    end: int
    date: datetime.date | None
    explicit_year: bool
    relative: bool


def _valid_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def guess_year(month: int, day: int, published: datetime.date | None, fallback_year: int | None) -> int | None:
    """Year for a day+month without year: from the issue date, else a year printed on the page."""
    if published is not None:
        cand = _valid_date(published.year, month, day)
        if cand is not None and (cand - published).days > 7:
            return published.year - 1
        return published.year
    return fallback_year


def page_year(text: str, title: str | None) -> int | None:
    """A year printed on the page (date line, stamp, release number), or None."""
    for src in (title or "", text):
        found = _RELEASE_NO_RE.search(src)
        if found:
            return 2000 + int(found.group(1))
    for found in _DATE_RE.finditer(text):
        year = found.group("year") or found.group("year2") or found.group("iy")
        if year:
            return int(year)
    return None


def find_dates(
    text: str, published: datetime.date | None, fallback_year: int | None, offset: int = 0
) -> list[DateMention]:
    """Date mentions in *s* (offsets shifted by *offset*), in order."""
    out: list[DateMention] = []
    for found in _DATE_RE.finditer(text):
        if found.group("iy"):
            date = _valid_date(int(found.group("iy")), int(found.group("im")), int(found.group("id")))
            out.append(DateMention(found.start() + offset, found.end() + offset, date, True, False))
            continue
        mon = (found.group("mon") or found.group("mon2") or "").lower().rstrip(".")
        day_s = found.group("day") or found.group("day2")
        year_s = found.group("year") or found.group("year2")
        if not mon or not day_s:
            continue
        # "May" alone is too ambiguous as a verb; require a digit adjacent (guaranteed) – ok.
        month = _MONTHS[mon]
        day = int(day_s)
        if year_s:
            date = _valid_date(int(year_s), month, day)
            out.append(DateMention(found.start() + offset, found.end() + offset, date, True, False))
        else:
            year = guess_year(month, day, published, fallback_year)
            date = _valid_date(year, month, day) if year else None
            out.append(DateMention(found.start() + offset, found.end() + offset, date, False, False))
    for position in range(len(out) - 1):
        earlier, later = out[position], out[position + 1]
        if not earlier.explicit_year and later.explicit_year and later.date and earlier.date and 0 <= later.start - earlier.end <= 4:
            out[position] = DateMention(earlier.start, earlier.end, _valid_date(later.date.year, earlier.date.month, earlier.date.day), True, False)
    taken = [(mention.start - offset, mention.end - offset) for mention in out]
    for found in _REL_RE.finditer(text):
        if any(taken_start <= found.start() < taken_end for taken_start, taken_end in taken):
            continue
        word = found.group("rel").lower().split()[-1]
        # a weekday directly followed by an explicit date is part of it
        if word in _WEEKDAYS and _DATE_RE.match(text, found.end() + 2 if text[found.end():found.end() + 2] == ", " else found.end() + 1):
            continue
        out.append(DateMention(found.start() + offset, found.end() + offset, resolve_relative(word, published), False, True))
    out.sort(key=lambda mention: mention.start)
    return out


def resolve_relative(word: str, published: datetime.date | None) -> datetime.date | None:
    """today / yesterday / weekday → date, relative to the issue date."""
    if published is None:
        return None
    folded = word.lower().replace("’", "'")
    if folded.startswith("today") or folded in ("morning", "afternoon", "evening", "tonight"):
        return published
    if folded == "yesterday":
        return published - datetime.timedelta(days=1)
    if folded in _WEEKDAYS:
        target = _WEEKDAYS.index(folded)
        delta = (published.weekday() - target) % 7
        return published - datetime.timedelta(days=delta)
    return None


def month_year_only(text: str) -> bool:
    """True for expressions like 'in October 2019' (no day)."""
    return bool(_MONTH_YEAR_ONLY.search(text))
