"""Encounter detection: trigger sentences, who met whom, merging and splitting encounters."""

from __future__ import annotations

import datetime
import re

from .countries import (
    capital_countries,
    find_countries,
    fold,
)
from .dates import DateMention, find_dates
from .encounter import Encounter
from .kinds import Trigger, medium
from .people import HEADS, Mention, find_groups, find_people, find_unnamed
from .places import location_of
from .roster import Entity, Roster
from .text import Sentence

_OBJ_CUT = re.compile(
    r",\s+(?!(?:the|a|an|and|as\s+well\s+as|including|his|her|former|newly|outgoing|incoming|H\.E|HE|Mr|Ms|Mrs|Dr|"
    r"respectively|with(?!\s+whom)|from(?=\s+(?:the\s+)?(?:H\.?E\.?|His|Her|[A-Z])))\b)(?!in\s+[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?\s+(?:the\s+|H\.E\.\s+)?(?:Sheikh|Prince|Sayyid|President|"
    r"Minister|Deputy|Vice|Foreign|Secretary|King|Emir|Sultan|[A-Z][\w\-]+\s+[A-Z]))(?!(?:(?:in|at|on)\s+(?:the\s+)?[A-Z0-9][^,]{0,40},\s+)+with\b)[a-z]"
    r"|\s+(?:and|to)\s+(?:discuss|discussed|exchanged|evaluated|briefed|informed|expressed|noted|reviewed|wished|"
    r"met|held|received|visited|called|paid|"
    r"congratulated|thanked|agreed|emphasi[sz]ed|stressed|conveyed|presented)\b"
    r"|\s+(?:about|regarding|to\s+discuss|on\s+the\s+sidelines|on\s+the\s+margins|within\s+the\s+framework|during|"
    r"where|upon|ahead\s+of|in\s+order|following|after|at\s+the\s+(?:invitation|request|initiative))\b"
    r"|(?<!Mr)(?<!Ms)(?<!Dr)(?<!Hon)(?<!Mrs)(?<!Prof)(?<!Sen)(?<!Amb)(?<![A-Z])\.\s"
)


LEAD_NOMINAL = re.compile(r"^(?:At|During|In)\s+(?![A-Z][\w\-]+,)(?![A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?\s+(?:he|she|they|we|I)\b)|^[“\"]?(?:Meeting|Summoning)\b")


# "ASTANA, October 10, 2023 –", "SINGAPORE, May 11, 2020 /PRNewswire/ --": the issue date, not the encounter's
_DATELINE = re.compile(
    r"^[A-Z][A-Za-z.\- ]{1,30},?\s+(?:[A-Z][a-z]+,?\s+)?(?:\d{1,2}\s+[A-Z][a-z]+\.?,?\s+\d{4}|[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4})"
    r"(?:\s*\([A-Z]+\))?\s*(?:[–—:-]+|/[^/]{1,30}/\s*--)"
)


PARTICIPATE_BY = re.compile(r"\b(?:co-chaired|chaired|hosted|moderated|attended|led)\s+by\b|\bco-chaired\s+with\b")


def people_in(sentence: Sentence, roster: Roster, span_start: int, span_end: int, among: set[int] | None = None
               ) -> list[tuple[Mention, Entity]]:
    """Mentions (named, else unnamed) whose name lies in sentence offsets [a, b)."""
    named = find_people(sentence.text, sentence.start, roster.known_keys())
    unnamed = [unnamed_mention for unnamed_mention in find_unnamed(sentence.text, sentence.start)
               if not any(unnamed_mention.start < mention.end and mention.start < unnamed_mention.end for mention in named)]
    out: list[tuple[Mention, Entity]] = []
    for mention in named:
        if span_start <= mention.name_start - sentence.start < span_end:
            out.append((mention, roster.add(mention)))
    for mention in unnamed:
        if span_start <= mention.name_start - sentence.start < span_end:
            entity = roster.resolve_unnamed(mention, among, True)
            if entity is not None:
                out.append((mention, entity))
    out.sort(key=lambda pair: pair[0].start)
    return out


def _subject_group(pairs: list[tuple[Mention, Entity]], sentence: Sentence, pos: int) -> list[Entity]:
    if not pairs:
        return []
    group = [pairs[-1]]
    for mention, entity in reversed(pairs[:-1]):
        gap = sentence.text[mention.end - sentence.start: group[0][0].start - sentence.start]
        if mention.start == group[0][0].start or re.fullmatch(r"\s*(?:,|and|,\s*and|as well as|together with)?\s*(?:(?<=and\s)(?:his|her|their)\s+)?", gap):
            group.insert(0, (mention, entity))
        else:
            break
    return [entity for _mention, entity in group]


def _title_refs(sentence: Sentence, roster: Roster, span_start: int, span_end: int) -> list[Entity]:
    out: list[Entity] = []
    for reference in re.finditer(r"\b(EAM|FM|MOS)\b|\b[Tt]he\s+((?:[A-Z]\w+\s+){0,3}(?:Minister|Secretary|Ambassador))\b"
                                 r"|(?:^|,\s+)((?:[A-Z]\w+\s+){0,3}(?:Minister|Secretary|Ambassador))(?=\s*$|\s+[a-z]+\b)", sentence.text[span_start:span_end]):
        entity = roster.by_title(reference.group(0))
        if entity is not None:
            out.append(entity)
    return out


_PASSIVE_TRIGGER = re.compile(r"(?:was|were|took|a\s+telephone|telephone|phone|[Mm]eeting|[Tt]alks|[Cc]onsultations|(?:[Aa]n?\s+)?(?:[Vv]ideo|[Vv]irtual|[Oo]nline))")


def encounter_at(sentence_index: int, sentence: Sentence, trigger: Trigger, roster: Roster, published: datetime.date | None,
               fallback_year: int | None, among: set[int]) -> Encounter | None:
    """The encounter a trigger reports (sides, kind, date, place), or None when it names nobody."""
    length = len(sentence.text)
    object_cut = _OBJ_CUT.search(sentence.text, trigger.end)
    object_end = object_cut.start() if object_cut else length
    subj, obj = _sides(sentence, trigger, roster, among, object_end)
    _respective_countries(sentence, roster, obj)
    _stop_countries(sentence, roster, obj)
    if subj or obj:
        obj = obj + _groups_in(sentence, trigger, roster, object_end, subj + obj)
    if not subj and not obj and not (
        trigger.kind == "meeting" and re.search(r"consultations|talks|negotiations|dialogue|meeting", trigger.verb, re.IGNORECASE)
        and find_countries(sentence.text)
    ):
        return None
    if trigger.kind == "visit" and not obj and not subj:
        return None
    kind = trigger.kind
    trigger_medium = medium(sentence.text[:object_end]) if kind not in ("video_call",) else None
    if trigger_medium and kind in ("meeting", "reception"):
        kind = trigger_medium
    enc = Encounter(sentence_index, kind, [entity.idx for entity in subj], [entity.idx for entity in obj if entity not in subj])
    enc.participate = trigger.verb.lower().startswith(("participated", "took part", "joined"))
    enc.subj_guest = bool(re.match(r"(?:paid|called)\b", trigger.verb))
    enc.summons = "ummon" in trigger.verb
    best = _trigger_date(sentence, trigger, published, fallback_year)
    if best is not None:
        enc.date, enc.date_found = best.date, True
    enc.location = location_of(sentence, kind)
    return enc


_RESPECTIVE = re.compile(
    r"\b(?P<dems>(?:[A-Z][\w\-]+,\s+)*[A-Z][\w\-]+,?\s+and\s+[A-Z][\w\-]+)\s+(?:counterparts|colleagues|"
    r"(?:[Ff]oreign\s+)?[Mm]inisters|[Aa]mbassadors)\b,?\s+"
    # "his counterparts from Poland, Lithuania and Latvia, A, B and C"
    r"|\b(?:counterparts|colleagues|(?:[Ff]oreign\s+)?[Mm]inisters)\s+(?:from|of)\s+"
    r"(?P<dems2>(?:(?:the\s+)?[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?,\s+)*(?:the\s+)?[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?,?\s+and\s+"
    r"(?:the\s+)?[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?),\s+")


def _respective_countries(sentence: Sentence, roster: Roster, obj: list[Entity]) -> None:
    """"his German and Polish counterparts, A and B": A is German and B Polish (the demonyms in order)."""
    found = _RESPECTIVE.search(sentence.text)
    if not found:
        return
    codes = [code for _start, _end, code in find_countries(found.group("dems") or found.group("dems2"))]
    after = sentence.start + found.end()
    named = [mention for mention in find_people(sentence.text, sentence.start, roster.known_keys())
             if mention.name_start >= after][: len(codes)]
    if len(codes) < 2 or len(named) != len(codes):
        return
    for mention, code in zip(named, codes, strict=True):
        entity = roster.by_name(mention.name or "")
        if entity is not None and entity in obj and (mention.country is None or mention.country == code
                                                     or found.group("dems2")):
            entity.country = code
            if entity.title and not set(re.findall(r"[\w\-]+", fold(entity.title))) & HEADS:
                entity.title = None  # "…, Lithuania and Latvia, A": the list of countries is no title


_STOP_BEFORE = re.compile(r"\b[Ii]n\s+(?P<city>[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?)\s+(?:(?:he|she)\s+(?:met|held\s+talks\s+with)\s+)?"
                          r"(?:the\s+)?(?:(?:[A-Z][\w\-’']*|of|for|and)\s+)*?"  # a title between ("in Doha the Minister of State X")
                          r"(?:(?:Sheikh|Sheikha|Prince|Princess|H\.E\.|HE|Dr\.?|Mr\.?|Ms\.?)\s+)*$")


_STOP_LEAD = re.compile(r"\s*In\s+(?P<city>[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?)(?:,|\s+on\b|\s+(?:he|she)\b)")


def _stop_countries(sentence: Sentence, roster: Roster, obj: list[Entity]) -> None:
    """"In Riyadh she met X, in Doha Y, …": each counterpart of a multi-stop visit is of its stop's country; "In
    Belmopan on August 20, Minister Lin met with X": the counterparts of a sentence opened by a foreign capital are
    of its country."""
    for mention in find_people(sentence.text, sentence.start, roster.known_keys()):
        before = sentence.text[max(0, mention.name_start - sentence.start - 50): mention.name_start - sentence.start]
        stop = _STOP_BEFORE.search(before)
        if not stop:
            continue
        city = stop.group("city")
        codes = capital_countries(city) or (capital_countries(city.split()[0]) if " " in city else [])
        code = codes[0] if codes else None
        entity = roster.by_name(mention.name or "")
        if code and entity is not None and entity in obj and entity.country is None:
            entity.country = code
    lead = _STOP_LEAD.match(sentence.text)
    lead_codes = capital_countries(lead.group("city")) if lead else []
    if lead_codes and lead_codes[0] != roster.own:
        for entity in obj:
            if entity.country is None and not entity.group and entity.organisation is None:
                entity.country = lead_codes[0]


def _groups_in(sentence: Sentence, trigger: Trigger, roster: Roster, object_end: int, people: list[Entity]
               ) -> list[Entity]:
    """Group counterparts of the object ("received the Chinese delegation", "met heads of missions of …") that
    no named or unnamed person of the sides already stands for."""
    passive = bool(_PASSIVE_TRIGGER.match(trigger.verb)) or trigger.verb.startswith(("was ", "were "))
    span_start, span_end = (0, len(sentence.text)) if passive else (trigger.end, object_end)
    taken = [(entity.first, entity.first + len(entity.name or entity.title or "")) for entity in people]
    out: list[Entity] = []
    for group in find_groups(sentence.text, sentence.start):
        rel = group.start - sentence.start
        if not span_start <= rel < span_end or any(start < group.end and group.start < end for start, end in taken):
            continue
        named_inside = find_people(sentence.text[rel: group.end - sentence.start], group.start)
        if named_inside and not re.search(r"\b(?:delegation|delegations|missions|members)\b", group.title):
            continue  # "the foreign ministers, X and Y": the people stand for themselves
        entity = roster.add_group(group)
        out.append(entity)
        led = re.match(r",?\s+(?:led|headed)\s+by\s+", sentence.text[group.end - sentence.start:])
        if led and group.country:
            leader_at = group.end + led.end()
            for person in people:
                if person.country is None and person.organisation is None and abs(person.first - leader_at) <= 40:
                    person.country = group.country  # "the Chinese delegation led by X": X speaks for China
    return out


def _sides(sentence: Sentence, trigger: Trigger, roster: Roster, among: set[int], object_end: int
           ) -> tuple[list[Entity], list[Entity]]:
    """(subject side, object side) of a trigger: "X met Y", or a passive / nominal form ("Talks were held
    between X and Y", "At a meeting with X, Minister Y ...")."""
    passive = bool(_PASSIVE_TRIGGER.match(trigger.verb)) or trigger.verb.startswith(("was ", "were "))
    lead = bool(LEAD_NOMINAL.match(sentence.text)) and trigger.start <= 30
    length = len(sentence.text)
    if lead:
        return _lead_sides(sentence, trigger, people_in(sentence, roster, 0, length, among),
                           length if passive else object_end)
    if passive:
        return [], [entity for _mention, entity in people_in(sentence, roster, 0, length, among)]
    subj = _subject_group(people_in(sentence, roster, 0, trigger.start, among), sentence, trigger.start)
    if not subj:
        subj = _title_refs(sentence, roster, 0, trigger.start)
    # "visited Port Moresby, where …": the place right after a visit verb is no person
    obj = [entity for mention, entity in people_in(sentence, roster, trigger.end, object_end, among)
           if not (trigger.kind == "visit" and mention.title is None and mention.start - sentence.start <= trigger.end + 1)]
    if not obj and "led by" in sentence.text[trigger.end:]:
        led_by_at = sentence.text.find("led by", trigger.end)
        obj = [entity for _mention, entity in people_in(sentence, roster, led_by_at, length, among)]
    return subj, obj


def _lead_sides(sentence: Sentence, trigger: Trigger, pairs: list[tuple[Mention, Entity]], cut: int
                ) -> tuple[list[Entity], list[Entity]]:
    """"At a meeting with X, Minister Y ...": all people before the first verb after the trigger; those
    before the object cut are the object side."""
    length = len(sentence.text)
    next_verb = re.search(r"\b(?:[a-z]+ed|said|met|held|gave|took|made)\b", sentence.text[trigger.end:])
    limit = trigger.end + (next_verb.start() if next_verb else length)
    pairs = [pair for pair in pairs if pair[0].name_start - sentence.start < limit]
    obj = [entity for mention, entity in pairs if mention.name_start - sentence.start < limit
           and mention.start - sentence.start < (cut if cut > trigger.end else length)]
    subj = [entity for entity in (pair[1] for pair in pairs) if entity not in obj]
    if not subj and len(obj) > 1:
        subj, obj = obj[-1:], obj[:-1]
    return subj, obj


def _trigger_date(sentence: Sentence, trigger: Trigger, published: datetime.date | None,
                  fallback_year: int | None) -> DateMention | None:
    """The date nearest the trigger verb, preferring "on <date>"; a dateline ("ASTANA, April 17, 2024 –")
    only when the sentence gives no other date."""
    date_mentions = find_dates(sentence.text, published, fallback_year)
    if not date_mentions:
        return None
    dateline = _DATELINE.match(sentence.text)

    def distance(candidate: DateMention) -> tuple[int, int]:
        if dateline and candidate.start < dateline.end():
            return (2, 0)
        not_on = 0 if re.search(r"\b[Oo]n\s+(?:\w+,?\s+)?$", sentence.text[max(0, candidate.start - 16):candidate.start]) else 1
        gap = trigger.start - candidate.end if candidate.end <= trigger.start else candidate.start - trigger.end
        return (not_on, abs(gap))

    return min(date_mentions, key=distance)


def place_encounter(encs: list[Encounter], enc: Encounter, sentence: Sentence, trigger: Trigger, roster: Roster) -> None:
    plural = bool(re.search(r"meetings\b", trigger.verb)) and len(enc.obj) > 1
    if plural:
        for counterpart in enc.obj:
            encs.append(Encounter(enc.sentence_index, enc.kind, list(enc.subj), [counterpart], enc.date, enc.date_found, enc.location))
        return
    for old in encs:
        if set(enc.people) <= set(old.people) or (
            len(set(enc.people) - set(old.people)) == 0
        ):
            if not old.date_found and enc.date_found:
                old.date, old.date_found = enc.date, True
            if old.location is None:
                old.location = enc.location
            return
    for old in encs:
        shared = set(enc.people) & set(old.people)
        if any(roster.entities[person].country not in (None, roster.own) or person in old.obj and person in enc.obj for person in shared) and (
            old.kind == enc.kind or enc.kind == "meeting") and not (enc.date_found and old.date_found and enc.date != old.date):
            for person in enc.people:
                if person not in old.people:
                    old.obj.append(person)
            if not old.date_found and enc.date_found:
                old.date, old.date_found = enc.date, True
            return
    if encs:
        base = encs[0]
        new = [person_index for person_index in enc.people if person_index not in base.people]
        if not new:
            return
        if enc.kind == "visit" and not enc.obj:
            base.kind = "visit" if base.kind == "meeting" else base.kind
            return
    encs.append(enc)
