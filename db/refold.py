"""``mfa-archive refold``: re-apply the identity rule and office resolution to an archive.

:func:`refold` works from the names as written (``participants.name``,
``statements.speaker``): it groups their folded keys by
:func:`db.identity_rule.fold_names`, keeps the lowest person id of each group,
points every name at its group's person (``person_keys``, ``participants``,
``statements``), names each person by its fullest form, deletes persons no name
points to any more, refreshes ``participants.office`` (:func:`db.offices.office_key`)
and re-links office holders (:func:`db.office_holders.link_office_holders`).
Running it twice changes nothing the second time. It rewrites person ids that
other writers may hold in their caches: run it while no crawl or re-extraction writes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import Engine, Table, bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from db.batches import batched
from db.identity_rule import NameEvidence, display_name, fold_names
from db.models import Meeting, Participant, Person, PersonKey, Statement
from db.office_holders import link_office_holders
from db.offices import office_key
from db.persons import key_of, key_row

_KEYS: Table = PersonKey.__table__  # type: ignore[assignment]
_PERSONS: Table = Person.__table__  # type: ignore[assignment]
_PARTICIPANTS: Table = Participant.__table__  # type: ignore[assignment]
_CHUNK = 500



@dataclass(frozen=True, slots=True)
class RefoldReport:
    persons_before: int
    persons_after: int
    names: int
    participants_relinked: int
    statements_relinked: int
    offices_updated: int
    office_links_changed: int


def _count(session: Session, table: type[Person]) -> int:
    return int(session.execute(select(func.count()).select_from(table)).scalar_one())


def refold(session: Session) -> RefoldReport:
    """Re-apply the identity rule and office resolution to the whole archive (idempotent)."""
    persons_before = _count(session, Person)
    offices_updated = _refresh_offices(session)
    evidence: dict[str, tuple[set[str], set[str], set[int]]] = {}
    written: dict[str, Counter[str]] = defaultdict(Counter)
    participants: dict[str, list[tuple[int, int | None]]] = defaultdict(list)
    statements: dict[str, list[tuple[int, int | None]]] = defaultdict(list)
    for pid, written_name, country, office, doc, person in session.execute(
            select(Participant.id, Participant.name, Participant.country, Participant.office,
                   Meeting.document_id, Participant.person_id)
            .join(Meeting, Meeting.id == Participant.meeting_id)
            .where(Participant.name.is_not(None), Participant.group.is_(False))):
        name = str(written_name)
        key = key_of(name)
        countries, offices, docs = evidence.setdefault(key, (set(), set(), set()))
        if country:
            countries.add(country)
        if office:
            offices.add(office)
        docs.add(doc)
        written[key][name.strip()] += 1
        participants[key].append((pid, person))
    for sid, said_by, doc, person in session.execute(
            select(Statement.id, Statement.speaker, Statement.document_id, Statement.speaker_id)
            .where(Statement.speaker_id.is_not(None), Statement.speaker.is_not(None))):
        speaker = str(said_by)
        key = key_of(speaker)
        evidence.setdefault(key, (set(), set(), set()))[2].add(doc)
        written[key][speaker.strip()] += 1
        statements[key].append((sid, person))
    groups = fold_names(NameEvidence(k, frozenset(c), frozenset(o), frozenset(d))
                        for k, (c, o, d) in evidence.items())
    # each group keeps the lowest id its names pointed to that no earlier group kept
    current: dict[str, set[int]] = defaultdict(set)
    for key, person in session.execute(select(PersonKey.name_key, PersonKey.person_id)):
        current[key].add(person)
    for table in (participants, statements):
        for key, rows in table.items():
            current[key].update(p for _, p in rows if p is not None)
    claimed: set[int] = set()
    conn = session.connection()
    chosen: list[tuple[list[str], int, str]] = []
    for i, group in enumerate(sorted(groups, key=lambda g: min(
            (p for k in g for p in current[k]), default=1 << 62))):
        shown = display_name([(n, k, c) for k in group for n, c in written[k].items()])
        ids = sorted({p for k in group for p in current[k]} - claimed)
        if ids:
            pid = ids[0]
        else:  # a group split off: a new person, named below
            pid = int(conn.execute(_PERSONS.insert().values(name=shown, name_key=f"~new{i}")
                                   .returning(_PERSONS.c.id)).scalar_one())
        claimed.add(pid)
        chosen.append((group, pid, shown))
    conn.execute(delete(_KEYS))  # rewritten below, after the persons they point to
    keep_names = {pid: shown for _, pid, shown in chosen}
    owner = {k: pid for group, pid, _ in chosen for k in group}
    moved_p = _relink(session, Participant, participants, owner)
    moved_s = _relink(session, Statement, statements, owner)
    # a person no group keeps is gone: its office links are re-made below, then it is deleted
    gone = sorted(set(session.execute(select(Person.id)).scalars()) - set(keep_names))
    for chunk in batched(gone, _CHUNK):
        conn.execute(update(_PARTICIPANTS).where(_PARTICIPANTS.c.person_id.in_(chunk))
                     .values(person_id=None, resolved_by=None, evidence_document_id=None))
        conn.execute(delete(_PERSONS).where(_PERSONS.c.id.in_(chunk)))
    renames = [(row.id, keep_names[row.id])
               for row in session.execute(select(Person.id, Person.name, Person.name_key))
               if row.id in keep_names
               and (row.name, row.name_key) != (keep_names[row.id], key_of(keep_names[row.id]))]
    renames.sort()
    if renames:  # through placeholders: a key may pass from one kept person to another
        conn.execute(update(_PERSONS).where(_PERSONS.c.id == bindparam("pid"))
                     .values(name_key=bindparam("placeholder")),
                     [{"pid": pid, "placeholder": f"~{pid}"} for pid, _ in renames])
        conn.execute(update(_PERSONS).where(_PERSONS.c.id == bindparam("pid"))
                     .values(name=bindparam("shown"), name_key=bindparam("key")),
                     [{"pid": pid, "shown": shown, "key": key_of(shown)}
                      for pid, shown in renames])
    key_rows = [key_row(k, pid, written[k].most_common(1)[0][0])
                for group, pid, _ in chosen for k in sorted(group)]
    key_rows.sort(key=lambda r: str(r["name_key"]))
    for batch in batched(key_rows, _CHUNK):
        conn.execute(_KEYS.insert(), batch)
    links = link_office_holders(session)
    return RefoldReport(persons_before, _count(session, Person), len(evidence), moved_p,
                        moved_s, offices_updated, links)


def refold_archive(engine: Engine) -> RefoldReport:
    """:func:`refold` and, when persons moved, the encounters rebuilt: one transaction, all or nothing."""
    from db.encounters import rebuild_all
    from db.session import make_sessionmaker, transaction

    with transaction(make_sessionmaker(engine)) as session:
        report = refold(session)
        if report.participants_relinked:
            rebuild_all(session)  # encounters match participants by person id first
        return report


def _relink(session: Session, model: type[Participant | Statement],
            rows: dict[str, list[tuple[int, int | None]]], owner: dict[str, int]) -> int:
    column = "person_id" if model is Participant else "speaker_id"
    table: Table = model.__table__  # type: ignore[assignment]
    changes = [{"row_id": rid, "pid": owner[key]}
               for key, items in rows.items() for rid, person in items if person != owner[key]]
    for chunk in batched(changes, _CHUNK):
        session.connection().execute(
            update(table).where(table.c.id == bindparam("row_id"))
            .values({column: bindparam("pid")}), chunk)
    return len(changes)


def _refresh_offices(session: Session) -> int:
    changes = [{"row_id": pid, "office": office_key(title)}
               for pid, title, office in session.execute(
                   select(Participant.id, Participant.title, Participant.office)
                   .where(Participant.group.is_(False)))
               if office_key(title) != office]
    for chunk in batched(changes, _CHUNK):
        session.connection().execute(
            update(_PARTICIPANTS).where(_PARTICIPANTS.c.id == bindparam("row_id"))
            .values(office=bindparam("office")), chunk)
    return len(changes)
