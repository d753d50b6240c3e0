"""crawler.pages.response.PageResponse reads a page as Scrapy's HtmlResponse does.

Release page objects run in extraction workers on a PageResponse (no Scrapy there); the
same bytes must give the same text, links and selections as the HtmlResponse a page
object was written against.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from crawler.pages.response import PageResponse

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"

CYRILLIC = "<html><body><h1>Пресс-релиз</h1><p>Министр встретился</p></body></html>"
PAGES: list[tuple[str, bytes, str]] = [
    ("utf-8", "<html><body><h1>Café talks</h1><p>Ministers met.</p></body></html>".encode(), "utf-8"),
    ("cp1251 declared", CYRILLIC.encode("cp1251"), "cp1251"),
    ("bad utf-8 bytes", b"<html><body><p>ok \xff\xfe broken</p></body></html>", "utf-8"),
    ("BOM beats the declared encoding", b"\xef\xbb\xbf" + CYRILLIC.encode(), "cp1251"),
    ("unknown encoding name", b"<html><body><p>plain</p></body></html>", "x-no-such-codec"),
    ("base href", (b'<html><head><base href="https://cdn.example.org/news/"></head>'
                   b'<body><a href="item-1">one</a><a href="/top">two</a></body></html>'), "utf-8"),
    ("meta charset only", '<html><head><meta charset="iso-8859-1"></head><body><p>Ñ</p></body></html>'
                          .encode("iso-8859-1"), "iso-8859-1"),
]


@pytest.mark.parametrize(("name", "body", "encoding"), PAGES, ids=[p[0] for p in PAGES])
def test_reads_as_scrapys_html_response(name: str, body: bytes, encoding: str) -> None:
    url = "https://www.mfa.example/en/news/123"
    ours = PageResponse(url, body=body, encoding=encoding)
    scrapy = HtmlResponse(url, body=body, encoding=encoding)
    assert ours.text == scrapy.text
    assert ours.url == scrapy.url
    for query in ("h1::text", "p", "a::attr(href)", "body *"):
        assert ours.css(query).getall() == scrapy.css(query).getall()
    assert ours.xpath("string(//body)").get() == scrapy.xpath("string(//body)").get()
    for link in ("item-1", "/top", "?page=2", "https://other.example/x"):
        assert ours.urljoin(link) == scrapy.urljoin(link)


def test_reads_every_recorded_release_fixture_as_scrapy_does() -> None:
    bodies = sorted(FIXTURES.glob("*/*/page.html"))
    assert len(bodies) >= 20
    for path in bodies:
        body = path.read_bytes()
        ours = PageResponse("https://x.example/a/b", body=body, encoding="utf-8")
        scrapy = HtmlResponse("https://x.example/a/b", body=body, encoding="utf-8")
        assert ours.text == scrapy.text, path
        assert ours.css("a::attr(href)").getall() == scrapy.css("a::attr(href)").getall(), path
        assert ours.urljoin("rel/x") == scrapy.urljoin("rel/x"), path


def test_an_extraction_worker_imports_no_scrapy_for_any_source() -> None:
    """Every source's page object crosses to a fresh process (pickled, as to a worker) and
    extracts a page there without importing Scrapy, Twisted or SQLAlchemy."""
    probe = r'''
import pickle, sys
pages = pickle.loads(sys.stdin.buffer.read())
from crawler.release import build_release
built = 0
for page in pages:
    build_release(page)
    built += 1
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"scrapy", "twisted", "sqlalchemy"})
print(built, ",".join(heavy) or "-")
'''
    from crawler.registry import all_sources
    from crawler.release import FetchedPage

    body = (b"<html><head><title>Talks</title></head><body><article><h1>Talks in Baku</h1>"
            b"<p>Foreign Minister Jeyhun Bayramov met Ambassador Gennady Akhramovich "
            b"on 3 May 2025 in Baku.</p></article></body></html>")
    sources = all_sources()
    pages = [FetchedPage.of_source(s, url=s.listing_url, body=body, encoding="utf-8")
             for s in sources]
    done = subprocess.run([sys.executable, "-c", probe], input=pickle.dumps(pages),
                          capture_output=True, cwd=ROOT, timeout=120, check=True)
    built, heavy = done.stdout.decode().split()
    assert int(built) == len(sources)
    assert heavy == "-"
