"""End to end: `mfa-archive crawl az --base-url MIRROR` into SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.mirror.sites.az import AzMirror
from db.models import CrawlRun, Document, FrontierEntry, Meeting, Statement
from db.session import make_engine
from tests.conftest import FAST, run_cli


def _crawl(db_url: str, base_url: str, *extra: str) -> tuple[int, str]:
    result = run_cli("crawl", "az", "--base-url", base_url, "--db", db_url, *FAST, *extra)
    return result.returncode, result.stderr


@pytest.mark.slow  # a real crawl of the mirror
def test_crawl_stores_every_release_once_under_its_real_url(db_url: str, mirror: dict[str, str]):
    site = AzMirror()
    expected = {f"https://mfa.gov.az/en/news/{r.slug}" for r in site.releases}
    assert len(expected) >= 40

    code, err = _crawl(db_url, mirror["az"])
    assert code == 0, err
    engine = make_engine(db_url)
    with Session(engine) as conn:
        urls = conn.scalars(select(Document.url)).all()
        assert sorted(urls) == sorted(expected)
        docs = conn.execute(select(Document.url, Document.title, Document.published,
                                   Document.language, Document.text)).all()
        by_slug = {r.slug: r for r in site.releases}
        for url, title, published, language, text in docs:
            release = by_slug[url.rsplit("/", 1)[1]]
            assert published == release.published, url
            assert title == release.title, url
            assert language == "en"
            assert release.paragraphs[0] in text
            assert "Advanced settings" not in text  # page chrome is not release text
        run = conn.execute(select(CrawlRun)).scalar_one()
        assert (run.status, run.releases_new, run.listing_pages) == ("completed", len(expected), 6)  # 5 full pages + the empty 6th
        assert conn.scalar(select(func.count()).select_from(FrontierEntry)
                           .where(FrontierEntry.state == "stored")) == len(expected)
        assert conn.scalar(select(func.count()).select_from(Meeting)) > 0
        assert conn.scalar(select(func.count()).select_from(Statement)) > 0
        first_ids = conn.execute(select(Meeting.id, Meeting.document_id, Meeting.ordinal)
                                 .order_by(Meeting.id)).all()

    # A second, full crawl (an incremental one would stop at page 1) re-fetches
    # every release, adds nothing and changes no id.
    code, err = _crawl(db_url, mirror["az"], "--full")
    assert code == 0, err
    with Session(engine) as conn:
        assert conn.scalar(select(func.count()).select_from(Document)) == len(expected)
        last = conn.execute(select(CrawlRun).order_by(CrawlRun.id.desc())).scalars().first()
        assert last is not None
        assert (last.releases_new, last.releases_unchanged) == (0, len(expected))
        assert conn.execute(select(Meeting.id, Meeting.document_id, Meeting.ordinal)
                            .order_by(Meeting.id)).all() == first_ids
    engine.dispose()


@pytest.mark.slow  # a real crawl of the mirror
def test_crawl_then_export_and_query(tmp_path: Path, mirror: dict[str, str]):
    db_url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    code, err = _crawl(db_url, mirror["az"])
    assert code == 0, err
    out = tmp_path / "documents.csv"
    result = run_cli("export", "documents", "-o", str(out), "--db", db_url)
    assert result.returncode == 0, result.stderr
    header = out.read_text(encoding="utf-8").splitlines()[0]
    for column in ("url", "source", "title", "published", "language", "text"):
        assert column in header.split(",")
    result = run_cli("query", "select count(*) as n from documents where source_id = "
                     "(select id from sources where key = :k)", "-p", "k", "az",
                     "--format", "json", "--db", db_url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{"n": len(AzMirror().releases)}]


@pytest.mark.slow  # a real crawl of the mirror
def test_crawl_with_since_stops_paging(tmp_path: Path, mirror: dict[str, str]):
    db_url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    releases = AzMirror().releases
    cutoff = releases[14].published
    code, err = _crawl(db_url, mirror["az"], "--since", cutoff.isoformat())
    assert code == 0, err
    engine = make_engine(db_url)
    with Session(engine) as conn:
        stored = set(conn.scalars(select(Document.published)).all())
        pages = conn.scalar(select(CrawlRun.listing_pages))
    engine.dispose()
    assert min(stored) >= cutoff
    assert len(stored) == len({r.published for r in releases if r.published >= cutoff})
    assert pages == 2


@pytest.mark.parametrize("bad", ["http://127.0.0.1:9/", "http://10.0.0.1/"])
def test_private_addresses_are_refused_without_base_url(bad: str, tmp_path: Path):
    """A link or redirect to an internal address is refused: only --base-url may point there."""
    from scrapy.exceptions import IgnoreRequest
    from scrapy.http import Request

    from crawler.middlewares import LoopbackGuard

    guard = LoopbackGuard(None)
    with pytest.raises(IgnoreRequest):
        guard.process_request(Request(bad))
    assert LoopbackGuard("127.0.0.1:9").process_request(Request("http://127.0.0.1:9/x")) is None


@pytest.mark.slow  # a real crawl of the mirror
def test_reextract_keeps_every_id(db_url: str, mirror: dict[str, str]) -> None:
    """Re-running extraction, from the stored text or the raw HTML, changes no id and no record.

    It also re-runs each stage where needed: lost records come back from the stored
    text, and a document whose text stage is out of date gets its text from the raw
    HTML again (only that one, unless --text).
    """
    from db.documents import content_hash
    from db.models import Participant

    code, err = _crawl(db_url, mirror["az"])
    assert code == 0, err
    engine = make_engine(db_url)

    def snapshot() -> tuple[list, list, list]:
        with Session(engine) as s:
            return (
                s.execute(select(Meeting.id, Meeting.document_id, Meeting.date, Meeting.kind)
                          .order_by(Meeting.id)).all(),
                s.execute(select(Participant.id, Participant.meeting_id, Participant.person_id,
                                 Participant.country).order_by(Participant.id)).all(),
                s.execute(select(Statement.id, Statement.speaker_id, Statement.start_offset,
                                 Statement.end_offset).order_by(Statement.id)).all(),
            )

    before = snapshot()
    assert all(before)
    n = len(AzMirror().releases)
    result = run_cli("reextract", "--db", db_url)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"{n} documents re-extracted (0 from raw HTML): 0 changed, 0 failed" \
        in result.stderr
    assert snapshot() == before
    result = run_cli("reextract", "--text", "--db", db_url)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"{n} documents re-extracted ({n} from raw HTML): 0 changed, 0 failed" \
        in result.stderr
    assert snapshot() == before

    # Damage one document's records and another's text, marking that one's text stage old.
    with Session(engine) as s, s.begin():
        lost, stale = s.scalars(select(Statement.document_id).distinct()
                                .order_by(Statement.document_id).limit(2)).all()
        good_text = s.scalar(select(Document.text).where(Document.id == stale))
        s.execute(Statement.__table__.delete().where(Statement.document_id == lost))
        s.execute(Document.__table__.update().where(Document.id == stale)
                  .values(text="damaged", content_hash=content_hash("damaged"),
                          text_extractor="trafilatura-0.1+text-0"))
    result = run_cli("reextract", "--db", db_url)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"{n} documents re-extracted (1 from raw HTML): 1 changed, 0 failed" \
        in result.stderr
    with Session(engine) as s:
        assert s.scalar(select(Document.text).where(Document.id == stale)) == good_text
    after = snapshot()
    assert after[0] == before[0] and after[1] == before[1]
    # The lost statements are back with new ids; every other statement keeps its id.
    restored = {row for row in after[2] if row not in before[2]}
    assert len(after[2]) == len(before[2]) and restored
    engine.dispose()
