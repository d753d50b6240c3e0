"""United Kingdom: Foreign, Commonwealth & Development Office, news on GOV.UK."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.http import Request

from crawler.pages.base import ListingEntry
from crawler.pages.gb import COUNT, SEARCH, SITE, GbListingPage, GbReleasePage
from crawler.spiders.base import PressReleaseSpider


class GbSpider(PressReleaseSpider):
    """Source: Foreign, Commonwealth & Development Office, GOV.UK Search API
    (``/api/search.json?filter_organisations=foreign-commonwealth-development-office``).

    Caveats: the listing is JSON (``results[]`` with ``link``, ``title``,
    ``public_timestamp``; ``total``), paged with ``start`` in steps of ``count``
    and stopped once ``start`` reaches ``total``. Only ``/government/news/``
    results (press releases, news stories) are archived; speeches and other
    news-and-communications formats are skipped, and a page of them alone does
    not end the crawl. Bodies come from the Content API,
    ``/api/content/government/news/<slug>`` (``title``, ``first_published_at``,
    ``details.body`` HTML), so the raw page stored is that JSON; documents are
    keyed under ``https://www.gov.uk/government/news/<slug>``. The listing date
    is ``public_timestamp`` (the latest update), the page date the first
    publication. The "Media enquiries" tail of the body is cut [inf]. No bot
    wall reported.
    """

    name = "gb"
    country = "GB"
    ministry = "Foreign, Commonwealth & Development Office"
    evidence_date = "2026-10"  # undated code: the survey's month
    allowed_domains = ["www.gov.uk"]
    listing_url = SEARCH.format(count=COUNT, start=0)
    first_page = 0
    listing_page = GbListingPage
    release_page = GbReleasePage

    def release_request(self, entry: ListingEntry) -> Request:
        request = super().release_request(entry)
        return request.replace(url=f"{SITE}/api/content{urlsplit(entry.url).path}")
