"""``make demo``: crawl every bundled mirror into ``demo/archive.sqlite``, summarise, export."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from crawler.exitcodes import EXIT_ERRORS, EXIT_OK
from crawler.mirror.server import serve
from crawler.mirror.sites import SITES
from crawler.run import FAST_SETTINGS, CrawlOutcome, exit_code, run_crawls
from db import export, queries
from db.migrate import ensure_schema
from db.session import make_engine
from db.urls import sqlite_url


def run_demo(directory: Path) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    url = sqlite_url(directory / "archive.sqlite")
    engine = make_engine(url)
    ensure_schema(engine)
    console = Console(stderr=False, width=120)
    keys = sorted(SITES)
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
    engine.dispose()
    return demo_exit_code(outcomes)


def demo_exit_code(outcomes: list[CrawlOutcome]) -> int:
    """0 when every mirror gave what it holds: only its deliberate bot walls may be blocked."""
    for outcome in outcomes:
        walls = len(SITES[outcome.source].walled)
        if outcome.failed or outcome.blocked != walls:
            return exit_code(outcomes) or EXIT_ERRORS
        if outcome.status not in ("completed", "completed_with_errors"):
            return exit_code(outcomes) or EXIT_ERRORS
    return EXIT_OK
