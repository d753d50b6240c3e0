"""Where an encounter took place, and whether it was on the own side's ground."""

from __future__ import annotations

import re

from .countries import (
    capital_countries,
    find_countries,
    leading_capital,
)
from .encounter import Encounter
from .roster import Entity
from .text import Sentence

_LOC_RE = re.compile(
    r"(?:\b(?:in|at)|^In)\s+(?P<loc>(?:the\s+)?[A-Z][\w\-’']+(?:\s+(?:de|da|del|do|of|the|d['’][A-Z][\w\-]+|[A-Z][\w\-’']+)){0,4}"
    r"(?:,\s+[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?)?)"
)


_LOC_TAIL = re.compile(r",\s+(?P<tail>.+)$")
# A comma inside a proper name that goes on with "and": ", Commonwealth and Development Office".
_NAME_LIST_GOES_ON = re.compile(r",\s+[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?\s+and\s+[A-Z]")


_HQ_BEFORE = re.compile(r"\b(?:headquartered|based|located|situated|registered|crisis|situation|developments|war|conflict|"
                        r"region|relations|investment|occupation|aggression|operation|attack|invasion)\s+$")


_VENUE_RE = re.compile(r"\bsummoned\s+to\s+the\s+(?P<loc>[A-Z][\w\-’']+(?:\s+[A-Z][\w\-’']+){0,4})")


_VISIT_TO_RE = re.compile(r"\bvisit\s+to\s+(?:the\s+)?(?P<loc>[A-Z][\w\-’']+(?:\s+[A-Z][\w\-’']+){0,3})")


_NOT_LOC = re.compile(
    r"^(?:the\s+)?(?:framework|context|capacity|course|margins?|presence|name|field|area|light|order|response|"
    r"line|addition|view|spirit|turn|office|charge|connection|support|favou?r|behalf|accordance|terms|case|"
    r"January|February|March|April|May|June|July|August|September|October|November|December|Ministry|"
    r"Meeting|Council|Organization|Organisation|Conference|Summit|Forum|Session|Assembly|Group|COVID|"
    r"Commonwealth|Committee|Commission|Union|United Nations|UN)\b"
    r"|^(?:the\s+)?(?:Foreign|External)(?:\s+(?:Ministry|Office|Affairs))?$|^(?:the\s+)?Ministry\s+of\s+Foreign\s+Affairs$"
)
# "… Measures in Asia (CICA) Ministerial Meeting": the place word is inside a proper name
_INSIDE_NAME = re.compile(r"\s*\([A-Z][A-Z0-9\-]{1,9}\)\s+[A-Z]")


def location_of(sentence: Sentence, kind: str) -> str | None:
    if kind in ("phone_call", "video_call"):
        return None
    venue = _VENUE_RE.search(sentence.text)
    if venue:
        return venue.group("loc")
    for place_match in _LOC_RE.finditer(sentence.text):
        loc = place_match.group("loc").strip().rstrip(",")
        loc = re.sub(r"^the\s+", "", loc)
        loc = re.split(r"\s+the\s+", loc)[0] if not loc.startswith("the ") else loc
        loc = re.sub(r"(?:\s+(?:on|during|and|at|of|the))+$", "", loc)
        tail = _LOC_TAIL.search(loc)
        if tail and not (find_countries(tail.group("tail")) and find_countries(tail.group("tail"))[0][0] == 0):
            if _NAME_LIST_GOES_ON.search(sentence.text, place_match.start("loc"), place_match.end("loc") + 40):
                continue  # "the Foreign, Commonwealth and Development Office": one name, not a place
            loc = loc[: tail.start()]
        if _NOT_LOC.match(loc):
            continue
        capital = leading_capital(loc)
        if capital and capital != loc and not loc[len(capital):].startswith((",", " City")):
            loc = capital  # "in Doha Sheikh Mohammed …": the city, then its host
        if _INSIDE_NAME.match(sentence.text, place_match.start("loc") + len(loc)) and " " not in loc:
            continue
        if _HQ_BEFORE.search(sentence.text[max(0, place_match.start() - 25):place_match.start()]):
            continue
        countries = find_countries(loc)
        if countries and countries[0][0] == 0 and countries[0][1] == len(loc):
            continue
        return loc
    visit_to = _VISIT_TO_RE.search(sentence.text)
    if visit_to:
        return visit_to.group("loc")
    return None


def home_ground(enc: Encounter, people: list[Entity], countries: dict[int, str | None], own: str | None,
          sents: list[Sentence]) -> bool | None:
    """Did an in-person encounter take place on the own side's ground? None when the text does not say."""
    if enc.summons:
        return True
    if any(countries.get(person.idx) not in (own, None) and person.heads & {"ambassador", "ambassadors", "chargé", "charge"}
           for person in people):
        return True
    where = enc.location or ""
    places = capital_countries(where) + [country for _start, _end, country in find_countries(where)]
    if places:
        if places[0] == own:
            return True
        return False if places[0] in countries.values() else None
    if enc.sentence_index >= 0 and re.search(r"\b(?:who\s+(?:is|was)\s+(?:in|on)|is\s+visiting|on\s+an?\s+(?:official|working|state)\s+"
                                 r"visit\s+to)\b", sents[enc.sentence_index].text):
        return True
    return None
