"""A crawl's SQLite lock file is gone once the crawl lets go (no `*.lock` left next to
the archive, as demo/ had), and the lock still excludes a second holder."""

from __future__ import annotations

from pathlib import Path

from db.locks import source_lock
from db.migrate import upgrade
from db.session import make_engine


def test_the_lock_file_goes_with_the_lock(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'archive.sqlite'}")
    upgrade(engine)
    first, second = source_lock(engine, "az"), source_lock(engine, "az")
    try:
        assert first.acquire()
        assert first.path is not None and first.path.exists()
        assert not second.acquire()  # held: the second one does not start
        first.release()
        assert not first.path.exists()
        assert second.acquire()  # free again, on a new file
        assert first.path.exists()
        assert not first.acquire()
    finally:
        second.release()
        first.release()
        engine.dispose()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive.sqlite"]


def test_a_holder_of_a_removed_file_does_not_share_the_lock(tmp_path: Path) -> None:
    """One who opened the file just before it was removed locks the path's new file."""
    import fcntl

    engine = make_engine(f"sqlite:///{tmp_path / 'archive.sqlite'}")
    upgrade(engine)
    lock = source_lock(engine, "az")
    assert lock.path is not None
    stale = open(lock.path, "a+")  # noqa: SIM115 - opened, then the file is removed
    lock.path.unlink()
    fcntl.flock(stale.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # a lock on nothing
    try:
        assert lock.acquire()  # the stale file's lock does not count
        assert lock.path.exists()
    finally:
        lock.release()
        stale.close()
        engine.dispose()
