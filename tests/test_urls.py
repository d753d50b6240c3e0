"""db.urls: the one parser of database URLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from db import urls
from db.errors import ArchiveDatabaseError


def test_sqlite_files_memory_and_servers(tmp_path: Path) -> None:
    path = tmp_path / "a b?c.sqlite"
    url = urls.sqlite_url(path)
    assert urls.parse(url).database == str(path)  # escaped, so '?' stays in the name
    assert urls.sqlite_file(url) == path
    assert urls.missing_sqlite_file(url) == str(path)
    assert not urls.archive_exists(url)
    path.write_bytes(b"")
    assert urls.missing_sqlite_file(url) is None
    assert urls.archive_exists(url)
    for memory in ("sqlite://", "sqlite:///:memory:"):
        assert urls.is_sqlite(memory)
        assert urls.sqlite_database(memory) is None
        assert urls.missing_sqlite_file(memory) is None
        assert not urls.archive_exists(memory)
    uri = "sqlite:///file:/x/a.sqlite?mode=ro&uri=true"
    assert urls.sqlite_database(uri) == "file:/x/a.sqlite"
    assert urls.sqlite_file(uri) is None
    assert urls.has_options(uri)
    server = "postgresql://u:secret@127.0.0.1/archive"
    assert urls.dialect(server) == "postgresql"
    assert urls.with_driver(server).drivername == "postgresql+psycopg"
    assert urls.sqlite_database(server) is None
    assert urls.archive_exists(server)
    assert "secret" not in urls.redact(server)


def test_immutable_and_read_only() -> None:
    assert urls.is_immutable("sqlite:///file:/x/a.sqlite?immutable=1&uri=true")
    assert not urls.is_immutable("sqlite:////x/a.sqlite")
    read_only = urls.read_only_sqlite(urls.parse("sqlite:////x/a.sqlite"))
    assert read_only.database == "file:/x/a.sqlite?mode=ro"
    assert read_only.query["uri"] == "true"
    assert urls.read_only_sqlite(urls.parse("sqlite://")).database is None


def test_a_bad_url_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ArchiveDatabaseError, match="not a database URL: 'nonsense'"):
        urls.parse("nonsense")
    assert urls.redact("nonsense") == "<unparseable database URL>"
    monkeypatch.setenv(urls.ENV_VAR, "sqlite:///env.sqlite")
    assert urls.database_url(None) == "sqlite:///env.sqlite"
    assert urls.database_url("sqlite:///given.sqlite") == "sqlite:///given.sqlite"
    monkeypatch.delenv(urls.ENV_VAR)
    assert urls.database_url() == urls.DEFAULT_URL
