"""Offices: the folded office of a title, and who held an office on a day. Pure functions.

:func:`office_key` folds the ways releases write one office: ``"UK Foreign Secretary"``,
``"British Foreign Secretary"``, ``"the Foreign Secretary of the United Kingdom"`` are
``foreign secretary``; ``"Minister of Foreign Affairs of the Republic of Azerbaijan"``,
``"Azerbaijani Foreign Minister"``, ``"FM"`` are ``foreign affairs minister``. The country
is not part of the key (participants carry it apart); ``Deputy``, ``Vice``, ``First``,
``State`` and the like stay, so a deputy is never his minister.

:func:`office_holder` is the rule of office resolution: an unnamed participant
("the Foreign Secretary", GB, 5 May) is the person whom the same source names with
that office and country within :data:`HOLDER_WINDOW_DAYS` days of that date; the
nearest sighting is the evidence. No holder when two different persons are seen in
the window (an office changed hands, or the archive is unsure).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

HOLDER_WINDOW_DAYS = 60
# Offices too common to tell one person from another: a name is never merged on them
# alone (db.identity_rule), and an unnamed "Minister" or "Ambassador" is never resolved.
GENERIC_OFFICES = frozenset(
    "minister secretary ambassador official representative envoy counterpart deputy "
    "president chairman head director".split())
UNRESOLVABLE_OFFICES = GENERIC_OFFICES - {"president"}

# Words an office can begin with; what comes before the first of them is a country's
# name or adjective ("UK", "Iranian", "India's") and is dropped.
_OFFICE_START = frozenset(
    "minister ministers secretary deputy vice first second prime president foreign external "
    "state federal high under undersecretary chief senior special director assistant "
    "permanent head chairman chairperson ambassador executive acting fm eam spokesperson "
    "spokesman parliamentary envoy representative chancellor king queen crown emir "
    "sultan general commissioner tanaiste taoiseach premier governor".split())
# Words of an "of ..." tail that still belong to the office ("Minister of State").
_OFFICE_WORDS = frozenset(
    "affairs foreign external state defence defense trade finance justice commerce industry "
    "cooperation relations europe european expatriates emigration economy economic "
    "development international security political bilateral asean multilateral consular "
    "diaspora integration interior health energy".split())
_FOLD = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d"})
_NON_WORD = re.compile(r"[^a-z0-9]+")
_MINISTER_OF = re.compile(r"\bminister (?:of|for) (?:the )?(?P<field>[a-z ]+?)(?= of |$)")
_FOREIGN = re.compile(r"\b(foreign|external) minister\b")


def _words(title: str) -> list[str]:
    text = unicodedata.normalize("NFKD", title.casefold().translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return [w for w in _NON_WORD.split(text.replace("'s ", " ").replace("\u2019s ", " ")) if w]


def _field_first(match: re.Match[str]) -> str:
    field = match["field"]
    if set(field.split()) <= _OFFICE_WORDS | {"and"} and not field.startswith("state"):
        return f"{field} minister"
    return match.group(0)


@functools.lru_cache(maxsize=1 << 14)
def office_key(title: str | None) -> str | None:
    """The folded office of a title; ``None`` when it names none."""
    words = _words(title or "")
    while words and words[0] not in _OFFICE_START:
        words = words[1:]  # "the", "UK", "Iranian", "India's"
    text = " ".join(words).split(" to ")[0]  # "Ambassador of Belarus to Russia"
    parts = text.split(" of ")  # "... of the Republic of Azerbaijan", "... of Iran"
    while len(parts) > 1 and not set(parts[-1].split()) & _OFFICE_WORDS:
        parts.pop()
    text = _MINISTER_OF.sub(_field_first, " of ".join(parts))
    text = _FOREIGN.sub(lambda m: f"{m[1]} affairs minister", text)
    if text in ("fm", "eam"):
        text = "foreign affairs minister" if text == "fm" else "external affairs minister"
    return text or None


@dataclass(frozen=True, slots=True)
class Sighting:
    """A named person seen holding an office: who, when, in which document."""

    person_id: int
    date: dt.date
    document_id: int


def office_holder(day: dt.date, sightings: Iterable[Sighting],
                  window_days: int = HOLDER_WINDOW_DAYS) -> Sighting | None:
    """The sighting that says who held the office on ``day`` (the nearest in the window,
    then the earliest document), or ``None`` when none is, or two persons are, in the window."""
    near = [s for s in sightings if abs((s.date - day).days) <= window_days]
    if len({s.person_id for s in near}) != 1:
        return None
    return min(near, key=lambda s: (abs((s.date - day).days), s.date, s.document_id))
