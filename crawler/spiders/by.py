"""Belarus: Ministry of Foreign Affairs, English news, listed through the date-search form."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import FormRequest, Request, Response, TextResponse

from crawler.items import FetchFailure, ReleaseItem
from crawler.pages.by import ByListingPage, ByReleasePage
from crawler.spiders.base import Discovered, PressReleaseSpider

_ONE_DAY = dt.timedelta(days=1)


class BySpider(PressReleaseSpider):
    """Source: Ministry of Foreign Affairs of the Republic of Belarus, news,
    https://mfa.gov.by/en/press/news_mfa/.

    Caveats: listed through the page's date-search form, never by page number:
    GET the page (a session cookie and ``input#ggtoken``), then POST
    ``page=1&ggtoken=...&date_from=DD.MM.YYYY&date_to=DD.MM.YYYY`` with the cookie
    and a Referer. A query returns at most ten releases, so the spider walks back
    in windows of ``window_days`` from the newest date the page shows (today if
    none) and splits a window that comes back full. Without ``since`` it stops
    after ``empty_windows`` empty windows in a row [inf: the archive's first date
    is not published]. Dates ``1 October 2026`` (``span.date._big``; the date of
    each result row is [inf]). Pages are windows-1251, declared in a
    ``<meta http-equiv>`` [inf: the header's charset was not observed]. The TLS
    chain failed Python's verification of robots.txt in 2026; robots.txt only
    disallows ``/cgi-bin``, ``/admin``, ``/ckeditor``, ``/tmp``. The
    "Statements" section has no dates and is not collected.
    """

    name = "by"
    country = "BY"
    ministry = "Ministry of Foreign Affairs of the Republic of Belarus"
    evidence_date = "2026-10"  # dates read in October 2026
    allowed_domains = ["mfa.gov.by"]
    listing_url = "https://mfa.gov.by/en/press/news_mfa/"
    listing_page = ByListingPage
    release_page = ByReleasePage
    window_days = 14
    per_query = 10  # the form's cap: a full answer may hide more
    empty_windows = 4

    async def start(self) -> AsyncIterator[Request]:
        yield Request(self.listing_url, callback=self.parse_form, errback=self.listing_failed)

    def parse_form(self, response: Response) -> Iterator[Any]:
        """The GET page: its newest releases, the token and where the walk starts."""
        outputs = list(self.parse_listing(response, page=0))
        yield from outputs
        if any(isinstance(o, FetchFailure) for o in outputs):
            return
        assert isinstance(response, TextResponse)
        listing = ByListingPage(response)
        if not listing.token:
            yield FetchFailure(source=self.name, url=response.url, release=False,
                               reason="no ggtoken on the search form")
            return
        end = listing.newest_date() or dt.date.today()
        yield self.window_request(self.window_start(end), end, token=listing.token,
                                  page=self.first_page, walk=True)

    def parse_window(
        self, response: Response, page: int, start: dt.date, end: dt.date, walk: bool,
        token: str, empties: int = 0,
    ) -> Iterator[Request | ReleaseItem | FetchFailure | Discovered]:
        outputs = list(self.parse_listing(response, page))
        yield from outputs
        if any(isinstance(o, FetchFailure) for o in outputs):
            return
        assert isinstance(response, TextResponse)
        listing = ByListingPage(response)
        token = listing.token or token
        found = len(listing.entries())
        if found >= self.per_query and start < end:
            middle = start + (end - start) // 2
            for low, high in ((start, middle), (middle + _ONE_DAY, end)):
                yield self.window_request(low, high, token=token, page=page, walk=False)
        elif found >= self.per_query:
            self.logger.warning("more than %d releases on %s: some are not listed",
                                self.per_query, start)
        empties = 0 if found else empties + 1
        next_end = start - _ONE_DAY
        if (not walk or empties >= self.empty_windows or page >= self.max_pages
                or (self.since is not None and next_end < self.since)):
            return
        yield self.window_request(self.window_start(next_end), next_end, token=token,
                                  page=page + 1, walk=True, empties=empties)

    def window_start(self, end: dt.date) -> dt.date:
        start = end - dt.timedelta(days=self.window_days - 1)
        return max(start, self.since) if self.since else start

    def window_request(self, start: dt.date, end: dt.date, *, token: str, page: int,
                       walk: bool, empties: int = 0) -> FormRequest:
        return FormRequest(
            self.listing_url,
            formdata={"page": "1", "ggtoken": token,
                      "date_from": f"{start:%d.%m.%Y}", "date_to": f"{end:%d.%m.%Y}"},
            headers={"Referer": self.listing_url},
            callback=self.parse_window,
            errback=self.listing_failed,
            cb_kwargs={"page": page, "start": start, "end": end, "walk": walk,
                       "token": token, "empties": empties},
            dont_filter=True,
        )
