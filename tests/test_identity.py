"""One person across name variants, office holders and ``refold``, on SQLite and PostgreSQL.

The releases are invented for these tests: the names are real officials' forms as
ministries write them, the texts are not releases.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select, text, update

from crawler.cli import cli
from db import documents, runs
from db.migrate import upgrade
from db.models import Participant, Person, PersonKey, Statement
from db.names import name_key
from db.refold import refold_archive
from db.release import ReleaseRecord
from db.session import make_engine, make_sessionmaker
from tests.test_documents import M, P, R, S


def _release(url: str, day: dt.date, *participants: P, speakers: tuple[str, ...] = ()) -> ReleaseRecord:
    body = f"<html><body><p>{url}</p></body></html>"
    return ReleaseRecord(
        url=url, title="A meeting", published=day, language="en", text=f"Text of {url}.",
        raw_html=gzip.compress(body.encode()), raw_hash=documents.content_hash(body),
        encoding="utf-8", http_status=200, fetched_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        text_extractor="t-1", records_extractor="r-1",
        records=R((M(day, "meeting", None, participants),),
                  tuple(S(s, "said", "Text", 0, 4, 0) for s in speakers)))


FM = "Minister of Foreign Affairs"
D = dt.date(2024, 3, 1)


def _day(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


VARIANTS = [  # source, release
    ("ru", _release("https://mid.example/1", _day(0), P("Sergey Lavrov", FM, "RU"),
                    P("Jeyhun Bayramov", FM, "AZ"), speakers=("Sergey Lavrov",))),
    ("az", _release("https://mfa.example/1", _day(2), P("Jeyhun Bayramov", FM, "AZ"),
                    P("Sergei Lavrov", "Russian Foreign Minister", "RU"))),
    ("in", _release("https://mea.example/1", _day(3), P("S. Jaishankar", "External Affairs Minister", "IN"),
                    P("Seyed Abbas Araghchi", "Iranian Foreign Minister", "IR"))),
    ("in", _release("https://mea.example/2", _day(9), P("Subrahmanyam Jaishankar",
                                                        "Minister of External Affairs of India", "IN"),
                    P("Abbas Araghchi", "Minister of Foreign Affairs of Iran", "IR"))),
    ("us", _release("https://state.example/1", _day(4), P("Antony J. Blinken", "Secretary of State", "US"),
                    P("Hillary Clinton", "Former Secretary of State", "US"),
                    P("Bill Clinton", "Former President", "US"))),
    ("us", _release("https://state.example/2", _day(5), P("Antony Blinken", "US Secretary of State", "US"),
                    P("Wang Yi", "Foreign Minister", "CN"), P("Wang Wenbin", "Spokesperson", "CN"))),
    ("kr", _release("https://mofa.example/1", _day(6), P("Cho Tae-yul", FM, "KR"),
                    P("Kim", "Foreign Minister", "KR"), P("Kim Song Nam", "Foreign Minister", "KP"))),
]
HOLDERS = [
    ("gb", _release("https://fcdo.example/1", _day(0), P("Boris Johnson", "Foreign Secretary", "GB"),
                    P("Jeyhun Bayramov", FM, "AZ"))),
    # "the Foreign Secretary", unnamed: 20 days after Johnson was named by the same source
    ("gb", _release("https://fcdo.example/2", _day(20), P(None, "the Foreign Secretary", "GB"),
                    P("Jeyhun Bayramov", FM, "AZ"))),
    # 100 days later: outside the window of any sighting
    ("gb", _release("https://fcdo.example/3", _day(120), P(None, "Foreign Secretary", "GB"),
                    P("Jeyhun Bayramov", FM, "AZ"))),
    # another source names Johnson too; its unnamed Foreign Secretary is not linked by gb's evidence
    ("az", _release("https://mfa.example/2", _day(21), P(None, "British Foreign Secretary", "GB"),
                    P("Jeyhun Bayramov", FM, "AZ"))),
]
HUNT = ("gb", _release("https://fcdo.example/4", _day(35),
                       P("Jeremy Hunt", "Foreign Secretary of the United Kingdom", "GB")))


def _store(engine: Engine, releases: list[tuple[str, ReleaseRecord]]) -> None:
    sessions = make_sessionmaker(engine)
    with sessions.begin() as s:
        for key, release in releases:
            source = runs.ensure_source(s, key=key, country=key.upper(), ministry=f"MFA {key}",
                                        listing_url=f"https://{key}.example")
            run = runs.start_run(s, source_id=source, base_url=None)
            documents.store_release(s, source_id=source, run_id=run, release=release)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def _person_of(engine: Engine) -> dict[str, int | None]:
    """Each named participant's and speaker's written name -> person id (one id per name)."""
    with engine.connect() as conn:
        rows = conn.execute(select(Participant.name, Participant.person_id)
                            .where(Participant.name.is_not(None))).all()
        rows += conn.execute(select(Statement.speaker, Statement.speaker_id)).all()
    found: dict[str, set[int | None]] = {}
    for name, pid in rows:
        found.setdefault(name, set()).add(pid)
    assert all(len(ids) == 1 for ids in found.values()), found
    return {name: ids.pop() for name, ids in found.items()}


def _assert_folded(person: dict[str, int | None]) -> None:
    for a, b in [("Sergey Lavrov", "Sergei Lavrov"), ("S. Jaishankar", "Subrahmanyam Jaishankar"),
                 ("Seyed Abbas Araghchi", "Abbas Araghchi"), ("Antony J. Blinken", "Antony Blinken")]:
        assert person[a] == person[b], (a, b)
    for a, b in [("Hillary Clinton", "Bill Clinton"), ("Wang Yi", "Wang Wenbin"),
                 ("Kim", "Kim Song Nam"), ("Sergey Lavrov", "Jeyhun Bayramov")]:
        assert person[a] != person[b], (a, b)


def test_stored_variants_are_one_person_and_namesakes_are_not(engine: Engine) -> None:
    _store(engine, VARIANTS)
    person = _person_of(engine)
    _assert_folded(person)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Person)) == 12
        keys = dict(conn.execute(select(PersonKey.name_key, PersonKey.person_id)).all())
        names = dict(conn.execute(select(Person.id, Person.name)).all())
        variants = conn.execute(text(
            "SELECT variant, first_seen, last_seen, mentions FROM person_variants "
            "WHERE person_id = :p ORDER BY variant"), {"p": person["Sergey Lavrov"]}).all()
    assert keys[name_key("Sergei Lavrov")] == keys[name_key("Sergey Lavrov")]
    assert names[person["Abbas Araghchi"]] == "Seyed Abbas Araghchi"  # the fullest form
    assert names[person["S. Jaishankar"]] == "Subrahmanyam Jaishankar"  # ... also when it came later
    assert [(v, str(a), str(b), n) for v, a, b, n in variants] == [
        ("Sergei Lavrov", "2024-03-03", "2024-03-03", 1),
        ("Sergey Lavrov", "2024-03-01", "2024-03-01", 2)]


def test_reextraction_keeps_the_persons(engine: Engine) -> None:
    _store(engine, VARIANTS)
    before = _person_of(engine)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as s:
        for _, release in VARIANTS:
            documents.store_release(s, source_id=None, run_id=None, release=release,
                                    force_records=True)
    assert _person_of(engine) == before


def test_an_unnamed_office_holder_is_linked_by_office(engine: Engine) -> None:
    _store(engine, HOLDERS)
    with engine.connect() as conn:
        unnamed = conn.execute(text(
            "SELECT d.url, pe.name, p.resolved_by, e.url FROM participants p "
            "JOIN meetings m ON m.id = p.meeting_id JOIN documents d ON d.id = m.document_id "
            "LEFT JOIN persons pe ON pe.id = p.person_id "
            "LEFT JOIN documents e ON e.id = p.evidence_document_id "
            "WHERE p.name IS NULL ORDER BY d.url")).all()
        holders = conn.execute(text(
            "SELECT country, office, person, first_seen, last_seen, documents, resolved "
            "FROM office_holders WHERE office = 'foreign secretary'")).all()
        office_names = conn.scalar(select(func.count()).select_from(Person).where(
            Person.name_key.contains("secretary")))
    assert [tuple(r) for r in unnamed] == [
        ("https://fcdo.example/2", "Boris Johnson", "office", "https://fcdo.example/1"),
        ("https://fcdo.example/3", None, None, None),
        ("https://mfa.example/2", None, None, None)]
    assert [(c, o, p, str(a), str(b), n, r) for c, o, p, a, b, n, r in holders] == [
        ("GB", "foreign secretary", "Boris Johnson", "2024-03-01", "2024-03-21", 2, 1)]
    assert office_names == 0  # an office never becomes a person's name
    # a second holder named within the window makes the link ambiguous: it goes
    _store(engine, [HUNT])
    with engine.connect() as conn:
        linked = conn.execute(select(Participant.person_id, Participant.resolved_by)
                              .where(Participant.name.is_(None))).all()
    assert {tuple(r) for r in linked} == {(None, None)}


def test_refold_merges_split_persons_and_is_idempotent(engine: Engine) -> None:
    _store(engine, VARIANTS + HOLDERS)
    folded = _person_of(engine)
    # the archive as an older version left it: every written name its own person,
    # and no office link
    sessions = make_sessionmaker(engine)
    with sessions.begin() as s:
        s.execute(update(Participant).where(Participant.resolved_by.is_not(None))
                  .values(person_id=None, resolved_by=None, evidence_document_id=None))
        for name in sorted(folded):
            key = name_key(name)
            pid = s.scalar(select(Person.id).where(Person.name_key == key))
            if pid is None:
                pid = Person(name=name, name_key=key)
                s.add(pid)
                s.flush()
                pid = pid.id
            s.execute(update(PersonKey).where(PersonKey.name_key == key).values(person_id=pid))
            s.execute(update(Participant).where(Participant.name == name).values(person_id=pid))
            s.execute(update(Statement).where(Statement.speaker == name).values(speaker_id=pid))
    split = _person_of(engine)
    assert split["Sergey Lavrov"] != split["Sergei Lavrov"]
    report = refold_archive(engine)
    assert (report.persons_before, report.persons_after) == (17, 13)
    assert report.office_links_changed == 1
    person = _person_of(engine)
    _assert_folded(person)
    assert person["Sergey Lavrov"] == min(split["Sergey Lavrov"], split["Sergei Lavrov"])
    again = refold_archive(engine)
    assert (again.persons_before, again.persons_after) == (13, 13)
    assert (again.participants_relinked, again.statements_relinked, again.offices_updated,
            again.office_links_changed) == (0, 0, 0, 0)
    assert _person_of(engine) == person


def test_cli_refold_persons_and_export(engine: Engine, db_url: str) -> None:
    _store(engine, VARIANTS)
    runner = CliRunner()
    result = runner.invoke(cli, ["refold", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "persons 12 -> 12" in result.stderr
    result = runner.invoke(cli, ["persons", "--db", db_url, "--format", "json", "--name", "Jaishankar"])
    assert result.exit_code == 0, result.output
    [jaishankar] = json.loads(result.stdout)
    assert (jaishankar["name"], jaishankar["variants"]) == ("Subrahmanyam Jaishankar", ["S. Jaishankar"])
    result = runner.invoke(cli, ["export", "persons", "--db", db_url, "--person", "Abbas"])
    assert result.exit_code == 0, result.output
    [row] = csv.DictReader(io.StringIO(result.stdout))
    assert row["name"] == "Seyed Abbas Araghchi" and row["variants"] == "Abbas Araghchi"
    assert row["countries"] == "IR 2024-03-04..2024-03-10"
    assert row["titles"] == ("Iranian Foreign Minister 2024-03-04..2024-03-04; "
                             "Minister of Foreign Affairs of Iran 2024-03-10..2024-03-10")
    assert (row["first_seen"], row["last_seen"]) == ("2024-03-04", "2024-03-10")


def test_a_link_goes_when_its_evidence_is_re_extracted_away(engine: Engine) -> None:
    _store(engine, HOLDERS)
    sessions = make_sessionmaker(engine)
    _, evidence = HOLDERS[0]
    without = _release(evidence.url, _day(0), P("Jeyhun Bayramov", FM, "AZ"))
    with sessions.begin() as s:
        documents.store_release(s, source_id=None, run_id=None, release=without,
                                force_records=True)
    with engine.connect() as conn:
        linked = conn.execute(select(Participant.person_id).where(
            Participant.name.is_(None), Participant.person_id.is_not(None))).all()
    assert linked == []
