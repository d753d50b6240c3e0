"""Migration scale_indexes: meeting_country_pairs follows every write to participants, the
dyads and a person's statements keep their rows and use the new indexes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, text

from db.documents import store_release
from db.migrate import downgrade, upgrade
from db.queries import CANNED_QUERIES
from db.runs import ensure_source, start_run
from db.session import make_engine, make_sessionmaker
from tests.test_documents import M, P, R, S, release
from tests.test_views import THREE_COUNTRIES

# What meeting_dyads was before scale_indexes: the reference the summary table must match.
SELF_JOIN = """
SELECT DISTINCT a.meeting_id, a.country AS country_a, b.country AS country_b
FROM participants a
JOIN participants b ON b.meeting_id = a.meeting_id AND b.country > a.country
WHERE a.country IS NOT NULL
"""
PAIRS = "SELECT meeting_id, country_a, country_b FROM meeting_country_pairs"
OTHER = R(
    meetings=(M(dt.date(2021, 5, 7), "meeting", None, (
        P("Jeyhun Bayramov", "Minister of Foreign Affairs", "AZ"),
        P("Jean Dupont", "Ambassador of France", "FR"),
        P("Ivan Petrov", "Minister", "RU"),
    )),),
    statements=(S("Ivan Petrov", "said", "Petrov said", 0, 10, 0),),
)


def _store(engine: Engine, records: R, text_: str = "Three countries") -> None:
    with make_sessionmaker(engine).begin() as s:
        source = ensure_source(s, key="az", country="AZ", ministry="MFA",
                               listing_url="https://mfa.gov.az/en/news")
        run = start_run(s, source_id=source, base_url=None)
        store_release(s, source_id=source, run_id=run, release=release())
        store_release(s, source_id=source, run_id=run, release=release(
            "https://example.org/3", text_, records, "Talks"))


def _same(engine: Engine) -> set[tuple[object, ...]]:
    with engine.connect() as conn:
        pairs = {tuple(r) for r in conn.execute(text(PAIRS))}
        assert pairs == {tuple(r) for r in conn.execute(text(SELF_JOIN))}
    return pairs


def test_the_pairs_follow_every_write_to_participants(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    _store(engine, THREE_COUNTRIES)
    assert len(_same(engine)) == 4  # AZ-BY twice (two meetings), AZ-FR, BY-FR
    steps = [
        "UPDATE participants SET country = 'DE' WHERE country = 'FR'",  # a country changes
        ("DELETE FROM participants WHERE country = 'BY' AND ordinal = 1 "  # one leaves
         "AND meeting_id <> (SELECT min(id) FROM meetings)"),
        "UPDATE participants SET country = NULL WHERE country = 'DE'",
        "UPDATE participants SET country = 'AZ' WHERE organisation = 'OSCE'",  # a second AZ
        # a participant moves to another meeting
        ("UPDATE participants SET meeting_id = (SELECT min(id) FROM meetings), ordinal = 99 "
         "WHERE id = (SELECT max(id) FROM participants WHERE country = 'AZ')"),
    ]
    seen = []
    for sql in steps:
        with engine.begin() as conn:
            conn.execute(text(sql))
        seen.append(_same(engine))
    assert len({frozenset(s) for s in seen}) > 1  # the steps did change the pairs
    _store(engine, OTHER, "Talks again")  # re-extraction replaces the release's records
    assert ("AZ", "RU") in {p[1:] for p in _same(engine)}
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM documents WHERE url = 'https://example.org/3'"))
    assert {p[1:] for p in _same(engine)} == {("AZ", "BY")}
    engine.dispose()


def test_the_upgrade_fills_the_pairs_and_the_downgrade_restores_the_view(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, "persons_identity")
    _store(engine, THREE_COUNTRIES)
    with engine.connect() as conn:
        before = sorted(tuple(r) for r in conn.execute(text("SELECT * FROM meeting_dyads")))
    upgrade(engine)
    assert len(_same(engine)) == 4
    with engine.connect() as conn:
        assert sorted(tuple(r) for r in conn.execute(text("SELECT * FROM meeting_dyads"))) \
            == before
    downgrade(engine, "persons_identity")
    with engine.connect() as conn:
        assert sorted(tuple(r) for r in conn.execute(text("SELECT * FROM meeting_dyads"))) \
            == before
    engine.dispose()


def _plan(engine: Engine, sql: str, **params: object) -> list[str]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            return [r[3] for r in conn.execute(text(f"EXPLAIN QUERY PLAN {sql}"), params)]
        conn.exec_driver_sql("SET enable_seqscan = off")  # tiny tables: force the choice
        return [r[0] for r in conn.execute(text(f"EXPLAIN {sql}"), params)]


def test_a_country_s_dyads_read_the_pairs_by_index(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    _store(engine, THREE_COUNTRIES)
    plan = _plan(engine, "SELECT * FROM meeting_dyads WHERE country_a = 'BY' OR country_b = 'BY'")
    assert any("ix_meeting_country_pairs_a" in line for line in plan), plan
    assert any("ix_meeting_country_pairs_b" in line for line in plan), plan
    plan = _plan(engine, "SELECT * FROM meeting_dyads WHERE country_a = 'AZ' AND country_b = 'BY'")
    assert any("ix_meeting_country_pairs" in line for line in plan), plan
    engine.dispose()


def test_a_person_s_statements_keep_their_rows_and_use_the_speaker_index(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    _store(engine, THREE_COUNTRIES)
    canned = CANNED_QUERIES["statements_by_person"]["sql"]
    scan = ("SELECT statement_id FROM statement_facts "
            "WHERE speaker LIKE '%' || :person || '%' ORDER BY date, statement_id")
    with engine.connect() as conn:
        for person in ("Aleinik", "e", "Nobody", "Someone Else"):
            got = [r.statement_id for r in conn.execute(text(canned), {"person": person})]
            assert got == list(conn.execute(text(scan), {"person": person}).scalars()), person
    found = _plan(engine, canned, person="Aleinik")
    assert any("ix_statements_speaker" in line for line in found), found
    engine.dispose()
