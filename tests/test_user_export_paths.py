"""`export -o PATH` writes through what is at PATH: only a regular file (or a new path)
is replaced atomically; a symlink is followed, a FIFO, a device or stdout get the rows
streamed into them and stay what they are (through the real entry point)."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from tests.entry import entry_env, run_entry


@pytest.fixture
def archive(tmp_path: Path) -> dict[str, str]:
    from tests.test_documents import store_sample

    url = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    store_sample(url)
    return entry_env(MFA_ARCHIVE_DB=url)


def test_a_symlink_is_written_through(tmp_path: Path, archive: dict[str, str]) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    result = run_entry("export", "documents", "-o", str(link), env=archive)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and link.resolve() == real
    assert real.read_text(encoding="utf-8").startswith("document_id,")


def test_a_new_file_and_a_regular_file_are_replaced(tmp_path: Path,
                                                   archive: dict[str, str]) -> None:
    out = tmp_path / "new" / "documents.csv"
    assert run_entry("export", "documents", "-o", str(out), env=archive).returncode == 0
    first = out.stat().st_ino
    assert run_entry("export", "documents", "-o", str(out), env=archive).returncode == 0
    assert out.stat().st_ino != first  # a new file renamed over the old one
    assert [p.name for p in out.parent.iterdir()] == ["documents.csv"]


def test_a_fifo_gets_the_rows_and_stays_a_fifo(tmp_path: Path, archive: dict[str, str]) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run_entry("export", "documents", "-o", str(fifo), env=archive, timeout=60)
    reader.join(timeout=30)
    assert result.returncode == 0, result.stderr
    assert received and received[0].startswith(b"document_id,")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_link_to_stdout_streams_to_stdout(tmp_path: Path, archive: dict[str, str]) -> None:
    link = tmp_path / "stdout"  # what /dev/stdout is, without touching /dev
    link.symlink_to("/proc/self/fd/1")
    result = run_entry("export", "documents", "-o", str(link), env=archive)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("document_id,")
    assert link.is_symlink()


def test_a_full_device_fails_with_one_line_and_stays_a_device(
        tmp_path: Path, archive: dict[str, str]) -> None:
    full = tmp_path / "full"  # a node like /dev/full, without touching /dev
    try:
        os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except PermissionError:
        pytest.skip("cannot make a device node here (not root)")
    result = run_entry("export", "documents", "-o", str(full), env=archive)
    assert result.returncode == 1
    assert result.stderr.strip() == f"Error: cannot write {full}: No space left on device"
    assert stat.S_ISCHR(full.lstat().st_mode)
