"""What a crawl prints: Scrapy's log at WARNING unless asked (-v, -L, --logfile), one
summary line per source saying why a run did not complete, and on a terminal a
progress line (queued, stored, failed, rate). Through the real entry point."""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path

import pytest

from tests.entry import ENTRY, entry_env, run_entry

pytestmark = pytest.mark.slow  # real crawls of the mirror

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]
CONTACT = {"MFA_ARCHIVE_CONTACT": "mailto:archive-tests@example.org"}


def test_a_quiet_crawl_prints_only_its_summary(tmp_path: Path,
                                               mirror: dict[str, str]) -> None:
    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    result = run_entry("crawl", "az", "--base-url", mirror["az"], "--db", db, *FAST,
                       env=entry_env(**CONTACT))
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("az: completed (run 1): ")


def test_verbose_and_logfile_bring_scrapy_s_log_back(tmp_path: Path,
                                                     mirror: dict[str, str]) -> None:
    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    verbose = run_entry("crawl", "az", "--base-url", mirror["az"], "--db", db, *FAST, "-v",
                        env=entry_env(**CONTACT))
    assert verbose.returncode == 0, verbose.stderr
    assert "[scrapy.core.engine] INFO: Spider opened" in verbose.stderr
    log = tmp_path / "crawl.log"
    logged = run_entry("crawl", "az", "--base-url", mirror["az"], "--db", db, *FAST,
                       "--logfile", str(log), env=entry_env(**CONTACT))
    assert logged.returncode == 0, logged.stderr
    assert len(logged.stderr.splitlines()) == 1, logged.stderr
    assert "INFO: Spider closed (finished)" in log.read_text()


def test_a_terminal_gets_a_progress_line(tmp_path: Path, mirror: dict[str, str]) -> None:
    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    controller, terminal = pty.openpty()
    proc = subprocess.Popen([str(ENTRY), "crawl", "az", "--base-url", mirror["az"],
                             "--db", db, *FAST], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=terminal,
                            env=entry_env(**CONTACT))
    os.close(terminal)
    seen = b""
    while True:  # until the crawl closes the terminal (EIO on Linux)
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(controller)
    assert proc.wait(timeout=120) == 0, seen
    text = seen.decode()
    assert "\rcrawling az: " in text
    assert " queued, " in text and " stored, " in text and " failed, " in text
    assert "releases/s" in text
    assert text.rstrip().splitlines()[-1].lstrip(" \r").startswith("az: completed (run 1)")


def test_an_unreachable_site_s_summary_says_why(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    result = run_entry("crawl", "az", "--base-url", "http://127.0.0.1:9", "--db", db,
                       "-s", "RETRY_TIMES=0", env=entry_env(**CONTACT))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    summary = result.stderr.splitlines()[-1]
    assert summary.startswith("az: failed (run 1): ")
    assert summary.endswith("why: robots_unavailable: robots.txt unreachable: "
                            "DownloadConnectionRefusedError (http://127.0.0.1:9/en/news?page=1)")
