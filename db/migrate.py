"""Bring a database to the newest schema through alembic (never ``create_all``)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

import migrations


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(migrations.__file__).parent))
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


# Any constant: serialises concurrent migrations of one PostgreSQL database.
_MIGRATION_LOCK = 0x6D66_6120_6D69_67


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate to ``revision`` in one transaction (PostgreSQL and SQLite alike).

    Two processes migrating a fresh database at once take turns: SQLite's
    ``BEGIN IMMEDIATE`` and a PostgreSQL transaction-level advisory lock make
    the second wait, then find the schema already at ``revision``.
    """
    cfg = alembic_config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str) -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def ensure_schema(engine: Engine) -> None:
    """Migrate a fresh or older database to head; a no-op when already there."""
    if current_revision(engine) != head_revision():
        upgrade(engine)
