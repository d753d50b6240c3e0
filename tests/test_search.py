"""Full-text search: ranked hits with highlights, kept in sync by the database, on both backends."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import replace

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import Engine, delete, inspect, update

from crawler.cli import cli
from db import documents, runs
from db.migrate import alembic_config, downgrade, upgrade
from db.models import Document
from db.search import (
    MARK_START,
    MARK_STOP,
    SearchFilters,
    search_documents,
    search_statements,
)
from db.search_query import QuerySyntaxError, fts5, parse
from db.search_schema import SEARCH_TABLES
from db.session import make_engine, make_sessionmaker
from tests.search_archive import OTHER, RELEASES, store_archive
from tests.test_documents import R, S


@pytest.fixture
def archive(db_url: str) -> Iterator[tuple[str, Engine]]:
    store_archive(db_url)
    engine = make_engine(db_url)
    yield db_url, engine
    engine.dispose()


def docs(engine: Engine, query: str, **filters: object) -> list[str]:
    with engine.connect() as conn:
        return [h.url for h in search_documents(conn, query, SearchFilters(**filters))]  # type: ignore[arg-type]


def marks(snippet: str) -> list[str]:
    """The highlighted words of a snippet."""
    found, rest = [], snippet
    while (i := rest.find(MARK_START)) >= 0:
        j = rest.index(MARK_STOP, i)
        found.append(rest[i + 1:j])
        rest = rest[j + 1:]
    return found


# --- the query language ----------------------------------------------------------------


@pytest.mark.parametrize(("query", "message"), [
    ('"open phrase', 'a phrase is not closed: a " is missing'),
    ("(a b", "a parenthesis is not closed: a ) is missing"),
    ("a b)", "a ) has no ( before it"),
    ("a OR", "OR needs something to search for after it"),
    ("OR a", "OR needs something to search for before it"),
    ("-a", "a query cannot only exclude: name something to search for as well"),
    ("& ?", "nothing to search for"),
    ("ne*go", "* marks a prefix at the end of a word, not inside 'ne*go'"),
    ("*", "a prefix needs at least one letter before *"),
    ("   ", "empty query"),
    ("()", "empty parentheses"),
])
def test_malformed_queries_are_one_clear_message(query: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse(query)
    assert str(info.value) == message


def test_queries_render_to_fts5() -> None:
    assert fts5(parse('Lavrov "peace process"')) == '("Lavrov" AND "peace process")'
    assert fts5(parse("negotiat* OR talks -grain")) == (
        '("negotiat" * OR (("talks") NOT "grain"))')
    assert fts5(parse('"it\'s" Lavrov\'s')) == '("it\'s" AND "Lavrov\'s")'
    assert fts5(parse("a AND (b OR c)")) == '("a" AND ("b" OR "c"))'
    assert fts5(parse("neg*"), trigram=True) == '"neg"'


# --- searching ------------------------------------------------------------------------------


def test_ranked_hits_with_highlights_and_participants(archive: tuple[str, Engine]) -> None:
    _, engine = archive
    with engine.connect() as conn:
        hits = search_documents(conn, "transit", SearchFilters())
    # The release titled "Talks on transit" ranks first: a title match weighs more.
    assert [h.url for h in hits][:2] == ["https://mfa.example/by/1", "https://mfa.example/az/1"]
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert hits[0].score >= hits[1].score
    first, second = hits[0], hits[1]
    assert marks(first.title_marked or "") == ["transit"]
    assert marks(second.snippet) == ["transit"]
    [meeting] = second.meetings
    assert meeting.kind == "meeting" and meeting.date == dt.date(2024, 3, 4)
    assert [(p.name, p.country) for p in meeting.participants] == [
        ("Anna Example", "AZ"), ("Ivan Sample", "BY")]
    assert all(p.person_id > 0 for p in meeting.participants)
    assert first.meetings == []


def test_phrase_prefix_or_and_not(archive: tuple[str, Engine]) -> None:
    _, engine = archive
    one, two, other = "https://mfa.example/az/1", "https://mfa.example/az/2", OTHER.url
    assert docs(engine, '"transit agreement"') == [one]
    assert docs(engine, '"agreement transit"') == []
    assert set(docs(engine, "negotiat*")) == {one, other}
    assert set(docs(engine, "grain OR corridor")) == {one, two}
    assert set(docs(engine, "Sample")) == {one, two}
    assert docs(engine, "Sample -grain") == [one]
    assert docs(engine, "Sample NOT (grain OR nothing)") == [one]
    assert docs(engine, "Ivan Sample corridor") == [one]
    assert docs(engine, "nowhere") == []


def test_english_matches_other_forms_of_a_word(backend: str, archive: tuple[str, Engine]) -> None:
    """PostgreSQL stems English (english configuration); SQLite FTS5 matches words as written."""
    _, engine = archive
    found = docs(engine, "negotiation")
    if backend == "postgres":
        assert set(found) == {"https://mfa.example/az/1", OTHER.url}
    else:
        assert found == []


def test_words_in_other_scripts(backend: str, archive: tuple[str, Engine]) -> None:
    _, engine = archive
    ru, ar, zh = (r.url for r in RELEASES[2:5])
    assert docs(engine, "переговоров") == [ru]
    assert docs(engine, "Образц*") == [ru]
    assert docs(engine, '"Анна Пример"') == [ru]
    assert docs(engine, "بلافروف") == [ar]
    with engine.connect() as conn:
        [hit] = search_documents(conn, "Образц*", SearchFilters())
    assert marks(hit.snippet) == ["Образцовым"]
    if backend == "sqlite":
        # The trigram index finds a word inside a longer one: an Arabic word with its
        # particle written together, Chinese without spaces.
        assert docs(engine, "لافروف") == [ar]
        assert docs(engine, "白俄罗斯") == [zh]
        with engine.connect() as conn:
            [hit] = search_documents(conn, "白俄罗斯", SearchFilters())
        assert marks(hit.snippet) == ["白俄罗斯"]


def test_filters(archive: tuple[str, Engine]) -> None:
    _, engine = archive
    one, other = "https://mfa.example/az/1", OTHER.url
    assert docs(engine, "transit", source="az") == [one]
    assert docs(engine, "transit", source="BY") == [other]
    assert docs(engine, "transit", country="by") == [one]
    assert docs(engine, "transit", since=dt.date(2024, 3, 5)) == [other]
    assert docs(engine, "transit", until=dt.date(2024, 3, 4)) == [one]
    assert docs(engine, "transit", since=dt.date(2024, 3, 4), until=dt.date(2024, 3, 4),
                country="BY", source="az") == [one]
    assert len(docs(engine, "transit", limit=1)) == 1


def test_statement_hits_with_speaker_meeting_and_url(archive: tuple[str, Engine]) -> None:
    _, engine = archive
    with engine.connect() as conn:
        [hit] = search_statements(conn, "corridor", SearchFilters())
        assert search_statements(conn, "corridor", SearchFilters(country="BY")) == []
        assert [h.speaker for h in search_statements(
            conn, "progress OR corridor", SearchFilters(country="BY"))] == ["Ivan Sample"]
        assert [h.url for h in search_statements(
            conn, "progress OR corridor", SearchFilters(since=dt.date(2025, 1, 1)))] == [
            "https://mfa.example/az/2"]
        assert search_statements(conn, "corridor", SearchFilters(source="by")) == []
        [ru] = search_statements(conn, "переговоров", SearchFilters())
    assert hit.speaker == "Anna Example" and hit.speaker_country == "AZ"
    assert hit.speaker_id is not None and hit.verb == "stressed"
    assert hit.meeting_kind == "meeting" and hit.meeting_date == dt.date(2024, 3, 4)
    assert hit.url == "https://mfa.example/az/1" and hit.date == dt.date(2024, 3, 4)
    assert marks(hit.snippet) == ["corridor"]
    assert ru.speaker == "Anna Example" and marks(ru.snippet) == ["переговоров"]


# --- kept in sync by the database ----------------------------------------------------------


def test_writes_are_searchable_in_the_same_transaction(archive: tuple[str, Engine]) -> None:
    _, engine = archive
    sessions = make_sessionmaker(engine)
    edited = replace(RELEASES[0], text=RELEASES[0].text.replace("corridor", "railway"),
                     records=R(RELEASES[0].records.meetings, (
                         S("Anna Example", "stressed", "The railway must open.", 0, 10, 0),)))
    with sessions.begin() as s:
        source = runs.ensure_source(s, key="az", country="AZ", ministry="MFA of AZ",
                                          listing_url="https://mfa.example/az")
        run = runs.start_run(s, source_id=source, base_url=None)
        assert documents.store_release(s, source_id=source, run_id=run,
                                        release=edited) == "changed"
        conn = s.connection()  # the writing transaction sees its own index entries
        assert [h.url for h in search_documents(conn, "railway", SearchFilters())] == [
            edited.url]
    assert docs(engine, "corridor") == []
    assert docs(engine, "railway") == [edited.url]
    with engine.connect() as conn:
        assert [h.snippet for h in search_statements(conn, "railway", SearchFilters())] == [
            f"The {MARK_START}railway{MARK_STOP} must open."]
        assert search_statements(conn, "corridor", SearchFilters()) == []
    with sessions.begin() as s:  # a title edit, and a rolled-back edit leaves nothing behind
        s.execute(update(Document).where(Document.url == OTHER.url).values(title="Rail talks"))
    with pytest.raises(RuntimeError), sessions.begin() as s:
        s.execute(update(Document).where(Document.url == OTHER.url).values(title="Ghost"))
        raise RuntimeError("roll back")
    assert docs(engine, "Ghost") == []
    assert docs(engine, "rail") == [OTHER.url]
    with sessions.begin() as s:  # deleting a release removes it and its statements
        s.execute(delete(Document).where(Document.url == edited.url))
    assert docs(engine, "railway") == []
    assert docs(engine, "Sample") == [RELEASES[1].url]
    with engine.connect() as conn:
        assert search_statements(conn, "railway", SearchFilters()) == []
        assert search_statements(conn, "progress", SearchFilters())[0].url == RELEASES[1].url


# The revision the search migration follows (read from it, so a relinked chain stays right).
BEFORE_SEARCH = str(ScriptDirectory.from_config(alembic_config())
                    .get_revision("search_fulltext").down_revision)


def test_the_migration_indexes_stored_rows_and_goes_down(db_url: str) -> None:
    # stored by today's writers (they need the newest schema), then taken back to before search
    store_archive(db_url)
    engine = make_engine(db_url)
    downgrade(engine, BEFORE_SEARCH)
    assert not set(SEARCH_TABLES) & set(inspect(engine).get_table_names())
    upgrade(engine)
    assert docs(engine, "corridor") == [RELEASES[0].url]
    assert docs(engine, "переговоров") == [RELEASES[2].url]
    with engine.connect() as conn:
        assert [h.speaker for h in search_statements(conn, "progress", SearchFilters())] == [
            "Ivan Sample"]
    downgrade(engine, BEFORE_SEARCH)
    tables = set(inspect(engine).get_table_names())
    assert not {t for t in tables if t.startswith(("documents_search", "statements_search"))}
    with make_sessionmaker(engine).begin() as s:  # writes work without the triggers
        s.execute(update(Document).values(title="after downgrade"))
    upgrade(engine)
    assert len(docs(engine, '"after downgrade"')) == len(RELEASES) + 1
    engine.dispose()


# --- the command ------------------------------------------------------------------------------


def test_cli_formats(archive: tuple[str, Engine]) -> None:
    url, _ = archive
    runner = CliRunner()
    result = runner.invoke(cli, ["search", "transit", "--db", url, "--format", "json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert [h["url"] for h in hits][:2] == [OTHER.url, RELEASES[0].url]
    assert "<mark>transit</mark>" in hits[1]["snippet"]
    assert [p["name"] for p in hits[1]["meetings"][0]["participants"]] == [
        "Anna Example", "Ivan Sample"]
    result = runner.invoke(cli, ["search", "corridor", "--in", "statements", "--db", url,
                                 "--format", "csv"])
    assert result.exit_code == 0, result.output
    [row] = list(csv.DictReader(io.StringIO(result.stdout)))
    assert row["speaker"] == "Anna Example" and row["speaker_country"] == "AZ"
    assert row["snippet"].startswith("Anna Example stressed that the <mark>corridor</mark> must")
    assert row["url"] == RELEASES[0].url and row["meeting_kind"] == "meeting"
    result = runner.invoke(cli, ["search", "transit", "--db", url, "--country", "BY"])
    assert result.exit_code == 0
    assert "Ivan Sample (BY)" in result.stdout and RELEASES[0].url in result.stdout
    assert "**transit**" in result.stdout  # no terminal: the match is marked in text
    assert OTHER.url not in result.stdout
    assert result.stderr.strip() == "1 release found"


def test_cli_malformed_query_is_one_line(archive: tuple[str, Engine]) -> None:
    url, _ = archive
    result = CliRunner().invoke(cli, ["search", '"transit', "--db", url])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        'Error: bad search query: a phrase is not closed: a " is missing']
    assert result.stdout == ""


def test_ranking_reads_only_the_newest_matches_of_a_common_query(
        archive: tuple[str, Engine], monkeypatch: pytest.MonkeyPatch) -> None:
    """Past RANK_CANDIDATES matches, only the most recently archived ones are ranked."""
    import db.search

    _, engine = archive
    one, two = "https://mfa.example/az/1", "https://mfa.example/az/2"
    assert set(docs(engine, "Sample")) == {one, two}
    common = "transit OR grain OR corridor OR Sample OR Example OR Minister"
    with engine.connect() as conn:
        every = [h.statement_id for h in search_statements(conn, common, SearchFilters())]
    assert len(every) > 1
    monkeypatch.setattr(db.search, "RANK_CANDIDATES", 1)
    assert docs(engine, "Sample") == [two]  # stored after az/1: the higher id
    assert docs(engine, "Sample -grain") == [one]  # the bound counts what the query matches
    assert docs(engine, "transit", source="az") == [one]  # ... after the filters
    with engine.connect() as conn:
        assert [h.statement_id for h in search_statements(conn, common, SearchFilters())] \
            == [max(every)]
    monkeypatch.setattr(db.search, "RANK_CANDIDATES", 2)
    assert set(docs(engine, "Sample")) == {one, two}


def _store_many(engine: Engine, texts: list[str]) -> None:
    """One English release per text, stored in this order under source az (ids ascending)."""
    sessions = make_sessionmaker(engine)
    with sessions.begin() as s:
        source = runs.ensure_source(s, key="az", country="AZ", ministry="MFA of AZ",
                                    listing_url="https://mfa.example/az")
        run = runs.start_run(s, source_id=source, base_url=None)
        for n, body in enumerate(texts):
            documents.store_release(s, source_id=source, run_id=run, release=replace(
                RELEASES[0], url=f"https://mfa.example/many/{n}", title=f"Release {n}",
                text=body, records=R((), ())))


def test_the_newest_matches_are_ranked_however_many_match(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Search ranks exactly the RANK_CANDIDATES newest matches, whatever their share of the
    archive (PostgreSQL reads them window of ids by window: dense and sparse matches, one
    match in many ids, a bound past every match)."""
    import db.search

    engine = make_engine(db_url)
    upgrade(engine)
    texts = []
    for n in range(60):
        words = ["The ministers met."]
        if n % 2 == 0:
            words.append("They spoke of a strategic partnership." if n % 3 else
                         "The partnership is strategic.")  # both words, not the phrase
        if n % 7 == 0:
            words.append("Negotiations " * (1 + n % 4) + "continue.")
        words.append("Trade grew." * (1 + n % 5))
        texts.append(" ".join(words))
    texts[3] += " A rare corridor."
    _store_many(engine, texts)
    queries = ("ministers", '"strategic partnership"', "negotiat*", "trade -negotiat*",
               "corridor", "partnership OR negotiat*")
    scored: dict[str, list[tuple[int, float]]] = {}
    with engine.connect() as conn:
        for query in queries:  # every match with its score: the reference
            hits = search_documents(conn, query, SearchFilters(limit=1000))
            scored[query] = [(h.document_id, h.score) for h in hits]
    assert [len(scored[q]) for q in queries] == [60, 20, 9, 51, 1, 34]
    for bound in (1, 2, 3, 5, 8, 13, 40, 1000):
        monkeypatch.setattr(db.search, "RANK_CANDIDATES", bound)
        for query in queries:
            newest = sorted(scored[query], key=lambda hit: -hit[0])[:bound]
            want = [i for i, _ in sorted(newest, key=lambda hit: (-hit[1], hit[0]))][:7]
            with engine.connect() as conn:
                got = [h.document_id for h in search_documents(conn, query,
                                                               SearchFilters(limit=7))]
            assert got == want, (bound, query)
    engine.dispose()
