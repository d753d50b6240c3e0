"""The generic declared spider and its page objects, over small pages written for the test.

Each paging kind of the declarations is driven offline: a listing response goes
into ``parse_listing`` and the test reads what the spider asks for next.
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
import tomllib
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.declared.loader import declaration_from, load_declarations
from crawler.declared.pages import release_page_class
from crawler.declared.schema import ReleaseSpec
from crawler.declared.spider import DeclaredSpider, spider_class
from crawler.items import FetchFailure
from crawler.pages.base import ListingEntry
from crawler.release import FetchedPage, build_release
from crawler.spiders.base import Discovered

HEAD = '''\
key = "fr"
country = "FR"
ministry = "Ministry of Testing"
language = "{language}"
allowed_domains = ["mfa.example"]

[evidence]
section = "sites.md §99"
date = "2026-10"
strength = "medium"

[release]
body = "div.text"
title = "h1::text"
drop = ["div.share", 'xpath:./p[starts-with(normalize-space(.), "Photo:")]']

[walls]
markers = ["Radware Bot Manager Captcha"]
'''


def spider_for(toml: str, *, today: str = "2026-01-05", language: str = "en") -> DeclaredSpider:
    declaration = declaration_from(tomllib.loads(HEAD.format(language=language) + toml),
                                   Path("fr.toml"))
    cls = spider_class(declaration)
    crawler = get_crawler(cls, settings_dict={"ARCHIVE_TODAY": today})
    spider = cls.from_crawler(crawler)
    assert isinstance(spider, DeclaredSpider)
    return spider


async def _start(spider: DeclaredSpider) -> list[Request]:
    return [r async for r in spider.start()]


def start_requests(spider: DeclaredSpider) -> list[Request]:
    import asyncio

    return asyncio.run(_start(spider))


def respond(request: Request, body: str, *, status: int = 200,
            cls: type[TextResponse] = HtmlResponse) -> TextResponse:
    return cls(request.url, body=body.encode("utf-8"), encoding="utf-8", status=status,
               request=request)


def run_listing(spider: DeclaredSpider, request: Request, body: str, **kwargs: Any) -> list[Any]:
    response = respond(request, body, **kwargs)
    return list(spider.parse_listing(response, **request.cb_kwargs))


def listing_requests(out: list[Any]) -> list[Request]:
    return [o for o in out if isinstance(o, Request) and o.callback.__name__ == "parse_listing"]


def release_entries(out: list[Any]) -> list[ListingEntry]:
    return [o.cb_kwargs["entry"] for o in out
            if isinstance(o, Request) and o.callback.__name__ == "parse_release"]


HTML_ITEMS = '''
[listing.items]
item = "ul.news li"
link = "a::attr(href)"
title = "a::text"
date = "span.date::text"
date_formats = ["%d.%m.%Y"]
date_sample = "03.12.2026"
'''


def news(*rows: tuple[str, str, str], pager: str = "") -> str:
    items = "".join(f'<li><a href="{href}">{title}</a> <span class="date">{date}</span></li>'
                    for href, title, date in rows)
    return f"<html><body><ul class='news'>{items}</ul>{pager}</body></html>"


# -- template ---------------------------------------------------------------------------


def test_template_pages_from_first_page_and_pages_sections_by_the_same_parameter() -> None:
    spider = spider_for('''
[listing]
url = "https://mfa.example/news"
sections = ["https://mfa.example/statements?lang=en"]
[listing.paging]
kind = "template"
template = "https://mfa.example/news?page={page}"
first_page = 0
''' + HTML_ITEMS)
    main, section = start_requests(spider)
    assert (main.url, main.cb_kwargs["page"]) == ("https://mfa.example/news", 0)
    out = run_listing(spider, main, news(("/n/1", "First", "02.12.2026"),
                                         ("https://mfa.example/n/2", "Second", "01.12.2026")))
    entries = release_entries(out)
    assert [(e.url, e.title, e.date) for e in entries] == [
        ("https://mfa.example/n/1", "First", dt.date(2026, 12, 2)),
        ("https://mfa.example/n/2", "Second", dt.date(2026, 12, 1)),
    ]
    assert next(d for d in out if isinstance(d, Discovered)).entries[0].url == \
        "https://mfa.example/n/1"
    assert [r.url for r in listing_requests(out)] == ["https://mfa.example/news?page=1"]
    out = run_listing(spider, section, news(("/s/1", "S", "02.12.2026")))
    assert [r.url for r in listing_requests(out)] == [
        "https://mfa.example/statements?lang=en&page=1"]


def test_template_stops_on_an_empty_page_a_missing_more_link_and_the_last_page() -> None:
    toml = '''
[listing]
url = "https://mfa.example/news"
[listing.paging]
kind = "template"
template = "https://mfa.example/news?p={page}"
more = 'a[title="Next"]'
last_page = "ul.pagination li.last a::attr(data-page)"
''' + HTML_ITEMS
    spider = spider_for(toml)
    (first,) = start_requests(spider)
    assert listing_requests(run_listing(spider, first, news())) == []
    row = ("/n/1", "One", "02.12.2026")
    assert listing_requests(run_listing(spider, first, news(row))) == []  # no "Next" link
    pager = '<a title="Next" href="?p=2">Next</a>'
    last = '<ul class="pagination"><li class="last"><a data-page="1">1</a></li></ul>'
    spider = spider_for(toml)
    (first,) = start_requests(spider)
    assert listing_requests(run_listing(spider, first, news(row, pager=pager + last))) == []
    spider = spider_for(toml)
    (first,) = start_requests(spider)
    out = run_listing(spider, first, news(row, pager=pager))
    assert [r.url for r in listing_requests(out)] == ["https://mfa.example/news?p=2"]


def test_offset_steps() -> None:
    spider = spider_for('''
[listing]
url = "https://mfa.example/news?skip=0"
[listing.paging]
kind = "offset"
template = "https://mfa.example/news?skip={offset}"
first_offset = 0
step = 10
''' + HTML_ITEMS)
    (first,) = start_requests(spider)
    out = run_listing(spider, first, news(("/n/1", "One", "02.12.2026")))
    (second,) = listing_requests(out)
    assert second.url == "https://mfa.example/news?skip=10"
    out = run_listing(spider, second, news(("/n/2", "Two", "01.12.2026")))
    assert [r.url for r in listing_requests(out)] == ["https://mfa.example/news?skip=20"]


def test_next_link_is_followed_relative_to_the_page() -> None:
    spider = spider_for('''
[listing]
url = "https://mfa.example/press/index.html"
[listing.paging]
kind = "next_link"
next = "div.pager a.next::attr(href)"
''' + HTML_ITEMS)
    (first,) = start_requests(spider)
    pager = '<div class="pager"><a class="next" href="index_2.html">next</a></div>'
    out = run_listing(spider, first, news(("x1.html", "One", "02.12.2026"), pager=pager))
    assert [e.url for e in release_entries(out)] == ["https://mfa.example/press/x1.html"]
    assert [r.url for r in listing_requests(out)] == ["https://mfa.example/press/index_2.html"]


# -- monthly (Japan: dl.title-list, dates without a year) -----------------------------------

JP = '''
[listing]
url = "https://mfa.example/press/release/index.html"
[listing.paging]
kind = "monthly"
template = "https://mfa.example/press/release/{yyyymm}_index.html"
months = 4
[listing.items]
item = "dl.title-list > dd li"
link = "a::attr(href)"
title = "a ::text"
date = "xpath:string(ancestor::dd[1]/preceding-sibling::dt[1])"
date_formats = ["%B %d"]
date_sample = "July 7"
'''


def title_list(*days: tuple[str, list[tuple[str, str]]]) -> str:
    blocks = "".join(
        f"<dt>{day}</dt><dd><ul>"
        + "".join(f'<li><a href="{href}">{title}</a></li>' for href, title in links)
        + "</ul></dd>" for day, links in days)
    return f'<html><body><dl class="title-list">{blocks}</dl></body></html>'


def test_monthly_archives_cross_the_year_boundary_with_dates_without_a_year() -> None:
    spider = spider_for(JP, today="2026-01-05")
    (index,) = start_requests(spider)
    out = run_listing(spider, index, title_list(
        ("January 5", [("/press/release/pressite_000001_00010.html", "Visit of <b>X</b>")]),
        ("December 29", [("pressite_000001_00009.html", "Talks")])))
    entries = release_entries(out)
    assert [(e.url, e.title, e.date) for e in entries] == [
        ("https://mfa.example/press/release/pressite_000001_00010.html", "Visit of X",
         dt.date(2026, 1, 5)),
        ("https://mfa.example/press/release/pressite_000001_00009.html", "Talks",
         dt.date(2025, 12, 29)),  # index.html: a December date read in January is last year's
    ]
    (january,) = listing_requests(out)
    assert january.url == "https://mfa.example/press/release/202601_index.html"
    # The crawl month's archive repeats index.html: nothing new, the walk goes on by month.
    out = run_listing(spider, january, title_list(
        ("January 5", [("/press/release/pressite_000001_00010.html", "Visit of X")])))
    assert release_entries(out) == []
    (december,) = listing_requests(out)
    assert december.url == "https://mfa.example/press/release/202512_index.html"
    out = run_listing(spider, december, title_list(
        ("December 31", [("/press/release/pressite_000001_00008.html", "Statement")])))
    assert [e.date for e in release_entries(out)] == [dt.date(2025, 12, 31)]
    (november,) = listing_requests(out)
    assert november.url.endswith("/202511_index.html")
    # An empty or missing month is skipped, not a stop; `months` bounds the walk.
    out = run_listing(spider, november, "<html><body>Not found</body></html>", status=404)
    assert not [o for o in out if isinstance(o, FetchFailure)]
    (october,) = listing_requests(out)
    assert october.url.endswith("/202510_index.html")
    assert listing_requests(run_listing(spider, october, title_list())) == []  # 4 months walked


def test_monthly_with_year_and_month_and_pages_inside_a_month() -> None:
    spider = spider_for('''
[listing]
url = "https://mfa.example/comunicati/"
[listing.paging]
kind = "monthly"
template = "https://mfa.example/comunicati/?anno_pub={year}&mese_pub={month}"
next = 'xpath://a[normalize-space(.)="Next page"]/@href'
''' + HTML_ITEMS, today="2026-03-10")
    (first,) = start_requests(spider)
    pager = '<a href="?pag=2">Next page</a>'
    out = run_listing(spider, first, news(("/c/1", "One", "09.03.2026"), pager=pager))
    assert [r.url for r in listing_requests(out)] == ["https://mfa.example/comunicati/?pag=2"]
    out = run_listing(spider, listing_requests(out)[0], news(("/c/2", "Two", "01.03.2026")))
    assert [r.url for r in listing_requests(out)] == [
        "https://mfa.example/comunicati/?anno_pub=2026&mese_pub=3"]


# -- feeds and sitemaps -----------------------------------------------------------------


RSS = '''
[listing]
url = "https://mfa.example/rss.xml"
[listing.paging]
kind = "feed"
[listing.items]
item = "xpath://channel/item"
link = "xpath:link/text()"
title = "xpath:title/text()"
date = "xpath:pubDate/text()"
date_formats = ["%a, %d %b %Y %H:%M:%S %z"]
date_sample = "Tue, 07 Oct 2025 16:45:00 +1100"
'''


@pytest.mark.parametrize("cls", [XmlResponse, HtmlResponse])
def test_rss_feed_with_declared_xpaths(cls: type[TextResponse]) -> None:
    # Served as text/html, <link> would be a void element: feeds are read as XML either way.
    spider = spider_for(RSS)
    (feed,) = start_requests(spider)
    rss = ('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
           '<item><title>Visit</title><link>https://mfa.example/r/visit</link>'
           '<pubDate>Tue, 07 Oct 2025 16:45:00 +1100</pubDate></item></channel></rss>')
    out = list(spider.parse_listing(respond(feed, rss, cls=cls), page=1))
    assert [(e.url, e.title, e.date) for e in release_entries(out)] == [
        ("https://mfa.example/r/visit", "Visit", dt.date(2025, 10, 7))]
    assert listing_requests(out) == []


def test_atom_feed_with_the_default_items() -> None:
    spider = spider_for('''
[listing]
url = "https://mfa.example/atom.xml"
[listing.paging]
kind = "feed"
''')
    (feed,) = start_requests(spider)
    atom = ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry>'
            '<title>Talks</title><link href="https://mfa.example/r/talks"/>'
            '<updated>2025-06-24T10:00:00Z</updated></entry></feed>')
    out = list(spider.parse_listing(respond(feed, atom, cls=XmlResponse), page=1))
    assert [(e.url, e.title, e.date) for e in release_entries(out)] == [
        ("https://mfa.example/r/talks", "Talks", dt.date(2025, 6, 24))]


def test_sitemap_index_children_and_url_pattern() -> None:
    spider = spider_for('''
[listing]
url = "https://mfa.example/sitemap.xml"
[listing.paging]
kind = "sitemap"
url_pattern = "/press/"
''')
    (index,) = start_requests(spider)
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    out = list(spider.parse_listing(respond(index, (
        f'<?xml version="1.0"?><sitemapindex {ns}><sitemap><loc>https://mfa.example/sm-1.xml'
        '</loc></sitemap></sitemapindex>'), cls=XmlResponse), page=1))
    (child,) = listing_requests(out)
    assert child.url == "https://mfa.example/sm-1.xml"
    out = list(spider.parse_listing(respond(child, (
        f'<?xml version="1.0"?><urlset {ns}>'
        '<url><loc>https://mfa.example/press/a</loc><lastmod>2025-05-01</lastmod></url>'
        '<url><loc>https://mfa.example/about</loc></url></urlset>'), cls=XmlResponse), page=2))
    assert [(e.url, e.date) for e in release_entries(out)] == [
        ("https://mfa.example/press/a", dt.date(2025, 5, 1))]


# -- JSON -------------------------------------------------------------------------------


def test_json_pages_with_items_path_and_link_template() -> None:
    spider = spider_for('''
[listing]
url = "https://api.mfa.example/news?page=0"
headers = { code = "mfa" }
[listing.paging]
kind = "json"
template = "https://api.mfa.example/news?page={page}"
first_page = 0
items_path = "content"
[listing.items]
item = "content"
link = "id"
link_template = "https://mfa.example/news/{link}?lang=en"
title = "name"
date = "publishedDate|createdDate"
date_formats = ["%Y-%m-%dT%H:%M:%S%z"]
date_sample = "2025-04-15T10:32:11+05:00"
''')
    (first,) = start_requests(spider)
    assert first.headers.get("code") == b"mfa"
    body = json.dumps({"content": [
        {"id": 7, "name": " Talks ", "publishedDate": "2025-04-15T10:32:11+05:00"},
        {"id": 8, "name": "Visit", "createdDate": "2025-04-14T09:00:00+05:00"}]})
    out = run_listing(spider, first, body, cls=TextResponse)
    assert [(e.url, e.title, e.date) for e in release_entries(out)] == [
        ("https://mfa.example/news/7?lang=en", "Talks", dt.date(2025, 4, 15)),
        ("https://mfa.example/news/8?lang=en", "Visit", dt.date(2025, 4, 14))]
    assert [r.url for r in listing_requests(out)] == ["https://api.mfa.example/news?page=1"]
    assert listing_requests(run_listing(spider, listing_requests(out)[0],
                                        '{"content": []}', cls=TextResponse)) == []


UA = '''
[listing]
url = "https://mfa.example/api/timeline?page=1"
[listing.paging]
kind = "json"
template = "https://mfa.example/api/timeline?page={page}"
items_path = "data"
[listing.items]
item = "data"
link = "url"
title = "title"
date = "@key"
date_formats = ["%Y-%m-%d"]
date_sample = "2025-06-30"
'''
UA_DATA = {"2025-06-30": [{"url": "https://mfa.example/en/news/a", "title": "A"}],
           "2025-06-29": [{"url": "https://mfa.example/en/news/b", "title": "B"}]}


@pytest.mark.parametrize("body", [json.dumps({"data": UA_DATA}),
                                  json.dumps({"data": json.dumps(UA_DATA)})],
                         ids=["object", "string"])
def test_json_items_under_date_keys_and_inside_a_string(body: str) -> None:
    spider = spider_for(UA)
    (first,) = start_requests(spider)
    out = run_listing(spider, first, body, cls=TextResponse)
    assert [(e.url, e.date) for e in release_entries(out)] == [
        ("https://mfa.example/en/news/a", dt.date(2025, 6, 30)),
        ("https://mfa.example/en/news/b", dt.date(2025, 6, 29))]
    assert [r.url for r in listing_requests(out)] == ["https://mfa.example/api/timeline?page=2"]


def test_json_cursor_single_object_and_end_of_cursor() -> None:
    spider = spider_for('''
[listing]
url = "https://api.mfa.example/news?publishedDate>=2024-01-01T00:00:00"
[listing.paging]
kind = "json"
template = "https://api.mfa.example/news?publishedDate>={cursor}"
items_path = "feed.entry"
cursor = "publishedDate"
[listing.items]
item = "feed.entry"
link = "link"
title = "title"
date = "publishedDate"
date_formats = ["%Y-%m-%dT%H:%M:%S%z"]
date_sample = "2025-06-24T11:30:00-04:00"
''')
    (first,) = start_requests(spider)
    one = {"feed": {"entry": {"link": "https://mfa.example/n/1", "title": "One",
                              "publishedDate": "2025-06-24T11:30:00-04:00"}}}
    out = run_listing(spider, first, json.dumps(one), cls=TextResponse)
    assert [e.url for e in release_entries(out)] == ["https://mfa.example/n/1"]
    (second,) = listing_requests(out)
    assert second.url.endswith("publishedDate%3E=2025-06-24T11:30:00-04:00") or \
        second.url.endswith("publishedDate>=2025-06-24T11:30:00-04:00")
    # The same item again at the cursor's instant: nothing new, the walk ends.
    assert listing_requests(run_listing(spider, second, json.dumps(one), cls=TextResponse)) == []


def test_json_whose_items_are_an_html_fragment() -> None:
    spider = spider_for('''
[listing]
url = "https://mfa.example/Filter?page=1"
[listing.paging]
kind = "json"
template = "https://mfa.example/Filter?page={page}"
items_path = "Message"
items_format = "html"
[listing.items]
item = "div.sortcompact"
link = "a::attr(href)"
title = "a::text"
keep_if = 'a[href*="/ministry-for-foreign-affairs/"]'
''')
    (first,) = start_requests(spider)
    fragment = ('<div class="sortcompact"><a href="/press/a/">A</a>'
                '<a href="/gov/ministry-for-foreign-affairs/">MFA</a></div>'
                '<div class="sortcompact"><a href="/press/b/">B</a>'
                '<a href="/gov/ministry-of-finance/">MoF</a></div>')
    out = run_listing(spider, first, json.dumps({"Message": fragment, "TotalCount": 2}),
                      cls=TextResponse)
    assert [(e.url, e.title) for e in release_entries(out)] == [
        ("https://mfa.example/press/a/", "A")]


# -- canonical URLs and walls -------------------------------------------------------------

TW = '''
[listing]
url = "https://en.mofa.example/News.aspx?n=1329&sms=272&page=1&PageSize=100"
sections = ["https://en.mofa.example/News.aspx?n=1330&sms=274&page=1&PageSize=100"]
[listing.paging]
kind = "template"
template = "https://en.mofa.example/News.aspx?n=1329&sms=272&page={page}&PageSize=100"
[listing.items]
item = 'xpath://table//tr[.//a[contains(@href, "News_Content.aspx")]]'
link = 'a[href*="News_Content.aspx"]::attr(href)'
title = 'a[href*="News_Content.aspx"]::text'
[canonical]
host = "en.mofa.example"
keep_query = ["n", "s"]
'''


def test_one_release_linked_with_and_without_sms_is_requested_and_archived_once() -> None:
    spider = spider_for(TW)
    press, statements = start_requests(spider)
    row = '<tr><td>2026-09-25</td><td><a href="{}">Talks</a></td></tr>'
    out = run_listing(spider, press, "<table>" + row.format(
        "News_Content.aspx?n=1329&sms=272&s=121702") + "</table>")
    (entry,) = release_entries(out)
    assert spider.canonical(entry.url) == \
        "https://en.mofa.example/News_Content.aspx?n=1329&s=121702"
    out = run_listing(spider, statements, "<table>" + row.format(
        "News_Content.aspx?n=1329&s=121702") + "</table>")
    assert release_entries(out) == []  # the same release under its other link form
    assert [r.url for r in listing_requests(out)] == [
        "https://en.mofa.example/News.aspx?n=1330&sms=274&page=2&PageSize=100"]


def test_declared_wall_marker_on_a_listing_and_a_release_is_blocked_never_stored() -> None:
    spider = spider_for('''
[listing]
url = "https://mfa.example/news"
[listing.paging]
kind = "none"
''' + HTML_ITEMS)
    (first,) = start_requests(spider)
    wall = "<html><head><title>Radware Bot Manager Captcha</title></head><body>x</body></html>"
    (failure,) = run_listing(spider, first, wall)
    assert isinstance(failure, FetchFailure) and failure.blocked and not failure.release
    entry = ListingEntry(url="https://mfa.example/n/1", title="One", date=None)
    request = spider.release_request(entry)
    (failure,) = list(spider.parse_release(respond(request, wall), entry))
    assert isinstance(failure, FetchFailure) and failure.blocked
    assert "Radware" in failure.reason
    # A bare 403 (a bot wall without a marker) is blocked by the common rule.
    (failure,) = list(spider.parse_release(respond(request, "<p>Forbidden</p>", status=403),
                                           entry))
    assert isinstance(failure, FetchFailure) and failure.blocked


# -- release pages --------------------------------------------------------------------------

RELEASE = '''<html lang="es"><body><h1>Reunión del canciller</h1>
<div class="text"><p>Photo: Archivo</p><p>El canciller se reunió hoy con su homólogo.</p>
<div class="share">Compartir</div><p>Ambos hablaron de comercio.</p></div></body></html>'''


def test_release_page_body_drops_and_title() -> None:
    spider = spider_for('''
[listing]
url = "https://mfa.example/news"
''' + HTML_ITEMS)
    page = spider.release_page.parse("https://mfa.example/n/1", RELEASE.encode(), "utf-8")
    assert page.title == "Reunión del canciller"
    assert page.body == "El canciller se reunió hoy con su homólogo.\nAmbos hablaron de comercio."


def test_release_page_class_crosses_to_workers_by_value() -> None:
    spider = spider_for('''
[listing]
url = "https://mfa.example/news"
''' + HTML_ITEMS)
    cls = pickle.loads(pickle.dumps(spider.release_page))
    assert cls is release_page_class(spider.declaration.release, "en")
    assert cls.language == "en"
    assert cls.spec.drop == ("div.share", 'xpath:./p[starts-with(normalize-space(.), "Photo:")]')


def test_non_english_release_is_stored_with_its_language_and_no_records() -> None:
    spider = spider_for('''
[listing]
url = "https://mfa.example/news"
''' + HTML_ITEMS, language="es")
    release = build_release(FetchedPage(
        url="https://mfa.example/n/1", body=RELEASE.encode(), encoding="utf-8", status=200,
        fetched_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC), release_page=spider.release_page,
        language_hint=spider.language, country=spider.country))
    assert release.language == "es"
    assert release.records.meetings == () and release.records.statements == ()
    # The declared language outranks the page's <html lang> (Arabic texts under /en).
    english_chrome = RELEASE.encode().replace(b'lang="es"', b'lang="en"')
    release = build_release(FetchedPage(
        url="https://mfa.example/n/1", body=english_chrome, encoding="utf-8", status=200,
        fetched_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC), release_page=spider.release_page,
        language_hint=spider.language, country=spider.country))
    assert release.language == "es" and release.records.meetings == ()
    assert "Compartir" not in release.text


def test_escaped_html_body_and_month_names() -> None:
    from crawler.declared.schema import DateRule, ReleaseSpec

    cls = release_page_class(ReleaseSpec(
        body="xpath://document/content", title="xpath://document/title/text()",
        body_format="escaped-html",
        date=DateRule(selector="xpath://document/available/text()", formats=("%d %B %Y",),
                      month_names="ar-levant")))
    xml = ('<?xml version="1.0" encoding="utf-8"?><document><title>Titel</title>'
           '<available>21 حزيران 2025</available>'
           '<content>&lt;p&gt;Eerste alinea.&lt;/p&gt;&lt;p&gt;Tweede.&lt;/p&gt;</content>'
           '</document>')
    page = cls.parse("https://api.example/doc/1", xml.encode(), "utf-8")
    assert page.title == "Titel"
    assert page.date == dt.date(2025, 6, 21)
    assert page.body == "Eerste alinea.\nTweede."


@pytest.mark.parametrize("declaration", load_declarations(), ids=lambda d: d.key)
def test_every_package_declaration_makes_a_spider(declaration: Any) -> None:
    cls = spider_class(declaration)
    assert cls.name == declaration.key and cls.kind == "declared"
    assert cls.__doc__ and "Source:" in cls.__doc__ and declaration.evidence.section in cls.__doc__
    spider = cls.from_crawler(get_crawler(cls))
    requests = start_requests(spider)
    assert requests[0].url == declaration.listing.url or declaration.listing.paging.cursor


def test_without_release_selectors_the_listing_title_and_a_year_less_date_are_corrected() -> None:
    """A stand-in marks its release page up otherwise: the listing title wins over
    trafilatura's, and trafilatura's date wins over a listing date that has the same
    day in another year (a year the listing did not print)."""
    spider = spider_for('''
[listing]
url = "https://mfa.example/news"
''' + HTML_ITEMS)
    page = ('<html><head><title>Press | Ministry</title>'
            '<meta property="article:published_time" content="2025-11-20"></head><body>'
            '<main><h2>Other heading</h2><p>' + "The Foreign Minister met the Ambassador. " * 8
            + '</p></main></body></html>')
    release = build_release(FetchedPage(
        url="https://mfa.example/n/1", body=page.encode(), encoding="utf-8", status=200,
        fetched_at=dt.datetime(2026, 12, 3, tzinfo=dt.UTC), release_page=spider.release_page,
        listing_title="Talks with the Ambassador", listing_date=dt.date(2026, 11, 20),
        language_hint="en", country="FR"))
    assert release.title == "Talks with the Ambassador"
    assert release.published == dt.date(2025, 11, 20)


def test_a_coded_subclass_registered_for_a_key_keeps_the_declaration(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A site needing behaviour (here: a date window on the listing URL) subclasses the
    generic spider; the declaration still gives everything else."""
    from crawler.declared import spider as declared_spider

    class WindowSpider(DeclaredSpider):
        def listing_request(self, url: str, *, page: int, **kwargs: Any) -> Request:
            return super().listing_request(f"{url}?from=2026-01-01", page=page, **kwargs)

    monkeypatch.setitem(declared_spider.CODED, "fr", WindowSpider)
    spider = spider_for('''
[listing]
url = "https://mfa.example/news"
''' + HTML_ITEMS)
    assert isinstance(spider, WindowSpider) and spider.ministry == "Ministry of Testing"
    (first,) = start_requests(spider)
    assert first.url == "https://mfa.example/news?from=2026-01-01"


def test_a_page_past_the_last_that_repeats_the_last_ends_the_walk() -> None:
    """A clamping pager (page 3 of 2 answers page 2 again) ends the walk, per listing."""
    spider = spider_for('''
[listing]
url = "https://mfa.example/news"
sections = ["https://mfa.example/statements?page=1"]
[listing.paging]
kind = "template"
template = "https://mfa.example/news?page={page}"
''' + HTML_ITEMS)
    first, section = start_requests(spider)
    rows = [("/n/1", "One", "02.12.2026")]
    (second,) = listing_requests(run_listing(spider, first, news(*rows)))
    again = run_listing(spider, second, news(("/n/2", "Two", "01.12.2026")))
    (third,) = listing_requests(again)
    assert listing_requests(run_listing(spider, third, news(("/n/2", "Two", "01.12.2026")))) == []
    # Another listing that lists the same release is its own walk.
    assert [r.url for r in listing_requests(run_listing(spider, section, news(*rows)))] == [
        "https://mfa.example/statements?page=2"]


def test_body_until_ends_the_body_at_the_first_element_it_picks() -> None:
    spec = ReleaseSpec(body="div.essay", body_until=("div.area-editor", "div.page-footer"),
                       drop=("span.note",))
    page = release_page_class(spec, "en").parse("https://mfa.example/n/1", b'''<html><body>
<div class="essay"><p>First.</p><div><p>Second <span class="note">(x)</span>kept.</p>
<div class="area-editor">Publish Date</div><p>Attached files</p></div>
<p>Photo gallery</p><div class="page-footer">Back</div></div><p>Outside.</p></body></html>''',
        "utf-8")
    assert page.body == "First.\nSecond kept."


def test_monthly_walk_goes_on_past_its_window_through_the_archive_links() -> None:
    """Past ``months``, the older archive months the pages linked to, newest first."""
    spider = spider_for(JP.replace("months = 4", "months = 1"), today="2026-01-05")
    (index,) = start_requests(spider)
    archive = ('<ul class="archive"><li><a href="202301_index.html">January 2023</a></li>'
               '<li><a href="/press/release/202411_index.html#top">November 2024</a></li>'
               '<li><a href="/press/release/202612_index.html">a month after the window</a></li>'
               '<li><a href="/press/release/index.html">Latest</a></li></ul>')
    out = run_listing(spider, index, title_list().replace("</body>", archive + "</body>"))
    (january,) = listing_requests(out)
    assert january.url.endswith("/202601_index.html")  # the window: one month
    (november,) = listing_requests(run_listing(spider, january, title_list()))
    assert november.url.endswith("/202411_index.html")
    out = run_listing(spider, november, title_list(
        ("November 29", [("pressite_000001_00001.html", "Talks")])))
    assert [e.date for e in release_entries(out)] == [dt.date(2024, 11, 29)]  # its year
    (older,) = listing_requests(out)
    assert older.url.endswith("/202301_index.html")
    assert listing_requests(run_listing(spider, older, title_list())) == []
