"""Small, fast checks of the reliability pieces the end-to-end fault tests rely on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from crawler.middlewares import MislabelledEncoding, retry_after_seconds
from db import frontier, runs
from db.locks import SourceLock
from db.migrate import ensure_schema
from db.session import make_engine, make_sessionmaker


def test_retry_after_seconds_and_http_dates() -> None:
    now = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
    assert retry_after_seconds(b"3") == 3.0
    assert retry_after_seconds("Fri, 27 Nov 2026 12:00:30 GMT", now=now) == 30.0
    assert retry_after_seconds("Fri, 27 Nov 2026 11:00:00 GMT", now=now) == 0.0
    assert retry_after_seconds(b"soon") is None
    assert retry_after_seconds(None) is None


def test_backoff_grows_and_is_capped() -> None:
    hour = dt.timedelta(hours=1)
    assert [frontier.retry_delay(n) for n in (1, 2, 3)] == [hour, 4 * hour, 16 * hour]
    assert frontier.retry_delay(30) == dt.timedelta(days=7)
    assert frontier.retry_delay(3, dt.timedelta(0)) == dt.timedelta(0)


def test_failed_urls_wait_for_their_backoff(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.sqlite'}")
    ensure_schema(engine)
    sessions = make_sessionmaker(engine)
    url = "https://mfa.example/en/news/1"
    with sessions.begin() as session:
        source = runs.ensure_source(session, key="xx", country="XX", ministry="M",
                                    listing_url="https://mfa.example/en/news")
        run = runs.start_run(session, source_id=source, base_url=None)
        frontier.record_discovered(session, source_id=source, entries=[
            frontier.Discovery(url=url, title="One", date=dt.date(2026, 1, 2))])
        assert [t.url for t in frontier.frontier_plan(session, source).queue] == [url]
        frontier.record_failure(session, source_id=source, run_id=run, url=url,
                                reason="HTTP 500")
        now = dt.datetime.now(dt.UTC)
        assert frontier.frontier_plan(session, source, now=now).queue == ()
        assert url in frontier.frontier_plan(session, source, now=now).skip
        later = frontier.frontier_plan(session, source, now=now + dt.timedelta(hours=2))
        (task,) = later.queue
        assert (task.url, task.title, task.date) == (url, "One", dt.date(2026, 1, 2))
    engine.dispose()


def test_the_sqlite_lock_is_exclusive_and_freed(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.sqlite'}")
    first, second = SourceLock(engine, "az"), SourceLock(engine, "az")
    assert first.acquire()
    assert not second.acquire()  # flock is per open file: another holder is refused
    with SourceLock(engine, "by") as other:  # other sources are independent
        assert other.acquire()
    first.release()
    assert second.acquire()
    second.release()
    engine.dispose()


def test_a_page_mislabelled_as_utf8_is_redecoded() -> None:
    from scrapy.http import HtmlResponse, Request

    text = "<html><body><p>" + "Министр иностранных дел провёл переговоры. " * 20 + "</p></body></html>"
    response = HtmlResponse("https://x.test/", body=text.encode("cp1251"),
                            headers={"Content-Type": "text/html; charset=utf-8"})
    fixed = MislabelledEncoding().process_response(Request("https://x.test/"), response)
    assert "Министр иностранных дел" in fixed.text
    # A UTF-8 page with one stray bad byte stays UTF-8 (the byte becomes U+FFFD).
    good = HtmlResponse("https://x.test/", body=text.encode("utf-8") + b"\xff",
                        headers={"Content-Type": "text/html; charset=utf-8"})
    assert MislabelledEncoding().process_response(Request("https://x.test/"), good) is good
