"""Pages of France's Ministry for Europe and Foreign Affairs, https://www.diplomatie.gouv.fr/en/press/news
"""

from __future__ import annotations

import re

from crawler.pages.base import LastPage, ListingPage, NextPage, ReleasePage

_PAGE = re.compile(r"[?&]page=(\d+)")


class FrListingPage(ListingPage):
    """DSFR cards ``article.fr-card``; dates like ``May 13th 2026``."""

    item_css = "article.fr-card"
    link_css = "h3.fr-card__title a::attr(href)"
    title_css = "h3.fr-card__title a ::text"
    date_css = "div.fr-card__end p.fr-card__detail ::text"
    date_formats = ("%B %d %Y", "%B %d, %Y")
    page_url_template = "https://www.diplomatie.gouv.fr/en/press/news?page={page}"

    def next_page(self, page: int) -> NextPage | LastPage:
        """Up to the last page the pager links; without a pager, on to an empty page."""
        last = self.last_page
        if last is not None and page >= last:
            return LastPage(f"the pager's last page is {last}")
        return super().next_page(page)

    @property
    def last_page(self) -> int | None:
        """The 0-based number of the last page, from the DSFR pager [inf]; ``None`` without one."""
        pager = self.response.css("nav.fr-pagination")
        if not pager:
            return None
        numbers = [int(m.group(1)) for href in pager.css("a::attr(href)").getall()
                   if (m := _PAGE.search(href))]
        current = pager.css("a[aria-current=page]::attr(href)").re_first(r"page=(\d+)")
        return max([*numbers, int(current) if current else 0])


class FrReleasePage(ReleasePage):
    """``article.node--view-mode-full``: ``h1``, ``On : March 31st 2025``, body ``.fr-mt-6w .fr-col-md-8``."""

    title_css = "article.node--view-mode-full h1 ::text"
    date_css = ".diplomatie--hdp-date span.diplomatie--text-bold ::text"
    date_formats = ("On : %B %d %Y", "Published on : %B %d %Y", "%B %d %Y")
    body_css = (
        ".fr-mt-6w .fr-col-md-8 p, .fr-mt-6w .fr-col-md-8 li, .fr-mt-6w .fr-col-md-8 h2,"
        " .fr-mt-6w .fr-col-md-8 h3, .fr-mt-6w .fr-col-md-8 h4"
    )
