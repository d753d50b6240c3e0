"""Date expressions: explicit, partial (no year) and relative to the issue date.

Pure regex work; dateparser is deliberately not used (too slow per sentence and
too eager to invent years).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

_MONTHS: dict[str, int] = {}
for _i, _names in enumerate(
    (
        ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
        ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
        ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
        ("december", "dec"),
    ),
    start=1,
):
    for _n in _names:
        _MONTHS[_n] = _i

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


def _mk(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def guess_year(month: int, day: int, published: datetime.date | None, fallback_year: int | None) -> int | None:
    """Year for a day+month without year: from the issue date, else a year printed on the page."""
    if published is not None:
        cand = _mk(published.year, month, day)
        if cand is not None and (cand - published).days > 7:
            return published.year - 1
        return published.year
    return fallback_year


def page_year(text: str, title: str | None) -> int | None:
    """A year printed on the page (date line, stamp, release number), or None."""
    for src in (title or "", text):
        m = _RELEASE_NO_RE.search(src)
        if m:
            return 2000 + int(m.group(1))
    for m in _DATE_RE.finditer(text):
        y = m.group("year") or m.group("year2") or m.group("iy")
        if y:
            return int(y)
    return None


def find_dates(
    s: str, published: datetime.date | None, fallback_year: int | None, offset: int = 0
) -> list[DateMention]:
    """Date mentions in *s* (offsets shifted by *offset*), in order."""
    out: list[DateMention] = []
    for m in _DATE_RE.finditer(s):
        if m.group("iy"):
            d = _mk(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
            out.append(DateMention(m.start() + offset, m.end() + offset, d, True, False))
            continue
        mon = (m.group("mon") or m.group("mon2") or "").lower().rstrip(".")
        day_s = m.group("day") or m.group("day2")
        year_s = m.group("year") or m.group("year2")
        if not mon or not day_s:
            continue
        # "May" alone is too ambiguous as a verb; require a digit adjacent (guaranteed) – ok.
        month = _MONTHS[mon]
        day = int(day_s)
        if year_s:
            d = _mk(int(year_s), month, day)
            out.append(DateMention(m.start() + offset, m.end() + offset, d, True, False))
        else:
            y = guess_year(month, day, published, fallback_year)
            d = _mk(y, month, day) if y else None
            out.append(DateMention(m.start() + offset, m.end() + offset, d, False, False))
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if not a.explicit_year and b.explicit_year and b.date and a.date and 0 <= b.start - a.end <= 4:
            out[i] = DateMention(a.start, a.end, _mk(b.date.year, a.date.month, a.date.day), True, False)
    taken = [(d.start - offset, d.end - offset) for d in out]
    for m in _REL_RE.finditer(s):
        if any(a <= m.start() < b for a, b in taken):
            continue
        word = m.group("rel").lower().split()[-1]
        # a weekday directly followed by an explicit date is part of it
        if word in _WEEKDAYS and _DATE_RE.match(s, m.end() + 2 if s[m.end():m.end() + 2] == ", " else m.end() + 1):
            continue
        out.append(DateMention(m.start() + offset, m.end() + offset, resolve_relative(word, published), False, True))
    out.sort(key=lambda d: d.start)
    return out


def resolve_relative(word: str, published: datetime.date | None) -> datetime.date | None:
    """today / yesterday / weekday → date, relative to the issue date."""
    if published is None:
        return None
    w = word.lower().replace("’", "'")
    if w.startswith("today") or w in ("morning", "afternoon", "evening", "tonight"):
        return published
    if w == "yesterday":
        return published - datetime.timedelta(days=1)
    if w in _WEEKDAYS:
        target = _WEEKDAYS.index(w)
        delta = (published.weekday() - target) % 7
        return published - datetime.timedelta(days=delta)
    return None


def month_year_only(s: str) -> bool:
    """True for expressions like 'in October 2019' (no day)."""
    return bool(_MONTH_YEAR_ONLY.search(s))
