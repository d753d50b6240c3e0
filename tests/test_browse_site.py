"""The browse site: Datasette's search box, the release page, the home page, raw_html hidden.

Runs Datasette in-process with its test client (no port), with the metadata,
templates and plugin that ``mfa-archive browse`` serves.
"""

from __future__ import annotations

import asyncio
import html
import importlib.resources
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler import browse
from db import sqlite_files
from tests.search_archive import EN_STATEMENT, RELEASES, store_archive

datasette_app = pytest.importorskip("datasette.app")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    path = tmp_path_factory.mktemp("browse") / "archive.sqlite"
    store_archive(f"sqlite:///{path}")
    assert sqlite_files.checkpoint(path)
    with importlib.resources.as_file(browse.SITE) as files:
        ds = datasette_app.Datasette(
            immutables=[str(path)], metadata=browse.metadata("archive", browse.read_codebook()),
            template_dir=str(files / "templates"), plugins_dir=str(files / "plugins"))
        yield ds


def get(ds: Any, url: str) -> Any:
    async def fetch() -> Any:
        return await ds.client.get(url)

    return asyncio.run(fetch())


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_home_page_puts_the_records_and_search_first(site: Any) -> None:
    response = get(site, "/")
    assert response.status_code == 200
    page = response.text
    assert '<form class="mfa-search" action="/-/search"' in page
    links = re.findall(r'<a href="/archive/([a-z_]+)"', page)
    assert links[:5] == ["meetings", "participants", "statements", "persons", "documents"]
    assert page.index('action="/-/search"') < page.index('href="/archive/meetings"')
    for machinery in ("frontier", "crawl_errors", "crawl_runs", "warc_files", "alembic_version"):
        assert f"/archive/{machinery}" not in page
    assert "documents_search" not in page
    database = get(site, "/archive").text
    for machinery in ("frontier", "crawl_errors"):
        assert f'href="/archive/{machinery}"' not in database
    assert 'href="/archive/meetings"' in database


def test_datasette_search_box_uses_the_full_text_tables(site: Any) -> None:
    rows = get(site, "/archive/documents.json?_search=corridor&_shape=array&_col=url").json()
    assert [r["url"] for r in rows] == [RELEASES[0].url]
    rows = get(site, "/archive/statements.json?_search=progress&_shape=array").json()
    assert [r["speaker"] for r in rows] == ["Ivan Sample"]
    page = get(site, "/archive/documents?_search=corridor").text
    assert 'name="_search"' in page and "1 row" in page


def test_release_rows_link_to_their_page_and_raw_html_is_not_shown(site: Any) -> None:
    page = get(site, "/archive/documents").text
    assert 'href="/-/release/1"' in page
    assert "not shown" in page and "gzip" in page
    row = get(site, "/archive/documents/1").text
    assert "not shown" in row and 'href="/-/release/1"' in row
    meetings = get(site, "/archive/meetings").text
    assert 'href="/-/release/1"' in meetings  # document_id links to the release page


def test_release_page_shows_the_text_beside_its_records(site: Any) -> None:
    response = get(site, "/-/release/1")
    assert response.status_code == 200
    page = response.text
    assert f"<h1>{html.escape(RELEASES[0].title or '')}</h1>" in page
    [statement] = re.findall(r'<mark class="statement" id="s1"[^>]*><sup>S1</sup>(.*?)</mark>',
                             page)
    assert statement == html.escape(EN_STATEMENT)
    records = text_of(page[page.index('<div class="records">'):])
    assert "Anna Example person 1 : Minister of Foreign Affairs, AZ (host)" in records
    assert "Ivan Sample person 2 : Ambassador of Belarus, BY (guest)" in records
    assert f"S1 Anna Example person 1 stressed: {EN_STATEMENT}" in records
    assert get(site, "/-/release/999").status_code == 404


def test_search_page_ranks_highlights_and_links(site: Any) -> None:
    page = get(site, "/-/search?q=transit").text
    hits = page[page.index('<div id="hits">'):]
    assert "<mark>transit</mark>" in hits
    assert re.findall(r'class="release-link" href="/-/release/(\d+)"', hits)[:2] == ["6", "1"]
    assert 'href="/archive/persons/2">Ivan Sample</a> (BY)' in hits
    statements = get(site, "/-/search?q=corridor&in=statements").text
    assert "<mark>corridor</mark>" in statements and "Anna Example (AZ) stressed" in statements
    bad = get(site, "/-/search?q=%22transit").text
    assert 'Bad search query: a phrase is not closed: a &#34; is missing' in bad


def test_the_codebook_is_package_data() -> None:
    """Found through importlib.resources: in the package, not beside the source tree."""
    codebook = importlib.resources.files("db").joinpath("schema.md")
    assert codebook.is_file()
    assert "### `documents_search` (table)" in codebook.read_text(encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    assert codebook.read_text(encoding="utf-8") == (root / "docs" / "schema.md").read_text(
        encoding="utf-8")
    assert "documents" in browse.read_codebook()


def test_the_codebook_is_served(site: Any) -> None:
    response = get(site, "/-/codebook")
    assert response.status_code == 200
    assert "### `person_meetings` (view)" in response.text
    assert "/-/codebook" in get(site, "/").text
