"""The page a release page object reads: a fetched body with Scrapy's response reading rules.

Release page objects run in extraction workers, which import neither Scrapy nor
Twisted (about 0.45 CPU-s and 30 MB a worker). :class:`PageResponse` gives them
what they read of a response (``url``, ``body``, ``text``, ``encoding``,
``selector``, ``css``, ``xpath``, ``urljoin``) decoded and based exactly as
Scrapy's ``HtmlResponse`` does, with the same w3lib functions: the declared
encoding first unless the body starts with a byte-order mark, undecodable bytes
replaced, ``<base href>`` honoured by ``urljoin`` and the selector.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any
from urllib.parse import urljoin

from parsel import Selector, SelectorList
from w3lib.encoding import html_to_unicode
from w3lib.html import get_base_url

_BASE_URL_WINDOW = 4096  # where <base href> is looked for, as Scrapy looks


class PageResponse:
    """A fetched HTML page at ``url``: its ``body`` bytes and their declared ``encoding``."""

    def __init__(self, url: str, *, body: bytes, encoding: str = "utf-8") -> None:
        self.url = url
        self.body = body
        self.encoding = encoding

    @cached_property
    def text(self) -> str:
        """The body decoded: a byte-order mark, else ``encoding``; bad bytes replaced."""
        return html_to_unicode(f"charset={self.encoding}", self.body)[1]

    @cached_property
    def base_url(self) -> str:
        """The URL relative links resolve against: ``<base href>``, else ``url``."""
        return str(get_base_url(self.text[:_BASE_URL_WINDOW], self.url, self.encoding))

    @cached_property
    def selector(self) -> Selector:
        return Selector(text=self.text, type="html", base_url=self.base_url)

    def css(self, query: str) -> SelectorList[Selector]:
        return self.selector.css(query)

    def xpath(self, query: str, **kwargs: Any) -> SelectorList[Selector]:
        return self.selector.xpath(query, **kwargs)

    def urljoin(self, url: str) -> str:
        return urljoin(self.base_url, url)
