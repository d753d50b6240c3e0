"""Attributed statements: reporting verbs, their subjects, passives, participles, direct speech."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .countries import find_countries, fold
from .kinds import CALLED_ON_OFFICE
from .people import HEADS, Mention, find_people, find_unnamed
from .roster import Entity, Roster
from .text import Sentence

_REPORTING_VERBS = (
    r"noted|stressed|emphasi[sz]ed|underlined|underscored|highlighted|informed|briefed|presented|said|stated|"
    r"expressed|welcomed|congratulated|thanked|appreciated|acknowledged|reaffirmed|reiterated|agreed|"
    r"called\s+(?:on|upon|for)(?!\s+(?:H\.\s?E\.|His|Her|President|Prime|King|Queen|Crown|Chairman|Speaker|Governor|Emir|Sultan|the\s+(?:President|Prime|King|Crown|Chairman|Speaker|Emir)"
    r"|" + CALLED_ON_OFFICE + r"))|urged|invited|condemned|reassured|recalled|asked|pointed\s+out|shared|wished|"
    r"vowed|confirmed|assured|proposed|suggested|raised|conveyed|extended|praised|commended|voiced|announced|"
    r"explained|outlined|described|remarked|declared|insisted|warned|hoped|made\s+(?:it\s+)?clear|was\s+clear|"
    r"updated|added|mentioned|indicated|observed|affirmed|requested|demanded|rejected|deplored|regretted|"
    r"offered|promised|pledged|gave|took\s+the\s+opportunity(?:\s+to\s+[a-z]+)?|drew\s+(?:the\s+)?attention|handed\s+over|replied|"
    r"responded|assessed|valued|hailed|lauded|clarified|elaborated|spoke\s+(?:about|of)|reported|supported|"
    r"signalled|signaled|opined|argued|asserted|cautioned|encouraged|recommended|reminded|protested|"
    r"issued\s+(?:the\s+following|a|this)\s+statement|accepted\s+(?:the|this|an|his|her)\s+invitation|"
    r"announces|answers|says|stresses|notes|states(?=\s+that\b|\s*:)|felicitated|greeted|lauded|thanks|concurred|looked\s+forward|"
    # present tense of a ministry's or a country's own statement ("Malaysia strongly condemns …")
    r"condemns|welcomes|urges|calls\s+(?:on|upon|for)|reaffirms|reiterates|expresses|rejects|deplores|regrets|"
    r"emphasi[sz]es|underlines|demands|appreciates|congratulates|denounces|supports|protests|commends|affirms|"
    r"recalls|insists|recogni[sz]es|reminds|advises|recommends|informs|strongly\s+protests"
)
_ING = (
    r"Noting|Recalling|Stressing|Emphasi[sz]ing|Underlining|Highlighting|Reiterating|Reaffirming|Expressing|"
    r"Welcoming|Thanking|Congratulating|Recognising|Recognizing|Acknowledging|Underscoring|Pointing\s+out|"
    r"Informing|Briefing|Calling\s+(?:on|upon|for)|Appreciating|Commending|Praising|Urging|Inviting|Condemning"
)
_TOPIC_V = (
    r"discussed|exchanged\s+(?:views|opinions|information|ideas)|reviewed|touched\s+upon|touched\s+on|focused\s+on|"
    r"considered|covered|coordinated|evaluated|explored|talked\s+about|examined|deliberated|"
    r"updated\s+each\s+other|had\s+an?\s+(?:\w+\s+){0,3}exchange|held\s+(?:an?\s+)?(?:\w+\s+){0,2}exchange"
)
_FIN_RE = re.compile(rf"\b(?P<v>{_REPORTING_VERBS})\b")
_TOPIC_RE = re.compile(rf"\b(?P<v>{_TOPIC_V})\b")
_LEAD_RE = re.compile(rf"^[“\"]?(?:(?:In addition|Furthermore|Moreover|Also|Besides),\s+)?(?P<v>{_ING})\b")
_TRAIL_RE = re.compile(rf"(?:,\s*|\s+and\s+)(?P<v>{_ING.lower()}|recognising|recognizing|adding|noting)\b(?P<that>\s+that)?")
_PRES_RE = re.compile(
    r"\b(?P<subj>[Ww]e|I)\s+(?:(?:also|strongly|once again|again|further|firmly|hereby|sincerely|resolutely)\s+)*"
    r"(?:(?:would\s+like|wish|want)\s+to\s+)?"
    r"(?P<v>call\s+(?:on|upon)|condemn|urge|consider|remind|welcome|express|convey|note|believe|reject|support|extend|offer|"
    r"hope|draw\s+(?:the\s+)?attention|(?:have\s+)?tak(?:e|en)\s+note|protest|(?:are|am)\s+convinced|congratulate|emphasi[sz]e|reiterate|reaffirm|stress|demand|denounce|regret|deplore|"
    r"appreciate|commend|recall|insist|expect|stand)\b"
)
_PRES_AND_RE = re.compile(
    r"(?:,\s*|\s)and\s+(?P<v>(?:(?:also|strongly|once again|again|further|firmly|resolutely)\s+)*"
    r"(?:call\s+(?:on|upon)|condemn|urge|remind|welcome|express|convey|reject|support|demand|denounce|regret|deplore|"
    r"reiterate|reaffirm|stress|emphasi[sz]e|insist))\b"
)
_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|been|is|are|being)\s+(?:(?:also|further|highly|once again|again|strongly|particularly|specially|especially|duly|warmly)\s+)*$")
_ADV_TAIL = re.compile(
    r"(?:\s|,)*(?:(?:also|further|once\s+again|again|then|later|in\s+turn|in\s+(?:his|her|its|their)\s+turn|moreover|"
    r"in\s+particular|particularly|especially|strongly|highly|repeatedly|firmly|warmly|sincerely|fully|briefly|"
    r"additionally|too|jointly|both|all|has|have|had|for\s+(?:his|her|their)\s+part|on\s+(?:his|her|its|their)\s+part|"
    r"to\s+this\s+end|in\s+this\s+(?:regard|respect|context|connection|vein)|in\s+that\s+regard|accordingly|therefore)(?:\s|,)*)*$"
)
_JOINT_RE = re.compile(
    r"(?:\b(?:they|both|both\s+sides|the\s+sides|the\s+parties|the\s+two\s+sides|the\s+two|both\s+parties|"
    r"the\s+two\s+(?:\w+\s+)?(?:ministers|leaders|officials|delegations|counterparts|diplomats|secretaries)|"
    r"both\s+(?:\w+\s+)?(?:ministers|leaders|sides|parties|delegations|officials|countries)|"
    r"the\s+(?:\w+\s+)?(?:ministers|leaders|officials|participants|delegations|interlocutors)|all\s+(?:parties|sides|participants)))$",
    re.IGNORECASE,
)
_GROUP_REF_RE = re.compile(
    r"(?:^|[\s,;])(?:the|The)\s+(?:visiting\s+|foreign\s+|\w+\s+)?(?:delegation|ambassadors|diplomats|guests|visitors|"
    r"heads\s+of\s+(?:diplomatic\s+)?missions?|parliamentarians|lawmakers|congressmen|members\s+of\s+the\s+delegation|"
    r"delegates|group)$")
_CLAUSE_BOUNDARY = re.compile(r",\s*and\s+|;\s*|,\s+while\s+|,\s+whereas\s+")
_APPOSITIVE_GAP = re.compile(
    r"^(?:\s+of\s+[A-Z][\w\-]+)?\s*,(?:[\s,]+|(?:[A-Z(][\w’'\-()]*|of|for|the|and|on|in|to)(?=[\s,]|$))*$"
)
_PRON_RE = re.compile(r"\b(?:he|she|He|She)$")
_WE_RE = re.compile(r"\b(?:we|We)$")
_I_RE = re.compile(r"(?:^|[\s,;])I$")
_SIDE_RE = re.compile(r"\bthe\s+(?P<who>[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?)\s+(?:side|delegation|party)$", re.IGNORECASE)
_TITLE_REF_RE = re.compile(
    r"(?:\b(?:the|The)\s+)?(?P<ref>(?:[A-Z][\w\-]*\s+){0,4}(?:Minister|Secretary|Ambassador|President|Director|Chairman|"
    r"Envoy|Representative|Co-Chairs?|Councilor|Councillor|Premier|Chancellor|Spokesperson|official|T[áa]naiste|Taoiseach|"
    r"Under-?[Ss]ecretary|(?:Under-?[Ss]ecretary|Secretary|Minister)\s+of\s+State)|"
    r"\b(?:the|The|an?|An?)\s+(?:[A-Z][\w\-]+\s+){0,2}(?:minister|secretary|ambassador|foreign\s+minister|envoy|spokes(?:person|man|woman)|"
    r"official|deputy\s+minister|president|director)|\bEAM|\bFM|\bMOS)$"
)
_LABEL_RE = re.compile(
    r"^\s*(?P<label>(?:[A-Z][A-Z.\-’' ]{2,60})|(?:[A-Z][\w.\-’' ]{1,60},\s*[A-Z][\w\-’ ]{2,40})|"
    r"(?:[A-Z][\w.\-]+(?:\s+[A-Z][\w.\-]+){0,3}))\s*:\s+(?P<rest>\S.*)$"
)
_FIRST_PERSON = re.compile(r"\b(?:I|I['’]m|I['’]ve|I['’]d|me|my|My|we|We|our|Our|us|let me|Let me|Let us)\b")
_FP_PHRASE = re.compile(r"\b(?:Let me|let me|Let us|I['’]m|I|My pleasure|We|we)\b(?:\s+[\w’']+){0,3}(?:(?<=\sto)\s+[\w’']+)?")


# direct speech that takes a position: a first-person stance verb opening the sentence ("I think", "Let me
# welcome", "We look forward", "I'm delighted", "My pleasure to", "My first announcement")
_STANCE = re.compile(
    r"[“\"‘']?(?:\([^)]{0,30}\)\s*)?(?:[A-Z][^,.;:]{0,40},\s+)?(?:(?:And|So|But|Obviously|Now|Today|Again|First(?:ly)?|Finally|Once again|and|so|but),?\s+)*"
    r"(?:(?:[Ll]et\s+me|[Ll]et\s+us|[Aa]llow\s+me\s+to)\b|My\s+(?:\w+\s+)?(?:pleasure|announcement|thanks|congratulations|condolences)\b"
    r"|(?:I|We)(?:['’](?:m|re|ve|d))?\s+(?:(?:also|really|very|truly|sincerely|strongly|firmly|resolutely|fully|deeply|greatly|"
    r"highly|once again|certainly|do|would|am|are|'m|’m)\s+)*"
    r"(?:think|believe|welcome|look(?:ing)?\s+forward|delighted|pleased|glad|happy|satisfied|hope|want|wish|like|thank|"
    r"appreciate|congratulate|condemn|call|urge|express|convey|reaffirm|reiterate|stress|emphasi[sz]e|note|support|"
    r"reject|regret|deplore|have\s+(?:two|three|a\s+few|few|some|an?)\s+announcements?|have\s+to\s+think|agree|"
    r"remain|stand|see|expect|consider|remind|recall|honou?red|grateful|committed|determined|concerned|proud|oppose|"
    r"intend|emphasi[sz]ed|stressed|underlined|made\s+(?:it\s+)?clear|told|disappointed|saddened|shocked|alarmed|"
    r"have\s+(?:(?:repeatedly|always|consistently|already|also|often)\s+)?(?:said|stated|noted|stressed|emphasi[sz]ed|made\s+(?:it\s+)?clear|pointed\s+out|taken\s+note)|"
    r"will\s+(?:(?:also|firmly|resolutely)\s+)?continue)\b)")
# a spokesperson's answer for the state: "China firmly opposes …", "Russia welcomes …"
_STATE_STANCE = re.compile(
    r"[“\"]?(?P<state>[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+){0,2})\s+(?:(?:firmly|strongly|always|consistently|resolutely|fully|"
    r"once\s+again|also|highly)\s+)*(?:supports|opposes|welcomes|condemns|rejects|calls\s+(?:on|upon|for)|urges|"
    r"stands|believes|hopes|appreciates|values|reaffirms|reiterates|remains|is\s+(?:ready|willing|committed|concerned|"
    r"opposed|convinced))\b")


@dataclass(slots=True)
class StatementDraft:
    speaker: Entity | None
    joint: bool
    verb: str
    start: int
    end: int
    sent: int
    agents: list[Entity] = field(default_factory=list)


@dataclass(slots=True)
class Context:
    roster: Roster
    among: set[int]
    last: Entity | None = None
    spokes: Entity | None = None
    author: Entity | None = None  # the "I" of the release (a minister's own media release or statement)
    author_we: bool = False  # "We ..." of a release without an encounter is the author's
    create_unnamed: bool = False  # the encounter lacks a side: an unnamed subject may be it


def _mentions(sentence: Sentence, ctx: Context) -> list[tuple[Mention, Entity]]:
    named = find_people(sentence.text, sentence.start, ctx.roster.known_keys())
    out = [(mention, ctx.roster.add(mention)) for mention in named]
    for unnamed in find_unnamed(sentence.text, sentence.start):
        if any(unnamed.start < mention.end and mention.start < unnamed.end for mention in named):
            continue
        entity = ctx.roster.resolve_unnamed(unnamed, ctx.among, ctx.create_unnamed)
        if entity is not None:
            out.append((unnamed, entity))
    out.sort(key=lambda pair: pair[0].start)
    return out


# (speaker, joint, agents) of one reporting verb
Subject = tuple[Entity | None, bool, list[Entity]]


def _subject(
    sentence: Sentence, pos: int, ments: list[tuple[Mention, Entity]], ctx: Context, prev: StatementDraft | None
) -> Subject | None:
    """(speaker, joint, agents) for the finite verb at sentence offset *pos*, or None if no subject."""
    before = sentence.text[:pos]
    tail_from = max(0, pos - 160)
    stripped = before[:tail_from] + _ADV_TAIL.sub("", before[tail_from:])
    cut = len(stripped)
    stripped_tail = stripped[max(0, cut - 160):]
    if re.search(r"(?:Minister|Secretary|Ambassador|President|Councilor|Representative|[A-Z][a-z]+)\s+and\s+(?:the\s+)?"
                 r"(?:[A-Z][\w\-]*\s+){0,3}(?:Minister|Secretary|Ambassador|President|Councilor|Representative|[A-Z][a-z]+)$",
                 stripped_tail) and not _one_titled_mention(sentence, cut, ments) and not re.search(r"\\b(?:with|to|on|from|by|for|of)\\s+(?:the\\s+)?(?:[A-Z][\\w\\-]*\\s+){0,4}\\w+\\s+and\\s+(?:the\\s+)?(?:[A-Z][\\w\\-]*\\s+){0,3}\\w+$", stripped_tail):
        return None, True, []
    framed = _FRAMED_REF.match(stripped_tail.strip()) if len(before) < 240 else None
    if framed:
        # "During the meeting with X, the Minister conveyed …": the opening names the counterpart, the title
        # after it is the subject (not an appositive of X)
        framed_out = {entity.idx for mention, entity in ments if mention.start - sentence.start < framed.start("ref")}
        ref = ctx.roster.by_title(framed.group("ref"), among=ctx.among - framed_out or None,
                                  prefer=[ctx.last.idx] if ctx.last else None)
        if ref is not None and ref.idx not in framed_out:
            return ref, False, [ref]
    decided, subject = _mention_subject(sentence, cut, ments, prev)
    if decided:
        return subject
    appositive = _appositive_subject(sentence, cut, ments)
    if appositive is not None:
        return appositive
    present = bool(re.match(r"[a-z]+s\b(?<!ss)", sentence.text[pos:pos + 20])) and not sentence.text[pos:pos + 20].startswith("was")
    referred = _referred_subject(before, stripped_tail, ctx, prev, present)
    if referred is None and prev is None and _COORDINATED.search(stripped_tail):
        return _opening_subject(sentence, pos, ments) or _opening_title(sentence, pos, ctx)
    return referred


_FRAMED_REF = re.compile(
    r"(?:During|At|In|After|Following)\s+(?:the|their|his|her|a|an)\s+[^,]{0,80}?\b(?:with|to)\s+[^,]{2,80},\s+"
    r"(?P<ref>(?:the|The)\s+(?:[A-Z][\w\-]*\s+){0,3}(?:Minister|Secretary|Ambassador|President|Spokesperson|Director|"
    r"Chairman|Envoy|Representative|T[áa]naiste))")


# "… and wished them success", "…, discussed X and emphasized that …": a verb coordinated with the
# sentence's first predicate shares its subject
_COORDINATED = re.compile(r"(?:,|\band)\s*$")
# what may open a sentence before its subject: a paragraph number, then adverbials ("Then, ", "In turn, ")
_OPENERS = r"(?:\d{1,3}[.)]\s+)?(?:(?:[A-Z][^,;]{0,80}|in\s+turn|also|then|later)\s*,\s*)*"
_OPENING = re.compile(_OPENERS + r"(?:the\s+|The\s+)?")
_OPENING_TITLE = re.compile(
    _OPENERS +
    r"(?P<ref>EAM|FM|MOS|(?:the|The)\s+(?:[A-Z][\w\-]*\s+){0,3}(?:Minister|Secretary|Ambassador|President))\s+(?:also\s+)?[a-z]+")


def _opening_title(sentence: Sentence, pos: int, ctx: Context) -> Subject | None:
    """"2. EAM called on President X and conveyed …": a title reference opening the sentence."""
    found = _OPENING_TITLE.match(sentence.text)
    if not found or found.end() > pos or re.search(r"\b(?:that|who|which|while|but)\b|[;:“\"]",
                                                   sentence.text[found.end():pos]):
        return None
    ref = ctx.roster.by_title(found.group("ref"), among=ctx.among, prefer=[ctx.last.idx] if ctx.last else None)
    return (ref, False, [ref]) if ref is not None else None


def _opening_subject(sentence: Sentence, pos: int, ments: list[tuple[Mention, Entity]]) -> Subject | None:
    """The subject opening the sentence ("Then, Minister X received … and wished …"): the first mention,
    preceded by nothing but opening adverbials, whose predicate comes before *pos* (no "said that" between)."""
    if not ments:
        return None
    mention, entity = ments[0]
    rel_start, rel_end = mention.start - sentence.start, mention.end - sentence.start
    if rel_end >= pos or not _OPENING.fullmatch(sentence.text[:rel_start]):
        return None
    between = sentence.text[rel_end:pos]
    if re.search(r"\b(?:that|who|which|whom|whose|while|whereas|but)\b|[;:“\"]", between):
        return None
    if any(re.search(r"(?:,|\band)\s*(?:the\s+)?$", sentence.text[: other.start - sentence.start])
           and other.end - sentence.start < pos and other_entity is not entity
           and re.match(r"\s*(?:also\s+)?[a-z]+ed\b", sentence.text[other.end - sentence.start:])
           for other, other_entity in ments[1:]):
        return None  # a second subject ("X met Y, and Z thanked …")
    if re.search(r"\b(?:Ministers|Secretaries|Ambassadors|[Ll]eaders|[Dd]elegations|[Oo]fficials|[Ss]ides)\b",
                 sentence.text[rel_start:rel_end]):
        return None, True, []  # "Foreign Ministers of A, B and C met … and agreed"
    if entity.name is None and not entity.heads:
        return None
    return entity, False, [entity]


def _one_titled_mention(sentence: Sentence, cut: int, ments: list[tuple[Mention, Entity]]) -> bool:
    """"Minister for Foreign Affairs and Cooperation X updated …": one person whose title holds "and"."""
    for mention, _entity in ments:
        title_text = sentence.text[mention.start - sentence.start: mention.name_start - sentence.start]
        if mention.name and abs(mention.end - sentence.start - cut) <= 1 and " and " in title_text and not (
                set(re.findall(r"[\w\-]+", fold(title_text.rsplit(" and ", 1)[1]))) & HEADS):
            return True
    return False


def _mention_subject(sentence: Sentence, cut: int, ments: list[tuple[Mention, Entity]],
                     prev: StatementDraft | None) -> tuple[bool, Subject | None]:
    """A named/unnamed mention ending right before the verb decides the subject: (True, subject), where the
    subject is None for an object of the clause without a subject; (False, None) when there is none."""
    for idx in range(len(ments) - 1, -1, -1):
        mention, _entity = ments[idx]
        mend = mention.end - sentence.start
        if mend <= cut + 1 and mend >= cut - 1 and mend > 0:
            return True, _subject_of_mention(sentence, idx, ments, prev)
        if mend < cut - 1:
            break
    return False, None


def _subject_of_mention(sentence: Sentence, idx: int, ments: list[tuple[Mention, Entity]],
                        prev: StatementDraft | None) -> Subject | None:
    mention, entity = ments[idx]
    pre = sentence.text[: mention.start - sentence.start].rstrip()
    if re.search(r"\b(?:with|to|on|from|by|for|of|met|received|called|visited|congratulated|thanked|briefed|"
                 r"informed|invited|summoned|between|and)$", pre) and not re.search(r"\band$", pre):
        # an object of the clause ("held a meeting with X, ..., discussed"): the clause subject speaks
        for earlier_mention, earlier_entity in reversed(ments[:idx]):
            pre2 = sentence.text[: earlier_mention.start - sentence.start].rstrip()
            if not re.search(r"\b(?:with|to|on|from|by|for|of|between)$", pre2):
                return earlier_entity, False, [earlier_entity]
        if prev is not None:
            return prev.speaker, prev.joint, []
        return None
    agents = [entity]
    # "X and Y agreed"
    head = sentence.text[: mention.start - sentence.start]
    for earlier_mention, earlier_entity in reversed(ments):
        if earlier_mention.end - sentence.start <= len(head) and re.fullmatch(
            r"\s*(?:,\s*)?(?:and|as well as)\s*(?:the\s+)?", head[earlier_mention.end - sentence.start:]
        ):
            agents.insert(0, earlier_entity)
            head = sentence.text[: earlier_mention.start - sentence.start]
    if len(agents) > 1:
        return None, True, agents
    return entity, False, agents


def _appositive_subject(sentence: Sentence, cut: int, ments: list[tuple[Mention, Entity]]) -> Subject | None:
    """"X, the Minister of ..., stressed": the last named mention before an appositive gap."""
    for mention, entity in reversed(ments):
        rel_end = mention.end - sentence.start
        if mention.name is None or rel_end >= cut:
            continue
        if cut - rel_end < 220 and _APPOSITIVE_GAP.match(sentence.text[rel_end:cut]) \
                and not re.search(r"\b(?:with|to|on|from|by|of|between)\s*$", sentence.text[: mention.start - sentence.start]):
            return entity, False, [entity]
        break
    return None


def _referred_subject(before: str, stripped_tail: str, ctx: Context, prev: StatementDraft | None,
                      present: bool = False) -> Subject | None:
    """A subject referred to: "he", "the Turkish side", "the sides", "the Minister", "we", "I", a ministry,
    government or country opening the sentence, or the previous statement's across "and" / "but"."""
    subject_text = stripped_tail.strip()
    opening = before.lstrip()
    adverbial = _OPENING_ADVERBIAL.match(opening)
    if adverbial:
        # "In response to …, the Ministry of Foreign Affairs reiterates": an opening adverbial before the subject
        opening = opening[adverbial.end():]
        subject_text = _ADV_TAIL.sub("", opening).strip()
    institution = _INSTITUTION_SUBJECT.fullmatch(subject_text)
    if institution and len(opening) < 160 and opening.startswith(subject_text) and (
            institution.group("inst") or (present and _whole_country(institution.group("state")))):
        voice = ctx.spokes or ctx.author
        if institution.group("state") and voice is not None and voice.name:
            return voice, False, [voice]  # "Ukraine condemns …" in a spokesperson's comment or a minister's statement
        speaker = ctx.roster.add_institution(institution.group("inst") or institution.group("state"))
        return speaker, False, [speaker]
    if _PRON_RE.search(stripped_tail):
        who = ctx.last or ctx.spokes
        return (who, False, [who] if who else [])
    side_ref = _SIDE_RE.search(stripped_tail)
    if side_ref:
        side = ctx.roster.by_title(side_ref.group("who"), among=ctx.among)
        if side is None and ctx.spokes is not None and country_side(side_ref.group("who")) == ctx.roster.own:
            return ctx.spokes, False, [ctx.spokes]  # an answering spokesperson's "the Armenian side has …"
        return (side, side is None, [side] if side else [])
    group_ref = _GROUP_REF_RE.search(stripped_tail)
    if group_ref:
        groups = [entity for entity in ctx.roster.entities if entity.group and entity.idx in ctx.among]
        if len(groups) == 1:
            return groups[0], False, []  # "The delegation expressed interest …": the group counterpart speaks
    if _JOINT_RE.search(stripped_tail):
        return None, True, []
    title_ref = _TITLE_REF_RE.search(stripped_tail)
    if title_ref:
        ref = ctx.roster.by_title(title_ref.group("ref"), among=ctx.among, prefer=[ctx.last.idx] if ctx.last else None)
        if ref is None:
            ref = _unnamed_speaker(title_ref.group("ref"), ctx)
        if ref is not None:
            return ref, False, [ref]
    if _WE_RE.search(stripped_tail):
        voice = ctx.spokes or (ctx.author if ctx.author_we else None)
        if voice is None:
            return None  # "… that we agreed to …" inside someone's quoted words: no act of its own
        return voice, False, []
    if _I_RE.search(stripped_tail) and ctx.author is not None:
        return ctx.author, False, [ctx.author]
    if prev is not None and (re.search(r"(?:,|\band|\bbut|;)\s*$", before[-12:])
                             or re.search(r"(?:,|\band|\bbut|;)\s*$", stripped_tail[-12:])):
        return prev.speaker, prev.joint, []
    return None


_OPENING_ADVERBIAL = re.compile(r"(?:In\s+response\s+to|Following|After|Ahead\s+of|Before|Regarding|Concerning|"
                                r"In\s+connection\s+with|In\s+view\s+of|On\s+the\s+occasion\s+of|Further\s+to|Amid|"
                                r"In\s+light\s+of|With\s+regard\s+to|Today|Yesterday|This\s+(?:morning|week))\b[^,;]{0,200},\s+")
_INSTITUTION_SUBJECT = re.compile(
    r"(?:[Tt]he\s+)?(?:(?P<inst>(?:(?:Press|Information)\s+(?:Service\s+)?(?:Department|Office)\s+of\s+the\s+)?"
    r"(?:(?:Federal\s+|Royal\s+)?(?:Ministry|Foreign\s+Ministry|Government|Foreign\s+Office|Department|Secretariat)|MFA|MOFA|DFA|FCDO)\b"
    r"(?:\s+(?:of|for)\s+(?:the\s+)?[A-Z][\w\-]*(?:\s+(?:of|the|and|for|[A-Z][\w\-]*|\([A-Z][\w\-]*\)))*)?)"
    r"|(?P<state>[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+){0,3}))"
)


def _unnamed_speaker(ref: str, ctx: Context) -> Entity | None:
    """An office holder known only by title who speaks ("An FCDO spokesperson said:", "the Foreign Office
    spokesman stated"; in a release without an encounter also "The Foreign Minister had stated"): an unnamed
    speaker, never a person; a spokesperson also speaks the quoted "We …" that follows."""
    ref = re.sub(r"^(?:the|The|an?|An?)\s+", "", ref.strip())
    spokes = re.search(r"(?i)spokes", ref) is not None
    if not spokes and not ctx.author_we:
        return None
    head = fold(ref.split()[-1])
    entity = ctx.roster.add(Mention(0, 0, 0, 0, None, ref, None, None, frozenset({head})))
    if spokes and ctx.spokes is None:
        entity.spokes = True
        ctx.spokes = entity
    return entity


def _whole_country(phrase: str | None) -> bool:
    found = find_countries(phrase or "")
    return bool(found) and found[0][0] == 0 and found[0][1] == len(phrase or "")


# ", … countries," said Minister X' / '… ,’ says Foreign Minister X': the speaker follows the verb
_QUOTE_CLOSE = re.compile(r"[,.!?…]?\s*[”\"’']\s*,?\s*$")


def _inverted_speaker(sentence: Sentence, verb_end: int, ments: list[tuple[Mention, Entity]], ctx: Context) -> Entity | None:
    for mention, entity in ments:
        if verb_end <= mention.start - sentence.start <= verb_end + 2 or re.fullmatch(
                r"\s+(?:(?:Mr|Ms|Mrs|Dr|H\.\s?E|Prof)\.?\s+)?", sentence.text[verb_end:max(verb_end, mention.name_start - sentence.start)]):
            return entity
    title_ref = re.match(r"\s+(?:the\s+)?((?:[A-Z][\w\-]*\s+){0,4}(?:Minister|Secretary|Ambassador|Spokesperson|T[áa]naiste))\b",
                         sentence.text[verb_end:])
    if title_ref:
        return ctx.roster.by_title(title_ref.group(1), among=ctx.among, prefer=[ctx.last.idx] if ctx.last else None)
    return None


_EXPRESS_OBJECT = re.compile(
    r"\s+((?:(?:his|her|their|its|our|my|the|deep|deepest|sincere|sincerest|full|great|profound|heartfelt|strong|"
    r"warm|utmost|once\s+again|also|[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,3}(?:['’]s|s['’]))\s+)*)([a-z]+)")


def _with_object(verb: str, after: str) -> str:
    """"expressed his deep satisfaction": an "express" verb keeps its object noun."""
    if verb.lower().split()[-1].startswith("express"):
        object_noun = _EXPRESS_OBJECT.match(after)
        if object_noun and object_noun.group(2) not in ("that", "to", "a", "an", "on", "in", "for"):
            return (verb + " " + (object_noun.group(1) or "") + object_noun.group(2)).replace("  ", " ")
    return verb


def _verb_phrase(text: str, verb_match: re.Match[str]) -> str:
    return _with_object(verb_match.group("v"), text[verb_match.end():])


def _finish_spans(items: list[tuple[int, StatementDraft]], sentence: Sentence) -> list[StatementDraft]:
    items.sort(key=lambda item: item[0])
    out: list[StatementDraft] = []
    for position, (start, statement) in enumerate(items):
        end = items[position + 1][0] if position + 1 < len(items) else len(sentence.text)
        seg = sentence.text[start:end]
        seg_r = re.sub(r"(?:[\s,;]|\band\b|\bbut\b)+$", "", seg)
        seg_l = len(seg_r) - len(seg_r.lstrip())
        statement.start = sentence.start + start + seg_l
        statement.end = sentence.start + start + len(seg_r)
        if statement.end > statement.start:
            out.append(statement)
    return out


@dataclass(slots=True)
class _SentenceScan:
    """The state of reading one sentence's reporting verbs, left to right."""

    sentence: Sentence
    sentence_index: int
    ctx: Context
    mentions: list[tuple[Mention, Entity]]
    events: list[tuple[int, re.Match[str], bool]]  # (offset, verb match, is a topic verb)
    items: list[tuple[int, StatementDraft]] = field(default_factory=list)  # (start offset, statement)
    agents: list[Entity] = field(default_factory=list)
    prev: StatementDraft | None = None
    pending: StatementDraft | None = None  # a leading participle's statement waiting for its speaker


# "In response to X's expression of concerns about …": a nominal act of the possessor
_NOMINAL_EXPRESSION = re.compile(r"['’]s?\s+(?P<v>expressions?\s+of\s+(?:(?:deep|serious|sincere|strong|grave)\s+)?[a-z]+)")


def _nominal_expressions(scan: _SentenceScan) -> list[tuple[int, StatementDraft]]:
    out: list[tuple[int, StatementDraft]] = []
    for found in _NOMINAL_EXPRESSION.finditer(scan.sentence.text):
        for mention, entity in scan.mentions:
            if mention.name and mention.end - scan.sentence.start == found.start():
                out.append((mention.start - scan.sentence.start if out or scan.items else 0,
                            StatementDraft(entity, False, found.group("v"), 0, 0, scan.sentence_index, [entity])))
    return out


# "There was unanimous agreement that …" (joint), "Emphasis was placed on …" (agentless)
_AGENTLESS_RE = re.compile(
    r"^(?:(?:During|At|In)\s+[^,]{3,80},\s+)?(?P<v>(?P<agree>There\s+was\s+(?:(?:an?|unanimous|broad|full|general|common)\s+)?"
    r"(?:agreement|consensus|understanding))|(?:[Ee]mphasis|[Ss]tress|[Pp]articular\s+attention)\s+was\s+(?:also\s+)?(?:placed|laid|put|paid)\s+on)\b")


def sentence_statements(sentence_index: int, sentence: Sentence, ctx: Context) -> tuple[list[StatementDraft], list[Entity]]:
    """Statements of one sentence and the agents of its topic verbs."""
    agentless = _AGENTLESS_RE.match(sentence.text)
    if agentless:
        act = StatementDraft(None, agentless.group("agree") is not None, agentless.group("v"), sentence.start,
                             sentence.end, sentence_index)
        return _finish_spans([(0, act)], sentence), []
    lead = _LEAD_RE.match(sentence.text)
    fin = list(_FIN_RE.finditer(sentence.text))
    topic = list(_TOPIC_RE.finditer(sentence.text))
    if not fin and not topic and not lead:
        return [], []
    events: list[tuple[int, re.Match[str], bool]] = [(verb_match.start(), verb_match, False) for verb_match in fin] + [
        (verb_match.start(), verb_match, True) for verb_match in topic
    ]
    events.sort(key=lambda event: event[0])
    scan = _SentenceScan(sentence, sentence_index, ctx, _mentions(sentence, ctx), events)
    if lead:
        comma = sentence.text.find(",", lead.end())
        if comma > 0 and len(sentence.text[:comma].split()) >= 5:
            scan.pending = StatementDraft(None, False, lead.group("v"), 0, 0, sentence_index)
            scan.items.append((0, scan.pending))
    if "expression" in sentence.text:
        scan.items.extend(_nominal_expressions(scan))
    for pos, verb_match, is_topic in events:
        if lead and pos < lead.end():
            continue
        if _PASSIVE_BEFORE.search(sentence.text[:pos][-60:]):
            if not is_topic:
                _read_passive(scan, pos, verb_match)
        else:
            _read_active(scan, pos, verb_match, is_topic)
    items = scan.items
    pending = scan.pending
    if pending is not None and pending.speaker is None and not pending.joint:
        items = [item for item in items if item[1] is not pending]
    return _finish_spans(items, sentence), scan.agents


_ADVICE_VERBS = frozenset({"advised", "urged", "encouraged", "reminded", "requested", "asked", "recommended", "informed"})


def _read_passive(scan: _SentenceScan, pos: int, verb_match: re.Match[str]) -> None:
    """"X was stressed (by Y)": the agent after "by" speaks; inside an earlier that-clause it folds in."""
    sentence = scan.sentence
    if verb_match.group("v") == "updated":
        return  # "This information has recently been updated": page notices, never an act of speech
    before = sentence.text[:pos]
    agent_m = re.match(r"\s+by\s+", sentence.text[verb_match.end():])
    speaker: Entity | None = None
    if agent_m:
        agent_at = verb_match.end() + agent_m.end()
        for mention, entity in scan.mentions:
            if mention.start - sentence.start >= agent_at - 1 and mention.start - sentence.start <= agent_at + 30:
                speaker = entity
                break
    prev = scan.prev
    if prev is not None and re.search(r"\bthat\b", sentence.text[prev.start - sentence.start if prev.start else 0:pos]) and speaker is None:
        return
    before_tail = before[-60:]
    passive_verb = re.search(r"(?:\bIt\s+|\bit\s+|\b(?:An?\s+|The\s+)?(?:[Ii]nvitation|[Ee]mphasis|[Ii]nformation|[Ss]upport|"
                             r"[Aa]ppreciation|[Gg]ratitude|[Cc]ondolences)\s+)?\b(?:was|were)\s+(?:\w+\s+){0,2}$", before_tail)
    verb_start = pos - len(before_tail) + passive_verb.start() if passive_verb else pos
    start = verb_start
    if scan.items and not (passive_verb and passive_verb.group(0).lower().startswith("it")):
        # "..., and the need for X was stressed": the clause starts after the last boundary
        last_start = max(item[0] for item in scan.items)
        ends = [boundary.end() for boundary in _CLAUSE_BOUNDARY.finditer(sentence.text, last_start, pos)]
        if ends:
            start = ends[-1]
    if speaker is None and scan.ctx.author_we and scan.ctx.author is not None and scan.ctx.author.name is None \
            and not scan.ctx.author.heads and verb_match.group("v") in _ADVICE_VERBS:
        speaker = scan.ctx.author  # "Singaporeans … are advised to stay vigilant": the issuing ministry advises
    statement = StatementDraft(speaker, False, (before[verb_start:] + verb_match.group("v")).strip(), 0, 0,
                               scan.sentence_index, [speaker] if speaker else [])
    if speaker is not None:
        scan.ctx.last = speaker
    scan.items.append((0 if not scan.items else start, statement))
    scan.prev = statement


# a ceremonial act, not a statement: "presented a copy of his credentials", "handed over letters of thanks"
_CEREMONY = re.compile(
    r"\s+(?:to\s+[^,.;]{2,60}?\s+)?(?:(?:a|an|the|his|her|their|its)\s+)?(?:(?:\w+|copy|copies)\s+of\s+(?:(?:the|his|her|their)\s+)?)?"
    r"(?:(?:official|honorary|state|commemorative|certificates?\s+of)\s+)?"
    r"(?:credentials|letters?\s+of\s+(?:credence|thanks|appreciation|recall)|awards?|medals?|orders?\s+of|certificates?|diplomas?|"
    r"gifts?|souvenirs?|keys?|books?|wreaths?|flowers|decorations?|insignia|plaques?|badges?)\b")
_CEREMONY_VERBS = frozenset({"presented", "handed over", "gave", "offered", "extended"})


def _read_active(scan: _SentenceScan, pos: int, verb_match: re.Match[str], is_topic: bool) -> None:
    """A finite reporting (or topic) verb with its subject; nominal "expression of" etc. are skipped by the
    verb list; participles are handled by `_trailing`."""
    if verb_match.group("v") in _CEREMONY_VERBS and _CEREMONY.match(scan.sentence.text, verb_match.end()):
        return
    subj: Subject | None = None
    if not is_topic and verb_match.group("v") in ("said", "says", "added", "adds", "stressed", "noted") and \
            (_QUOTE_CLOSE.search(scan.sentence.text[:pos]) or scan.sentence.text[:pos].rstrip().endswith(",")):
        inverted = _inverted_speaker(scan.sentence, verb_match.end(), scan.mentions, scan.ctx)
        if inverted is not None:
            subj = (inverted, False, [inverted])
    if subj is None:
        subj = _subject(scan.sentence, pos, scan.mentions, scan.ctx, scan.prev)
    if subj is None:
        return
    speaker, joint, subject_agents = subj
    scan.agents.extend(agent for agent in subject_agents if agent is not None)
    pending = scan.pending
    if is_topic:
        if pending is not None and pending.speaker is None:
            pending.speaker, pending.joint = speaker, joint
        scan.prev = StatementDraft(speaker, joint, "", 0, 0, scan.sentence_index)
    else:
        if speaker is not None and not joint:
            scan.ctx.last = speaker
        statement = StatementDraft(speaker, joint, _verb_phrase(scan.sentence.text, verb_match), 0, 0,
                                   scan.sentence_index, [agent for agent in subject_agents if agent is not None])
        if pending is not None and pending.speaker is None and not pending.joint:
            pending.speaker, pending.joint = speaker, joint
            scan.pending = None
        scan.items.append((_statement_start(scan, pos) if scan.items else 0, statement))
        scan.prev = statement
        if statement.verb.lower().startswith("express"):
            scan.items.extend(_second_objects(scan, verb_match, pos, speaker, joint))
    scan.items.extend(_trailing(scan.sentence, verb_match, pos, scan.events, speaker, joint, scan.sentence_index))


# "expressed his gratitude for …, and his desire to …": a second stance expressed in one verb
_SECOND_OBJECT = re.compile(
    r",?\s+and\s+(?P<obj>(?:his|her|their|its|the)\s+(?:(?:deep|sincere|strong|firm|full)\s+)?(?:hope|desire|wish|readiness|"
    r"interest|gratitude|appreciation|support|concern|confidence|satisfaction|willingness|intention|condolences|"
    r"solidarity|commitment))\b")


def _second_objects(scan: _SentenceScan, verb_match: re.Match[str], pos: int, speaker: Entity | None,
                    joint: bool) -> list[tuple[int, StatementDraft]]:
    seg_end = next((nxt for nxt, _match, _topic in scan.events if nxt > pos), len(scan.sentence.text))
    return [(found.start("obj"), StatementDraft(speaker, joint, f"{verb_match.group('v')} ... {found.group('obj')}",
                                                0, 0, scan.sentence_index, []))
            for found in _SECOND_OBJECT.finditer(scan.sentence.text, verb_match.end(), seg_end)]


def _statement_start(scan: _SentenceScan, pos: int) -> int:
    """Where a statement after the first starts: at its subject's mention, or at "the sides", "he" …"""
    sentence = scan.sentence
    before = sentence.text[:pos]
    start = pos
    for mention, _entity in scan.mentions:
        if mention.end - sentence.start <= pos and mention.end - sentence.start >= pos - 40 and mention.end - sentence.start >= len(
                before[: max(0, pos - 160)] + _ADV_TAIL.sub("", before[max(0, pos - 160):])) - 1:
            start = mention.start - sentence.start
    before_tail = before[-60:]
    joint_subject = re.search(r"\b(?:[Tt]he\s+sides|[Tt]hey|[Bb]oth(?:\s+\w+)?|[Hh]e|[Ss]he|[Tt]he\s+\w+(?:\s+\w+)?)\s*(?:also\s+)?$", before_tail)
    if joint_subject and start == pos and scan.prev is not None and not re.search(r"(?:,|\band)\s*$", _ADV_TAIL.sub("", before_tail)):
        start = pos - len(before_tail) + joint_subject.start()
    return start


def _trailing(sentence: Sentence, verb_match: re.Match[str], pos: int, events: list[tuple[int, re.Match[str], bool]],
              speaker: Entity | None, joint: bool, sentence_index: int) -> list[tuple[int, StatementDraft]]:
    """Trailing participles: "..., noting that ..." folds into the statement; "..., thanking X" is its own."""
    seg_end = len(sentence.text)
    for nxt_pos, _match, _is_topic in events:
        if nxt_pos > pos:
            seg_end = nxt_pos
            break
    out: list[tuple[int, StatementDraft]] = []
    for trailing in _TRAIL_RE.finditer(sentence.text, verb_match.end(), seg_end):
        if trailing.group("that") or trailing.group("v") in ("adding", "noting"):
            continue
        out.append((trailing.start("v"), StatementDraft(speaker, joint, trailing.group("v"), 0, 0, sentence_index, [])))
    return out


def present_statements(sentence_index: int, sentence: Sentence, ctx: Context) -> list[StatementDraft]:
    """First-person plural statements of a ministry or spokesperson ("We call on ...")."""
    out: list[tuple[int, StatementDraft]] = []
    for found in _PRES_RE.finditer(sentence.text):
        who = ctx.author if found.group("subj") == "I" else (ctx.spokes or (ctx.author if ctx.author_we else None))
        if found.group("subj") == "I" and who is None:
            continue
        verb = _with_object(found.group(0)[: found.end("v") - found.start()], sentence.text[found.end("v"):])
        out.append((found.start() if out else 0, StatementDraft(who, False, verb, 0, 0, sentence_index)))
        # "We consider … and strongly condemn it": a coordinated verb of the same subject is its own act
        nxt = _PRES_RE.search(sentence.text, found.end())
        limit = nxt.start() if nxt else len(sentence.text)
        for coordinated in _PRES_AND_RE.finditer(sentence.text, found.end(), limit):
            out.append((coordinated.start("v"), StatementDraft(who, False, coordinated.group("v"), 0, 0, sentence_index)))
    return _finish_spans(out, sentence)


def speech_label(line: str, roster: Roster, text: str) -> tuple[Entity | None, int] | None:
    """'SECRETARY KERRY: ...' → (speaker, offset of the speech within the line)."""
    labelled = _LABEL_RE.match(line)
    if not labelled:
        return None
    label = labelled.group("label").strip()
    rest = labelled.group("rest")
    if fold(label) in ("answer", "question", "a", "q", "source", "headline", "tag", "note", "photo"):
        return None
    known_spokesperson = roster.by_name(label)
    if not _FIRST_PERSON.search(rest) and not re.search(
            r"(?i)\b(?:spokes\w*|minister|secretary|ambassador|president|mr|ms|mrs|dr|shri)\b", label) and not (
            known_spokesperson is not None and known_spokesperson.spokes):
        return None
    found = find_people(label + " said", 0, roster.known_keys())
    if not found:
        return None
    men = found[0]
    speaker = roster.by_name(men.name or "") if men.name else None
    if speaker is None and men.name:
        # a fuller form on its own line ("John Kerry")
        surname = re.escape(men.name.split()[-1].title())
        full_name = re.search(rf"(?m)^\s*([A-Z][a-z]+(?:\s+[A-Z]\.?)?\s+{surname})\s*$", text)
        if full_name:
            men = Mention(men.start, men.end, men.name_start, men.name_end, full_name.group(1), men.title, men.country,
                          men.organisation, men.heads)
        speaker = roster.add(men)
    return speaker, labelled.start("rest")


def speech_statements(sentence_index: int, sentence: Sentence, speaker: Entity | None, from_pos: int = 0,
                      stance_only: bool = False) -> list[StatementDraft]:
    """One statement per first-person sentence of direct speech (with `stance_only`, the remarks at an
    encounter: only sentences that open with a first-person stance, "I think", "Let me welcome")."""
    off = max(0, from_pos - sentence.start)
    body = sentence.text[off:]
    lead = len(body) - len(body.lstrip())
    state = _STATE_STANCE.match(body.lstrip())
    if state and _whole_country(state.group("state")):
        verb = body.lstrip()[state.end("state"):state.end()].strip()
        return [StatementDraft(speaker, False, verb, sentence.start + off + lead, sentence.end, sentence_index,
                               [speaker] if speaker else [])]
    if not _FIRST_PERSON.search(body):
        return []
    if stance_only and not _STANCE.match(body.lstrip()):
        return []  # "we have a lot to talk about", "From Portugal, …": speech, but no act of stance
    phrase = _FP_PHRASE.search(body)
    verb = phrase.group(0) if phrase else body.strip().split(",")[0][:40]
    return [StatementDraft(speaker, False, verb, sentence.start + off + lead, sentence.end, sentence_index, [speaker] if speaker else [])]


def country_side(phrase: str) -> str | None:
    countries = find_countries(phrase)
    return countries[0][2] if countries else None
