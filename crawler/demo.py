"""``make demo``: crawl every bundled mirror into ``demo/archive.sqlite``, summarise, export."""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from crawler.exitcodes import EXIT_ERRORS, EXIT_OK
from crawler.mirror.server import serve
from crawler.mirror.sites import SITES
from crawler.registry import all_sources
from crawler.run import FAST_SETTINGS, CrawlOutcome, exit_code, run_crawls
from db import encounters_export, export, queries
from db.migrate import ensure_schema
from db.session import make_engine
from db.urls import sqlite_url


def run_demo(directory: Path) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    url = sqlite_url(directory / "archive.sqlite")
    engine = make_engine(url)
    ensure_schema(engine)
    console = Console(stderr=False, width=120)
    keys = sorted(set(SITES) & {source.key for source in all_sources()})
    with serve(keys) as base_urls:
        console.print(f"serving {len(base_urls)} offline mirrors on 127.0.0.1; crawling...")
        outcomes = run_crawls(keys, db_url=url, base_urls=base_urls,
                              overrides={**FAST_SETTINGS, "LOG_LEVEL": "ERROR"})
    status = {o.source: o for o in outcomes}
    table = Table("source", "run status", "documents", "meetings", "participants", "statements",
                  title="mfa-archive demo: the archive after this run")
    for key, documents, meetings, participants, statements in queries.source_summary(engine):
        outcome = status.get(key)
        table.add_row(key, outcome.status if outcome else "-", str(documents), str(meetings),
                      str(participants), str(statements))
    console.print(table)
    filters = queries.ExportFilters()
    for table_name in ("documents", "meetings", "participants", "statements"):
        name = f"{table_name}.csv"
        rows = export.export_named(engine, table_name, filters, fmt="csv",
                                   path=str(directory / name))
        console.print(f"wrote {directory / name} ({rows} rows)")
    # the encounters two ministries report, both releases side by side (db/encounters.py)
    rows = encounters_export.export_encounters(engine, filters, fmt="csv",
                                               path=str(directory / "encounters.csv"))
    console.print(f"wrote {directory / 'encounters.csv'} ({rows} rows: one encounter, two reports each)")
    engine.dispose()
    for problem in demo_problems(outcomes):
        print(f"demo: {problem}", file=sys.stderr)
    return demo_exit_code(outcomes)


def demo_problems(outcomes: list[CrawlOutcome]) -> list[str]:
    """What keeps a demo run from passing, one line each; empty when it passed.

    A mirror gives what it holds: nothing fails, and nothing is blocked but its
    deliberate bot walls. A first run meets every wall; an incremental re-run stops
    at the first listing page of known releases and may meet none of them, so
    fewer blocked releases than walls is a pass, more is not.
    """
    problems = []
    for outcome in outcomes:
        walls = len(SITES[outcome.source].walled)
        if outcome.status not in ("completed", "completed_with_errors"):
            problems.append(f"{outcome.source}: the crawl ended {outcome.status}")
        if outcome.failed:
            problems.append(f"{outcome.source}: {outcome.failed} releases failed")
        if outcome.blocked > walls:
            problems.append(f"{outcome.source}: {outcome.blocked} releases blocked, "
                            f"the mirror has {walls} bot walls")
        if outcome.status == "completed_with_errors" and not outcome.blocked:
            problems.append(f"{outcome.source}: the crawl ended with errors")
    return problems


def demo_exit_code(outcomes: list[CrawlOutcome]) -> int:
    """0 when every mirror gave what it holds (see :func:`demo_problems`)."""
    return (exit_code(outcomes) or EXIT_ERRORS) if demo_problems(outcomes) else EXIT_OK
