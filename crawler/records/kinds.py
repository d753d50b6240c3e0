"""Encounter triggers, release genre and encounter kind."""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("meeting", "phone_call", "video_call", "talks", "visit", "reception", "other")

_FUTURE_BEFORE = re.compile(
    r"(?:\bwill|\bshall|\bwould|\bto|\bis expected to|\bare expected to|\bplans? to|\bgoing to|\bintends? to)"
    r"(?:\s+(?:also|be|have|then|later|soon|jointly))*\s*$",
    re.IGNORECASE,
)

# "called on External Affairs Minister Dr. S. Jaishankar" (a courtesy call), not "called on the Minister to …"
CALLED_ON_OFFICE = (
    r"(?:[A-Z][\w\-/’']*\s+|of\s+|for\s+|and\s+){0,8}?(?:Minister|Secretary|Chancellor)\b"
    r"(?![^.;]{0,100}?\s+to\s+(?!the\b)[a-z]+)"
)

# (kind, regex). The regex match spans the trigger verb phrase.
_PHONE = r"(?:tele)?phone|by phone|over the phone"
_TRIGGERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("phone_call", re.compile(
        r"\b(?:had|held|conducted|has had|have had|has|have|holds|hold)\s+(?:a|an)?\s*(?:[\w\-’']+\s+){0,4}?(?:telephone|phone)\s+"
        r"(?:conversation|call|talk|talks|discussion)s?(?:\s+(?:on|with|between)\b)?", re.IGNORECASE)),
    ("phone_call", re.compile(
        r"\b(?:a\s+)?(?:telephone|phone)\s+(?:conversation|call|talk)s?\s+(?:took place|was held|were held)"
        r"(?:\s+between)?", re.IGNORECASE)),
    ("phone_call", re.compile(r"\breceived\s+a\s+(?:(?:telephone|phone)\s+call\b|call\s+from\b)", re.IGNORECASE)),
    # "X and his counterpart Y, in a telephone conversation on Monday, discussed …"
    ("phone_call", re.compile(r",\s+(?:in|during)\s+(?:a|an|their)\s+(?:telephone|phone)\s+(?:conversation|call)\b", re.IGNORECASE)),
    ("phone_call", re.compile(r"\bmade\s+a\s+(?:telephone|phone)\s+call\s+to\b", re.IGNORECASE)),
    ("phone_call", re.compile(r"\b(?:spoke|talked|speaks)\s+(?:by\s+(?:tele)?phone\s+|over\s+the\s+(?:tele)?phone\s+|on\s+the\s+(?:tele)?phone\s+)?(?:(?:today|yesterday|this|on\s+\w+(?:\s+\d{1,2}(?:,\s+\d{4})?)?|on\s+\d{1,2}\s+\w+(?:\s+\d{4})?|[A-Z][a-z]+\s+\d{1,2})(?:\s+(?:morning|afternoon|evening|night))?,?\s+)*(?:with|to)\b"
                              r"|\b(?:spoke|talked|exchanged\s+views|conferred)\s+(?:by|over\s+the|on\s+the)\s+(?:tele)?phone\b")),
    ("phone_call", re.compile(r"\bcalled\b(?!\s+(?:on|upon|for|to)\b)(?=\s+(?:[A-Z]|his|her|the\s+[A-Z]))")),
    ("video_call", re.compile(
        r"\b(?:had|held|conducted|chaired|co-chaired|hosted)\s+(?:(?:today|yesterday)\s+)?(?:a|an)?\s*(?:\w+\s+){0,2}?(?:video\s*conference|videoconference|video\s+teleconference|video\s+call|"
        r"virtual\s+(?:meeting|talks|conversation)|online\s+meeting)s?(?:\s+with)?", re.IGNORECASE)),
    ("video_call", re.compile(
        r"\b(?:an?\s+)?(?:video\s*conference|videoconference|video\s+call|virtual\s+meeting|online\s+meeting)s?\s+"
        r"(?:[\w\-’',.]+\s+){0,10}?(?:took place|was held|were held)(?:\s+between)?"
        r"|\b(?:was|were)\s+joined\s+(?:by\s+video(?:\s+link)?|virtually|online)\s+by\b", re.IGNORECASE)),
    ("video_call", re.compile(
        r"\b(?:participated|took part|joined)(?:\s+(?:today|yesterday|virtually|remotely|online))?\s+in\b(?=[^.]{0,200}?(?:video\s*conference|videoconference|virtual|video\s+link|online))",
        re.IGNORECASE)),
    ("meeting", re.compile(
        r"\b(?:participated|took part)\s+in\s+(?:the|a|an)\s+(?:[\w\-’']+\s+){0,12}?(?:[Mm]eeting|[Tt]alks|[Cc]onsultations|[Dd]ialogue)\b")),
    ("meeting", re.compile(r"\b(?:was|were)\s+summoned\b|\bsummoned\b|^[“\"]?Summoning\b")),
    ("reception", re.compile(r"\bpaid\s+(?:a\s+)?(?:farewell\s+|introductory\s+)?courtesy\s+(?:call|visit)s?\s+(?:on|to)\b", re.IGNORECASE)),
    ("reception", re.compile(r"\b(?:received|hosted|receives|welcomed)\b(?:\s+(?:today|yesterday))?(?:\s+\([^()]{3,40}\))?"
                             r"(?:,?\s+(?:at|in)\s+(?:the\s+)?[A-Z][\w\-’']*(?:\s+(?:(?:de|da|das|do|dos|di|del|della|du|des|of|the)\s+)?[A-Z][\w\-’']*){0,3}(?:,\s+in\s+[A-Z][\w\-]+)?(?=,?\s+(?:the|a|an|H\.E\.|[A-Z]))(?:,)?)?(?:,\s+(?:at\s+(?:his|her|the)\s+request|on\s+[^,]{3,30}|in\s+[A-Z][^,]{2,30}),)?(?=\s+(?:the\s+|a\s+|an\s+|newly|outgoing|incoming|visiting)?(?:[A-Z]|delegation|newly|outgoing|incoming|visiting|ambassadors?|heads?|members?|participants|bipartisan|high-level|parliamentary|business|cross-party|courtesy))"
                             r"(?!\s+(?:the\s+)?[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)?['’]s?\s)"  # "welcomed Australia's contribution"
                             r"|\b(?:received|hosted|receives|hosts)\s+(?:his|her|their)\s+(?:[A-Z][\w\-]+\s+(?:and\s+[A-Z][\w\-]+\s+)?)?(?:counterpart|colleague)s?\b")),
    ("reception", re.compile(r"\b(?:hosted|gave|offered)\s+(?:a|an)\s+(?:official\s+|working\s+|state\s+)?(?:luncheon|lunch|dinner|banquet|breakfast)"
                             r"\s+(?:[^.;]{0,60}?\s)?(?:for|in\s+honou?r\s+of)\b(?=\s+(?:the\s+)?[A-Z])")),
    ("reception", re.compile(r"\b(?:was|were)\s+(?:(?:also|then|later|subsequently|further)\s+)?received\s+(?:(?:today|yesterday|on\s+[\w ,]{3,20}?|in\s+[A-Z]\w+)\s+)?by\b")),
    ("reception", re.compile(r"\breceived\s+(?:a\s+)?cop(?:y|ies)\s+of\s+(?:the\s+|his\s+|her\s+)?(?:letters?\s+of\s+)?(?:credentials|credence)\b",
                             re.IGNORECASE)),
    ("reception", re.compile(r"\breceived\s+(?:(?:today|yesterday)\s+)?(?:a\s+|the\s+)?(?:farewell\s+|introductory\s+)?courtesy\s+(?:call|visit)s?\b", re.IGNORECASE)),
    ("reception", re.compile(r"\bcalled\s+(?:on|upon)\b(?=\s+(?:H\.\s?E\.|His|Her|President|Prime|King|Queen|Crown|Chairman|Speaker|Governor|Emir|Sultan|the\s+(?:President|Prime|King|Crown|Chairman|Speaker|Emir)"
                             r"|" + CALLED_ON_OFFICE + r"))")),
    ("meeting", re.compile(r"\b(?:met|meets)\b(?:\s+(?:with|separately|jointly|virtually|today|yesterday|on|in))?"
                           r"|\bsat\s+down\s+with\b|\b(?:had|held|attended)\s+a\s+(?:working\s+|official\s+)?(?:dinner|lunch|luncheon|breakfast)\s+with\b")),
    ("meeting", re.compile(
        r"\b(?:had|held|conducted|hold|holds|has held|have held|chaired|co-chaired|is holding|are holding|was holding)\s+(?:(?:today|yesterday)\s+)?(?:\([^()]{3,40}\)\s+)?(?:a|an|the)?\s*(?:[\w\-’'.]+\s+){0,4}?"
        r"(?:meeting|meetings|talks|consultations|discussion|discussions|negotiations|conversation|dialogue|"
        r"Consultations|Talks|Meeting)\b(?:\s+with\b)?"
        # "held the seventh Australia-China Foreign and Strategic Dialogue with"
        r"|\b(?:held|hold|holds|co-chaired|chaired)\s+the\s+(?:[\w\-’'.]+\s+){0,6}?(?:Dialogue|Consultations|Talks|Meeting|Commission)\s+with\b")),
    ("meeting", re.compile(
        r"\b(?:[Mm]eeting|[Tt]alks|[Cc]onsultations|[Nn]egotiations|[Dd]ialogue)\s+(?:[\w\-’',.]+\s+){0,40}?(?:took place|were held|was held)\b")),
    ("meeting", re.compile(
        r"(?:^|\b(?:At|During|In)\s+(?:a|the|his|her|their)\s+)(?:\w+\s+){0,2}?(?:[Mm]eeting|[Tt]alks|[Cc]onversation|"
        r"[Cc]all|[Cc]onsultations)\s+with\b")),
    ("meeting", re.compile(r"\b(?:hosted|convened)\s+(?:a|an|the)\s+(?:[\w\-’']+\s+){0,3}?(?:meeting|session)\s+of\b")),
    ("visit", re.compile(r"\b(?:visited|is visiting|was visiting|arrived in|arrived on)\b")),
    ("visit", re.compile(r"\b(?:paid|made|undertook|conducted)\s+(?:a|an|his|her|their)\s+(?:[\w\-]+\s+){0,2}[Vv]isit\s+to\b")),
    ("visit", re.compile(r"\b(?:travelled|traveled)\s+to\s+(?=[A-Z])")),
)

_CHEAP = re.compile(
    r"met|meet|held|had|hold|conduct|receiv|host|call|phone|spoke|speak|talk|video|virtual|summon|visit|consult|"
    r"courtesy|particip|took part|joined|conversation|arrived|negotiat|Meeting|Summoning|welcomed|paid|travel|made|undertook|Dialogue|"
    r"chaired|lunch|dinner|banquet|breakfast|sat down",
    re.IGNORECASE,
)
# _CHEAP's words, for a substring test of the lower-cased sentence: the same answer, as no
# character but these three matches an ASCII letter under re.IGNORECASE without lower-casing
# to it (a sentence holding one is searched with _CHEAP itself).
_CHEAP_WORDS = tuple(word.lower() for word in _CHEAP.pattern.split("|"))
_FOLDS_APART = re.compile("[\u0130\u0131\u017f]")  # İ ı ſ
_TRIGGER_KEYS: tuple[tuple[str, ...], ...] = (
    ("phone",), ("phone",), ("phone", "call"), ("phone",), ("phone",), ("spoke", "speaks", "talked", "phone"), ("called",),
    ("video", "virtual", "online"), ("video", "virtual", "online"), ("video", "virtual", "online", "link"),
    ("particip", "took part"), ("summon",), ("courtesy",), ("receiv", "host", "welcom"), ("lunch", "dinner", "banquet", "breakfast"), ("received",), ("credentials", "credence"),
    ("courtesy",), ("called",), ("met", "meet", "sat down", "dinner", "lunch", "breakfast"), ("meeting", "talks", "consultation", "discussion", "negotiation",
                                          "conversation", "dialogue"),
    ("meeting", "talks", "consultation", "negotiation", "dialogue"), ("meeting", "talks", "conversation", "call", "consultation"),
    ("hosted", "convened"), ("visit", "arrived"), ("visit",), ("travel",),
)
_NEG_TITLE = re.compile(
    r"\b(?:briefing|press conference|press-conference|news conference|joint press|media stakeout|answers?\s+(?:the|to)?\s*(?:question|media)|"
    r"questions?\s+and\s+answers?|Q\s?&\s?A|transcript of (?:media|press)|comment(?:s|ary)?\s+(?:of|by|on)\b|"
    r"\bwill\b|to be held|\bto (?:visit|host|hold|pay|attend|meet|travel|participate)\b|upcoming|forthcoming|"
    r"spokesperson|spokesman|regular press|interview|op-ed|article by|speech|address by|lecture)",
    re.IGNORECASE,
)
# genres that usually report no encounter, unless the opening sentences plainly do
_SOFT_NEG_TITLE = re.compile(
    r"\b(?:condolence|travel advice|frequently asked|FAQ|visas?\b|consular|information on|celebrat|ceremony|"
    r"anniversary|guidance|vacanc|tender|holiday|remarks|notice|announcement|exhibition|award)",
    re.IGNORECASE,
)
_FUTURE_TITLE = re.compile(r"(?i)will|to be held|to (?:visit|host|hold|pay|attend|meet|travel|participate)")
_STATEMENT_TITLE = re.compile(
    r"^(?:No[:.]?\s*[\d/ ]+,\s*)?(?:statement|press statement by the ministry|message|appeal|declaration)\b", re.IGNORECASE
)
_TITLE_TRIGGER = re.compile(
    r"(?:meeting|meetings|telephone conversation|phone conversation|phone call|telephone call|\bcall\b|talks|"
    r"consultations|courtesy call|conversation|videoconference|video conference|summons|summoned|\bmeets?\b|"
    r"\bmet\b|receives|received|speaks|spoke|visit)",
    re.IGNORECASE,
)
_ANSWER = re.compile(r"(?m)^\s*(?:Answer|A)\s*[:.]\s")
_QUESTION = re.compile(r"(?m)^\s*(?:Question|Q)\s*[:.]\s")


def is_future(sentence: str, pos: int) -> bool:
    """The trigger at *pos* is announced, not reported."""
    return bool(_FUTURE_BEFORE.search(sentence[max(0, pos - 40):pos]))


@dataclass(frozen=True, slots=True)
class Trigger:
    kind: str
    start: int  # within sentence
    end: int
    verb: str


def find_triggers(sentence: str) -> list[Trigger]:
    """Encounter verbs in a sentence (past / present tense only)."""
    out: list[Trigger] = []
    low = sentence.lower()
    if _FOLDS_APART.search(sentence):
        if not _CHEAP.search(sentence):
            return out
    elif not any(word in low for word in _CHEAP_WORDS):
        return out
    for (kind, pattern), keywords in zip(_TRIGGERS, _TRIGGER_KEYS, strict=True):
        if not any(keyword in low for keyword in keywords):
            continue
        for found in pattern.finditer(sentence):
            if is_future(sentence, found.start()):
                continue
            pre = sentence[max(0, found.start() - 25):found.start()].lower()
            if kind == "meeting" and found.group(0).lower().startswith("met") and re.search(r"\b(?:were|was|been|be|is|are)\s+$", pre):
                continue
            if kind == "visit" and re.search(r"\bwho\s+(?:is|was)\s+$", sentence[max(0, found.start() - 10):found.start() + 0] + " ") is None and re.search(r"\bwho\s+$", sentence[max(0, found.start() - 8):found.start()]):
                continue
            if any(trigger.start <= found.start() < trigger.end or found.start() <= trigger.start < found.end() for trigger in out):
                continue
            out.append(Trigger(kind, found.start(), found.end(), found.group(0)))
    out.sort(key=lambda trigger: trigger.start)
    return out


def negative_genre(title: str | None, text: str) -> str | None:
    """"hard" for statements, Q&A, briefings and announcements (no encounter is reported), "soft" for notices,
    ceremonies, remarks and the like (an encounter only if the opening sentences report one), else None."""
    title_text = title or ""
    meetingish = bool(re.search(r"\b(?:meeting|talks|call|conversation|consultations)\b", title_text, re.IGNORECASE))
    if title_text and "joint statement" not in title_text.lower() and (_hard_title(title_text) or _STATEMENT_TITLE.search(title_text)):
        return "hard"
    head = text[:1500]
    if _QUESTION.search(head) and _ANSWER.search(head):
        return "hard"
    if title_text and _SOFT_NEG_TITLE.search(title_text) and not meetingish:
        return "soft"
    return None


def _hard_title(title: str) -> bool:
    """A negative title; a future marker after the title's colon is a headline quote ("Tajani-Sybiha phone
    call: Italy ready to host …"), not an announcement of the encounter."""
    colon = title.find(": ", 10)
    for found in _NEG_TITLE.finditer(title):
        if colon >= 0 and found.start() > colon and _FUTURE_TITLE.fullmatch(found.group(0)):
            continue
        return True
    return False


def title_has_trigger(title: str | None) -> bool:
    return bool(title and _TITLE_TRIGGER.search(title))


_VIDEO_RE = re.compile(r"video\s*conference|video\s+teleconference|videoconference|video\s+call|virtual(?:ly)?\b|video\s+link|online\s+meeting", re.IGNORECASE)
_PHONE_RE = re.compile(r"\b(?:tele)?phone\b|\bby phone\b|(?<!courtesy )\bcall\s+(?:with|to|from)\b|['’]s\s+call\b|\bcalled\b(?!\s+(?:on|upon|for)\b)", re.IGNORECASE)


def medium(phrase: str) -> str | None:
    """video_call / phone_call if the phrase names the medium."""
    low = phrase.lower()
    if not any(keyword in low for keyword in ("video", "virtual", "phone", "call", "online", "link")):
        return None
    if _VIDEO_RE.search(phrase):
        return "video_call"
    if _PHONE_RE.search(phrase):
        return "phone_call"
    return None
