"""The lemma of a reporting verb as written: "emphasized" / "emphasised" / "It was emphasised" → "emphasise",
"expressed his deep satisfaction" → "express satisfaction", "We call upon" → "call on".

Rules (table-driven, no model): subject words, auxiliaries and adverbs are dropped ("It was also noted" →
"note"); the first remaining word is reduced to its base form (irregular table, then -ied/-ing/-ed/-es/-s
with the final "e" restored where English spelling needs it); "-ize" is spelled "-ise"; "express" keeps its
object noun in the singular ("express gratitude"); particles that change the act are kept ("call on",
"point out", "look forward", "take note" → "note", "make clear"); nouns of the act stand for their verb
("expression of concern", "Emphasis was placed on", "There was agreement", "An invitation was extended").
"""

from __future__ import annotations

import re
from functools import lru_cache

_SKIP = frozenset(
    "it there we i he she they you also further once again repeatedly strongly firmly highly particularly "
    "specially especially duly warmly sincerely fully then later in turn moreover additionally hereby "
    "resolutely was were is are been be being has have had having would should will shall can could may "
    "let me us 'm ’m am to like wish want the a an thus i'm we're i've we've i'd we'd and so but obviously now".split()
)
_POSSESSIVE = frozenset("his her their its our my your the a an deep deepest sincere full great profound strong "
                        "high utmost warm".split())
_IRREGULAR = {
    "said": "say", "says": "say", "made": "make", "makes": "make", "making": "make", "gave": "give", "given": "give",
    "giving": "give", "took": "take", "taken": "take", "taking": "take", "held": "hold", "drew": "draw",
    "drawn": "draw", "spoke": "speak", "spoken": "speak", "told": "tell", "sought": "seek", "thought": "think",
    "felt": "feel", "met": "meet", "put": "put", "underwent": "undergo", "laid": "lay", "paid": "pay",
    "expression": "express", "emphasis": "emphasise", "agreement": "agree", "invitation": "invite",
    "information": "inform", "appreciation": "appreciate", "condemnation": "condemn", "congratulations": "congratulate",
    "thanks": "thank", "gratitude": "thank", "reaffirmation": "reaffirm", "assurance": "assure", "proposal": "propose",
    "suggestion": "suggest", "recognition": "recognise", "support": "support", "call": "call", "calls": "call",
    "focus": "focus", "access": "access", "stress": "stress", "address": "address", "express": "express",
    "discuss": "discuss", "press": "press", "dismiss": "dismiss", "guess": "guess", "witness": "witness",
    "signalled": "signal", "signaled": "signal", "travelled": "travel", "traveled": "travel", "cancelled": "cancel",
    "labelled": "label", "counselled": "counsel", "channelled": "channel",
    "was": "be", "were": "be", "is": "be", "are": "be", "been": "be",
}
# bases whose final "e" the suffix removed ("noted" → "note", "underlining" → "underline")
_E_BASES = frozenset(
    "note welcome state underline underscore reiterate appreciate congratulate invite reassure emphasise "
    "emphasize recognise recognize advocate praise continue issue voice promise raise propose assure argue "
    "value hope describe announce declare outline observe deplore believe indicate elaborate update involve "
    "share receive achieve conclude compare encourage reaffirm stress resolve pledge urge acknowledge "
    "concede decline determine facilitate hail include illustrate introduce make take give underline "
    "welcome provide prove reciprocate relate remove serve strive subscribe suppose tackle use evaluate "
    "examine explore engage dedicate designate demonstrate celebrate commemorate collaborate cooperate "
    "coordinate"
    " converge diverge emerge merge purge surge change challenge exchange arrange manage judge gauge "
    "oppose expose impose compose dispose propose suppose close analyse criticise summarise prioritise "
    "apologise realise organise mobilise utilise finalise formalise maximise minimise"
    " reinforce force enforce announce pronounce denounce renounce reduce produce induce"
    " relate reiterate accelerate appreciate negotiate initiate mediate"
    " welcome intervene convene"
    " sense expense license"
    " arrive derive strive survive revive thrive"
    " cite excite invite unite write opine define refine combine seize decide provide guide side reside preside".split()
)
_DOUBLE_OK = frozenset("ll ss ff zz".split())
_PARTICLES = {"on": "on", "upon": "on", "for": "for", "out": "out", "forward": "forward", "attention": "attention",
              "clear": "clear", "over": "over"}
_KEEP_PARTICLE = frozenset({"call", "point", "look", "draw", "make", "hand"})
_OBJECT_VERBS = frozenset({"express"})
_WORD = re.compile(r"[A-Za-z’'][A-Za-z’'\-]*")


def _ise(word: str) -> str:
    if len(word) > 5 and word.endswith("ize") and word not in ("seize", "prize", "capsize"):
        return word[:-3] + "ise"
    return word


def base_form(word: str) -> str:
    """The base form of one English verb form (lower case)."""
    w = word.lower().replace("’", "'")
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    for suffix in ("ied", "ies"):
        if w.endswith(suffix) and len(w) > 4:
            return w[:-3] + "y"
    if w.endswith("eed") and len(w) > 4:  # agreed
        return w[:-1]
    stem: str | None = None
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            stem = w[: -len(suffix)]
            break
    if stem is None:
        if w.endswith(("izes", "ises")) and len(w) > 6:
            return _ise(w[:-1])  # recognizes, emphasises
        if w.endswith(("sses", "shes", "ches", "xes", "zes")) and len(w) > 4:
            return _ise(w[:-2])
        if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
            return _ise(w[:-1])
        return _ise(w)
    if (stem + "e") in _E_BASES:
        return _ise(stem + "e")
    if len(stem) > 3 and stem[-1] == stem[-2] and stem[-2:] not in _DOUBLE_OK and stem[-1] not in "aeiou":
        return _ise(stem[:-1])  # regretted, committed
    if stem.endswith(("iz", "is")) and len(stem) > 4 and (stem + "e") not in ("analyse",):
        return _ise(stem + "e")
    if re.search(r"(?:[^aeiou][aeiou][cvz]|[^aeiou]at|[cg]|ur|[^aeiou]u)$", stem) and not stem.endswith(("ng", "ck")):
        return _ise(stem + "e")
    return _ise(stem)


@lru_cache(maxsize=4096)
def verb_lemma(verb: str) -> str:
    """The normalised lemma of a reporting verb phrase as written ("" for an empty phrase)."""
    words = [m.group(0) for m in _WORD.finditer(verb.replace("…", " ").replace("...", " "))]
    lowered = [w.lower().replace("’", "'") for w in words]
    if any(w.startswith("announcement") for w in lowered[:5]):
        return "announce"  # "I have two announcements", "My first announcement is about"
    if lowered[:1] == ["my"] and "to" in lowered[2:4]:
        return verb_lemma(" ".join(words[lowered.index("to", 2) + 1:]))  # "My pleasure to welcome"
    i = 0
    while i < len(lowered) and (lowered[i] in _SKIP or lowered[i].endswith("ly") and i + 1 < len(lowered)):
        i += 1
    if i >= len(lowered):
        # only auxiliaries: "was clear" → "clear"; "I'm delighted" was consumed by the loop
        rest = [w for w in lowered if w not in ("it", "there", "we", "i")]
        return base_form(rest[-1]) if rest else ""
    head_word = lowered[i]
    if head_word in ("unanimous", "full", "broad", "general") and i + 1 < len(lowered):
        i += 1
        head_word = lowered[i]
    head = base_form(head_word)
    if head == "be" and i + 1 < len(lowered):  # "was clear that"
        return verb_lemma(" ".join(words[i + 1:]))
    rest = lowered[i + 1:]
    if head == "express":
        # "expressed Mexico's interest", "expressed the Philippines' desire": the owner is no object
        noun = next((w for w in rest if w not in _POSSESSIVE and w not in ("of", "once", "again", "also")
                     and not w.endswith(("'s", "'")) and w not in ("philippines", "netherlands", "bahamas")), None)
        if noun is not None:
            noun = noun[:-1] if noun.endswith("s") and not noun.endswith(("ss", "ness")) and noun != "thanks" else noun
            return f"express {noun}"
        return "express"
    if head == "take" and "note" in rest[:2]:
        return "note"
    if head == "take" and "opportunity" in rest[:3]:
        after = rest[rest.index("opportunity") + 1:]
        after = [w for w in after if w != "to"]
        return verb_lemma(" ".join(after)) if after else "take opportunity"
    if head in _KEEP_PARTICLE:
        for w in rest[:3]:
            if w in _PARTICLES:
                return f"{head} {_PARTICLES[w]}"
            if w not in ("it", "the", "his", "her", "their", "its", "also"):
                break
        if head == "make" and "clear" in rest[:2]:
            return "make clear"
    if head == "clear":
        return "make clear"
    return head
