"""What the title and page header say about people: a speech's author, a spokesperson, the sides of a title
encounter ("A's meeting with B"), the minister whose own release it is."""

from __future__ import annotations

import dataclasses
import re

from .countries import country_name, fold
from .draft import ReleaseDraft
from .kinds import title_has_trigger
from .people import HEADS, Mention, find_people, find_unnamed
from .roster import Entity, same_office
from .text import Sentence

_SPEECH_TITLE = re.compile(
    r"\b(?:Remarks|Statement|Address|Speech|Comments?|Message)\s+(?:by|of)\s+(?P<who>.+?)(?:\s+(?:during|at|before|with|on|to|in)\b|$)"
    r"|^(?:No[:.]?\s*[\d/ ]+,\s*)?(?P<who2>[^’',:]{3,80}?)[’']s?\s+(?:opening\s+|closing\s+|introductory\s+)?(?:remarks|statement|speech|address)\b",
    re.IGNORECASE)

_INSTITUTION = re.compile(
    r"^(?:the\s+)?(?P<inst>(?:(?:Press|Information)\s+(?:Service\s+)?(?:Department|Office)\s+of\s+the\s+)?"
    r"(?:(?:[A-Z][\w\-]+\s+){0,2}(?:Ministry|Foreign\s+Ministry|Foreign\s+Office|Department|Embassy)\b[^,;:]{0,80}))$")

_SPOKESPERSON_TITLE = re.compile(r"[Ss]pokesperson\s+(?:of\s+[^,]+?,?\s+)?(?P<n>[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+){1,2})")

_ANSWERS_TITLE = re.compile(r"^(?:No[:.]?\s*[\d/ ]+,\s*)?(?P<n>[A-Z][\w\-]+\s+[A-Z][\w\-]+)?.{0,120}?\banswers?\b")

_TITLE_PAIR = (
    re.compile(r"(?P<a>.+?)[’']s?\s+(?:\w+\s+){0,2}(?:meeting|telephone conversation|phone conversation|phone call|"
               r"call|talks|conversation|consultations|videoconference)\s+with\s+(?P<b>.+)", re.IGNORECASE),
    re.compile(r"(?:meeting|meetings|telephone conversation|phone conversation|talks|consultations|(?:tele)?phone call|"
               r"video\s*conference|videoconference|video call|conversation)\s+"
               r"(?:of|between)\s+(?P<a>.+?)(?:\s+(?:with|and)\s+(?P<b>.+)|$)", re.IGNORECASE),
    re.compile(r"courtesy call (?:by|of)\s+(?P<b>.+?)\s+on\s+(?P<a>.+)", re.IGNORECASE),
    re.compile(r"(?P<a>.+?)\s+(?:met|meets|received|receives|held talks with|holds talks with|spoke with|speaks with|"
               r"speaks to|spoke to|summons|summoned)\s+(?:with\s+)?(?P<b>.+)", re.IGNORECASE),
    re.compile(r"Remarks\s+(?:With|by)\s+(?P<b>.+?)\s+Before\s+Their\s+Meeting", re.IGNORECASE),
    re.compile(r"(?P<a>.+?)[’']s?\s+(?:opening\s+|closing\s+|introductory\s+)?(?:remarks|statement)\s+(?:during|at|before)\s+"
               r"(?:the\s+)?(?:\w+\s+){0,2}(?:talks|meeting|negotiations|consultations)\s+with\s+(?P<b>.+)", re.IGNORECASE),
    re.compile(r"Remarks\s+by\s+(?P<a>.+?)\s+during\s+(?:his|her)\s+meeting\s+with\s+(?P<b>.+)", re.IGNORECASE),
)
# What a title must hold for each of _TITLE_PAIR to match it (a part of every match, with the
# same flags): a title without it is not searched. A pattern that opens with ".+?" tries
# every start of the title, each up to its end; these find the words in one pass.
_TITLE_PAIR_NEEDS = (
    re.compile(r"(?:meeting|telephone conversation|phone conversation|phone call|call|talks|conversation|"
               r"consultations|videoconference)\s+with\s", re.IGNORECASE),
    None,
    None,
    re.compile(r"\s(?:met|meets|received|receives|held talks with|holds talks with|spoke with|speaks with|"
               r"speaks to|spoke to|summons|summoned)\s", re.IGNORECASE),
    None,
    re.compile(r"(?:remarks|statement)\s+(?:during|at|before)\s", re.IGNORECASE),
    None,
)

# a minister's own site: "The Hon Penny Wong" / "Minister for Foreign Affairs" at the top of the page
_HEADER_AUTHOR = re.compile(
    r"(?m)^\s*(?:The\s+)?(?:Hon(?:ourable)?\.?|Senator(?:\s+the\s+Hon)?|Rt\.?\s+Hon\.?)\s+"
    r"(?P<name>[A-Z][a-z’'\-]+(?:\s+[A-Z][a-z’'\-]+){1,2})\s*\n\s*(?P<title>(?:[A-Z][\w\-]*\s+|of\s+|for\s+|and\s+){0,6}Minister(?:\s+(?:for|of)\s+[A-Z][\w ]{2,40})?)\s*$"
)


def is_title_line(sentence: Sentence, title: str | None) -> bool:
    """The sentence repeats the title (or most of it)."""
    if not title:
        return False
    line = sentence.text.strip().rstrip(".")
    bare_title = title.strip().rstrip(".")
    return bool(line) and (line == bare_title or (len(line) > 30 and (
        line in bare_title or (bare_title in line and len(line) < len(bare_title) + 30))))


def read_speech_author(draft: ReleaseDraft, title: str) -> None:
    """X of "Remarks by X", "Statement of X", "X's opening remarks"."""
    speech = _SPEECH_TITLE.search(title)
    if not speech:
        return
    who = speech.group("who") or speech.group("who2")
    named = find_people(who, 0)
    if named:
        draft.speech_author = draft.roster.add(named[0])
        return
    bare = re.sub(r"^(?:the|The)\s+", "", who.strip())
    unnamed = find_unnamed("the " + bare, 0)
    if not unnamed and fold(bare) in HEADS:  # "Statement by the Tánaiste"
        unnamed = [Mention(0, len(bare), 0, len(bare), None, bare, None, None, frozenset({fold(bare)}))]
    if unnamed:
        draft.speech_author = draft.roster.add(unnamed[0])
        _name_the_office(draft, draft.speech_author)
        return
    institution = _INSTITUTION.match(who.strip())
    if institution:
        # "Statement of the Ministry of Foreign Affairs of X": the ministry speaks the release's "We …"
        draft.speech_author = draft.roster.add_institution(institution.group("inst").strip(" ,"))


def _name_the_office(draft: ReleaseDraft, office: Entity) -> None:
    """"Statement by the Tánaiste", then "The Tánaiste and Minister for Foreign Affairs, X, …" in the opening
    prose: the office of the title is X (the roster folds the unnamed office into the named holder)."""
    for sentence in [sentence for sentence in draft.sentences if sentence.body][:3]:
        for mention in find_people(sentence.text, sentence.start):
            if mention.name and same_office(office.title, mention.title):
                draft.roster.add(mention)
                return


def read_title_spokesperson(draft: ReleaseDraft, title: str) -> None:
    """ "Spokesperson X …", else the official who "answers" questions in the title."""
    spokesperson = _SPOKESPERSON_TITLE.search(title)
    if spokesperson:
        named = find_people(spokesperson.group("n") + " said", 0)
        if named:
            mention = dataclasses.replace(named[0], title="Spokesperson", country=None, organisation=None,
                                          heads=frozenset({"spokesperson"}))
            draft.spokesperson = _as_spokesperson(draft.roster.add(mention))
    answers = _ANSWERS_TITLE.match(title)
    if answers and draft.spokesperson is None:
        named = find_people(title[: answers.end()], 0)
        if named:
            draft.spokesperson = _as_spokesperson(draft.roster.add(named[0]))


def _as_spokesperson(entity: Entity) -> Entity:
    entity.spokes = True
    return entity


def read_title_sides(draft: ReleaseDraft, title: str) -> None:
    """The two sides of an encounter title: "A's meeting with B", "Talks between A and B", "A met B"."""
    if draft.hard_negative or draft.soft_negative or not title_has_trigger(title):
        return
    for pattern, needs in zip(_TITLE_PAIR, _TITLE_PAIR_NEEDS, strict=True):
        if needs is not None and not needs.search(title):
            continue
        pair = pattern.search(title)
        if not pair:
            continue
        for group, side in (("a", draft.title_subjects), ("b", draft.title_objects)):
            segment = pair.groupdict().get(group)
            if segment:
                side.extend(_title_side_people(draft, segment))
        break


def _title_side_people(draft: ReleaseDraft, segment: str) -> list[Entity]:
    segment = re.sub(r"^(?:Press release on|Information .*? on the|on the|the)\s+", "", segment, flags=re.IGNORECASE)
    # "Ukraine – Jean-Noël Barrot’s telephone conversation …": a topic label before the dash
    segment = re.sub(r"^(?:[A-Z][\w’'\-]*\s+){1,4}[–—]\s+", "", segment)
    segment = re.sub(r"^(?:an?\s+)?(?:farewell\s+|introductory\s+)?courtesy\s+(?:call|visit)\s+(?:from|by)\s+", "",
                     segment, flags=re.IGNORECASE)
    segment = re.sub(r"\s*\((?:[A-Z][a-z]+ \d|\d)[^)]*\)\s*$", "", segment)
    named = find_people(segment + " said", 0, draft.roster.known_keys())
    if named:
        return [draft.roster.add(mention) for mention in named]
    unnamed = find_unnamed("the " + segment, 0)
    if not unnamed and re.search(r"(?:Minister|Secretary|Ambassador)$", segment.strip()):
        unnamed = find_unnamed("the " + segment.strip() + " met", 0)
    return [draft.roster.add(mention) for mention in unnamed[:3]]


def find_opening_spokesperson(draft: ReleaseDraft) -> None:
    """In a negative without one from the title: a spokesperson named in the first three prose sentences
    ("Spokesperson Shafqat Ali Khan began the weekly press briefing …"), else the speech's author."""
    if not draft.hard_negative or draft.spokesperson is not None:
        return
    opening = [sentence for sentence in draft.sentences
               if sentence.body and not is_title_line(sentence, draft.title)][:3]
    for sentence in opening:
        for mention in find_people(sentence.text, sentence.start):
            if mention.title and re.search(r"(?i)spokes", mention.title) and (
                    draft.text[mention.name_end:mention.name_end + 1] != ":"):
                draft.spokesperson = _as_spokesperson(draft.roster.add(mention))
                return
    if draft.speech_author is not None:
        draft.spokesperson = draft.speech_author


def find_author(draft: ReleaseDraft) -> None:
    """The "I" of the release: the author of a "Statement by X" title, else a minister named in the header."""
    draft.author = draft.speech_author
    if draft.author is not None:
        return
    header = _HEADER_AUTHOR.search(draft.text[:600])
    if header:
        named = find_people(f"{header.group('title').strip()} {header.group('name')} said", 0)
        if named:
            draft.author = draft.roster.add(named[0])
            return
    if draft.hard_negative and draft.spokesperson is None and draft.own_country:
        # an unsigned statement or press release: its "We …" is the issuing ministry's
        draft.author = draft.roster.add_institution(f"Ministry of Foreign Affairs of {country_name(draft.own_country)}")
