"""A one-line progress display of the crawls of this process, for a terminal.

Enabled by ``ARCHIVE_PROGRESS`` (``mfa-archive crawl`` turns it on when stderr
is a terminal and Scrapy's log is quiet). Once a second the line is rewritten
in place: sources running, requests queued, releases stored and failed (as
committed), and the rate of stored releases. It is erased when the last crawl
closes, before the summary lines are printed. Every crawler of the process
shares the one line.
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.extensions import ArchiveRun

_INTERVAL = 1.0  # seconds between redraws


class _Line:
    """The shared line: the crawlers it sums up, and the timer that redraws it."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.crawlers: list[Crawler] = []
        self.open = 0
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None
        self.width = 0

    def text(self) -> str:
        queued = stored = failed = 0
        for crawler in self.crawlers:
            stats = crawler.stats
            if stats is not None:
                queued += (int(stats.get_value("scheduler/enqueued", 0))
                           - int(stats.get_value("scheduler/dequeued", 0)))
            run = ArchiveRun.of(crawler)
            if run is not None and run.state is not None:
                counts = run.state.counts
                stored += (counts.releases_new + counts.releases_changed
                           + counts.releases_unchanged)
                failed += counts.releases_failed + counts.releases_blocked
        elapsed = max(time.monotonic() - self.started, 1e-6)
        names = ", ".join(c.spidercls.name for c in self.crawlers)
        return (f"crawling {names}: {queued} queued, {stored} stored, {failed} failed, "
                f"{stored / elapsed:.1f} releases/s")

    def draw(self) -> None:
        line = self.text()
        self.out.write("\r" + line.ljust(self.width))
        self.out.flush()
        self.width = len(line)

    def erase(self) -> None:
        self.out.write("\r" + " " * self.width + "\r")
        self.out.flush()
        self.width = 0


_LINE: _Line | None = None


class Progress:
    """The extension: registers its crawler on the shared line while its spider runs."""

    def __init__(self, crawler: Crawler, out: IO[str]) -> None:
        self.crawler = crawler
        self.out = out

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        if not crawler.settings.getbool("ARCHIVE_PROGRESS"):
            raise NotConfigured
        extension = cls(crawler, sys.stderr)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Any) -> None:
        global _LINE
        if _LINE is None:
            _LINE = _Line(self.out)
        _LINE.crawlers.append(self.crawler)
        _LINE.open += 1
        if _LINE.loop is None:
            _LINE.loop = task.LoopingCall(_LINE.draw)
            _LINE.loop.start(_INTERVAL, now=True)

    def spider_closed(self, spider: Any, reason: str) -> None:
        global _LINE
        line = _LINE
        if line is None:
            return
        line.open -= 1
        if line.open > 0:
            return
        if line.loop is not None and line.loop.running:
            line.loop.stop()
        line.erase()
        _LINE = None
