# ruff: noqa: N999  (the module is named by the source key "in", a Python keyword)
"""Pages of the Indian MEA, https://www.mea.gov.in press releases.

Both are XHR fragments: the listing cards of ``FetchPublicationListingData`` and
the detail of ``FetchPublicationDetailData``.
"""

from __future__ import annotations

from parsel import Selector

from crawler.pages.base import LastPage, ListingPage, NextPage, ReleasePage

HOST = "https://www.mea.gov.in"
PUBLICATION = 51  # press releases (49: media briefings, 50: speeches & statements)
PAGE_SIZE = 10


class InListingPage(ListingPage):
    """Cards: ``<span class="date">30 September, 2026</span>`` and ``h3.pressTitle a``.

    The card's own wrapper class is not documented, so an item is the parent of
    ``h3.pressTitle``.
    """

    item_css = "h3.pressTitle"
    link_css = "h3.pressTitle a::attr(href)"
    title_css = "h3.pressTitle a ::text"
    date_css = "span.date::text"
    date_formats = ("%d %B, %Y", "%d %B %Y")
    page_url_template = (
        f"{HOST}/FrontEnd/FetchPublicationListingData?publicationId={PUBLICATION}"
        f"&KeywordName=&SortBy=new&page={{page}}&PageSize={PAGE_SIZE}"
        "&DateRange=&IsInternalMEA=false&PLngId=1"
    )

    def next_page(self, page: int) -> NextPage | LastPage:
        """The next page while this one is full; a short page is the last one."""
        if len(self.entries()) < PAGE_SIZE:
            return LastPage(f"fewer than {PAGE_SIZE} cards")
        return super().next_page(page)

    def items(self) -> list[Selector]:
        return list(self.response.xpath("//h3[contains(concat(' ', @class, ' '), ' pressTitle ')]/.."))


class InReleasePage(ReleasePage):
    """Detail fragment: title ``h2.titleText``, body ``div.description`` up to ``div.d-flex.tags``."""

    title_css = "h2.titleText ::text"
    date_css = "span.date::text"  # [inf] "October 02, 2026", as on the HTML pages
    date_formats = ("%B %d, %Y", "%d %B, %Y")
    body_css = "div.description > p"
