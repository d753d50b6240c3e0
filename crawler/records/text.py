"""Sentence segmentation with character offsets, and page-chrome detection."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREV = frozenset(
    "mr mrs ms dr st no nos jr sr prof gen col lt h.e he h.h h.r.h h.m e.g i.e vs etc u.s u.k d.c a.m p.m "
    "jan feb mar apr jun jul aug sep sept oct nov dec hon rev amb fig approx inc ltd co corp".split()
)
_SPLIT_RE = re.compile(r"[.!?][\"”’)]*\s+|[.!?][\"”’)]*(?=[A-Z“\"])(?<=[a-z][.!?])")
_WORD_RE = re.compile(r"[^\W\d_][\w’'\-]*")
_LINE_RE = re.compile(r"[^\n]+")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str
    para: int
    body: bool  # looks like running prose, not chrome


def _is_abbrev(chunk: str) -> bool:
    m = re.search(r"([\w.]+)[.!?][\"”’)]*\s*$", chunk)
    if not m:
        return False
    tok = m.group(1).lower()
    if (len(tok) == 1 and tok.isalpha()) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", tok):
        return True  # initials "J." / "M." / "L.P."
    return tok in _ABBREV or tok.rstrip(".") in _ABBREV


def is_prose(s: str) -> bool:
    """Running prose rather than navigation, captions or stamps."""
    words = _WORD_RE.findall(s)
    if s.rstrip().endswith(":") and len(words) >= 4 and re.search(r"\b(?:said|stated|added|noted|says)\s*:\s*$", s):
        return True
    if len(words) < 6:
        return False
    lower = sum(1 for w in words if w[0].islower())
    if lower >= 2 and s.rstrip().endswith((".", "!", "?", ".”", '."', ";")):
        return True
    return lower >= max(2, len(words) // 4)


# "Read also", "Related news" …: the lines after such a heading list other releases
_RELATED_HEAD = re.compile(
    r"^\s*(?:Read\s+also|Related(?:\s+(?:news|articles|posts|stories|links?|releases|content))?|See\s+also|"
    r"More\s+news|Latest\s+news|Other\s+news|More\s+from\s+[\w ]{2,30}|You\s+may\s+also\s+like|Also\s+read|Recent\s+posts)\s*:?\s*$",
    re.IGNORECASE,
)
# a headline in a news list: "27 January, 2025 Andrii Sybiha met with …" (a date, then a title without a full stop)
_DATED_HEADLINE = re.compile(
    r"^\s*(?:\d{1,2}\s+[A-Z][a-z]+,?\s+\d{4}|[A-Z][a-z]+\s+\d{1,2},\s+\d{4}|\d{1,2}[./]\d{1,2}[./]\d{2,4})\s*[-–|:]?\s+[A-Z].*[^.!?:\s”\"]\s*$"
)


def split_sentences(text: str) -> list[Sentence]:
    """Split *text* into sentences; each keeps its offsets into *text*."""
    out: list[Sentence] = []
    related = False
    for para, lm in enumerate(_LINE_RE.finditer(text)):
        line = lm.group(0)
        base = lm.start()
        if _RELATED_HEAD.match(line):
            related = True
        prose = is_prose(line) and not related and not _DATED_HEADLINE.match(line)
        pos = 0
        cuts: list[int] = []
        for m in _SPLIT_RE.finditer(line):
            if _is_abbrev(line[max(0, m.start() - 24): m.start() + 1]):
                continue
            if line[pos:m.start()].strip().isdigit():
                continue  # "1. The second round ..." (numbered paragraph)
            # don't split inside decimals or "No. 5"
            nxt = line[m.end(): m.end() + 1]
            if nxt and nxt.islower():
                continue
            cuts.append(m.end())
        cuts.append(len(line))
        for c in cuts:
            seg = line[pos:c]
            lstrip = len(seg) - len(seg.lstrip())
            seg_s = seg.strip()
            if seg_s:
                st = base + pos + lstrip
                out.append(Sentence(st, st + len(seg_s), seg_s, para, prose))
            pos = c
    return out
