"""Topics: what the sides discussed / exchanged views on (never statements)."""

from __future__ import annotations

import re

from .text import Sentence


def topics_of(s: Sentence) -> list[str]:
    m = re.search(
        r"(?<!was )(?<!were )\b(?:discussed|exchanged\s+(?:views|opinions)(?:\s+\w+){0,2}?\s+(?:on|about|regarding)|reviewed|touched\s+upon|"
        r"focused\s+on|covered|considered|evaluated|explored)\s+(?P<t>[^.;]+)",
        s.text,
    )
    if not m:
        m = re.search(r"^(?:During\s+[^,]+,\s+)?(?P<t>[^,;.]{10,200}?)\s+(?:was|were)\s+(?:also\s+)?(?:discussed|touched upon|reviewed)\b", s.text)
    if not m:
        return []
    t = m.group("t")
    t = re.split(r",?\s+(?:and\s+)?(?:noted|agreed|expressed|stressed|emphasi[sz]ed|with a focus|including)\b", t)[0]
    parts = re.split(r",\s+(?:as well as\s+|and\s+)?|\s+as well as\s+|;\s+", t)
    out: list[str] = []
    for p in parts:
        p = re.sub(r"^(?:the|issues of|issues related to|issues on|prospects for)\s+", "", p.strip(), flags=re.IGNORECASE)
        p = re.sub(r"^(?:and|also)\s+", "", p)
        if 3 <= len(p) <= 120:
            out.append(p)
    return out[:8]
