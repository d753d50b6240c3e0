"""Pages of the Chinese MFA, https://www.mfa.gov.cn/eng/ = https://www.fmprc.gov.cn/eng/
"""

from __future__ import annotations

import datetime as dt
import re

from parsel import Selector

from crawler.pages.base import LastPage, ListingPage, NextPage, ReleasePage

_COUNT_PAGE = re.compile(r"\bcountPage\s*=\s*(\d+)")
_INDEX = re.compile(r"index(?:_\d+)?\.html$")
_URL_DATE = re.compile(r"/t(\d{8})_\d+\.html$")
_PRINT_CLOSE = re.compile(r"\s*\[\s*Print\s*\]\s*\[\s*Close\s*\]\s*$", re.IGNORECASE)


class CnListingPage(ListingPage):
    """``index.html``, ``index_1.html``...: the releases are the anchors
    ``./YYYYMM/tYYYYMMDD_N.html`` (sidebar links elsewhere use ``../``); the
    date is read from the URL."""

    item_css = "a"  # narrowed by items()
    link_css = "::attr(href)"
    title_css = "::text"

    def items(self) -> list[Selector]:
        return list(self.response.xpath(
            r'//a[re:test(@href, "^\./\d{6}/t\d{8}_\d+\.html$")]'
        ))

    def entry_date(self, item: Selector) -> dt.date | None:
        match = _URL_DATE.search(item.attrib.get("href", ""))
        return dt.datetime.strptime(match.group(1), "%Y%m%d").date() if match else None

    def next_page(self, page: int) -> NextPage | LastPage:
        """``index_<page + 1>.html`` beside this page, up to page ``countPage - 1``."""
        count = self.count_page()
        if count is not None and page + 1 >= count:
            return LastPage(f"countPage is {count}")
        url = _INDEX.sub(f"index_{page + 1}.html", self.response.url)
        if url == self.response.url:
            return LastPage("the URL is not an index page")
        return NextPage(url)

    def count_page(self) -> int | None:
        """The number of listing pages the page's script declares (``countPage = N``)."""
        match = _COUNT_PAGE.search(self.response.text)
        return int(match.group(1)) if match else None


class CnReleasePage(ReleasePage):
    """``meta[name=ArticleTitle]``, ``meta[name=PubDate]``, body ``div.TRS_UEDITOR``
    (else ``.content_text``/``.news_content``/``#News_Body_Txt_A``) with the trailing
    ``[Print] [Close]`` cut."""

    title_css = "meta[name=ArticleTitle]::attr(content)"
    date_css = "meta[name=PubDate]::attr(content)"
    date_formats = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")
    body_css = "div.TRS_UEDITOR"
    fallback_css = (".content_text", ".news_content", "#News_Body_Txt_A")

    @property
    def body(self) -> str | None:
        for css in (self.body_css, *self.fallback_css):
            container = self.response.css(css)
            if not container:
                continue
            blocks = container[0].xpath(".//p | .//h1 | .//h2 | .//h3 | .//li")
            texts = [" ".join(b.xpath("string()").get("").split()) for b in blocks] or [
                " ".join(container[0].xpath("string()").get("").split())
            ]
            text = _PRINT_CLOSE.sub("", "\n".join(t for t in texts if t)).strip()
            if text:
                return text
        return None
