"""A synthetic az mirror of N releases (default 2,000 over 100 listing pages) for benchmarks.

``python benchmarks/synthetic.py N`` serves it like ``python -m crawler.mirror``:
it prints ``az URL`` and ``ready``, then serves until SIGTERM.
"""

from __future__ import annotations

import datetime as dt
import sys
from functools import cached_property
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.mirror.server import serve_sites, serve_until_signal
from crawler.mirror.sites.az import AzMirror
from crawler.mirror.sites.base import MirrorRelease


class SyntheticAzMirror(AzMirror):
    """The az mirror's structure, with ``count`` releases built from the real mirror's texts."""

    def __init__(self, count: int = 2000, per_page: int = 20) -> None:
        self.count = count
        self.per_page = per_page  # 2,000 releases over 100 listing pages

    @cached_property
    def releases(self) -> list[MirrorRelease]:
        base = AzMirror().releases
        start = dt.date(2026, 11, 1)
        made = []
        for i in range(self.count):
            model = base[i % len(base)]
            made.append(MirrorRelease(
                slug=f"no{i:05d}{(start.year % 100):02d}",
                title=f"{model.title} ({i})",
                published=start - dt.timedelta(days=i // 3),
                category=model.category,
                paragraphs=(*model.paragraphs, f"Release {i} of the benchmark."),
            ))
        return sorted(made, key=lambda r: (r.published, r.slug), reverse=True)


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    serve_until_signal(serve_sites({"az": SyntheticAzMirror(count)}))
