"""Dispatch to Scrapyd nodes without crawling: node choice, dead nodes, exit rules, SQLite."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crawler.dispatch import NodePool
from crawler.scheduler import load_config, once_exit_code
from tests.conftest import run_cli


@contextmanager
def _status_server() -> Iterator[tuple[dict[str, int], str]]:
    """A loopback server answering daemonstatus.json with the counts the test sets."""
    counts = {"running": 0, "pending": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"status": "ok", "node_name": f"stub:{self.server.server_port}",
                               **counts}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield counts, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def node_status() -> Iterator[tuple[dict[str, int], str]]:
    with _status_server() as status:
        yield status


def _dead_url() -> str:
    import socket

    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def test_the_least_busy_live_node_is_chosen_and_a_dead_one_warned_about_once(
        node_status: tuple[dict[str, int], str], caplog: pytest.LogCaptureFixture) -> None:
    counts, live = node_status
    dead = _dead_url()
    pool = NodePool([dead, live], timeout=2)
    caplog.set_level(logging.INFO, logger="crawler.dispatch")
    counts["running"] = 3
    assert pool.least_busy() == (live, live.replace("http://127.0.0.1", "stub"))
    assert pool.least_busy() is not None
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and dead in warnings[0].getMessage()


def test_of_two_live_nodes_the_one_with_fewer_jobs_wins() -> None:
    with _status_server() as (first, first_url), _status_server() as (second, second_url):
        pool = NodePool([first_url, second_url], timeout=2)
        first["pending"] = 2
        assert pool.least_busy() == (second_url, second_url.replace("http://127.0.0.1", "stub"))
        second["running"] = 1
        second["pending"] = 2
        assert pool.least_busy() == (first_url, first_url.replace("http://127.0.0.1", "stub"))
        first["pending"] = 3
        assert pool.least_busy() is not None and pool.least_busy()[0] == first_url  # a tie: first
    assert NodePool([_dead_url()], timeout=2).least_busy() is None


def test_once_exits_like_crawl_all() -> None:
    assert once_exit_code([0, 0]) == 0
    assert once_exit_code([0, 3]) == 3
    assert once_exit_code([3, 5]) == 5
    assert once_exit_code([5, 1]) == 1
    assert once_exit_code([1, 4]) == 4
    assert once_exit_code([0, -9]) == 1  # a crash counts as errors


def test_nodes_and_base_urls_come_from_the_config(tmp_path: Path) -> None:
    path = tmp_path / "mfa-archive.toml"
    path.write_text('nodes = ["http://a:6800", "http://b:6800"]\nnode_grace = 3\n'
                    '[sources.az]\nbase_url = "http://127.0.0.1:8000"\n')
    config = load_config(path, {"az": None, "by": None})
    assert config.nodes == ("http://a:6800", "http://b:6800") and config.node_grace == 3
    assert {j.key: j.base_url for j in config.jobs} == {"az": "http://127.0.0.1:8000",
                                                         "by": None}


def test_nodes_need_postgresql(tmp_path: Path) -> None:
    result = run_cli("schedule", "--once", "--node", "http://127.0.0.1:9", "az",
                     "--db", f"sqlite:///{tmp_path / 'a.sqlite'}")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "PostgreSQL" in lines[0], result.stderr


class _FakeScrapyd:
    """A loopback Scrapyd API with jobs the test moves between states (or forgets)."""

    def __init__(self) -> None:
        self.jobs: dict[str, str] = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, data: dict[str, object]) -> None:
                body = json.dumps({"status": "ok", "node_name": "fake", **data}).encode()
                self.send_response(200)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if self.path.startswith("/daemonstatus.json"):
                    running = sum(s == "running" for s in fake.jobs.values())
                    self._answer({"running": running, "pending": 0})
                else:
                    self._answer({state: [{"id": j} for j, s in fake.jobs.items() if s == state]
                                  for state in ("pending", "running", "finished")})

            def do_POST(self) -> None:
                from urllib.parse import parse_qs

                length = int(self.headers["Content-Length"])
                form = parse_qs(self.rfile.read(length).decode())
                fake.jobs[form["jobid"][0]] = "pending"
                self._answer({"jobid": form["jobid"][0]})

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_job_the_node_forgot_or_that_ended_without_its_run_is_sent_again() -> None:
    from crawler.dispatch import Outcome, RemoteRun

    node = _FakeScrapyd()
    outcomes: dict[str, Outcome] = {}
    try:
        run = RemoteRun("az", {"ARCHIVE_DB_URL": "postgresql://x/y"}, pool=NodePool([node.url]),
                        outcomes=lambda jobs: {j: outcomes[j] for j in jobs if j in outcomes},
                        attempts=3)
        first = run.job_id
        assert first in node.jobs and run.poll() is None  # pending
        node.jobs.clear()  # a restarted node: the job is gone
        assert run.poll() is None
        second = run.job_id
        assert second not in (None, first) and second in node.jobs
        node.jobs[second] = "finished"  # ended, its run never finished: killed
        outcomes[second] = Outcome("running", finished=False)
        assert run.poll() is None and run.job_id not in (first, second)
        third = run.job_id
        assert third is not None
        outcomes[third] = Outcome("locked", finished=True)
        assert run.poll() == 5  # the outcome is the run's: locked
        assert run.dispatches == 3
    finally:
        node.close()


def test_a_job_sent_too_often_gives_up_as_an_error() -> None:
    from crawler.dispatch import RemoteRun

    node = _FakeScrapyd()
    try:
        run = RemoteRun("az", {}, pool=NodePool([node.url]), outcomes=lambda jobs: {},
                        attempts=2)
        for _ in range(2):
            node.jobs.clear()
            code = run.poll()
        assert code == 1 and run.dispatches == 2
    finally:
        node.close()
