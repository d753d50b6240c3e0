"""What a user's processes do at the edges: children die with a killed crawl, and the
current directory never shadows the standard library (through the real entry point)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.entry import ENTRY, entry_env, run_entry
from tests.faults.harness import QUICK, fault_server, stored_count, wait_until

pytestmark = pytest.mark.slow  # real crawls and process pools


def _descendants(pid: int) -> dict[int, str]:
    """Every process below ``pid``: {pid: its start time in clock ticks} (to tell reuse)."""
    children: dict[int, list[int]] = {}
    started: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        started[int(entry)] = fields[19]
    found: dict[int, str] = {}
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found[child] = started[child]
            todo.append(child)
    return found


def _still_running(processes: dict[int, str]) -> list[int]:
    alive = []
    for pid, start in processes.items():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[19] == start and fields[0] != "Z":
            alive.append(pid)
    return alive


def test_kill_9_of_a_crawl_leaves_no_worker_forkserver_or_tracker(tmp_path: Path) -> None:
    import subprocess

    db_url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    with fault_server("--site", "az", "--delay", "0.3", "--limit", "20") as server:
        args = [str(ENTRY), "crawl", "az", "--base-url", server.url, "--db", db_url,
                *QUICK, "-s", "ARCHIVE_EXTRACT_WORKERS=2"]  # the last -s wins
        env = entry_env(SCRAPY_SETTINGS_MODULE="tests.faults.settings")
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=env, cwd=tmp_path)
        try:
            wait_until(lambda: stored_count(db_url) >= 2 or proc.poll() is not None,
                       timeout=120, what="two stored releases")
            assert proc.poll() is None
            children = _descendants(proc.pid)
            # The resource tracker, the forkserver and its two workers.
            assert len(children) >= 4, children
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while _still_running(children) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = _still_running(children)
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        assert not left, f"children of the killed crawl still running: {left}"


def test_reextract_ignores_a_stray_module_in_the_current_directory(tmp_path: Path) -> None:
    from tests.test_documents import store_sample

    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    store_sample(url)
    (tmp_path / "inspect.py").write_text('raise SystemExit("the stray inspect.py ran")\n')
    result = run_entry("reextract", "--text", "--db", url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "stray" not in result.stderr
    assert "documents re-extracted" in result.stderr


def test_a_second_concurrent_crawl_is_locked_out_cleanly(tmp_path: Path) -> None:
    """Exit 5 and one line: no warning (no "coroutine ... was never awaited")."""
    import subprocess

    db_url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    env = entry_env(MFA_ARCHIVE_CONTACT="mailto:archive-tests@example.org")
    with fault_server("--site", "az", "--delay", "0.05", "--limit", "20") as server:
        server.set(gate="3")  # the first crawl holds its lock until the gate opens
        args = [str(ENTRY), "crawl", "az", "--base-url", server.url, "--db", db_url,
                "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]
        first = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 text=True, env=env, cwd=tmp_path)
        try:
            wait_until(lambda: stored_count(db_url) >= 1 or first.poll() is not None,
                       timeout=120, what="the first crawl's first release")
            second = run_entry(*args[1:], env=env, cwd=tmp_path)
        finally:
            server.set(gate="off")
            _, first_err = first.communicate(timeout=120)
        assert second.returncode == 5, second.stderr
        assert "never awaited" not in second.stderr and "Warning" not in second.stderr
        assert second.stderr.splitlines()[-1] == (
            "az: locked: another crawl of az is running, this one did not start")
        assert first.returncode == 0, first_err
        assert "never awaited" not in first_err
