"""The disk fills up under a SQLite crawl: one line and exit 1, the database still whole
(`PRAGMA integrity_check`), and a re-run after space is freed completes the archive
with every release once. The disk is a small tmpfs mounted for the test (root only)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.entry import run_entry
from tests.faults.harness import crawl, fault_server

pytestmark = pytest.mark.slow  # real crawls on a mounted filesystem

RELEASES = 40
LEFT_FREE = 60 * 1024  # bytes left on the disk when the crawl starts: a few releases


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mountpoint = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    mountpoint.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs",
                              str(mountpoint)], capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here: {mounted.stderr.decode().strip()}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], check=False)


def test_a_full_disk_fails_the_crawl_cleanly_and_a_rerun_completes(small_disk: Path) -> None:
    path = small_disk / "archive.sqlite"
    url = f"sqlite:///{path}"
    assert run_entry("db", "upgrade", "--db", url).returncode == 0
    stats = os.statvfs(small_disk)
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * (stats.f_bavail * stats.f_frsize - LEFT_FREE))

    with fault_server("--site", "az", "--limit", str(RELEASES)) as server:
        full = crawl("az", server.url, url)
        assert full.returncode == 1
        assert "Traceback" not in full.stderr
        lines = full.stderr.splitlines()
        assert len(lines) <= 2, full.stderr  # the pipeline's error and the summary
        assert lines[-1].startswith("az: failed (run 1): ")
        assert lines[-1].endswith("why: database: database or disk is full")
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]

        filler.unlink()  # space freed
        again = crawl("az", server.url, url)
        assert again.returncode == 0, again.stderr
        assert again.stderr.splitlines()[-1].startswith("az: completed (run 2): ")

    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        urls = [row[0] for row in conn.execute("SELECT url FROM documents")]
        assert len(urls) == len(set(urls)) == RELEASES
        statuses = dict(conn.execute("SELECT id, status FROM crawl_runs"))
        assert statuses[2] == "completed"
        # The failed run's own end is written if the disk still takes one row ("failed");
        # when it does not, the re-run marks it "interrupted". Never "running" or completed.
        assert statuses[1] in ("failed", "interrupted")
