"""A ``Store`` that holds each write transaction open a while, so a SIGKILL lands inside it."""

from __future__ import annotations

import time

from scrapy.crawler import Crawler

from crawler.pipelines import Store
from db.session import Session


class HeldStore(Store):
    """``Store`` that sleeps ``FAULT_WRITE_DELAY`` seconds before each commit (kill tests)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.write_delay = crawler.settings.getfloat("FAULT_WRITE_DELAY", 0)

    def _before_commit(self, session: Session) -> None:
        if self.write_delay:
            time.sleep(self.write_delay)
