"""Office holders: an unnamed participant linked to the person who held its office then.

:func:`link_office_holders` applies :func:`db.offices.office_holder` to the unnamed
participants (``name`` NULL, not a group, with an office and a country): the
named participants of the same source, country and office within
:data:`db.offices.HOLDER_WINDOW_DAYS` days are the sightings. A linked participant
gets that person, ``resolved_by = 'office'`` and the sighting's document as
``evidence_document_id``; it never gets a ``persons`` row of its own.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Table, bindparam, func, select, union_all, update
from sqlalchemy.orm import Session

from db.models import Document, Meeting, Participant
from db.offices import HOLDER_WINDOW_DAYS, UNRESOLVABLE_OFFICES, Sighting, office_holder

_PARTICIPANTS: Table = Participant.__table__  # type: ignore[assignment]
_WINDOW = dt.timedelta(days=HOLDER_WINDOW_DAYS)
_EVER = (dt.date(1, 1, 1), dt.date(9999, 12, 31))
_DAY = func.coalesce(Meeting.date, Document.published)
_UNRESOLVABLE = sorted(UNRESOLVABLE_OFFICES)

# A participant whose office and country say who it may be (named or not, never a group).
_WITH_RESOLVABLE_OFFICE = (Participant.group.is_(False), Participant.office.is_not(None),
                           Participant.country.is_not(None),
                           Participant.office.not_in(_UNRESOLVABLE))

# Built once, bound per call (a store runs them for every release).
_UNNAMED = (
    select(Participant.id, Participant.country, Participant.office, _DAY.label("day"),
           Participant.person_id, Participant.evidence_document_id, Document.id.label("document_id"))
    .join(Meeting, Meeting.id == Participant.meeting_id)
    .join(Document, Document.id == Meeting.document_id)
    .where(Participant.name.is_(None), *_WITH_RESOLVABLE_OFFICE))
# by (country, office) in a window (ix_participants_office_holders), and by document
_TARGETS = union_all(
    _UNNAMED.where(Document.source_id == bindparam("source_id"),
                   Participant.country.in_(bindparam("countries", expanding=True)),
                   Participant.office.in_(bindparam("offices", expanding=True)),
                   _DAY.between(bindparam("since"), bindparam("until"))),
    _UNNAMED.where(Document.id == bindparam("document_id")))
_SIGHTINGS = (
    select(Participant.country, Participant.office, Participant.person_id, _DAY.label("day"),
           Document.id)
    .join(Meeting, Meeting.id == Participant.meeting_id)
    .join(Document, Document.id == Meeting.document_id)
    .where(Participant.name.is_not(None), Participant.person_id.is_not(None),
           Participant.resolved_by.is_(None),
           Document.source_id == bindparam("source_id"),
           Participant.country.in_(bindparam("countries", expanding=True)),
           Participant.office.in_(bindparam("offices", expanding=True)),
           _DAY.between(bindparam("since"), bindparam("until"))))
_OFFICES_OF_DOCUMENT = (
    select(Document.source_id, Participant.country, Participant.office, _DAY,
           Participant.name.is_(None))
    .join(Meeting, Meeting.id == Participant.meeting_id)
    .join(Document, Document.id == Meeting.document_id)
    .where(Document.id == bindparam("document_id"), *_WITH_RESOLVABLE_OFFICE))
_EVIDENCE_OF = (
    select(Document.source_id, Participant.country, Participant.office, _DAY)
    .join(Meeting, Meeting.id == Participant.meeting_id)
    .join(Document, Document.id == Meeting.document_id)
    .where(Participant.evidence_document_id == bindparam("document_id")))
_SOURCES_WITH_UNNAMED = select(Document.source_id, Participant.country, Participant.office).join(
    Meeting, Meeting.document_id == Document.id).join(
    Participant, Participant.meeting_id == Meeting.id).where(
    Participant.name.is_(None), *_WITH_RESOLVABLE_OFFICE).distinct()
_LINK = (update(_PARTICIPANTS).where(_PARTICIPANTS.c.id == bindparam("row_id"))
         .values(person_id=bindparam("person_id"), resolved_by=bindparam("resolved_by"),
                 evidence_document_id=bindparam("evidence_document_id")))


def link_office_holders(session: Session) -> int:
    """(Re)link every unnamed participant of the archive; how many changed."""
    pairs: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for source, country, office in session.execute(_SOURCES_WITH_UNNAMED):
        pairs[source].add((str(country), str(office)))
    return sum(_link(session, source, offices, *_EVER) for source, offices in sorted(pairs.items()))


def _link(session: Session, source_id: int, offices: set[tuple[str, str]], since: dt.date,
          until: dt.date, document_id: int | None = None, linked: set[int] | None = None) -> int:
    """(Re)link the unnamed participants of a source seen in ``since..until`` with one of
    the ``(country, office)`` pairs, and those of ``document_id``; how many changed. Each gets the
    person :func:`db.offices.office_holder` finds among the named participants of the
    same source, country and office, or none."""
    if not offices and document_id is None:
        return 0
    conn = session.connection()
    bounds = {"countries": sorted({c for c, _ in offices}),
              "offices": sorted({o for _, o in offices})}
    targets = list({t.id: t for t in conn.execute(_TARGETS, {
        "source_id": source_id, "since": since, "until": until, "document_id": document_id,
        **bounds}) if t.document_id == document_id or (t.country, t.office) in offices}.values())
    bounds = {"countries": sorted({t.country for t in targets}),
              "offices": sorted({t.office for t in targets})}
    days = [t.day for t in targets if t.day is not None]
    if not days:
        return 0
    seen: dict[tuple[str, str], list[Sighting]] = defaultdict(list)
    for country, office, pid, when, doc in conn.execute(_SIGHTINGS, {
            "source_id": source_id, "since": min(days) - _WINDOW, "until": max(days) + _WINDOW,
            **bounds}):
        if when is not None and pid is not None:
            seen[(str(country), str(office))].append(Sighting(pid, when, doc))
    changes = []
    for t in targets:
        holder = office_holder(t.day, seen[(t.country, t.office)]) if t.day is not None else None
        new = (holder.person_id, holder.document_id) if holder else (None, None)
        if (t.person_id, t.evidence_document_id) != new:
            changes.append({"row_id": t.id, "person_id": new[0], "evidence_document_id": new[1],
                            "resolved_by": "office" if holder else None})
    if changes:
        conn.execute(_LINK, changes)
        if linked is not None:
            linked.update(change["row_id"] for change in changes)
    return len(changes)


@dataclass(frozen=True, slots=True)
class Seen:
    """A participant of a stored release with an office: country, office, day, unnamed."""

    country: str
    office: str
    day: dt.date | None
    unnamed: bool


def link_office_holders_near(session: Session, document_id: int, seen: list[Seen] | None = None,
                             *, source_id: int | None = None, published: dt.date | None = None,
                             fresh: bool = False, linked: set[int] | None = None) -> int:
    """Re-link the office holders a stored document can change: its own unnamed
    participants, and those of its source within the window of its days whose
    (country, office) it names a holder of, or was the evidence for.

    ``seen``, ``source_id`` and ``published`` (what the writer knows of the release)
    save the statements that would read them back; ``fresh``: a document stored in
    this transaction, evidence for no link yet; ``linked`` gets the ids of the
    participants whose link changed.
    """
    conn = session.connection()
    if seen is None or source_id is None:
        rows = conn.execute(_OFFICES_OF_DOCUMENT, {"document_id": document_id}).all()
        seen = [Seen(str(r[1]), str(r[2]), r[3], bool(r[4])) for r in rows]
        source_id = rows[0][0] if rows else None
    else:
        seen = [Seen(s.country, s.office, s.day or published, s.unnamed) for s in seen
                if s.office not in UNRESOLVABLE_OFFICES]
    if not fresh:  # the links it was the evidence for, in case it no longer is
        for src, country, office, day in conn.execute(_EVIDENCE_OF, {"document_id": document_id}):
            seen.append(Seen(str(country), str(office), day, False))
            source_id = src
    if source_id is None or not seen:
        return 0
    named = [s for s in seen if not s.unnamed]
    days = [s.day for s in named if s.day is not None]
    since, until = (min(days) - _WINDOW, max(days) + _WINDOW) if days else _EVER
    return _link(session, source_id, {(s.country, s.office) for s in named} if days else set(),
                 since, until, document_id if any(s.unnamed for s in seen) else None, linked)
