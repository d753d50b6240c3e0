"""Test-only: the crawl sends itself SIGINT at a named moment, as a user's Ctrl-C would land.

``FAULTS_INTERRUPT_AT=MOMENT`` in a crawl's environment, under
``SCRAPY_SETTINGS_MODULE=tests.faults.settings``. Each moment is one of the
crawl's own events, so the signal lands exactly there whatever the machine's
load; each logs ``interrupt sent at MOMENT`` so that a test sees it was sent.
"""

from __future__ import annotations

import logging
import os
import signal
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)

ENV = "FAULTS_INTERRUPT_AT"

# In the order a crawl reaches them.
MOMENTS = (
    "settings_loaded",  # the command is loading its settings: no database touched, no reactor
    "spider_opened",  # the run is open; the engine has not started
    "engine_started",  # the crawl has begun
    "first_item",  # the first release left the pipelines
    "spider_idle",  # every release left the pipelines; the spider is about to close
    "run_recorded",  # after the run's end was written (the store's spider_closed)
    "engine_stopped",  # the crawl is over; the reactor is stopping
    "reactor_stopped",  # the reactor has shut down; the command reports
    "finalizing",  # the command has exited; the interpreter is tearing down
)

# Scrapy signal -> moments sent on it. "run_recorded" connects when the spider opens,
# after the store's own spider_closed; the last two arm something at engine_stopped.
_ON_SIGNAL = {
    "spider_opened": signals.spider_opened,
    "engine_started": signals.engine_started,
    "first_item": signals.item_scraped,
    "spider_idle": signals.spider_idle,
    "run_recorded": signals.spider_opened,
    "engine_stopped": signals.engine_stopped,
    "reactor_stopped": signals.engine_stopped,
    "finalizing": signals.engine_stopped,
}


def interrupt(moment: str) -> None:
    logger.warning("interrupt sent at %s", moment)
    os.kill(os.getpid(), signal.SIGINT)


def interrupt_if_loading_settings() -> None:
    """Called by tests/faults/settings.py as it is imported."""
    if os.environ.get(ENV) == "settings_loaded":
        interrupt("settings_loaded")


class InterruptAt:
    """Sends SIGINT at the moment ``FAULTS_INTERRUPT_AT`` names (once)."""

    def __init__(self, crawler: Crawler, moment: str) -> None:
        self.crawler = crawler
        self.moment = moment
        self.sent = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> InterruptAt:
        moment = os.environ.get(ENV)
        if moment not in _ON_SIGNAL:
            if moment and moment not in MOMENTS:
                raise ValueError(f"{ENV}: {moment!r} is not one of {MOMENTS}")
            raise NotConfigured
        ext = cls(crawler, moment)
        handler = {"run_recorded": ext.connect_after_store,
                   "reactor_stopped": ext.arm_reactor_shutdown,
                   "finalizing": ext.arm_finalizing}.get(moment, ext.send)
        crawler.signals.connect(handler, signal=_ON_SIGNAL[moment])
        return ext

    def send(self, *_: Any, **__: Any) -> None:
        if not self.sent:
            self.sent = True
            interrupt(self.moment)

    def connect_after_store(self) -> None:
        self.crawler.signals.connect(self.send, signal=signals.spider_closed)

    def arm_reactor_shutdown(self) -> None:
        from twisted.internet import reactor

        reactor.addSystemEventTrigger("after", "shutdown", self.send)

    def arm_finalizing(self) -> None:
        global _FREED_AT_EXIT
        _FREED_AT_EXIT = _InterruptWhenFreed()


class _InterruptWhenFreed:
    """Sends SIGINT when freed: a module global is freed as the interpreter finalizes,
    after Python has put back the default action of the signals it handled."""

    def __del__(self, kill: Any = os.kill, pid: int = os.getpid(), write: Any = os.write,
                sig: int = signal.SIGINT) -> None:
        write(2, b"interrupt sent at finalizing\n")
        kill(pid, sig)


_FREED_AT_EXIT: _InterruptWhenFreed | None = None
