"""Where an export writes: atomically to a regular file, or streamed into anything else."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def replaceable_file(path: str | None) -> Path | None:
    """Where an export to ``path`` is written atomically (temporary file, then rename):
    the real path of a regular file or of a new one (a symlink is followed, so it stays a
    link to the new file). None for stdout (``-``) and for what is neither: a FIFO, a
    device, a terminal, a socket get the rows streamed into them, and stay what they are."""
    if path is None or path == "-":
        return None
    try:
        mode = os.stat(path).st_mode  # what the path (or the end of its links) is
    except FileNotFoundError:
        return Path(os.path.realpath(path))
    return Path(os.path.realpath(path)) if stat.S_ISREG(mode) else None
