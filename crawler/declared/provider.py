"""The registry's provider of declared sources: the package's declarations and a user's.

Named in ``ARCHIVE_SOURCE_PROVIDERS`` (crawler/settings.py). A user's own
declarations live in a directory given by ``--sources-dir``, by ``sources_dir``
in ``mfa-archive.toml``, or by the environment variable ``MFA_ARCHIVE_SOURCES_DIR``
(several directories separated by ``os.pathsep``); the CLI writes the directory it
was given into that variable, so the crawls the scheduler starts see it too.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

from crawler.declared.config import user_dirs
from crawler.declared.loader import load_declarations
from crawler.declared.spider import DeclaredSpider, spider_class
from crawler.registry import Source


@functools.cache
def _spiders(directories: tuple[Path, ...]) -> tuple[type[DeclaredSpider], ...]:
    return tuple(spider_class(d) for d in load_declarations(directories))


def declared_spiders() -> tuple[type[DeclaredSpider], ...]:
    """The spider of every declaration (package, then the user's), made once per process."""
    return _spiders(user_dirs())


def declared_sources() -> Iterator[Source]:
    """Every declared source, in key order."""
    for spider in declared_spiders():
        yield spider.describe()
