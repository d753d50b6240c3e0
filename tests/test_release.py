"""From a fetched page to a release: text, metadata fallbacks, language, records."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from crawler.pages.base import ReleasePage
from crawler.registry import get_source
from crawler.release import FetchedPage, ListingHints, NoContentError, build_release

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


# --- the one constructor of a release input (crawl, reextract and extract) ----------

UNDECLARED = ENGLISH.replace('<html lang="en">', "<html>").replace(
    "<title>MFA</title>", "").replace(
    "<h1>Minister Bayramov met with the Ambassador of Belarus</h1>", "")


def test_of_source_takes_page_object_country_and_language_from_the_source() -> None:
    az = get_source("az")
    fetched = FetchedPage.of_source(
        az, url="https://mfa.gov.az/en/news/1", body=b"<html></html>", encoding="utf-8",
        hints=ListingHints(title="Listed", date=dt.date(2020, 12, 4)), status=200,
        fetched_at=dt.datetime(2020, 12, 5, tzinfo=dt.UTC), etag='"e"', last_modified="x")
    assert fetched == FetchedPage(
        url="https://mfa.gov.az/en/news/1", body=b"<html></html>", encoding="utf-8",
        status=200, fetched_at=dt.datetime(2020, 12, 5, tzinfo=dt.UTC), etag='"e"',
        last_modified="x", listing_title="Listed", listing_date=dt.date(2020, 12, 4),
        release_page=az.release_page, language_hint="en", country="AZ")


def test_of_source_without_a_source_has_no_page_object_and_no_language() -> None:
    fetched = FetchedPage.of_source(None, url="file:///p.html", body=b"<p>x</p>",
                                    encoding=None, country="BY")
    assert (fetched.release_page, fetched.language_hint, fetched.country) == (None, None, "BY")
    assert (fetched.listing_title, fetched.listing_date, fetched.status) == (None, None, 200)
    assert fetched.fetched_at.tzinfo is dt.UTC


def test_of_source_country_overrides_the_sources() -> None:
    fetched = FetchedPage.of_source(get_source("az"), url="u", body=b"", encoding=None,
                                    country="BY")
    assert fetched.country == "BY"


def test_a_page_declaring_no_language_gets_the_sources() -> None:
    source = replace(get_source("az"), release_page=ReleasePage)
    release = build_release(FetchedPage.of_source(
        source, url="https://mfa.gov.az/en/news/1", body=UNDECLARED.encode(), encoding="utf-8",
        hints=ListingHints(title="Bayramov met Akhramovich", date=dt.date(2020, 12, 4))))
    assert release.language == "en"
    assert release.title == "Bayramov met Akhramovich"
    assert release.published == dt.date(2020, 12, 4)
    assert build_release(FetchedPage.of_source(
        None, url="https://mfa.gov.az/en/news/1", body=UNDECLARED.encode(),
        encoding="utf-8")).language is None
