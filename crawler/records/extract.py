"""Assembly of :class:`Records` for one release: encounters, dates, statements, participants."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from itertools import pairwise

from .countries import (
    INTERGOV,
    capital_countries,
    capital_country,
    clear_country_cache,
    find_countries,
)
from .dates import find_dates, page_year
from .encounter import Encounter, current_encounter
from .kinds import find_triggers, medium, negative_genre, title_has_trigger
from .meetings import (
    PARTICIPATE_BY,
    encounter_at,
    people_in,
    place_encounter,
)
from .model import Meeting, Participant, Records, Statement
from .people import Mention, clear_caches, find_people, find_unnamed, prior_keys
from .places import home_ground
from .roster import Entity, Roster
from .statements import (
    Context,
    Draft,
    present_statements,
    sentence_statements,
    speech_label,
    speech_statements,
)
from .text import Sentence, split_sentences
from .topics import topics_of

_TODAY = re.compile(r"\b(?:today|today['’]s|this\s+morning|this\s+afternoon|this\s+evening|tonight)\b", re.IGNORECASE)






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


def _side_country(side: str | None) -> str | None:
    if not side:
        return None
    found = find_countries(side)
    return found[-1][2] if found else None


# a minister's own site: "The Hon Penny Wong" / "Minister for Foreign Affairs" at the top of the page
_HEADER_AUTHOR = re.compile(
    r"(?m)^\s*(?:The\s+)?(?:Hon(?:ourable)?\.?|Senator(?:\s+the\s+Hon)?|Rt\.?\s+Hon\.?)\s+"
    r"(?P<name>[A-Z][a-z’'\-]+(?:\s+[A-Z][a-z’'\-]+){1,2})\s*\n\s*(?P<title>(?:[A-Z][\w\-]*\s+|of\s+|for\s+|and\s+){0,6}Minister(?:\s+(?:for|of)\s+[A-Z][\w ]{2,40})?)\s*$"
)


_QUESTION = re.compile(r"\s*(?:Question|Q)\s*[:.]\s|\s*[A-Z][\w .’'\-]{1,40}:\s.*\?\s*$")


_ANSWER_LINE = re.compile(r"\s*(?:Answer|A)\s*[:.]\s")


_OTHER_LABEL = re.compile(r"\s*[A-Z][\w .’'\-]{1,40}:\s")


_SPEECH_TITLE = re.compile(
    r"\b(?:Remarks|Statement|Address|Speech|Comments?|Message)\s+(?:by|of)\s+(?P<who>.+?)(?:\s+(?:during|at|before|with|on|to|in)\b|$)"
    r"|^(?:No[:.]?\s*[\d/ ]+,\s*)?(?P<who2>[^’',:]{3,80}?)[’']s?\s+(?:opening\s+|closing\s+|introductory\s+)?(?:remarks|statement|speech|address)\b",
    re.IGNORECASE)


_TITLE_PAIR = (
    re.compile(r"(?P<a>.+?)[’']s?\s+(?:\w+\s+){0,2}(?:meeting|telephone conversation|phone conversation|phone call|"
               r"call|talks|conversation|consultations|videoconference)\s+with\s+(?P<b>.+)", re.IGNORECASE),
    re.compile(r"(?:meeting|meetings|telephone conversation|phone conversation|talks|consultations)\s+"
               r"(?:of|between)\s+(?P<a>.+?)(?:\s+(?:with|and)\s+(?P<b>.+)|$)", re.IGNORECASE),
    re.compile(r"courtesy call (?:by|of)\s+(?P<b>.+?)\s+on\s+(?P<a>.+)", re.IGNORECASE),
    re.compile(r"(?P<a>.+?)\s+(?:met|meets|received|receives|held talks with|holds talks with|spoke with|speaks with|"
               r"speaks to|spoke to|summons|summoned)\s+(?:with\s+)?(?P<b>.+)", re.IGNORECASE),
    re.compile(r"Remarks\s+(?:With|by)\s+(?P<b>.+?)\s+Before\s+Their\s+Meeting", re.IGNORECASE),
    re.compile(r"(?P<a>.+?)[’']s?\s+(?:opening\s+|closing\s+|introductory\s+)?(?:remarks|statement)\s+(?:during|at|before)\s+"
               r"(?:the\s+)?(?:\w+\s+){0,2}(?:talks|meeting|negotiations|consultations)\s+with\s+(?P<b>.+)", re.IGNORECASE),
    re.compile(r"Remarks\s+by\s+(?P<a>.+?)\s+during\s+(?:his|her)\s+meeting\s+with\s+(?P<b>.+)", re.IGNORECASE),
)


def _is_title_line(s: Sentence, title: str | None) -> bool:
    if not title:
        return False
    a = s.text.strip().rstrip(".")
    t = title.strip().rstrip(".")
    return bool(a) and (a == t or (len(a) > 30 and (a in t or (t in a and len(a) < len(t) + 30))))


def build(text: str, title: str | None, published: datetime.date | None, own: str | None) -> Records:
    clear_caches()
    clear_country_cache()
    sents = split_sentences(text)
    roster = Roster(own)
    roster.prior = prior_keys(text)
    fallback_year = page_year(text, title) if published is None else None
    genre = negative_genre(title, text)
    neg = genre == "hard"
    soft = genre == "soft"
    encs: list[Encounter] = []
    title_subj: list[Entity] = []
    title_obj: list[Entity] = []
    speech_by: Entity | None = None
    spokes: Entity | None = None

    # --- title -----------------------------------------------------------------------------------
    if title:
        tm = _SPEECH_TITLE.search(title)
        if tm:
            who = tm.group("who") or tm.group("who2")
            ps = find_people(who, 0)
            if ps:
                speech_by = roster.add(ps[0])
            else:
                un = find_unnamed("the " + who, 0)
                if un:
                    speech_by = roster.add(un[0])
        sp = re.search(r"[Ss]pokesperson\s+(?:of\s+[^,]+?,?\s+)?(?P<n>[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+){1,2})", title)
        if sp:
            ps = find_people(sp.group("n") + " said", 0)
            if ps:
                spokes = roster.add(Mention(ps[0].start, ps[0].end, ps[0].name_start, ps[0].name_end, ps[0].name,
                                            "Spokesperson", None, None, frozenset({"spokesperson"})))
                spokes.spokes = True
        am = re.match(r"^(?:No[:.]?\s*[\d/ ]+,\s*)?(?P<n>[A-Z][\w\-]+\s+[A-Z][\w\-]+)?.{0,120}?\banswers?\b", title)
        if am and spokes is None:
            ps = find_people(title[: am.end()], 0)
            if ps:
                spokes = roster.add(ps[0])
                spokes.spokes = True
        if not neg and not soft and title_has_trigger(title):
            for rx in _TITLE_PAIR:
                m = rx.search(title)
                if not m:
                    continue
                for grp, bucket in (("a", title_subj), ("b", title_obj)):
                    seg = m.groupdict().get(grp)
                    if not seg:
                        continue
                    seg = re.sub(r"^(?:Press release on|Information .*? on the|on the|the)\s+", "", seg, flags=re.IGNORECASE)
                    # "Ukraine – Jean-Noël Barrot’s telephone conversation …": a topic label before the dash
                    seg = re.sub(r"^(?:[A-Z][\w’'\-]*\s+){1,4}[–—]\s+", "", seg)
                    seg = re.sub(r"^(?:an?\s+)?(?:farewell\s+|introductory\s+)?courtesy\s+(?:call|visit)\s+(?:from|by)\s+", "", seg,
                                 flags=re.IGNORECASE)
                    seg = re.sub(r"\s*\((?:[A-Z][a-z]+ \d|\d)[^)]*\)\s*$", "", seg)
                    ps = find_people(seg + " said", 0, roster.known_keys())
                    for p in ps:
                        bucket.append(roster.add(p))
                    if not ps:
                        un = find_unnamed("the " + seg, 0)
                        if not un and re.search(r"(?:Minister|Secretary|Ambassador)$", seg.strip()):
                            un = find_unnamed("the " + seg.strip() + " met", 0)
                        for u in un[:3]:
                            bucket.append(roster.add(u))
                break

    if neg and spokes is None:
        # "Spokesperson Shafqat Ali Khan began the weekly press briefing …"
        for hs in [x for x in sents if x.body and not _is_title_line(x, title)][:3]:
            for hp in find_people(hs.text, hs.start):
                if hp.title and re.search(r"(?i)spokes", hp.title) and text[hp.name_end:hp.name_end + 1] != ":":
                    spokes = roster.add(hp)
                    spokes.spokes = True
                    break
            if spokes is not None:
                break
    if neg and spokes is None and speech_by is not None:
        spokes = speech_by
    # the "I" of the release: the author of a "Statement by X" title, else a minister named in the page header
    author = speech_by
    if author is None:
        hm = _HEADER_AUTHOR.search(text[:600])
        if hm:
            ps = find_people(f"{hm.group('title').strip()} {hm.group('name')} said", 0)
            if ps:
                author = roster.add(ps[0])

    # --- body triggers ----------------------------------------------------------------------------
    prose_seen = 0
    in_qa = False
    visit_si: set[int] = set()
    if not neg:
        for si, s in enumerate(sents):
            if re.match(r"^(?:Question|Q)\s*[:.]", s.text):
                in_qa = True
            if not s.body or _is_title_line(s, title):
                continue
            prose_seen += 1
            if in_qa:
                continue
            trigs = find_triggers(s.text)
            if not trigs:
                continue
            if not encs and prose_seen > (3 if soft else 6):
                break
            first: Encounter | None = None
            for t in trigs:
                enc = encounter_at(si, s, t, roster, published, fallback_year,
                                 {e.idx for e in title_subj + title_obj} | {i for x in encs for i in x.people})
                if enc is None:
                    if t.kind == "visit" and author is not None and re.search(r"(?:^|[\s,;])I\s+$", s.text[:t.start]):
                        visit_si.add(si)  # "I visited Port Moresby today, where I met …"
                    continue
                if t.kind == "visit":
                    visit_si.add(si)
                if author is not None and re.search(
                        r"(?:^|[\s,;])I\s+(?:have\s+|had\s+|also\s+|today\s+)?$", s.text[:t.start]):
                    enc.subj = [author.idx]  # "Today I met with Indonesia's Foreign Minister"
                    enc.obj = [i for i in enc.obj if i != author.idx]
                if first is not None and not enc.subj:
                    # "visited Kyiv, where he met X": the subject carries over
                    enc.subj = [i for i in first.subj if i not in enc.obj]
                    if not enc.date_found and first.date_found:
                        enc.date, enc.date_found = first.date, True
                first = first or enc
                place_encounter(encs, enc, s, t, roster)
    # title-only encounter
    if not neg and not encs and (title_subj or title_obj):
        encs.append(Encounter(-1, medium(title or "") or "meeting", [e.idx for e in title_subj],
                              [e.idx for e in title_obj]))
    if encs:
        e0 = encs[0]
        for e in title_subj + title_obj:
            if e.name is None and len(e0.people) >= 2 and not (
                e.country and all(roster.entities[i].country != e.country for i in e0.people)
            ):
                continue
            if all(e.idx not in x.people for x in encs):
                (e0.subj if e in title_subj else e0.obj).append(e.idx)
        if e0.sentence_index >= 0 and title:
            med = medium(title)
            if med and e0.kind in ("meeting", "reception"):
                e0.kind = med
    for enc in encs:
        if enc.sentence_index < 0:
            continue
        full = len(enc.people) >= 2
        for s2 in sents[enc.sentence_index + 1: enc.sentence_index + 2] if full else sents[enc.sentence_index: enc.sentence_index + 4]:
            spans: list[tuple[int, int, str | None]] = []
            for lb in (_HOSTED_BY if full else _LED_BY).finditer(s2.text):
                stop = _CLAUSE_END.search(s2.text, lb.end())
                spans.append((lb.end(), stop.start() if stop else len(s2.text), _side_country(lb.group("side"))))
            for lb in _LED_SIDE.finditer(s2.text) if not full else ():
                starts = [b.end() for b in _CLAUSE_START.finditer(s2.text, 0, lb.start())]
                spans.append((starts[-1] if starts else 0, lb.start(), _side_country(lb.group("side"))))
            for sa, sb, side in spans:
                for _m, e in people_in(s2, roster, sa, sb, set(enc.people)):
                    if side and e.country is None and e.organisation is None:
                        e.country = side
                    if e.idx not in enc.people:
                        enc.obj.append(e.idx)
        if enc.participate:
            for s2 in sents[enc.sentence_index: enc.sentence_index + 2]:
                for pm in PARTICIPATE_BY.finditer(s2.text):
                    for _m, e in people_in(s2, roster, pm.end(), len(s2.text), set(enc.people)):
                        if e.idx not in enc.people:
                            enc.obj.append(e.idx)
                if enc.kind != "video_call" and medium(s2.text) == "video_call":
                    enc.kind = "video_call"
    # "The Dialogue was held in New Delhi on 20 November. X hosted Y.": the people come in the next sentence
    for e_a, e_b in pairwise(encs):
        if not e_a.people and e_b.people and 0 < e_b.sentence_index - e_a.sentence_index <= 2:
            if not e_b.date_found and e_a.date_found:
                e_b.date, e_b.date_found = e_a.date, True
            e_b.location = e_b.location or e_a.location
            if e_b.kind == "reception" and e_a.kind == "meeting":
                e_b.kind = "meeting"
    encs = [x for x in encs if x.people]
    # the trip itself ("made an Official Visit to Germany from 9 to 11 June"): its first day dates the visit
    trip_enc = next((x for x in encs if x.kind == "visit" and x.date_found and not x.obj and x.sentence_index >= 0), None)
    # drop single-person encounters when others exist; a trip with several encounters is a visit
    visited = any(x.kind == "visit" for x in encs)
    trip = visited or bool(
        title and re.search(r"\bvisit(?:s|ed)?\b", title, re.IGNORECASE)
        and not re.search(r"\bwill\b|\bto\s+visit\b", title, re.IGNORECASE))
    several = len(encs) > 1
    if len(encs) > 1:
        kept = [x for x in encs if len(x.people) > 1 or x.participate]
        encs = kept or encs[:1]
    if trip and (len(encs) > 1 or (visited and several)):
        for x in encs:
            if x.kind in ("meeting", "reception"):
                x.kind = "visit"
    if trip and len(encs) == 1 and encs[0].kind == "meeting" and encs[0].sentence_index in visit_si and title and re.search(
            r"\bvisit(?:s|ed)?\b", title, re.IGNORECASE):
        encs[0].kind = "visit"  # "Visit to Papua New Guinea": "I visited Port Moresby, where I met A and B"
    if trip_enc is not None and encs and encs[0] is not trip_enc and encs[0].kind == "visit" and (
            trip_enc.sentence_index <= encs[0].sentence_index and trip_enc.date is not None):
        encs[0].date = trip_enc.date
    if len(encs) == 1 and encs[0].kind == "visit" and len(encs[0].people) > 1 and not (visited and several) and not (
        title and re.search(r"\bvisit(?:s|ed|ing)?\b", title, re.IGNORECASE)
    ):
        encs[0].kind = "meeting"

    # --- dates --------------------------------------------------------------------------------------
    for i, enc in enumerate(encs):
        if enc.date_found:
            continue
        if i > 0 and encs[i - 1].date_found:
            enc.date, enc.date_found = encs[i - 1].date, True
            continue
        if i == 0:
            if title:
                tds = [d for d in find_dates(title, published, fallback_year) if not d.relative]
                if tds:
                    enc.date, enc.date_found = tds[-1].date, True
                    continue
            for s in sents:
                if s.body and _TODAY.search(s.text):
                    enc.date = published
                    enc.date_found = published is not None
                    break

    # --- statements ----------------------------------------------------------------------------------
    among = {i for x in encs for i in x.people}
    ctx = Context(roster, among, spokes=spokes, author=author, author_we=not encs)
    drafts: list[Draft] = []
    # transcripts: "SECRETARY KERRY: ...", "Official Spokesperson, Shri X: ..." open a speaker's turn, which
    # runs over the following unlabelled paragraphs until the next label or question
    turn: Entity | None = None
    in_turn = False
    speech_from = 0
    last_para = -1
    for si, s in enumerate(sents):
        if s.para != last_para:
            last_para = s.para
            line_start = text.rfind("\n", 0, s.start) + 1
            line_end = text.find("\n", s.start)
            line = text[line_start: line_end if line_end >= 0 else len(text)]
            lab = speech_label(line, roster, text) if ":" in line[:80] else None
            if lab is not None:
                turn, in_turn, speech_from = lab[0], True, line_start + lab[1]
                if turn is not None:
                    among.add(turn.idx)
                    if encs and turn.idx not in encs[0].people and not turn.spokes:
                        encs[0].obj.append(turn.idx)
            elif in_turn and _QUESTION.match(line):
                turn, speech_from = None, 0
            elif in_turn and (am_line := _ANSWER_LINE.match(line)) is not None:
                turn, speech_from = spokes, line_start + am_line.end()
            elif in_turn and _OTHER_LABEL.match(line):
                turn, in_turn = None, False
        if in_turn:
            if turn is not None:
                drafts.extend(speech_statements(si, s, turn, speech_from))
            continue
        if not s.body:
            continue
        ctx.create_unnamed = bool(encs) and len(current_encounter(encs, si).people) < 2
        for enc in encs:
            if enc.sentence_index == si and enc.subj and (ctx.last is None or ctx.last.idx not in enc.people):
                ctx.last = roster.entities[enc.subj[0]]  # "He ..." after "X met Y"
        ds, agents = sentence_statements(si, s, ctx)
        if not ds and speech_by is not None and encs and not re.search(r"\b(?:said|stated|noted)\b", s.text):
            ds = speech_statements(si, s, speech_by)
        if not ds:
            ds = present_statements(si, s, ctx)
        drafts.extend(ds)
        if encs:
            cur = current_encounter(encs, si)
            for a in agents + [d.speaker for d in ds if d.speaker is not None]:
                if a is None or a.spokes or a.idx in among:
                    continue
                if a.name is None and not a.heads:
                    continue
                cur.obj.append(a.idx)
                among.add(a.idx)
    if encs:
        for enc in encs:
            if enc.participate and enc.sentence_index >= 0:
                s = sents[enc.sentence_index]
                for pm in PARTICIPATE_BY.finditer(s.text):
                    for _mm, e in people_in(s, roster, pm.end(), len(s.text)):
                        if e.idx not in enc.people:
                            enc.obj.append(e.idx)

    # --- topics ---------------------------------------------------------------------------------------
    for si, s in enumerate(sents):
        if encs and s.body and si >= max(0, encs[0].sentence_index):
            current_encounter(encs, si).topics.extend(t for t in topics_of(s) if t not in current_encounter(encs, si).topics)

    return _assemble(text, sents, roster, encs, drafts, own, {e.idx for e in title_subj})


def _assemble(text: str, sents: list[Sentence], roster: Roster, encs: list[Encounter], drafts: list[Draft],
              own: str | None, title_subj: set[int]) -> Records:
    ents = {e.idx: e for e in roster.entities}
    foreign: Counter[str] = Counter()
    if any(ents[i].country is None for enc in encs for i in enc.people if i in ents):
        for s in sents:
            if s.body:
                for _a, _b, c in find_countries(s.text):
                    if c != own:
                        foreign[c] += 1
    meetings: list[Meeting] = []
    subj_any = {i for enc in encs for i in enc.subj} | title_subj
    for enc in encs:
        people = [ents[i] for i in enc.people if i in ents]
        first_subj = enc.subj[0] if enc.subj else (enc.people[0] if enc.people else -1)
        countries: dict[int, str | None] = {}
        for p in people:
            intergov = p.organisation in INTERGOV
            countries[p.idx] = p.country if p.country else (own if not intergov else None)
        explicit_foreign = any((p.country and p.country != own) or p.organisation in INTERGOV for p in people)
        for p in people:
            if p.country is None and p.title and p.idx != first_subj:
                cap = capital_country(p.title)
                if cap:
                    countries[p.idx] = cap
        if explicit_foreign and own and enc.sentence_index >= 0:
            # "met President Volodymyr Zelenskyy and her Ukrainian counterpart Dmytro Kuleba": a counterpart without
            # a country of their own belongs to the single foreign state of the encounter
            fx = {p.country for p in people if p.country and p.country != own}
            subj_own = all(countries.get(i) in (None, own) for i in enc.subj)
            if len(fx) == 1 and subj_own and not enc.subj_guest and not any(p.organisation in INTERGOV for p in people):
                only = next(iter(fx))
                for p in people:
                    if p.country is None and p.organisation is None and p.idx != first_subj and p.idx not in subj_any \
                            and p.name is not None and sents[enc.sentence_index].start <= p.first < sents[enc.sentence_index].end \
                            and not re.search(r"\b(?:by|led|headed)\s+(?:the\s+)?$", text[max(0, p.first - 12):p.first]):
                        countries[p.idx] = only
        if not explicit_foreign and len(people) > 1 and foreign:
            local: Counter[str] = Counter()
            lo = enc.sentence_index
            hi = min([x.sentence_index for x in encs if x.sentence_index > enc.sentence_index] + [len(sents)])
            for s in sents[max(0, lo):hi]:
                for _a, _b, c in find_countries(s.text):
                    if c != own:
                        local[c] += 1
                for c in capital_countries(s.text):
                    if c != own:
                        local[c] += 2 if sents.index(s) == lo else 1
            pool = local if (local or len(encs) > 1) and enc.kind != "visit" else foreign
            dom = pool.most_common(1)[0][0] if pool else None
            for p in people:
                if dom and p.country is None and p.organisation not in INTERGOV and p.idx != first_subj and (
                    p.idx not in enc.subj
                ):
                    countries[p.idx] = dom
        parts: list[Participant] = []
        home = home_ground(enc, people, countries, own, sents)
        for p in people:
            role = _role(enc, p, countries.get(p.idx), own, home)
            parts.append(Participant(name=p.label, title=p.title, country=countries.get(p.idx),
                                     organisation=p.organisation, role=role))
        meetings.append(Meeting(date=enc.date, kind=enc.kind, location=enc.location,
                                participants=tuple(parts), topics=tuple(enc.topics)))
    statements: list[Statement] = []
    seen: set[tuple[int, int]] = set()
    for d in drafts:
        if (d.start, d.end) in seen or d.end <= d.start:
            continue
        seen.add((d.start, d.end))
        speaker = None if d.joint or d.speaker is None else d.speaker.label
        mi: int | None = None
        if encs:
            cur = current_encounter(encs, d.sent)
            mi = encs.index(cur)
        statements.append(Statement(speaker=speaker, verb=d.verb, text=text[d.start:d.end], start=d.start,
                                    end=d.end, meeting=mi))
    statements.sort(key=lambda x: x.start)
    return Records(meetings=tuple(meetings), statements=tuple(statements))


def _role(enc: Encounter, p: Entity, country: str | None, own: str | None, home: bool | None) -> str | None:
    if enc.kind in ("phone_call", "video_call"):
        return None
    is_subj = p.idx in enc.subj
    if enc.kind == "reception":
        return "host" if is_subj != enc.subj_guest else "guest"
    if enc.kind == "visit":
        return "guest" if country == own else "host"
    if home is None or own is None:
        return None
    ours = country == own
    return "host" if ours == home else "guest"
