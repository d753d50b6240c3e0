"""The select() builders of ``export persons`` and ``export crawl_runs``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import select

from db.models import CrawlRun, Participant, Person, Source

if TYPE_CHECKING:  # db.queries imports this module
    from db.queries import AnySelect, ExportFilters


def persons_export(filters: ExportFilters) -> AnySelect:
    """Persons, each once, by id. ``--person``: a name substring; ``--country``: persons who
    took part in a meeting for that country; ``--source``/``--since``/``--until`` do not apply."""
    query: AnySelect = select(
        Person.id.label("person_id"),
        Person.name,
        Person.name_key,
    ).order_by(Person.id)
    if filters.person:
        query = query.where(Person.name.icontains(filters.person, autoescape=True))
    if filters.country:
        query = query.where(Person.id.in_(
            select(Participant.person_id).where(Participant.country == filters.country.upper())))
    return query


def crawl_runs_export(filters: ExportFilters) -> AnySelect:
    """Crawl runs by id, with their source's key; ``--since``/``--until`` on the start date."""
    query: AnySelect = (
        select(
            CrawlRun.id.label("run_id"),
            Source.key.label("source"),
            CrawlRun.started_at,
            CrawlRun.finished_at,
            CrawlRun.status,
            CrawlRun.finish_reason,
            CrawlRun.mode,
            CrawlRun.base_url,
            CrawlRun.listing_pages,
            CrawlRun.releases_new,
            CrawlRun.releases_changed,
            CrawlRun.releases_unchanged,
            CrawlRun.releases_failed,
            CrawlRun.releases_blocked,
            CrawlRun.listing_complete,
            CrawlRun.pid,
        )
        .join(Source, Source.id == CrawlRun.source_id)
        .order_by(CrawlRun.id)
    )
    if filters.since:
        query = query.where(CrawlRun.started_at >= _midnight(filters.since))
    if filters.until:
        query = query.where(CrawlRun.started_at < _midnight(filters.until + dt.timedelta(days=1)))
    if filters.source:
        query = query.where(Source.key == filters.source)
    return query


__all__ = ["crawl_runs_export", "persons_export"]


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
