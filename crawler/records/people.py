"""Person mentions: names, titles, honorifics, countries, organisations.

A *mention* is a name (or, for unnamed office holders, a title phrase) found in
a sentence together with the title written next to it.  Mentions are turned
into entities (one per person) by :class:`Roster`, which also resolves later
references by surname, by title ("the Minister", "EAM") and by pronoun.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from .countries import (
    CAPITAL_WORDS,
    COUNTRY_WORDS,
    find_countries,
    find_organisations,
    find_private_org,
    fold,
)

HEADS = frozenset(
    """minister ministers secretary secretaries ambassador ambassadors ambasador president presidents
    director director-general directors chairman chairperson chairwoman chair co-chair co-chairs
    co-chairman co-chairmen councilor councillor adviser advisor advisers representative
    representatives envoy envoys commissioner spokesperson spokesman spokeswoman premier chancellor
    king queen prince princess emir amir sultan head heads chief governor mayor speaker senator
    undersecretary under-secretary officer consul consul-general rector imam pope patriarch
    counterpart counterparts secretary-general vice-president vice-minister mos fm eam ceo member
    members chargé charge counsellor counselor official officials diplomat diplomats deputy
    coordinator rapporteur attorney-general commander mantri under-secretary-general
    deputy-secretary-general assistant-secretary-general director-general""".split()
)


_TITLE_WORDS = HEADS | frozenset(
    """foreign affairs state vice first second third special permanent presidential executive senior
    principal assistant acting high grand federal national political security policy international
    external regional general joint cabinet prime without portfolio law justice defence defense
    interior finance economy economic trade home development cooperation co-operation culture health
    education energy commerce industry industries parliamentary d’affaires d'affaires affaires
    ethnic groups relations multilateral bilateral consular protocol legal public diplomacy
    investment planning human rights minority overseas commonwealth european global strategic
    personal chairperson-in-office office former new incoming outgoing newly appointed designate
    elect emeritus honorary resident non-resident lieutenant major colonel admiral raksha videsh rajya
    extraordinary plenipotentiary plenipotentiary-designate in-charge charge-d-affaires
    pradhan expatriates emigrants emigration immigration migration diaspora worship francophonie mobility
    emergency relief humanitarian""".split()
)


_ORG_WORDS = frozenset(
    """ministry ministries department government republic kingdom federation union organization
    organisation council committee commission assembly group forum party front board bank fund
    agency institute centre center foundation university church embassy consulate mission
    delegation nations united states people's people’s islamic arab league house palace summit
    meeting meetings conference session agreement declaration treaty statement press release
    service information news corridor region sea ocean war crisis process format initiative
    programme program plan masterplan road map day year week covid covid-19 coronavirus pandemic
    parliament senate congress people duma court authority authorities administration secretariat
    orthodox coptic catholic muslim christian cooperation corporation company institute interest
    youth school academy dialogue archive archives newsfeed photo video credit source headline tag share
    print search home advanced settings materials comments related posts more read also contact
    travel advice guidance overview table contents opening remarks transcript briefing telephone phone
    talk talks call calls conversation conversations consultations videoconference video bureau politburo
    directorate division section unit chamber corps presidium institution institutions majlis tribunal
    kremlin""".split()
)


_GEO_WORDS = frozenset(
    """east west north south middle central southern northern eastern western africa asia europe
    americas pacific atlantic caucasus gulf mediterranean arctic balkans eurasia latin caribbean
    indo-pacific black caspian baltic nordic karabakh nagorno nagorno-karabakh kashmir crimea donbass
    gaza sahel levant scandinavia antarctica oceania asian african arab eurasian""".split()
)


_FUNCTION_WORDS = frozenset(
    """the a an on in at during after before following while with and of for to by from this that
    these those it its he she they we i his her their our my you your both all also later then
    today yesterday tomorrow there here as but or nor so if when where which who whom whose what
    upon within without between among into onto over under about against via per mr mrs ms dr
    however moreover furthermore meanwhile besides thus therefore overall finally next earlier
    dear excellency ladies gentlemen thank thanks good yes no please question answer q a
    january february march april june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split()
)


_ACRONYMS = frozenset(
    """un eu osce nato oic who asean cis csto sco ots iaea unesco unicef unhcr icrc imf wto gcc cica oecd
    fcdo mfa prc ccp cpc krg icyf unsc brics bric brics+ eam mos fm us uk uae usa rok dprk rf ga
    minsk g20 g7 d-8 covid""".split()
)


STOP = CAPITAL_WORDS | _ACRONYMS | _TITLE_WORDS | _ORG_WORDS | _GEO_WORDS | _FUNCTION_WORDS | frozenset(fold(w) for w in COUNTRY_WORDS)


_HONORIFIC = frozenset(
    "mr mr. mrs mrs. ms ms. dr dr. h.e h.e. hh h.h. shri smt hon hon. sheikh sheikha makhdoom prof "
    "prof. professor sir dame lord lady madam mme excellency holiness highness majesty his her m. mx honourable honorable".split()
)


_PARTICLES = frozenset("bin bint ibn al el de da dos das van von der den la le du di y al-".split())


_CONNECT = frozenset("of for to the and on in".split())


_SPOKES = re.compile(r"spokes|press secretary|press service|information department|press department", re.IGNORECASE)


_TOKEN_RE = re.compile(
    r"[^\W\d_][\w\-]*(?:(?:['’](?=[^\W\d_]{2})|\.(?=[^\W\d_]))[\w\-]+)*|[(),;:“”\"]|\d[\w\-/.]*"
)


_INITIALS = re.compile(r"^(?:[A-Z]\.)+[A-Z]$")  # "L.P" of "Retno L.P. Marsudi"


_ROMAN = frozenset("ii iii iv v vi vii viii".split())


class Tok(NamedTuple):
    start: int
    end: int
    text: str
    key: str
    cap: bool
    poss: bool = False


@dataclass(frozen=True, slots=True)
class Mention:
    start: int  # whole mention incl. title (absolute offsets)
    end: int
    name_start: int
    name_end: int
    name: str | None  # None for an unnamed office holder
    title: str | None
    country: str | None
    organisation: str | None
    heads: frozenset[str] = field(default_factory=frozenset)


@lru_cache(maxsize=2048)
def tokenize(s: str) -> tuple[Tok, ...]:
    toks: list[Tok] = []
    skip_until = -1
    for m in _TOKEN_RE.finditer(s):
        if m.start() < skip_until:
            continue
        t = m.group(0)
        end = m.end()
        key = fold(t)
        if end < len(s) and s[end] == "." and (
            (len(t) == 1 and t.isupper()) or key + "." in _HONORIFIC or key in ("h.e", "h.h", "u.s", "d.c")
            or _INITIALS.match(t)
        ):
            end += 1
            t = s[m.start():end]
            key = fold(t)
        poss = s[end:end + 2] in ("’s", "'s") or (s[end:end + 1] in ("’", "'") and t.endswith("s"))
        if poss:
            skip_until = end + 2
        toks.append(Tok(m.start(), end, t, key, t[:1].isupper(), poss))
    return tuple(toks)


def _is_hon(tok: Tok, nxt: Tok | None) -> bool:
    if tok.key in ("his", "her"):
        return nxt is not None and nxt.key in ("excellency", "holiness", "highness", "majesty")
    if tok.text == "HE":
        return True
    if tok.key == "he":
        return False
    return tok.key in _HONORIFIC and tok.cap


def _namey(tok: Tok, first: bool) -> bool:
    if not tok.cap or tok.key in STOP or tok.key.rstrip(".") in STOP:
        return False
    if tok.text[0] in "(),;:“”\"":
        return False
    if first and (tok.key.endswith("ing") or tok.key.endswith("ed") or tok.key.endswith("ly")):
        return False
    if tok.key in _HONORIFIC:
        return False
    if "-" in tok.key and any(part in STOP for part in tok.key.split("-")) and tok.key.split("-")[0] not in _PARTICLES:
        return False
    if tok.text.isupper() and len(tok.text) <= 4 and not tok.text.endswith("."):
        # acronyms (PRC, OSCE, FCDO) are not names; but allow 'K' initial
        return len(tok.text) == 1
    return True


def surname_key(name: str) -> str:
    parts = [p for p in re.split(r"[\s.]+", name) if p and fold(p) not in _ROMAN]
    return fold(parts[-1]) if parts else fold(name)


def name_keys(name: str) -> set[str]:
    return {fold(p) for p in re.split(r"[\s.]+", name) if len(p) > 1 and fold(p) not in _PARTICLES}


def title_country(title: str) -> str | None:
    """Country a title speaks for (not the one an ambassador is accredited to)."""
    for a, _b, code in find_countries(title):
        before = title[max(0, a - 8):a].lower()
        if re.search(r"\b(?:to|in)\s+(?:the\s+)?$", before):
            continue
        return code
    return None


def title_org(title: str) -> tuple[str | None, bool]:
    """(organisation, intergovernmental?) named in a title, ignoring 'to the UN'."""
    for a, _b, name in find_organisations(title):
        before = title[max(0, a - 8):a].lower()
        if re.search(r"\bto\s+(?:the\s+)?$", before):
            continue
        return name, True
    priv = find_private_org(title)
    return priv, False


def _heads(title: str | None) -> frozenset[str]:
    if not title:
        return frozenset()
    return frozenset(k for k in (fold(w) for w in re.findall(r"[\w\-’']+", title)) if k in HEADS)


def _clean_title(t: str) -> str | None:
    t = t.strip(" ,;:()")
    t = re.sub(r"^(?:the|a|an|and|of|his|her)\s+", "", t, flags=re.IGNORECASE).strip(" ,")
    t = re.sub(r"\s+(?:of|for|to|the|and|,)$", "", t).strip(" ,")
    t = re.sub(r"[’']s?$", "", t)
    return t or None


def _finish(s: str, base: int, st: int, en: int, ns: int, ne: int, name: str | None,
            title: str | None, trailing: str) -> Mention:
    country = title_country(title) if title else None
    org: str | None = None
    if title:
        org, intergov = title_org(title)
        if org and intergov:
            country = None
    m = re.match(r"\s*\((?:the\s+)?([^()]{2,60})\)", trailing)
    if m:
        c = find_countries(m.group(1))
        if c and c[0][0] == 0:
            country = c[0][2]
    m2 = re.match(r"\s+of\s+(?:the\s+)?([A-Z][^,;.]{1,60})", trailing)
    if m2 and org is None:
        orgs = find_organisations(m2.group(1))
        if orgs and orgs[0][0] == 0:
            org, country = orgs[0][2], None
    if m2 and country is None and org is None:
        c = find_countries(m2.group(1))
        if c and c[0][0] == 0:
            country = c[0][2]
    return Mention(base + st, base + en, base + ns, base + ne, name, title, country, org, _heads(title))


_ARABIC_PART = re.compile(r"^(?:al|el|ad|as|ash|at|az|ar|an|abu|abd|bin|ibn)-[A-Z]")
_PAREN_GIVEN = re.compile(r"\b(Lord|Lady|Sir|Dame|Baroness|Baron)\s\(([A-Z][a-z]+)\)")


_NO_NAME_AFTER = frozenset("on in at the against about under into regarding towards within".split())


def _known_key(tok: Tok) -> str:
    return tok.key.split(".")[-1]


def _caps_ok(toks: tuple[Tok, ...], i: int, n: int) -> bool:
    """An ALL-CAPS token may be a name part next to a name or after a title/honorific."""
    t = toks[i]
    if t.key in STOP:
        return False
    if i > 0 and (toks[i - 1].key in HEADS or _is_hon(toks[i - 1], t)):
        return True
    if i > 0 and toks[i - 1].key in ("of", "for", "the"):
        return False  # "Head of UNRCCA Kaha Imnadze": an acronym, not a surname
    return i + 1 < n and toks[i + 1].cap and not toks[i + 1].text.isupper() and _namey(toks[i + 1], False)


def _head_left_ok(tok: Tok) -> bool:
    return tok.key in STOP and tok.key not in _FUNCTION_WORDS


def _head_left(toks: tuple[Tok, ...], kk: int) -> bool:
    """A proper noun inside an office title ("Secretary General of the Collective Security Treaty Organisation"):
    a title head lies a few capitalised words / connectors further left."""
    if kk + 1 >= len(toks) or not (toks[kk + 1].cap and (toks[kk + 1].key in _ORG_WORDS or toks[kk + 1].key in
                                                          _TITLE_WORDS or _head_left_ok(toks[kk + 1]))):
        return False
    j = kk - 1
    steps = 0
    while j >= 0 and steps < 7:
        u = toks[j]
        if u.key in HEADS and u.cap:
            return True
        if not (u.cap or u.key in ("of", "for", "the")):
            return False
        j -= 1
        steps += 1
    return False


def _title_back(s: str, toks: tuple[Tok, ...], k: int) -> tuple[str | None, int]:
    """Title phrase ending at token *k* (inclusive): (title, start offset)."""
    kk = k
    n = len(toks)
    while kk >= 0:
        u = toks[kk]
        if u.cap or u.key in ("of", "for", "to", "the", "and") or u.text in "()" or (
            # "Resident Coordinator in Georgia", "Ambassador in Berlin"
            u.key == "in" and kk > 0 and toks[kk - 1].cap and toks[kk - 1].key in HEADS
        ) or u.key in (
            "newly", "appointed", "outgoing", "incoming", "former", "acting", "senior"
        ) or (kk == k and u.key in HEADS):
            if u.key in ("the", "and") and kk > 0 and not toks[kk - 1].cap and toks[kk - 1].key not in (
                "of", "for", "to", "newly", "appointed"
            ):
                break
            if u.cap and not (u.key in STOP or u.key in _HONORIFIC or u.key in HEADS or _acronym(u)) and not u.poss and not (
                "-" in u.text and u.text.split("-")[-1].islower()
            ) and not (kk == k and kk > 0 and toks[kk - 1].key in ("to", "in", "of")) and not _head_left(toks, kk):
                break
            kk -= 1
            continue
        break
    if kk + 1 > k:
        return None, toks[k].end if k < n else 0
    first = kk + 1
    while first < k and toks[first].key in ("and", "of", "for", "to"):
        first += 1
    t0 = toks[first].start
    raw = s[t0:toks[k].end]
    raw = _HON_TAIL_RE.sub("", raw)
    raw = _HON_HEAD_RE.sub("", raw)
    return _clean_title(raw), t0


_HON_TAIL_RE = re.compile(
    r"(?:\b(?:H\.E\.?|HE|HH|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Shri|Hon\.?|Honou?rable|Sheikh|Makhdoom|His Excellency|"
    r"His Holiness|Her Excellency|Lord|Prof\.?)\s*)+$"
)


_HON_HEAD_RE = re.compile(r"^(?:(?:H\.E\.?|HE|HH|His Excellency|His Holiness|Her Excellency)\s+)+")


def _acronym(tok: Tok) -> bool:
    """An organisation acronym inside a title ("Head of UNRCCA")."""
    return len(tok.text) >= 3 and tok.text.isalpha() and tok.text.isupper()


def _has_name_pair(words: list[str]) -> bool:
    """Two adjacent capitalised words that are neither title, organisation, place nor country words."""
    prev = False
    for w in words:
        wk = fold(w.strip("(),"))
        cur = w[:1].isupper() and wk not in STOP and wk not in _HONORIFIC and not w.startswith("(")
        if cur and prev:
            return True
        prev = cur
    return False


def find_people(s: str, base: int = 0, known: frozenset[str] | set[str] | None = None) -> list[Mention]:
    """Named people in sentence *s*; offsets are shifted by *base*."""
    plain = _find_people(s, base, frozenset())
    if not known:
        return list(plain)
    spans = [(m.name_start - base, m.name_end - base) for m in plain]
    for t in tokenize(s):
        if (t.cap or _ARABIC_PART.match(t.text)) and _known_key(t) in known and not any(a <= t.start < b for a, b in spans):
            return list(_find_people(s, base, frozenset(known)))
    return list(plain)


@lru_cache(maxsize=2048)
def _find_people(s: str, base: int, known: frozenset[str]) -> tuple[Mention, ...]:
    if "(" in s:
        # "Lord (Tariq) Ahmad": the bracketed given name is part of the name (same length, offsets kept)
        s = _PAREN_GIVEN.sub(lambda m: m.group(1) + "   " + m.group(2), s)
    toks = tokenize(s)
    n = len(toks)

    def nameish(idx: int, first: bool) -> bool:
        u = toks[idx]
        if (u.cap or _ARABIC_PART.match(u.text)) and _known_key(u) in known:
            return True  # also "Minister al-Shaibani" once "Asaad Hassan al-Shaibani" is known
        if u.text.isupper() and len(u.text) >= 2 and u.text.isalpha():
            return _caps_ok(toks, idx, n)
        return _namey(u, first)

    out: list[Mention] = []
    i = 0
    while i < n:
        if not nameish(i, i == 0):
            i += 1
            continue
        j = i + 1
        while j < n:
            u = toks[j]
            if u.start - toks[j - 1].end > 1 or toks[j - 1].poss:
                break
            if (u.cap and (_known_key(u) in known or (_namey(u, False) if not u.text.isupper() or len(u.text) < 2
                                                       else u.key not in STOP))) or (
                u.key in _ROMAN and u.text.isupper()
            ):
                j += 1
                continue
            if u.key in _PARTICLES and j + 1 < n and _namey(toks[j + 1], False):
                j += 2
                continue
            if _ARABIC_PART.match(u.text):
                j += 1  # "Riyad al-Maliki", "Ahmed el-Tayeb"
                continue
            break
        run = toks[i:j]
        prev = toks[i - 1] if i > 0 else None
        prev2 = toks[i - 2] if i > 1 else None
        nxt = toks[j] if j < n else None
        single = len(run) == 1
        k = i - 1
        hon = False
        while k >= 0 and _is_hon(toks[k], toks[k + 1] if k + 1 < n else None):
            hon = True
            k -= 1
        comma_title = (
            k >= 1 and toks[k].text == "," and toks[k - 1].cap and (
                toks[k - 1].key in STOP or (k >= 2 and toks[k - 2].key in ("to", "in", "of")))
        )
        title: str | None = None
        tstart = run[0].start
        if k >= 0 and (toks[k].cap or toks[k].key in ("counterpart", "envoy")) and (
            toks[k].key in STOP or toks[k].key in HEADS or _acronym(toks[k])
        ):
            title, tstart = _title_back(s, toks, k)
        elif comma_title:
            title, tstart = _title_back(s, toks, k - 1)
        if title and tstart > 0 and title_country(title) is None:
            fi = next((x for x in range(k, -1, -1) if toks[x].start < tstart), -1)
            while fi >= 0 and _is_hon(toks[fi], toks[fi + 1] if fi + 1 < n else None):
                fi -= 1
            if fi >= 1 and toks[fi].text == "," and toks[fi - 1].cap and toks[fi - 1].key in STOP:
                t2, t2start = _title_back(s, toks, fi - 1)
                if t2 and _heads(t2) and (title_country(t2) or title_org(t2)[1]):
                    title, tstart = f"{t2}, {title}", t2start
        if title and not _heads(title) and not find_countries(title):
            title = None
        accept = bool(hon or (title and _heads(title)))
        if not accept and prev is not None and prev.key in ("of", "for", "to", "the", "by") and (
            prev2 is not None and (prev2.cap or prev2.key in ("of", "the"))
        ):
            i = j
            continue
        if not accept and prev is not None and prev.text in _NO_NAME_AFTER and _known_key(run[-1]) not in known:
            # "the Enhanced Partnership", "on Preventing Sexual Violence": not a person
            i = j
            continue
        if not accept:
            if not single or _known_key(run[0]) in known:
                accept = True
            elif nxt is not None and not nxt.cap and re.match(
                r"(?:also |further |once again |again |then |later |in turn |,[^,]{1,60},\s*)?[a-z]+ed\b",
                s[nxt.start:],
            ):
                accept = prev is None or prev.text in ",;:" or prev.key == "and" or (
                    prev.cap and prev.key in STOP
                )
        if not accept:
            i = j
            continue
        end = run[-1].end
        name = " ".join(s[run[0].start:run[-1].end].split())
        rest = s[end:]
        am = re.match(
            r",\s+(?:the\s+|a\s+)?((?:[A-Za-z’'\-&]+|\([^)]{1,40}\))(?:[ \-](?:[A-Za-z’'\-&]+|\([^)]{1,40}\))){0,18})",
            rest,
        )
        if am:
            keep: list[str] = []
            for w in am.group(1).split():
                wk = fold(w.strip("(),"))
                if wk in _HONORIFIC or w in ("HE", "HH"):
                    break
                if keep and w == "and" and re.match(r"and\s+(?:[A-Z][\w\-]+\s+){1,3}", rest[am.start(1):][len(" ".join(keep)) + 1:]):
                    nxtw = rest[am.start(1):][len(" ".join(keep)) + 1:].split()[1:3]
                    if nxtw and all(x[:1].isupper() and fold(x) not in STOP for x in nxtw[:2]):
                        break
                if w[:1].isupper() or wk in _CONNECT or wk in HEADS or wk in _TITLE_WORDS or w.startswith("("):
                    keep.append(w)
                    continue
                break
            cand = " ".join(keep)
            cand = re.sub(r"(?:\s+(?:and|of|for|to|the|on|in))+$", "", cand)
            ctoks = cand.split()
            ends_in_name = bool(ctoks) and ctoks[-1][:1].isupper() and fold(ctoks[-1].strip("(),")) not in STOP and (
                len(ctoks) < 2 or fold(ctoks[-2]) not in _CONNECT)
            if ctoks and ctoks[0] == "and":
                cand = ""
            if _has_name_pair(ctoks):
                # ", the Minister of Foreign Affairs of Brazil Mauro Vieira and ...": the next item of a list
                cand = ""
            after_app = rest[am.start(1) + len(cand):] if cand else ""
            subject_of_next = bool(title and _heads(title)) and bool(
                re.match(r"\s+(?:also\s+|further\s+|then\s+)?[a-z]+(?:ed|ated)\b", after_app))
            if cand and _heads(cand) and not ends_in_name and not subject_of_next:
                if title is None or not _heads(title) or len(cand) > len(title):
                    title = _clean_title(cand)
                end = end + am.start(1) + len(cand)
        out.append(_finish(s, base, tstart, end, run[0].start, run[-1].end, name, title, s[run[-1].end:]))
        i = j
    return tuple(out)


_UNNAMED_RE = re.compile(
    r"(?:^|\b(?:[Tt]he|[Aa]n?|[Hh]is|[Hh]er|[Tt]heir)\s+)((?:(?:[A-Z][\w\-’']*|of|for|and|the|senior|newly|appointed|"
    r"outgoing|incoming|new|visiting)\s+){0,8}"
    r"(?:(?:Director|Secretary|Consul|Attorney)[\- ]General|Minister|Ministers|Ambassador|Secretary|President|Director|Chairman|Envoy|Representative|Adviser|"
    r"Advisor|Commissioner|Premier|Chancellor|Spokesperson|official|officials|counterpart|counterparts|"
    r"Councilor|Councillor|Co-Chairs?|Chargé d[’']Affaires|Head|Deputy)s?\b"
    r"(?:\s+(?:of|for)\s+(?:Foreign|External)\s+Affairs)?"
    r"(?:\s+(?:of|from)\s+(?:the\s+)?((?:[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*)(?:\s*,\s*(?:the\s+)?[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*)*"
    r"(?:,?\s+and\s+(?:the\s+)?[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*)?))?)"
)




def find_unnamed(s: str, base: int = 0) -> list[Mention]:
    """See :func:`_find_unnamed`."""
    return list(_find_unnamed(s, base))


@lru_cache(maxsize=2048)
def _find_unnamed(s: str, base: int) -> tuple[Mention, ...]:
    """Office holders referred to only by title ("the Russian Ambassador", "a senior FCDO official",
    "the Foreign Ministers of Russia, China and Brazil" → one mention per country)."""
    out: list[Mention] = []
    for m in _UNNAMED_RE.finditer(s):
        phrase = m.group(1)
        after = s[m.end():m.end() + 40]
        # followed by a name → not unnamed
        if re.match(r"\s*,?\s*(?:H\.E\.|Mr\.?|Ms\.?|Dr\.?)?\s*[A-Z][a-z]+(?:\s+[A-Z][\w\-]+)", after) and not re.match(
            r"\s*,?\s*(?:and|of|for|to|on|in|at|the)\b", after
        ):
            continue
        if re.match(r"\s+[A-Z][\w\-]+", after) and not re.match(r"\s+(?:of|for|to|and|on|in|at|the|was|were|had)\b", after):
            continue
        if re.match(r"\s+(?:visit|visits|talks|meeting|meetings|delegation|ceremony|level|capacity|status|language|website|"
                    r"statement|position|channels?|documents?|residence|invitation|car|reception|trip|event|"
                    r"programme|program|dinner|lunch|talk|welcome)\b", s[m.end():]):
            continue
        countries = m.group(2)
        if countries:
            codes = [c for _a, _b, c in find_countries(countries)]
            head = phrase[: phrase.find(countries)].strip()
            head = re.sub(r"\s*\b(?:of|from)(?:\s+the)?$", "", head).strip()
            if len(codes) <= 1 and re.search(r"(?:Ministers|Ambassadors|Secretaries|officials|counterparts|Representatives|Heads)$", head):
                continue  # "Foreign Ministers of Central Asia and Japan": a group
            if len(codes) > 1:
                for code in codes:
                    sing = re.sub(r"(Minister|Ambassador|Secretary|counterpart)s\b", r"\1", head)
                    surface = next(countries[a:b] for a, b, c in find_countries(countries) if c == code)
                    out.append(Mention(base + m.start(1), base + m.end(1), base + m.start(1), base + m.end(1),
                                       None, f"{sing} of {surface}", code, None, _heads(sing)))
                continue
        if " and the " in phrase:
            # "the Foreign Minister and the Secretary of State": two office holders
            cut = phrase.rfind(" and the ") + len(" and the ")
            left = phrase[: cut - len(" and the ")]
            if _heads(left):
                lt = _clean_title(left)
                if lt and _heads(lt):
                    out.append(Mention(base + m.start(1), base + m.start(1) + len(left), base + m.start(1),
                                       base + m.start(1) + len(left), None, lt, title_country(lt), None, _heads(lt)))
            phrase = phrase[cut:]
            start1 = m.start(1) + cut
        else:
            start1 = m.start(1)
        title = _clean_title(phrase)
        if not title:
            continue
        first_word = fold(title.split()[0])
        if first_word in _ORG_WORDS or first_word in ("heads", "members", "commonwealth"):
            continue
        if re.search(r"\b(?:Meeting|Summit|Conference|Session|Council|Forum)\b", title):
            continue
        if re.search(r"(?:Ministers|Ambassadors|Secretaries|officials|counterparts|Co-Chairs|Heads|Representatives)$", title):
            continue
        country = title_country(title)
        org, inter = title_org(title)
        if org and inter:
            country = None
        out.append(Mention(base + start1, base + m.end(1), base + start1, base + m.end(1),
                           None, title, country, org, _heads(title)))
    return tuple(out)


_PRIOR_RE = re.compile(
    r"\b(?:Minister|Ministers|Secretary|Ambassador|President|Director|Chairman|Councilor|Councillor|Representative|"
    r"Adviser|Envoy|Commissioner|Premier|Chancellor|Spokesperson|Co-Chairs?|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|H\.E\.?|Shri|Hon\.?|"
    r"Sheikh|Lord|Prof\.?|Affairs)\s+((?:[A-Z][\w’'\-]+\.?\s+){0,3}[A-Z][\w’'\-]+)"
    r"|^\s*([A-Z][a-z][\w’'\-]+(?:\s+[A-Z]\.)?\s+[A-Z][\w’'\-]+),\s+(?:the\s+)?[A-Za-z]",
    re.MULTILINE,
)


def prior_keys(text: str) -> set[str]:
    """Name tokens introduced after a title or honorific anywhere in the text (cheap pre-pass), so that a
    later bare surname ("Akhramovich noted") is recognised."""
    out: set[str] = set()
    for m in _PRIOR_RE.finditer(text):
        name = m.group(1) or m.group(2) or ""
        for w in re.split(r"[\s.]+", name):
            k = fold(w)
            if len(k) > 2 and k not in STOP and k not in _HONORIFIC and w[:1].isupper():
                out.add(k)
    return out


def clear_caches() -> None:
    """Per-release caches; cleared at the start of every extraction."""
    tokenize.cache_clear()
    _find_people.cache_clear()
    _find_unnamed.cache_clear()


def is_spokesperson(title: str | None) -> bool:
    return bool(title and _SPOKES.search(title))
