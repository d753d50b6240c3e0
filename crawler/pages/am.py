"""Pages of the Armenian MFA, https://www.mfa.am/en/news."""

from __future__ import annotations

import re

from crawler.pages.base import LastPage, ListingPage, NextPage, ReleasePage

_PAGE_PARAM = re.compile(r"[?&]page=(\d+)")


class AmListingPage(ListingPage):
    """``?page=N`` listing: ``div.news-list ul li``, absolute links, ``13 May, 2024`` dates."""

    item_css = "div.news-list ul li"
    link_css = "a::attr(href)"  # the first a[href] of the item
    title_css = "div:first-of-type a::text"
    date_css = "div.date.italic::text"
    date_formats = ("%d %B, %Y", "%d %B %Y")
    page_url_template = "https://www.mfa.am/en/news?page={page}"

    def next_page(self, page: int) -> NextPage | LastPage:
        """Up to the last page the pager links to; without a pager, on to an empty page."""
        last = self.last_page()
        if last is not None and page >= last:
            return LastPage(f"the pager's last page is {last}")
        return super().next_page(page)

    def last_page(self) -> int | None:
        """The highest page number the pager links to; ``None`` without a pager."""
        numbers = [
            int(m.group(1))
            for href in self.response.css("ul.pagination a::attr(href)").getall()
            if (m := _PAGE_PARAM.search(href))
        ]
        return max(numbers) if numbers else None


class AmReleasePage(ReleasePage):
    """Title in the first ``h2``, date in ``div.date.italic``, body in ``div.static-content``."""

    title_css = "div.news-inner h2::text"
    date_css = "div.news-inner div.date.italic::text"
    date_formats = ("%d %B, %Y", "%d %B %Y")
    body_css = "div.static-content p"
