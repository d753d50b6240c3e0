"""The select() builders of ``export persons`` and ``export crawl_runs``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import String, cast, func, literal, select

from db.models import CrawlRun, Document, Meeting, Participant, Person, PersonKey, Source

if TYPE_CHECKING:  # db.queries imports this module
    from db.queries import AnySelect, ExportFilters


def joined_labels(dialect: str, rows: AnySelect) -> object:
    """``"a; b; ..."`` of a correlated select of (label, sort key) rows, in sort order."""
    sub = rows.subquery()
    label, order = sub.c.label, sub.c.sort
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import aggregate_order_by

        return select(func.string_agg(label, aggregate_order_by(literal("; "), order, label))
                      ).scalar_subquery()
    # SQLite < 3.44 has no ORDER BY inside group_concat: aggregate an ordered subquery
    ordered = select(label).select_from(sub).order_by(order, label).subquery()
    return select(func.group_concat(ordered.c.label, "; ")).scalar_subquery()


def _span(first: object, last: object) -> object:
    """``" 2024-03-04..2025-01-20"``: a first and a last day (empty when unknown)."""
    return func.coalesce(" " + cast(first, String) + ".." + cast(last, String), "")


def persons_export(filters: ExportFilters, dialect: str = "sqlite") -> AnySelect:
    """Persons, each once, by id, with their variants, countries and titles held.

    ``variants``: the other folded names that are this person (``person_keys``), as
    first written; ``countries`` and ``titles``: ``"IR 2024-01-05..2025-02-01; ..."``,
    each with its first and last day, in the order first seen; ``first_seen`` /
    ``last_seen``: the person's first and last day in a meeting. ``--person``: a name
    substring (of any variant); ``--country``: persons who took part in a meeting for
    that country; ``--source``/``--since``/``--until`` do not apply.
    """
    day = func.coalesce(Meeting.date, Document.published)
    seen = (select(Participant.person_id.label("person_id"), day.label("day"),
                   Participant.country.label("country"), Participant.title.label("title"),
                   Participant.resolved_by.label("resolved_by"))
            .join(Meeting, Meeting.id == Participant.meeting_id)
            .join(Document, Document.id == Meeting.document_id)
            .where(Participant.person_id == Person.id)
            .correlate(Person).subquery())
    variants = joined_labels(dialect, select(PersonKey.name.label("label"),
                                       PersonKey.name_key.label("sort"))
                       .where(PersonKey.person_id == Person.id,
                              PersonKey.name_key != Person.name_key).correlate(Person))
    countries = joined_labels(dialect, select(
        (seen.c.country + _span(func.min(seen.c.day), func.max(seen.c.day))).label("label"),
        func.min(seen.c.day).label("sort"))
        .where(seen.c.country.is_not(None)).group_by(seen.c.country))
    titles = joined_labels(dialect, select(
        (seen.c.title + _span(func.min(seen.c.day), func.max(seen.c.day))).label("label"),
        func.min(seen.c.day).label("sort"))
        .where(seen.c.title.is_not(None), seen.c.resolved_by.is_(None)).group_by(seen.c.title))
    first = select(func.min(seen.c.day)).scalar_subquery()
    last = select(func.max(seen.c.day)).scalar_subquery()
    query: AnySelect = select(
        Person.id.label("person_id"),
        Person.name,
        Person.name_key,
        variants.label("variants"),  # type: ignore[attr-defined]
        countries.label("countries"),  # type: ignore[attr-defined]
        titles.label("titles"),  # type: ignore[attr-defined]
        first.label("first_seen"),
        last.label("last_seen"),
    ).order_by(Person.id)
    if filters.person:
        query = query.where(Person.id.in_(select(PersonKey.person_id).where(
            PersonKey.name.icontains(filters.person, autoescape=True))))
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
