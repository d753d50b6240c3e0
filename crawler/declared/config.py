"""Where a user's own source declarations are: ``--sources-dir``, ``sources_dir``, the environment.

Kept free of Scrapy imports: the CLI reads it before any command runs.
Precedence: ``--sources-dir`` (the CLI), then ``MFA_ARCHIVE_SOURCES_DIR``, then
``sources_dir = "..."`` in ``mfa-archive.toml`` (relative to that file).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from pathlib import Path

from crawler.exceptions import DeclarationError

SOURCES_DIR_ENV = "MFA_ARCHIVE_SOURCES_DIR"


def user_dirs() -> tuple[Path, ...]:
    """The user's sources directories (absolute), from ``MFA_ARCHIVE_SOURCES_DIR``."""
    value = os.environ.get(SOURCES_DIR_ENV, "")
    return tuple(Path(part).resolve() for part in value.split(os.pathsep) if part.strip())


def use_sources_dirs(directories: Iterable[Path | str]) -> None:
    """Read the user's declarations from ``directories`` (this process and the crawls it starts)."""
    paths = [str(Path(d).resolve()) for d in directories]
    if paths:
        os.environ[SOURCES_DIR_ENV] = os.pathsep.join(paths)
    else:
        os.environ.pop(SOURCES_DIR_ENV, None)


def config_sources_dirs(path: Path) -> list[Path]:
    """The ``sources_dir`` of the config file ``path`` (a string or a list), made absolute."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return []  # the scheduler, which reads the whole file, says what is wrong with it
    value = data.get("sources_dir")
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) and v.strip() for v in values):
        raise DeclarationError(f"{path}: sources_dir: must be a directory path or a list of them")
    found = [(path.parent / v).resolve() for v in values]
    for directory in found:
        if not directory.is_dir():
            raise DeclarationError(f"{path}: sources_dir: {directory} is not a directory")
    return found
