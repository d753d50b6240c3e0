"""The ``mfa-archive`` command line: a thin layer over :mod:`crawler` and :mod:`db`.

User mistakes are one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import click
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from crawler.exceptions import ArchiveError
from db.config import database_url, redact
from db.errors import ArchiveDatabaseError

DB_OPTION = click.option(
    "--db", "db_url", metavar="URL", envvar="MFA_ARCHIVE_DB", show_envvar=True,
    help="Database URL (default sqlite:///archive.sqlite).",
)
EXPORTS = ("documents", "meetings", "participants", "statements")


def _open(db_url: str | None, *, read_only: bool = False, migrate: bool = True) -> Engine:
    """An engine on the archive, migrated to the newest schema unless read-only."""
    from db.migrate import current_revision, ensure_schema, head_revision
    from db.session import make_engine

    url = database_url(db_url)
    try:
        if read_only:
            _require_existing(url)
            engine = make_engine(url, read_only=True)
            if current_revision(engine) != head_revision():
                raise click.ClickException(
                    f"the archive at {redact(url)} is not at the newest schema: "
                    "run `mfa-archive db upgrade`"
                )
            return engine
        engine = make_engine(url)
        if migrate:
            ensure_schema(engine)
        return engine
    except ArchiveDatabaseError as exc:
        raise click.ClickException(str(exc)) from exc
    except OperationalError as exc:
        raise click.ClickException(
            f"cannot open the database {redact(url)}: {_first_line(exc)}"
        ) from exc


def _require_existing(url: str) -> None:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        if not Path(parsed.database).exists():
            raise click.ClickException(f"no archive at {parsed.database}: crawl first")


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip()
    return text.splitlines()[0] if text else type(orig).__name__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mfa-archive")
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
@click.option("-s", "settings", multiple=True, metavar="NAME=VALUE", help="A Scrapy setting.")
@DB_OPTION
def crawl(sources: tuple[str, ...], all_sources: bool, base_url: str | None, since: str | None,
          settings: tuple[str, ...], db_url: str | None) -> None:
    """Crawl SOURCES (keys such as az) into the archive.

    \b
    Example:
        mfa-archive crawl az
        mfa-archive crawl az --base-url http://127.0.0.1:8000   # a mirror
        mfa-archive crawl --all -s DOWNLOAD_DELAY=2

    Exit codes: 0 completed, 1 errors or failed, 2 usage, 3 degraded or
    blocked (the site may have changed), 4 interrupted.
    """
    from crawler import run

    if not sources and not all_sources:
        raise click.UsageError("name at least one source, or --all")
    keys = run.resolve_sources(sources, all_sources=all_sources)
    if base_url and len(keys) != 1:
        raise click.UsageError("--base-url points one source at a mirror: name exactly one")
    if since:
        try:
            dt.date.fromisoformat(since)
        except ValueError as exc:
            raise click.BadParameter(f"not an ISO date: {since!r}", param_hint="--since") from exc
    overrides = _parse_setting(settings)
    url = database_url(db_url)
    _open(url).dispose()
    base_urls = {keys[0]: _check_base_url(base_url)} if base_url else {}
    outcomes = run.run_crawls(keys, db_url=url, base_urls=base_urls, overrides=overrides,
                              since=since)
    for o in outcomes:
        click.echo(
            f"{o.source}: {o.status} (run {o.run_id}): {o.new} new, {o.changed} changed, "
            f"{o.unchanged} unchanged, {o.failed} failed, {o.blocked} blocked, "
            f"{o.listing_pages} listing pages", err=True,
        )
    sys.exit(run.exit_code(outcomes))


# --- sources and runs ---------------------------------------------------------


@cli.command()
@DB_OPTION
def sources(db_url: str | None) -> None:
    """List the sources: key, country, ministry, listing URL and the last run."""
    from rich.console import Console
    from rich.table import Table

    from crawler.run import spider_classes

    last: dict[str, Any] = {}
    url = database_url(db_url)
    if _archive_exists(url):
        from db import queries

        engine = _open(url, read_only=True)
        with engine.connect() as conn:
            for run_row, key in conn.execute(queries.runs(limit=10_000)):
                last.setdefault(key, run_row)
        engine.dispose()
    table = Table("key", "country", "ministry", "listing", "last run", "status", "new/failed")
    for key, cls in spider_classes().items():
        run_row = last.get(key)
        table.add_row(
            key, cls.country, cls.ministry, cls.listing_url,
            run_row.started_at.strftime("%Y-%m-%d %H:%M") if run_row else "-",
            run_row.status if run_row else "-",
            f"{run_row.releases_new}/{run_row.releases_failed}" if run_row else "-",
        )
    Console(width=200).print(table)


def _archive_exists(url: str) -> bool:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return bool(parsed.database) and Path(parsed.database or "").exists()
    return True


@cli.command()
@click.option("--source", metavar="KEY", help="Only this source's runs.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per run.")
@click.option("--limit", default=50, show_default=True)
@DB_OPTION
def runs(source: str | None, as_json: bool, limit: int, db_url: str | None) -> None:
    """Show recent crawl runs with their status and counts."""
    from db import queries

    engine = _open(db_url, read_only=True)
    with engine.connect() as conn:
        rows = conn.execute(queries.runs(source, limit)).all()
    engine.dispose()
    fields = ("id", "status", "finish_reason", "started_at", "finished_at", "listing_pages",
              "releases_new", "releases_changed", "releases_unchanged", "releases_failed",
              "releases_blocked", "base_url")
    for run_row, key in rows:
        data = {"source": key} | {f: getattr(run_row, f) for f in fields}
        if as_json:
            click.echo(json.dumps(data, default=str))
        else:
            click.echo(
                f"{data['id']:>5} {key:<4} {data['status']:<22} {data['started_at']:%Y-%m-%d %H:%M:%S}"
                f"  new {data['releases_new']}, changed {data['releases_changed']}, "
                f"unchanged {data['releases_unchanged']}, failed {data['releases_failed']}, "
                f"blocked {data['releases_blocked']}"
            )


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


# --- query and export -----------------------------------------------------------


def _write_table(columns: Sequence[str], rows: Iterator[Sequence[Any]]) -> int:
    from rich.console import Console
    from rich.table import Table

    table = Table(*columns)
    count = 0
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
        count += 1
    Console(width=max(120, 20 * len(columns))).print(table)
    return count


@cli.command()
@click.argument("sql")
@click.option("-p", "--param", "params", nargs=2, multiple=True, metavar="NAME VALUE",
              help="A bound parameter, used as :NAME in the SQL.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "jsonl"]),
              default="table", show_default=True)
@click.option("--limit", type=click.IntRange(min=0), default=None, help="At most N rows.")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds.")
@DB_OPTION
def query(sql: str, params: tuple[tuple[str, str], ...], fmt: str, limit: int | None,
          timeout: float, db_url: str | None) -> None:
    """Run one read-only SQL query against the archive.

    \b
    Example:
        mfa-archive query "select kind, count(*) from meetings group by kind"
        mfa-archive query "select * from participants where country = :c" -p c BY
    """
    from db.export import _json_value, write_rows
    from db.sql import QueryFailed, QueryRefused, run_query

    try:
        from db.sql import check_read_only

        check_read_only(sql)
    except QueryRefused as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    engine = _open(db_url, read_only=True)
    try:
        for columns, rows in run_query(engine, sql, dict(params), limit=limit, timeout=timeout):
            if fmt == "table":
                _write_table(columns, rows)
            elif fmt == "json":
                click.echo(json.dumps([{c: _json_value(v) for c, v in zip(columns, r, strict=True)}
                                       for r in rows], ensure_ascii=False, default=str))
            else:
                write_rows(columns, rows, sys.stdout, fmt)
    except QueryRefused as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    except QueryFailed as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        engine.dispose()


@cli.command("export")
@click.argument("name", type=click.Choice(EXPORTS))
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv",
              show_default=True)
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
    """Export documents, meetings, participants or statements as CSV or JSON Lines.

    \b
    Example:
        mfa-archive export meetings -o meetings.csv --country BY
    """
    from db import export, queries

    engine = _open(db_url, read_only=True)
    filters = queries.ExportFilters(
        since=since.date() if since else None, until=until.date() if until else None,
        source=source, country=country, person=person,
    )
    select_for = {
        "documents": lambda: queries.documents_export(filters),
        "meetings": lambda: queries.meetings_export(
            filters, queries.participants_label(engine.dialect.name)),
        "participants": lambda: queries.participants_export(filters),
        "statements": lambda: queries.statements_export(filters),
    }
    try:
        count = export.export(engine, select_for[name](), fmt=fmt, path=output, bom=excel)
    except SQLAlchemyError as exc:
        raise click.ClickException(f"export failed: {_first_line(exc)}") from exc
    finally:
        engine.dispose()
    if output:
        click.echo(f"{count} {name} rows written to {output}", err=True)


# --- extraction -------------------------------------------------------------------


@cli.command()
@click.argument("inputs", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per input (JSON Lines).")
@click.option("--country", metavar="XX", help="ISO code of the ministry that wrote the pages.")
def extract(inputs: tuple[str, ...], as_json: bool, country: str | None) -> None:
    """Extract text, meetings and statements from pages, without a database.

    \b
    Example:
        mfa-archive extract page.html --json
    """
    from crawler.tryout import extract_input

    failed = False
    for value in inputs:
        result = extract_input(value, country=country)
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
    sys.exit(1 if failed else 0)


@cli.command()
@click.option("--source", metavar="KEY", help="Only this source's documents.")
@DB_OPTION
def reextract(source: str | None, db_url: str | None) -> None:
    """Re-run text and record extraction over the stored raw HTML."""
    from rich.progress import Progress

    from crawler.reextract import reextract_archive

    engine = _open(db_url)
    try:
        with Progress(transient=False) as progress:
            task = progress.add_task("re-extracting", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            stats = reextract_archive(engine, source=source, on_progress=advance)
    finally:
        engine.dispose()
    click.echo(f"{stats['documents']} documents re-extracted: {stats['changed']} changed, "
               f"{stats['failed']} failed", err=True)
    sys.exit(1 if stats["failed"] else 0)


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
        sys.exit(2)
    except ArchiveDatabaseError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except SQLAlchemyError as exc:
        click.echo(f"Error: database: {_first_line(exc)}", err=True)
        sys.exit(1)
    except BrokenPipeError:
        sys.exit(0)


if __name__ == "__main__":
    main()

