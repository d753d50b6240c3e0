"""Encounter detection: trigger sentences, who met whom, merging and splitting encounters."""

from __future__ import annotations

import datetime
import re

from .countries import (
    find_countries,
)
from .dates import DateMention, find_dates
from .encounter import Encounter
from .kinds import Trigger, medium
from .people import Mention, find_people, find_unnamed
from .places import location_of
from .roster import Entity, Roster
from .text import Sentence

_OBJ_CUT = re.compile(
    r",\s+(?!(?:the|a|an|and|as\s+well\s+as|including|his|her|former|newly|outgoing|incoming|H\.E|HE|Mr|Ms|Mrs|Dr|"
    r"respectively|with(?!\s+whom))\b)(?!(?:(?:in|at|on)\s+(?:the\s+)?[A-Z0-9][^,]{0,40},\s+)+with\b)[a-z]"
    r"|\s+(?:and|to)\s+(?:discuss|discussed|exchanged|evaluated|briefed|informed|expressed|noted|reviewed|wished|"
    r"met|held|received|visited|called|paid|"
    r"congratulated|thanked|agreed|emphasi[sz]ed|stressed|conveyed|presented)\b"
    r"|\s+(?:about|regarding|to\s+discuss|on\s+the\s+sidelines|on\s+the\s+margins|within\s+the\s+framework|during|"
    r"where|upon|ahead\s+of|in\s+order|following|after|at\s+the\s+(?:invitation|request|initiative))\b"
    r"|(?<!Mr)(?<!Ms)(?<!Dr)(?<!Hon)(?<!Mrs)(?<!Prof)(?<!Sen)(?<!Amb)(?<![A-Z])\.\s"
)


LEAD_NOMINAL = re.compile(r"^(?:At|During|In)\s+(?![A-Z][\w\-]+,)|^[“\"]?(?:Meeting|Summoning)\b")


# "ASTANA, October 10, 2023 –", "SINGAPORE, May 11, 2020 /PRNewswire/ --": the issue date, not the encounter's
_DATELINE = re.compile(
    r"^[A-Z][A-Za-z.\- ]{1,30},?\s+(?:[A-Z][a-z]+,?\s+)?(?:\d{1,2}\s+[A-Z][a-z]+\.?,?\s+\d{4}|[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4})"
    r"(?:\s*\([A-Z]+\))?\s*(?:[–—:-]+|/[^/]{1,30}/\s*--)"
)


PARTICIPATE_BY = re.compile(r"\b(?:co-chaired|chaired|hosted|moderated|attended|led)\s+by\b|\bco-chaired\s+with\b")


def people_in(s: Sentence, roster: Roster, a: int, b: int, among: set[int] | None = None
               ) -> list[tuple[Mention, Entity]]:
    """Mentions (named, else unnamed) whose name lies in sentence offsets [a, b)."""
    named = find_people(s.text, s.start, roster.known_keys())
    unnamed = [u for u in find_unnamed(s.text, s.start)
               if not any(u.start < m.end and m.start < u.end for m in named)]
    out: list[tuple[Mention, Entity]] = []
    for m in named:
        if a <= m.name_start - s.start < b:
            out.append((m, roster.add(m)))
    for m in unnamed:
        if a <= m.name_start - s.start < b:
            e = roster.resolve_unnamed(m, among, True)
            if e is not None:
                out.append((m, e))
    out.sort(key=lambda p: p[0].start)
    return out


def _subject_group(pairs: list[tuple[Mention, Entity]], s: Sentence, pos: int) -> list[Entity]:
    if not pairs:
        return []
    group = [pairs[-1]]
    for m, e in reversed(pairs[:-1]):
        gap = s.text[m.end - s.start: group[0][0].start - s.start]
        if m.start == group[0][0].start or re.fullmatch(r"\s*(?:,|and|,\s*and|as well as|together with)?\s*", gap):
            group.insert(0, (m, e))
        else:
            break
    return [e for _m, e in group]


def _title_refs(s: Sentence, roster: Roster, a: int, b: int) -> list[Entity]:
    out: list[Entity] = []
    for m in re.finditer(r"\b(EAM|FM|MOS)\b|\b[Tt]he\s+((?:[A-Z]\w+\s+){0,3}(?:Minister|Secretary|Ambassador))\b", s.text[a:b]):
        e = roster.by_title(m.group(0))
        if e is not None:
            out.append(e)
    return out


def encounter_at(si: int, s: Sentence, t: Trigger, roster: Roster, published: datetime.date | None,
               fallback_year: int | None, among: set[int]) -> Encounter | None:
    n = len(s.text)
    passive = bool(re.match(r"(?:was|were|took|a\s+telephone|telephone|phone|[Mm]eeting|[Tt]alks|[Cc]onsultations)", t.verb)) or (
        t.verb.startswith(("was ", "were "))
    )
    lead = bool(LEAD_NOMINAL.match(s.text)) and t.start <= 30
    cut_m = _OBJ_CUT.search(s.text, t.end)
    cut = cut_m.start() if cut_m else n
    if "led by" in s.text[t.end:cut + 200] or "between" in t.verb or passive:
        cut = n if passive else cut
    subj: list[Entity] = []
    obj: list[Entity] = []
    if passive or lead:
        pairs = people_in(s, roster, 0, n, among)
        if lead:
            # "At a meeting with X, Minister Y ..." : all people before the first verb after the trigger
            vm = re.search(r"\b(?:[a-z]+ed|said|met|held|gave|took|made)\b", s.text[t.end:])
            lim = t.end + (vm.start() if vm else n)
            pairs = [p for p in pairs if p[0].name_start - s.start < lim]
            obj = [e for m, e in pairs if m.name_start - s.start < lim and m.start - s.start < (cut if cut > t.end else n)]
            subj = [e for e in (p[1] for p in pairs) if e not in obj]
            if not subj and len(obj) > 1:
                subj, obj = obj[-1:], obj[:-1]
        else:
            obj = [e for _m, e in pairs]
    else:
        subj = _subject_group(people_in(s, roster, 0, t.start, among), s, t.start)
        if not subj:
            subj = _title_refs(s, roster, 0, t.start)
        # "visited Port Moresby, where …": the place right after a visit verb is no person
        obj = [e for m_, e in people_in(s, roster, t.end, cut, among)
               if not (t.kind == "visit" and m_.title is None and m_.start - s.start <= t.end + 1)]
        if not obj and "led by" in s.text[t.end:]:
            lb = s.text.find("led by", t.end)
            obj = [e for _m, e in people_in(s, roster, lb, n, among)]
    if not subj and not obj and not (
        t.kind == "meeting" and re.search(r"consultations|talks|negotiations|dialogue|meeting", t.verb, re.IGNORECASE)
        and find_countries(s.text)
    ):
        return None
    if t.kind == "visit" and not obj and not subj:
        return None
    kind = t.kind
    med = medium(s.text[: (cut_m.start() if cut_m else n)]) if kind not in ("video_call",) else None
    if med and kind in ("meeting", "reception"):
        kind = med
    enc = Encounter(si, kind, [e.idx for e in subj], [e.idx for e in obj if e not in subj])
    enc.participate = t.verb.lower().startswith(("participated", "took part", "joined"))
    enc.subj_guest = bool(re.match(r"(?:paid|called)\b", t.verb))
    enc.summons = "ummon" in t.verb
    dl = _DATELINE.match(s.text)
    dm = find_dates(s.text, published, fallback_year)
    if dm:
        # the date nearest the trigger verb, preferring "on <date>"; a dateline ("ASTANA, April 17, 2024 –")
        # only when the sentence gives no other date
        def dist(d: DateMention) -> tuple[int, int]:
            if dl and d.start < dl.end():
                return (2, 0)
            on = 0 if re.search(r"\b[Oo]n\s+(?:\w+,?\s+)?$", s.text[max(0, d.start - 16):d.start]) else 1
            gap = t.start - d.end if d.end <= t.start else d.start - t.end
            return (on, abs(gap))
        best = min(dm, key=dist)
        enc.date, enc.date_found = best.date, True
    enc.location = location_of(s, kind)
    return enc


def place_encounter(encs: list[Encounter], enc: Encounter, s: Sentence, t: Trigger, roster: Roster) -> None:
    plural = bool(re.search(r"meetings\b", t.verb)) and len(enc.obj) > 1
    if plural:
        for o in enc.obj:
            encs.append(Encounter(enc.sentence_index, enc.kind, list(enc.subj), [o], enc.date, enc.date_found, enc.location))
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
        if any(roster.entities[i].country not in (None, roster.own) or i in old.obj and i in enc.obj for i in shared) and (
            old.kind == enc.kind or enc.kind == "meeting") and not (enc.date_found and old.date_found and enc.date != old.date):
            for i in enc.people:
                if i not in old.people:
                    old.obj.append(i)
            if not old.date_found and enc.date_found:
                old.date, old.date_found = enc.date, True
            return
    if encs:
        base = encs[0]
        new = [p for p in enc.people if p not in base.people]
        if not new:
            return
        if enc.kind == "visit" and not enc.obj:
            base.kind = "visit" if base.kind == "meeting" else base.kind
            return
    encs.append(enc)
