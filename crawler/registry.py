"""The sources the archive knows: one typed :class:`Source` record per key.

Every command looks a source up here (``crawl``, ``sources``, ``schedule``,
``sources check``, ``reextract``, ``extract``), never through Scrapy's spider
loader or a list of its own.

Sources come from *providers*, callables that return :class:`Source` records.
The providers are named, in order, by the ``ARCHIVE_SOURCE_PROVIDERS`` setting
(dotted paths, like Scrapy's own component settings), so a new kind of source
is added by writing a provider and naming it there, or, in code, by
:meth:`Registry.add_provider` or :meth:`Registry.register` on a registry of
one's own. The default provider, :func:`coded_sources`, yields the spiders of
``SPIDER_MODULES`` that describe themselves as a source (every
:class:`crawler.spiders.base.PressReleaseSpider`: its
:meth:`~crawler.spiders.base.PressReleaseSpider.describe`).

.. code-block:: python

    from crawler.registry import all_sources, get_source

    get_source("az").country  # "AZ"
    [s.key for s in all_sources()]  # every key, sorted
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.misc import load_object
from scrapy.utils.project import get_project_settings

from crawler.exceptions import ArchiveError, UnknownSourceError

if TYPE_CHECKING:
    from crawler.pages.base import ListingPage, ReleasePage
    from crawler.spiders.base import PressReleaseSpider

# "coded": a spider class with its page objects (crawler/spiders, crawler/pages);
# "declared": a generic spider configured by a file (crawler/sources/*.toml, issue 12).
SourceKind = Literal["coded", "declared"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """One ministry's press releases: who publishes them, and the code that reads them."""

    key: str  # ISO 3166 alpha-2 of the ministry's country, lower case: the spider's name
    country: str  # the same code, upper case
    ministry: str
    language: str  # the releases' language when a page does not say (ISO 639-1)
    listing_url: str  # the first listing page
    allowed_domains: tuple[str, ...]
    spider: type[PressReleaseSpider]
    listing_page: type[ListingPage]
    release_page: type[ReleasePage]
    # The canonical URL rule: the key a release found at a URL is archived under.
    canonical: Callable[[str], str]
    schedule: str | None = None  # cron expression; None: daily, staggered
    kind: SourceKind = "coded"
    evidence_date: str | None = None  # when the evidence the source is built on was gathered

    def owns(self, host: str) -> bool:
        """Whether ``host`` is one of the source's sites."""
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)


SourceProvider = Callable[[], Iterable[Source]]


class DuplicateSourceError(ArchiveError):
    """Two providers (or one provider twice) gave the same key."""


def project_settings() -> Settings:
    """Our Scrapy settings, wherever the command runs (no scrapy.cfg needed in the cwd)."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    return get_project_settings()


def coded_sources() -> Iterator[Source]:
    """The spiders of ``SPIDER_MODULES`` that describe a source, in key order."""
    loader = SpiderLoader.from_settings(project_settings())
    for name in sorted(loader.list()):
        describe = getattr(loader.load(name), "describe", None)
        source = describe() if callable(describe) else None
        if isinstance(source, Source):
            yield source


class Registry:
    """Sources by key, from providers (read on every lookup) and sources registered here."""

    def __init__(self, providers: Iterable[SourceProvider] = ()) -> None:
        self._providers: list[SourceProvider] = list(providers)
        self._registered: list[Source] = []

    def add_provider(self, provider: SourceProvider) -> None:
        """Add the sources ``provider`` gives, after those known so far."""
        self._providers.append(provider)

    def register(self, source: Source) -> None:
        """Add one source."""
        self._registered.append(source)

    def sources(self) -> dict[str, Source]:
        """Every source by key, sorted by key. Raises on a key given twice."""
        found: dict[str, Source] = {}
        for provider in self._providers:
            for source in provider():
                self._add(found, source)
        for source in self._registered:
            self._add(found, source)
        return dict(sorted(found.items()))

    @staticmethod
    def _add(found: dict[str, Source], source: Source) -> None:
        if source.key in found:
            raise DuplicateSourceError(f"two sources have the key {source.key!r}")
        found[source.key] = source

    def get(self, key: str) -> Source:
        """The source of ``key``; :class:`UnknownSourceError` (one line) if there is none."""
        known = self.sources()
        if key not in known:
            raise UnknownSourceError(f"unknown source {key}; known: {', '.join(known)}")
        return known[key]

    def resolve(self, keys: Iterable[str], *, every: bool = False) -> list[Source]:
        """The sources of ``keys`` (each once, in order), or all of them with ``every``."""
        known = self.sources()
        wanted = list(dict.fromkeys(keys))
        unknown = [k for k in wanted if k not in known]  # also with every: never ignored
        if unknown:
            raise UnknownSourceError(
                f"unknown source {', '.join(unknown)}; known: {', '.join(known)}")
        if every:
            return list(known.values())
        return [known[k] for k in wanted]


def default_registry() -> Registry:
    """The registry of the project settings' ``ARCHIVE_SOURCE_PROVIDERS``."""
    paths = project_settings().getlist("ARCHIVE_SOURCE_PROVIDERS", ["crawler.registry.coded_sources"])
    return Registry(load_object(path) for path in paths)


def all_sources() -> list[Source]:
    """Every source, sorted by key."""
    return list(default_registry().sources().values())


def get_source(key: str) -> Source:
    """The source of ``key``; raises :class:`UnknownSourceError` if there is none."""
    return default_registry().get(key)


def resolve_sources(keys: Iterable[str], *, every: bool = False) -> list[Source]:
    """The sources of ``keys``, or every source; raises :class:`UnknownSourceError`."""
    return default_registry().resolve(keys, every=every)
