"""Scrapy's log formatter, naming an item by its type and URL instead of dumping it."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter


class ArchiveLogFormatter(LogFormatter):
    """Scrapy's log formatter, naming an item by its type and URL instead of dumping it.

    A dumped ``ReleaseItem`` is the whole page (and a ``FetchFailure`` can carry
    hostile text): one line per item keeps logs readable and free of raw HTML.
    """

    @staticmethod
    def _short(item: Any) -> str:
        url = getattr(item, "url", None)
        return f"{type(item).__name__}({url!r})" if url else type(item).__name__

    def scraped(self, item: Any, response: Any, spider: Any) -> Any:
        result = super().scraped(item, response, spider)
        result["args"] = {**dict(result["args"]), "item": self._short(item)}
        return result

    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any) -> Any:
        from crawler.pipelines import NotStored

        result = super().dropped(item, exception, response, spider)
        result["args"] = {**dict(result["args"]), "item": self._short(item)}
        if isinstance(exception, NotStored):  # the database failure is logged once
            result["level"] = logging.DEBUG
        return result

    def item_error(self, item: Any, exception: BaseException, response: Any,
                   spider: Any) -> Any:
        result = super().item_error(item, exception, response, spider)
        result["args"] = {**dict(result["args"]), "item": self._short(item)}
        return result
