"""Pages of Pakistan's MOFA, https://mofa.gov.pk/press-releases."""

from __future__ import annotations

import datetime as dt

from parsel import Selector

from crawler.dates import parse_date
from crawler.pages.base import LastPage, ListingPage, NextPage, ReleasePage

_CARD = "contains(concat(' ', normalize-space(@class), ' '), ' card ')"
_CALENDAR = "contains(concat(' ', normalize-space(@class), ' '), ' fa-calendar-alt ')"
# Page chrome inside the body container: the share bar and the related-stories heading.
_CHROME_LINES = frozenset({"Print", "Share", "Print Share", "Related Stories"})


def _calendar_date(selection: Selector, formats: tuple[str, ...]) -> dt.date | None:
    # The date is the text right after the calendar icon: `<i class="fa-calendar-alt"></i> 01 Oct 2026`.
    text = selection.xpath(f"(.//i[{_CALENDAR}])[1]/following-sibling::text()[1]").get()
    return parse_date(text, formats)


class PkListingPage(ListingPage):
    """Cards: ``<a href="…/press-releases/<slug>"><div class="card">…<h5>Title</h5>…``."""

    item_css = "a"  # narrowed to anchors wrapping a card in items()
    link_css = "::attr(href)"
    title_css = "h5 ::text"
    date_formats = ("%d %b %Y", "%d %B %Y")
    page_url_template = "https://mofa.gov.pk/press-releases?page={page}"

    def next_page(self, page: int) -> NextPage | LastPage:
        """While the pager links a next page; without a pager, on to an empty page."""
        if self.has_next is False:
            return LastPage("the pager links no next page")
        return super().next_page(page)

    def items(self) -> list[Selector]:
        return list(self.response.xpath(f"//a[@href][div[{_CARD}]]"))

    def entry_date(self, item: Selector) -> dt.date | None:
        return _calendar_date(item, tuple(self.date_formats))

    @property
    def has_next(self) -> bool | None:
        """Whether the Bootstrap pager links a next page; ``None`` without a pager [inf]."""
        if not self.response.css("ul.pagination"):
            return None
        return bool(self.response.css("ul.pagination a[rel=next]"))


class PkReleasePage(ReleasePage):
    """Title ``div.filter-title h2``; body ``div.m-5.text-justify`` up to the related-story cards."""

    title_css = "div.filter-title h2 ::text"
    body_css = "div.m-5.text-justify"
    date_formats = ("%d %b %Y", "%d %B %Y")

    @property
    def date(self) -> dt.date | None:
        # [inf] the page repeats the card's calendar line under the title.
        header = self.response.css("div.filter-title")
        return _calendar_date(header[0], tuple(self.date_formats)) if header else None

    @property
    def body(self) -> str | None:
        container = self.response.css(self.body_css or "")
        if not container:
            return None
        # Paragraphs in document order, cut at the first related-story card.
        lines: list[str] = []
        for node in container[0].xpath(f".//p | .//div[{_CARD}]"):
            if node.root.tag == "div":
                break
            # Text nodes joined with a space: the sign-off is "Islamabad<br>8 May 2026".
            line = " ".join(" ".join(node.css("::text").getall()).split())
            if line and line not in _CHROME_LINES:
                lines.append(line)
        text = "\n".join(lines)
        return text or None
