"""The source registry: one record per key, from providers, and clear errors for unknown keys."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from crawler.exceptions import UnknownSourceError
from crawler.registry import (
    DuplicateSourceError,
    Registry,
    Source,
    all_sources,
    get_source,
    resolve_sources,
)
from crawler.spiders.base import PressReleaseSpider

EXPECTED_KEYS = ["am", "az", "by", "cn", "fr", "gb", "in", "pk", "ru", "tr", "us"]


def test_every_coded_source_in_key_order() -> None:
    sources = all_sources()
    assert [s.key for s in sources if s.kind == "coded"] == EXPECTED_KEYS
    assert [s.key for s in sources] == sorted(s.key for s in sources)


def test_declared_sources_are_registered_with_their_evidence_date() -> None:
    declared = {s.key: s for s in all_sources() if s.kind == "declared"}
    assert {"jp", "tw", "de", "ua"} <= set(declared)
    jp = declared["jp"]
    assert jp.evidence_date == "2026-10-08" and jp.spider.name == "jp"
    assert jp.release_page is jp.spider.release_page
    assert jp.canonical("http://www.mofa.go.jp/press/release/a.html#x") == \
        "https://www.mofa.go.jp/press/release/a.html"
    assert all(s.evidence_date for s in all_sources())


def test_a_source_record_carries_its_spider_facts() -> None:
    az = get_source("az")
    assert az.country == "AZ"
    assert az.ministry == "Ministry of Foreign Affairs of the Republic of Azerbaijan"
    assert az.language == "en"
    assert az.listing_url == "https://www.mfa.gov.az/en/news?page=1"
    assert az.allowed_domains == ("mfa.gov.az",)
    assert issubclass(az.spider, PressReleaseSpider) and az.spider.name == "az"
    assert az.listing_page is az.spider.listing_page
    assert az.release_page is az.spider.release_page
    with pytest.raises(dataclasses.FrozenInstanceError):
        az.country = "XX"  # type: ignore[misc]


def test_canonical_rule_is_the_sources() -> None:
    # az keys documents under the host without www; in rewrites detail URLs to the HTML page.
    assert get_source("az").canonical("https://www.mfa.gov.az/en/news/123") == \
        "https://mfa.gov.az/en/news/123"
    assert get_source("in").canonical(
        "https://www.mea.gov.in/FrontEnd/x?dtl/40123/Visit_of_X&y=1") == \
        "https://www.mea.gov.in/press-releases.htm?dtl/40123/Visit_of_X"


def test_owns_a_host_and_its_subdomains() -> None:
    cn = get_source("cn")
    assert cn.owns("www.fmprc.gov.cn") and cn.owns("mfa.gov.cn")
    assert not cn.owns("notmfa.gov.cn.example") and not cn.owns("gov.cn")


def test_unknown_key_is_one_clear_error() -> None:
    with pytest.raises(UnknownSourceError, match=r"^unknown source xx; known: am, ar, au, az, "):
        get_source("xx")
    with pytest.raises(UnknownSourceError, match=r"^unknown source xx, yy; known: am"):
        resolve_sources(["az", "xx", "yy"])


def test_resolve_keeps_order_and_drops_repeats() -> None:
    assert [s.key for s in resolve_sources(["ru", "az", "ru"])] == ["ru", "az"]
    assert [s.key for s in resolve_sources([], every=True)] == [s.key for s in all_sources()]


def _extra(key: str) -> Source:
    return dataclasses.replace(get_source("az"), key=key, country=key.upper(), kind="declared")


def test_providers_and_registered_sources_join_the_coded_ones() -> None:
    def declared() -> Iterator[Source]:
        yield _extra("zz")

    registry = Registry([lambda: [get_source("az")]])
    registry.add_provider(declared)
    registry.register(_extra("yy"))
    assert list(registry.sources()) == ["az", "yy", "zz"]
    assert registry.get("zz").kind == "declared"
    assert [s.key for s in registry.resolve(["zz", "az"])] == ["zz", "az"]


def test_a_key_given_twice_is_refused() -> None:
    registry = Registry([lambda: [get_source("az")]])
    registry.register(get_source("az"))
    with pytest.raises(DuplicateSourceError, match="'az'"):
        registry.sources()
