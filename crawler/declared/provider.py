"""The registry's provider of declared sources: the package's declarations and a user's.

Named in ``ARCHIVE_SOURCE_PROVIDERS`` (crawler/settings.py). A user's own
declarations live in a directory given by ``--sources-dir``, by ``sources_dir``
in ``mfa-archive.toml``, or by the environment variable ``MFA_ARCHIVE_SOURCES_DIR``
(several directories separated by ``os.pathsep``); the CLI writes the directory it
was given into that variable, so the crawls the scheduler starts see it too.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from crawler.declared.loader import load_declarations
from crawler.declared.spider import DeclaredSpider, spider_class
from crawler.registry import Source

SOURCES_DIR_ENV = "MFA_ARCHIVE_SOURCES_DIR"


def user_dirs() -> tuple[Path, ...]:
    """The user's sources directories (absolute), from ``MFA_ARCHIVE_SOURCES_DIR``."""
    value = os.environ.get(SOURCES_DIR_ENV, "")
    return tuple(Path(part).resolve() for part in value.split(os.pathsep) if part.strip())


def use_sources_dirs(directories: Iterable[Path | str]) -> None:
    """Read the user's declarations from ``directories`` (this process and its children)."""
    paths = [str(Path(d).resolve()) for d in directories]
    if paths:
        os.environ[SOURCES_DIR_ENV] = os.pathsep.join(paths)
    else:
        os.environ.pop(SOURCES_DIR_ENV, None)


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
