"""Crawls on two Scrapyd nodes (`mfa-archive node`) dispatched by `mfa-archive schedule --node`.

Everything runs on this machine: the mirrors and two Scrapyd nodes on loopback
ports, one fresh PostgreSQL database per test. The archive the nodes build must
equal a local `mfa-archive crawl` of the same mirrors; a node killed mid-crawl
(its whole process group, SIGKILL) loses and duplicates nothing; the same source
sent to both nodes at once runs once, the other job recording `locked`.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.dispatch import NodeUnavailable, ScrapydClient
from db.models import CrawlRun, Document, FrontierEntry, Meeting, Source, Statement
from db.session import make_engine
from tests.conftest import FAST, ROOT, fresh_database, run_cli
from tests.faults.harness import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

SOURCES = ("az", "by", "fr")
QUICK = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "LOG_LEVEL": "INFO",
         "ARCHIVE_EXTRACT_WORKERS": "0", "CONCURRENT_REQUESTS_PER_DOMAIN": "8"}
# One request at a time, 50 ms apart: az's ~55 requests take a few seconds, long
# enough to kill its node or to start a second crawl while the first one runs.
SLOW = QUICK | {"CONCURRENT_REQUESTS": "1", "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
                "DOWNLOAD_DELAY": "0.05"}


def free_port() -> int:
    """A free loopback port (Scrapyd cannot listen on port 0 and say which it got)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Node:
    url: str
    name: str
    process: subprocess.Popen[bytes]

    def kill_group(self) -> None:
        """SIGKILL the node and every crawl it runs (one process group)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


def _answers(url: str) -> bool:
    try:
        ScrapydClient(url, timeout=2).daemonstatus()
    except NodeUnavailable:
        return False
    return True


@contextmanager
def scrapyd_node(directory: Path, name: str) -> Iterator[Node]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # the node imports this tree's crawler
    env.pop("MFA_ARCHIVE_DB", None)
    log = open(directory.with_suffix(".log"), "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "node", "--port", str(port), "--dir",
         str(directory), "--max-proc", "2", "--name", name],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    node = Node(url, name, process)
    try:
        wait_until(lambda: _answers(url) or process.poll() is not None, timeout=60,
                   what=f"node {name} to answer")
        assert process.poll() is None, directory.with_suffix(".log").read_text()[-3000:]
        yield node
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


@contextmanager
def two_nodes(tmp: Path) -> Iterator[tuple[Node, Node]]:
    with ExitStack() as stack:
        first = stack.enter_context(scrapyd_node(tmp / "node-a", "node-a"))
        second = stack.enter_context(scrapyd_node(tmp / "node-b", "node-b"))
        yield first, second


def _config(path: Path, mirror: dict[str, str], settings: dict[str, str],
            keys: tuple[str, ...] = SOURCES, grace: float = 10.0) -> Path:
    lines = ["settings = { " + ", ".join(f'{k} = "{v}"' for k, v in settings.items()) + " }",
             f"node_grace = {grace}"]
    for key in keys:
        lines += [f"[sources.{key}]", f'base_url = "{mirror[key]}"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _schedule(config: Path, db_url: str, nodes: tuple[Node, ...], *keys: str,
              popen: bool = False) -> Any:
    args = [sys.executable, "-m", "crawler.cli", "schedule", "--once", "--config", str(config),
            "--db", db_url, *(a for n in nodes for a in ("--node", n.url)),
            *(a for k in keys for a in ("--source", k))]
    env = {**os.environ}
    env.pop("MFA_ARCHIVE_DB", None)
    if popen:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240,
                          check=False)


def _runs_json(db_url: str) -> list[dict[str, Any]]:
    result = run_cli("runs", "--json", "--db", db_url)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def archive(db_url: str) -> dict[str, Any]:
    """What two archives of the same mirrors must share: documents, text hashes, records."""
    engine = make_engine(db_url)

    def facts(model: Any) -> list[tuple[Any, ...]]:
        columns = [c for c in model.__table__.columns
                   if c.name != "id" and not c.name.endswith("_id")]
        rows = session.execute(select(Document.url, *columns)
                               .join(Document, Document.id == model.document_id)).all()
        return sorted(tuple(str(v) for v in row) for row in rows)

    with Session(engine) as session:
        documents = session.execute(
            select(Source.key, Document.url, Document.title, Document.published,
                   Document.content_hash, Document.text_extractor, Document.records_extractor)
            .join(Source).order_by(Document.url)).all()
        stored = session.scalars(select(FrontierEntry.url).where(FrontierEntry.state == "stored")
                                 .order_by(FrontierEntry.url)).all()
        result = {"documents": [tuple(d) for d in documents], "stored": list(stored),
                  "meetings": facts(Meeting), "statements": facts(Statement)}
    engine.dispose()
    return result


@pytest.fixture(scope="module")
def shared_nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Node, Node]]:
    """Two nodes for the tests that kill none (each test has its own database)."""
    with two_nodes(tmp_path_factory.mktemp("nodes")) as nodes:
        yield nodes


@pytest.fixture(scope="module")
def local_archive(mirror: dict[str, str], tmp_path_factory: pytest.TempPathFactory
                  ) -> dict[str, Any]:
    """The same sources crawled locally by `mfa-archive crawl`, one by one."""
    db_url = f"sqlite:///{tmp_path_factory.mktemp('local') / 'local.sqlite'}"
    for key in SOURCES:
        done = run_cli("crawl", key, "--base-url", mirror[key], "--db", db_url, *FAST)
        assert done.returncode == 0, done.stderr[-2000:]
    return archive(db_url)


def _subset(full: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    urls = {url for key, url, *_ in full["documents"] if key in keys}
    return {"documents": [d for d in full["documents"] if d[0] in keys],
            "stored": [u for u in full["stored"] if u in urls],
            "meetings": [m for m in full["meetings"] if m[0] in urls],
            "statements": [s for s in full["statements"] if s[0] in urls]}


def test_two_nodes_archive_every_release_once_like_a_local_crawl(
        mirror: dict[str, str], local_archive: dict[str, Any], shared_nodes: tuple[Node, Node],
        tmp_path: Path) -> None:
    nodes = shared_nodes
    with fresh_database("postgres", tmp_path) as db_url:
        config = _config(tmp_path / "mfa-archive.toml", mirror, QUICK)
        done = _schedule(config, db_url, nodes, *SOURCES)
        assert done.returncode == 0, done.stderr[-4000:]
        runs = _runs_json(db_url)
        got = archive(db_url)
    print("\n".join(json.dumps({k: r[k] for k in ("id", "source", "status", "node",
                                                   "scrapyd_job", "releases_new")})
                    for r in runs))
    assert sorted(r["source"] for r in runs) == sorted(SOURCES)
    assert {r["status"] for r in runs} == {"completed"}
    assert {r["node"] for r in runs} == {"node-a", "node-b"}  # both nodes used
    assert all(r["scrapyd_job"] and r["scrapyd_job"] in done.stderr for r in runs)
    # Every release archived once: as many new releases as documents, nothing unchanged.
    assert sum(r["releases_new"] for r in runs) == len(got["documents"])
    assert sum(r["releases_changed"] + r["releases_unchanged"] for r in runs) == 0
    assert got == local_archive
    assert len(got["documents"]) > 60 and got["meetings"] and got["statements"]


def test_a_node_killed_mid_crawl_loses_and_duplicates_nothing(
        mirror: dict[str, str], local_archive: dict[str, Any], tmp_path: Path) -> None:
    from tests.faults.harness import poller

    with fresh_database("postgres", tmp_path) as db_url, two_nodes(tmp_path) as nodes:
        config = _config(tmp_path / "mfa-archive.toml", mirror, SLOW, keys=("az",), grace=1)
        scheduler = _schedule(config, db_url, nodes, "az", popen=True)

        def running_run() -> tuple[str, int] | None:
            from sqlalchemy.exc import DBAPIError

            try:
                with poller(db_url).connect() as conn:
                    row = conn.execute(select(CrawlRun.node, CrawlRun.releases_new)
                                       .where(CrawlRun.status == "running")).first()
            except DBAPIError:
                return None  # not migrated yet
            return None if row is None else (str(row[0]), int(row[1]))

        wait_until(lambda: (r := running_run()) is not None and r[1] >= 5
                   or scheduler.poll() is not None, timeout=120, what="az to be crawling")
        victim_name, archived_before = running_run() or ("", 0)
        victim = next(n for n in nodes if n.name == victim_name)
        victim.kill_group()
        _, err = scheduler.communicate(timeout=240)
        assert scheduler.returncode == 0, err[-4000:]
        again = _schedule(config, db_url, nodes, "az")  # the killed node stays down
        assert again.returncode == 0, again.stderr[-4000:]
        runs = _runs_json(db_url)[::-1]
        got = archive(db_url)
    survivor = next(n for n in nodes if n is not victim)
    assert [(r["status"], r["node"]) for r in runs] == [
        ("interrupted", victim.name), ("completed", survivor.name),
        ("completed", survivor.name)]
    assert 5 <= archived_before < len(got["documents"])
    assert sum(r["releases_new"] for r in runs) == len(got["documents"])  # none twice
    assert runs[2]["releases_new"] == 0  # the second schedule found nothing left to do
    assert got == _subset(local_archive, ("az",))  # none lost
    assert err.count(f"node {victim.url} does not answer") == 1
    assert again.stderr.count(f"node {victim.url} does not answer") == 1


def test_the_same_source_on_both_nodes_at_once_runs_once(
        mirror: dict[str, str], shared_nodes: tuple[Node, Node], tmp_path: Path) -> None:
    from crawler.dispatch import Outcome
    from db.dispatch import job_outcomes
    from db.migrate import ensure_schema

    nodes = shared_nodes
    with fresh_database("postgres", tmp_path) as db_url:
        engine = make_engine(db_url)
        ensure_schema(engine)
        settings = SLOW | {"ARCHIVE_DB_URL": db_url, "ARCHIVE_BASE_URL": mirror["az"]}
        jobs = [ScrapydClient(node.url).schedule("az", job_id=f"job-{node.name}",
                                                 settings=settings) for node in nodes]

        def outcomes() -> dict[str, Outcome]:
            with Session(engine) as session:
                return {j: Outcome(o.status, o.finished)
                        for j, o in job_outcomes(session, jobs).items()}

        wait_until(lambda: len(outcomes()) == 2 and all(o.finished for o in outcomes().values()),
                   timeout=120, what="both jobs to record their runs")
        with Session(engine) as session:
            runs = session.execute(select(CrawlRun.status, CrawlRun.node, CrawlRun.scrapyd_job,
                                          CrawlRun.releases_new)).all()
            documents = session.query(Document).count()
        engine.dispose()
    assert sorted(r.status for r in runs) == ["completed", "locked"]
    assert {r.node for r in runs} == {"node-a", "node-b"}
    assert {r.scrapyd_job for r in runs} == set(jobs)
    assert sum(r.releases_new for r in runs) == documents > 40

