"""Pages of the Turkish MFA, https://www.mfa.gov.tr/sub.en.mfa?<GUID>."""

from __future__ import annotations

import datetime as dt
import re

from parsel import Selector

from crawler.dates import parse_date
from crawler.pages.base import LastPage, ListingPage, NextPage, ReleasePage

# "No: 187, 1 October 2026, Regarding ..." / "QA-15, 8 September 2026, Statement of ..."
_TITLE_DATE = re.compile(r"\b(\d{1,2} [A-Z][a-z]+ \d{4})\b")
_FORMATS = ("%d %B %Y",)


def date_in_title(title: str | None) -> dt.date | None:
    """The issue date the title carries after its release number."""
    match = _TITLE_DATE.search(title or "")
    return parse_date(match.group(1), _FORMATS) if match else None


class TrListingPage(ListingPage):
    """GridView page: ``div.sub_lstitm > a``; folder entries (``/sub.en.mfa?...``) are skipped."""

    item_css = "div.sub_lstitm > a"
    link_css = "::attr(href)"
    title_css = None  # the anchor's text is the title

    def items(self) -> list[Selector]:
        # Folders (a year, a sub-category) link another listing, not a release.
        return [a for a in self.response.css(self.item_css)
                if ".mfa" in (a.attrib.get("href") or "")
                and not a.attrib.get("href", "").lstrip("/").startswith("sub.")]

    def entry_date(self, item: Selector) -> dt.date | None:
        return date_in_title(self.entry_title(item))

    def next_page(self, page: int) -> NextPage | LastPage:
        """While the pager offers ``Page$<page + 1>``: a postback of this page's form
        to its own URL (the spider builds it)."""
        target = f"'Page${page + 1}'"
        if any(target in href for href in self.response.css("a::attr(href)").getall()
               if "__doPostBack" in href):
            return NextPage(self.response.url)
        return LastPage(f"the pager offers no Page${page + 1}")


class TrReleasePage(ReleasePage):
    """Title in ``span.lead > strong`` (dated); body ``span.mfa-content-text`` up to a ``<script>``."""

    title_css = "span.lead > strong ::text"
    body_css = "span.mfa-content-text"

    @property
    def date(self) -> dt.date | None:
        return date_in_title(self.title)

    @property
    def body(self) -> str | None:
        paragraphs: list[str] = []
        for node in self.response.css("span.mfa-content-text > *"):
            if node.root.tag == "script":
                break
            text = " ".join(node.xpath("string()").get("").split())
            if text:
                paragraphs.append(text)
        return "\n".join(paragraphs) or None
