"""Writer threads of one SQLite file in one process take turns instead of racing the busy handler."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import text

from db.session import WriterTurns, make_engine

THREADS = 16
WRITES = 5
HOLD_S = 0.02  # each transaction keeps the write lock this long: far beyond the busy timeout below


def _hammer(path: Path, busy_timeout_ms: int) -> list[BaseException]:
    engine = make_engine(f"sqlite:///{path}", busy_timeout_ms=busy_timeout_ms, pool_size=THREADS)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS t (thread INTEGER, n INTEGER)"))
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def writer(i: int) -> None:
        start.wait()
        for n in range(WRITES):
            try:
                with engine.begin() as conn:
                    conn.execute(text("INSERT INTO t VALUES (:i, :n)"), {"i": i, "n": n})
                    time.sleep(HOLD_S)  # work inside the transaction, not a wait for a server
            except BaseException as exc:  # noqa: BLE001 - collected for the assertion
                errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT count(*) FROM t")).scalar_one()
    engine.dispose()
    assert rows == THREADS * WRITES - len(errors)
    return errors


def test_many_writer_threads_never_time_out_on_each_other(tmp_path: Path) -> None:
    # 16 threads, each holding the lock 20 ms, with a busy timeout of 50 ms: racing SQLite's
    # busy handler most of them would fail with "database is locked"; taking turns none does.
    assert _hammer(tmp_path / "a.sqlite", busy_timeout_ms=50) == []


def test_two_engines_of_one_file_share_the_turns(tmp_path: Path) -> None:
    assert WriterTurns.of(str(tmp_path / "x.sqlite")) is WriterTurns.of(
        str(tmp_path / "." / "x.sqlite"))
    assert WriterTurns.of(str(tmp_path / "x.sqlite")) is not WriterTurns.of(str(tmp_path / "y"))


def test_a_thread_holding_the_turn_is_not_made_to_wait_for_itself(tmp_path: Path) -> None:
    path = tmp_path / "b.sqlite"
    engine = make_engine(f"sqlite:///{path}", busy_timeout_ms=50)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    with engine.begin() as outer:
        outer.execute(text("INSERT INTO t VALUES (1)"))
        other = make_engine(f"sqlite:///{path}", busy_timeout_ms=50)
        try:
            with other.begin():  # SQLite refuses it after its busy timeout, as before: no hang
                pass
        except Exception as exc:  # noqa: BLE001
            assert "locked" in str(exc)
        else:
            raise AssertionError("a second write transaction of one thread was let in")
        finally:
            other.dispose()
    with engine.begin() as conn:  # the turn was given back after the failure
        assert conn.execute(text("SELECT count(*) FROM t")).scalar_one() == 1
    engine.dispose()


def test_a_forked_child_does_not_inherit_a_parent_thread_s_turn(tmp_path: Path) -> None:
    import os

    path = tmp_path / "c.sqlite"
    engine = make_engine(f"sqlite:///{path}", busy_timeout_ms=50)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    turns = WriterTurns.of(str(path))
    assert turns.take(1.0)  # a thread of the parent is writing as the fork happens
    try:
        pid = os.fork()
        if pid == 0:  # the child: its own engine, its own turns
            code = 1
            try:
                child = make_engine(f"sqlite:///{path}", busy_timeout_ms=5_000)
                with child.begin() as conn:
                    conn.execute(text("INSERT INTO t VALUES (1)"))
                child.dispose()
                code = 0
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
    finally:
        turns.give_back()
    assert os.waitstatus_to_exitcode(status) == 0
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar_one() == 1
    engine.dispose()
