"""Pages of the Russian MFA, https://mid.ru/en/ (a Bitrix site)."""

from __future__ import annotations

from crawler.pages.base import ListingPage, ReleasePage

# Briefings open with a table of contents and repeat "Back to contents" links.
_NAVIGATION = frozenset({"contents", "table of contents", "back to contents", "back to top"})


class RuListingPage(ListingPage):
    """A section listing: ``a.announce__link.announce__link_fix_en`` with relative hrefs.

    One page per section: no ``page_url_template``, since later pages are
    ``?PAGEN_1=N``, which robots.txt disallows.
    """

    item_css = "div.announce li.announce__item"
    link_css = "a.announce__link.announce__link_fix_en::attr(href)"
    title_css = "a.announce__link.announce__link_fix_en ::text"
    date_css = "div.announce__date::text"
    date_formats = ("%d.%m.%Y", "%d %B %Y")


class RuReleasePage(ReleasePage):
    """Title ``.photo-content__title``, date ``.photo-content__date`` (two formats),
    body ``div.text.article-content`` without a briefing's contents and back-links."""

    title_css = ".photo-content__title ::text"
    date_css = ".photo-content__date::text"  # the time sits in a child span
    date_formats = ("%d.%m.%Y", "%d %B %Y")
    body_css = "div.text.article-content > *"

    @property
    def body(self) -> str | None:
        lines: list[str] = []
        for element in self.response.css(self.body_css):
            links = element.css("a::attr(href)").getall()
            if links and all(href.startswith("#") for href in links) \
                    and element.root.tag in ("ul", "ol"):
                continue  # the contents list of a briefing
            text = " ".join(element.xpath("string()").get("").split())
            if text and text.lower().rstrip(":") not in _NAVIGATION:
                lines.append(text)
        return "\n".join(lines) or None
