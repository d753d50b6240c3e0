"""Crawl several sources, each from its own mirror, in one Scrapy process (a test harness).

``python -m tests.e2e.crawl_mirrors DB_URL [--full] KEY=URL...`` prints one JSON object
per source (its :class:`~crawler.run.CrawlOutcome`) and exits 0; the tests judge them.
"""

from __future__ import annotations

import dataclasses
import json
import sys

from crawler.run import FAST_SETTINGS, run_crawls
from db.migrate import ensure_schema
from db.session import make_engine


def main(argv: list[str]) -> int:
    db_url, *rest = argv
    full = "--full" in rest
    pairs = dict(arg.split("=", 1) for arg in rest if arg != "--full")
    engine = make_engine(db_url)
    ensure_schema(engine)
    engine.dispose()
    outcomes = run_crawls(sorted(pairs), db_url=db_url, base_urls=pairs, full=full,
                          overrides={**FAST_SETTINGS, "LOG_LEVEL": "ERROR"})
    for outcome in outcomes:
        print(json.dumps(dataclasses.asdict(outcome)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
