"""``mfa-archive schedule``: crawl every source on its own cron schedule, for ever.

Each source has a cron expression: the spider's ``schedule`` attribute, else
daily, staggered across sources (so the sources do not all start at once),
overridden in a TOML config file::

    # mfa-archive.toml
    db = "postgresql://archive@localhost/archive"   # else --db / $MFA_ARCHIVE_DB
    parallel = 2                                  # runs at once, over all sources
    settings = { DOWNLOAD_DELAY = "2" }           # for every crawl (-s NAME=VALUE)

    [sources.az]
    cron = "30 4 * * *"
    base_url = "http://127.0.0.1:8000"            # a mirror (tests, demo)

    [sources.ru]
    enabled = false

Every run is a subprocess, ``mfa-archive crawl KEY``, so a crash of one source
(or of Scrapy's reactor) cannot stop the others. A source is never run twice at
once: the scheduler does not start a source whose last run is still going, and
the crawl itself takes the source's database lock (exit code 5 if another
process holds it, e.g. a manual run). SIGTERM or SIGINT stops the scheduler:
no new runs, the running crawls get SIGTERM (they finish what is in flight,
commit, and record ``interrupted``), and it exits once they have.

The clock and the sleep are injectable, so tests run a day of schedule in a
second (:class:`Scheduler`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from croniter import croniter

from crawler.exceptions import ArchiveError
from crawler.exitcodes import EXIT_ERRORS, EXIT_INTERRUPTED, EXIT_NAMES, EXIT_OK

logger = logging.getLogger(__name__)

DEFAULT_CONFIG = "mfa-archive.toml"
DAY_START_MINUTE = 2 * 60  # staggered daily runs start at 02:00 UTC


class ScheduleError(ArchiveError):
    """A bad schedule configuration."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Job:
    """One source's schedule and the arguments of its crawl."""

    key: str
    cron: str
    base_url: str | None = None
    settings: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    jobs: tuple[Job, ...]
    db: str | None = None
    parallel: int = 2


def staggered_cron(index: int, count: int) -> str:
    """Daily at a minute of its own: source ``index`` of ``count``, spread over 22 hours."""
    minute = DAY_START_MINUTE + index * (22 * 60) // max(count, 1)
    return f"{minute % 60} {(minute // 60) % 24} * * *"


def check_cron(key: str, cron: str) -> str:
    if not croniter.is_valid(cron):
        raise ScheduleError(f"source {key}: not a cron expression: {cron!r}")
    return cron


def load_config(path: Path | None, sources: Mapping[str, str | None]) -> Config:
    """The schedule of ``sources`` (key -> the spider's own cron or ``None``), with ``path``'s overrides."""
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ScheduleError(f"cannot read {path}: {exc.strerror or exc}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ScheduleError(f"{path} is not valid TOML: {exc}") from exc
    overrides: dict[str, Any] = data.get("sources", {})
    unknown = sorted(set(overrides) - set(sources))
    if unknown:
        raise ScheduleError(f"{path}: unknown source {', '.join(unknown)}; "
                            f"known: {', '.join(sources)}")
    common = {str(k): str(v) for k, v in (data.get("settings") or {}).items()}
    jobs = []
    keys = sorted(sources)
    for index, key in enumerate(keys):
        own: dict[str, Any] = overrides.get(key, {})
        if not own.get("enabled", True):
            continue
        cron = own.get("cron") or sources[key] or staggered_cron(index, len(keys))
        settings = common | {str(k): str(v) for k, v in (own.get("settings") or {}).items()}
        jobs.append(Job(key=key, cron=check_cron(key, str(cron)), base_url=own.get("base_url"),
                        settings=settings))
    parallel = int(data.get("parallel", 2))
    if parallel < 1:
        raise ScheduleError(f"{path}: parallel must be at least 1")
    return Config(jobs=tuple(jobs), db=data.get("db"), parallel=parallel)


def crawl_command(job: Job, *, db: str | None, extra: Sequence[str] = ()) -> list[str]:
    """The command line of one scheduled run: ``mfa-archive crawl KEY``."""
    command = [sys.executable, "-m", "crawler.cli", "crawl", job.key]
    if job.base_url:
        command += ["--base-url", job.base_url]
    if db:
        command += ["--db", db]
    for name, value in job.settings.items():
        command += ["-s", f"{name}={value}"]
    return [*command, *extra]


@dataclass
class _Running:
    job: Job
    process: subprocess.Popen[bytes]
    started: dt.datetime


class Scheduler:
    """Runs ``jobs`` on their cron schedules until stopped (or ``max_runs`` runs have ended).

    ``launch(job)`` starts a run and returns its process (default: ``crawl_command``);
    ``clock`` and ``sleep`` are injectable for tests.
    """

    def __init__(
        self,
        jobs: Sequence[Job],
        *,
        launch: Callable[[Job], subprocess.Popen[bytes]],
        parallel: int = 2,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        sleep: Callable[[float], None] = time.sleep,
        max_runs: int | None = None,
        poll: float = 1.0,
    ) -> None:
        self.jobs = list(jobs)
        self.launch = launch
        self.parallel = parallel
        self.clock = clock
        self.sleep = sleep
        self.max_runs = max_runs
        self.poll = poll
        self.running: dict[str, _Running] = {}
        self.history: list[tuple[str, dt.datetime, dt.datetime, int]] = []  # key, start, end, code
        self.skipped: list[tuple[str, dt.datetime, str]] = []
        self.started = 0
        self.stopping = False

    def stop(self, *_: Any) -> None:
        """Stop scheduling; running crawls are asked to finish (SIGTERM) and awaited."""
        self.stopping = True

    def next_times(self, after: dt.datetime) -> dict[str, dt.datetime]:
        return {job.key: croniter(job.cron, after).get_next(dt.datetime) for job in self.jobs}

    def run(self, *, once: bool = False) -> int:
        """Schedule until stopped; with ``once``, run every job now, once. Returns an exit code."""
        now = self.clock()
        due = {job.key: now for job in self.jobs} if once else self.next_times(now)
        for job in self.jobs:
            logger.info("%s: %s, next run %s", job.key, job.cron,
                        "now" if once else f"{due[job.key]:%Y-%m-%d %H:%M} UTC")
        while not self.stopping:
            now = self.clock()
            self._reap(now)
            for job in self.jobs:
                if self.stopping or due[job.key] > now or self._enough_started():
                    continue
                if job.key in self.running:
                    logger.warning("%s: still running since %s: this run is skipped", job.key,
                                   f"{self.running[job.key].started:%H:%M:%S}")
                    self.skipped.append((job.key, now, "still running"))
                elif len(self.running) >= self.parallel:
                    continue  # stays due; starts when a slot frees
                else:
                    self._start(job, now)
                if once:
                    due[job.key] = dt.datetime.max.replace(tzinfo=dt.UTC)
                else:
                    due[job.key] = croniter(job.cron, now).get_next(dt.datetime)
            if not self.running and (self._enough_started() or (
                    once and all(d == dt.datetime.max.replace(tzinfo=dt.UTC)
                                 for d in due.values()))):
                break
            wait = min((d - now).total_seconds() for d in due.values()) if due else self.poll
            self.sleep(max(0.0, min(wait, self.poll)))  # short naps: a signal is seen at once
        self._shutdown()
        return EXIT_OK if all(code in (EXIT_OK, EXIT_INTERRUPTED)
                              for *_, code in self.history) else EXIT_ERRORS

    def _enough_started(self) -> bool:
        return self.max_runs is not None and self.started >= self.max_runs

    def _start(self, job: Job, now: dt.datetime) -> None:
        process = self.launch(job)
        self.running[job.key] = _Running(job, process, now)
        self.started += 1
        logger.info("%s: started (pid %s)", job.key, process.pid)

    def _reap(self, now: dt.datetime) -> None:
        for key, run in list(self.running.items()):
            code = run.process.poll()
            if code is None:
                continue
            del self.running[key]
            self.history.append((key, run.started, now, code))
            log = logger.info if code in (0, 4) else logger.warning
            log("%s: ended with exit code %s (%s)", key, code, EXIT_NAMES.get(code, "crashed"))

    def _shutdown(self) -> None:
        if not self.running:
            return
        logger.info("stopping: asking %s running crawl(s) to finish", len(self.running))
        for run in self.running.values():
            if run.process.poll() is None:
                run.process.send_signal(signal.SIGTERM)
        for run in self.running.values():
            try:
                run.process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                logger.error("%s: did not stop in 120 s: killed (the archive stays consistent)",
                             run.job.key)
                run.process.kill()
                run.process.wait()
        self._reap(self.clock())


def run_scheduler(
    *,
    config_path: Path | None,
    db: str | None,
    only: Sequence[str] = (),
    once: bool = False,
    max_runs: int | None = None,
    extra: Sequence[str] = (),
) -> int:
    """The ``schedule`` command: load the config, install signal handlers, run."""
    from crawler.registry import all_sources

    config = load_config(config_path, {s.key: s.schedule for s in all_sources()})
    jobs = [job for job in config.jobs if not only or job.key in only]
    missing = sorted(set(only) - {job.key for job in config.jobs})
    if missing:
        raise ScheduleError(f"not scheduled (unknown or disabled): {', '.join(missing)}")
    database = db or config.db

    def launch(job: Job) -> subprocess.Popen[bytes]:
        # Its own process group: a Ctrl-C in the terminal reaches the scheduler only,
        # which then stops the crawls itself, once.
        return subprocess.Popen(crawl_command(job, db=database, extra=extra),
                                start_new_session=True, env=os.environ.copy())

    scheduler = Scheduler(jobs, launch=launch, parallel=config.parallel, max_runs=max_runs)
    signal.signal(signal.SIGTERM, scheduler.stop)
    signal.signal(signal.SIGINT, scheduler.stop)
    return scheduler.run(once=once)
