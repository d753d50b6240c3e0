"""The Store pipeline's write batches: URL order, retried deadlocks, honest counts."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from crawler.extensions import RunState
from crawler.pipelines import Store
from db.runs import RunCounts


class _Orig(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _store(fail_with: list[str]) -> tuple[Store, list[list[Any]]]:
    store = Store.__new__(Store)
    store.archive_run = SimpleNamespace(state=RunState(  # type: ignore[assignment]
        source_id=1, run_id=1, sessions=object(), counts=RunCounts()))  # type: ignore[arg-type]
    store.people = {}
    calls: list[list[Any]] = []

    def write_once(items: list[Any], *, careful: bool) -> tuple[list[str | None],
                                                               list[BaseException | None]]:
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
    assert store.run.counts.releases_new == 2  # counted once, after the commit that held


def test_other_database_errors_are_not_retried() -> None:
    store, calls = _store(["08006"])  # connection failure
    with pytest.raises(OperationalError):
        store._write_batch([SimpleNamespace(url="https://x/a")])
    assert len(calls) == 1
    assert store.run.counts.releases_new == 0


def test_a_failing_release_is_rolled_back_alone_and_the_person_cache_stays_true(
        db_url: str) -> None:
    """A batch whose middle release cannot be stored: the others land whole, with their
    participants; person ids cached by the rolled-back attempt are not reused (on
    PostgreSQL a rolled-back id is never handed out again, so a stale one breaks the
    foreign key)."""
    import dataclasses
    import datetime as dt

    from sqlalchemy import func, select
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm import Session

    from crawler.items import ReleaseItem
    from crawler.release import FetchedPage
    from db import runs
    from db.migrate import upgrade
    from db.models import Document, Participant, Person
    from db.session import make_engine, make_sessionmaker
    from tests.test_documents import RECORDS, P, release

    engine = make_engine(db_url)
    upgrade(engine)
    store = Store.__new__(Store)
    sessions = make_sessionmaker(engine)
    store.people = {}
    with sessions.begin() as s:
        source_id = runs.ensure_source(s, key="az", country="AZ", ministry="MFA",
                                       listing_url="https://mfa.gov.az/en/news")
        run_id = runs.start_run(s, source_id=source_id, base_url=None,
                                mode="full", pid=1)
    store.archive_run = SimpleNamespace(state=RunState(  # type: ignore[assignment]
        source_id=source_id, run_id=run_id, sessions=sessions))

    def item(url: str, newcomer: str, **changes: Any) -> ReleaseItem:
        meeting = dataclasses.replace(RECORDS.meetings[0], participants=(
            *RECORDS.meetings[0].participants, P(newcomer, "Ambassador", "FR")))
        records = dataclasses.replace(RECORDS, meetings=(meeting,))
        extracted = dataclasses.replace(release(url=url, records=records), **changes)
        page = FetchedPage(url=url, body=b"<html></html>", encoding="utf-8", status=200,
                           fetched_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        return ReleaseItem(source="az", page=page, extracted=extracted)

    items = [item("https://mfa.gov.az/en/news/1", "Anne Dupont"),
             item("https://mfa.gov.az/en/news/2", "Paul Martin", http_status=None),  # NOT NULL
             item("https://mfa.gov.az/en/news/3", "Marie Curie")]
    errors = store._write_batch(items)
    assert errors[0] is None and errors[2] is None
    assert isinstance(errors[1], IntegrityError)
    assert store.run.counts.releases_new == 2
    with Session(engine) as s:
        assert s.scalars(select(Document.url).order_by(Document.url)).all() == [
            "https://mfa.gov.az/en/news/1", "https://mfa.gov.az/en/news/3"]
        assert s.scalar(select(func.count()).select_from(Participant)) == 6
        names = set(s.scalars(select(Person.name)))
        assert {"Anne Dupont", "Marie Curie"} <= names and "Paul Martin" not in names
        cached = dict(s.execute(select(Person.name_key, Person.id)).all())
    assert all(cached.get(key) == pid for key, pid in store.people.items())
    # A later batch served from the cache stores its participants under the right persons.
    assert store._write_batch([item("https://mfa.gov.az/en/news/4", "Anne Dupont")]) == [None]
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Participant)) == 9
    engine.dispose()
