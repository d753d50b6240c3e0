"""Sending scheduled crawls to Scrapyd nodes, and following them until their runs end.

``mfa-archive schedule --node URL ...`` hands each due run to :class:`NodePool`,
which asks every node for ``daemonstatus.json``, skips a node that does not
answer (one warning line until it answers again), and posts ``schedule.json`` to
the live node with the fewest running and pending jobs. The job carries the
database URL, the base URL and the settings as Scrapy settings
(``setting=NAME=VALUE``) and a job id chosen here, which the crawl records on its
run (:mod:`crawler.extensions`).

A :class:`RemoteRun` stands for the job in the :class:`crawler.scheduler.Scheduler`
as a local subprocess would (``poll``, ``send_signal``, ``wait``, ``kill``). Scrapyd
does not report exit codes, so its outcome is read from the archive: the run with
this job id, once finished, gives the exit code of ``mfa-archive crawl`` for its
status. The job is sent again, to the least busy live node, when

* its node has not answered for ``grace`` seconds (the node vanished; the
  crawl process died with it, and PostgreSQL freed the source's lock), or
* its node answers but no longer knows the job (a restarted node), or
* Scrapyd says the job finished but its run never finished (the crawl
  process was killed),

at most ``attempts`` times. A double dispatch is harmless: the second crawl of a
source finds the lock held and records a ``locked`` run.
"""

from __future__ import annotations

import json
import logging
import signal
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from crawler.exceptions import ArchiveError
from crawler.node import PROJECT

logger = logging.getLogger(__name__)

# The exit code of `mfa-archive crawl` for a run's status (crawler/run.py).
STATUS_CODES = {"completed": 0, "completed_with_errors": 1, "failed": 1, "degraded": 3,
                "blocked": 3, "interrupted": 4, "locked": 5}


class NodeUnavailable(ArchiveError):
    """A node that did not answer, or answered with an error."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the archive says about a job's run (see :func:`db.dispatch.job_outcomes`)."""

    status: str
    finished: bool


Outcomes = Callable[[Sequence[str]], Mapping[str, Outcome]]


class ScrapydClient:
    """The few calls of Scrapyd's JSON API that dispatch needs."""

    def __init__(self, url: str, *, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout

    def _call(self, endpoint: str, data: Sequence[tuple[str, str]] | None = None,
              query: Mapping[str, str] | None = None) -> dict[str, Any]:
        url = f"{self.url}/{endpoint}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with urllib.request.urlopen(url, data=body, timeout=self.timeout) as response:
                answer = json.loads(response.read().decode("utf-8"))
        except (OSError, ValueError) as exc:  # URLError, refused, timeout, not JSON
            reason = getattr(exc, "reason", None) or exc
            raise NodeUnavailable(f"{self.url}: {reason}") from exc
        if not isinstance(answer, dict) or answer.get("status") != "ok":
            message = answer.get("message") if isinstance(answer, dict) else answer
            last = (str(message).strip().splitlines() or ["an error"])[-1]
            raise NodeUnavailable(f"{self.url}: {last}")
        return answer

    def daemonstatus(self) -> dict[str, Any]:
        return self._call("daemonstatus.json")

    def schedule(self, spider: str, *, job_id: str, settings: Mapping[str, str]) -> str:
        data = [("project", PROJECT), ("spider", spider), ("jobid", job_id)]
        data += [("setting", f"{name}={value}") for name, value in settings.items()]
        return str(self._call("schedule.json", data)["jobid"])

    def job_states(self) -> dict[str, str]:
        """Every job the node knows: ``{job id: "pending" | "running" | "finished"}``."""
        answer = self._call("listjobs.json", query={"project": PROJECT})
        return {str(job["id"]): state for state in ("pending", "running", "finished")
                for job in answer.get(state, [])}

    def cancel(self, job_id: str, signal_name: str = "TERM") -> None:
        self._call("cancel.json", [("project", PROJECT), ("job", job_id),
                                   ("signal", signal_name)])


@dataclass
class NodePool:
    """The nodes a scheduler dispatches to, with which of them answered last."""

    urls: Sequence[str]
    timeout: float = 10.0
    clients: dict[str, ScrapydClient] = field(default_factory=dict)
    down: set[str] = field(default_factory=set)

    def client(self, url: str) -> ScrapydClient:
        if url not in self.clients:
            self.clients[url] = ScrapydClient(url, timeout=self.timeout)
        return self.clients[url]

    def answered(self, url: str) -> None:
        if url in self.down:
            self.down.discard(url)
            logger.info("node %s answers again", url)

    def failed(self, url: str, error: Exception) -> None:
        """One warning line when a node stops answering, none while it stays down."""
        if url not in self.down:
            self.down.add(url)
            logger.warning("node %s does not answer, skipped: %s", url, error)

    def least_busy(self) -> tuple[str, str] | None:
        """``(url, node_name)`` of the live node with the fewest running and pending jobs."""
        best: tuple[int, int, str, str] | None = None
        for index, url in enumerate(self.urls):
            try:
                status = self.client(url).daemonstatus()
            except NodeUnavailable as exc:
                self.failed(url, exc)
                continue
            self.answered(url)
            busy = int(status.get("running", 0)) + int(status.get("pending", 0))
            candidate = (busy, index, url, str(status.get("node_name", url)))
            if best is None or candidate < best:
                best = candidate
        return None if best is None else (best[2], best[3])

    def dispatch(self, spider: str, settings: Mapping[str, str]) -> tuple[str, str, str] | None:
        """Schedule ``spider`` on the least busy live node: ``(url, node_name, job id)``."""
        for _ in range(len(self.urls)):
            chosen = self.least_busy()
            if chosen is None:
                return None
            url, name = chosen
            job_id = uuid.uuid4().hex
            try:
                self.client(url).schedule(spider, job_id=job_id, settings=settings)
            except NodeUnavailable as exc:
                self.failed(url, exc)
                continue
            return url, name, job_id
        return None


class RemoteRun:
    """A crawl dispatched to a Scrapyd node, with the interface of a ``subprocess.Popen``.

    ``poll()`` is ``None`` while the run goes on, else the exit code of
    ``mfa-archive crawl`` for the run's status. It is ``detached``: a scheduler
    that stops leaves it running on its node (``send_signal`` cancels it there).
    """

    detached = True

    def __init__(self, key: str, settings: Mapping[str, str], *, pool: NodePool,
                 outcomes: Outcomes, grace: float = 10.0, attempts: int = 3,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.key = key
        self.settings = dict(settings)
        self.pool = pool
        self.outcomes = outcomes
        self.grace = grace
        self.attempts = attempts
        self.clock = clock
        self.sleep = sleep
        self.url: str | None = None
        self.node: str | None = None
        self.job_id: str | None = None
        self.dispatches = 0
        self.silent_since: float | None = None
        self.returncode: int | None = None
        self.cancelled = False
        self._send()

    @property
    def pid(self) -> str:
        """What the scheduler logs as the run's process: the node and the job."""
        return f"job {self.job_id} on {self.node}" if self.job_id else "not dispatched yet"

    def _send(self) -> None:
        sent = self.pool.dispatch(self.key, self.settings)
        if sent is None:
            if self.dispatches == 0 and self.job_id is None:
                logger.warning("%s: no node answers: waiting for one", self.key)
            self.url = self.node = self.job_id = None
            return
        self.url, self.node, self.job_id = sent
        self.dispatches += 1
        self.silent_since = None
        logger.info("%s: dispatched to %s (%s) as job %s", self.key, self.node, self.url,
                    self.job_id)

    def _again(self, why: str) -> None:
        if self.dispatches >= self.attempts:
            logger.error("%s: %s; dispatched %s times: given up", self.key, why, self.dispatches)
            self.returncode = 1
            return
        logger.warning("%s: %s: dispatching it again", self.key, why)
        self._send()

    def poll(self) -> int | None:
        if self.returncode is not None:
            return self.returncode
        if self.job_id is None:  # no node answered yet
            if self.cancelled:
                self.returncode = 4
            else:
                self._send()
            return self.returncode
        outcome = self.outcomes([self.job_id]).get(self.job_id)
        if outcome is not None and outcome.finished:
            self.returncode = STATUS_CODES.get(outcome.status, 1)
            return self.returncode
        assert self.url is not None
        try:
            state = self.pool.client(self.url).job_states().get(self.job_id)
        except NodeUnavailable as exc:
            self.pool.failed(self.url, exc)
            now = self.clock()
            self.silent_since = self.silent_since if self.silent_since is not None else now
            if now - self.silent_since >= self.grace:
                self._again(f"node {self.node} has not answered for {self.grace:g} s")
            return self.returncode
        self.pool.answered(self.url)
        self.silent_since = None
        if state in ("pending", "running"):
            return None
        # Its run may have finished between the two looks.
        outcome = self.outcomes([self.job_id]).get(self.job_id)
        if outcome is not None and outcome.finished:
            self.returncode = STATUS_CODES.get(outcome.status, 1)
            return self.returncode
        if self.cancelled:
            self.returncode = 4
            return self.returncode
        if state is None:
            self._again(f"node {self.node} no longer knows job {self.job_id}")
        else:
            self._again(f"job {self.job_id} on {self.node} ended without finishing its run")
        return self.returncode

    def send_signal(self, sig: int) -> None:
        """Ask the node to stop the crawl (Scrapyd sends the crawl process ``sig``)."""
        self.cancelled = True
        if self.url is None or self.job_id is None:
            return
        name = signal.Signals(sig).name.removeprefix("SIG")
        try:
            self.pool.client(self.url).cancel(self.job_id, name)
        except NodeUnavailable as exc:
            self.pool.failed(self.url, exc)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)
        if self.returncode is None:
            self.returncode = -int(signal.SIGKILL)

    def wait(self, timeout: float | None = None) -> int:
        import subprocess

        deadline = None if timeout is None else self.clock() + timeout
        while (code := self.poll()) is None:
            if deadline is not None and self.clock() >= deadline:
                raise subprocess.TimeoutExpired(f"{self.key} on {self.node}", timeout or 0)
            self.sleep(0.5)
        return code
