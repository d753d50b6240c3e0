"""SIGINT and SIGTERM during a crawl: every moment of the command ends in an exit code.

Scrapy's own handlers cover only the reactor's lifetime. Before it (imports,
migrations, loading the spiders) Python's default handler raises
KeyboardInterrupt, a traceback; after it, as the interpreter finalizes, Python
puts back the default action of every handler it installed, and a Ctrl-C there
kills the process by the signal. :class:`Interrupts` is one handler from the
command's first line to its exit:

- before the reactor runs, a signal is held, and the crawls do not start;
- while it runs, the first signal stops the crawls gracefully (in-flight work
  is committed, the runs are recorded as ``interrupted``), a second stops the
  reactor at once, later ones are ignored (as Scrapy does);
- once the crawls are over, :meth:`Interrupts.ignore` leaves the outcome as it
  is: the process only reports it and exits.
"""

from __future__ import annotations

import contextlib
import logging
import signal
from types import FrameType
from typing import Any

logger = logging.getLogger(__name__)

SHUTDOWN_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupts:
    """Counts shutdown signals; while a crawler process runs, turns them into its stops."""

    def __init__(self) -> None:
        self.received = 0
        self._process: Any = None  # the AsyncCrawlerProcess while its reactor runs
        self._previous: dict[int, Any] = {}

    @classmethod
    def install(cls) -> Interrupts:
        """Handle SIGINT and SIGTERM from now on (the crawl command's first line)."""
        interrupts = cls()
        for signum in SHUTDOWN_SIGNALS:
            interrupts._previous[signum] = signal.signal(signum, interrupts._handle)
        return interrupts

    def stop_on_signal(self, process: Any) -> None:
        """From now until :meth:`crawls_over`, a signal stops ``process``'s crawls."""
        self._process = process

    def crawls_over(self) -> None:
        """The reactor has stopped: a signal from now on only counts."""
        self._process = None

    def ignore(self) -> None:
        """The outcome is known: SIGINT and SIGTERM are ignored until the process exits.

        Ignored, not handled: Python keeps an ignored signal ignored while it finalizes.
        """
        self._process = None
        for signum in SHUTDOWN_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)

    def uninstall(self) -> None:
        """Put back the handlers found by :meth:`install` (a library caller's)."""
        self._process = None
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        # A signal handler may not log (the stream may be mid-write): the reactor does.
        self.received += 1
        if self._process is None or self.received > 2:
            return
        stop = _stop_gracefully if self.received == 1 else _stop_at_once
        _reactor().callFromThread(stop, self._process, signum)


def _stop_gracefully(process: Any, signum: int) -> None:
    from scrapy.utils.defer import deferred_from_coro

    logger.warning("Received %s, shutting down gracefully. Send again to force",
                   signal.Signals(signum).name)
    stopped = deferred_from_coro(process.stop())
    stopped.addBoth(lambda _: _stop_reactor())


def _stop_at_once(_process: Any, signum: int) -> None:
    logger.warning("Received %s twice, forcing unclean shutdown", signal.Signals(signum).name)
    _stop_reactor()


def _stop_reactor() -> None:
    with contextlib.suppress(RuntimeError):  # already stopped, or stopping
        _reactor().stop()


def _reactor() -> Any:
    """The installed reactor (imported late: importing it installs one)."""
    from twisted.internet import reactor

    return reactor
