"""The last stage: frozen :class:`Records` from a finished draft (participants' countries and roles,
statements in text order)."""

from __future__ import annotations

import re
from collections import Counter

from .countries import INTERGOV, capital_countries, capital_country, find_countries
from .draft import ReleaseDraft
from .encounter import Encounter, current_encounter
from .model import Meeting, Participant, Records, Statement
from .places import home_ground
from .roster import Entity
from .verbs import verb_lemma

_PARAGRAPH_NUMBER = re.compile(r"(?:\d{1,3}[.)]|\(\d{1,3}\)|\([a-z]\)|[a-z]\)|[•·▪–-])\s+")
_AGENT_BEFORE = re.compile(r"\b(?:by|led|headed)\s+(?:the\s+)?$")  # "hosted by X", "led by the X"


def records_of(draft: ReleaseDraft) -> Records:
    entities = {entity.idx: entity for entity in draft.roster.entities}
    foreign = _foreign_mentions(draft, entities)
    subjects = {person for encounter in draft.encounters for person in encounter.subj} | {
        entity.idx for entity in draft.title_subjects}
    meetings = tuple(_meeting(draft, encounter, entities, foreign, subjects) for encounter in draft.encounters)
    return Records(meetings=meetings, statements=_statements(draft))


def _foreign_mentions(draft: ReleaseDraft, entities: dict[int, Entity]) -> Counter[str]:
    """Mentions of foreign countries in the prose, counted only when some participant lacks a country."""
    foreign: Counter[str] = Counter()
    if any(entities[person].country is None for encounter in draft.encounters for person in encounter.people
           if person in entities):
        for sentence in draft.sentences:
            if sentence.body:
                for _start, _end, country in find_countries(sentence.text):
                    if country != draft.own_country:
                        foreign[country] += 1
        if not foreign:
            # no foreign country named: a foreign capital ("in London") speaks for the counterpart
            for sentence in draft.sentences:
                if sentence.body:
                    for country in capital_countries(sentence.text):
                        if country != draft.own_country:
                            foreign[country] += 1
    return foreign


def _meeting(draft: ReleaseDraft, encounter: Encounter, entities: dict[int, Entity], foreign: Counter[str],
             subjects: set[int]) -> Meeting:
    people = [entities[person] for person in encounter.people if person in entities]
    countries = _participant_countries(draft, encounter, people, foreign, subjects)
    own = draft.own_country
    home = home_ground(encounter, people, countries, own, draft.sentences)
    participants = tuple(
        Participant(name=None if _cut_off(draft.text, person.name) else person.name, title=person.title, country=countries.get(person.idx),
                    organisation=person.organisation,
                    role=_role(encounter, person, countries.get(person.idx), own, home), group=person.group)
        for person in people
    )
    return Meeting(date=encounter.date, kind=encounter.kind, location=encounter.location,
                   participants=participants, topics=tuple(encounter.topics))


def _cut_off(text: str, name: str | None) -> bool:
    """A name the stored page cuts off ("… informed Guyana Minister of Foreign Affairs Carol" at the very end
    of a truncated text): only its start is known, so the participant is the unnamed office holder."""
    if not name:
        return False
    tail = text.rstrip()
    return tail.endswith(name) and tail.count(name.split()[-1]) == 1


def _participant_countries(draft: ReleaseDraft, encounter: Encounter, people: list[Entity],
                           foreign: Counter[str], subjects: set[int]) -> dict[int, str | None]:
    """Entity index -> country: their own, else the own ministry's (not for international bodies), else a
    capital in their title, else the encounter's single or dominant foreign state."""
    own = draft.own_country
    first_subject = encounter.subj[0] if encounter.subj else (encounter.people[0] if encounter.people else -1)
    countries: dict[int, str | None] = {
        person.idx: person.country if person.country or person.group else (
            own if person.organisation not in INTERGOV else None)
        for person in people
    }
    explicit_foreign = any((person.country and person.country != own) or person.organisation in INTERGOV
                           for person in people)
    for person in people:
        if person.country is None and person.title and person.idx != first_subject and not person.group:
            capital = capital_country(person.title)
            if capital:
                countries[person.idx] = capital
    if explicit_foreign and own and encounter.sentence_index >= 0:
        _single_foreign_state(draft, encounter, people, countries, first_subject, subjects)
    if not explicit_foreign and len(people) > 1 and foreign:
        _dominant_foreign_state(draft, encounter, people, countries, first_subject, foreign)
    return countries


def _single_foreign_state(draft: ReleaseDraft, encounter: Encounter, people: list[Entity],
                          countries: dict[int, str | None], first_subject: int, subjects: set[int]) -> None:
    """"met President Volodymyr Zelenskyy and her Ukrainian counterpart Dmytro Kuleba": a counterpart
    without a country of their own belongs to the single foreign state of the encounter."""
    own = draft.own_country
    foreign_states = {person.country for person in people if person.country and person.country != own}
    subjects_own = all(countries.get(person) in (None, own) for person in encounter.subj)
    if len(foreign_states) != 1 or not subjects_own or encounter.subj_guest or any(
            person.organisation in INTERGOV for person in people):
        return
    only_state = next(iter(foreign_states))
    trigger_sentence = draft.sentences[encounter.sentence_index]
    for person in people:
        if person.country is None and person.organisation is None and person.idx != first_subject \
                and person.idx not in subjects and person.name is not None \
                and trigger_sentence.start <= person.first < trigger_sentence.end \
                and not _AGENT_BEFORE.search(draft.text[max(0, person.first - 12):person.first]):
            countries[person.idx] = only_state


def _dominant_foreign_state(draft: ReleaseDraft, encounter: Encounter, people: list[Entity],
                            countries: dict[int, str | None], first_subject: int, foreign: Counter[str]) -> None:
    """No explicit foreign side: the foreign state mentioned most in the encounter's sentences (or in the
    whole release for a visit or a lone encounter without any) is the counterparts'."""
    local = _local_foreign_mentions(draft, encounter)
    pool = local if (local or len(draft.encounters) > 1) and encounter.kind != "visit" else foreign
    dominant = pool.most_common(1)[0][0] if pool else None
    for person in people:
        if dominant and not person.group and person.country is None and person.organisation not in INTERGOV \
                and person.idx != first_subject and person.idx not in encounter.subj:
            countries[person.idx] = dominant


def _local_foreign_mentions(draft: ReleaseDraft, encounter: Encounter) -> Counter[str]:
    """Foreign countries and capitals from the trigger sentence up to the next encounter's (a capital in
    the trigger sentence counts twice)."""
    own = draft.own_country
    sentences = draft.sentences
    first = encounter.sentence_index
    after_last = min([other.sentence_index for other in draft.encounters if other.sentence_index > first]
                     + [len(sentences)])
    local: Counter[str] = Counter()
    for index, sentence in enumerate(sentences[max(0, first):after_last], start=max(0, first)):
        for _start, _end, country in find_countries(sentence.text):
            if country != own:
                local[country] += 1
        for country in capital_countries(sentence.text):
            if country != own:
                local[country] += 2 if index == first else 1
    return local


def _statements(draft: ReleaseDraft) -> tuple[Statement, ...]:
    """One statement per distinct non-empty span, in text order, with the index of its encounter."""
    statements: list[Statement] = []
    seen: set[tuple[int, int]] = set()
    encounters = draft.encounters
    for found in draft.statements:
        if (found.start, found.end) in seen or found.end <= found.start:
            continue
        numbered = _PARAGRAPH_NUMBER.match(draft.text, found.start, found.end)
        if numbered and numbered.end() < found.end:
            found.start = numbered.end()  # "3. EAM appreciated …": the number is no part of the statement
        if (found.start, found.end) in seen:
            continue
        seen.add((found.start, found.end))
        speaker = None if found.joint or found.speaker is None else found.speaker.label
        meeting = encounters.index(current_encounter(encounters, found.sent)) if encounters else None
        person = speaker is not None and found.speaker is not None and found.speaker.name is not None \
            and not found.speaker.group
        statements.append(Statement(speaker=speaker, verb=found.verb, verb_lemma=verb_lemma(found.verb), joint=found.joint,
                                    speaker_person=person,
                                    text=draft.text[found.start:found.end],
                                    start=found.start, end=found.end, meeting=meeting))
    statements.sort(key=lambda statement: statement.start)
    return tuple(statements)


def _role(encounter: Encounter, person: Entity, country: str | None, own: str | None,
          home: bool | None) -> str | None:
    if encounter.kind in ("phone_call", "video_call"):
        return None
    is_subject = person.idx in encounter.subj
    if encounter.kind == "reception":
        return "host" if is_subject != encounter.subj_guest else "guest"
    if encounter.kind == "visit":
        return "guest" if country == own else "host"
    if home is None or own is None:
        return None
    ours = country == own
    return "host" if ours == home else "guest"
