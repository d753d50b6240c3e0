"""When two ministries' meetings are one encounter: the rule, pure (no database).

Two meetings reported by **different sources** are one encounter when

1. their dates are **at most one day apart** (a call late in Tokyo is the same
   day's morning in Ottawa; a release may date a meeting by its own calendar);
2. their **kinds are compatible** (:data:`KIND_GROUPS`): in-person kinds
   (``meeting``, ``talks``, ``visit``, ``reception``, ``other``) go together, and
   remote ones (``phone_call``, ``video_call``) go together, never across;
3. the **same people** took part, either
   * at least **two participants** of one meeting are participants of the other
     (:func:`same_person`), or
   * **one** participant is shared and both are **two-party meetings** whose
     sides are the same two (the countries, or organisations, represented: a
     release that names only its own minister and "the Ambassador of Pakistan"
     still has the sides ``AZ`` and ``PK``).

Two participants are the same person when they have the same ``persons.id``, or,
as a fallback that works while names are folded differently in two releases
(``Sergey`` / ``Sergei Lavrov``, ``MOTEGI Toshimitsu`` / ``Toshimitsu Motegi``),
when they represent the **same country** and share a **surname key**: the folded
(:func:`db.names.name_key`) last word of the name, and the first word too when it
is written in capitals (Japanese surname-first style). Unnamed office holders and
groups are never a shared person; they count only as sides.

A pair that passes gets a score (:func:`score`): 10 per shared person, 3 when the
sides are the same, 2 when the dates are equal, 1 when the kinds are equal.
:func:`encounters` joins meetings greedily, best score first (ties: the smaller
date gap, then the smaller meeting ids), into groups holding **at most one meeting
per source**; so a meeting links to at most one encounter, and within it to one
report of each other source. The result depends only on the meetings given, in
whatever order: rebuilding gives the same encounters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from db.names import name_key

RULE_VERSION = "encounters-1"

# Kinds that can report one encounter: in person, or at a distance.
KIND_GROUPS: dict[str, str] = {
    "meeting": "in_person", "talks": "in_person", "visit": "in_person",
    "reception": "in_person", "other": "in_person",
    "phone_call": "remote", "video_call": "remote",
}
MAX_DAYS_APART = 1
PERSON_POINTS, SIDES_POINTS, SAME_DATE_POINTS, SAME_KIND_POINTS = 10, 3, 2, 1


@dataclass(frozen=True, slots=True)
class Attendee:
    """A participant as the rule sees it: who, and which side."""

    person_id: int | None
    name: str | None
    country: str | None
    organisation: str | None = None
    group: bool = False

    @property
    def side(self) -> str | None:
        """The side represented: ``country:XX``, ``org:name`` or None."""
        if self.country:
            return "country:" + self.country.upper()
        if self.organisation:
            return "org:" + self.organisation.strip().casefold()
        return None

    @property
    def named(self) -> bool:
        return bool(self.name) and not self.group


@dataclass(frozen=True, slots=True)
class Report:
    """One source's meeting: the facts the rule compares."""

    meeting_id: int
    source: str
    date: dt.date
    kind: str
    attendees: tuple[Attendee, ...]

    @property
    def sides(self) -> frozenset[str]:
        return frozenset(s for a in self.attendees if (s := a.side) is not None)


def kinds_compatible(one: str, two: str) -> bool:
    """Whether meetings of kinds ``one`` and ``two`` may report one encounter."""
    group = KIND_GROUPS.get(one)
    return group is not None and group == KIND_GROUPS.get(two)


def surname_keys(name: str) -> frozenset[str]:
    """The folded surname(s) of ``name``: its last word, and its first if in capitals."""
    words = name.split()
    if not words:
        return frozenset()
    keys = {name_key(words[-1])}
    first = words[0].strip(",")
    if len(words) > 1 and len(first) > 1 and first.isupper() and first.isalpha():
        keys.add(name_key(first))
    return frozenset(k for k in keys if k)


def same_person(one: Attendee, two: Attendee) -> bool:
    """Whether two named participants are one person (same id, or country + surname)."""
    if not (one.named and two.named):
        return False
    if one.person_id is not None and one.person_id == two.person_id:
        return True
    if not one.country or one.country.upper() != (two.country or "").upper():
        return False
    assert one.name is not None and two.name is not None
    return bool(surname_keys(one.name) & surname_keys(two.name))


def shared_people(one: Report, two: Report) -> int:
    """How many participants the two reports share (each matched at most once)."""
    taken: set[int] = set()
    shared = 0
    for a in one.attendees:
        for index, b in enumerate(two.attendees):
            if index not in taken and same_person(a, b):
                taken.add(index)
                shared += 1
                break
    return shared


def score(one: Report, two: Report) -> int | None:
    """The pair's score when ``one`` and ``two`` are one encounter, else None."""
    if one.source == two.source or one.meeting_id == two.meeting_id:
        return None
    gap = abs((one.date - two.date).days)
    if gap > MAX_DAYS_APART or not kinds_compatible(one.kind, two.kind):
        return None
    shared = shared_people(one, two)
    same_sides = len(one.sides) == 2 and one.sides == two.sides
    if shared < 2 and not (shared == 1 and same_sides):
        return None
    return (PERSON_POINTS * shared + SIDES_POINTS * (one.sides == two.sides)
            + SAME_DATE_POINTS * (gap == 0) + SAME_KIND_POINTS * (one.kind == two.kind))


def dates_in_reach(day: dt.date) -> list[dt.date]:
    """The days a meeting of ``day`` may share an encounter with (rule 1)."""
    return [day + dt.timedelta(days=delta) for delta in range(-MAX_DAYS_APART, MAX_DAYS_APART + 1)]


def by_date(reports: Iterable[Report]) -> dict[dt.date, list[Report]]:
    """``reports`` grouped by their date."""
    grouped: dict[dt.date, list[Report]] = {}
    for report in reports:
        grouped.setdefault(report.date, []).append(report)
    return grouped


def in_reach(report: Report, dated: Mapping[dt.date, Sequence[Report]]) -> Iterator[Report]:
    """The reports of ``dated`` (:func:`by_date`) whose dates are in reach of ``report``'s."""
    for day in dates_in_reach(report.date):
        yield from dated.get(day, ())


def candidate_pairs(reports: Sequence[Report]) -> list[tuple[int, int, int]]:
    """``(score, meeting id, meeting id)`` of every pair that passes, smaller id first."""
    dated = by_date(reports)
    pairs: list[tuple[int, int, int]] = []
    for report in reports:
        for other in in_reach(report, dated):
            if other.meeting_id <= report.meeting_id:
                continue
            points = score(report, other)
            if points is not None:
                pairs.append((points, report.meeting_id, other.meeting_id))
    return pairs


def encounters(reports: Iterable[Report]) -> list[tuple[int, ...]]:
    """The encounters among ``reports``: sorted meeting ids of each, at most one per source.

    Pairs are joined best first (:func:`score`; ties: smaller date gap, smaller
    ids); a pair whose groups already hold a report of one same source is skipped.
    """
    by_id = {r.meeting_id: r for r in reports}
    pairs = candidate_pairs(list(by_id.values()))
    pairs.sort(key=lambda p: (-p[0], abs((by_id[p[1]].date - by_id[p[2]].date).days), p[1], p[2]))
    group_of: dict[int, int] = {}  # meeting id -> the group's smallest-first representative
    members: dict[int, list[int]] = {}
    for _points, one, two in pairs:
        a, b = group_of.get(one, one), group_of.get(two, two)
        if a == b:
            continue
        left, right = members.get(a, [one]), members.get(b, [two])
        if {by_id[m].source for m in left} & {by_id[m].source for m in right}:
            continue
        joined = left + right
        head = min(a, b)
        members.pop(a, None)
        members.pop(b, None)
        members[head] = joined
        for meeting in joined:
            group_of[meeting] = head
    return sorted(tuple(sorted(group)) for group in members.values())


def encounter_kind(kinds: Iterable[str]) -> str:
    """The kind of an encounter from its reports' kinds.

    The kind when all reports agree; else ``video_call`` for calls (one side's
    "telephone conversation" may be the other's video call) and ``meeting`` in person.
    """
    found = set(kinds)
    if len(found) == 1:
        return found.pop()
    if found and all(KIND_GROUPS.get(k) == "remote" for k in found):
        return "video_call"
    return "meeting"
