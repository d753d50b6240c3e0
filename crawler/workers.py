"""Extraction process pools that never outlive the process that made them.

Both the crawl's Extract pipeline and ``reextract`` compute in a
``forkserver`` pool. Two things about such a pool are made safe here:

* A worker dies with its owner. Killed with SIGKILL, the owner can close
  nothing, and a worker waiting on its task queue would wait for ever: each
  worker holds the queue's write end, and the forkserver's liveness pipe, so
  the workers, the forkserver and multiprocessing's resource tracker keep each
  other alive. Each worker therefore watches its owner (a pidfd on Linux, a
  poll elsewhere) and exits the moment the owner is gone; the forkserver and
  the resource tracker then see their pipes close and exit too.
* The forkserver and the resource tracker are started as ``python -c``,
  which puts the current directory first on ``sys.path`` while they import
  the standard library: a stray ``inspect.py`` where the user stands would be
  imported instead. They are started with ``PYTHONSAFEPATH=1`` and this
  process's ``sys.path`` as ``PYTHONPATH``: the same modules as here, and no
  current directory.

This module imports the standard library only: workers import it first.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import multiprocessing.forkserver
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

_POLL_SECONDS = 0.5  # where pidfds are missing: how often a worker checks its owner


def process_pool(workers: int, *, preload: Sequence[str] = (),
                 ignore_interrupts: bool = False) -> ProcessPoolExecutor:
    """A forkserver pool of ``workers`` processes, each ending when this process ends.

    ``ignore_interrupts``: workers ignore SIGINT (a crawl finishes in-flight items on
    Ctrl-C itself; the workers must not die under it).
    """
    context = start_forkserver(preload)
    initializer = functools.partial(_init_worker, os.getpid(), ignore_interrupts)
    return ProcessPoolExecutor(max(workers, 1), mp_context=context, initializer=initializer)


def start_forkserver(preload: Sequence[str] = ()) -> multiprocessing.context.BaseContext:
    """The forkserver context, its server started (it imports ``preload`` meanwhile; a
    running server is kept): call it early so that those imports overlap other work."""
    context = multiprocessing.get_context("forkserver")
    if preload:
        context.set_forkserver_preload(list(preload))
    with _safe_path():
        multiprocessing.forkserver.ensure_running()
    return context


@contextlib.contextmanager
def _safe_path() -> Iterator[None]:
    """While the forkserver starts: its ``sys.path`` is this process's (no current
    directory put first by ``-c``; a checkout run as ``python -m`` keeps its own tree)."""
    values = {"PYTHONSAFEPATH": "1",
              "PYTHONPATH": os.pathsep.join(path for path in sys.path if path)}
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _init_worker(owner: int, ignore_interrupts: bool) -> None:
    if ignore_interrupts:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(owner,), name="owner-watch", daemon=True).start()


def _exit_with(owner: int) -> None:
    """Block until process ``owner`` has ended, then end this worker at once."""
    try:
        fd = os.pidfd_open(owner)
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        select.select([fd], [], [])  # readable once the process has exited
    else:
        while _alive(owner):
            time.sleep(_POLL_SECONDS)
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
