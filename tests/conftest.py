"""Shared fixtures: mirrors on loopback, fresh databases (SQLite always, PostgreSQL on request)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ENV = "MFA_TEST_POSTGRES"


def pytest_report_header() -> str:
    url = os.getenv(POSTGRES_ENV)
    return f"PostgreSQL tests: {'on, ' + url if url else 'skipped (set ' + POSTGRES_ENV + ')'}"


@pytest.fixture(scope="session")
def mirror() -> Iterator[dict[str, str]]:
    """Every source's mirror, served by a subprocess; ``{key: base URL}``."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.mirror"],
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
        raise RuntimeError(f"mirror did not start: {proc.stderr.read() if proc.stderr else ''}")
    yield urls
    proc.terminate()
    proc.wait(timeout=10)
    proc.stdout.close()
    if proc.stderr:
        proc.stderr.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'archive.sqlite'}"


@pytest.fixture(scope="session")
def postgres_server() -> str:
    url = os.getenv(POSTGRES_ENV)
    if not url:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV}=postgresql://user@host/db")
    return url


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    server = make_url(postgres_server)
    name = f"mfa_test_{uuid.uuid4().hex[:12]}"
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield server.set(drivername="postgresql+psycopg", database=name).render_as_string(
        hide_password=False
    )
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each test that takes ``db_url`` runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("postgres_url"))


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
