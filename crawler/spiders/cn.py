"""China: Ministry of Foreign Affairs, English news and spokesperson's press conferences."""

from __future__ import annotations

import re
from typing import ClassVar

from scrapy.http import Request

from crawler.pages.base import ListingEntry
from crawler.pages.cn import CnListingPage, CnReleasePage
from crawler.spiders.base import PressReleaseSpider

_INDEX = re.compile(r"index(?:_\d+)?\.html$")


class CnSpider(PressReleaseSpider):
    """Source: Ministry of Foreign Affairs of the People's Republic of China,
    https://www.mfa.gov.cn/eng/xw/ (also served as https://www.fmprc.gov.cn/eng/).

    Caveats: each section in ``sections`` pages as ``index.html``, then
    ``index_1.html``, ``index_2.html``...; the page's script declares
    ``countPage = N``, and paging stops at page N-1 (the real site caps at about
    143 pages and answers 302 to a "system" page beyond). Links are relative,
    ``./YYYYMM/tYYYYMMDD_N.html``; the date is read from the URL on listings
    and from ``meta[name=PubDate]`` (``YYYY-MM-DD HH:MM:SS``) on pages. The two
    host names are interchangeable: releases are requested and keyed under
    ``www.mfa.gov.cn``. robots.txt redirects to an HTML "system" page (no
    rules); removed pages answer 200 with that page. RSS was discontinued.
    """

    name = "cn"
    country = "CN"
    ministry = "Ministry of Foreign Affairs of the People's Republic of China"
    evidence_date = "2026-08"  # the newest dated fact, August 2026
    allowed_domains = ["mfa.gov.cn", "fmprc.gov.cn"]
    listing_url = "https://www.mfa.gov.cn/eng/xw/wjbxw/index.html"
    sections: ClassVar[tuple[str, ...]] = (
        listing_url,  # ministry news
        "https://www.fmprc.gov.cn/eng/xw/fyrbt/lxjzh/index.html",  # regular press conferences
        "https://www.mfa.gov.cn/eng/xw/fyrbt/fyrbt/index.html",  # spokesperson's remarks
    )
    first_page = 0
    canonical_host = "www.mfa.gov.cn"
    listing_page = CnListingPage
    release_page = CnReleasePage

    def release_request(self, entry: ListingEntry) -> Request:
        # Either host serves the page: fetch it where it is archived, once.
        request = super().release_request(entry)
        return request.replace(url=self.canonical(entry.url))
