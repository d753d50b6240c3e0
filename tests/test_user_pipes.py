"""A closed output pipe (``| head``) ends `query` and `export` quietly with exit 0, in
every format, through the real entry point in a shell pipeline."""

from __future__ import annotations

import sqlite3

import pytest

from tests.entry import entry_env, shell

ROWS = 20_000  # far more than a pipe buffer holds


@pytest.fixture(scope="module")
def big_archive(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    from tests.test_documents import store_sample

    path = tmp_path_factory.mktemp("pipes") / "archive.sqlite"
    store_sample(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:  # copies of the first document under new URLs
        columns = [row[1] for row in conn.execute("PRAGMA table_info(documents)")
                   if row[1] not in ("id", "url")]
        names = ", ".join(columns)
        sql = " ".join([  # our own column names
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i <",
            str(ROWS), ") INSERT INTO documents (url,", names, ")",
            "SELECT 'https://example.org/copy/' || i,", names,
            "FROM n, (SELECT * FROM documents ORDER BY id LIMIT 1)"])
        conn.execute(sql)
    return entry_env(MFA_ARCHIVE_DB=f"sqlite:///{path}")


COUNT = "select d.id, d.text from documents d"


@pytest.mark.parametrize("command", [
    "mfa-archive export documents | head -1",
    "mfa-archive export documents --format jsonl | head -1",
    "mfa-archive export documents -o /proc/self/fd/1 | head -1",
    f"mfa-archive query '{COUNT}' --limit 0 --format csv | head -1",
    f"mfa-archive query '{COUNT}' --limit 0 --format jsonl | head -1",
    f"mfa-archive query '{COUNT}' --limit 0 --format json | head -1",
    f"mfa-archive query '{COUNT}' --limit 0 | head -1",
])
def test_a_closed_pipe_ends_quietly_with_0(big_archive: dict[str, str], command: str) -> None:
    result = shell(command, env=big_archive, timeout=120)
    assert result.returncode == 0, result.stderr  # pipefail: mfa-archive's own exit code
    assert result.stderr == ""
    assert len(result.stdout.splitlines()) == 1
