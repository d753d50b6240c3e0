"""Running crawls in this process: one Scrapy crawler per source, one reactor run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Imported here, near the bottom of the stack, rather than when the engine opens:
# importing it runs Scrapy's create_deprecated_class, whose inspect.stack() costs
# per frame on the stack (~0.2 CPU-s from deep inside the engine's start).
import scrapy.core.downloader.handlers.http11  # noqa: F401
from scrapy.crawler import AsyncCrawlerProcess, Crawler

from crawler.exitcodes import (
    EXIT_DEGRADED,
    EXIT_ERRORS,
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_OK,
)
from crawler.interrupts import Interrupts
from crawler.registry import project_settings, resolve_sources

# Politeness off: for mirrors on this machine only (tests, demo, benchmarks).
FAST_SETTINGS: dict[str, Any] = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class CrawlOutcome:
    source: str
    status: str
    run_id: int | None
    new: int
    changed: int
    unchanged: int
    failed: int
    blocked: int
    listing_pages: int
    reason: str | None = None  # why a run did not complete: its first error


# Statuses whose summary line says why.
EXPLAINED = frozenset({"failed", "degraded", "blocked", "completed_with_errors"})


def run_crawls(
    keys: Sequence[str],
    *,
    db_url: str,
    base_urls: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    since: str | None = None,
    full: bool = False,
    interrupts: Interrupts | None = None,
) -> list[CrawlOutcome]:
    """Crawl ``keys`` concurrently in this process; return one outcome per source.

    SIGTERM/SIGINT go to ``interrupts`` (the caller's, installed at its first
    line, or one for this call): after a signal the crawls do not start, or
    stop gracefully; a second one stops the reactor at once, and the runs it
    left open are then recorded as ``interrupted`` (every committed item is
    whole).
    """
    own_interrupts = interrupts is None
    interrupts = interrupts or Interrupts.install()
    try:
        return _run_crawls(keys, db_url=db_url, base_urls=base_urls, overrides=overrides,
                           since=since, full=full, interrupts=interrupts)
    finally:
        if own_interrupts:
            interrupts.uninstall()


def _run_crawls(
    keys: Sequence[str],
    *,
    db_url: str,
    base_urls: Mapping[str, str] | None,
    overrides: Mapping[str, Any] | None,
    since: str | None,
    full: bool,
    interrupts: Interrupts,
) -> list[CrawlOutcome]:
    from crawler.extensions import close_open_runs

    base = project_settings()
    base.set("ARCHIVE_DB_URL", db_url, priority="cmdline")
    for name, value in (overrides or {}).items():
        base.set(name, value, priority="cmdline")
    process = AsyncCrawlerProcess(base)
    interrupts.stop_on_signal(process)  # from here on, a signal stops the crawls
    if interrupts.received:  # a signal came before: the crawls do not start
        return [_outcome(key, None, "interrupted") for key in keys]
    sources = {source.key: source for source in resolve_sources(keys)}
    crawlers: list[Crawler] = []
    for key in keys:
        settings = base.copy()
        if base_urls and key in base_urls:
            settings.set("ARCHIVE_BASE_URL", base_urls[key], priority="cmdline")
        crawler = Crawler(sources[key].spider, settings)
        crawlers.append(crawler)
        args: dict[str, Any] = {"since": since} if since else {}
        if full:
            args["full"] = True
        process.crawl(crawler, **args)
    process.start(install_signal_handlers=False)  # `interrupts` handles them
    interrupts.crawls_over()
    close_open_runs()
    # No status recorded: the crawl was stopped before its run opened.
    unrecorded = "interrupted" if interrupts.received else "failed"
    outcomes = [_outcome(key, crawler, unrecorded)
                for key, crawler in zip(keys, crawlers, strict=True)]
    return _explained(outcomes, db_url)


def _explained(outcomes: list[CrawlOutcome], db_url: str) -> list[CrawlOutcome]:
    """Each unexplained run that did not complete gets its first recorded error as reason."""
    import dataclasses

    wanted = [o.run_id for o in outcomes
              if o.status in EXPLAINED and o.reason is None and o.run_id is not None]
    errors: dict[int, list[tuple[str, str, bool]]] = {}
    if wanted:
        from db import queries
        from db.errors import DatabaseError
        from db.session import make_engine, read_session

        try:
            engine = make_engine(db_url)
            try:
                with read_session(engine) as session:
                    errors = queries.run_errors(session, wanted)
            finally:
                engine.dispose()
        except DatabaseError:  # the database went away: the summary says what it can
            errors = {}
    explained = []
    for o in outcomes:
        reason = o.reason
        if reason is None and o.run_id is not None and errors.get(o.run_id):
            url, why, _blocked = errors[o.run_id][0]
            more = len(errors[o.run_id]) - 1
            reason = f"{why} ({url})" + (f" and {more} more" if more else "")
        if reason is None and o.status == "degraded":
            reason = "the listing showed no releases (the site may have changed)"
        explained.append(dataclasses.replace(o, reason=reason))
    return explained


def _outcome(key: str, crawler: Crawler | None, unrecorded: str) -> CrawlOutcome:
    stats = crawler.stats if crawler else None

    def get(key: str, default: Any = 0) -> Any:
        return stats.get_value(key, default) if stats else default

    return CrawlOutcome(
        source=key,
        status=str(get("archive/status", unrecorded)),
        run_id=get("archive/run_id", None),
        new=int(get("archive/releases_new")),
        changed=int(get("archive/releases_changed")),
        unchanged=int(get("archive/releases_unchanged")),
        failed=int(get("archive/releases_failed")),
        blocked=int(get("archive/releases_blocked")),
        listing_pages=int(get("archive/listing_pages")),
        reason=get("archive/error", None),
    )


def exit_code(outcomes: Sequence[CrawlOutcome]) -> int:
    """The crawl's exit code: the most severe of its sources' (:mod:`crawler.exitcodes`)."""
    statuses = {o.status for o in outcomes}
    if "interrupted" in statuses:
        return EXIT_INTERRUPTED
    if statuses & {"failed", "completed_with_errors"}:
        return EXIT_ERRORS
    if "locked" in statuses:
        return EXIT_LOCKED
    if statuses & {"degraded", "blocked"}:
        return EXIT_DEGRADED
    return EXIT_OK
