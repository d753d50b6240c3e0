"""Reading declared dates: formats with or without a year, month names of other calendars' scripts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from crawler.dates import parse_date

_ENGLISH = ("January", "February", "March", "April", "May", "June", "July", "August",
            "September", "October", "November", "December")
# Month names read as English before strptime's %B (longest first, so that
# "كانون الثاني" is not read as "كانون").
MONTH_NAMES: dict[str, tuple[tuple[str, ...], ...]] = {
    "ar-levant": (("كانون الثاني",), ("شباط",), ("آذار",), ("نيسان",), ("أيار", "ايار"),
                  ("حزيران",), ("تموز",), ("آب",), ("أيلول", "ايلول"), ("تشرين الأول", "تشرين الاول"),
                  ("تشرين الثاني",), ("كانون الأول", "كانون الاول")),
    "ar-eg": (("يناير",), ("فبراير",), ("مارس",), ("أبريل", "ابريل"), ("مايو",), ("يونيو",),
              ("يوليو",), ("أغسطس", "اغسطس"), ("سبتمبر",), ("أكتوبر", "اكتوبر"), ("نوفمبر",),
              ("ديسمبر",)),
}
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
# A listing date a day or two after the crawl day (a site east of UTC) is this year's.
_SLACK = dt.timedelta(days=2)
_YEAR_DIRECTIVES = re.compile(r"%[YyGc]")


def has_year(fmt: str) -> bool:
    return bool(_YEAR_DIRECTIVES.search(fmt))


def english_months(text: str, table: str | None) -> str:
    """``text`` with the month names of ``table`` written in English (and Western digits)."""
    if table is None:
        return text
    names = sorted(((name, _ENGLISH[i]) for i, forms in enumerate(MONTH_NAMES[table])
                    for name in forms), key=lambda pair: -len(pair[0]))
    for name, english in names:
        text = text.replace(name, english)
    return text.translate(_ARABIC_DIGITS)


def parse_declared_date(
    text: str | None, formats: Sequence[str], *, month_names: str | None = None,
    year: int | None = None, today: dt.date | None = None,
) -> dt.date | None:
    """Parse ``text`` with the first fitting format.

    A format without a year (``%B %d``: "July 7") takes ``year`` (a monthly archive's)
    or else the latest year that does not put the date after ``today`` (a "December 29"
    read on January 5 is last year's). The year is added before parsing, never left to
    strptime's 1900 (not a leap year).
    """
    if not text:
        return None
    text = english_months(text, month_names)
    for fmt in formats:
        if has_year(fmt):
            found = parse_date(text, (fmt,))
        elif year is not None:
            found = parse_date(f"{text.strip()} {year}", (f"{fmt} %Y",))
        else:
            day = today or dt.datetime.now(dt.UTC).date()
            found = None
            for candidate in (day.year, day.year - 1):
                found = parse_date(f"{text.strip()} {candidate}", (f"{fmt} %Y",))
                if found is not None and found <= day + _SLACK:
                    break
                found = None
        if found is not None:
            return found
    return None
