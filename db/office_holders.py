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
from typing import Any

from sqlalchemy import Table, and_, bindparam, func, or_, select, true, update
from sqlalchemy.orm import Session

from db.models import Document, Meeting, Participant
from db.offices import HOLDER_WINDOW_DAYS, UNRESOLVABLE_OFFICES, Sighting, office_holder

_PARTICIPANTS: Table = Participant.__table__  # type: ignore[assignment]



def _day() -> Any:
    return func.coalesce(Meeting.date, Document.published)


def _of_offices(pairs: set[tuple[str, str]] | None) -> Any:
    """A filter on (country, office) pairs (served by ``ix_participants_country_office``)."""
    if pairs is None:
        return true()
    return or_(*(and_(Participant.country == c, Participant.office == o)
                 for c, o in sorted(pairs)))


def link_office_holders(session: Session, *, source_id: int | None = None,
                        since: dt.date | None = None, until: dt.date | None = None,
                        offices: set[tuple[str, str]] | None = None) -> int:
    """(Re)link the unnamed participants of a source (or all) seen in ``since..until``,
    of the given ``(country, office)`` pairs (or all).

    Returns how many participants changed. Each gets the person
    :func:`db.offices.office_holder` finds among the named participants of the same
    source, country and office, or none.
    """
    if offices is not None and not offices:
        return 0
    day = _day()
    window = dt.timedelta(days=HOLDER_WINDOW_DAYS)
    targets_q = (
        select(Participant.id, Participant.country, Participant.office, Document.source_id,
               day.label("day"), Participant.person_id, Participant.evidence_document_id)
        .join(Meeting, Meeting.id == Participant.meeting_id)
        .join(Document, Document.id == Meeting.document_id)
        .where(Participant.name.is_(None), Participant.group.is_(False),
               Participant.office.is_not(None), Participant.country.is_not(None),
               Participant.office.not_in(sorted(UNRESOLVABLE_OFFICES)), _of_offices(offices)))
    if source_id is not None:
        targets_q = targets_q.where(Document.source_id == source_id)
    if since is not None:
        targets_q = targets_q.where(day >= since)
    if until is not None:
        targets_q = targets_q.where(day <= until)
    targets = session.execute(targets_q).all()
    if not targets:
        return 0
    pairs = {(t.country, t.office) for t in targets}
    sightings_q = (
        select(Document.source_id, Participant.country, Participant.office,
               Participant.person_id, day.label("day"), Document.id)
        .join(Meeting, Meeting.id == Participant.meeting_id)
        .join(Document, Document.id == Meeting.document_id)
        .where(Participant.name.is_not(None), Participant.person_id.is_not(None),
               Participant.resolved_by.is_(None), _of_offices(pairs)))
    if source_id is not None:
        sightings_q = sightings_q.where(Document.source_id == source_id)
    days = [t.day for t in targets if t.day is not None]
    if days:
        sightings_q = sightings_q.where(day >= min(days) - window, day <= max(days) + window)
    seen: dict[tuple[int, str, str], list[Sighting]] = defaultdict(list)
    for src, country, office, pid, when, doc in session.execute(sightings_q):
        if when is not None:
            seen[(src, country, office)].append(Sighting(pid, when, doc))
    changes = []
    for t in targets:
        holder = office_holder(t.day, seen[(t.source_id, t.country, t.office)]) \
            if t.day is not None else None
        new = (holder.person_id, holder.document_id) if holder else (None, None)
        if (t.person_id, t.evidence_document_id) != new:
            changes.append({"row_id": t.id, "person_id": new[0], "evidence_document_id": new[1],
                            "resolved_by": "office" if holder else None})
    if changes:
        session.connection().execute(
            update(_PARTICIPANTS).where(_PARTICIPANTS.c.id == bindparam("row_id"))
            .values(person_id=bindparam("person_id"), resolved_by=bindparam("resolved_by"),
                    evidence_document_id=bindparam("evidence_document_id")), changes)
    return len(changes)


def link_office_holders_near(session: Session, document_id: int) -> int:
    """Re-link the office holders a stored document can change: of its source, of the
    (country, office) pairs it shows or was the evidence for, within the window of its
    days (its own unnamed participants, and those its named ones are evidence for)."""
    day = _day()
    rows = list(session.execute(
        select(Document.source_id, Participant.country, Participant.office, day)
        .join(Meeting, Meeting.id == Participant.meeting_id)
        .join(Document, Document.id == Meeting.document_id)
        .where(Document.id == document_id, Participant.office.is_not(None),
               Participant.country.is_not(None),
               Participant.office.not_in(sorted(UNRESOLVABLE_OFFICES)))).all())
    # and the links it was the evidence for, in case it no longer is
    rows += session.execute(
        select(Document.source_id, Participant.country, Participant.office, day)
        .join(Meeting, Meeting.id == Participant.meeting_id)
        .join(Document, Document.id == Meeting.document_id)
        .where(Participant.evidence_document_id == document_id)).all()
    days = [r[3] for r in rows if r[3] is not None]
    if not days:
        return 0
    window = dt.timedelta(days=HOLDER_WINDOW_DAYS)
    return link_office_holders(session, source_id=rows[0][0], since=min(days) - window,
                               until=max(days) + window,
                               offices={(str(r[1]), str(r[2])) for r in rows})
