"""Re-extraction throughput: `mfa-archive reextract` beside a single-process trafilatura loop.

``python benchmarks/reextract.py [--releases 2000] [--repeat 3] [--postgres URL]``
crawls a synthetic az mirror into a fresh SQLite archive, then measures, in the
same run and interleaved (the median of ``--repeat`` runs each):

(a) a loop in one process running trafilatura over every stored raw page;
(b) `mfa-archive reextract`: Meetings and Statements rebuilt from the stored text,
    on every core, written back where they differ (here the facts are those
    stored: nothing but the document's records version is written);
(c) the same after the records extractor changed: before each such run, every
    record row and document is marked as built by another records version
    (untimed), so every row is rewritten (its version; the text stays);
(d) `mfa-archive reextract --text`: trafilatura and the page objects over the raw
    HTML too, then records, on every core, written back.

Prints docs/s, CPU seconds, peak RSS, the load average before and after, and the
ratios against their targets (issue 16): (b) and (c) >= 2x the loop, (d) >= 1.5x.

With ``--postgres URL`` (a server where a scratch database may be created), the
same releases are crawled into a new PostgreSQL database and `reextract --worker`
is timed with one worker, then two at once, each time over every document made
stale (records version); target: two workers >= 1.7x one worker's docs/s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import (
    PYTHON,
    ROOT,
    Measured,
    Server,
    load,
    machine,
    median,
    run_measured,
    table,
)
from benchmarks.crawl import pipeline_args

TARGET = 2.0  # reextract docs/s / loop docs/s, at least
TEXT_TARGET = 1.5  # reextract --text docs/s / loop docs/s, at least
WORKERS_TARGET = 1.7  # two --worker processes' docs/s / one's, at least
STALE = "bench-stale"  # a records version that is not the current one


def loop(db_url: str) -> None:
    """trafilatura over every stored page, one process, nothing written."""
    import gzip

    import trafilatura
    from sqlalchemy import select

    from db.models import Document
    from db.session import make_engine

    engine = make_engine(db_url)
    with engine.connect() as conn:
        for raw, encoding in conn.execute(select(Document.raw_html, Document.encoding)):
            html = gzip.decompress(raw).decode(encoding or "utf-8", errors="replace")
            trafilatura.bare_extraction(html, with_metadata=True)
    engine.dispose()


def make_stale(db_url: str) -> None:
    """Every document and record row as if built by another records extractor."""
    from sqlalchemy import text

    from db.session import make_engine

    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE documents SET records_extractor = :v"), {"v": STALE})
        for table_name in ("meetings", "participants", "statements"):
            conn.execute(text(f"UPDATE {table_name} SET extractor_version = :v"),  # noqa: S608
                         {"v": STALE})
        if engine.dialect.name == "postgresql":
            conn.execute(text("DELETE FROM reextract_queue"))
    engine.dispose()


def _crawl(server: Server, db_url: str) -> bool:
    built = run_measured(pipeline_args(server.urls["az"], db_url))
    if built.returncode != 0:
        print(built.stderr[-2000:], file=sys.stderr)
    return built.returncode == 0


def _timed_workers(db_url: str, count: int) -> float:
    """Seconds until ``count`` `reextract --worker` processes, started at once, have all ended."""
    command = [PYTHON, "-m", "crawler.cli", "reextract", "--worker", "--db", db_url]
    start = time.perf_counter()
    procs = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True) for _ in range(count)]
    failed = [p.communicate()[1] for p in procs if p.wait() != 0]
    seconds = time.perf_counter() - start
    if failed:
        raise RuntimeError(f"reextract --worker failed: {failed[0][-2000:]}")
    return seconds


def worker_scaling(server: Server, postgres: str, releases: int, repeat: int) -> bool:
    """One `reextract --worker` beside two, on a scratch PostgreSQL database; True if met."""
    import psycopg

    from db import urls

    base = urls.parse(postgres)
    name = f"mfa_bench_{uuid.uuid4().hex[:10]}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    db_url = base.set(drivername="postgresql+psycopg", database=name).render_as_string(
        hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        if not _crawl(server, db_url):
            return False
        runs: dict[int, list[float]] = {1: [], 2: []}
        before = load()
        for _ in range(repeat):
            for count in (1, 2):
                make_stale(db_url)
                runs[count].append(_timed_workers(db_url, count))
        after = load()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    rates = {count: releases / median(seconds) for count, seconds in runs.items()}
    print(table(f"reextract --worker on PostgreSQL: {releases} stale documents, median of "
                f"{repeat} (load average {before} before, {after} after)",
                ["workers", "seconds", "docs/s"],
                [(count, median(runs[count]), rates[count]) for count in (1, 2)]))
    ratio = rates[2] / rates[1]
    print(f"2 workers / 1 worker docs/s: {ratio:.2f}x (target >= {WORKERS_TARGET}x): "
          f"{'ok' if ratio >= WORKERS_TARGET else 'MISSED'}")
    return ratio >= WORKERS_TARGET


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--releases", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", metavar="URL",
                        help="Also time reextract --worker (1 and 2) on a scratch database there.")
    parser.add_argument("--loop-only", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.loop_only:
        loop(args.loop_only)
        return 0
    met = True
    with tempfile.TemporaryDirectory() as tmp, \
            Server([PYTHON, "benchmarks/synthetic.py", str(args.releases)]) as server:
        db_url = f"sqlite:///{tmp}/archive.sqlite"
        if not _crawl(server, db_url):
            return 1
        reextract = [PYTHON, "-m", "crawler.cli", "reextract", "--db", db_url]
        commands: dict[str, tuple[list[str], Callable[[], None] | None]] = {
            "trafilatura loop, 1 process": (
                [PYTHON, "benchmarks/reextract.py", "--loop-only", db_url], None),
            "mfa-archive reextract": (reextract, None),
            "mfa-archive reextract, records stale": (reextract, lambda: make_stale(db_url)),
            "mfa-archive reextract --text": ([*reextract, "--text"], None),
        }
        runs: dict[str, list[Measured]] = {name: [] for name in commands}
        before = load()
        for _ in range(args.repeat):
            for name, (command, setup) in commands.items():
                if setup is not None:
                    setup()
                measured = run_measured(command)
                if measured.returncode != 0:
                    print(measured.stderr[-2000:], file=sys.stderr)
                    return 1
                runs[name].append(measured)
        after = load()
        rows, rates = [], {}
        for name, measured_runs in runs.items():
            seconds = median([m.seconds for m in measured_runs])
            rates[name] = args.releases / seconds
            rows.append((name, args.releases, seconds, rates[name],
                         median([m.cpu_seconds for m in measured_runs]),
                         max(m.peak_rss_mb for m in measured_runs)))
        print(table(f"reextract: {args.releases} stored releases, median of {args.repeat} "
                    f"({machine()}; load average {before} before, {after} after)",
                    ["run", "docs", "seconds", "docs/s", "cpu s", "peak RSS MB"], rows))
        baseline = rates["trafilatura loop, 1 process"]
        for name, target, what in (
            ("mfa-archive reextract", TARGET, "records from the stored text, the same facts"),
            ("mfa-archive reextract, records stale", TARGET, "every record row rewritten"),
            ("mfa-archive reextract --text", TEXT_TARGET,
             "trafilatura fast mode + page objects + records + writes"),
        ):
            ratio = rates[name] / baseline
            met = met and ratio >= target
            print(f"{name.removeprefix('mfa-archive ')} / loop docs/s: {ratio:.2f}x "
                  f"(target >= {target}x: {'ok' if ratio >= target else 'MISSED'}; {what})")
        if args.postgres:
            met = worker_scaling(server, args.postgres, args.releases, args.repeat) and met
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
