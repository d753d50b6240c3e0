"""Entities of one release and coreference: surnames, titles ("the Minister", "EAM"), sides."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .countries import INTERGOV, find_countries, fold
from .people import HEADS, Mention, is_spokesperson, name_keys, surname_key


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

    @property
    def label(self) -> str:
        return self.name or self.title or "unknown"

    @property
    def surname(self) -> str | None:
        return surname_key(self.name) if self.name else None


_REF_HEADS: dict[str, frozenset[str]] = {
    "eam": frozenset({"minister"}), "fm": frozenset({"minister"}), "mos": frozenset({"minister"}),
}


class Roster:
    """Entities of one release with coreference by surname, title and pronoun."""

    def __init__(self, own: str | None) -> None:
        self.own = own
        self.entities: list[Entity] = []
        self.prior: set[str] = set()

    def known_keys(self) -> frozenset[str]:
        out: set[str] = set(self.prior)
        for e in self.entities:
            out |= e.keys
        return frozenset(out)

    def by_name(self, name: str) -> Entity | None:
        keys = name_keys(name)
        sk = surname_key(name)
        for e in self.entities:
            if not e.name:
                continue
            if e.surname == sk or (sk in e.keys and len(keys) == 1) or (
                len(keys) == 1 and e.keys & keys
            ):
                return e
            if len(keys) > 1 and e.surname in keys and len(e.keys) == 1:
                return e
            if len(keys) > 1 and (keys <= e.keys or (len(e.keys) > 1 and e.keys <= keys)) and (
                    fold(name.split()[0]) == fold((e.name or "").split()[0])):
                # "Faisal bin Farhan" after "Faisal bin Farhan Al Saud"
                return e
        return None

    def add(self, m: Mention) -> Entity:
        if m.name:
            e = self.by_name(m.name)
            if e is None:
                # an unnamed entity of the same country and office becomes named
                for u in self.entities:
                    if u.name is None and ((m.country and u.country == m.country) or (
                            m.organisation and u.organisation == m.organisation and u.country is None)) and (
                        not u.heads or not m.heads or u.heads & m.heads or "counterpart" in u.heads
                        or "counterparts" in u.heads
                    ):
                        e = u
                        e.name = m.name
                        e.keys = name_keys(m.name)
                        break
            if e is None:
                e = Entity(len(self.entities), m.name, m.title, m.country, m.organisation,
                           name_keys(m.name), set(m.heads), m.start, is_spokesperson(m.title))
                self.entities.append(e)
                return e
            if len(m.name) > len(e.name or "") and (surname_key(m.name) == e.surname or (
                    len(e.keys) > 1 and e.keys <= name_keys(m.name))):
                e.name = m.name
                e.keys |= name_keys(m.name)
            if m.title and (not e.title or (not e.heads and m.heads)):
                e.title = m.title
            e.heads |= m.heads
            if e.country is None and m.country:
                e.country = m.country
            if e.organisation is None and m.organisation:
                e.organisation = m.organisation
            e.spokes = e.spokes or is_spokesperson(m.title)
            return e
        e2 = self.resolve_unnamed(m, None, True)
        assert e2 is not None
        return e2

    def resolve_unnamed(self, m: Mention, among: set[int] | None, create: bool) -> Entity | None:
        """An office holder named only by title: an existing entity if one fits, else (optionally) a new one."""
        for u in self.entities:
            if u.spokes and not is_spokesperson(m.title):
                continue
            if m.country and u.country == m.country and (not m.heads or not u.heads or u.heads & m.heads):
                return u
            if m.country and m.country == self.own and u.country is None and u.name and (
                (among is not None and u.idx in among) or bool(m.heads & u.heads)
            ):
                return u
            if m.organisation and u.organisation == m.organisation and (not m.heads or u.heads & m.heads):
                return u
        if among:
            e = self.by_title(m.title or "", among=among, strict=True)
            if e is not None and (m.country is None or e.country in (None, m.country)):
                return e
        if not create:
            return None
        e = Entity(len(self.entities), None, m.title, m.country, m.organisation, set(), set(m.heads), m.start,
                   is_spokesperson(m.title))
        self.entities.append(e)
        return e

    def by_title(self, phrase: str, prefer: list[int] | None = None, among: set[int] | None = None,
                 strict: bool = False) -> Entity | None:
        """Resolve "the Minister", "EAM", "the ambassador", "the Turkish side"."""
        words = [fold(w) for w in re.findall(r"[\w\-]+", phrase)]
        heads: set[str] = set()
        for w in words:
            if w in _REF_HEADS:
                heads |= _REF_HEADS[w]
            elif w in HEADS:
                heads.add(w.rstrip("s") if w.endswith("s") and w[:-1] in HEADS else w)
        countries = [c for _a, _b, c in find_countries(phrase)]
        cands = [e for e in self.entities if not e.spokes]
        if among:
            inner = [e for e in cands if e.idx in among]
            cands = inner if (inner or strict) else cands
        if countries:
            cands = [e for e in cands if e.country == countries[0]]
            if not heads:
                return cands[0] if len(cands) == 1 else None
        if heads:
            cands = [e for e in cands if e.heads & heads]
        if not cands:
            return None
        if len(cands) == 1:
            return cands[0]
        pw = set(words) - {"the", "of", "for", "and"}
        def overlap(e: Entity) -> int:
            return len(pw & {fold(w) for w in re.findall(r"[\w\-]+", e.title or "")})
        best = max(overlap(e) for e in cands)
        cands = [e for e in cands if overlap(e) == best]
        if len(cands) == 1:
            return cands[0]
        own = [e for e in cands if e.country == self.own or (e.country is None and e.organisation not in INTERGOV)]
        if len(own) == 1:
            return own[0]
        if prefer:
            for idx in reversed(prefer):
                for e in cands:
                    if e.idx == idx:
                        return e
        return cands[0]
