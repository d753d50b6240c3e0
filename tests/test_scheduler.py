"""``mfa-archive schedule``: cron per source, never two runs of a source, failures isolated, SIGTERM.

The loop itself runs on a fake clock with fake processes (a day in milliseconds);
then the real command runs crawls against loopback servers.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from croniter import croniter
from sqlalchemy import func, select

from crawler.scheduler import Job, ScheduleError, Scheduler, load_config, staggered_cron
from db.models import CrawlRun, Document, Source
from db.session import make_engine
from tests.conftest import ROOT
from tests.faults.harness import FAULTS_ENV, count_rows, fault_server, wait_until

START = dt.datetime(2026, 11, 27, 0, 0, tzinfo=dt.UTC)


def test_default_schedules_are_daily_and_staggered() -> None:
    crons = [staggered_cron(i, 11) for i in range(11)]
    assert len(set(crons)) == 11
    for cron in crons:
        times = croniter(cron, START).all_next(dt.datetime)
        first, second = next(times), next(times)
        assert second - first == dt.timedelta(days=1)


def test_config_overrides_and_errors(tmp_path: Path) -> None:
    config = tmp_path / "mfa-archive.toml"
    config.write_text('parallel = 3\nsettings = { DOWNLOAD_DELAY = "2" }\n'
                      '[sources.az]\ncron = "*/5 * * * *"\nbase_url = "http://127.0.0.1:1"\n'
                      '[sources.by]\nenabled = false\n')
    loaded = load_config(config, {"az": None, "by": None, "cn": "0 3 * * 1"})
    jobs = {job.key: job for job in loaded.jobs}
    assert set(jobs) == {"az", "cn"} and loaded.parallel == 3
    assert jobs["az"].cron == "*/5 * * * *" and jobs["az"].base_url == "http://127.0.0.1:1"
    assert jobs["cn"].cron == "0 3 * * 1"  # the spider's own schedule
    assert jobs["az"].settings == {"DOWNLOAD_DELAY": "2"}
    config.write_text('[sources.xx]\ncron = "* * * * *"\n')
    with pytest.raises(ScheduleError, match="unknown source xx"):
        load_config(config, {"az": None})
    config.write_text('[sources.az]\ncron = "every day"\n')
    with pytest.raises(ScheduleError, match="not a cron expression"):
        load_config(config, {"az": None})


class FakeProcess:
    """A crawl that runs ``minutes`` of fake time and exits with ``code``."""

    def __init__(self, clock: FakeClock, minutes: float, code: int) -> None:
        self.clock, self.code, self.pid = clock, code, 0
        self.ends = clock.now + dt.timedelta(minutes=minutes)
        self.signalled = False

    def poll(self) -> int | None:
        if self.signalled:
            return 4
        return self.code if self.clock.now >= self.ends else None

    def send_signal(self, sig: int) -> None:
        self.signalled = True

    def wait(self, timeout: float | None = None) -> int:
        return self.poll() or 0


class FakeClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=max(seconds, 1))


def test_never_two_runs_of_a_source_and_failures_are_isolated() -> None:
    clock = FakeClock()
    durations = {"slow": (25, 0), "crashing": (1, 1)}  # minutes, exit code

    def launch(job: Job) -> subprocess.Popen[bytes]:
        minutes, code = durations[job.key]
        return FakeProcess(clock, minutes, code)  # type: ignore[return-value]

    jobs = [Job(key="slow", cron="*/10 * * * *"), Job(key="crashing", cron="*/10 * * * *")]
    scheduler = Scheduler(jobs, launch=launch, clock=clock, sleep=clock.sleep, max_runs=12)
    assert scheduler.run() == 1  # some runs failed
    runs = {key: [(s, e) for k, s, e, _ in scheduler.history if k == key] for key in durations}
    assert len(runs["crashing"]) >= 5  # its failures stopped nothing, not even itself
    assert len(runs["slow"]) >= 2
    for (_, end), (start, _) in zip(runs["slow"], runs["slow"][1:], strict=False):
        assert start >= end  # never two at once
    assert ("slow", START + dt.timedelta(minutes=20), "still running") in scheduler.skipped


def test_stop_asks_running_crawls_to_finish() -> None:
    clock = FakeClock()
    started: list[FakeProcess] = []

    def launch(job: Job) -> subprocess.Popen[bytes]:
        started.append(FakeProcess(clock, 600, 0))
        return started[-1]  # type: ignore[return-value]

    def sleep(seconds: float) -> None:
        clock.sleep(seconds)
        if started:  # SIGTERM arrives while a crawl runs
            scheduler.stop()

    scheduler = Scheduler([Job(key="az", cron="* * * * *")], launch=launch, clock=clock,
                          sleep=sleep)
    assert scheduler.run() == 0
    assert started and started[0].signalled
    assert [code for *_, code in scheduler.history] == [4]


# --- the real command -------------------------------------------------------------------


def _schedule(config: Path, db_url: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, **FAULTS_ENV}
    env.pop("MFA_ARCHIVE_DB", None)
    return subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "schedule", "--config", str(config), "--db", db_url,
         *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)


QUICK_TOML = ('settings = { DOWNLOAD_DELAY = "0", AUTOTHROTTLE_ENABLED = "False", '
              'LOG_LEVEL = "WARNING", ARCHIVE_EXTRACT_WORKERS = "0", DOWNLOAD_TIMEOUT = "30" }\n')


@pytest.mark.slow  # real crawls under the real command
def test_schedule_once_runs_each_source_and_survives_a_failing_one(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    with fault_server("--site", "az", "--limit", "10") as az, \
            fault_server("--listing", "ok-1", "--robots", "503") as broken:
        config = tmp_path / "mfa-archive.toml"
        config.write_text(QUICK_TOML + f'[sources.az]\nbase_url = "{az.url}"\n'
                          f'[sources.faults]\nbase_url = "{broken.url}"\n')
        proc = _schedule(config, db_url, "--once", "az", "faults")
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err[-3000:]  # one source failed
    assert "az: ended with exit code 0 (completed)" in err, err[-3000:]
    assert "faults: ended with exit code 1 (errors)" in err
    engine = make_engine(db_url)
    with engine.connect() as conn:
        statuses = dict(conn.execute(select(Source.key, CrawlRun.status).join(Source)).all())
    engine.dispose()
    assert statuses == {"az": "completed", "faults": "failed"}


@pytest.mark.slow  # real crawls under the real command
def test_sigterm_stops_the_scheduler_and_its_crawls_cleanly(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    with fault_server("--site", "az", "--limit", "10", "--delay", "2") as az:
        config = tmp_path / "mfa-archive.toml"
        one_at_a_time = QUICK_TOML.replace(" }", ', CONCURRENT_REQUESTS = "1" }')
        config.write_text(one_at_a_time
                          + f'[sources.az]\ncron = "* * * * *"\nbase_url = "{az.url}"\n')
        proc = _schedule(config, db_url, "--once", "az")
        wait_until(lambda: count_rows(db_url, CrawlRun) > 0 or proc.poll() is not None,
                   timeout=60, what="the crawl to start")
        assert proc.poll() is None
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 4, err[-3000:]  # --once: crawl --all's rule, interrupted
    assert "az: ended with exit code 4 (interrupted)" in err
    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert conn.scalar(select(CrawlRun.status)) == "interrupted"
        # Stopped, not finished: one request at a time, 2 s each, at most the one in
        # flight was completed after the signal (10 would take 20 s).
        assert conn.scalar(select(func.count()).select_from(Document)) < 10
    engine.dispose()
