"""Pages of the U.S. Department of State, https://www.state.gov/press-releases/."""

from __future__ import annotations

import datetime as dt
import re

from parsel import Selector

from crawler.dates import parse_date
from crawler.pages.base import LastPage, ListingEntry, ListingPage, NextPage, ReleasePage

# Only the Office of the Spokesperson's releases are press statements; the
# collection also lists briefings and other bureaus' releases.
STATEMENT_PATH = "/releases/office-of-the-spokesperson/"
_PAGED = re.compile(r"/page/(\d+)/?$")


class UsListingPage(ListingPage):
    """WordPress collection: ``li.collection-result`` with ``a.collection-result__link``."""

    item_css = "li.collection-result"
    link_css = "a.collection-result__link::attr(href)"
    title_css = "a.collection-result__link ::text"
    date_css = ".collection-result-meta span"
    date_formats = ("%B %d, %Y",)
    page_url_template = "https://www.state.gov/press-releases/page/{page}/"

    def next_page(self, page: int) -> NextPage | LastPage:
        """Up to the last page the pager links; without a pager, on to an empty page."""
        last = self.last_page
        if last is not None and page >= last:
            return LastPage(f"the pager's last page is {last}")
        return super().next_page(page)

    def entry_date(self, item: Selector) -> dt.date | None:
        # The meta line may hold the document type ("Press Statement") in a
        # span before the date [inf]: the first span that parses is the date.
        for span in item.css(self.date_css or ""):
            found = parse_date(" ".join(span.css("::text").getall()), self.date_formats)
            if found:
                return found
        return None

    def entries(self) -> list[ListingEntry]:
        return [e for e in super().entries() if STATEMENT_PATH in e.url]

    def listed_dates(self) -> list[dt.date]:
        """The dates of every item listed, statements or not."""
        dates = (self.entry_date(item) for item in self.items())
        return [d for d in dates if d is not None]

    @property
    def last_page(self) -> int | None:
        """The highest page the WordPress pager links [inf]; ``None`` without a pager."""
        pager = self.response.css("div.pagination, nav.pagination")
        if not pager:
            return None
        pages = [int(m.group(1)) for href in pager.css("a::attr(href)").getall()
                 if (m := _PAGED.search(href.split("?")[0]))]
        current = pager.css(".current::text").re_first(r"\d+")
        return max([*pages, int(current) if current else 1])


class UsReleasePage(ReleasePage):
    """Title ``h1``; date ``.article-meta__publish-date``; body ``.entry-content`` paragraphs."""

    title_css = "h1 ::text"
    date_css = ".article-meta__publish-date ::text"
    date_formats = ("%B %d, %Y",)
    body_css = ".entry-content > p, .entry-content > ul > li, .entry-content > h2, .entry-content > h3"

    @property
    def body(self) -> str | None:
        # Drop the summary index, tags and share blocks (outside the selected
        # children) and the "###" end mark.
        paragraphs = (
            " ".join(node.xpath("string()").get("").split())
            for node in self.response.css(self.body_css or "")
            if not _is_chrome(node)
        )
        text = "\n".join(p for p in paragraphs if p and p.strip("# ") != "")
        return text or None


def _is_chrome(node: Selector) -> bool:
    return bool(node.xpath(
        "ancestor-or-self::*[ancestor::*[contains(@class, 'entry-content')]]"
        "[contains(@class, 'wp-block-summary-article-index')"
        " or contains(@class, 'tags') or contains(@class, 'share')]"
    ))
