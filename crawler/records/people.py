"""Person mentions: names, titles, honorifics, countries, organisations.

A *mention* is a name (or, for unnamed office holders, a title phrase) found in
a sentence together with the title written next to it.  Mentions are turned
into entities (one per person) by :class:`Roster`, which also resolves later
references by surname, by title ("the Minister", "EAM") and by pronoun.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from .countries import (
    CAPITAL_WORDS,
    COUNTRY_WORDS,
    capital_at,
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
    deputy-secretary-general assistant-secretary-general director-general tanaiste taoiseach""".split()
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
    kremlin action plan mechanism province partnership retreat abroad route transport atomic strategy framework
    roadmap platform network zone programme airlines airways railways holding holdings enterprise enterprises
    monitoring observer observers""".split()
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


# page chrome of bilingual pages (language menus) and party names that look like personal names
_CHROME_WORDS = frozenset(
    """english français francais deutsch español espanol русский gaeilge cymraeg suomi svenska norsk dansk
    português portugues italiano nederlands polski türkçe turkce magyar čeština cestina lietuvių latviešu eesti
    hrvatski srpski ελληνικά bahasa melayu tiếng việt 中文 日本語 한국어 العربية עברית فارسی
    қазақша українська беларуская ქართული հայերեն azərbaycan azərbaycanca oʻzbekcha o‘zbekcha кыргызча тоҷикӣ
    gael fianna fáil fail sinn féin fein likud fidesz kuomintang kmt labour tory tories conservatives
    republicans democrats yesh atid meretz shas kadima beiteinu syriza pasok podemos bjp komeito cdu csu spd
    afd jobbik""".split()
)


STOP = _CHROME_WORDS | CAPITAL_WORDS | _ACRONYMS | _TITLE_WORDS | _ORG_WORDS | _GEO_WORDS | _FUNCTION_WORDS | frozenset(fold(word) for word in COUNTRY_WORDS)


_HONORIFIC = frozenset(
    "mr mr. mrs mrs. ms ms. dr dr. h.e h.e. hh h.h. shri smt hon hon. sheikh sheikha makhdoom prof "
    "prof. professor sir dame lord lady madam mme excellency holiness highness majesty his her m. mx honourable honorable "
    # Malay and Brunei honorifics ("Dato' Seri", "Datuk", "Tan Sri", "Puan Sri", "Toh Puan", "Pehin")
    "dato dato' datuk datin seri utama tun tan-sri puan-sri toh-puan pehin yb yab ybhg".split()
)


_PARTICLES = frozenset("bin bint ibn al el de da dos das van von der den la le du di y al-".split())


# post-nominal letters after a name ("Simon Harris TD", "Yvette Cooper MP"): never part of the name
POST_NOMINALS = frozenset("TD MP MEP MLA MSP MS QC KC OBE CBE MBE KBE DBE KCMG GCMG CMG AO AC PC".split())


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
def tokenize(text: str) -> tuple[Tok, ...]:
    toks: list[Tok] = []
    skip_until = -1
    for found in _TOKEN_RE.finditer(text):
        if found.start() < skip_until:
            continue
        token_text = found.group(0)
        end = found.end()
        key = fold(token_text)
        if end < len(text) and text[end] == "." and (
            (len(token_text) == 1 and token_text.isupper()) or key + "." in _HONORIFIC or key in ("h.e", "h.h", "u.s", "d.c")
            or _INITIALS.match(token_text)
        ):
            end += 1
            token_text = text[found.start():end]
            key = fold(token_text)
        poss = text[end:end + 2] in ("’s", "'s") or (text[end:end + 1] in ("’", "'") and token_text.endswith("s"))
        if poss:
            skip_until = end + 2
        toks.append(Tok(found.start(), end, token_text, key, token_text[:1].isupper(), poss))
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
    if not tok.cap:
        return False
    if (tok.key in STOP or tok.key.rstrip(".") in STOP) and not _accented_name(tok):
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


_COUNTRY_KEYS = frozenset(fold(word) for word in COUNTRY_WORDS)


def _accented_name(tok: Tok) -> bool:
    """"Jordán" (a surname) is not "Jordan" (a country): a country word written with other accents."""
    return tok.key in _COUNTRY_KEYS and tok.text.casefold() != tok.key and tok.text not in COUNTRY_WORDS


def surname_key(name: str) -> str:
    parts = [part for part in re.split(r"[\s.]+", name) if part and fold(part) not in _ROMAN]
    return fold(parts[-1]) if parts else fold(name)


def name_keys(name: str) -> set[str]:
    return {fold(part) for part in re.split(r"[\s.]+", name) if len(part) > 1 and fold(part) not in _PARTICLES}


# Offices that only one state has, so that the title alone names the country.
_NATIONAL_OFFICES = ((re.compile(r"\b(?:T[áa]naiste|Taoiseach)\b"), "IE"),)


def title_country(title: str) -> str | None:
    """Country a title speaks for (not the one an ambassador is accredited to)."""
    for start, _end, code in find_countries(title):
        before = title[max(0, start - 8):start].lower()
        if re.search(r"\b(?:to|in)\s+(?:the\s+)?$", before):
            continue
        return code
    for office, code in _NATIONAL_OFFICES:
        if office.search(title):
            return code
    return None


def title_org(title: str) -> tuple[str | None, bool]:
    """(organisation, intergovernmental?) named in a title, ignoring 'to the UN'."""
    for start, _end, name in find_organisations(title):
        before = title[max(0, start - 8):start].lower()
        if re.search(r"\bto\s+(?:the\s+)?$", before):
            continue
        return name, True
    priv = find_private_org(title)
    return priv, False


def _heads(title: str | None) -> frozenset[str]:
    if not title:
        return frozenset()
    return frozenset(key for key in (fold(word) for word in re.findall(r"[\w\-’']+", title)) if key in HEADS)


def _clean_title(title: str) -> str | None:
    title = re.sub(r"^.*[·•|]\s*", "", title)  # "Doha · HE Prime Minister": a dateline before the title
    title = re.sub(r"^(?:(?:HE|H\.E\.?|HH|H\.H\.?)\s+)+", "", title.strip())
    title = title.strip(" ,;:()")
    title = re.sub(r"^(?:the|a|an|and|of|his|her)\s+", "", title, flags=re.IGNORECASE).strip(" ,")
    title = re.sub(r"^newly\s+appointed\s+", "", title)
    title = re.sub(r"\s+(?:of|for|to|the|and|,)$", "", title).strip(" ,")
    title = re.sub(r"[’']s?$", "", title)
    return title or None


def _finish(text: str, base: int, start: int, end: int, name_start: int, name_end: int, name: str | None,
            title: str | None, trailing: str) -> Mention:
    country = title_country(title) if title else None
    org: str | None = None
    if title:
        org, intergov = title_org(title)
        if org and intergov:
            country = None
    bracketed = re.match(r"\s*\((?:the\s+)?([^()]{2,60})\)", trailing)
    if bracketed:
        countries = find_countries(bracketed.group(1))
        if countries and countries[0][0] == 0:
            country = countries[0][2]
    of_phrase = re.match(r"\s+of\s+(?:the\s+)?([A-Z][^,;.]{1,60})", trailing)
    if of_phrase and org is None:
        orgs = find_organisations(of_phrase.group(1))
        if orgs and orgs[0][0] == 0:
            org, country = orgs[0][2], None
    if of_phrase and country is None and org is None:
        countries = find_countries(of_phrase.group(1))
        if countries and countries[0][0] == 0:
            country = countries[0][2]
    return Mention(base + start, base + end, base + name_start, base + name_end, name, title, country, org, _heads(title))


_ARABIC_PART = re.compile(r"^(?:al|el|ad|as|ash|at|az|ar|an|abu|abd|bin|ibn)-[A-Z]")
_TWO_WORD_HON = re.compile(r"\b(Tan|Puan|Toh)\s(Sri|Puan)\b")
_PAREN_GIVEN = re.compile(r"\b(Lord|Lady|Sir|Dame|Baroness|Baron)\s\(([A-Z][a-z]+)\)")


_NO_NAME_AFTER = frozenset("on in at the against about under into regarding towards within".split())


def _known_key(tok: Tok) -> str:
    return tok.key.split(".")[-1]


def _caps_ok(toks: tuple[Tok, ...], index: int, count: int) -> bool:
    """An ALL-CAPS token may be a name part next to a name or after a title/honorific."""
    token = toks[index]
    if token.key in STOP:
        return False
    if index > 0 and (toks[index - 1].key in HEADS or _is_hon(toks[index - 1], token)):
        return True
    if index > 0 and toks[index - 1].key in ("of", "for", "the"):
        return False  # "Head of UNRCCA Kaha Imnadze": an acronym, not a surname
    return index + 1 < count and toks[index + 1].cap and not toks[index + 1].text.isupper() and _namey(toks[index + 1], False)


def _head_left_ok(tok: Tok) -> bool:
    return tok.key in STOP and tok.key not in _FUNCTION_WORDS


def _head_left(toks: tuple[Tok, ...], index: int) -> bool:
    """A proper noun inside an office title ("Secretary General of the Collective Security Treaty Organisation"):
    a title head lies a few capitalised words / connectors further left."""
    if index + 1 >= len(toks) or not (toks[index + 1].cap and (toks[index + 1].key in _ORG_WORDS or toks[index + 1].key in
                                                          _TITLE_WORDS or _head_left_ok(toks[index + 1]))):
        return False
    left = index - 1
    steps = 0
    while left >= 0 and steps < 7:
        token = toks[left]
        if token.key in HEADS and token.cap:
            return True
        if not (token.cap or token.key in ("of", "for", "the")):
            return False
        left -= 1
        steps += 1
    return False


# a hyphenated capitalised word is a title word only after one of these ("Vice-minister", "Co-operation"); else it
# is a given name ("Lin Chia-lung and Deputy Minister …")
_TITLE_PREFIXES = frozenset("vice co under ex non pro deputy sub inter self anti".split())


def _title_back(text: str, toks: tuple[Tok, ...], last: int) -> tuple[str | None, int]:
    """Title phrase ending at token *k* (inclusive): (title, start offset)."""
    index = last
    count = len(toks)
    while index >= 0:
        token = toks[index]
        if token.key in _CHROME_WORDS:
            break  # a party or a language menu is no part of an office
        if token.cap or token.key in ("of", "for", "to", "the", "and") or token.text in "()" or (
            # "Resident Coordinator in Georgia", "Ambassador in Berlin"
            token.key == "in" and index > 0 and toks[index - 1].cap and toks[index - 1].key in HEADS
        ) or token.key in (
            "newly", "appointed", "outgoing", "incoming", "former", "acting", "senior"
        ) or (index == last and token.key in HEADS):
            if token.key in ("the", "and") and index > 0 and not toks[index - 1].cap and toks[index - 1].key not in (
                "of", "for", "to", "newly", "appointed"
            ):
                break
            if token.key == "and" and index > 0 and toks[index - 1].text in COUNTRY_WORDS and any(
                    toks[right].key in HEADS for right in range(index + 1, last + 1)):
                break  # "… of Tajikistan and Foreign Minister X": the next list item's own title
            if token.cap and not (token.key in STOP or token.key in _HONORIFIC or token.key in HEADS or _acronym(token)) and not token.poss and not (
                "-" in token.text and token.text.split("-")[-1].islower() and fold(token.text.split("-")[0]) in _TITLE_PREFIXES
            ) and not (index == last and index > 0 and toks[index - 1].key in ("to", "in", "of")) and not _head_left(toks, index):
                break
            index -= 1
            continue
        break
    if index + 1 > last:
        return None, toks[last].end if last < count else 0
    first = index + 1
    while first < last and toks[first].key in ("and", "of", "for", "to"):
        first += 1
    in_place = first > 0 and (toks[first - 1].key == "in" or (
        first > 1 and toks[first - 2].key == "in" and (capital_at(text, toks[first - 1].start) or 0) >= toks[first].end))
    if in_place:
        # "in Doha Minister of State X", "in Kuwait City Foreign Minister X", "in Abu Dhabi the Minister of State
        # X": the place is no part of the title
        while first < last and toks[first].key not in HEADS and (
                toks[first].key in CAPITAL_WORDS or toks[first].text in COUNTRY_WORDS or toks[first].key == "city"):
            first += 1
        while first < last and toks[first].key == "the":
            first += 1
    start = toks[first].start
    raw = text[start:toks[last].end]
    raw = _HON_TAIL_RE.sub("", raw)
    raw = _HON_HEAD_RE.sub("", raw)
    rank = _RANK_TAIL_RE.search(raw)
    if rank and set(re.findall(r"[\w\-]+", fold(raw[:rank.start()]))) & HEADS:
        raw = raw[:rank.start()]  # "Foreign Minister Senator X", "Deputy Minister Ambassador X": the office ends first
    return _clean_title(raw), start


_RANK_TAIL_RE = re.compile(r",?\s+(?:Senator|Ambassador|Prince|Princess|Sayyid|Professor|General)$")


_HON_TAIL_RE = re.compile(
    r"(?:\b(?:H\.E\.?|HE|HH|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Shri|Hon\.?|Honou?rable|Sheikh|Makhdoom|His Excellency|"
    r"Dato['’]?(?:\s+Seri)?|Datuk(?:\s+Seri)?|Datin|Tan\s+Sri|Tan-Sri|Puan\s+Sri|Puan-Sri|Tun|Sir|Dame|"
    r"His Holiness|Her Excellency|Lord|Prof\.?)\s*)+$"
)


_HON_HEAD_RE = re.compile(r"^(?:(?:H\.E\.?|HE|HH|His Excellency|His Holiness|Her Excellency)\s+)+")


def _acronym(tok: Tok) -> bool:
    """An organisation acronym inside a title ("Head of UNRCCA")."""
    return len(tok.text) >= 3 and tok.text.isalpha() and tok.text.isupper()


def _has_name_pair(words: list[str]) -> bool:
    """Two adjacent capitalised words that are neither title, organisation, place nor country words."""
    prev = False
    for word in words:
        key = fold(word.strip("(),"))
        cur = word[:1].isupper() and key not in STOP and key not in _HONORIFIC and not word.startswith("(") and not (
            "-" in key and all(part in STOP for part in key.split("-")))  # "European Parliament-Taiwan Friendship Group"
        if cur and prev:
            return True
        prev = cur
    return False


def find_people(text: str, base: int = 0, known: frozenset[str] | set[str] | None = None) -> list[Mention]:
    """Named people in sentence *s*; offsets are shifted by *base*."""
    plain = _find_people(text, base, frozenset())
    if not known:
        return list(plain)
    spans = [(mention.name_start - base, mention.name_end - base) for mention in plain]
    for token in tokenize(text):
        if (token.cap or _ARABIC_PART.match(token.text)) and _known_key(token) in known and not any(span_start <= token.start < span_end for span_start, span_end in spans):
            return list(_find_people(text, base, frozenset(known)))
    return list(plain)


@lru_cache(maxsize=2048)
def _find_people(text: str, base: int, known: frozenset[str]) -> tuple[Mention, ...]:
    if "Sri" in text or "Puan" in text:
        # "Tan Sri X", "Puan Sri X", "Toh Puan X": one honorific token (same length, offsets kept)
        text = _TWO_WORD_HON.sub(lambda two: two.group(1) + "-" + two.group(2), text)
    if "(" in text:
        # "Lord (Tariq) Ahmad": the bracketed given name is part of the name (same length, offsets kept)
        text = _PAREN_GIVEN.sub(lambda bracketed: bracketed.group(1) + "   " + bracketed.group(2), text)
    toks = tokenize(text)
    out: list[Mention] = []
    run_start = 0
    while run_start < len(toks):
        if not _nameish(toks, run_start, known):
            run_start += 1
            continue
        run_end = _name_run_end(toks, run_start, known)
        mention = _person_at(text, base, toks, run_start, run_end, known)
        if mention is not None:
            out.append(mention)
        run_start = run_end
    out = [_without_place(mention) for mention in out if not _inside_org_name(text, base, mention)]
    if any(mention.title is None for mention in out):
        out = _with_long_titles(text, base, out)
    return tuple(out)


_ORG_NEXT = re.compile(r"\s+([A-Z][\w\-]*)")


def _inside_org_name(text: str, base: int, mention: Mention) -> bool:
    """A one-word "name" that goes on with an organisation's noun ("the EU Monitoring Mission", "Turkish
    Airlines") is part of that organisation's name."""
    if not mention.name or " " in mention.name:
        return False
    nxt = _ORG_NEXT.match(text, mention.name_end - base)
    return nxt is not None and fold(nxt.group(1)) in _ORG_WORDS


# what may stand between an office and its holder's name when the office goes on past its head: capitalised
# words and connectors ("…, Cooperation and Mauritanians Abroad, X", "… for Security and Co-operation in Europe X")
_TITLE_GOES_ON = re.compile(r"(?:\s*,?\s*(?:[A-Z][\w\-’']*|of|for|and|the|in|on|to|de|du|des|\([A-Z]+\)))*\s*,?\s*")


def _with_long_titles(text: str, base: int, named: list[Mention]) -> list[Mention]:
    """A name without a title whose office stands right before it, longer than the title rules read ("the
    Mauritanian Minister of Foreign Affairs, Cooperation and Mauritanians Abroad, Mohamed Salem Ould Merzoug"):
    the office is the title (and gives its country), not a second, unnamed person."""
    offices = [office for found in _UNNAMED_RE.finditer(text) for office in _office_holders(base, found)]
    out: list[Mention] = []
    previous_end = base
    for mention in named:
        if mention.title is None:
            office = next((office for office in reversed(offices)
                           if previous_end <= office.start and office.end <= mention.name_start
                           and _TITLE_GOES_ON.fullmatch(text, office.end - base, mention.name_start - base)), None)
            if office is not None and office.title:
                title = text[office.start - base + (len(text[office.start - base:]) - len(text[office.start - base:].lstrip())):
                             mention.name_start - base].strip(" ,")
                title = re.sub(r"^(?:the|The)\s+", "", title)
                # a minister's portfolio may name a body ("Minister for Foreign Affairs, European Union and
                # Cooperation"): ministers hold national offices
                organisation, intergovernmental = (None, False) if re.search(r"\bMinist", title) else title_org(title)
                country = mention.country if intergovernmental else mention.country or title_country(title)
                mention = dataclasses.replace(mention, start=office.start, title=title, country=country,
                                              organisation=mention.organisation or organisation or office.organisation,
                                              heads=mention.heads | office.heads)
        out.append(mention)
        previous_end = mention.end
    return out


def _nameish(toks: tuple[Tok, ...], index: int, known: frozenset[str]) -> bool:
    """The token may start a name."""
    token = toks[index]
    if (token.cap or _ARABIC_PART.match(token.text)) and _known_key(token) in known:
        return True  # also "Minister al-Shaibani" once "Asaad Hassan al-Shaibani" is known
    if token.text.isupper() and len(token.text) >= 2 and token.text.isalpha():
        return _caps_ok(toks, index, len(toks))
    return _namey(token, index == 0)


def _name_run_end(toks: tuple[Tok, ...], run_start: int, known: frozenset[str]) -> int:
    """End (exclusive) of the run of name tokens starting at `run_start`: capitalised words, roman
    numerals, particles ("bin", "van") and Arabic articles ("al-Maliki")."""
    count = len(toks)
    run_end = run_start + 1
    while run_end < count:
        token = toks[run_end]
        if token.start - toks[run_end - 1].end > 1 or toks[run_end - 1].poss or token.text in POST_NOMINALS:
            break
        if (token.cap and (_known_key(token) in known or (_namey(token, False) if not token.text.isupper() or len(token.text) < 2
                                                   else token.key not in STOP))) or (
            token.key in _ROMAN and token.text.isupper()
        ):
            run_end += 1
            continue
        if token.key in _PARTICLES:
            # "de la Fuente", "van der Leyen", "bin Abdulaziz bin Saleh": a chain of particles, then a name word
            after = run_end
            while after < count and toks[after].key in _PARTICLES and after - run_end < 3:
                after += 1
            if after < count and after > run_end and (_namey(toks[after], False) or _ARABIC_PART.match(toks[after].text)):
                run_end = after + 1
                continue
        if _ARABIC_PART.match(token.text):
            run_end += 1  # "Riyad al-Maliki", "Ahmed el-Tayeb"
            continue
        break
    return run_end


def _person_at(text: str, base: int, toks: tuple[Tok, ...], run_start: int, run_end: int,
               known: frozenset[str]) -> Mention | None:
    """The mention of the name run toks[run_start:run_end] with its title, or None if it is no person."""
    run = toks[run_start:run_end]
    title, title_start, honorific = _title_before_name(text, toks, run_start)
    if not _is_person(text, toks, run_start, run_end, known, bool(honorific or (title and _heads(title)))):
        return None
    name = " ".join(text[run[0].start:run[-1].end].split())
    after = run_end
    while after < len(toks) and toks[after].text in POST_NOMINALS and toks[after].start - toks[after - 1].end <= 1:
        after += 1  # "Yvette Cooper MP, the Foreign Secretary": the letters belong to the mention, not the name
    tail = toks[after - 1].end
    title, end = _appositive_title(text, tail, title)
    return _finish(text, base, title_start, end, run[0].start, run[-1].end, name, title, text[tail:])


def _title_before_name(text: str, toks: tuple[Tok, ...], run_start: int) -> tuple[str | None, int, bool]:
    """(title, its start offset, an honorific precedes) for the name starting at token `run_start`:
    "Minister of Foreign Affairs X", "H.E. X", "Foreign Minister of Saudi Arabia, H.H. Prince X"."""
    count = len(toks)
    before_run = run_start - 1
    honorific = False
    while before_run >= 0 and _is_hon(toks[before_run], toks[before_run + 1] if before_run + 1 < count else None):
        honorific = True
        before_run -= 1
    comma_title = (
        before_run >= 1 and toks[before_run].text == "," and toks[before_run - 1].cap and (
            toks[before_run - 1].key in STOP or (before_run >= 2 and toks[before_run - 2].key in ("to", "in", "of")))
    )
    title: str | None = None
    title_start = toks[run_start].start
    if before_run >= 0 and (toks[before_run].cap or toks[before_run].key in ("counterpart", "envoy")) and (
        toks[before_run].key in STOP or toks[before_run].key in HEADS or _acronym(toks[before_run])
    ):
        title, title_start = _title_back(text, toks, before_run)
    elif comma_title:
        title, title_start = _title_back(text, toks, before_run - 1)
    if title and title_start > 0 and (title_country(title) is None or fold(title) in _HONORIFIC_HEADS):
        title, title_start = _outer_title(text, toks, before_run, title, title_start)
    elif title and title_start > 0 and _heads(title):
        title, title_start = _dual_office(text, toks, title, title_start)
    if title and not _heads(title) and not find_countries(title):
        title = None
    if title and not _heads(title) and re.search(r"\b[Ii]n\s+$", text[max(0, title_start - 4):title_start]):
        title, title_start = None, toks[run_start].start  # "in Kuwait City Abdullah X": a place, not an office
    return title, title_start, honorific


def _outer_title(text: str, toks: tuple[Tok, ...], before_run: int, title: str, title_start: int
                 ) -> tuple[str, int]:
    """"Foreign Minister of Saudi Arabia, H.H. Prince Faisal": a comma title with a country or international
    body before a bare title joins it."""
    count = len(toks)
    before_title = next((candidate for candidate in range(before_run, -1, -1) if toks[candidate].start < title_start), -1)
    while before_title >= 0 and _is_hon(toks[before_title], toks[before_title + 1] if before_title + 1 < count else None):
        before_title -= 1
    if before_title >= 1 and toks[before_title].text == "," and toks[before_title - 1].cap and toks[before_title - 1].key in STOP:
        outer_title, outer_title_start = _title_back(text, toks, before_title - 1)
        if outer_title and _heads(outer_title) and fold(title) in _HONORIFIC_HEADS:
            # "Minister of Foreign Affairs, Prince Faisal", "…, Ambassador X": the title ends before the honorific
            return outer_title, outer_title_start
        if outer_title and _heads(outer_title) and (title_country(outer_title) or title_org(outer_title)[1]):
            return f"{outer_title}, {title}", outer_title_start
    return title, title_start


def _dual_office(text: str, toks: tuple[Tok, ...], title: str, title_start: int) -> tuple[str, int]:
    """"the Deputy Prime Minister, Minister of Foreign Affairs of Moldova X": an office without a country before a
    comma and the country's office is one dual title, not a second, unnamed person (not after a name: "X, Deputy
    Minister, Minister Y" lists two people)."""
    comma = next((index for index in range(len(toks) - 1, -1, -1) if toks[index].start < title_start), -1)
    if comma < 1 or toks[comma].text != "," or toks[comma - 1].key not in HEADS or not toks[comma - 1].cap:
        return title, title_start
    outer_title, outer_start = _title_back(text, toks, comma - 1)
    if not outer_title or not _heads(outer_title) or title_country(outer_title) or title_org(outer_title)[1]:
        return title, title_start
    before = next((index for index in range(comma - 1, -1, -1) if toks[index].start < outer_start), -1)
    if before >= 0 and (toks[before].cap or toks[before].text == ","):
        return title, title_start
    return f"{outer_title}, {title}", outer_start


# heads that, right before a name after a comma title, are the name's honorific rather than its office
_HONORIFIC_HEADS = frozenset("prince princess sheikh sheikha ambassador senator".split())


def _is_person(text: str, toks: tuple[Tok, ...], run_start: int, run_end: int, known: frozenset[str],
               titled: bool) -> bool:
    """A titled (or honoured) run is a person; otherwise not after "of the", "on", "against" …; a run of
    several words or a known name is; a single word only as the subject of a past-tense verb."""
    if titled:
        return True
    run = toks[run_start:run_end]
    prev = toks[run_start - 1] if run_start > 0 else None
    prev2 = toks[run_start - 2] if run_start > 1 else None
    nxt = toks[run_end] if run_end < len(toks) else None
    if prev is not None and prev.key in ("of", "for", "to", "the", "by") and (
        prev2 is not None and (prev2.cap or prev2.key in ("of", "the"))
    ):
        return False
    if prev is not None and prev.text in _NO_NAME_AFTER and _known_key(run[-1]) not in known:
        return False  # "the Enhanced Partnership", "on Preventing Sexual Violence": not a person
    if len(run) != 1 or _known_key(run[0]) in known:
        return True
    if nxt is not None and not nxt.cap and re.match(
        r"(?:also |further |once again |again |then |later |in turn |,[^,]{1,60},\s*)?[a-z]+ed\b",
        text[nxt.start:],
    ):
        return prev is None or prev.text in ",;:" or prev.key == "and" or (prev.cap and prev.key in STOP)
    return False


_APPOSITIVE = re.compile(
    r",\s+(?:the\s+|a\s+)?((?:(?:[^\W\d_]|[’'\-&])+|\([^)]{1,40}\))(?:[ \-](?:(?:[^\W\d_]|[’'\-&])+|\([^)]{1,40}\))){0,18})")


def _appositive_title(text: str, end: int, title: str | None) -> tuple[str | None, int]:
    """", the Minister of Foreign Affairs of X, …" after a name: (title, mention end), extended by an
    appositive title unless it holds another name or is the subject of the next verb."""
    rest = text[end:]
    appositive = _APPOSITIVE.match(rest)
    if not appositive:
        return title, end
    cand = _appositive_words(rest, appositive)
    ctoks = cand.split()
    ends_in_name = bool(ctoks) and ctoks[-1][:1].isupper() and fold(ctoks[-1].strip("(),")) not in STOP and (
        len(ctoks) < 2 or fold(ctoks[-2]) not in _CONNECT)
    if ctoks and ctoks[0] == "and":
        cand = ""
    if _has_name_pair(ctoks):
        # ", the Minister of Foreign Affairs of Brazil Mauro Vieira and ...": the next item of a list
        cand = ""
    after_app = rest[appositive.start(1) + len(cand):] if cand else ""
    subject_of_next = bool(title and _heads(title)) and bool(
        re.match(r"\s+(?:also\s+|further\s+|then\s+)?[a-z]+(?:ed|ated)\b", after_app))
    if cand and _heads(cand) and not ends_in_name and not subject_of_next:
        if title is None or not _heads(title) or len(cand) > len(title):
            title = _clean_title(cand)
        end = end + appositive.start(1) + len(cand)
    return title, end


def _appositive_words(rest: str, appositive: re.Match[str]) -> str:
    """The title words of an appositive, up to an honorific, the next listed person or a lower-case word."""
    keep: list[str] = []
    for word in appositive.group(1).split():
        word_key = fold(word.strip("(),"))
        if word_key in _HONORIFIC or word in ("HE", "HH"):
            break
        if keep and word == "and" and re.match(r"and\s+(?:[A-Z][\w\-]+\s+){1,3}", rest[appositive.start(1):][len(" ".join(keep)) + 1:]):
            nxtw = rest[appositive.start(1):][len(" ".join(keep)) + 1:].split()[1:3]
            if nxtw and all(candidate[:1].isupper() and fold(candidate) not in STOP for candidate in nxtw[:2]):
                break
        if word[:1].isupper() or word_key in _CONNECT or word_key in HEADS or word_key in _TITLE_WORDS or word.startswith("("):
            keep.append(word)
            continue
        break
    return re.sub(r"(?:\s+(?:and|of|for|to|the|on|in))+$", "", " ".join(keep))


_UNNAMED_RE = re.compile(
    r"(?:^|\b(?:[Tt]he|[Aa]n?|[Hh]is|[Hh]er|[Tt]heir)\s+|\b(?:called\s+on|met|met\s+with|received|with)\s+(?=[A-Z]))((?:(?:[A-Z][\w\-’']*|of|for|and|the|senior|newly|appointed|"
    r"outgoing|incoming|new|visiting)\s+){0,8}"
    r"(?:(?:Director|Secretary|Consul|Attorney)[\- ]General|Minister|Ministers|Ambassador|Secretary|President|Director|Chairman|Envoy|Representative|Adviser|"
    r"Advisor|Commissioner|Premier|Chancellor|Spokesperson|official|officials|counterpart|counterparts|"
    r"Councilor|Councillor|Co-Chairs?|Chargé d[’']Affaires|Head|Deputy|T[áa]naiste|Taoiseach)s?\b"
    r"(?:\s+(?:of|for)\s+(?:Foreign|External)\s+Affairs)?(?:\s+Extraordinary\s+and\s+Plenipotentiary)?"
    r"(?:\s+(?:of|from)\s+(?:the\s+)?((?:[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*(?:\s+of\s+(?:the\s+)?[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*)?)"
    r"(?:\s*,\s*(?:the\s+)?[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*)*"
    r"(?:,?\s+and\s+(?:the\s+)?[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*)?))?"
    # "… to the State of Qatar", "… in Spain": the accreditation belongs to the title
    r"(?:\s+(?:to|in)\s+(?:the\s+)?[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*(?:\s+of\s+(?:the\s+)?[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*)?)?)"
)




_GROUP_MORE = r"(?:(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December)\b)[A-Z][\w\-’'()]*|of|the|and|for|member|states|countries|accredited(?:\s+in)?|on(?=\s+[A-Z])|\([A-Z0-9\-]+\))"
_GROUP_RE = re.compile(
    r"\b(?:(?:[Tt]he|[Aa]n?)\s+)?(?P<phrase>(?:(?:[A-Z][\w\-’']*|cross-party|bipartisan|high-level|parliamentary|"
    r"business|visiting|joint|large|official)\s+){0,3}"
    r"(?:delegations?|[Hh]eads\s+of\s+(?:(?:diplomatic|foreign)\s+)?missions|[Aa]mbassadors|[Ff]oreign\s+[Mm]inisters|"
    r"[Mm]inisters\s+of\s+[Ff]oreign\s+[Aa]ffairs|[Mm]embers|[Rr]epresentatives|officials|[Ll]eaders)\b"
    r"(?:\s+(?:of|from)\s+" + _GROUP_MORE + r"(?:\s+" + _GROUP_MORE + r")*)?)"
)


@dataclass(frozen=True, slots=True)
class Group:
    """A group counterpart: "the Chinese delegation", "heads of diplomatic missions of EU member states"."""

    start: int  # absolute offsets of the phrase
    end: int
    title: str
    country: str | None
    organisation: str | None


def find_groups(text: str, base: int = 0) -> list[Group]:
    """Group counterparts of a sentence (delegations, heads of missions, ambassadors, foreign ministers of …)."""
    out: list[Group] = []
    for found in _GROUP_RE.finditer(text):
        phrase = re.sub(r"(?:\s+(?:of|the|and|for|on|in|to|accredited))+$", "", found.group("phrase"))
        if re.match(r"(?:[Mm]embers|[Rr]epresentatives|officials|[Ll]eaders)$", phrase):
            continue  # a bare plural noun is no counterpart
        if phrase.split()[0].lower() in ("delegation", "delegations") and len(phrase.split()) == 1 and not found.group(0).lower().startswith(("the", "a")):
            continue
        org, inter = title_org(phrase)
        codes = {code for _s, _e, code in find_countries(phrase)}
        country = next(iter(codes)) if len(codes) == 1 and not (org and inter) and not re.search(
            r"\b(?:accredited|to)\s+(?:in\s+)?(?:the\s+)?[A-Z]", phrase) else None
        if country is None and len(codes) >= 1 and re.search(r"\baccredited\b|\bto\s", phrase):
            before = re.split(r"\baccredited\b|\bto\s", phrase)[0]
            inner = {code for _s, _e, code in find_countries(before)}
            country = next(iter(inner)) if len(inner) == 1 and not (org and inter) else None
        start = base + found.start("phrase")
        out.append(Group(start, start + len(phrase), phrase, country, org if org else None))
    return out


def find_unnamed(text: str, base: int = 0) -> list[Mention]:
    """See :func:`_find_unnamed`."""
    return list(_find_unnamed(text, base))


@lru_cache(maxsize=2048)
def _find_unnamed(text: str, base: int) -> tuple[Mention, ...]:
    """Office holders referred to only by title ("the Russian Ambassador", "a senior FCDO official",
    "the Foreign Ministers of Russia, China and Brazil" → one mention per country)."""
    out: list[Mention] = []
    for found in _UNNAMED_RE.finditer(text):
        if _stands_alone(text, found):
            out.extend(_without_place(mention) for mention in _office_holders(base, found))
    return tuple(out)


_IN_PLACE = re.compile(r"\s+in\s+[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*$")
_NATIONAL = frozenset("minister ministers counterpart counterparts president secretary premier chancellor tanaiste "
                      "taoiseach fm eam".split())
_ACCREDITED = frozenset("ambassador ambassadors representative representatives envoy envoys chargé consul coordinator "
                        "head heads chief director commissioner".split())


def _without_place(mention: Mention) -> Mention:
    """"his Chilean counterpart in Dublin": a place after an office is the meeting's, unless the office is
    accredited there ("Ambassador of Chile in Spain", "Resident Coordinator in Georgia")."""
    place = _IN_PLACE.search(mention.title or "")
    if place is None or mention.heads & _ACCREDITED or mention.end - mention.start < len(place.group(0)):
        return mention
    if mention.name is not None:
        # a named holder's appositive title: "…, Vice President of Taiwan in Santiago"
        if not mention.heads & _NATIONAL or mention.end <= mention.name_end:
            return mention
        return dataclasses.replace(mention, title=(mention.title or "")[:place.start()],
                                   end=mention.end - len(place.group(0)))
    return dataclasses.replace(mention, title=(mention.title or "")[:place.start()], end=mention.end - len(place.group(0)),
                               name_end=min(mention.name_end, mention.end - len(place.group(0))))


def _stands_alone(text: str, found: re.Match[str]) -> bool:
    """The office is not followed by its holder's name, nor used as a modifier ("Minister's visit")."""
    after = text[found.end():found.end() + 40]
    # followed by a name → not unnamed
    if re.match(r"\s*,?\s*(?:H\.E\.|Mr\.?|Ms\.?|Dr\.?)?\s*[A-Z][a-z]+(?:\s+[A-Z][\w\-]+)", after) and not re.match(
        r"\s*,?\s*(?:and|of|for|to|on|in|at|the)\b", after
    ):
        return False
    if re.match(r"\s+[A-Z][\w\-]+", after) and not re.match(r"\s+(?:of|for|to|and|on|in|at|the|was|were|had)\b", after):
        return False
    return not re.match(r"\s+(?:visit|visits|talks|meeting|meetings|delegation|ceremony|level|capacity|status|language|website|"
                        r"statement|position|channels?|documents?|residence|invitation|car|reception|trip|event|"
                        r"programme|program|dinner|lunch|talk|welcome)\b", text[found.end():])


def _office_holders(base: int, found: re.Match[str]) -> list[Mention]:
    """The unnamed office holders of one match: one per country of a plural title, or the title's holder
    (and the left one of "the Foreign Minister and the Secretary of State")."""
    phrase = found.group(1)
    countries = found.group(2)
    if countries:
        codes = [found_code for _start, _end, found_code in find_countries(countries)]
        head = phrase[: phrase.find(countries)].strip()
        head = re.sub(r"\s*\b(?:of|from)(?:\s+the)?$", "", head).strip()
        if len(codes) <= 1 and re.search(r"(?:Ministers|Ambassadors|Secretaries|officials|counterparts|Representatives|Heads)$", head):
            return []  # "Foreign Ministers of Central Asia and Japan": a group
        if len(codes) > 1:
            return [_per_country(base, found, head, countries, code) for code in codes]
    mentions: list[Mention] = []
    start1 = found.start(1)
    if " and the " in phrase:
        # "the Foreign Minister and the Secretary of State": two office holders
        cut = phrase.rfind(" and the ") + len(" and the ")
        left = phrase[: cut - len(" and the ")]
        if _heads(left):
            left_title = _clean_title(left)
            if left_title and _heads(left_title):
                mentions.append(Mention(base + found.start(1), base + found.start(1) + len(left), base + found.start(1),
                                        base + found.start(1) + len(left), None, left_title, title_country(left_title), None, _heads(left_title)))
        phrase = phrase[cut:]
        start1 += cut
    title = _clean_title(phrase)
    if not title or not _is_office(title):
        return mentions
    country = title_country(title)
    org, inter = title_org(title)
    if org and inter:
        country = None
    mentions.append(Mention(base + start1, base + found.end(1), base + start1, base + found.end(1),
                            None, title, country, org, _heads(title)))
    return mentions


def _per_country(base: int, found: re.Match[str], head: str, countries: str, code: str) -> Mention:
    """"the Foreign Ministers of Russia, China and Brazil": the singular office of one of the countries."""
    sing = re.sub(r"(Minister|Ambassador|Secretary|counterpart)s\b", r"\1", head)
    surface = next(countries[start:end] for start, end, found_code in find_countries(countries) if found_code == code)
    return Mention(base + found.start(1), base + found.end(1), base + found.start(1), base + found.end(1),
                   None, f"{sing} of {surface}", code, None, _heads(sing))


def _is_office(title: str) -> bool:
    """One office holder, not an organisation, an event or a plural group."""
    first_word = fold(title.split()[0])
    if first_word in _ORG_WORDS or first_word in ("heads", "members", "commonwealth"):
        return False
    if re.search(r"\b(?:Meeting|Summit|Conference|Session|Council|Forum)\b", title):
        return False
    return not re.search(r"(?:Ministers|Ambassadors|Secretaries|officials|counterparts|Co-Chairs|Heads|Representatives)$", title)


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
    for found in _PRIOR_RE.finditer(text):
        name = found.group(1) or found.group(2) or ""
        for word in re.split(r"[\s.]+", name):
            key = fold(word)
            if len(key) > 2 and key not in STOP and key not in _HONORIFIC and word[:1].isupper():
                out.add(key)
    return out


def clear_caches() -> None:
    """Per-release caches; cleared at the start of every extraction."""
    tokenize.cache_clear()
    _find_people.cache_clear()
    _find_unnamed.cache_clear()


def is_spokesperson(title: str | None) -> bool:
    return bool(title and _SPOKES.search(title))
