"""docs/schema.md documents every table, view and column of the migrated schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from crawler.browse import CODEBOOK, CodebookEntry, metadata, read_codebook
from db.migrate import upgrade
from db.search_schema import is_fts5_shadow
from db.session import make_engine


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, list[str]]]:
    """``{name: ("table" | "view", [columns])}`` of a SQLite archive migrated to head."""
    path = tmp_path_factory.mktemp("codebook") / "archive.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    insp = inspect(engine)
    # FTS5 keeps each search table's index in shadow tables: SQLite's storage, not data.
    found = {name: ("table", [c["name"] for c in insp.get_columns(name)])
             for name in insp.get_table_names() if not is_fts5_shadow(name)}
    found |= {name: ("view", [c["name"] for c in insp.get_columns(name)])
              for name in insp.get_view_names()}
    engine.dispose()
    return found


@pytest.fixture(scope="module")
def codebook() -> dict[str, CodebookEntry]:
    return read_codebook(CODEBOOK)


def test_every_table_and_view_has_an_entry(
    schema: dict[str, tuple[str, list[str]]], codebook: dict[str, CodebookEntry]
) -> None:
    missing = sorted(set(schema) - set(codebook))
    assert not missing, f"docs/schema.md has no section for: {', '.join(missing)}"
    stale = sorted(set(codebook) - set(schema))
    assert not stale, f"docs/schema.md documents what the schema lacks: {', '.join(stale)}"
    for name, (kind, _) in schema.items():
        assert codebook[name].kind == kind, f"{name} is a {kind}"
        assert codebook[name].description, f"{name} has no description"


def test_every_column_has_an_entry(
    schema: dict[str, tuple[str, list[str]]], codebook: dict[str, CodebookEntry]
) -> None:
    problems = []
    for name, (_, columns) in sorted(schema.items()):
        documented = codebook[name].columns
        problems += [f"{name}.{c}: no entry" for c in columns if c not in documented]
        problems += [f"{name}.{c}: not in the schema" for c in documented if c not in columns]
        for column, (kind, meaning, example) in documented.items():
            for field, value in (("type", kind), ("meaning", meaning), ("example", example)):
                if not value:
                    problems.append(f"{name}.{column}: empty {field}")
    assert not problems, "docs/schema.md:\n" + "\n".join(problems)


def test_columns_are_listed_in_schema_order(
    schema: dict[str, tuple[str, list[str]]], codebook: dict[str, CodebookEntry]
) -> None:
    for name, (_, columns) in schema.items():
        assert list(codebook[name].columns) == columns, name


def test_the_parser_sees_a_missing_column(tmp_path: Path) -> None:
    broken = tmp_path / "schema.md"
    broken.write_text(CODEBOOK.read_text(encoding="utf-8").replace(
        "| `verb` | varchar(100) | The reporting verb phrase as written (inflection, spelling and auxiliaries kept). "
        "| `was emphasised` |\n", "", 1),
        encoding="utf-8")
    assert "verb" in read_codebook(CODEBOOK)["statements"].columns
    assert "verb" not in read_codebook(broken)["statements"].columns


def test_datasette_metadata_carries_the_codebook(codebook: dict[str, CodebookEntry]) -> None:
    meta = metadata("archive", codebook)
    tables = meta["databases"]["archive"]["tables"]
    assert set(tables) == set(codebook)
    assert tables["meeting_dyads"]["columns"]["country_a"].startswith("The alphabetically")
    assert set(meta["databases"]["archive"]["queries"]) == {
        "meetings_between", "statements_by_person", "meetings_per_month",
        "encounters_reported_by"}
