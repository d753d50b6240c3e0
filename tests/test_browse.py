"""``mfa-archive browse``: Datasette on 127.0.0.1, immutable, with the canned queries."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from db import sqlite_files
from tests.conftest import ROOT, run_cli
from tests.test_documents import store_sample

datasette = pytest.importorskip("datasette")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``mfa-archive browse`` on a sample archive and a free port, until it answers."""
    path = tmp_path / "archive.sqlite"
    store_sample(f"sqlite:///{path}")
    port = free_port()
    log = tmp_path / "browse.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "browse", "--port", str(port),
             "--db", f"sqlite:///{path}"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:  # poll until it answers; never a blind sleep
        if proc.poll() is not None:
            raise AssertionError(f"browse exited: {log.read_text()!r}")
        try:
            fetch(f"{base}/-/versions.json")
            break
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.1)
    yield base, proc
    if proc.poll() is None:
        proc.terminate()  # browse forwards SIGTERM to Datasette
        proc.wait(timeout=20)
    try:
        os.killpg(proc.pid, 0)
    except ProcessLookupError:
        pass
    else:  # pragma: no cover - Datasette outlived browse
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError("Datasette kept running after browse stopped")


def test_canned_query_json(served: tuple[str, subprocess.Popen[bytes]]) -> None:
    base, _ = served
    rows = fetch(f"{base}/archive/meetings_between.json?a=by&b=az&_shape=array")
    assert [(r["country_a"], r["country_b"], r["date"], r["url"]) for r in rows] == [
        ("AZ", "BY", "2020-12-04", "https://example.org/1")]
    rows = fetch(f"{base}/archive/statements_by_person.json?person=Bayramov&_shape=array")
    assert [r["text"] for r in rows] == ["Line one"]
    rows = fetch(f"{base}/archive/meetings_per_month.json?source=AZ&_shape=array")
    assert rows == [{"month": "2020-12", "meetings": 1}]


def test_served_read_only_with_the_codebook(served: tuple[str, subprocess.Popen[bytes]]) -> None:
    base, _ = served
    databases = fetch(f"{base}/-/databases.json")
    assert [(d["name"], d["is_mutable"]) for d in databases] == [("archive", False)]
    meta = fetch(f"{base}/-/metadata.json")
    tables = meta["databases"]["archive"]["tables"]
    assert tables["statement_facts"]["columns"]["speaker_country"].startswith("The country")
    rows = fetch(f"{base}/archive.json?sql=select+count(*)+as+n+from+documents&_shape=array")
    assert rows == [{"n": 2}]


def test_write_ahead_log_is_checkpointed_before_serving(tmp_path: Path) -> None:
    """Immutable mode skips the WAL: browse first moves it into the database file."""
    path = tmp_path / "archive.sqlite"
    store_sample(f"sqlite:///{path}")
    writer = sqlite3.connect(path)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("UPDATE documents SET title = 'in the log'")
    writer.commit()
    assert path.with_name("archive.sqlite-wal").stat().st_size > 0
    assert sqlite_files.checkpoint(path)
    immutable = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    assert immutable.execute("select distinct title from documents").fetchall() == [
        ("in the log",)]
    immutable.close()
    writer.close()


def test_refuses_postgresql_and_missing_archives(tmp_path: Path) -> None:
    result = run_cli("browse", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/x", timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Error: browse serves SQLite archives only (Datasette cannot read PostgreSQL); "
        "use `mfa-archive query` or `export` instead")
    result = run_cli("browse", "--db", f"sqlite:///{tmp_path / 'none.sqlite'}", timeout=60)
    assert result.returncode == 1 and "no archive at" in result.stderr
    assert "Traceback" not in result.stderr
