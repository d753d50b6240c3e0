"""Persons for analysts: who each person is in the archive, and how often they met.

:func:`person_summaries` gives each person's variants (the other forms of the
name the releases wrote, folded into this person by :mod:`db.identity_rule`),
countries and titles (as the releases give them), the first and last day they were seen in a meeting, and
their counts of meetings and statements. Read-only.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import Connection, distinct, func, or_, select

from db.batches import batched
from db.models import Document, Meeting, Participant, Person, PersonKey, Statement
from db.names import name_key


@dataclass(frozen=True, slots=True)
class PersonSummary:
    person_id: int
    name: str
    variants: list[str]  # the other forms written, the most frequent first
    countries: list[str]  # most frequent first
    titles: list[str]  # in the order first held
    first_seen: dt.date | None
    last_seen: dt.date | None
    meetings: int
    statements: int


def person_summaries(conn: Connection, *, country: str | None = None, name: str | None = None,
                     limit: int | None = None) -> list[PersonSummary]:
    """Persons with at least one meeting or statement, the most met first.

    ``country``: persons who represented it in a meeting (ISO code);
    ``name``: a part of the name or of a variant, also matched spelling-folded
    (``Cavusoglu`` finds ``Çavuşoğlu``, ``Ishaq Dar`` finds ``Mohammad Ishaq Dar``).
    """
    seen = func.coalesce(Meeting.date, Document.published)
    parts = (
        select(Participant.person_id.label("person_id"),
               func.count(distinct(Participant.meeting_id)).label("meetings"),
               func.min(seen).label("first_seen"), func.max(seen).label("last_seen"))
        .join(Meeting, Meeting.id == Participant.meeting_id)
        .join(Document, Document.id == Meeting.document_id)
        .group_by(Participant.person_id).subquery())
    said = (
        select(Statement.speaker_id.label("person_id"), func.count().label("statements"))
        .where(Statement.speaker_id.is_not(None)).group_by(Statement.speaker_id).subquery())
    meetings = func.coalesce(parts.c.meetings, 0)
    statements = func.coalesce(said.c.statements, 0)
    query = (
        select(Person.id, Person.name, meetings.label("meetings"), parts.c.first_seen,
               parts.c.last_seen, statements.label("statements"))
        .outerjoin(parts, parts.c.person_id == Person.id)
        .outerjoin(said, said.c.person_id == Person.id)
        .where(or_(parts.c.meetings > 0, said.c.statements > 0))
        .order_by(meetings.desc(), Person.name, Person.id))
    if country:
        query = query.where(Person.id.in_(
            select(Participant.person_id).where(Participant.country == country.upper())))
    if name:
        folded = name_key(name)
        query = query.where(Person.id.in_(
            select(PersonKey.person_id).where(or_(
                PersonKey.name.icontains(name, autoescape=True),
                *([PersonKey.name_key.contains(folded, autoescape=True)] if folded else [])))))
    if limit:
        query = query.limit(limit)
    rows = conn.execute(query).all()
    ids = [r.id for r in rows]
    countries: dict[int, list[str]] = defaultdict(list)
    titles: dict[int, list[str]] = defaultdict(list)
    written: dict[int, Counter[str]] = defaultdict(Counter)
    for chunk in batched(ids, 500):
        forms = (
            select(Participant.person_id, Participant.name, func.count())
            .where(Participant.person_id.in_(chunk), Participant.name.is_not(None))
            .group_by(Participant.person_id, Participant.name),
            select(Statement.speaker_id, Statement.speaker, func.count())
            .where(Statement.speaker_id.in_(chunk), Statement.speaker.is_not(None))
            .group_by(Statement.speaker_id, Statement.speaker))
        for form_query in forms:
            for person, form, n in conn.execute(form_query):
                if person is not None and form:
                    written[person][form] += n
        for person, code, _ in conn.execute(
                select(Participant.person_id, Participant.country, func.count().label("n"))
                .where(Participant.person_id.in_(chunk), Participant.country.is_not(None))
                .group_by(Participant.person_id, Participant.country)
                .order_by(Participant.person_id, func.count().desc(), Participant.country)):
            if code and person is not None:
                countries[person].append(code)
        for person, title, _ in conn.execute(
                select(Participant.person_id, Participant.title, func.min(seen).label("since"))
                .join(Meeting, Meeting.id == Participant.meeting_id)
                .join(Document, Document.id == Meeting.document_id)
                .where(Participant.person_id.in_(chunk), Participant.title.is_not(None))
                .group_by(Participant.person_id, Participant.title)
                .order_by(Participant.person_id, func.min(seen), Participant.title)):
            if title and person is not None:
                titles[person].append(title)
    variants = {pid: [f for f, _ in sorted(forms.items(), key=lambda kv: (-kv[1], kv[0]))]
                for pid, forms in written.items()}
    names = {r.id: r.name for r in rows}
    return [PersonSummary(r.id, r.name, [v for v in variants.get(r.id, []) if v != names[r.id]],
                          countries[r.id], titles[r.id], r.first_seen,
                          r.last_seen, int(r.meetings), int(r.statements)) for r in rows]
