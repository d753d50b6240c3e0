"""The statements stage: reported speech sentence by sentence, and turns of a transcript.

Transcripts: "SECRETARY KERRY: ...", "Official Spokesperson, Shri X: ..." open a speaker's turn, which runs
over the following unlabelled paragraphs until the next label or question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .countries import country_name
from .draft import ReleaseDraft
from .encounter import current_encounter
from .headline import is_title_line
from .roster import Entity
from .statements import (
    Context,
    present_statements,
    sentence_statements,
    speech_label,
    speech_statements,
)
from .text import Sentence

_QUESTION = re.compile(r"\s*(?:Question|Q)\s*[:.]\s|\s*[A-Z][\w .’'\-]{1,40}:\s.*\?\s*$")
_ANSWER_LINE = re.compile(r"\s*(?:Answer|A)\s*[:.]\s")
_OTHER_LABEL = re.compile(r"\s*[A-Z][\w .’'\-]{1,40}:\s")


@dataclass(slots=True)
class Turn:
    """The transcript turn in force: open while labelled speech goes on; `speaker` None for a question."""

    speaker: Entity | None = None
    open: bool = False
    speech_from: int = 0  # text offset where the speaker's words start (after the label)
    question: bool = False  # the paragraph is a journalist's question ("CCTV: … We noted that … ?")


def read_statements(draft: ReleaseDraft) -> None:
    """Fill `draft.statements`; speakers who are not yet participants join the current encounter."""
    draft.participants = {index for encounter in draft.encounters for index in encounter.people}
    author = draft.author
    if author is None and draft.spokesperson is None and not draft.encounters and draft.own_country:
        # a release reporting no encounter, signed by nobody: its "We …" is the issuing ministry's
        author = draft.roster.add_institution(f"Ministry of Foreign Affairs of {country_name(draft.own_country)}")
    context = Context(draft.roster, draft.participants, spokes=draft.spokesperson, author=author,
                      author_we=not draft.encounters)
    turn = Turn()
    paragraph = -1
    for index, sentence in enumerate(draft.sentences):
        if sentence.para != paragraph:
            paragraph = sentence.para
            _follow_turn(draft, turn, sentence)
        if turn.question:
            continue
        if turn.open:
            if turn.speaker is not None:
                draft.statements.extend(speech_statements(index, sentence, turn.speaker, turn.speech_from,
                                                          stance_only=True))
            continue
        if sentence.body and not _headline(draft, sentence):
            _read_prose_sentence(draft, context, index, sentence)


def _headline(draft: ReleaseDraft, sentence: Sentence) -> bool:
    """The title said again on the page ("PRESS RELEASE : <title> [April 2023]" twice: the second), or a headline
    line without a full stop that the body says again ("X briefed the Georgian side on …" above "Deputy Minister
    X briefed …")."""
    line = sentence.text.strip()
    if is_title_line(sentence, draft.title):
        return line in draft.text[:sentence.start]
    if len(line) < 30 or line[-1] in ".!?\"”’:;)" or "\n" in line:
        return False
    text = draft.text
    whole_line = (sentence.start == 0 or text[sentence.start - 1] == "\n") and (
        sentence.end >= len(text) or text[sentence.end:sentence.end + 1] in ("\n", ""))
    return whole_line and line.casefold() in text[sentence.end:].casefold()


def _follow_turn(draft: ReleaseDraft, turn: Turn, sentence: Sentence) -> None:
    """At the first sentence of a paragraph: a label opens a turn; a question, answer or other label
    changes or ends the open one."""
    text = draft.text
    line_start = text.rfind("\n", 0, sentence.start) + 1
    line_end = text.find("\n", sentence.start)
    line = text[line_start: line_end if line_end >= 0 else len(text)]
    label = speech_label(line, draft.roster, text) if ":" in line[:80] else None
    turn.question = label is None and not turn.open and bool(_QUESTION.match(line))
    if label is not None:
        turn.speaker, turn.open, turn.speech_from = label[0], True, line_start + label[1]
        if turn.speaker is not None:
            _add_turn_speaker(draft, turn.speaker)
    elif turn.open and _QUESTION.match(line):
        turn.speaker, turn.speech_from = None, 0
    elif turn.open and (answer := _ANSWER_LINE.match(line)) is not None:
        turn.speaker, turn.speech_from = draft.spokesperson, line_start + answer.end()
    elif turn.open and _OTHER_LABEL.match(line):
        turn.speaker, turn.open = None, False


def _add_turn_speaker(draft: ReleaseDraft, speaker: Entity) -> None:
    draft.participants.add(speaker.idx)
    encounters = draft.encounters
    if encounters and speaker.idx not in encounters[0].people and not speaker.spokes:
        encounters[0].obj.append(speaker.idx)


def _read_prose_sentence(draft: ReleaseDraft, context: Context, index: int, sentence: Sentence) -> None:
    encounters = draft.encounters
    context.create_unnamed = bool(encounters) and len(current_encounter(encounters, index).people) < 2
    for encounter in encounters:
        if encounter.sentence_index == index and encounter.subj and (
                context.last is None or context.last.idx not in encounter.people):
            context.last = draft.roster.entities[encounter.subj[0]]  # "He ..." after "X met Y"
    found, agents = sentence_statements(index, sentence, context)
    if not found and draft.speech_author is not None and encounters and not re.search(
            r"\b(?:said|stated|noted)\b", sentence.text):
        found = speech_statements(index, sentence, draft.speech_author, stance_only=True)
    if not found:
        found = present_statements(index, sentence, context)
    draft.statements.extend(found)
    if encounters:
        _add_speakers(draft, index, agents + [statement.speaker for statement in found
                                              if statement.speaker is not None])


def _add_speakers(draft: ReleaseDraft, index: int, speakers: list[Entity]) -> None:
    """Named agents and speakers of a meeting release take part in its current encounter (spokespersons
    and unnamed people without an office excluded)."""
    current = current_encounter(draft.encounters, index)
    for speaker in speakers:
        if speaker is None or speaker.spokes or speaker.idx in draft.participants:
            continue
        if speaker.name is None and not speaker.heads:
            continue
        current.obj.append(speaker.idx)
        draft.participants.add(speaker.idx)

