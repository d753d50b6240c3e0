"""Bring a database to the newest schema through alembic (never ``create_all``).

Whether a database is at the newest schema (:func:`at_head`, asked by every command
that opens the archive) is read without importing alembic, whose import costs a
read-only command's start-up more than its work: the scripts' ``revision`` and
``down_revision`` literals give the head, the ``alembic_version`` table the
database's revision. Scripts that do not state them as literals leave it to alembic.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

import migrations

if TYPE_CHECKING:
    from alembic.config import Config

_VERSIONS = Path(migrations.__file__).parent / "versions"


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(migrations.__file__).parent))
    return cfg


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _literal_revisions(path: Path) -> tuple[str, tuple[str, ...]] | None:
    """A script's ``revision`` and ``down_revision`` (as a tuple), if both are literals."""
    found: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target: ast.expr
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
            try:
                found[target.id] = ast.literal_eval(value)
            except ValueError:
                return None
    revision, down = found.get("revision"), found.get("down_revision", "missing")
    if not isinstance(revision, str):
        return None
    if down is None:
        return revision, ()
    if isinstance(down, str):
        return revision, (down,)
    if isinstance(down, tuple | list) and all(isinstance(d, str) for d in down):
        return revision, tuple(down)
    return None


@functools.cache
def scripted_head() -> str | None:
    """The one head of the migration scripts, read from their literals; None when a
    script states them otherwise, or there is not exactly one head (ask alembic)."""
    revisions: set[str] = set()
    downs: set[str] = set()
    for path in sorted(_VERSIONS.glob("*.py")):
        if path.name == "__init__.py":
            continue
        literal = _literal_revisions(path)
        if literal is None:
            return None
        revisions.add(literal[0])
        downs.update(literal[1])
    heads = revisions - downs
    return heads.pop() if len(heads) == 1 and downs <= revisions else None


def at_head(engine: Engine) -> bool:
    """Whether the database is at the newest schema (its one revision is the head)."""
    head = scripted_head()
    if head is None:
        return current_revision(engine) == head_revision()
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False
        stored = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return list(stored) == [head]


# Any constant: serialises concurrent migrations of one PostgreSQL database.
_MIGRATION_LOCK = 0x6D66_6120_6D69_67


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate to ``revision`` in one transaction (PostgreSQL and SQLite alike).

    Two processes migrating a fresh database at once take turns: SQLite's
    ``BEGIN IMMEDIATE`` and a PostgreSQL transaction-level advisory lock make
    the second wait, then find the schema already at ``revision``.
    """
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def ensure_schema(engine: Engine) -> None:
    """Migrate a fresh or older database to head; a no-op when already there."""
    if not at_head(engine):
        upgrade(engine)
