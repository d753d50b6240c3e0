"""The ``mfa-archive`` command line: a thin layer over :mod:`crawler` and :mod:`db`.

User mistakes are one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from crawler.exceptions import ArchiveError
from crawler.exitcodes import EXIT_ERRORS, EXIT_OK, EXIT_USAGE
from crawler.interrupts import Interrupts
from db.errors import ArchiveDatabaseError, ArchiveOutdated, DatabaseError, first_line
from db.urls import archive_exists, database_url, missing_sqlite_file, redact

if TYPE_CHECKING:
    from db.session import Engine

DB_OPTION = click.option(
    "--db", "db_url", metavar="URL", envvar="MFA_ARCHIVE_DB", show_envvar=True,
    help="Database URL (default sqlite:///archive.sqlite).",
)
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
EXPORTS = ("documents", "meetings", "participants", "statements", "persons", "crawl_runs",
           "meeting_participants", "meeting_dyads", "statement_facts")
# Exports that are not one table's rows: dyadic events (db/events.py), encounters
# (db/encounters_export.py), stored pages as WARC.
DERIVED_EXPORTS = ("events", "encounters", "warc")


def _open(db_url: str | None, *, read_only: bool = False, migrate: bool = True) -> Engine:
    """An engine on the archive, migrated to the newest schema unless read-only."""
    from db.session import open_archive

    url = database_url(db_url)
    if read_only:
        _require_existing(url)
    try:
        return open_archive(url, read_only=read_only, migrate=migrate)
    except ArchiveOutdated as exc:
        raise click.ClickException(f"{exc}: run `mfa-archive db upgrade`") from exc
    except ArchiveDatabaseError as exc:
        raise click.ClickException(str(exc)) from exc


def _require_existing(url: str) -> None:
    missing = missing_sqlite_file(url)
    if missing is not None:
        raise click.ClickException(f"no archive at {missing}: crawl first")


def _use_sources_dirs(ctx: click.Context, given: Sequence[str] = (),
                      config: Path | None = None) -> None:
    """The user's own declared sources: --sources-dir (before or after the command), else
    $MFA_ARCHIVE_SOURCES_DIR as the caller set it, else sources_dir in the config file."""
    import os

    from crawler.declared.config import SOURCES_DIR_ENV, config_sources_dirs, use_sources_dirs
    from crawler.scheduler import DEFAULT_CONFIG

    state = ctx.find_root().meta.setdefault("mfa_sources", {
        "dirs": [], "env": [p for p in os.environ.get(SOURCES_DIR_ENV, "").split(os.pathsep) if p]})
    state["dirs"].extend(given)
    if state["dirs"]:
        use_sources_dirs(state["dirs"])
    elif state["env"]:
        use_sources_dirs(state["env"])
    else:
        path = config or Path(DEFAULT_CONFIG)
        use_sources_dirs(config_sources_dirs(path) if path.is_file() else [])


def _sources_dir_option(ctx: click.Context, param: click.Parameter,
                        value: tuple[str, ...]) -> None:
    _use_sources_dirs(ctx, value)


SOURCES_DIR_OPTION = click.option(
    "--sources-dir", multiple=True, metavar="DIR", type=click.Path(exists=True, file_okay=False),
    expose_value=False, callback=_sources_dir_option,
    help="A directory of your own source declarations (KEY.toml); default: sources_dir in "
         "./mfa-archive.toml.")


class OutputClosed(Exception):
    """Whoever read our standard output stopped (``| head``): the command ends quietly."""


class _Commands(click.Group):
    """The command group; a closed output pipe leaves click (which would exit 1) as
    :class:`OutputClosed`, for :func:`main` to end quietly with 0."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError as exc:
            raise OutputClosed from exc


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mfa-archive")
@SOURCES_DIR_OPTION
def cli() -> None:
    """Archive foreign ministries' press releases as Meeting and Statement records."""


# --- crawl ------------------------------------------------------------------


def _parse_setting(values: Sequence[str]) -> dict[str, str]:
    settings: dict[str, str] = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"expected NAME=VALUE, got {value!r}", param_hint="-s")
        settings[name.strip()] = setting
    return settings


def _start_extraction_server(values: Sequence[str]) -> None:
    """Start the extraction workers' forkserver now, unless ``-s ARCHIVE_EXTRACT_WORKERS``
    asks for none: it imports the extraction modules on the other core while this
    process imports Scrapy and opens the archive (crawler.pipelines.Extract forks its
    workers from it)."""
    from crawler.release import EXTRACTION_MODULES
    from crawler.workers import start_forkserver

    workers = _parse_setting(values).get("ARCHIVE_EXTRACT_WORKERS", "").strip()
    if workers.lstrip("-").isdigit() and int(workers) <= 0:
        return
    start_forkserver(EXTRACTION_MODULES)


def _checked_settings(values: Sequence[str]) -> dict[str, str]:
    """``-s`` values parsed and checked (a bad value is a usage error, before any crawl);
    a name nothing reads gets a warning."""
    from crawler.overrides import check_values, unknown_settings
    from crawler.registry import project_settings

    overrides = _parse_setting(values)
    known = project_settings()
    for warning in unknown_settings(overrides, known):
        click.echo(f"Warning: {warning}", err=True)
    check_values(overrides, known)
    return overrides


def _warn_without_contact() -> None:
    """A live crawl should say who runs it: warn when MFA_ARCHIVE_CONTACT is unset."""
    import os

    if not os.environ.get("MFA_ARCHIVE_CONTACT", "").strip():
        from crawler.registry import project_settings

        click.echo("Warning: MFA_ARCHIVE_CONTACT is not set: the User-Agent names the "
                   f"project's contact ({project_settings().get('ARCHIVE_CONTACT_URL')}); "
                   "set it to a URL or mail address where site operators can reach you",
                   err=True)


def _check_base_url(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise click.BadParameter(f"not an http(s) URL: {url!r}", param_hint="--base-url")
    return url


@cli.command()
@click.argument("sources", nargs=-1)
@click.option("--all", "all_sources", is_flag=True, help="Crawl every source.")
@click.option("--base-url", metavar="URL", help="Send every request to this mirror (one source).")
@click.option("--since", metavar="DATE", help="Backfill: page back to this ISO date.")
@click.option("--full", is_flag=True,
              help="Re-fetch every archived release (conditional GET) and walk every page.")
@click.option("-s", "settings", multiple=True, metavar="NAME=VALUE", help="A Scrapy setting.")
@click.option("-v", "--verbose", is_flag=True, help="Scrapy's log at INFO (default WARNING).")
@click.option("-L", "--loglevel", type=click.Choice(LOG_LEVELS, case_sensitive=False),
              help="Scrapy's log level (default WARNING), as scrapy crawl -L.")
@click.option("--logfile", metavar="PATH", type=click.Path(dir_okay=False),
              help="Write Scrapy's log to PATH (at INFO unless -L), as scrapy crawl --logfile.")
@DB_OPTION
@SOURCES_DIR_OPTION
def crawl(sources: tuple[str, ...], all_sources: bool, base_url: str | None, since: str | None,
          full: bool, settings: tuple[str, ...], verbose: bool, loglevel: str | None,
          logfile: str | None, db_url: str | None) -> None:
    """Crawl SOURCES (keys such as az) into the archive.

    Incremental: fetches what is new since the last complete run, resumes what
    a killed run left, and retries failed URLs with backoff. --since pages
    back to a date; --full re-fetches everything, keeping edited texts as
    versions and marking releases that now answer 404/410 as gone.

    \b
    Example:
        mfa-archive crawl az
        mfa-archive crawl az --base-url http://127.0.0.1:8000   # a mirror
        mfa-archive crawl --all -s DOWNLOAD_DELAY=2

    Scrapy logs at WARNING (-v: INFO; -L LEVEL; --logfile PATH); on a terminal a
    progress line shows requests queued, releases stored and failed, and the rate.
    One summary line per source ends the crawl, saying why a run did not complete.

    Exit codes: 0 completed, 1 errors or failed, 2 usage, 3 degraded or
    blocked (the site may have changed), 4 interrupted (SIGTERM/Ctrl-C),
    5 locked (another crawl of the source is running).
    """
    interrupts = Interrupts.install()  # first: a Ctrl-C at any moment ends in an exit code
    logging_settings = _log_settings(verbose=verbose, loglevel=loglevel, logfile=logfile)
    try:
        code = _crawl(sources, all_sources=all_sources, base_url=base_url, since=since,
                      full=full, settings=settings, db_url=db_url, interrupts=interrupts,
                      logging_settings=logging_settings)
    finally:
        interrupts.ignore()  # the outcome is known; Python's exit keeps the signal ignored
    sys.exit(code)


def _log_settings(*, verbose: bool, loglevel: str | None,
                  logfile: str | None) -> dict[str, Any]:
    """Scrapy's log: WARNING unless asked; a progress line when stderr is a quiet terminal."""
    level = (loglevel or ("INFO" if verbose or logfile else "WARNING")).upper()
    values: dict[str, Any] = {"LOG_LEVEL": level}
    if logfile:
        values["LOG_FILE"] = logfile
    quiet = bool(logfile) or level in ("WARNING", "ERROR", "CRITICAL")
    values["ARCHIVE_PROGRESS"] = quiet and sys.stderr.isatty()
    return values


def _crawl(sources: tuple[str, ...], *, all_sources: bool, base_url: str | None,
           since: str | None, full: bool, settings: tuple[str, ...], db_url: str | None,
           interrupts: Interrupts, logging_settings: dict[str, Any]) -> int:
    if not sources and not all_sources:
        raise click.UsageError("name at least one source, or --all")
    _start_extraction_server(settings)
    from crawler import run
    from crawler.registry import resolve_sources

    keys = [s.key for s in resolve_sources(sources, every=all_sources)]
    if base_url and len(keys) != 1:
        raise click.UsageError("--base-url points one source at a mirror: name exactly one")
    if since:
        try:
            dt.date.fromisoformat(since)
        except ValueError as exc:
            raise click.BadParameter(f"not an ISO date: {since!r}", param_hint="--since") from exc
    overrides: dict[str, Any] = {**logging_settings, **_checked_settings(settings)}
    url = database_url(db_url)
    _open(url).dispose()
    base_urls = {keys[0]: _check_base_url(base_url)} if base_url else {}
    if not base_url:
        _warn_without_contact()
    outcomes = run.run_crawls(keys, db_url=url, base_urls=base_urls, overrides=overrides,
                              since=since, full=full, interrupts=interrupts)
    for o in outcomes:
        if o.status == "locked":
            click.echo(f"{o.source}: locked: another crawl of {o.source} is running, "
                       "this one did not start", err=True)
            continue
        run_name = f"run {o.run_id}" if o.run_id is not None else "no run"
        why = f"; why: {o.reason}" if o.reason and o.status in run.EXPLAINED else ""
        click.echo(
            f"{o.source}: {o.status} ({run_name}): {o.new} new, {o.changed} changed, "
            f"{o.unchanged} unchanged, {o.failed} failed, {o.blocked} blocked, "
            f"{o.listing_pages} listing pages{why}", err=True,
        )
    return run.exit_code(outcomes)


@cli.command()
@click.argument("sources", nargs=-1)
@click.option("--config", "config_path", metavar="PATH", type=click.Path(dir_okay=False),
              help="TOML schedule (default ./mfa-archive.toml if it exists).")
@click.option("--once", is_flag=True, help="Run every scheduled source once, now, and exit.")
@click.option("--max-runs", type=click.IntRange(min=1), metavar="N",
              help="Exit after N runs have ended.")
@click.option("-s", "settings", multiple=True, metavar="NAME=VALUE",
              help="A Scrapy setting for every crawl.")
@click.option("--node", "nodes", multiple=True, metavar="URL",
              help="A Scrapyd node to run the crawls on (repeatable; PostgreSQL only).")
@click.option("--source", "source_keys", multiple=True, metavar="KEY",
              help="Only this source (repeatable; the same as naming SOURCES).")
@DB_OPTION
@SOURCES_DIR_OPTION
def schedule(sources: tuple[str, ...], config_path: str | None, once: bool,
             max_runs: int | None, settings: tuple[str, ...], nodes: tuple[str, ...],
             source_keys: tuple[str, ...], db_url: str | None) -> None:
    """Crawl every source (or SOURCES) on its cron schedule until SIGTERM.

    Each source runs daily by default, at a minute of its own (staggered from
    02:00 UTC); the config file overrides cron, base URL and settings per
    source (see crawler/scheduler.py). Each run is a subprocess `mfa-archive
    crawl KEY`; a source is never crawled twice at once; one source's failure
    does not stop the others. SIGTERM or Ctrl-C: no new runs, running crawls
    finish what is in flight, then the scheduler exits.

    With --node (or `nodes` in the config), each run goes to the least busy
    live Scrapyd node (`mfa-archive node`) instead, and is sent again if its
    node vanishes; the archive must then be PostgreSQL. --once exits as
    `crawl --all` does.

    \b
    Example:
        mfa-archive schedule --config mfa-archive.toml
        mfa-archive schedule az --once
        mfa-archive schedule --once --node http://n1:6800 --node http://n2:6800
    """
    import logging

    from crawler.scheduler import DEFAULT_CONFIG, run_scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s",
                        datefmt="%Y-%m-%d %H:%M:%S")
    path = Path(config_path) if config_path else None
    if path is None and Path(DEFAULT_CONFIG).exists():
        path = Path(DEFAULT_CONFIG)
    if path is not None:
        _use_sources_dirs(click.get_current_context(), config=path)  # unless given otherwise
    extra = [arg for value in settings for arg in ("-s", value)]
    _checked_settings(settings)
    for url in nodes:
        if not url.startswith(("http://", "https://")):
            raise click.BadParameter(f"not an http(s) URL: {url!r}", param_hint="--node")
    chosen = (*sources, *source_keys)
    if chosen:
        from crawler.registry import resolve_sources

        resolve_sources(chosen)
    sys.exit(run_scheduler(config_path=path, db=db_url, only=chosen,
                           once=once, max_runs=max_runs, extra=extra, nodes=nodes))


# --- sources and runs ---------------------------------------------------------


@cli.group(invoke_without_command=True)
@DB_OPTION
@click.pass_context
@SOURCES_DIR_OPTION
def sources(ctx: click.Context, db_url: str | None) -> None:
    """List the sources: key, country, ministry, how declared, evidence date, listing, last run.

    "declared": a declaration file (crawler/sources/KEY.toml or --sources-dir);
    "coded": a spider in crawler/spiders. "evidence": when the facts the source
    is built on were gathered.
    """
    if ctx.invoked_subcommand is not None:
        return
    from rich.console import Console
    from rich.table import Table

    from crawler.registry import all_sources

    last: dict[str, Any] = {}
    url = database_url(db_url)
    if archive_exists(url):
        from db import queries
        from db.session import read_session

        engine = _open(url, read_only=True)
        with read_session(engine) as session:
            last.update(queries.last_run_per_source(session))
        engine.dispose()
    table = Table("key", "country", "ministry", "kind", "evidence", "listing", "schedule",
                  "last run", "status", "new/changed/failed")
    for source in all_sources():
        run_row: Any = last.get(source.key)
        table.add_row(
            source.key, source.country, source.ministry, source.kind,
            source.evidence_date or "-", source.listing_url, source.schedule or "daily",
            run_row.started_at.strftime("%Y-%m-%d %H:%M") if run_row else "-",
            run_row.status if run_row else "-",
            f"{run_row.releases_new}/{run_row.releases_changed}/{run_row.releases_failed}"
            if run_row else "-",
        )
    Console(width=260).print(table)


@sources.command("check")
@click.argument("keys", nargs=-1, metavar="[KEY]...")
@SOURCES_DIR_OPTION
def sources_check(keys: tuple[str, ...]) -> None:
    """Crawl each source's offline mirror and check listing, dates, titles and bodies.

    A regression check for layouts: exits 1 if any source no longer yields
    every release with its date, title and body.

    \b
    Example:
        mfa-archive sources check az ru
    """
    from rich.console import Console
    from rich.table import Table

    from crawler.check import check_sources
    from crawler.mirror.sites import SITES
    from crawler.registry import resolve_sources

    chosen = [s.key for s in resolve_sources(keys, every=not keys)]
    missing = [k for k in chosen if k not in SITES]
    if missing:
        raise click.ClickException(f"no mirror for: {', '.join(missing)}")
    checks = check_sources(chosen)
    table = Table("source", "run", "releases", "listed", "dated", "titled", "bodies", "verdict")
    for c in checks:
        table.add_row(c.source, c.status, str(c.expected), str(c.listed), str(c.dated),
                      str(c.titled), str(c.bodies), "ok" if c.ok else "CHANGED")
    Console(width=140).print(table)
    sys.exit(EXIT_OK if all(c.ok for c in checks) else EXIT_ERRORS)


@cli.command()
@click.option("--source", metavar="KEY", help="Only this source's runs.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per run, with its errors.")
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True,
              help="The newest N runs; 0 for all of them.")
@click.option("--errors", "max_errors", default=5, show_default=True,
              help="Errors listed per run in the text output.")
@DB_OPTION
def runs(source: str | None, as_json: bool, limit: int, max_errors: int,
         db_url: str | None) -> None:
    """Show recent crawl runs: status, start and end, counts, and the URLs that failed.

    Statuses: running, completed, completed_with_errors, degraded, blocked,
    interrupted, failed, locked (a Scrapyd job that found another crawl of its
    source running). Runs on Scrapyd nodes name the node and the job.

    \b
    Example:
        mfa-archive runs --source az
        mfa-archive runs --json | jq 'select(.status != "completed")'
    """
    from crawler.filters import check_source
    from db import queries, warc
    from db.session import read_session

    source = check_source(source)
    engine = _open(db_url, read_only=True)
    with read_session(engine) as session:
        rows = queries.recent_runs(session, source, limit or None)
        errors = queries.run_errors(session, [r.id for r, _ in rows])
        warc_files = warc.run_files(session, [r.id for r, _ in rows])
    engine.dispose()
    fields = ("id", "status", "mode", "finish_reason", "started_at", "finished_at",
              "listing_pages", "releases_new", "releases_changed", "releases_unchanged",
              "releases_failed", "releases_blocked", "listing_complete", "pid", "base_url",
              "node", "scrapyd_job")
    if rows and not as_json:
        click.echo(f"{'run':>5} {'src':<4} {'status':<22} {'started':<19}-{'ended':<8} "
                   f"{'mode':<11} counts")
    for run_row, key in rows:
        data = {"source": key} | {f: getattr(run_row, f) for f in fields}
        run_errors = errors.get(run_row.id, [])
        if as_json:
            data["errors"] = [{"url": u, "reason": r, "blocked": b} for u, r, b in run_errors]
            data["warc_files"] = warc_files.get(run_row.id, [])
            click.echo(json.dumps(data, default=str, ensure_ascii=False))
            continue
        finished = f"{data['finished_at']:%H:%M:%S}" if data["finished_at"] else "-"
        click.echo(
            f"{data['id']:>5} {key:<4} {data['status']:<22} "
            f"{data['started_at']:%Y-%m-%d %H:%M:%S}-{finished} {data['mode'] or '-':<11} "
            f"pages {data['listing_pages']}, new {data['releases_new']}, "
            f"changed {data['releases_changed']}, unchanged {data['releases_unchanged']}, "
            f"failed {data['releases_failed']}, blocked {data['releases_blocked']}"
            + (f", node {data['node']} job {data['scrapyd_job']}" if data["node"] else "")
        )
        for file in warc_files.get(run_row.id, []):
            click.echo(f"        WARC {file['path']}: {file['records']} records"
                       + (f", error: {file['error']}" if file["error"] else ""))
        for url, reason, _blocked in run_errors[:max_errors]:
            click.echo(f"        {reason}: {url}")
        if len(run_errors) > max_errors:
            click.echo(f"        ... and {len(run_errors) - max_errors} more (--json for all)")


# --- db ----------------------------------------------------------------------


@cli.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@DB_OPTION
def db_upgrade(db_url: str | None) -> None:
    """Migrate the archive to the newest schema (also done on first use)."""
    from db.migrate import current_revision

    engine = _open(db_url)
    click.echo(f"{redact(database_url(db_url))} at revision {current_revision(engine)}")
    engine.dispose()


@cli.group()
def encounters() -> None:
    """Encounters: the meetings of different ministries that report one encounter."""


@encounters.command("rebuild")
@DB_OPTION
def encounters_rebuild(db_url: str | None) -> None:
    """Link every meeting of the archive again (crawls and reextract do it as they go).

    Two sources' meetings are one encounter when their dates are at most a day
    apart, their kinds are compatible and they share two participants (or one,
    in a meeting of the same two sides); see docs/schema.md, "encounters".
    Idempotent: encounters that did not change keep their rows.

    \b
    Example:
        mfa-archive encounters rebuild
        mfa-archive export encounters -o encounters.csv
    """
    from db import encounters as built

    engine = _open(db_url)
    try:
        stats = built.rebuild_archive(engine)
        total = built.encounter_count(engine)
    except DatabaseError as exc:
        raise click.ClickException(f"rebuild failed: {first_line(exc)}") from exc
    finally:
        engine.dispose()
    click.echo(f"{total} encounters over {stats.meetings} dated meetings: {stats.added} added, "
               f"{stats.removed} removed, {stats.kept} unchanged", err=True)


# --- query and export -----------------------------------------------------------


def _write_table(columns: Sequence[str], rows: Iterator[Sequence[Any]]) -> int:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(*(escape(c) for c in columns))
    count = 0
    for row in rows:
        table.add_row(*("" if v is None else escape(str(v)) for v in row))
        count += 1
    Console(width=max(120, 20 * len(columns))).print(table)
    return count


def _refused(exc: Exception) -> None:
    """A refused write: one line on stderr and exit code 2, the archive untouched."""
    click.echo(f"Error: refused: {exc}", err=True)
    sys.exit(EXIT_USAGE)


# An SQL text may start with "-" (a "-- comment"): it is the argument, not an option.
@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("sql")
@click.option("-p", "--param", "params", nargs=2, multiple=True, metavar="NAME VALUE",
              help="A bound parameter, used as :NAME in the SQL (never pasted into it).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "jsonl"]),
              default="table", show_default=True)
@click.option("--limit", type=click.IntRange(min=0), default=10_000, show_default=True,
              help="At most N rows; 0 for no cap.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0,
              show_default=True, help="Seconds before the query is cancelled.")
@DB_OPTION
def query(sql: str, params: tuple[tuple[str, str], ...], fmt: str, limit: int,
          timeout: float, db_url: str | None) -> None:
    """Run one read-only SQL query against the archive.

    The database itself refuses writes (SQLite: a read-only connection with
    query_only and an authorizer; PostgreSQL: a read-only transaction), and the
    query is cancelled after --timeout seconds. Views for analysis:
    meeting_participants, meeting_dyads, statement_facts, person_meetings,
    person_variants, person_countries, person_titles, office_holders
    (docs/schema.md).

    \b
    Example:
        mfa-archive query "select kind, count(*) from meetings group by kind"
        mfa-archive query "select * from meeting_participants where country = :c" -p c BY

    Exit codes: 0 done, 1 failed (error or timeout), 2 refused (not a single
    read-only statement; nothing was changed).
    """
    from db.export import stdout_text
    from db.rows import write_rows
    from db.sql import QueryFailed, QueryRefused, check_read_only, run_query

    try:
        check_read_only(sql)
    except QueryRefused as exc:
        _refused(exc)
    except QueryFailed as exc:  # not a query at all (a typo, only comments)
        raise click.ClickException(str(exc)) from exc
    engine = _open(db_url, read_only=True)
    truncated = False
    try:
        with run_query(engine, sql, dict(params), limit=limit or None,
                       timeout=timeout) as result:
            if fmt == "table":
                _write_table(result.columns, result.rows)
            else:
                with stdout_text() as out:
                    write_rows(result.columns, result.rows, out, fmt)
            truncated = result.truncated
    except QueryRefused as exc:
        _refused(exc)
    except QueryFailed as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        engine.dispose()
    if truncated:
        click.echo(f"Warning: output stopped at {limit} rows (--limit 0 for all of them)",
                   err=True)


@cli.command("export")
@click.argument("name", type=click.Choice(EXPORTS + DERIVED_EXPORTS))
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "json", "parquet"]),
              default="csv", show_default=True)
@click.option("-o", "--output", metavar="PATH", help="File to write (default stdout).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="From this date.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Up to this date.")
@click.option("--source", metavar="KEY")
@click.option("--country", metavar="XX", help="ISO code of a participant's country.")
@click.option("--person", metavar="NAME", help="A participant's (or speaker's) name.")
@click.option("--excel", is_flag=True, help="Add a UTF-8 BOM for Excel.")
@DB_OPTION
def export_cmd(name: str, fmt: str, output: str | None, since: dt.datetime | None,
               until: dt.datetime | None, source: str | None, country: str | None,
               person: str | None, excel: bool, db_url: str | None) -> None:
    """Export a table or an analysis view as CSV, JSON Lines, JSON or Parquet.

    NAME is documents, meetings, participants, statements, persons, crawl_runs,
    one of the views meeting_participants, meeting_dyads, statement_facts,
    events (meetings as dyadic PLOVER/CAMEO events), encounters (the reports of
    one encounter by two ministries, side by side), or warc; see docs/schema.md.
    Rows come from one snapshot in a stable order; a file is replaced
    atomically. CSV is RFC 4180 UTF-8; text cells starting with = + - @ ' TAB
    or CR get a leading ' so spreadsheets never run them. Parquet (-o needed)
    has typed columns and the codebook's descriptions as field metadata.

    \b
    Example:
        mfa-archive export meetings -o meetings.csv --country BY
        mfa-archive export meeting_dyads --since 2024-01-01 --format jsonl
        mfa-archive export events --format parquet -o events.parquet
        mfa-archive export encounters --source az -o encounters.csv
        mfa-archive export warc --source az --since 2024-01-01 -o az.warc.gz

    warc writes the stored pages as WARC 1.1 response records with their fetch
    dates (--source, --since and --until on the fetch day; -o needed).
    """
    from crawler.exports import ExportRefused, run_export
    from crawler.filters import check_country, check_source
    from db import export_parallel
    from db.errors import ExportFailed

    source, country = check_source(source), check_country(country)
    # A big SQLite CSV export runs in two processes: the second one starts importing now.
    worker = None if name in DERIVED_EXPORTS else \
        export_parallel.prestart(database_url(db_url), name, fmt, output)
    try:
        from db import queries

        engine = _open(db_url, read_only=True)
    except BaseException:
        if worker is not None:
            worker.close()
        raise
    filters = queries.ExportFilters(
        since=since.date() if since else None, until=until.date() if until else None,
        source=source, country=country, person=person,
    )
    try:
        count = run_export(engine, name, filters, fmt=fmt, path=output, bom=excel,
                           worker=worker)
    except ExportRefused as exc:
        raise click.ClickException(str(exc)) from exc
    except DatabaseError as exc:
        raise click.ClickException(f"export failed: {first_line(exc)}") from exc
    except ExportFailed as exc:
        raise click.ClickException(f"export failed: {exc}") from exc
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc
    finally:
        engine.dispose()
    if output:
        unit = "pages" if name == "warc" else "rows"
        click.echo(f"{count} {name} {unit} written to {output}", err=True)


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open a web browser.")
@DB_OPTION
def browse(port: int, open_browser: bool, db_url: str | None) -> None:
    """Browse the archive in Datasette, read-only, on 127.0.0.1.

    The codebook (docs/schema.md) becomes table and column descriptions, with
    canned queries: meetings between two countries, statements by a person, a
    ministry's meetings per month, encounters another ministry reported too.
    Needs the browse extra (pip install 'mfa-archive[browse]') and a SQLite
    archive.

    \b
    Example:
        mfa-archive browse --port 8001
    """
    from crawler import browse as browser

    url = database_url(db_url)
    _require_existing(url)
    try:
        path = browser.sqlite_path(url)
        _open(url, read_only=True).dispose()  # at the newest schema (the views exist)
        sys.exit(browser.serve(path, port=port, open_browser=open_browser))
    except browser.BrowseError as exc:
        raise click.ClickException(str(exc)) from exc


# --- reading: search, show, persons ----------------------------------------------


def _console() -> Any:
    from rich.console import Console

    return Console(width=160)


@cli.command()
@click.argument("query")
@click.option("--in", "where", type=click.Choice(["documents", "statements"]),
              default="documents", show_default=True,
              help="Search releases (title and text) or statements.")
@click.option("--source", metavar="KEY", help="Only this source's releases.")
@click.option("--country", metavar="XX",
              help="Releases with a participant of this country; statements by a speaker "
                   "of this country.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="From this date.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Up to this date.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True,
              help="At most N hits (up to 10,000).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@DB_OPTION
def search(query: str, where: str, source: str | None, country: str | None,
           since: dt.datetime | None, until: dt.datetime | None, limit: int, fmt: str,
           db_url: str | None) -> None:
    """Full-text search of releases or statements, best matches first.

    QUERY: words (all of them), "a phrase", prefix* , a OR b, -word or NOT
    word (without it), ( ) to group. English releases match other forms of a
    word (negotiation finds negotiations); other languages match the words as
    written. Each release comes with its meetings' participants; each
    statement with its speaker, meeting and URL. CSV and JSON mark matches
    <mark>...</mark>. Dates are the release's (a statement: its meeting's).

    \b
    Example:
        mfa-archive search 'Lavrov "peace process"'
        mfa-archive search 'negotiat*' --in statements --country AZ --format json

    Exit codes: 0 done (also with no hits), 1 failed, 2 a query that cannot be read.
    """
    from crawler import present
    from db.export import stdout_text
    from db.rows import write_rows
    from db.search import SearchFilters, search_documents, search_statements
    from db.search_query import QuerySyntaxError, parse
    from db.session import read_session

    try:
        parse(query)
    except QuerySyntaxError as exc:
        click.echo(f"Error: bad search query: {exc}", err=True)
        sys.exit(2)
    filters = SearchFilters(source=source, country=country,
                            since=since.date() if since else None,
                            until=until.date() if until else None, limit=limit)
    engine = _open(db_url, read_only=True)
    try:
        with read_session(engine) as session:
            conn = session.connection()
            hits: Sequence[Any] = (search_documents(conn, query, filters) if where == "documents"
                                   else search_statements(conn, query, filters))
    except QuerySyntaxError as exc:
        click.echo(f"Error: bad search query: {exc}", err=True)
        sys.exit(2)
    finally:
        engine.dispose()
    if fmt == "json":
        with stdout_text() as out:
            present.write_json(hits, out)
    elif fmt == "csv":
        columns, rows = ((present.DOCUMENT_COLUMNS, present.document_rows(hits))
                         if where == "documents"
                         else (present.STATEMENT_COLUMNS, present.statement_rows(hits)))
        with stdout_text() as out:
            write_rows(columns, iter(rows), out, "csv")
    elif where == "documents":
        present.print_document_hits(hits, _console())
    else:
        present.print_statement_hits(hits, _console())
    if fmt == "table":
        noun = "statement" if where == "statements" else "release"
        click.echo(f"{len(hits)} {noun}{'' if len(hits) == 1 else 's'} found"
                   + (f" (--limit {limit})" if len(hits) == limit else ""), err=True)


@cli.command()
@click.argument("release", metavar="URL_OR_DOCUMENT_ID")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@DB_OPTION
def show(release: str, fmt: str, db_url: str | None) -> None:
    """Show one release as the archive holds it.

    Title, date, source and URL; the text with each statement marked
    ⟦S1 ...⟧; then its meetings with their participants (and person ids), its
    statements, and its earlier versions with what changed, if it was edited.

    \b
    Example:
        mfa-archive show 412
        mfa-archive show https://mfa.gov.az/en/news/4567 --format json
    """
    from crawler import present
    from db.export import stdout_text
    from db.release_view import load_release
    from db.session import read_session

    engine = _open(db_url, read_only=True)
    try:
        with read_session(engine) as session:
            view = load_release(session.connection(), release)
    finally:
        engine.dispose()
    if view is None:
        raise click.ClickException(f"no release with the id or URL {release!r} in the archive")
    if fmt == "json":
        with stdout_text() as out:
            out.write(json.dumps(present.jsonable(view), ensure_ascii=False, indent=1) + "\n")
    else:
        present.print_release(view, _console())


@cli.command()
@click.option("--country", metavar="XX", help="Persons who represented this country (ISO code).")
@click.option("--name", metavar="TEXT",
              help="A part of the name (also spelling-folded: Cavusoglu finds Çavuşoğlu).")
@click.option("--limit", type=click.IntRange(min=0), default=0, show_default=True,
              help="At most N persons; 0 for all.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@DB_OPTION
def persons(country: str | None, name: str | None, limit: int, fmt: str,
            db_url: str | None) -> None:
    """List persons: variants, countries, titles held, first/last seen, meetings, statements.

    The most met first. Variants are the other forms of the name the releases
    wrote (folded into one person by the identity rule; `mfa-archive refold`);
    --name matches any of them. Countries are those the person represented, the most
    frequent first; titles in the order first held. Who met whom, by year:
    the view person_meetings (mfa-archive query, docs/schema.md).

    \b
    Example:
        mfa-archive persons --country BY
        mfa-archive persons --name lavrov --format json
    """
    from crawler import present
    from db.export import stdout_text
    from db.persons_query import person_summaries
    from db.rows import write_rows
    from db.session import read_session

    engine = _open(db_url, read_only=True)
    try:
        with read_session(engine) as session:
            found = person_summaries(session.connection(), country=country, name=name,
                                     limit=limit or None)
    finally:
        engine.dispose()
    if fmt == "json":
        with stdout_text() as out:
            present.write_json(found, out)
    elif fmt == "csv":
        with stdout_text() as out:
            write_rows(present.PERSON_COLUMNS, iter(present.person_rows(found)), out, "csv")
    else:
        present.print_persons(found, _console())
        click.echo(f"{len(found)} persons", err=True)


# --- extraction -------------------------------------------------------------------


@cli.command()
@click.argument("inputs", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per input (JSON Lines).")
@click.option("--country", metavar="XX", help="ISO code of the ministry that wrote the pages.")
@click.option("--source", metavar="KEY", help="Read the pages with this source's page objects.")
@SOURCES_DIR_OPTION
def extract(inputs: tuple[str, ...], as_json: bool, country: str | None,
            source: str | None) -> None:
    """Extract text, meetings and statements from pages, without a database.

    \b
    Example:
        mfa-archive extract page.html --json
    """
    from crawler.filters import check_country, check_source
    from crawler.tryout import extract_input

    source, country = check_source(source), check_country(country)
    failed = False
    for value in inputs:
        result = extract_input(value, country=country, source=source)
        failed = failed or "error" in result
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False))
        elif "error" in result:
            click.echo(f"{value}: error: {result['error']}", err=True)
        else:
            click.echo(f"== {value}\ntitle: {result['title']}\npublished: {result['published']}")
            for i, meeting in enumerate(result["meetings"]):
                people = "; ".join(
                    f"{p['name']} ({p['title'] or '-'}, {p['country'] or p['organisation'] or '-'})"
                    for p in meeting["participants"])
                click.echo(f"meeting {i}: {meeting['date']} {meeting['kind']} at "
                           f"{meeting['location'] or '-'}: {people}")
            for statement in result["statements"]:
                click.echo(f"  {statement['speaker'] or '(the sides)'} {statement['verb']}: "
                           f"{statement['text'][:100]}")
    sys.exit(EXIT_ERRORS if failed else EXIT_OK)


@cli.command()
@click.option("--source", metavar="KEY", help="Only this source's documents.")
@click.option("--text", is_flag=True,
              help="Extract the text from the raw HTML again for every document.")
@click.option("--worker", is_flag=True,
              help="Be one of many workers on a PostgreSQL archive: rebuild stale documents "
                   "in claimed batches.")
@click.option("--batch", type=click.IntRange(min=1), default=100, show_default=True,
              help="Documents per claimed batch (--worker).")
@click.option("--lease", type=click.FloatRange(min=0, min_open=True), default=600.0,
              show_default=True, metavar="SECONDS",
              help="How long a claimed batch is this worker's (--worker); after that, "
                   "another worker takes it over.")
@DB_OPTION
def reextract(source: str | None, text: bool, worker: bool, batch: int, lease: float,
              db_url: str | None) -> None:
    """Re-run extraction over the archive, on every core.

    Meetings and Statements are rebuilt from every stored text. The text itself
    (trafilatura and the source's page object over the stored raw HTML) is
    extracted again where it was extracted by another version of the text
    rules, or everywhere with --text.

    With --worker, start any number of workers on any machines against one
    PostgreSQL archive: together they rebuild every stale document (extracted
    by another version of the text or records rules) once. Each claims batches
    under a lease; a killed worker's batch is taken over when its lease expires.
    """
    if worker:
        if text:
            raise click.UsageError("--text rebuilds everything; --worker rebuilds stale "
                                   "documents: choose one")
        _reextract_worker(source=source, batch=batch, lease=lease, db_url=db_url)
        return
    from rich.progress import Progress

    from crawler.filters import check_source
    from crawler.reextract import prepare, reextract_archive

    source = check_source(source)
    prepare()  # the workers' imports overlap the opening of the archive
    engine = _open(db_url)
    try:
        with Progress(transient=False) as progress:
            task = progress.add_task("re-extracting", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            stats = reextract_archive(engine, source=source, text=text, on_progress=advance)
    finally:
        engine.dispose()
    click.echo(f"{stats['documents']} documents re-extracted ({stats['text']} from raw HTML): "
               f"{stats['changed']} changed, {stats['failed']} failed", err=True)
    sys.exit(EXIT_ERRORS if stats["failed"] else EXIT_OK)


@cli.command()
@DB_OPTION
def refold(db_url: str | None) -> None:
    """Re-apply the identity rule to the archive's persons, and re-link office holders.

    Variants of one person's name (Sergey/Sergei Lavrov, S./Subrahmanyam
    Jaishankar) become one person; different people who share a surname never
    do (the rule: db/identity_rule.py, docs/schema.md). An unnamed participant
    ("the Foreign Secretary") is linked to the person its source names with that
    office within 60 days. Run it after `db upgrade` to this schema or after a
    change of the rule, while no crawl or re-extraction writes; running it again
    changes nothing.

    \b
    Example:
        mfa-archive refold --db postgresql+psycopg://archive@db/mfa
    """
    from db.identity_rule import RULE_VERSION
    from db.refold import refold_archive

    engine = _open(db_url)
    try:
        report = refold_archive(engine)
    except DatabaseError as exc:
        raise click.ClickException(f"refold failed: {first_line(exc)}") from exc
    finally:
        engine.dispose()
    click.echo(f"{RULE_VERSION}: {report.names} names, persons {report.persons_before} -> "
               f"{report.persons_after}; {report.participants_relinked} participants and "
               f"{report.statements_relinked} statements re-linked, {report.offices_updated} "
               f"offices updated, {report.office_links_changed} office links changed", err=True)


# --- nodes -------------------------------------------------------------------------


@cli.command()
@click.option("--port", type=click.IntRange(1, 65535), default=6800, show_default=True,
              help="HTTP port of Scrapyd's API.")
@click.option("--bind", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0: every interface).")
@click.option("--dir", "directory", default="scrapyd-node", show_default=True,
              type=click.Path(file_okay=False), help="The node's config, logs and queue.")
@click.option("--max-proc", type=click.IntRange(min=0), default=0, show_default=True,
              help="Crawls at once (0: Scrapyd's default, 4 per CPU).")
@click.option("--name", metavar="NAME", help="The node's name in the runs (default host:port).")
def node(port: int, bind: str, directory: str, max_proc: int, name: str | None) -> None:
    """Run a Scrapyd node in the foreground that crawls with this installed project.

    Writes DIR/scrapyd.conf and the project's settings for Scrapyd, then runs
    Scrapyd there: no egg to deploy. `mfa-archive schedule --node URL` sends
    it crawls; each run records the node's name and the Scrapyd job id.
    Nodes need a PostgreSQL archive, shared by every node.

    \b
    Example:
        mfa-archive node --port 6800 --dir /var/lib/mfa-archive/node
    """
    from crawler.node import NodeConfig, run_node

    run_node(NodeConfig(directory=Path(directory), port=port, bind=bind, max_proc=max_proc,
                        name=name))


def _reextract_worker(*, source: str | None, batch: int, lease: float,
                      db_url: str | None) -> None:
    from crawler.reextract_worker import WorkerStats, run_worker

    engine = _open(db_url)
    shown: list[tuple[int, int]] = []

    def progress(stats: WorkerStats) -> None:
        if shown and shown[-1] == (stats.documents, stats.remaining):
            return  # waiting for other workers' leases: said already
        shown.append((stats.documents, stats.remaining))
        click.echo(f"worker {stats.owner}: {stats.documents} rebuilt, {stats.skipped} skipped; "
                   f"{stats.remaining} left in the archive", err=True)

    try:
        stats = run_worker(engine, batch=batch, lease=dt.timedelta(seconds=lease),
                           source=source, on_progress=progress)
    finally:
        engine.dispose()
    click.echo(f"{stats.documents} documents re-extracted by this worker "
               f"({stats.text} from raw HTML): {stats.changed} changed, {stats.failed} failed, "
               f"{stats.skipped} already rebuilt by another worker", err=True)
    sys.exit(1 if stats.failed else 0)


# --- demo -----------------------------------------------------------------------------


@cli.command()
@click.option("--dir", "directory", default="demo", show_default=True, type=click.Path())
def demo(directory: str) -> None:
    """Crawl the bundled offline mirrors into DIR/archive.sqlite and write CSVs."""
    from crawler.demo import run_demo

    sys.exit(run_demo(Path(directory)))


def main() -> None:
    try:
        cli.main(standalone_mode=True)
    except ArchiveError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except ArchiveDatabaseError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_ERRORS)
    except DatabaseError as exc:
        click.echo(f"Error: database: {first_line(exc)}", err=True)
        sys.exit(EXIT_ERRORS)
    except (OutputClosed, BrokenPipeError):
        _quiet_exit()


def _quiet_exit() -> None:
    """End with 0 after the reader of stdout went away (Unix's quiet end of a pipe):
    what is left in stdout's buffer goes nowhere, and Python's exit writes no error."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    sys.exit(EXIT_OK)


if __name__ == "__main__":
    main()

