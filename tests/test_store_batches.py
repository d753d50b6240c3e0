"""The Store pipeline's write batches: URL order, retried deadlocks, honest counts."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from crawler.pipelines import Store
from db.repository import RunCounts


class _Orig(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _store(fail_with: list[str]) -> tuple[Store, list[list[Any]]]:
    store = Store.__new__(Store)
    store.sessions = object()  # type: ignore[assignment]
    store.run_id = 1
    store.db_error = None
    store.counts = RunCounts()
    store.listing_failures = 0
    calls: list[list[Any]] = []

    def write_once(items: list[Any]) -> tuple[list[str | None], list[BaseException | None]]:
        calls.append(list(items))
        if fail_with:
            raise OperationalError("COMMIT", {}, _Orig(fail_with.pop(0)))
        return ["new"] * len(items), [None] * len(items)

    store._write_once = write_once  # type: ignore[method-assign]
    return store, calls


def test_a_deadlocked_batch_is_retried_whole_in_url_order() -> None:
    store, calls = _store(["40P01"])
    errors = store._write_batch([SimpleNamespace(url="https://x/b"),
                                 SimpleNamespace(url="https://x/a")])
    assert errors == [None, None]
    assert len(calls) == 2
    assert [i.url for i in calls[0]] == ["https://x/a", "https://x/b"]
    assert store.counts.releases_new == 2  # counted once, after the commit that held


def test_other_database_errors_are_not_retried() -> None:
    store, calls = _store(["08006"])  # connection failure
    with pytest.raises(OperationalError):
        store._write_batch([SimpleNamespace(url="https://x/a")])
    assert len(calls) == 1
    assert store.counts.releases_new == 0
