"""Writes of persons: the id of a name (folded by :func:`db.names.name_key`), created on first sight."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from db.models import Person
from db.names import name_key
from db.writes import prebuilt

_PERSONS: Table = Person.__table__  # type: ignore[assignment]
_SELECT_PERSONS = select(_PERSONS.c.name_key, _PERSONS.c.id).where(
    _PERSONS.c.name_key.in_(bindparam("keys", expanding=True)))


def person_id(session: Session, name: str) -> int:
    """The id of the person called ``name`` (folded), created on first sight."""
    return person_ids(session, [name])[name]


def person_ids(
    session: Session, names: Iterable[str], known: dict[str, int] | None = None
) -> dict[str, int]:
    """The ids of the persons called ``names``, created on first sight, in two statements.

    New keys are inserted in sorted order, so concurrent writers on PostgreSQL
    take row locks in the same order and cannot deadlock. ``known`` (name key
    -> id) is a writer's cache: its keys cost no statement, and the keys looked
    up are added to it. Persons are never deleted, so an entry stays true once
    its transaction commits; the owner clears the cache when one rolls back.
    """
    keys = {name: name_key(name) or name.strip().casefold() for name in names}
    if not keys:
        return {}
    found: dict[str, int] = {} if known is None else known
    by_key = {key: name.strip() for name, key in sorted(keys.items(), key=lambda kv: kv[1])
              if key not in found}
    if by_key:
        conn = session.connection()
        conn.execute(
            prebuilt(session, "insert_persons", lambda insert_: (
                insert_(_PERSONS).on_conflict_do_nothing(index_elements=["name_key"])
            )),
            [{"name": name, "name_key": key} for key, name in sorted(by_key.items())],
        )
        found.update(conn.execute(_SELECT_PERSONS, {"keys": list(by_key)}).all())
    return {name: found[key] for name, key in keys.items()}
