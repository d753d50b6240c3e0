"""Shared fixtures: mirrors on loopback, fresh databases, each backend a test runs on.

A test that takes ``db_url`` (or ``backend``) runs on SQLite and on PostgreSQL, its
id naming the backend; the PostgreSQL runs are marked ``postgres`` and skip unless
MFA_TEST_POSTGRES is set (CI sets it). Slow crawls are marked ``slow``
(``make test-fast`` leaves them out).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ENV = "MFA_TEST_POSTGRES"


def pytest_report_header() -> str:
    url = os.getenv(POSTGRES_ENV)
    return f"PostgreSQL tests: {'on, ' + url if url else 'skipped (set ' + POSTGRES_ENV + ')'}"


@contextmanager
def served(module: str, *args: str) -> Iterator[dict[str, str]]:
    """Sites served by ``python -m MODULE ARGS`` (which prints ``KEY URL`` lines, then
    ``ready``); ``{key: base URL}``, until the block ends."""
    proc = subprocess.Popen(
        [sys.executable, "-m", module, *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    urls: dict[str, str] = {}
    assert proc.stdout is not None
    for line in proc.stdout:  # blocks until the server prints; no sleeping
        line = line.strip()
        if line == "ready":
            break
        key, url = line.split()
        urls[key] = url
    else:
        raise RuntimeError(f"{module} did not start: {proc.stderr.read() if proc.stderr else ''}")
    try:
        yield urls
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
        if proc.stderr:
            proc.stderr.close()


@pytest.fixture(scope="session")
def mirror() -> Iterator[dict[str, str]]:
    """Every source's mirror, served by a subprocess; ``{key: base URL}``."""
    with served("crawler.mirror") as urls:
        yield urls


# Test ids end in [sqlite] / [postgres]; the PostgreSQL param carries the `postgres` marker.
BACKENDS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgres", id="postgres", marks=pytest.mark.postgres)]
POSTGRES_SKIP = f"PostgreSQL tests need {POSTGRES_ENV}=postgresql://user@host/db"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.getenv(POSTGRES_ENV):
        return
    skip = pytest.mark.skip(reason=POSTGRES_SKIP)
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgres``: the database kind this test runs on.

    Module-scoped, so that a module's crawl shared by its tests (a module fixture)
    can run once per backend too; pytest then runs a module's tests backend by backend.
    """
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of ``backend`` for one test."""
    with fresh_database(backend, tmp_path) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite database, for the tests that are about SQLite only."""
    return f"sqlite:///{tmp_path / 'archive.sqlite'}"


@contextmanager
def fresh_database(backend: str, directory: Path) -> Iterator[str]:
    """A new database URL: a SQLite file in ``directory``, or a new PostgreSQL database
    on the MFA_TEST_POSTGRES server, dropped afterwards."""
    if backend == "sqlite":
        url = f"sqlite:///{directory / f'archive-{uuid.uuid4().hex[:8]}.sqlite'}"
        try:
            yield url
        finally:
            _forget_pollers(url)
        return
    import psycopg

    from db import urls

    server_url = os.getenv(POSTGRES_ENV)
    if not server_url:
        pytest.skip(POSTGRES_SKIP)
    server = urls.parse(server_url)
    name = f"mfa_test_{uuid.uuid4().hex[:12]}"
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = server.set(drivername="postgresql+psycopg", database=name).render_as_string(
        hide_password=False)
    try:
        yield url
    finally:
        _forget_pollers(url)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _forget_pollers(url: str) -> None:
    """Dispose of the reliability harness's polling engine on ``url``, if it made one."""
    harness = sys.modules.get("tests.faults.harness")
    if harness is not None:
        harness.forget_poller(url)


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 240,
            input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``mfa-archive`` in a subprocess (a crawl needs a fresh Twisted reactor)."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("MFA_ARCHIVE_DB", None) if env is None else None
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", *args],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=full_env, input=input,
        check=False,
    )


FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "LOG_LEVEL=WARNING"]
