"""People who take part through a side or delegation: "the Japanese delegation was led by X", "X led the
Pakistan side", "The opening of the talks was hosted by Z", "co-chaired by X"."""

from __future__ import annotations

import re

from .countries import find_countries
from .draft import ReleaseDraft
from .encounter import Encounter
from .kinds import medium
from .meetings import PARTICIPATE_BY, people_in
from .text import Sentence

# "the Japanese delegation was led by X", "led by X": X took part (and speaks for that side)
_LED_BY = re.compile(
    r"\b(?:the\s+)?(?P<side>[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?)\s+(?:delegation|side)\s+"
    r"(?:(?:was|were)\s+(?:led|headed|represented)\s+)?by\b"
    r"|\b(?:led|headed|represented|co-chaired|chaired)\s+by\b"
)
# "The opening of the talks was hosted by X": X took part too
_HOSTED_BY = re.compile(r"\b(?:was|were)\s+(?:also\s+)?(?:hosted|co-chaired|chaired|moderated|opened)\s+by\b(?P<side>)")
# "X led the Pakistan side", "X and Y led the delegations"
_LED_SIDE = re.compile(
    r"\b(?:led|headed|co-chaired|chaired)\s+(?:the\s+|their\s+|his\s+|her\s+)?(?:(?P<side>[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?)\s+)?"
    r"(?:delegations?|sides?|talks|consultations)\b"
)
_CLAUSE_END = re.compile(r",\s+(?:while|whereas|and)\b|;|,?\s+(?:the|and(?:\s+the)?)\s+(?:[A-Z][\w\-]+\s+)?(?:delegation|side)\b"
                         r"|,\s+(?:the|and)\s+[a-z]")
_CLAUSE_START = re.compile(r"^|,\s+(?:while|whereas|and)\s+|;\s*|\.\s+")

# a span of a sentence (offsets inside it) naming people of one side, and that side's country
SideSpan = tuple[int, int, str | None]


def add_side_people(draft: ReleaseDraft) -> None:
    """Delegation heads near each trigger sentence join its encounter; so do the hosts and chairs of a
    "participated in" encounter, which also becomes a video call when its sentences say so."""
    for encounter in draft.encounters:
        if encounter.sentence_index < 0:
            continue
        _add_delegation_people(draft, encounter)
        if encounter.participate:
            _add_participation_people(draft, encounter)


def _add_delegation_people(draft: ReleaseDraft, encounter: Encounter) -> None:
    both_sides_known = len(encounter.people) >= 2
    index = encounter.sentence_index
    window = draft.sentences[index + 1: index + 2] if both_sides_known else draft.sentences[index: index + 4]
    for sentence in window:
        for span_start, span_end, side_country in _side_spans(sentence, both_sides_known):
            for _mention, entity in people_in(sentence, draft.roster, span_start, span_end, set(encounter.people)):
                if side_country and entity.country is None and entity.organisation is None:
                    entity.country = side_country
                if entity.idx not in encounter.people:
                    encounter.obj.append(entity.idx)


def _side_spans(sentence: Sentence, both_sides_known: bool) -> list[SideSpan]:
    """After a complete encounter only "was hosted by X" counts; otherwise "led by X" and "X led the side"."""
    spans: list[SideSpan] = []
    for led_by in (_HOSTED_BY if both_sides_known else _LED_BY).finditer(sentence.text):
        clause_end = _CLAUSE_END.search(sentence.text, led_by.end())
        spans.append((led_by.end(), clause_end.start() if clause_end else len(sentence.text),
                      _side_country(led_by.group("side"))))
    for led_side in _LED_SIDE.finditer(sentence.text) if not both_sides_known else ():
        clause_starts = [start.end() for start in _CLAUSE_START.finditer(sentence.text, 0, led_side.start())]
        spans.append((clause_starts[-1] if clause_starts else 0, led_side.start(),
                      _side_country(led_side.group("side"))))
    return spans


def _side_country(side: str | None) -> str | None:
    if not side:
        return None
    found = find_countries(side)
    return found[-1][2] if found else None


def _add_participation_people(draft: ReleaseDraft, encounter: Encounter) -> None:
    index = encounter.sentence_index
    for sentence in draft.sentences[index: index + 2]:
        for chaired_by in PARTICIPATE_BY.finditer(sentence.text):
            for _mention, entity in people_in(sentence, draft.roster, chaired_by.end(), len(sentence.text),
                                              set(encounter.people)):
                if entity.idx not in encounter.people:
                    encounter.obj.append(entity.idx)
        if encounter.kind != "video_call" and medium(sentence.text) == "video_call":
            encounter.kind = "video_call"


def add_late_participation_people(draft: ReleaseDraft) -> None:
    """Once every person of the release is known: anyone "chaired / hosted by" in a participation sentence."""
    for encounter in draft.encounters:
        if not (encounter.participate and encounter.sentence_index >= 0):
            continue
        sentence = draft.sentences[encounter.sentence_index]
        for chaired_by in PARTICIPATE_BY.finditer(sentence.text):
            for _mention, entity in people_in(sentence, draft.roster, chaired_by.end(), len(sentence.text)):
                if entity.idx not in encounter.people:
                    encounter.obj.append(entity.idx)
