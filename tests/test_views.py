"""The analysis views: same names and columns on SQLite and PostgreSQL, right rows, indexed."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, text

from db.documents import store_release
from db.migrate import upgrade
from db.queries import VIEW_COLUMNS
from db.runs import ensure_source, start_run
from db.session import make_engine, make_sessionmaker
from tests.test_documents import M, P, R, S, release

THREE_COUNTRIES = R(
    meetings=(
        M(dt.date(2021, 5, 6), "talks", "Minsk", (
            P("Jeyhun Bayramov", "Minister of Foreign Affairs", "AZ", role="host"),
            P("Sergei Aleinik", "Minister of Foreign Affairs of Belarus", "BY"),
            P("Jean Dupont", "Ambassador of France", "FR"),
            P("Rashad Aliyev", "Deputy Minister", "AZ"),  # a second AZ: still one dyad per pair
            P("Helga Schmid", "Secretary General of the OSCE", None, organisation="OSCE"),
        )),
        M(None, "phone_call", None, (P("Jeyhun Bayramov", "Minister", "AZ"),)),  # no dyad
    ),
    statements=(
        S("Sergei Aleinik", "stressed", "Aleinik stressed", 0, 10, 0),
        S(None, "agreed", "The sides agreed", 11, 20, 0),
        S("Someone Else", "said", "Said without a meeting", 21, 30, None),
    ),
)


@pytest.fixture
def url(db_url: str) -> str:
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as s:
        source = ensure_source(s, key="az", country="AZ", ministry="MFA",
                               listing_url="https://mfa.gov.az/en/news")
        run = start_run(s, source_id=source, base_url=None)
        store_release(s, source_id=source, run_id=run, release=release())
        store_release(s, source_id=source, run_id=run, release=release(
            "https://example.org/3", "Three countries", THREE_COUNTRIES, "Talks"))
    engine.dispose()
    return db_url


def rows(url: str, sql: str, **params: object) -> list[dict[str, object]]:
    engine = make_engine(url, read_only=True)
    try:
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def iso(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def test_views_have_the_documented_columns(url: str) -> None:
    engine = make_engine(url, read_only=True)
    try:
        insp = inspect(engine)
        assert set(VIEW_COLUMNS) <= set(insp.get_view_names())
        for view, columns in VIEW_COLUMNS.items():
            assert [c["name"] for c in insp.get_columns(view)] == list(columns)
    finally:
        engine.dispose()


def test_meeting_participants(url: str) -> None:
    got = rows(url, "select * from meeting_participants order by meeting_id, ordinal")
    assert [(r["person"], r["country"], r["role"], r["meeting_kind"], iso(r["date"]))
            for r in got] == [
        ("Jeyhun Bayramov", "AZ", "host", "meeting", "2020-12-04"),
        ("Gennady Akhramovich", "BY", "guest", "meeting", "2020-12-04"),
        ("Jeyhun Bayramov", "AZ", "host", "talks", "2021-05-06"),
        ("Sergei Aleinik", "BY", None, "talks", "2021-05-06"),
        ("Jean Dupont", "FR", None, "talks", "2021-05-06"),
        ("Rashad Aliyev", "AZ", None, "talks", "2021-05-06"),
        ("Helga Schmid", None, None, "talks", "2021-05-06"),
        ("Jeyhun Bayramov", "AZ", None, "phone_call", None),
    ]
    assert {r["source"] for r in got} == {"az"}
    assert got[0]["url"] == "https://example.org/1"
    assert got[0]["title"] == "Minister of Foreign Affairs"
    assert got[6]["organisation"] == "OSCE"
    assert got[0]["person_key"] == "jeyhun bayramov"
    assert len({r["participant_id"] for r in got}) == len(got)


def test_meeting_dyads(url: str) -> None:
    got = rows(url, "select * from meeting_dyads order by meeting_id, country_a, country_b")
    assert [(iso(r["date"]), r["country_a"], r["country_b"], r["meeting_kind"])
            for r in got] == [
        ("2020-12-04", "AZ", "BY", "meeting"),
        ("2021-05-06", "AZ", "BY", "talks"),
        ("2021-05-06", "AZ", "FR", "talks"),
        ("2021-05-06", "BY", "FR", "talks"),
    ]
    between = rows(url, "select meeting_id from meeting_dyads where "
                   "(country_a = :a and country_b = :b) or (country_a = :b and country_b = :a)",
                   a="BY", b="AZ")
    assert len(between) == 2


def test_statement_facts(url: str) -> None:
    got = rows(url, "select * from statement_facts order by statement_id")
    assert [(r["speaker"], r["speaker_country"], r["meeting_kind"], iso(r["date"]))
            for r in got] == [
        ("Jeyhun Bayramov", "AZ", "meeting", "2020-12-04"),
        ("Gennady Akhramovich", "BY", "meeting", "2020-12-04"),
        ("Sergei Aleinik", "BY", "talks", "2021-05-06"),
        (None, None, "talks", "2021-05-06"),
        ("Someone Else", None, None, "2020-12-04"),  # no meeting: the release's date
    ]
    assert got[0]["text"] == "Line one" and got[0]["verb"] == "thanked"
    assert got[4]["meeting_id"] is None


@pytest.mark.parametrize(("where", "index"), [
    ("country = 'BY'", "ix_participants_country"),
    ("person = 'Jean Dupont'", "ix_persons_name"),
])
def test_the_participant_view_uses_an_index(url: str, where: str, index: str) -> None:
    sql = f"SELECT * FROM meeting_participants WHERE {where}"  # noqa: S608
    engine = make_engine(url, read_only=True)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                plan = [r[3] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
                assert any(index in line for line in plan), plan
                assert not [line for line in plan if line.startswith("SCAN")], plan
            else:
                conn.exec_driver_sql("SET enable_seqscan = off")  # tiny tables: force the choice
                plan = [r[0] for r in conn.exec_driver_sql(f"EXPLAIN {sql}")]
                assert any(index in line for line in plan), plan
    finally:
        engine.dispose()
