"""PostgreSQL restarted mid-crawl (seen through a test proxy that drops every connection
and refuses new ones, then lets them through again): the crawl fails with its error and
a summary line, the run is recorded `failed`, and the next run completes the archive
with nothing lost or duplicated."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import ROOT, fresh_database
from tests.faults.harness import (
    _env,
    assert_consistent,
    crawl,
    crawl_args,
    fault_server,
    read_until,
    snapshot,
    stored_count,
    wait_until,
)
from tests.faults.proxy import cuttable_proxy

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

RELEASES = 12


def test_a_postgres_restart_fails_the_run_and_the_next_run_completes(tmp_path: Path) -> None:
    if not os.getenv("MFA_TEST_POSTGRES"):
        pytest.skip("needs MFA_TEST_POSTGRES")
    with fresh_database("postgres", tmp_path) as db_url:
        direct = make_url(db_url)
        with cuttable_proxy(direct.host or "127.0.0.1", direct.port or 5432) as proxy, \
                fault_server("--site", "az", "--limit", str(RELEASES), "--delay", "0.3") as server:
            through = direct.set(host="127.0.0.1", port=proxy.port).render_as_string(
                hide_password=False)
            proc = subprocess.Popen(
                crawl_args("az", server.url, through, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
                           "-s", "DOWNLOAD_TIMEOUT=10"),
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                env=_env())
            wait_until(lambda: stored_count(db_url) >= 2 or proc.poll() is not None,
                       timeout=60, what="2 releases")
            assert proc.poll() is None
            proxy.cut()  # the server goes down ...
            seen = read_until(proc, "database error, stopping the crawl")
            proxy.restore()  # ... and comes back
            _, rest = proc.communicate(timeout=60)
            err = seen + rest
            assert proc.returncode == 1, err
            assert "Traceback" not in err
            summary = err.splitlines()[-1]
            assert summary.startswith("az: failed (run 1): ") and "why: database: " in summary
            first = snapshot(db_url)
            assert 2 <= len(first.documents) < RELEASES
            assert_consistent(first)

            server.set(delay="0")
            again = crawl("az", server.url, through)
            assert again.returncode == 0, again.stderr[-2000:]
        final = snapshot(db_url)
        assert len(final.documents) == RELEASES  # nothing lost, nothing twice (urls unique)
        assert all(final.documents[url] == document for url, document in first.documents.items())
        assert_consistent(final)
        assert [status for status, _ in final.runs] == ["failed", "completed"]
