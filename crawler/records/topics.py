"""Topics: what the sides discussed / exchanged views on (never statements)."""

from __future__ import annotations

import re

from .text import Sentence


def topics_of(sentence: Sentence) -> list[str]:
    found = re.search(
        r"(?<!was )(?<!were )\b(?:discussed|exchanged\s+(?:views|opinions)(?:\s+\w+){0,2}?\s+(?:on|about|regarding)|reviewed|touched\s+upon|"
        r"focused\s+on|covered|considered|evaluated|explored)\s+(?P<t>[^.;]+)",
        sentence.text,
    )
    if not found:
        found = re.search(r"^(?:During\s+[^,]+,\s+)?(?P<t>[^,;.]{10,200}?)\s+(?:was|were)\s+(?:also\s+)?(?:discussed|touched upon|reviewed)\b", sentence.text)
    if not found:
        return []
    topic_text = found.group("t")
    topic_text = re.split(r",?\s+(?:and\s+)?(?:noted|agreed|expressed|stressed|emphasi[sz]ed|with a focus|including)\b", topic_text)[0]
    parts = re.split(r",\s+(?:as well as\s+|and\s+)?|\s+as well as\s+|;\s+", topic_text)
    out: list[str] = []
    for part in parts:
        part = re.sub(r"^(?:the|issues of|issues related to|issues on|prospects for)\s+", "", part.strip(), flags=re.IGNORECASE)
        part = re.sub(r"^(?:and|also)\s+", "", part)
        if 3 <= len(part) <= 120:
            out.append(part)
    return out[:8]
