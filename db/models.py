"""The archive's schema, typed SQLAlchemy 2.x models.

Table names are the product's SQL interface: ``sources``, ``crawl_runs``,
``crawl_errors``, ``warc_files``, ``frontier``, ``documents``, ``document_versions``,
``meetings``, ``participants``, ``persons``, ``person_keys``, ``statements``,
``meeting_country_pairs``, ``encounters``,
``encounter_meetings``, ``encounter_runs``. The schema is
changed only through alembic migrations (``migrations/versions``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class AwareDateTime(TypeDecorator[dt.datetime]):
    """A UTC timestamp that comes back tz-aware on every backend (SQLite drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to an AwareDateTime column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if not isinstance(value, dt.datetime):
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: AwareDateTime}


class Source(Base):
    """A ministry's press-release site; ``key`` is the ISO 3166 alpha-2 code of its country."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(16), unique=True)
    country: Mapped[str] = mapped_column(String(2))
    ministry: Mapped[str] = mapped_column(String(200))
    listing_url: Mapped[str] = mapped_column(String(500))


class CrawlRun(Base):
    """One crawl of one source, with its outcome and counts."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    started_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime | None]
    status: Mapped[str] = mapped_column(String(32), default="running")
    finish_reason: Mapped[str | None] = mapped_column(String(64))
    base_url: Mapped[str | None] = mapped_column(String(500))
    listing_pages: Mapped[int] = mapped_column(default=0)
    releases_new: Mapped[int] = mapped_column(default=0)
    releases_changed: Mapped[int] = mapped_column(default=0)
    releases_unchanged: Mapped[int] = mapped_column(default=0)
    releases_failed: Mapped[int] = mapped_column(default=0)
    releases_blocked: Mapped[int] = mapped_column(default=0)
    # How the run walked the listing ("incremental", "full" or "since"), whether
    # it reached the end of what it meant to walk (the next incremental run stops
    # paging at releases known before that), and the crawl process's id.
    mode: Mapped[str | None] = mapped_column(String(16))
    listing_complete: Mapped[bool] = mapped_column(default=False, server_default=false())
    pid: Mapped[int | None]
    # Where a run dispatched to Scrapyd ran: the node's ``node_name`` and the job id.
    node: Mapped[str | None] = mapped_column(String(255))
    scrapyd_job: Mapped[str | None] = mapped_column(String(64), index=True)

    source: Mapped[Source] = relationship()


class WarcFile(Base):
    """A WARC file a run wrote (``-s ARCHIVE_WARC_DIR``), or could not write."""

    __tablename__ = "warc_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(1000))
    opened_at: Mapped[dt.datetime]
    closed_at: Mapped[dt.datetime | None]
    records: Mapped[int] = mapped_column(default=0)
    bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class CrawlError(Base):
    """A URL a run could not archive, and why."""

    __tablename__ = "crawl_errors"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    reason: Mapped[str] = mapped_column(Text)
    blocked: Mapped[bool] = mapped_column(default=False)
    at: Mapped[dt.datetime]


class FrontierEntry(Base):
    """A discovered release URL and its state: pending, stored, failed or gone."""

    __tablename__ = "frontier"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[dt.datetime | None]
    discovered_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    # What the listing said, so a retry or re-fetch extracts as the first fetch did.
    listing_title: Mapped[str | None] = mapped_column(Text)
    listing_date: Mapped[dt.date | None] = mapped_column(Date)


class Document(Base):
    """One archived release, under its canonical URL."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[dt.date | None] = mapped_column(Date, index=True)
    language: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    raw_html: Mapped[bytes] = mapped_column(LargeBinary)
    raw_hash: Mapped[str] = mapped_column(String(64))
    encoding: Mapped[str | None] = mapped_column(String(32))
    http_status: Mapped[int] = mapped_column(Integer)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    fetched_at: Mapped[dt.datetime]
    gone_at: Mapped[dt.datetime | None]
    first_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    text_extractor: Mapped[str] = mapped_column(String(32))
    records_extractor: Mapped[str] = mapped_column(String(32))

    source: Mapped[Source] = relationship()


class ReextractClaim(Base):
    """A document that re-extraction workers still have to rebuild, and who holds it.

    A worker claims rows by setting a lease (``FOR UPDATE SKIP LOCKED``) and deletes
    them in the transaction that writes the documents; an expired lease is free again.
    """

    __tablename__ = "reextract_queue"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_expires_at: Mapped[dt.datetime | None]


class DocumentVersion(Base):
    """A previous text of a document that was edited after it was archived."""

    __tablename__ = "document_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    fetched_at: Mapped[dt.datetime]
    replaced_at: Mapped[dt.datetime]


class Person(Base):
    """A person across releases; ``name_key`` folds spelling variants."""

    __tablename__ = "persons"
    __table_args__ = (Index("ix_persons_name", "name"),)  # the participant view by person

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300), unique=True)


class PersonKey(Base):
    """A folded name and the person it names (:mod:`db.identity_rule`): the writers' index.

    ``first_word`` and ``last_word`` (of the key) find the persons a new name may be a
    variant of.
    """

    __tablename__ = "person_keys"

    name_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    first_word: Mapped[str] = mapped_column(String(300), index=True)
    last_word: Mapped[str] = mapped_column(String(300), index=True)


class Meeting(Base):
    """An encounter reported by a document; ``ordinal`` is its position in the release."""

    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("document_id", "ordinal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    ordinal: Mapped[int]
    date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    location: Mapped[str | None] = mapped_column(String(300))
    topics: Mapped[list[str]] = mapped_column(JSON)
    extractor_version: Mapped[str] = mapped_column(String(32))

    participants: Mapped[list[Participant]] = relationship(
        back_populates="meeting", order_by="Participant.ordinal", cascade="all, delete-orphan"
    )


class Participant(Base):
    """A person's part in a meeting, with the title and country of that day."""

    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("meeting_id", "ordinal"),
        Index("ix_participants_country", "country"),
        # A speaker's part in a statement's meeting (search by speaker country, statement_facts).
        Index("ix_participants_meeting_person", "meeting_id", "person_id"),
        Index("ix_participants_office_holders", "office", "country", "name"),  # unnamed first
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    # NULL for an unnamed office holder ("the Foreign Secretary") and for a group: neither is a person
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    ordinal: Mapped[int]
    title: Mapped[str | None] = mapped_column(String(500))
    country: Mapped[str | None] = mapped_column(String(2))
    organisation: Mapped[str | None] = mapped_column(String(300))
    role: Mapped[str | None] = mapped_column(String(16))
    extractor_version: Mapped[str] = mapped_column(String(32))
    group: Mapped[bool] = mapped_column(default=False, server_default=false())  # a group counterpart, no person
    # The name as the release wrote it (NULL when unnamed or a group), the folded office
    # of ``title`` (db.offices.office_key), and how an unnamed participant's person was
    # found: "office" (db.offices.office_holder), with the document that named the holder.
    name: Mapped[str | None] = mapped_column(String(300))
    office: Mapped[str | None] = mapped_column(String(300))
    resolved_by: Mapped[str | None] = mapped_column(String(16))
    evidence_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True)

    meeting: Mapped[Meeting] = relationship(back_populates="participants")
    person: Mapped[Person | None] = relationship()


class Statement(Base):
    """Who said what: a sentence of a document, its reporting verb and speaker."""

    __tablename__ = "statements"
    __table_args__ = (UniqueConstraint("document_id", "ordinal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    ordinal: Mapped[int]
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    # Indexed: a person's statements find the matching names first (migration scale_indexes).
    speaker: Mapped[str | None] = mapped_column(String(300), index=True)
    verb: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    start_offset: Mapped[int]
    end_offset: Mapped[int]
    extractor_version: Mapped[str] = mapped_column(String(32))
    verb_lemma: Mapped[str | None] = mapped_column(String(100), index=True)


class MeetingCountryPair(Base):
    """Each unordered pair of distinct participant countries of a meeting (``country_a`` <
    ``country_b``): the rows behind the view ``meeting_dyads``.

    Derived data, kept by triggers on ``participants`` in the transaction that writes
    them (migration ``scale_indexes``); never written by the application.
    """

    __tablename__ = "meeting_country_pairs"
    __table_args__ = (
        Index("ix_meeting_country_pairs_a", "country_a", "country_b"),
        Index("ix_meeting_country_pairs_b", "country_b", "country_a"),
    )

    meeting_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    country_a: Mapped[str] = mapped_column(String(2), primary_key=True)
    country_b: Mapped[str] = mapped_column(String(2), primary_key=True)


class Encounter(Base):
    """One encounter reported by meetings of several sources (db/encounter_rule.py).

    Derived data: rebuilt after each crawl run and re-extraction, and by
    ``mfa-archive encounters rebuild``; ``key`` hashes its reports' URLs and
    positions, so it stays the same across rebuilds.
    """

    __tablename__ = "encounters"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    reports: Mapped[int]
    score: Mapped[int]
    rule_version: Mapped[str] = mapped_column(String(32))


class EncounterMeeting(Base):
    """A meeting that reports an encounter; a meeting reports at most one."""

    __tablename__ = "encounter_meetings"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    encounter_id: Mapped[int] = mapped_column(
        ForeignKey("encounters.id", ondelete="CASCADE"), index=True)


class EncounterRun(Base):
    """A run whose releases' meetings were linked into encounters (db/encounters.py).

    A run without a row ended before linking them (killed): the next run of its
    source links them.
    """

    __tablename__ = "encounter_runs"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("crawl_runs.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    built_at: Mapped[dt.datetime]
