"""The identity rule: which written names are one person. Pure functions, no database.

Input: one :class:`NameEvidence` per folded name (:func:`db.names.name_key`), with
the countries and offices (:func:`db.offices.office_key`) it was seen with and the
documents that wrote it. Output (:func:`fold_names`): groups of name keys, each
group one person. The rule, in order:

1. **Tokens.** A key's words; a one-letter word is an initial (``"S. Jaishankar"``).
   Two words are the same when their transliteration folds are equal
   (:func:`translit_fold`: ``y``/``i``, ``kh``/``h``, ``zh``/``dzh``/``j``, ``tch``/``ch``,
   ``ou``/``u``, ``ee``/``i``, ``w``/``v``, ``ph``/``f``, ``q``/``k``, ``ck``/``k``,
   doubled letters), or, for two words of five letters or more with the same
   first letter and the same final vowel run, when they differ only in their inner vowels
   (``Mohammad``/``Mohammed``/``Muhammad``; ``Maria``/``Mario`` stay apart).
2. **Spelling and order variants** (``Sergey``/``Sergei Lavrov``, ``Bochorishvili``/
   ``Botchorishvili``, ``Iwaya Takeshi``/``Takeshi Iwaya``): the same words, in the same or
   the reverse order. Merged when both were seen for one country, or in one document.
3. **Fuller forms** (``Abbas``/``Seyed Abbas Araghchi``, ``Ishaq``/``Mohammad Ishaq Dar``,
   ``Antony J.``/``Antony Blinken``, ``S.``/``Subrahmanyam Jaishankar``): the same surname
   (last word), and every given word of the shorter form matches, in order, a given word
   of the longer (a word, or an initial of it). Merged when both were seen for one
   country and either a whole given word matches or they share an office or a document.
4. **One word alone** (``Eide``, ``Motegi``): the surname or the first word of a fuller
   form. Merged only when they share a document, or a country and a specific office
   (not a bare ``minister``).
5. **Never when ambiguous.** A shorter form (3, 4) joins a person only when exactly one
   person qualifies; with two candidates (``Kim`` of KR beside two Kims of KR holding
   that office, ``A. Smith`` beside Anna and Adam Smith) it stays a person of its own.
   Different given names never merge (``Hillary``/``Bill Clinton``, ``Wang Yi``/
   ``Wang Wenbin``), nor forms each seen for countries the other never was (``Kim`` of KR
   and ``Kim Song Nam`` of KP, even in one release).

The result does not depend on the order of the input: forms are taken fullest first,
then by key. :data:`RULE_VERSION` names this rule in exports and reports.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from db.offices import GENERIC_OFFICES

RULE_VERSION = "identity-1"

_TRANSLIT = (
    ("dzh", "j"), ("tch", "ch"), ("zh", "j"), ("kh", "h"), ("ph", "f"), ("ck", "k"),
    ("q", "k"), ("w", "v"), ("y", "i"), ("ou", "u"), ("ee", "i"), ("oo", "u"),
)
_DOUBLE = re.compile(r"(.)\1+")
_VOWELS = re.compile(r"[aeiou]+")
_FINAL_VOWELS = re.compile(r"[aeiou]+$")

@dataclass(frozen=True, slots=True)
class NameEvidence:
    """What the archive saw of one folded name."""

    key: str
    countries: frozenset[str] = field(default_factory=frozenset)
    offices: frozenset[str] = field(default_factory=frozenset)
    documents: frozenset[int] = field(default_factory=frozenset)


@functools.lru_cache(maxsize=1 << 16)
def translit_fold(word: str) -> str:
    """A word with the common transliteration differences folded (rule 1)."""
    for old, new in _TRANSLIT:
        word = word.replace(old, new)
    return _DOUBLE.sub(r"\1", word)


@functools.lru_cache(maxsize=1 << 16)
def loose_fold(word: str) -> str:
    """:func:`translit_fold` with every inner vowel run as ``a``: an index key, never a verdict."""
    folded = translit_fold(word)
    end = _FINAL_VOWELS.search(folded)
    tail = end.group(0) if end else ""
    return _VOWELS.sub("a", folded[: len(folded) - len(tail)]) + tail


@functools.lru_cache(maxsize=1 << 16)
def same_word(a: str, b: str) -> bool:
    """Rule 1: the same word, up to transliteration."""
    if len(a) == 1 or len(b) == 1:
        return a == b
    fa, fb = translit_fold(a), translit_fold(b)
    if fa == fb:
        return True
    return (len(a) >= 5 and len(b) >= 5 and fa[0] == fb[0]
            and loose_fold(a) == loose_fold(b))


def _word_matches(short: str, long: str) -> bool:
    """A given word of a shorter form against one of a fuller: a word, or its initial."""
    if len(short) == 1:
        return long.startswith(short)
    return len(long) > 1 and same_word(short, long)


def _subsequence(short: Sequence[str], long: Sequence[str]) -> bool:
    i = 0
    for word in long:
        if i < len(short) and _word_matches(short[i], word):
            i += 1
    return i == len(short)


@functools.lru_cache(maxsize=1 << 16)
def variant_kind(a: str, b: str) -> str | None:
    """How two keys may name one person: ``spelling``, ``order``, ``fuller``, ``alone`` or None.

    Symmetric in its verdict; ``fuller`` and ``alone`` mean one is a shorter form of the other.
    """
    x, y = a.split(), b.split()
    if not x or not y or a == b:
        return "spelling" if a == b and x else None
    if len(x) == len(y) and all(same_word(p, q) for p, q in zip(x, y, strict=True)):
        return "spelling"
    if len(x) == len(y) and len(x) > 1 and all(
            len(p) > 1 and same_word(p, q) for p, q in zip(x, reversed(y), strict=True)):
        return "order"
    short, long = (x, y) if len(x) <= len(y) else (y, x)
    if len(short) == 1:
        word = short[0]
        return "alone" if len(word) > 1 and len(long) > 1 and (
            same_word(word, long[-1]) or same_word(word, long[0])) else None
    if len(short) == len(long):
        # the same length, not word for word: an initial against a word ("S. X" / "Sam X")
        if same_word(short[-1], long[-1]) and all(
                _word_matches(p, q) or _word_matches(q, p)
                for p, q in zip(short[:-1], long[:-1], strict=True)):
            return "fuller"
        return None
    if not same_word(short[-1], long[-1]) or len(short[-1]) == 1:
        return None
    return "fuller" if _subsequence(short[:-1], long[:-1]) else None


def _whole_given_match(a: str, b: str) -> bool:
    """Whether a given word of more than one letter is common to both keys."""
    x, y = a.split()[:-1], b.split()[:-1]
    return any(len(p) > 1 and len(q) > 1 and same_word(p, q) for p in x for q in y)


def evidence_allows(kind: str, a: NameEvidence, b: NameEvidence) -> bool:
    """Whether the countries, offices and documents of two forms back a merge of ``kind``."""
    same_country = bool(a.countries & b.countries)
    if a.countries and b.countries and not same_country:
        return False  # seen for different countries only: two people, even in one release
    same_document = bool(a.documents & b.documents)
    shared = a.offices & b.offices
    if kind in ("spelling", "order"):
        return same_country or same_document
    if kind == "fuller":
        return same_country and (
            _whole_given_match(a.key, b.key) or bool(shared) or same_document)
    if kind == "alone":
        return same_document or (same_country and bool(shared - GENERIC_OFFICES))
    return False


class _Groups:
    """Union-find over keys; the root of a group is its least key, so results are stable."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.parent = {k: k for k in keys}
        self.members = {k: [k] for k in self.parent}

    def find(self, key: str) -> str:
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            low, high = min(ra, rb), max(ra, rb)
            self.parent[high] = low
            self.members[low] += self.members.pop(high)


@functools.lru_cache(maxsize=1 << 16)
def _fullness(key: str) -> tuple[int, int, str]:
    words = key.split()
    return (-sum(len(w) > 1 for w in words), -len(words), key)


def fold_names(evidence: Iterable[NameEvidence],
               persons: Mapping[str, int] | None = None) -> list[list[str]]:
    """Group name keys into persons by the rule above; each group sorted, groups by first key.

    ``persons`` (key -> person id): keys whose grouping is settled (a writer's known
    names). They start grouped by person, and no two of them are compared again.
    """
    by_key: dict[str, NameEvidence] = {}
    for item in evidence:
        old = by_key.get(item.key)
        by_key[item.key] = item if old is None else NameEvidence(
            item.key, old.countries | item.countries, old.offices | item.offices,
            old.documents | item.documents)
    groups = _Groups(by_key)
    settled = {k: p for k, p in (persons or {}).items() if k in by_key}
    first_of: dict[int, str] = {}
    for key in sorted(settled):
        groups.union(first_of.setdefault(settled[key], key), key)

    def compared(a: str, b: str) -> bool:
        return not (a in settled and b in settled)
    # candidates by loose surname or first word: only keys sharing one can be variants
    index: dict[str, set[str]] = {}
    for key in by_key:
        words = key.split()
        for word in {words[0], words[-1]}:
            if len(word) > 1:
                index.setdefault(loose_fold(word), set()).add(key)

    def candidates(key: str) -> list[str]:
        words = key.split()
        found: set[str] = set()
        for word in {words[0], words[-1]}:
            found |= index.get(loose_fold(word), set())
        found.discard(key)
        return sorted(found)

    order = sorted(by_key, key=_fullness)
    # rules 2: spelling and order variants, symmetric
    for key in order:
        for other in candidates(key):
            if not compared(key, other):
                continue
            kind = variant_kind(key, other)
            if kind in ("spelling", "order") and evidence_allows(kind, by_key[key], by_key[other]):
                groups.union(key, other)
    # rules 3-5: a shorter form joins the one person it can be, fullest forms first
    for key in order:
        near = candidates(key)
        if key in settled and all(o in settled for o in near):
            continue  # settled, and nothing new to join: only refold regroups these
        fuller = [o for o in near
                  if _fullness(o) < _fullness(key) and groups.find(o) != groups.find(key)]
        joinable = {groups.find(o) for o in fuller
                    if (kind := variant_kind(key, o)) in ("fuller", "alone")
                    and evidence_allows(kind, by_key[key], by_key[o])
                    and not _conflicts(key, o, groups)}
        if len(joinable) == 1:
            groups.union(key, joinable.pop())
    return sorted(sorted(members) for members in groups.members.values())


def _conflicts(key: str, other: str, groups: _Groups) -> bool:
    """Whether ``key``'s group holds a form that can be no variant of one in ``other``'s group."""
    mine, theirs = groups.members[groups.find(key)], groups.members[groups.find(other)]
    return any(variant_kind(p, q) is None for p in mine for q in theirs)


def is_fuller(a: str, b: str) -> bool:
    """Whether key ``a`` has more whole words than key ``b``, or as many and more words."""
    return _fullness(a)[:2] < _fullness(b)[:2]


def display_name(names: Iterable[tuple[str, str, int]]) -> str:
    """A person's name: of the forms ``(name as written, key, mentions)``, the fullest, then
    the most mentioned, then the first in sort order."""
    best = min(names, key=lambda n: (_fullness(n[1])[:2], -n[2], n[0]))
    return best[0]
