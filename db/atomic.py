"""Write a binary file in place of another only once it is complete.

:func:`replace_when_done` is the one place where Parquet and WARC outputs get
their atomicity: the caller writes a temporary file beside the target, which is
fsynced and renamed over the target when the block ends without an exception,
and removed otherwise. A killed export leaves the old file (or none).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def replace_when_done(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``path``; renamed over ``path`` if the block succeeds."""
    target = Path(path)
    directory = target.parent
    directory.mkdir(parents=True, exist_ok=True)
    temp = directory / f".{target.name}.{secrets.token_hex(6)}.part"
    try:
        yield temp
        fd = os.open(temp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, target)
        with contextlib.suppress(OSError):
            dir_fd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
