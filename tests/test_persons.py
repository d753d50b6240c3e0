"""``mfa-archive persons`` and the view ``person_meetings``, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from click.testing import CliRunner
from sqlalchemy import text

from crawler.cli import cli
from db.persons_query import person_summaries
from db.session import make_engine
from tests.search_archive import store_archive


def test_person_summaries(db_url: str) -> None:
    store_archive(db_url)
    engine = make_engine(db_url)
    with engine.connect() as conn:
        everyone = person_summaries(conn)
        by = person_summaries(conn, country="by")
        folded = person_summaries(conn, name="obraz")
        limited = person_summaries(conn, limit=1)
    engine.dispose()
    assert [(p.name, p.meetings, p.statements) for p in everyone] == [
        ("Anna Example", 3, 2), ("Ivan Sample", 2, 1), ("Ivan Obraztsov", 1, 0)]
    anna = everyone[0]
    assert anna.countries == ["AZ"]
    assert anna.titles == ["Minister of Foreign Affairs", "Министр иностранных дел"]
    assert (anna.first_seen, anna.last_seen) == (dt.date(2024, 3, 4), dt.date(2025, 1, 20))
    ivan = everyone[1]
    assert ivan.titles == ["Ambassador of Belarus", "Minister of Foreign Affairs of Belarus"]
    assert [p.name for p in by] == ["Ivan Sample"]
    assert [p.name for p in folded] == ["Ivan Obraztsov"]
    assert [p.name for p in limited] == ["Anna Example"]


def test_person_meetings_view(db_url: str) -> None:
    store_archive(db_url)
    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT year, person_a, person_b, meetings, first_date, last_date "
            "FROM person_meetings ORDER BY year, person_a_id, person_b_id")).all()
    engine.dispose()
    assert [(r[0], r[1], r[2], r[3], str(r[4]), str(r[5])) for r in rows] == [
        (2024, "Anna Example", "Ivan Sample", 1, "2024-03-04", "2024-03-04"),
        (2024, "Anna Example", "Ivan Obraztsov", 1, "2024-06-01", "2024-06-01"),
        (2025, "Anna Example", "Ivan Sample", 1, "2025-01-20", "2025-01-20"),
    ]


def test_persons_command_formats(db_url: str) -> None:
    store_archive(db_url)
    runner = CliRunner()
    result = runner.invoke(cli, ["persons", "--db", db_url, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data[0] == {
        "person_id": 1, "name": "Anna Example", "variants": [], "countries": ["AZ"],
        "titles": ["Minister of Foreign Affairs", "Министр иностранных дел"],
        "first_seen": "2024-03-04", "last_seen": "2025-01-20", "meetings": 3, "statements": 2}
    result = runner.invoke(cli, ["persons", "--db", db_url, "--format", "csv", "--country", "RU"])
    assert result.exit_code == 0
    [row] = csv.DictReader(io.StringIO(result.stdout))
    assert row.pop("person_id").isdigit()  # PostgreSQL's sequence may skip numbers
    assert [row] == [{
        "name": "Ivan Obraztsov", "variants": "", "countries": "RU", "titles": "Посол",
        "first_seen": "2024-06-01", "last_seen": "2024-06-01", "meetings": "1",
        "statements": "0"}]
    result = runner.invoke(cli, ["persons", "--db", db_url, "--name", "sample"])
    assert result.exit_code == 0 and "Ivan Sample" in result.stdout
    assert "Anna Example" not in result.stdout and result.stderr.strip() == "1 persons"
