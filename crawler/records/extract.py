"""Assembly of :class:`Records` for one release, as named stages over one :class:`ReleaseDraft`.

`build` runs the stages in order: title -> triggers -> sides -> trip -> dates -> turns -> topics, then
`assemble.records_of` turns the draft into frozen records.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from itertools import pairwise

from .assemble import records_of
from .countries import capital_countries, clear_country_cache, find_countries
from .dates import find_dates, page_year
from .draft import ReleaseDraft
from .encounter import Encounter, current_encounter
from .headline import (
    find_author,
    find_opening_spokesperson,
    is_title_line,
    read_speech_author,
    read_title_sides,
    read_title_spokesperson,
)
from .kinds import Trigger, find_triggers, medium, negative_genre
from .meetings import encounter_at, place_encounter
from .model import Records
from .people import clear_caches, find_people, prior_keys
from .roster import Roster
from .sides import add_late_participation_people, add_side_people
from .text import Sentence, split_sentences
from .topics import topics_of
from .turns import read_statements

_TODAY = re.compile(r"\b(?:today|today['’]s|this\s+morning|this\s+afternoon|this\s+evening|tonight)\b", re.IGNORECASE)
_QUESTION_START = re.compile(r"^(?:Question|Q)\s*[:.]")
_I_BEFORE_VISIT = re.compile(r"(?:^|[\s,;])I\s+$")  # "I visited Port Moresby today, where I met …"
_I_BEFORE_TRIGGER = re.compile(r"(?:^|[\s,;])I\s+(?:have\s+|had\s+|also\s+|today\s+)?$")  # "Today I met with …"
_VISIT_TITLE = re.compile(r"\bvisit(?:s|ed)?\b", re.IGNORECASE)
_VISITING_TITLE = re.compile(r"\bvisit(?:s|ed|ing)?\b", re.IGNORECASE)
_FUTURE_VISIT_TITLE = re.compile(r"\bwill\b|\bto\s+visit\b", re.IGNORECASE)
# a trip told in the prose without a visit verb: "during his visit to Tokyo", "who is on a working visit to
# Latvia", "today concluded a visit to New Delhi", "is in Brasília today on …", "is today (…) in Brussels"
_TRIP_PROSE = re.compile(
    r"\b(?:(?:during|within\s+the\s+framework\s+of|in\s+the\s+course\s+of|as\s+part\s+of|on)\s+(?:his|her|their|a|an|the)\s+"
    r"(?:[\w\-]+\s+){0,3}?(?:visit|trip|tour)\s+to"
    r"|(?:is|was|are|were)\s+(?:on|making|paying|undertaking|conducting)\s+(?:a|an|his|her|their)\s+(?:[\w\-]+\s+){0,3}?visit\s+to"
    r"|(?:concluded|completed|wrapped\s+up)\s+(?:a|an|his|her|their)\s+(?:[\w\-]+\s+){0,3}?(?:visit|trip|tour)\s+to)\s+(?:the\s+)?(?P<dest>[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+){0,3})")
_IS_IN = re.compile(r"\b(?:is|was)\s+(?:(?:today|currently|now)\s+)?(?:\([^()]{3,40}\)\s+)?in\s+(?P<place>[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?)"
                    r"(?=\s*(?:,|today|on|for|where|to)\b)")


def build(text: str, title: str | None, published: datetime.date | None, own: str | None) -> Records:
    draft = start_draft(text, title, published, own)
    if title:
        read_speech_author(draft, title)
        read_title_spokesperson(draft, title)
        read_title_sides(draft, title)
    find_opening_spokesperson(draft)
    find_author(draft)
    find_trigger_encounters(draft)
    add_title_encounter(draft)
    add_side_people(draft)
    join_people_to_their_setting(draft)
    settle_trip(draft)
    date_encounters(draft)
    read_statements(draft)
    add_late_participation_people(draft)
    collect_topics(draft)
    complete_short_names(draft)
    return records_of(draft)


def complete_short_names(draft: ReleaseDraft) -> None:
    """People known only by a short form take the fuller name the prose gives them (``Roster.complete_short_names``)."""
    if not any(len(entity.keys) == 1 and not entity.group for entity in draft.roster.entities if entity.name):
        return
    mentions = [mention for sentence in draft.sentences if sentence.body
                for mention in find_people(sentence.text, sentence.start, draft.roster.known_keys())]
    draft.roster.complete_short_names(mentions)


def start_draft(text: str, title: str | None, published: datetime.date | None, own: str | None) -> ReleaseDraft:
    """A fresh draft (and fresh per-release caches): sentences, an empty roster, the genre."""
    clear_caches()
    clear_country_cache()
    sentences = split_sentences(text)
    roster = Roster(own)
    roster.prior = prior_keys(text)
    fallback_year = page_year(text, title) if published is None else None
    return ReleaseDraft(text=text, title=title, published=published, own_country=own, sentences=sentences,
                        roster=roster, fallback_year=fallback_year, genre=negative_genre(title, text))


# --- triggers --------------------------------------------------------------------------------------


def find_trigger_encounters(draft: ReleaseDraft) -> None:
    """Encounters of trigger sentences; only the first prose sentences may open the first one."""
    if draft.hard_negative:
        return
    prose_limit = 3 if draft.soft_negative else 6
    for index, sentence, prose_count in _prose_outside_questions(draft):
        triggers = find_triggers(sentence.text)
        if not triggers:
            continue
        if not draft.encounters and prose_count > prose_limit:
            break
        _read_trigger_sentence(draft, index, sentence, triggers)


def _prose_outside_questions(draft: ReleaseDraft) -> Iterator[tuple[int, Sentence, int]]:
    """(index, sentence, prose sentences so far) for prose before any "Question:" line."""
    prose_count = 0
    in_questions = False
    for index, sentence in enumerate(draft.sentences):
        if _QUESTION_START.match(sentence.text):
            in_questions = True
        if not sentence.body or is_title_line(sentence, draft.title):
            continue
        prose_count += 1
        if not in_questions:
            yield index, sentence, prose_count


_PRONOUN_BEFORE = re.compile(r"\b(?:he|she|He|She)\s+(?:also\s+|then\s+|later\s+)?$")


def _read_trigger_sentence(draft: ReleaseDraft, index: int, sentence: Sentence, triggers: list[Trigger]) -> None:
    author = draft.author
    first: Encounter | None = None
    for trigger in triggers:
        before_trigger = sentence.text[:trigger.start]
        known = {entity.idx for entity in draft.title_people} | {
            person for encounter in draft.encounters for person in encounter.people}
        encounter = encounter_at(index, sentence, trigger, draft.roster, draft.published, draft.fallback_year, known)
        if encounter is None:
            if trigger.kind == "visit" and author is not None and _I_BEFORE_VISIT.search(before_trigger):
                draft.visit_sentences.add(index)
            continue
        if trigger.kind == "visit":
            draft.visit_sentences.add(index)
        if author is not None and _I_BEFORE_TRIGGER.search(before_trigger):
            encounter.subj = [author.idx]
            encounter.obj = [person for person in encounter.obj if person != author.idx]
        if first is not None and not encounter.subj:
            # "visited Kyiv, where he met X": the subject carries over
            encounter.subj = [person for person in first.subj if person not in encounter.obj]
            if not encounter.date_found and first.date_found:
                encounter.date, encounter.date_found = first.date, True
        if not encounter.subj and _PRONOUN_BEFORE.search(before_trigger):
            # "In Riyadh she met X": the subject of an earlier encounter (else the release's first person)
            earlier = draft.encounters[-1].subj if draft.encounters else []
            fallback = [entity.idx for entity in draft.roster.entities if entity.name and not entity.group][:1]
            encounter.subj = [person for person in (earlier or fallback) if person not in encounter.obj]
        first = first if first is not None else encounter
        place_encounter(draft.encounters, encounter, sentence, trigger, draft.roster)


def add_title_encounter(draft: ReleaseDraft) -> None:
    """The title's sides: an encounter of their own when the body has none, else people of the first."""
    encounters = draft.encounters
    if not draft.hard_negative and not encounters and draft.title_people:
        encounters.append(Encounter(-1, medium(draft.title or "") or "meeting",
                                    [entity.idx for entity in draft.title_subjects],
                                    [entity.idx for entity in draft.title_objects]))
    if not encounters:
        return
    first = encounters[0]
    for entity in draft.title_people:
        if entity.name is None and len(first.people) >= 2 and not (entity.country and all(
                draft.roster.entities[person].country != entity.country for person in first.people)):
            continue  # an unnamed title holder of a complete encounter, unless of a country not in it
        if all(entity.idx not in encounter.people for encounter in encounters):
            (first.subj if entity in draft.title_subjects else first.obj).append(entity.idx)
    if first.sentence_index >= 0 and draft.title:
        title_medium = medium(draft.title)
        if title_medium and first.kind in ("meeting", "reception"):
            first.kind = title_medium


def join_people_to_their_setting(draft: ReleaseDraft) -> None:
    """"The Dialogue was held in New Delhi on 20 November. X hosted Y.": an encounter without people gives
    its date and place to the next one (within two sentences); then encounters without people go."""
    for setting, encounter in pairwise(draft.encounters):
        if not setting.people and encounter.people and 0 < encounter.sentence_index - setting.sentence_index <= 2:
            if not encounter.date_found and setting.date_found:
                encounter.date, encounter.date_found = setting.date, True
            encounter.location = encounter.location or setting.location
            if encounter.kind == "reception" and setting.kind == "meeting":
                encounter.kind = "meeting"
    draft.encounters = [encounter for encounter in draft.encounters if encounter.people]


# --- trip ------------------------------------------------------------------------------------------


def settle_trip(draft: ReleaseDraft) -> None:
    """Single-person encounters go when others exist; the in-person encounters of a trip are visits,
    dated by the trip's first day ("made an Official Visit to Germany from 9 to 11 June")."""
    title = draft.title or ""
    trip_itself = next((encounter for encounter in draft.encounters if encounter.kind == "visit"
                        and encounter.date_found and not encounter.obj and encounter.sentence_index >= 0), None)
    visited = any(encounter.kind == "visit" for encounter in draft.encounters)
    visit_and_more = visited and len(draft.encounters) > 1
    trip = visited or bool(_VISIT_TITLE.search(title) and not _FUTURE_VISIT_TITLE.search(title)) or _trip_in_prose(draft)
    if len(draft.encounters) > 1:
        two_sided = [encounter for encounter in draft.encounters
                     if len(encounter.people) > 1 or encounter.participate]
        dated: Encounter | None = None
        for encounter in draft.encounters:
            # "X held a number of meetings on Monday, 13 October. He met with A …": the dropped lead's date
            if encounter not in two_sided and encounter.date_found:
                dated = encounter
            elif encounter in two_sided and dated is not None and not encounter.date_found:
                encounter.date, encounter.date_found = dated.date, True
                dated = None
        draft.encounters = two_sided or draft.encounters[:1]
    encounters = draft.encounters
    # several engagements: more than one encounter, or one encounter with several counterparts ("met with A,
    # India's Minister of External Affairs, and B, India's Minister of Commerce")
    several_visited = visit_and_more or trip and (len(encounters) > 1 or any(
        len([person for person in encounter.people if person not in encounter.subj]) > 1 for encounter in encounters))
    if trip and several_visited:
        for encounter in encounters:
            if encounter.kind in ("meeting", "reception"):
                encounter.kind = "visit"
    if trip and len(encounters) == 1 and encounters[0].kind == "meeting" and (
            encounters[0].sentence_index in draft.visit_sentences and _VISIT_TITLE.search(title)):
        encounters[0].kind = "visit"  # "Visit to Papua New Guinea": "I visited Port Moresby, where I met A and B"
    if trip_itself is not None and encounters and encounters[0] is not trip_itself and encounters[0].kind == "visit" and (
            trip_itself.sentence_index <= encounters[0].sentence_index and trip_itself.date is not None):
        encounters[0].date = trip_itself.date
    if len(encounters) == 1 and encounters[0].kind == "visit" and len(encounters[0].people) > 1 and not (
            several_visited or _VISITING_TITLE.search(title)):
        encounters[0].kind = "meeting"


def _trip_in_prose(draft: ReleaseDraft) -> bool:
    """The opening prose tells of a trip of the own side abroad."""
    prose = [sentence for sentence in draft.sentences if sentence.body][:3]
    for sentence in prose:
        places = [found.group("dest") for found in _TRIP_PROSE.finditer(sentence.text)] + [
            found.group("place") for found in _IS_IN.finditer(sentence.text)]
        for place in places:
            states = [country for _start, _end, country in find_countries(place)] + capital_countries(place)
            if states and all(state != draft.own_country for state in states):
                return True
    return False


# --- dates -----------------------------------------------------------------------------------------


_DATELINE_ONLY = re.compile(r"^[A-Z][A-Za-z.\-’' ]{1,30},\s+(?:[A-Z][a-z]+\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Z][a-z]+,?\s+\d{4})\.?\s*$")


def date_encounters(draft: ReleaseDraft) -> None:
    """An encounter without a date of its own takes the previous one's; the first takes the title's
    date, else "today" in the prose (the publication date)."""
    for position, encounter in enumerate(draft.encounters):
        if encounter.date_found:
            continue
        if position > 0:
            previous = draft.encounters[position - 1]
            if previous.date_found:
                encounter.date, encounter.date_found = previous.date, True
            continue
        _date_from_title_or_today(draft, encounter)


def _date_from_title_or_today(draft: ReleaseDraft, encounter: Encounter) -> None:
    if draft.title:
        title_dates = [mention for mention in find_dates(draft.title, draft.published, draft.fallback_year)
                       if not mention.relative]
        if title_dates:
            encounter.date, encounter.date_found = title_dates[-1].date, True
            return
    index = encounter.sentence_index
    if index > 0 and draft.sentences[index - 1].para == draft.sentences[index].para:
        # "Mexico City, May 9, 2025. Foreign Secretary X received …": the dateline just before the trigger
        dateline = draft.sentences[index - 1].text
        if len(dateline) < 60 and _DATELINE_ONLY.match(dateline):
            found = [mention for mention in find_dates(dateline, draft.published, draft.fallback_year) if not mention.relative]
            if found:
                encounter.date, encounter.date_found = found[0].date, True
                return
    for sentence in draft.sentences:
        if sentence.body and _TODAY.search(sentence.text):
            encounter.date = draft.published
            encounter.date_found = draft.published is not None
            return


# --- topics ----------------------------------------------------------------------------------------


def collect_topics(draft: ReleaseDraft) -> None:
    """Topics of each prose sentence from the first encounter on go to the encounter current there."""
    if not draft.encounters:
        return
    first_index = max(0, draft.encounters[0].sentence_index)
    for index, sentence in enumerate(draft.sentences):
        if sentence.body and index >= first_index:
            current = current_encounter(draft.encounters, index)
            current.topics.extend(topic for topic in topics_of(sentence) if topic not in current.topics)
