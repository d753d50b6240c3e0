"""Türkiye: Ministry of Foreign Affairs, English press releases and statements."""

from __future__ import annotations

from form2request import form2request
from scrapy.http import Request, TextResponse

from crawler.pages.base import NextPage
from crawler.pages.tr import TrListingPage, TrReleasePage
from crawler.spiders.base import PressReleaseSpider


class TrSpider(PressReleaseSpider):
    """Source: Ministry of Foreign Affairs of the Republic of Türkiye, press releases and
    statements, https://www.mfa.gov.tr/sub.en.mfa?248a41bb-6744-4d91-91f7-500bd7a2cac1.

    Caveats: the listing is an ASP.NET GridView (ten rows a page [inf]): page 1 is a
    GET, later pages a postback of the page's form (``__VIEWSTATE`` and the other
    hidden fields, ``__EVENTTARGET=sb$grd``, ``__EVENTARGUMENT=Page$N``); paging stops
    when the pager offers no ``Page$N+1``. Folder rows (``/sub.en.mfa?...``: a year or
    a sub-category) are skipped. The issue date is only in the title,
    ``No: 187, 1 October 2026, Regarding ...`` (``%d %B %Y``; ``QA-15, ...`` for
    spokesperson answers). robots.txt has no rules; an RSS feed exists
    (``en.rss.mfa?<GUID>``) but only the listing pages back to the start.
    """

    name = "tr"
    country = "TR"
    ministry = "Ministry of Foreign Affairs of the Republic of Türkiye"
    evidence_date = "2026-10"  # dates read in October 2026
    allowed_domains = ["mfa.gov.tr"]
    listing_url = "https://www.mfa.gov.tr/sub.en.mfa?248a41bb-6744-4d91-91f7-500bd7a2cac1"
    canonical_host = "www.mfa.gov.tr"
    listing_page = TrListingPage
    release_page = TrReleasePage

    def next_page_request(self, response: TextResponse, following: NextPage, page: int) -> Request:
        # A postback of the page's form, with every hidden field of it (__VIEWSTATE...).
        request: Request = form2request(
            response.css("form#form1"),
            {"__EVENTTARGET": "sb$grd", "__EVENTARGUMENT": f"Page${page}"},
            click=False,
        ).to_scrapy(
            callback=self.parse_listing,
            errback=self.listing_failed,
            cb_kwargs={"page": page},
        )
        return request
