"""Alembic environment: the URL comes from db.urls, never from alembic.ini."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from db.models import Base
from db.search_schema import is_search_table
from db.session import make_engine
from db.urls import database_url, is_sqlite

config = context.config
target_metadata = Base.metadata
# Indexes a revision creates by SQL on one engine only (PostgreSQL's pg_trgm, scale_indexes;
# SQLite's partial index of participants_evidence_sqlite).
SQL_ONLY_INDEXES = frozenset({"ix_statements_speaker_trigram", "ix_participants_evidence_set"})


def _include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Leave the analysis views and the full-text search tables (created by SQL in a
    revision, not models) out of autogenerate."""
    if type_ == "index" and name in SQL_ONLY_INDEXES:
        return False
    if not (type_ == "table" and reflected and compare_to is None):
        return True
    return not (name in config.attributes.get("views", ()) or is_search_table(name or ""))


def _configure(connection: Connection) -> None:
    from sqlalchemy import inspect

    config.attributes["views"] = set(inspect(connection).get_view_names())
    if connection.dialect.name == "sqlite":
        # Batch mode rebuilds a table by renaming a copy into place; with the
        # analysis views referring to it, modern ALTER TABLE RENAME fails
        # ("error in view ..."). The legacy behaviour leaves views alone.
        connection.exec_driver_sql("PRAGMA legacy_alter_table=ON")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        transactional_ddl=True,  # SQLite too: db.session emits a real BEGIN
        compare_type=True,
        include_object=_include_object,
    )


def run_migrations_offline() -> None:
    url = database_url(config.get_main_option("sqlalchemy.url"))
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=is_sqlite(url),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection: Connection | None = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(database_url(config.get_main_option("sqlalchemy.url")))
    try:
        with engine.connect() as conn:
            _configure(conn)
            with context.begin_transaction():
                context.run_migrations()
            conn.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
