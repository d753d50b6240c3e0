"""From a fetched page to a release: text, metadata fallbacks, language, records."""

from __future__ import annotations

import datetime as dt

import pytest

from crawler.pages.base import ReleasePage
from crawler.release import FetchedPage, NoContentError, build_release

ENGLISH = """<html lang="en"><head><title>MFA</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Minister Bayramov met with the Ambassador of Belarus</h1>
<p>On 4 December 2020, Minister of Foreign Affairs of the Republic of Azerbaijan Jeyhun
Bayramov met with the outgoing Ambassador of Belarus to Azerbaijan Gennady Akhramovich.</p>
<p>Minister Bayramov thanked the ambassador for his contribution to the development of
bilateral relations. Ambassador Akhramovich expressed satisfaction with the level of ties.</p>
</article></body></html>"""

RUSSIAN = """<html lang="ru"><head><meta charset="windows-1251"><title>МИД</title></head><body>
<article><h1>Министр провёл встречу с послом</h1>
<p>4 декабря 2020 года Министр иностранных дел встретился с послом. Стороны обсудили
широкий круг вопросов двустороннего сотрудничества и отметили высокий уровень связей.</p>
<p>Министр поблагодарил посла за вклад в развитие отношений между двумя странами.</p>
</article></body></html>"""


def page(body: bytes, encoding: str = "utf-8", **kwargs: object) -> FetchedPage:
    return FetchedPage(url="https://mfa.example/en/news/1", body=body, encoding=encoding,
                       status=200, fetched_at=dt.datetime(2020, 12, 5, tzinfo=dt.UTC),
                       **kwargs)  # type: ignore[arg-type]


def test_english_release_gets_text_language_and_records() -> None:
    release = build_release(page(ENGLISH.encode(), country="AZ",
                                 listing_date=dt.date(2020, 12, 4)))
    assert release.language == "en"
    assert release.published == dt.date(2020, 12, 4)
    assert "Home" not in release.text.split("\n")[0]
    assert len(release.records.meetings) == 1
    names = {p.name for p in release.records.meetings[0].participants}
    assert names == {"Jeyhun Bayramov", "Gennady Akhramovich"}


def test_non_english_page_is_stored_with_its_language_and_no_records() -> None:
    release = build_release(page(RUSSIAN.encode("cp1251"), encoding="cp1251", country="BY"))
    assert release.language == "ru"
    assert "Министр поблагодарил посла" in release.text
    assert release.records.meetings == () and release.records.statements == ()


class DatedPage(ReleasePage):
    """A source whose release pages carry their date and title."""

    title_css = "h1::text"
    date_css = "p.date::text"
    body_css = "article p"


def test_the_page_object_runs_in_build_release_and_its_date_wins() -> None:
    html = ENGLISH.replace("<article>", '<article><p class="date">4 December 2020</p>')
    release = build_release(page(html.encode(), release_page=DatedPage,
                                 listing_date=dt.date(2021, 3, 1)))
    assert release.published == dt.date(2020, 12, 4)
    assert release.title == "Minister Bayramov met with the Ambassador of Belarus"
    # Without the page object, trafilatura's date (none here) falls back to the listing's.
    assert build_release(page(html.encode(), listing_date=dt.date(2021, 3, 1))).published \
        == dt.date(2021, 3, 1)


def test_a_page_without_text_is_refused() -> None:
    with pytest.raises(NoContentError):
        build_release(page(b"<html><head><title>x</title></head><body>  </body></html>"))
