"""Writes of persons: the person of each name a release mentions, by the identity rule.

A known folded name (:func:`db.names.name_key`, table ``person_keys``) costs one
statement for all of a release's names. A new one is put through
:func:`db.identity_rule.fold_names` with the persons it may be a variant of (those
with the same first or last word) and the release itself as evidence: it joins the one
person it folds with, or becomes a new person. Writing never merges two existing
persons; :func:`db.refold.refold` does, over the whole archive. New rows are
inserted in sorted order, so concurrent writers on PostgreSQL take row locks in
one order and cannot deadlock.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Table, bindparam, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.batches import batched
from db.identity_rule import NameEvidence, display_name, fold_names, is_fuller
from db.models import Participant, Person, PersonKey
from db.names import name_key
from db.writes import prebuilt

_KEYS: Table = PersonKey.__table__  # type: ignore[assignment]
_PERSONS: Table = Person.__table__  # type: ignore[assignment]
_SELECT_KEYS = select(_KEYS.c.name_key, _KEYS.c.person_id).where(
    _KEYS.c.name_key.in_(bindparam("keys", expanding=True)))
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Mention:
    """A name in a release: a participant's (with country and office) or a speaker's."""

    name: str
    country: str | None = None
    office: str | None = None


def key_of(name: str) -> str:
    """The folded key of a written name (never empty for a non-blank name)."""
    return name_key(name) or name.strip().casefold()


def name_words(key: str) -> tuple[str, str]:
    words = key.split() or [key]
    return words[0], words[-1]


def key_row(key: str, person: int, name: str) -> dict[str, object]:
    """A ``person_keys`` row: the folded name, its person, its commonest written form."""
    first, last = name_words(key)
    return {"name_key": key, "person_id": person, "name": name, "first_word": first,
            "last_word": last}


def person_id(session: Session, name: str) -> int:
    """The id of the person called ``name``, created on first sight (no evidence beside it)."""
    return person_ids(session, [Mention(name)])[name]


def person_ids(session: Session, mentions: Sequence[Mention], document_id: int | None = None,
               known: dict[str, int] | None = None) -> dict[str, int]:
    """The person id of each mentioned name, new persons created by the identity rule.

    ``known`` (name key -> id) is a writer's cache: its keys cost no statement, and
    the keys looked up are added to it. A key's person changes only by
    :func:`db.refold.refold`; the owner clears the cache when a transaction rolls back.
    """
    keys = {m.name: key_of(m.name) for m in mentions}
    if not keys:
        return {}
    found: dict[str, int] = {} if known is None else known
    wanted = sorted({k for k in keys.values() if k not in found})
    conn = session.connection()
    if wanted:
        found.update(conn.execute(_SELECT_KEYS, {"keys": wanted}).all())
    new = sorted({k for k in keys.values() if k not in found})
    if new:
        _add_persons(session, new, mentions, keys, document_id, found)
    return {name: found[key] for name, key in keys.items()}


def _add_persons(session: Session, new: list[str], mentions: Sequence[Mention],
                 keys: dict[str, str], document_id: int | None, found: dict[str, int]) -> None:
    conn = session.connection()
    words = {w for k in new for w in name_words(k)}
    candidates = dict(conn.execute(
        select(_KEYS.c.name_key, _KEYS.c.person_id)
        .where(or_(_KEYS.c.first_word.in_(words), _KEYS.c.last_word.in_(words)))).all())
    in_release = {keys[m.name] for m in mentions}
    release_persons = {found[k] for k in in_release if k in found}
    countries: dict[int, set[str]] = defaultdict(set)
    offices: dict[int, set[str]] = defaultdict(set)
    persons = sorted(set(candidates.values()))
    for chunk in batched(persons, _CHUNK):
        for person, country, office in conn.execute(
                select(Participant.person_id, Participant.country, Participant.office)
                .where(Participant.person_id.in_(chunk), Participant.resolved_by.is_(None))
                .group_by(Participant.person_id, Participant.country, Participant.office)):
            if person is None:
                continue
            if country:
                countries[person].add(country)
            if office:
                offices[person].add(office)
    evidence = [NameEvidence(k, frozenset(countries[p]), frozenset(offices[p]),
                             frozenset({document_id} if p in release_persons and document_id
                                       is not None else ()))
                for k, p in candidates.items()]
    for m in mentions:
        evidence.append(NameEvidence(
            keys[m.name], frozenset({m.country} if m.country else ()),
            frozenset({m.office} if m.office else ()),
            frozenset({document_id} if document_id is not None else ())))
    owner = {**candidates, **{k: found[k] for k in in_release if k in found}}
    written: dict[str, Counter[str]] = defaultdict(Counter)
    for m in mentions:
        written[keys[m.name]][m.name.strip()] += 1
    rows, person_rows, fuller = [], [], []
    for group in fold_names(evidence, owner):
        fresh = [k for k in group if k in new]
        if not fresh:
            continue
        existing = sorted({owner[k] for k in group if k in owner})
        names = [(n, k, c) for k in fresh for n, c in written[k].items()]
        if existing:
            pid_or_key: int | str = existing[0]
            fuller.append((existing[0], display_name(names)))
        else:
            shown = display_name(names)
            pid_or_key = key_of(shown)
            person_rows.append({"name": shown, "name_key": pid_or_key})
        for k in fresh:
            rows.append((k, pid_or_key, written[k].most_common(1)[0][0]))
    ids: dict[str, int] = {}
    if person_rows:
        conn.execute(prebuilt(session, "insert_persons", lambda insert_: (
            insert_(_PERSONS).on_conflict_do_nothing(index_elements=["name_key"]))),
            sorted(person_rows, key=lambda r: r["name_key"]))
        ids = dict(conn.execute(select(_PERSONS.c.name_key, _PERSONS.c.id).where(
            _PERSONS.c.name_key.in_([r["name_key"] for r in person_rows]))).all())
    key_rows = [key_row(k, pid_or_key if isinstance(pid_or_key, int) else ids[pid_or_key], name)
                for k, pid_or_key, name in sorted(rows)]
    conn.execute(prebuilt(session, "insert_person_keys", lambda insert_: (
        insert_(_KEYS).on_conflict_do_nothing(index_elements=["name_key"]))), key_rows)
    found.update(conn.execute(_SELECT_KEYS, {"keys": new}).all())
    _rename_fuller(session, fuller)


def _rename_fuller(session: Session, fuller: list[tuple[int, str]]) -> None:
    """Name a person by a new form that is fuller than its name (``persons.name``: the
    fullest form seen), unless another person holds that form's key."""
    if not fuller:
        return
    conn = session.connection()
    current = dict(conn.execute(select(_PERSONS.c.id, _PERSONS.c.name).where(
        _PERSONS.c.id.in_(sorted({pid for pid, _ in fuller})))).all())
    for pid, form in sorted(fuller):
        if not is_fuller(key_of(form), key_of(current[pid])):
            continue
        taken = conn.execute(select(_PERSONS.c.id).where(
            _PERSONS.c.name_key == key_of(form))).first()
        if taken is not None:
            continue
        try:  # a concurrent writer may take the key meanwhile: then the name waits for refold
            with session.begin_nested():
                session.connection().execute(_PERSONS.update().where(_PERSONS.c.id == pid)
                                             .values(name=form, name_key=key_of(form)))
        except IntegrityError:
            continue
        current[pid] = form
