"""Country names, demonyms and international organisations → ISO 3166 alpha-2.

Everything is built once at import time: one alternation regex over all
names (longest first) and plain dicts for lookups.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pycountry

_ALIASES: dict[str, str] = {
    "Türkiye": "TR", "Turkiye": "TR", "Turkey": "TR", "Russia": "RU", "Russian Federation": "RU",
    "RF": "RU", "US": "US", "U.S.": "US", "U.S.A.": "US", "USA": "US", "United States": "US",
    "United States of America": "US", "America": "US", "UK": "GB", "U.K.": "GB",
    "Britain": "GB", "Great Britain": "GB", "United Kingdom": "GB", "PRC": "CN", "China": "CN",
    "People's Republic of China": "CN", "People’s Republic of China": "CN",
    "Iran": "IR", "South Korea": "KR", "Republic of Korea": "KR", "ROK": "KR",
    "North Korea": "KP", "DPRK": "KP", "Democratic People's Republic of Korea": "KP",
    "Democratic People’s Republic of Korea": "KP", "Syria": "SY", "Vietnam": "VN", "Viet Nam": "VN",
    "Laos": "LA", "Moldova": "MD", "Tanzania": "TZ", "Bolivia": "BO", "Venezuela": "VE",
    "Palestine": "PS", "State of Palestine": "PS", "Vatican": "VA", "Holy See": "VA",
    "Czech Republic": "CZ", "Czechia": "CZ", "Ivory Coast": "CI", "Côte d'Ivoire": "CI",
    "Cote d'Ivoire": "CI", "UAE": "AE", "Emirates": "AE", "Kosovo": "XK", "Taiwan": "TW",
    "Macedonia": "MK", "North Macedonia": "MK", "Brunei": "BN", "Cape Verde": "CV",
    "Swaziland": "SZ", "Gambia": "GM", "The Gambia": "GM", "Congo": "CG",
    "Democratic Republic of the Congo": "CD", "DRC": "CD", "Micronesia": "FM",
    "Holland": "NL", "Burma": "MM", "Myanmar": "MM", "KSA": "SA", "Saudi Arabia": "SA",
    "Bosnia and Herzegovina": "BA", "Bosnia": "BA", "Kyrgyzstan": "KG", "Kyrgyz Republic": "KG",
    "Slovak Republic": "SK", "Timor-Leste": "TL", "East Timor": "TL", "Türkmenistan": "TM",
}

_DEMONYMS: dict[str, str] = {
    "Azerbaijani": "AZ", "Azerbaijan": "AZ", "Armenian": "AM", "Russian": "RU", "Chinese": "CN",
    "Indian": "IN", "Turkish": "TR", "Belarusian": "BY", "Belarussian": "BY", "Byelorussian": "BY",
    "Pakistani": "PK", "American": "US", "British": "GB", "French": "FR", "Japanese": "JP",
    "Singaporean": "SG", "Singapore": "SG", "Kazakh": "KZ", "Kazakhstani": "KZ", "Ukrainian": "UA",
    "German": "DE", "Italian": "IT", "Spanish": "ES", "Polish": "PL", "Georgian": "GE",
    "Iranian": "IR", "Iraqi": "IQ", "Syrian": "SY", "Israeli": "IL", "Palestinian": "PS",
    "Egyptian": "EG", "Saudi": "SA", "Emirati": "AE", "Qatari": "QA", "Kuwaiti": "KW",
    "Omani": "OM", "Bahraini": "BH", "Jordanian": "JO", "Lebanese": "LB", "Afghan": "AF",
    "Uzbek": "UZ", "Turkmen": "TM", "Kyrgyz": "KG", "Tajik": "TJ", "Mongolian": "MN",
    "Korean": "KR", "South Korean": "KR", "North Korean": "KP", "Vietnamese": "VN", "Thai": "TH",
    "Malaysian": "MY", "Indonesian": "ID", "Filipino": "PH", "Philippine": "PH",
    "Australian": "AU", "Canadian": "CA", "Mexican": "MX", "Brazilian": "BR", "Argentine": "AR",
    "Argentinian": "AR", "Chilean": "CL", "Colombian": "CO", "Peruvian": "PE",
    "Venezuelan": "VE", "Cuban": "CU", "Nigerian": "NG", "South African": "ZA", "Kenyan": "KE",
    "Ethiopian": "ET", "Algerian": "DZ", "Moroccan": "MA", "Tunisian": "TN", "Libyan": "LY",
    "Sudanese": "SD", "Serbian": "RS", "Croatian": "HR", "Bosnian": "BA", "Slovenian": "SI",
    "Slovak": "SK", "Slovakian": "SK", "Czech": "CZ", "Hungarian": "HU", "Romanian": "RO",
    "Bulgarian": "BG", "Greek": "GR", "Cypriot": "CY", "Albanian": "AL", "Macedonian": "MK",
    "Montenegrin": "ME", "Moldovan": "MD", "Lithuanian": "LT", "Latvian": "LV",
    "Estonian": "EE", "Finnish": "FI", "Swedish": "SE", "Norwegian": "NO", "Danish": "DK",
    "Icelandic": "IS", "Dutch": "NL", "Belgian": "BE", "Swiss": "CH", "Austrian": "AT",
    "Irish": "IE", "Portuguese": "PT", "Maltese": "MT", "Bangladeshi": "BD",
    "Sri Lankan": "LK", "Nepalese": "NP", "Nepali": "NP", "Bhutanese": "BT", "Maldivian": "MV",
    "Burmese": "MM", "Cambodian": "KH", "Lao": "LA", "Laotian": "LA", "Bruneian": "BN",
    "Tanzanian": "TZ", "Ugandan": "UG", "Rwandan": "RW", "Ghanaian": "GH", "Senegalese": "SN",
    "Malian": "ML", "Chadian": "TD", "Cameroonian": "CM", "Angolan": "AO",
    "Mozambican": "MZ", "Zambian": "ZM", "Zimbabwean": "ZW", "Namibian": "NA", "Somali": "SO",
    "Djiboutian": "DJ", "Eritrean": "ER", "Yemeni": "YE", "Salvadoran": "SV",
    "Guatemalan": "GT", "Honduran": "HN", "Nicaraguan": "NI", "Panamanian": "PA",
    "Costa Rican": "CR", "Dominican": "DO", "Haitian": "HT", "Jamaican": "JM",
    "Ecuadorian": "EC", "Bolivian": "BO", "Paraguayan": "PY", "Uruguayan": "UY",
    "New Zealand": "NZ", "Papua New Guinean": "PG", "Fijian": "FJ", "Luxembourgish": "LU",
    "Kazakhstan": "KZ", "Liberian": "LR", "Sierra Leonean": "SL", "Ivorian": "CI",
    "Congolese": "CD", "Gabonese": "GA", "Beninese": "BJ", "Togolese": "TG", "Burkinabe": "BF",
    "Guinean": "GN", "Mauritanian": "MR", "Malagasy": "MG", "Mauritian": "MU",
    "Seychellois": "SC", "Sri Lanka": "LK", "Cuban-": "CU", "Emirian": "AE", "Scottish": "GB",
    "Welsh": "GB", "Soviet": "RU", "Ukraine": "UA", "Belarus": "BY", "Uzbekistan": "UZ",
}

# International / non-state bodies: pattern → canonical organisation name.
_ORGS: tuple[tuple[str, str], ...] = (
    (r"United Nations|UN(?:SC)?|U\.N\.", "United Nations"),
    (r"European Union|EU|E\.U\.", "European Union"),
    (r"High Representative for Bosnia and Herzegovina|Office of the High Representative|OHR", "OHR"),
    (r"Union for Foreign Affairs and Security Policy", "European Union"),
    (r"(?:OSCE )?Minsk Group", "OSCE Minsk Group"),
    (r"OSCE|Organi[sz]ation for Security and Co-?operation in Europe", "OSCE"),
    (r"NATO|North Atlantic Treaty Organi[sz]ation", "NATO"),
    (r"OIC Youth Forum|ICYF", "OIC Youth Forum (ICYF)"),
    (r"OIC|Organi[sz]ation of (?:the )?Islamic Cooperation", "OIC"),
    (r"WHO|World Health Organi[sz]ation", "World Health Organization"),
    (r"ASEAN|Association of Southeast Asian Nations", "ASEAN"),
    (r"African Union", "African Union"), (r"Arab League|League of Arab States", "Arab League"),
    (r"CIS|Commonwealth of Independent States", "CIS"), (r"CSTO|Collective Security Treaty Organi[sz]ation", "CSTO"),
    (r"SCO|Shanghai Cooperation Organi[sz]ation", "SCO"),
    (r"Organi[sz]ation of Turkic States|OTS", "Organization of Turkic States"),
    (r"IAEA|International Atomic Energy Agency", "IAEA"), (r"UNESCO", "UNESCO"),
    (r"UNICEF", "UNICEF"), (r"UNHCR", "UNHCR"), (r"ICRC|International Committee of the Red Cross", "ICRC"),
    (r"World Bank", "World Bank"), (r"IMF|International Monetary Fund", "IMF"),
    (r"WTO|World Trade Organi[sz]ation", "WTO"), (r"Council of Europe", "Council of Europe"),
    (r"GCC|Gulf Cooperation Council", "GCC"), (r"D-8", "D-8"), (r"CICA", "CICA"),
    (r"Commonwealth", "Commonwealth"), (r"G20|G-20", "G20"), (r"G7|G-7", "G7"),
    (r"OECD", "OECD"), (r"Interpol|INTERPOL", "Interpol"), (r"European Commission", "European Union"),
    (r"European Parliament", "European Union"), (r"ECO|Economic Cooperation Organi[sz]ation", "ECO"),
    (r"Eurasian Economic (?:Union|Commission)|EAEU", "Eurasian Economic Union"),
    (r"International Organi[sz]ation for Migration|IOM", "IOM"), (r"UNDP", "UNDP"),
    (r"World Food Programme|WFP", "WFP"), (r"OPEC", "OPEC"), (r"APEC", "APEC"),
    (r"Asian Development Bank|ADB", "Asian Development Bank"), (r"Organi[sz]ation of American States|OAS", "OAS"),
)
# Non-state bodies whose people keep a state country (think tanks, churches ...).
_PRIVATE_ORG_RE = re.compile(
    r"\b(?:the\s+)?((?:[A-Z][\w’'\-]*\s+){0,4}(?:Institute|Centre|Center|Foundation|University|"
    r"Church|Council for [A-Z]\w+|Forum|Academy|Chamber of Commerce))\b"
)

_COUNTRY: dict[str, str] = {}
for _record in pycountry.countries:
    for _attr in ("name", "common_name", "official_name"):
        _record_name = getattr(_record, _attr, None)
        if isinstance(_record_name, str) and _record_name:
            _base = _record_name.split(",")[0].strip() if "," in _record_name else _record_name
            if _base and _base not in ("Korea", "Virgin Islands", "Congo"):
                _COUNTRY.setdefault(_base, _record.alpha_2)
_COUNTRY.update(_ALIASES)

_ALL_NAMES: dict[str, str] = {**_DEMONYMS, **_COUNTRY}


def _trie_regex(words: list[str]) -> str:
    """A prefix-sharing alternation (much faster than a flat one); longest match first."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:  # type: ignore[type-arg]
        end = "" in node
        alts = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if end else body

    return emit(trie)


# hyphens are boundaries too: "India-Australia", "Pakistan-US relations"
_NAME_RE = re.compile(r"(?<![\w])(" + _trie_regex(list(_ALL_NAMES)) + r")(?:['’]s)?(?![\w])")
_ORG_RE = re.compile(r"(?<![\w\-])(" + "|".join(f"(?:{pattern})" for pattern, _name in _ORGS) + r")(?![\w\-])")
_ORG_PATTERNS = tuple((re.compile(rf"^(?:{pattern})$"), name) for pattern, name in _ORGS)

_NOT_COUNTRY_WORDS = frozenset(
    "Jan Mayen Marshall Cook Heard McDonald Martin Pierre Miquelon Helena Vincent Lucia Kitts Nevis Wallis "
    "Futuna Barthélemy Christmas Norfolk Pitcairn Turks Caicos Man Caledonia Marino Costa Bouvet "
    "Maarten Eustatius Saba Ascension Tristan Cunha Keeling Cocos Jersey Guernsey Faroe Aland Åland".split()
)
COUNTRY_WORDS: frozenset[str] = frozenset(
    word for name in _ALL_NAMES for word in name.replace("-", " ").split()
    if word[:1].isupper() and word not in _NOT_COUNTRY_WORDS
)


def find_countries(text: str) -> list[tuple[int, int, str]]:
    """All country/demonym mentions as (start, end, alpha2)."""
    return list(_find_countries(text))


@lru_cache(maxsize=4096)
def _find_countries(text: str) -> tuple[tuple[int, int, str], ...]:
    out: list[tuple[int, int, str]] = []
    for found in _NAME_RE.finditer(text):
        code = _ALL_NAMES.get(found.group(1))
        if code == "US" and found.group(1) in ("America", "American") and _REGION_BEFORE.search(text, 0, found.start(1)):
            continue  # "Latin America", "Ibero-America", "Organization of American States": regions, not the US
        if code:
            out.append((found.start(1), found.end(1), code))
    return tuple(out)


_REGION_BEFORE = re.compile(r"(?:\b(?:Latin|South|Central|North|Meso|Hispanic|Pan)[\s\-]|\bIbero-?|Organi[sz]ation\s+of\s+)$")


def country_code(name: str) -> str | None:
    """Exact lookup of a country name or demonym."""
    return _ALL_NAMES.get(name.strip())


def country_name(code: str) -> str:
    """The short English name of an ISO code ("AZ" → "Azerbaijan")."""
    record = pycountry.countries.get(alpha_2=code)
    if record is None:
        return code
    return str(getattr(record, "common_name", None) or record.name).split(",")[0]


def country_codes() -> frozenset[str]:
    """Every code a participant's country can have (ISO 3166-1 alpha-2, and XK)."""
    return frozenset(_ALL_NAMES.values())


def find_organisations(text: str) -> list[tuple[int, int, str]]:
    """International bodies mentioned in *text* as (start, end, canonical name)."""
    out: list[tuple[int, int, str]] = []
    for found in _ORG_RE.finditer(text):
        tok = found.group(1)
        for pat, name in _ORG_PATTERNS:
            if pat.match(tok):
                out.append((found.start(1), found.end(1), name))
                break
    return out


INTERGOV: frozenset[str] = frozenset(name for _pattern, name in _ORGS)


def find_private_org(text: str) -> str | None:
    """A non-state body named in a title (think tank, church, forum)."""
    if not any(keyword in text for keyword in ("Institute", "Centre", "Center", "Foundation", "University", "Church", "Council",
                                   "Forum", "Academy", "Chamber")):
        return None
    found = _PRIVATE_ORG_RE.search(text)
    return found.group(1).strip() if found else None


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Case- and diacritic-insensitive key."""
    text = text.replace("ı", "i").replace("İ", "I")
    nfkd = unicodedata.normalize("NFKD", text)
    return "".join(char for char in nfkd if not unicodedata.combining(char)).casefold()


_CAPITALS: dict[str, str] = {
    "Baku": "AZ", "Yerevan": "AM", "Moscow": "RU", "Beijing": "CN", "New Delhi": "IN", "Delhi": "IN",
    "Ankara": "TR", "Minsk": "BY", "Islamabad": "PK", "Washington": "US", "London": "GB", "Paris": "FR",
    "Tokyo": "JP", "Astana": "KZ", "Nur-Sultan": "KZ", "Almaty": "KZ", "Kyiv": "UA", "Kiev": "UA",
    "Berlin": "DE", "Rome": "IT", "Madrid": "ES", "Warsaw": "PL", "Tbilisi": "GE", "Tehran": "IR",
    "Baghdad": "IQ", "Damascus": "SY", "Tel Aviv": "IL", "Cairo": "EG", "Riyadh": "SA", "Abu Dhabi": "AE",
    "Doha": "QA", "Muscat": "OM", "Manama": "BH", "Amman": "JO", "Beirut": "LB", "Kabul": "AF",
    "Tashkent": "UZ", "Ashgabat": "TM", "Bishkek": "KG", "Dushanbe": "TJ", "Ulaanbaatar": "MN",
    "Seoul": "KR", "Pyongyang": "KP", "Hanoi": "VN", "Bangkok": "TH", "Kuala Lumpur": "MY",
    "Jakarta": "ID", "Manila": "PH", "Canberra": "AU", "Ottawa": "CA", "Brasilia": "BR", "Brasília": "BR",
    "Buenos Aires": "AR", "Bogota": "CO", "Bogotá": "CO", "Lima": "PE", "Caracas": "VE", "Havana": "CU",
    "Abuja": "NG", "Pretoria": "ZA", "Nairobi": "KE", "Addis Ababa": "ET", "Algiers": "DZ", "Rabat": "MA",
    "Tunis": "TN", "Tripoli": "LY", "Khartoum": "SD", "Belgrade": "RS", "Zagreb": "HR", "Sarajevo": "BA",
    "Ljubljana": "SI", "Bratislava": "SK", "Prague": "CZ", "Budapest": "HU", "Bucharest": "RO",
    "Sofia": "BG", "Athens": "GR", "Nicosia": "CY", "Tirana": "AL", "Skopje": "MK", "Podgorica": "ME",
    "Chisinau": "MD", "Vilnius": "LT", "Riga": "LV", "Tallinn": "EE", "Helsinki": "FI", "Stockholm": "SE",
    "Oslo": "NO", "Copenhagen": "DK", "Reykjavik": "IS", "Amsterdam": "NL", "The Hague": "NL",
    "Bern": "CH", "Vienna": "AT", "Dublin": "IE", "Lisbon": "PT", "Valletta": "MT", "Dhaka": "BD",
    "Colombo": "LK", "Kathmandu": "NP", "Thimphu": "BT", "Phnom Penh": "KH", "Vientiane": "LA",
    "Wellington": "NZ", "Port Moresby": "PG", "Kampala": "UG", "Kigali": "RW", "Accra": "GH", "Dakar": "SN",
    "Kuwait City": "KW", "Taipei": "TW", "Asunción": "PY", "Asuncion": "PY", "Mexico City": "MX", "Santiago": "CL",
    "Montevideo": "UY", "Quito": "EC", "Guatemala City": "GT", "Panama City": "PA", "Belmopan": "BZ",
    "Tegucigalpa": "HN", "Managua": "NI", "San Salvador": "SV", "Port-au-Prince": "HT", "Santo Domingo": "DO",
    "Basseterre": "KN", "Castries": "LC", "Kingstown": "VC", "Majuro": "MH", "Ngerulmud": "PW", "Koror": "PW",
    "Funafuti": "TV", "Mbabane": "SZ", "Honiara": "SB", "Suva": "FJ",
}
_CAPITAL_RE = re.compile(r"(?<![\w\-])(" + "|".join(re.escape(capital) for capital in sorted(_CAPITALS, key=len, reverse=True)) + r")(?![\w])")


CAPITAL_WORDS: frozenset[str] = frozenset(fold(capital) for capital in _CAPITALS if " " not in capital and capital != "Washington") | frozenset(
    # the second words of a two-word capital ("in Abu Dhabi Khalifa X": "Dhabi" is no part of a name)
    "dhabi lumpur aires ababa penh moresby aviv".split())  # not "Hague" (William Hague)


def leading_capital(text: str) -> str | None:
    """The capital a phrase starts with ("Doha Sheikh Mohammed" → "Doha"), if any."""
    found = _CAPITAL_RE.match(text)
    return found.group(1) if found else None


def capital_at(text: str, pos: int) -> int | None:
    """End offset of a capital city's name starting at *pos* in *text* ("Abu Dhabi"), else None."""
    found = _CAPITAL_RE.match(text, pos)
    return found.end() if found else None


def capital_countries(text: str) -> list[str]:
    """Countries of capital cities named in *text* (used only to infer a person's state)."""
    return [_CAPITALS[found.group(1)] for found in _CAPITAL_RE.finditer(text)]


_CAPITAL_BASED_RE = re.compile(r"(?<![\w\-])(" + "|".join(re.escape(capital) for capital in _CAPITALS) + r")-based\b")


def capital_country(title: str) -> str | None:
    """"President of the Washington-based Centre ..." → US."""
    found = _CAPITAL_BASED_RE.search(title)
    return _CAPITALS[found.group(1)] if found else None


def clear_country_cache() -> None:
    """Per-release cache of country mentions."""
    _find_countries.cache_clear()
