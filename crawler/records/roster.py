"""Entities of one release and coreference: surnames, titles ("the Minister", "EAM"), sides."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .countries import INTERGOV, find_countries, fold
from .people import HEADS, Group, Mention, is_spokesperson, name_keys, surname_key


@dataclass(slots=True)
class Entity:
    """One person across the release."""

    idx: int
    name: str | None
    title: str | None
    country: str | None
    organisation: str | None
    keys: set[str]
    heads: set[str]
    first: int
    spokes: bool = False
    group: bool = False  # a group counterpart ("the Chinese delegation"): a participant, never a person
    titles: list[str] = field(default_factory=list)  # every title the person was named with

    @property
    def label(self) -> str:
        return self.name or self.title or "unknown"

    @property
    def surname(self) -> str | None:
        return surname_key(self.name) if self.name else None

    @property
    def known_titles(self) -> list[str]:
        """Every title the person was named with (its one title when none was recorded)."""
        return self.titles or ([self.title] if self.title else [])


_REF_HEADS: dict[str, frozenset[str]] = {
    "eam": frozenset({"minister"}), "fm": frozenset({"minister"}), "mos": frozenset({"minister"}),
}


def same_office(short: str | None, full: str | None) -> bool:
    """The office *short* is written out in *full* ("Deputy Minister" in "Deputy Minister of Foreign Affairs"), as
    whole words and with a head word."""
    if not short or not full:
        return False
    short_words = fold(short).split()
    full_words = fold(full).split()
    if not set(short_words) & HEADS or len(short_words) > len(full_words):
        return False
    return any(full_words[i:i + len(short_words)] == short_words for i in range(len(full_words) - len(short_words) + 1))


_ACRONYMS = {"MFA": "Ministry of Foreign Affairs", "MOFA": "Ministry of Foreign Affairs",
             "DFA": "Department of Foreign Affairs", "FCDO": "Foreign, Commonwealth and Development Office"}


_TITLE_FILLER = frozenset("the of for and h.e his her".split())
_RANK_ONLY = frozenset("ambassador senator prince princess sheikh sheikha dr professor general".split())
_REF_WORDS: dict[str, frozenset[str]] = {
    "eam": frozenset({"external", "affairs", "minister"}), "fm": frozenset({"foreign", "minister"}),
    "mos": frozenset({"minister", "state"}),
}


def _title_words(title: str) -> frozenset[str]:
    """The office words of a title, without its country ("Paraguayan Foreign Minister" → foreign, minister)."""
    spans = [(start, end) for start, end, _code in find_countries(title)]
    kept = "".join(" " if any(start <= i < end for start, end in spans) else char for i, char in enumerate(title))
    out: set[str] = set()
    for word in re.findall(r"[\w\-’']+", kept):
        key = fold(word)
        if key in _TITLE_FILLER:
            continue
        out |= _REF_WORDS.get(key, {key.rstrip("s") if key.endswith("s") and key[:-1] in HEADS else key})
    return frozenset(out)


def _compatible(entity: Entity, title: str | None, country: str | None) -> bool:
    """A short form and a fuller one may be one person: no two different countries, and not two different
    offices ("Deputy Minister Wang" is not "Foreign Minister Wang Yi"). Any title the entity was named with may
    fit."""
    if country and entity.country and country != entity.country:
        return False
    if not title:
        return True
    known = entity.known_titles
    return not known or any(_same_rank(title, other) for other in known)


def _same_rank(title: str, other: str) -> bool:
    """One office said shorter inside the other ("Minister" / "Minister of Foreign Affairs", "Foreign Minister" /
    "Deputy Prime Minister and Foreign Minister"), or a rank that is no office ("Senator", "Ambassador"); not two
    offices ("President" / "Foreign Minister": President Abbas is not Abbas Araghchi)."""
    words, known = _title_words(title), _title_words(other)
    if not words & HEADS or not known & HEADS or "counterpart" in words | known:
        return True
    return words <= known or known <= words or words <= _RANK_ONLY or known <= _RANK_ONLY


def _fits(title: str, entity: Entity) -> bool:
    """*title* says nothing an entity's title does not ("Deputy Minister" of "Deputy Minister Wang Mei-hua")."""
    words = _title_words(title)
    return any(words <= _title_words(other) for other in entity.known_titles)


def _more_specific(title: str, known: str) -> bool:
    """*title* says all *known* says and more ("Minister of Foreign Affairs" after "Minister")."""
    words, old = _title_words(title), _title_words(known)
    return bool(old & HEADS) and old < words


class Roster:
    """Entities of one release with coreference by surname, title and pronoun."""

    def __init__(self, own: str | None) -> None:
        self.own = own
        self.entities: list[Entity] = []
        self.prior: set[str] = set()

    def known_keys(self) -> frozenset[str]:
        out: set[str] = set(self.prior)
        for entity in self.entities:
            out |= entity.keys
        return frozenset(out)

    def add_group(self, group: Group) -> Entity:
        """One entity per group phrase (the same title, country and organisation give the same entity)."""
        for entity in self.entities:
            if entity.group and entity.title == group.title and entity.country == group.country:
                return entity
        entity = Entity(len(self.entities), None, group.title, group.country, group.organisation, set(), set(),
                        group.start, False, True)
        self.entities.append(entity)
        return entity

    def add_institution(self, title: str) -> Entity:
        """A ministry or department that speaks for itself ("Statement of the Foreign Ministry of X"): an
        unnamed speaker titled by the institution, never a person."""
        title = _ACRONYMS.get(title, title)  # "MOFA sincerely thanks …"
        bare = re.fullmatch(r"(?:Foreign\s+)?Ministry|Government|Department|Ministry of Foreign Affairs|"
                            r"Department of Foreign Affairs", title) is not None
        for known in self.entities:
            if known.name is None and not known.heads and not known.group and known.title and (
                    known.title == title or (bare and known.title.startswith(title))):
                return known  # "The Ministry …" after "The Ministry of Foreign Affairs of X …"
        countries = [country for _start, _end, country in find_countries(title)]
        entity = Entity(len(self.entities), None, title, countries[0] if countries else self.own, None, set(), set(), -1)
        self.entities.append(entity)
        return entity

    def by_name(self, name: str, title: str | None = None, country: str | None = None) -> Entity | None:
        """The entity a name stands for: the same surname, a short form of a known fuller name ("Lin" for "Lin
        Chia-lung", "Kamikawa" for "KAMIKAWA Yoko") or a fuller form of a short one. Among several people who
        share the name ("Wang" for two Wangs), the one whose title and country fit; a short form never joins a
        fuller name whose title or country contradicts its own."""
        keys = name_keys(name)
        surname = surname_key(name)
        found: list[Entity] = []
        for entity in self.entities:
            if not entity.name:
                continue
            short = len(entity.keys) == 1 and len(keys) > 1  # a fuller name for a short form ("Lin" → "Lin Chia-lung")
            if entity.surname == surname or (surname in entity.keys and len(keys) == 1) or (
                len(keys) == 1 and entity.keys & keys
            ) or (len(keys) > 1 and entity.surname in keys and len(entity.keys) == 1):
                found.append(entity)
            elif len(keys) > 1 and (keys <= entity.keys or (len(entity.keys) > 1 and entity.keys <= keys)) and (
                    fold(name.split()[0]) == fold((entity.name or "").split()[0])):
                # "Faisal bin Farhan" after "Faisal bin Farhan Al Saud"
                found.append(entity)
                short = False
            else:
                continue
            if (short and not _compatible(entity, title, country)) or (
                    country and entity.country and country != entity.country and len(keys) == 1):
                found.pop()  # "Deputy Minister Wang" of the headline is not "Foreign Minister Wang Yi"
        if len(found) > 1 and title:
            fitting = [entity for entity in found if _fits(title, entity)]
            if fitting:
                return fitting[0]
        return found[0] if found else None

    def complete_short_names(self, mentions: list[Mention]) -> None:
        """A person known only by a short form ("Minister Lin" of the headline, then "Minister Lin" in the text)
        takes the one fuller form the text names elsewhere ("Lin Chia-lung" in a sentence that reports no
        encounter), when its title and country fit and no other entity holds that name."""
        for entity in self.entities:
            if entity.group or not entity.name or len(entity.keys) != 1:
                continue
            fuller = {mention.name: mention for mention in mentions if mention.name and entity.keys < name_keys(mention.name)
                      and _compatible(entity, mention.title, mention.country)}
            fuller = {name: mention for name, mention in fuller.items() if self.by_name(name) in (None, entity)}
            if len(fuller) != 1:
                continue  # none, or two people sharing the surname: the short form stays
            mention = next(iter(fuller.values()))
            entity.name = mention.name
            entity.keys |= name_keys(mention.name or "")
            if mention.title and entity.title and _more_specific(mention.title, entity.title):
                entity.title = mention.title
            if entity.country is None and mention.country:
                entity.country = mention.country

    def add(self, mention: Mention) -> Entity:
        if mention.name:
            entity = self.by_name(mention.name, mention.title, mention.country)
            if entity is None:
                # an unnamed entity of the same country and office becomes named
                for unnamed in self.entities:
                    if unnamed.name is None and not unnamed.group and unnamed.organisation == mention.organisation and ((
                            same_office(unnamed.title, mention.title) and unnamed.country in (None, mention.country, self.own))
                            or (unnamed.title and mention.title and mention.country in (None, unnamed.country)
                                and len(_title_words(mention.title)) > 1
                                and _title_words(unnamed.title) == _title_words(mention.title))):
                        # "the Deputy Minister" of the title, then "Deputy Minister X" in the text; "Indian External
                        # Affairs Minister" of the title, then "External Affairs Minister X"
                        entity = unnamed
                        entity.name = mention.name
                        entity.keys = name_keys(mention.name)
                        entity.country = entity.country if mention.country is None else mention.country
                        break
                    if unnamed.name is None and not unnamed.group and ((mention.country and unnamed.country == mention.country) or (
                            mention.organisation and unnamed.organisation == mention.organisation and unnamed.country is None)) and (
                        not unnamed.heads or not mention.heads or unnamed.heads & mention.heads or "counterpart" in unnamed.heads
                        or "counterparts" in unnamed.heads
                    ):
                        entity = unnamed
                        entity.name = mention.name
                        entity.keys = name_keys(mention.name)
                        break
            if entity is None:
                entity = Entity(len(self.entities), mention.name, mention.title, mention.country, mention.organisation,
                           name_keys(mention.name), set(mention.heads), mention.start, is_spokesperson(mention.title),
                           titles=[mention.title] if mention.title else [])
                self.entities.append(entity)
                return entity
            if len(mention.name) > len(entity.name or "") and (surname_key(mention.name) == entity.surname or (
                    entity.keys and entity.keys <= name_keys(mention.name))):
                entity.name = mention.name  # the fullest form seen ("Lin" of the headline → "Lin Chia-lung")
                entity.keys |= name_keys(mention.name)
            if mention.title and mention.title not in entity.titles:
                entity.titles.append(mention.title)
            if mention.title and (not entity.title or (not entity.heads and mention.heads) or (
                    mention.heads and _more_specific(mention.title, entity.title))):
                entity.title = mention.title
            entity.heads |= mention.heads
            if entity.country is None and mention.country:
                entity.country = mention.country
            if entity.organisation is None and mention.organisation:
                entity.organisation = mention.organisation
            entity.spokes = entity.spokes or is_spokesperson(mention.title)
            return entity
        unnamed_entity = self.resolve_unnamed(mention, None, True)
        assert unnamed_entity is not None
        return unnamed_entity

    def resolve_unnamed(self, mention: Mention, among: set[int] | None, create: bool) -> Entity | None:
        """An office holder named only by title: an existing entity if one fits, else (optionally) a new one."""
        for entity in self.entities:
            if entity.group or (entity.spokes and not is_spokesperson(mention.title)):
                continue
            if mention.country and entity.country == mention.country and (not mention.heads or not entity.heads or entity.heads & mention.heads):
                return entity
            if mention.country and mention.country == self.own and entity.country is None and entity.name and (
                (among is not None and entity.idx in among) or bool(mention.heads & entity.heads)
            ):
                return entity
            if mention.organisation and entity.organisation == mention.organisation and (not mention.heads or entity.heads & mention.heads):
                return entity
        for entity in self.entities:
            # "the Deputy Minister of Foreign Affairs" after "Mr. X, Deputy Minister of Foreign Affairs"
            if entity.name and not entity.group and any(same_office(mention.title, title) for title in entity.known_titles) and (
                    mention.country is None or entity.country in (None, mention.country)):
                return entity
        if among:
            found = self.by_title(mention.title or "", among=among, strict=True)
            if found is not None and (mention.country is None or found.country in (None, mention.country)):
                return found
        if not create:
            return None
        found = Entity(len(self.entities), None, mention.title, mention.country, mention.organisation, set(), set(mention.heads), mention.start,
                   is_spokesperson(mention.title))
        self.entities.append(found)
        return found

    def by_title(self, phrase: str, prefer: list[int] | None = None, among: set[int] | None = None,
                 strict: bool = False) -> Entity | None:
        """Resolve "the Minister", "EAM", "the ambassador", "the Turkish side"."""
        words = [fold(word) for word in re.findall(r"[\w\-]+", phrase)]
        heads: set[str] = set()
        for word in words:
            if word in _REF_HEADS:
                heads |= _REF_HEADS[word]
            elif word in HEADS:
                heads.add(word.rstrip("s") if word.endswith("s") and word[:-1] in HEADS else word)
        countries = [country for _start, _end, country in find_countries(phrase)]
        cands = [entity for entity in self.entities if not entity.spokes and not entity.group]
        if among:
            inner = [entity for entity in cands if entity.idx in among]
            cands = inner if (inner or strict) else cands
        if countries:
            cands = [entity for entity in cands if entity.country == countries[0]]
            if not heads:
                return cands[0] if len(cands) == 1 else None
        if heads:
            cands = [entity for entity in cands if entity.heads & heads]
        if not cands:
            return None
        if len(cands) == 1:
            return cands[0]
        phrase_words = set(words) - {"the", "of", "for", "and"}
        def overlap(entity: Entity) -> int:
            return len(phrase_words & {fold(word) for word in re.findall(r"[\w\-]+", entity.title or "")})
        best = max(overlap(entity) for entity in cands)
        cands = [entity for entity in cands if overlap(entity) == best]
        if len(cands) == 1:
            return cands[0]
        own = [entity for entity in cands if entity.country == self.own or (entity.country is None and entity.organisation not in INTERGOV)]
        if len(own) == 1:
            return own[0]
        if prefer:
            for idx in reversed(prefer):
                for entity in cands:
                    if entity.idx == idx:
                        return entity
        return cands[0]
