"""Topics: what the sides discussed / exchanged views on (never statements)."""

from __future__ import annotations

import re

from .text import Sentence

_FIELD_LIST = re.compile(
    r"\b[a-z][\w\-]*(?:,\s+[a-z][\w\-]*)+,?\s+and\s+[a-z][\w\-]*\s+(?:fields?|spheres?|areas?|sectors?|domains?|"
    r"dimensions?|tracks?|matters|issues|cooperation|ties|relations)\b")


def topics_of(sentence: Sentence) -> list[str]:
    found = re.search(
        r"(?<!was )(?<!were )\b(?:discussed|exchanged\s+(?:views|opinions)(?:\s+\w+){0,2}?\s+(?:on|about|regarding)|reviewed|touched\s+upon|"
        r"focused\s+on|covered|considered|evaluated|explored)\s+(?P<t>(?:[^.;]|(?<![A-Za-z][A-Za-z])(?<=[A-Z])\.)+)",
        sentence.text,
    )
    if not found:
        found = re.search(r"^(?:During\s+[^,]+,\s+)?(?P<t>[^,;.]{10,200}?)\s+(?:was|were)\s+(?:also\s+)?(?:discussed|touched upon|reviewed)\b", sentence.text)
    if not found:
        return []
    topic_text = found.group("t")
    topic_text = re.split(r",?\s+(?:and\s+)?(?:noted|agreed|expressed|stressed|emphasi[sz]ed|with a focus|including)\b", topic_text)[0]
    # "in the political, trade and economic fields": one topic, its commas kept
    topic_text = _FIELD_LIST.sub(lambda listed: listed.group(0).replace(",", "\x00"), topic_text)
    parts = [part.replace("\x00", ",") for part in
             re.split(r",\s+(?:as well as\s+|and\s+)?|\s+as well as\s+|;\s+", topic_text)]
    out: list[str] = []
    for part in parts:
        part = re.sub(r"^(?:the|issues of|issues related to|issues on|prospects for)\s+", "", part.strip(), flags=re.IGNORECASE)
        part = re.sub(r"^(?:and|also)\s+", "", part)
        if 3 <= len(part) <= 120:
            out.append(part)
    return out[:8]
