"""Folding people's names so that spelling variants meet in one ``persons`` row."""

from __future__ import annotations

import re
import unicodedata

_HONORIFICS = frozenset(
    "mr mrs ms miss dr prof his her excellency hon honourable honorable shri smt "
    "sir dame lord lady sheikh ambassador minister".split()
)
# Letters NFKD does not decompose into a base letter plus a mark.
_SPECIAL = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d"})
_NON_WORD = re.compile(r"[^a-z0-9]+")
_HE = re.compile(r"^\s*h\.\s*e\.\s*")


def name_key(name: str) -> str:
    """Return the folded key of a person's name.

    Case, diacritics, punctuation, spacing and leading honorifics are folded:
    ``"H.E. Mevlüt Çavuşoğlu"`` and ``"Mevlut CAVUSOGLU"`` share one key.
    """
    text = unicodedata.normalize("NFKD", name.casefold().translate(_SPECIAL))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = [w for w in _NON_WORD.split(_HE.sub("", text)) if w]
    while len(words) > 1 and words[0] in _HONORIFICS:
        words.pop(0)
    return " ".join(words)
