"""Pages of the Azerbaijani MFA, https://www.mfa.gov.az/en/news."""

from __future__ import annotations

import datetime as dt

from parsel import Selector

from crawler.dates import parse_date
from crawler.pages.base import ListingPage, ReleasePage


class AzListingPage(ListingPage):
    """``?page=N`` listing; the releases are in the *second* ``div.section_content``."""

    item_css = "a.section_newsIn_item"
    link_css = "::attr(href)"
    title_css = "div.section_newsIn_item_content--header ::text"
    date_formats = ("%d %B %Y",)
    page_url_template = "https://www.mfa.gov.az/en/news?page={page}"

    def items(self) -> list[Selector]:
        sections = self.response.css("div.section_content")
        if len(sections) < 2:
            return []
        return list(sections[1].css(self.item_css))

    def entry_date(self, item: Selector) -> dt.date | None:
        # span[0] is a category or short description, span[1] the date.
        spans = item.css("div.section_newsIn_item_content_information span")
        if len(spans) < 2:
            return None
        return parse_date(" ".join(spans[1].css("::text").getall()), self.date_formats)


class AzReleasePage(ReleasePage):
    body_css = "div.section_articleInner_body_content--description p"
