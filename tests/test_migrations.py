"""Migrations are the only schema path: up, down, up again, and no drift from the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from db import migrate
from db.migrate import alembic_config, current_revision, downgrade, head_revision, upgrade
from db.models import Base
from db.session import make_engine


def test_single_head() -> None:
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_upgrade_downgrade_upgrade_and_no_drift(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert set(Base.metadata.tables).isdisjoint(inspect(engine).get_table_names())
    upgrade(engine)
    cfg = alembic_config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.check(cfg)  # raises if the models and the migrated schema differ
    engine.dispose()


def test_every_step_goes_down_and_up(db_url: str) -> None:
    engine = make_engine(db_url)
    script = ScriptDirectory.from_config(alembic_config())
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    for revision in revisions:
        upgrade(engine, revision)
        assert current_revision(engine) == revision
    for revision in reversed(revisions):
        downgrade(engine, "-1")
        assert current_revision(engine) != revision
    engine.dispose()


def test_sqlite_connection_settings(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
    engine.dispose()


def test_the_head_is_read_from_the_scripts_as_alembic_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert migrate.scripted_head() == head_revision()
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "__init__.py").write_text("")
    (versions / "a.py").write_text('revision: str = "a"\ndown_revision = None\n')
    (versions / "b.py").write_text('revision = "b"\ndown_revision: str | None = "a"\n')
    monkeypatch.setattr(migrate, "_VERSIONS", versions)
    for files, head in (
        ({}, "b"),
        ({"c.py": 'revision = "c"\ndown_revision = "a"\n'}, None),  # two heads: alembic's
        ({"c.py": 'revision = "c"\ndown_revision = ("a", "b")\n'}, "c"),  # a merge
        ({"c.py": 'revision = NAME\ndown_revision = "b"\n'}, None),  # not a literal
        ({"c.py": 'revision = "c"\ndown_revision = "x"\n'}, None),  # an unknown parent
    ):
        for name, source in files.items():
            (versions / name).write_text(source)
        migrate.scripted_head.cache_clear()
        assert migrate.scripted_head() == head, files
        for name in files:
            (versions / name).unlink()
    migrate.scripted_head.cache_clear()


def test_at_head(db_url: str) -> None:
    engine = make_engine(db_url)
    assert not migrate.at_head(engine)  # no alembic_version table
    script = ScriptDirectory.from_config(alembic_config())
    first = next(r.revision for r in script.walk_revisions() if r.down_revision is None)
    upgrade(engine, first)
    assert not migrate.at_head(engine)
    upgrade(engine)
    assert migrate.at_head(engine)
    engine.dispose()
