"""Smoke test over the registry of spiders: each declares what a source needs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pycountry
import pytest

from crawler.mirror.sites import SITES
from crawler.registry import all_sources

SPIDERS = {s.key: s.spider for s in all_sources()}
KINDS = {s.key: s.kind for s in all_sources()}


@pytest.mark.parametrize("key", sorted(SPIDERS))
def test_spider_declares_a_source(key: str) -> None:
    cls = SPIDERS[key]
    assert cls.name == key
    assert re.fullmatch(r"[a-z]{2}", key)
    assert pycountry.countries.get(alpha_2=cls.country) is not None
    assert cls.country.lower() == key
    assert cls.ministry and cls.listing_url.startswith("https://")
    assert cls.allowed_domains
    assert cls.listing_page is not None and cls.release_page is not None
    assert cls.__doc__ and "Source:" in cls.__doc__
    if KINDS[key] == "coded":  # declared sources: the generic mirror (issue 12, part 2)
        assert key in SITES, f"source {key} has no mirror"


def test_registry_lists_az() -> None:
    assert "az" in SPIDERS


def test_bad_since_is_a_clear_error() -> None:
    from scrapy.utils.test import get_crawler

    from crawler.exceptions import SpiderArgumentError

    crawler = get_crawler(SPIDERS["az"])
    with pytest.raises(SpiderArgumentError, match="since"):
        SPIDERS["az"].from_crawler(crawler, since="yesterday")


FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("case", ["am/listing_first", "am/listing_last", "cn/listing_first",
                                  "cn/listing_page1", "tr/listing_first", "tr/listing_postback",
                                  "ru/listing_first"])
def test_the_base_spider_pages_by_the_listing_pages_hook(case: str) -> None:
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    key = case.split("/")[0]
    data = json.loads((FIXTURES / case / "case.json").read_text(encoding="utf-8"))
    response = HtmlResponse(url=data["url"], body=(FIXTURES / case / "page.html").read_bytes(),
                            encoding=data.get("encoding"))
    cls = SPIDERS[key]
    spider = cls.from_crawler(get_crawler(cls))
    requests = list(spider.next_page_requests(response, cls.listing_page(response), data["page"]))
    if data["next_page"] == "last":
        assert requests == []
        return
    [request] = requests
    assert (request.url, request.cb_kwargs) == (data["next_page"], {"page": data["page"] + 1})
    # tr pages by a postback of the listing's form, to the listing's own URL.
    assert request.method == ("POST" if key == "tr" else "GET")
    if key == "tr":
        assert b"__EVENTARGUMENT=Page%242" in request.body
