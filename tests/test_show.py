"""``mfa-archive show``: one release with its text, statements marked, records and versions."""

from __future__ import annotations

import json
from dataclasses import replace

from click.testing import CliRunner

from crawler.cli import cli
from db import documents, runs
from db.release_view import StatementView, statement_segments
from db.session import make_engine, make_sessionmaker
from tests.search_archive import EN_STATEMENT, EN_TEXT, RELEASES, store_archive


def _show(url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["show", *args, "--db", url])
    return result.exit_code, result.stdout, result.stderr


def test_statement_segments_cut_the_text_at_the_offsets() -> None:
    def st(ordinal: int, start: int, end: int) -> StatementView:
        return StatementView(ordinal, ordinal, None, None, None, "said", "", start, end)

    a, b, overlapping, outside = st(0, 2, 4), st(1, 6, 8), st(2, 7, 9), st(3, 9, 20)
    assert statement_segments("0123456789", [b, a, overlapping, outside]) == [
        ("01", None), ("23", a), ("45", None), ("67", b), ("89", None)]
    assert statement_segments("", []) == []


def test_show_by_id_and_by_url(db_url: str) -> None:
    store_archive(db_url)
    code, out, err = _show(db_url, RELEASES[0].url)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == RELEASES[0].title
    assert "published 2024-03-04" in lines[1] and "source az (MFA of AZ)" in lines[1]
    assert lines[2] == RELEASES[0].url
    marked = EN_TEXT.replace(EN_STATEMENT, f"⟦S1 {EN_STATEMENT}⟧")
    assert " ".join(marked.split()) in " ".join(out.split())  # the console wraps lines
    assert "Anna Example #1: Minister of Foreign Affairs, AZ, host" in out
    assert "Ivan Sample #2: Ambassador of Belarus, BY, guest" in out
    assert "Versions: none" in out
    code, by_id, _ = _show(db_url, "1")
    assert code == 0 and by_id == out
    code, with_slash, _ = _show(db_url, RELEASES[0].url + "/")
    assert code == 0 and with_slash == out


def test_show_json_and_versions(db_url: str) -> None:
    store_archive(db_url)
    engine = make_engine(db_url)
    edited = replace(RELEASES[0], title="Minister received the Ambassador",
                     text=EN_TEXT + "\nThe visit ends tomorrow.")
    with make_sessionmaker(engine).begin() as s:
        source = runs.ensure_source(s, key="az", country="AZ", ministry="MFA of AZ",
                                          listing_url="https://mfa.example/az")
        run = runs.start_run(s, source_id=source, base_url=None)
        assert documents.store_release(s, source_id=source, run_id=run,
                                        release=edited) == "changed"
    engine.dispose()
    code, out, err = _show(db_url, RELEASES[0].url, "--format", "json")
    assert code == 0, err
    view = json.loads(out)
    assert view["title"] == "Minister received the Ambassador" and view["source"] == "az"
    assert view["published"] == "2024-03-04"
    [meeting] = view["meetings"]
    assert [(p["name"], p["person_id"], p["country"]) for p in meeting["participants"]] == [
        ("Anna Example", 1, "AZ"), ("Ivan Sample", 2, "BY")]
    [statement] = view["statements"]
    assert view["text"][statement["start_offset"]:statement["end_offset"]] == EN_STATEMENT
    [version] = view["versions"]
    assert version["text"] == EN_TEXT and version["title"] == RELEASES[0].title
    code, out, _ = _show(db_url, "1")
    assert "Versions (1 earlier)" in out
    assert "+The visit ends tomorrow." in out
    assert f"title {RELEASES[0].title!r}" in out


def test_show_unknown_release_is_one_line(db_url: str) -> None:
    store_archive(db_url)
    code, out, err = _show(db_url, "https://mfa.example/none")
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "Error: no release with the id or URL 'https://mfa.example/none' in the archive"]
    code, _, err = _show(db_url, "999")
    assert code == 1 and "'999'" in err
