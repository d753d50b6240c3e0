"""Pages of the FCDO on GOV.UK: Search API listing, Content API release."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from parsel import Selector

from crawler.pages.base import LastPage, ListingEntry, ListingPage, NextPage, ReleasePage

if TYPE_CHECKING:
    from scrapy.http import TextResponse

    from crawler.pages.response import PageResponse

SITE = "https://www.gov.uk"
NEWS_PATH = "/government/news/"
COUNT = 10  # results per Search API page
SEARCH = (
    f"{SITE}/api/search.json?filter_organisations=foreign-commonwealth-development-office"
    "&filter_content_purpose_supergroup=news_and_communications&order=-public_timestamp"
    "&count={count}&start={start}"
    "&fields=title,link,public_timestamp,description,content_store_document_type,organisations"
)
# The end of a press release's body: contact details for journalists [inf].
_CONTACT_HEADINGS = frozenset({"Media enquiries"})


def _json(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _iso_date(value: object) -> dt.date | None:
    # GOV.UK timestamps carry the UK offset ("2026-05-13T23:30:00+01:00"):
    # the date as written is the UK date of issue.
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


class GbListingPage(ListingPage):
    """``/api/search.json`` results: ``{results: [{title, link, public_timestamp}], total}``."""

    item_css = ""  # JSON, not HTML: see entries()

    def __init__(self, response: TextResponse) -> None:
        super().__init__(response)
        self.data = _json(response.text)

    def next_page(self, page: int) -> NextPage | LastPage:
        """The results from ``(page + 1) * COUNT`` on, while that is below ``total``."""
        start = (page + 1) * COUNT
        if self.total is not None and start >= self.total:
            return LastPage(f"total is {self.total}")
        return NextPage(SEARCH.format(count=COUNT, start=start))

    def results(self) -> list[dict[str, Any]]:
        found = self.data.get("results")
        return [r for r in found if isinstance(r, dict)] if isinstance(found, list) else []

    def items(self) -> list[Selector]:
        return []

    def entries(self) -> list[ListingEntry]:
        """News stories and press releases (``/government/news/``); speeches and the rest are skipped."""
        return [
            ListingEntry(url=SITE + r["link"], title=r.get("title"), date=_iso_date(r.get("public_timestamp")))
            for r in self.results()
            if isinstance(r.get("link"), str) and r["link"].startswith(NEWS_PATH)
        ]

    def listed_dates(self) -> list[dt.date]:
        """The dates of every result, news or not."""
        dates = (_iso_date(r.get("public_timestamp")) for r in self.results())
        return [d for d in dates if d is not None]

    @property
    def total(self) -> int | None:
        total = self.data.get("total")
        return total if isinstance(total, int) else None


class GbReleasePage(ReleasePage):
    """``/api/content/government/news/<slug>``: ``title``, ``first_published_at``, ``details.body``."""

    def __init__(self, response: PageResponse | TextResponse) -> None:
        super().__init__(response)
        self.data = _json(response.text)

    @property
    def title(self) -> str | None:
        title = self.data.get("title")
        if not isinstance(title, str):
            return None
        return " ".join(title.split()) or None

    @property
    def date(self) -> dt.date | None:
        return _iso_date(self.data.get("first_published_at") or self.data.get("public_updated_at"))

    @property
    def body(self) -> str | None:
        details = self.data.get("details")
        html = details.get("body") if isinstance(details, dict) else None
        if not isinstance(html, str) or not html.strip():
            return None
        lines: list[str] = []
        for node in Selector(text=html).css("p, li, h2, h3"):
            line = " ".join(node.xpath("string()").get("").split())
            if node.root.tag in ("h2", "h3") and line in _CONTACT_HEADINGS:
                break
            if line and not node.xpath("ancestor::li"):  # a list item's paragraph, once
                lines.append(line)
        return "\n".join(lines) or None
