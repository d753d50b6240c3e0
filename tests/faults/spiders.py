"""The fault site's spider: a plain ``PressReleaseSpider`` over ``https://faults.test``.

Loaded only when ``SCRAPY_SETTINGS_MODULE=tests.faults.settings``, so it never
shows up among the real sources.
"""

from __future__ import annotations

from crawler.pages.base import ListingPage, ReleasePage
from crawler.spiders.base import PressReleaseSpider


class FaultsListingPage(ListingPage):
    item_css = "ul.news li"
    link_css = "a::attr(href)"
    title_css = "a::text"
    date_css = "span.date::text"
    date_formats = ("%Y-%m-%d",)
    page_url_template = "https://faults.test/list?page={page}"


class FaultsReleasePage(ReleasePage):
    body_css = "div.article p"
    title_css = "h1::text"
    date_css = "span.date::text"
    date_formats = ("%Y-%m-%d",)


class FaultsSpider(PressReleaseSpider):
    """Source: the loopback fault server (tests/faults/server.py)."""

    name = "faults"
    country = "ZZ"
    ministry = "Ministry of Faults"
    allowed_domains = ["faults.test"]
    listing_url = "https://faults.test/list?page=1"
    listing_page = FaultsListingPage
    release_page = FaultsReleasePage
