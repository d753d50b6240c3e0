"""Smoke test over the registry of spiders: each declares what a source needs."""

from __future__ import annotations

import re

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
