"""Scrapy's spider loader over the source registry, for Scrapyd nodes.

Scrapyd lists a project's spiders with ``scrapy list`` and runs one with
``scrapy crawl NAME``; Scrapy's own loader only knows the spider classes in
``SPIDER_MODULES``. This one also knows every source of the registry
(:mod:`crawler.registry`: declared sources too), so a node runs any source
``mfa-archive crawl`` runs. ``mfa-archive node`` configures it
(``SPIDER_LOADER_CLASS``).
"""

from __future__ import annotations

from typing import Any

from scrapy.spiderloader import SpiderLoader


class RegistrySpiderLoader(SpiderLoader):
    """The spiders of ``SPIDER_MODULES`` and of every registered source, by name."""

    def list(self) -> list[str]:
        from crawler.registry import all_sources

        return sorted(set(super().list()) | {source.key for source in all_sources()})

    def load(self, spider_name: str) -> Any:
        try:
            return super().load(spider_name)
        except KeyError:
            from crawler.exceptions import UnknownSourceError
            from crawler.registry import get_source

            try:
                return get_source(spider_name).spider
            except UnknownSourceError as exc:
                raise KeyError(f"Spider not found: {spider_name}") from exc
