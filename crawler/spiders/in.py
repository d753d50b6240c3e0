# ruff: noqa: N999  (the module is named by the source key "in", a Python keyword)
"""India: Ministry of External Affairs, press releases (the module is ``in``, a keyword:
load it by name, e.g. ``importlib.import_module("crawler.spiders.in")``)."""

from __future__ import annotations

import importlib
import re

from scrapy.http import Request

from crawler.pages.base import ListingEntry
from crawler.spiders.base import PressReleaseSpider

_pages = importlib.import_module("crawler.pages.in")  # `from crawler.pages.in` is a syntax error

_HOST = _pages.HOST
_DTL = re.compile(r"\?dtl/(\d+)/([^&#]*)")


class InSpider(PressReleaseSpider):
    """Source: Ministry of External Affairs of India, press releases,
    https://www.mea.gov.in/press-releases.htm?51/Press_Releases.

    Caveats: the HTML pages sit behind Akamai (listings redirected to ``/error.htm``
    in Dec 2025, a browser-requirement stub in Sept 2026), so the spider uses the
    XHR endpoints the site's own pages call, the route a careful collector used in
    Oct 2026: ``/FrontEnd/FetchPublicationListingData?publicationId=51&page=N&PageSize=10``
    (HTML cards, dates ``30 September, 2026``; ``publicationId=51`` is [inf] from
    the HTML URL) and ``/FrontEnd/FetchPublicationDetailData?pkid=<id>&languageId=1``
    for each release (title ``h2.titleText``, body ``div.description``; its date
    line ``October 02, 2026`` is [inf]). The detail route, not the
    ``press-releases.htm?dtl/...`` page, because its selectors are the documented
    ones and the wall was seen on the HTML pages. Releases are archived under
    ``https://www.mea.gov.in/press-releases.htm?dtl/<id>/<Slug>`` whatever link the
    card used. Paging stops on a short page (fewer cards than ``PageSize``), else
    on an empty one. Walls (a redirect to ``/error.htm``, "Access denied") are
    recorded as blocked. robots.txt allows everything; RSS answers 403.
    """

    name = "in"
    country = "IN"
    ministry = "Ministry of External Affairs, India"
    evidence_date = "2026-10"  # the Oct 2026 collector's route
    allowed_domains = ["mea.gov.in"]
    listing_page = _pages.InListingPage
    release_page = _pages.InReleasePage
    listing_url = listing_page.page_url_template.format(page=1)

    def release_request(self, entry: ListingEntry) -> Request:
        match = _DTL.search(entry.url)
        if not match:
            return super().release_request(entry)
        detail = f"{_HOST}/FrontEnd/FetchPublicationDetailData?pkid={match.group(1)}&languageId=1"
        return Request(detail, callback=self.parse_release, errback=self.release_failed,
                       cb_kwargs={"entry": entry})

    @classmethod
    def canonical(cls, url: str) -> str:
        match = _DTL.search(url)
        if match:
            return f"{_HOST}/press-releases.htm?dtl/{match.group(1)}/{match.group(2)}"
        return super().canonical(url)
