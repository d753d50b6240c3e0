"""An ``ArchiveRun`` that can skip the crawl lock (``-s FAULT_NO_LOCK=True``).

Two crawls of one source then run at once, which the lock otherwise prevents:
a test of the unique keys that keep concurrent writers from duplicating rows.
"""

from __future__ import annotations

from scrapy.crawler import Crawler

from crawler.extensions import ArchiveRun


class UnlockableRun(ArchiveRun):
    """``ArchiveRun``; with ``FAULT_NO_LOCK`` it never takes the lock (nor closes abandoned runs)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.no_lock = crawler.settings.getbool("FAULT_NO_LOCK", False)

    def _take_lock(self, key: str) -> bool:
        if self.no_lock:
            return True  # no lock held: ArchiveRun.lock stays None
        return super()._take_lock(key)
