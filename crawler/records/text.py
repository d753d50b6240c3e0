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
    last_word = re.search(r"([\w.]+)[.!?][\"”’)]*\s*$", chunk)
    if not last_word:
        return False
    tok = last_word.group(1).lower()
    if (len(tok) == 1 and tok.isalpha()) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", tok):
        return True  # initials "J." / "M." / "L.P."
    return tok in _ABBREV or tok.rstrip(".") in _ABBREV


def is_prose(line: str) -> bool:
    """Running prose rather than navigation, captions or stamps."""
    words = _WORD_RE.findall(line)
    if line.rstrip().endswith(":") and len(words) >= 2 and re.search(r"\b(?:said|stated|added|noted|says)\s*:\s*$", line):
        return True
    if len(words) < 6:
        return False
    lower = sum(1 for word in words if word[0].islower())
    if lower >= 2 and line.rstrip().endswith((".", "!", "?", ".”", '."', ";")):
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
    for para, line_match in enumerate(_LINE_RE.finditer(text)):
        line = line_match.group(0)
        base = line_match.start()
        if _RELATED_HEAD.match(line):
            related = True
        prose = is_prose(line) and not related and not _DATED_HEADLINE.match(line)
        pos = 0
        cuts: list[int] = []
        for break_match in _SPLIT_RE.finditer(line):
            if _is_abbrev(line[max(0, break_match.start() - 24): break_match.start() + 1]):
                continue
            if line[pos:break_match.start()].strip().isdigit():
                continue  # "1. The second round ..." (numbered paragraph)
            # don't split inside decimals or "No. 5"
            nxt = line[break_match.end(): break_match.end() + 1]
            if nxt and nxt.islower():
                continue
            cuts.append(break_match.end())
        cuts.append(len(line))
        for cut in cuts:
            seg = line[pos:cut]
            lstrip = len(seg) - len(seg.lstrip())
            seg_s = seg.strip()
            if seg_s:
                start = base + pos + lstrip
                out.append(Sentence(start, start + len(seg_s), seg_s, para, prose))
            pos = cut
    return out
