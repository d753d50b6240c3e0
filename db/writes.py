"""What the write modules share: statements built once per dialect, the dialect's INSERT, the clock.

Every write function of :mod:`db.runs`, :mod:`db.frontier`, :mod:`db.documents`
and :mod:`db.persons` takes the session first and never commits: the caller owns
the transaction (``with sessions.begin():``), so the archive never holds half a
release. Upserts rely on the unique keys (``documents.url``, ``persons.name_key``,
``frontier.url``), so concurrent writers cannot duplicate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

_STATEMENT_CACHE: dict[tuple[str, str], Any] = {}


def prebuilt(session: Session, name: str, build: Callable[[Any], Any]) -> Any:
    """A statement built once per dialect: ``build`` gets the dialect's ``insert``.

    Statements with bind parameters are compiled once and then served from
    SQLAlchemy's cache; building them per release cost more than running them.
    """
    dialect = session.get_bind().dialect.name
    key = (dialect, name)
    statement = _STATEMENT_CACHE.get(key)
    if statement is None:
        insert_ = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = _STATEMENT_CACHE[key] = build(insert_)
    return statement


def insert(session: Session, table: Any) -> Any:
    """The dialect's INSERT, which has ``on_conflict_do_nothing``."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
