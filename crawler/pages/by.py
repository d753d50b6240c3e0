"""Pages of the Belarusian MFA, https://mfa.gov.by/en/press/news_mfa/.

Pages are windows-1251; Scrapy decodes them by their declared charset.
"""

from __future__ import annotations

import datetime as dt
import re

from parsel import Selector

from crawler.pages.base import ListingPage, ReleasePage

_RELEASE_LINK = re.compile(r"/(en/)?press/news_mfa/[0-9a-f]{16}\.html$")


class ByListingPage(ListingPage):
    """Results of the date-search form: ``div.tabs__item`` rows linking ``<16 hex>.html``.

    Each row's date (``1 October 2026``) in ``span.date`` is [inf]. One page per
    query (no ``page_url_template``): the spider walks date windows instead.
    """

    item_css = "div.tabs__item li"
    link_css = "a::attr(href)"
    title_css = "a ::text"
    date_css = "span.date::text"
    date_formats = ("%d %B %Y",)

    def items(self) -> list[Selector]:
        return [item for item in self.response.css(self.item_css)
                if _RELEASE_LINK.search(item.css("a::attr(href)").get(""))]

    @property
    def token(self) -> str | None:
        """The form's anti-bot token (``input#ggtoken``), needed by every search POST."""
        return self.response.css("input#ggtoken::attr(value)").get()

    def newest_date(self) -> dt.date | None:
        dates = [e.date for e in self.entries() if e.date]
        return max(dates) if dates else None


class ByReleasePage(ReleasePage):
    """Title ``<h1>``, date ``span.date._big``, body after the date up to the print link."""

    title_css = "h1 ::text"
    date_css = "span.date._big::text"
    date_formats = ("%d %B %Y",)

    @property
    def body(self) -> str | None:
        paragraphs: list[str] = []
        for node in self.response.css("span.date._big").xpath("following-sibling::*"):
            if node.css("a[href^='/print/']") or "content-page__social" in node.attrib.get(
                    "class", ""):
                break
            text = " ".join(node.xpath("string()").get("").split())
            if text:
                paragraphs.append(text)
        return "\n".join(paragraphs) or None
