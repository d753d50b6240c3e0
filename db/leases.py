"""Re-extraction by many workers: a queue of stale documents, claimed under leases.

A document is *stale* when its text or its records were extracted by another
version of the extractor than the running one. Each worker (``mfa-archive
reextract --worker``, on any machine, against one PostgreSQL archive)

1. adds the stale documents to ``reextract_queue`` (:func:`enqueue_stale`;
   those already there are left alone);
2. claims a batch (:func:`claim`): rows with no lease or an expired one,
   locked with ``FOR UPDATE SKIP LOCKED`` so two workers never take the same
   row at once, get this worker's lease;
3. extracts, then writes in one transaction: it locks the claimed documents that
   are still stale (:func:`lock_stale`; a worker whose lease expired may find
   them rebuilt by the one that took over, and skips them), writes them, and
   removes their rows from the queue (:func:`release`).

A killed worker's rows stay leased until the lease expires, then another worker
claims them. So every stale document is rebuilt once, by whichever worker
committed first. PostgreSQL only: SQLite has no row locks (:func:`require_postgresql`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from db.errors import ArchiveDatabaseError
from db.models import Document, FrontierEntry, ReextractClaim, Source


def require_postgresql(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        raise ArchiveDatabaseError(
            "reextract --worker needs a PostgreSQL archive (row locks and leases); "
            f"this one is {engine.dialect.name}: run `mfa-archive reextract` without --worker")


def _stale(text_version: str, records_version: str) -> Any:
    return or_(Document.text_extractor != text_version,
               Document.records_extractor != records_version)


def enqueue_stale(session: Session, *, text_version: str, records_version: str,
                  source: str | None = None) -> int:
    """Queue every stale document not queued yet (of ``source``); return how many were added."""
    stale = select(Document.id).where(_stale(text_version, records_version))
    if source:
        stale = stale.join(Source, Source.id == Document.source_id).where(Source.key == source)
    statement = (pg_insert(ReextractClaim).from_select(["document_id"], stale)
                 .on_conflict_do_nothing(index_elements=["document_id"]))
    return int(session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]


def claim(session: Session, *, owner: str, batch: int, lease: dt.timedelta) -> list[int]:
    """Lease up to ``batch`` queued documents that nobody holds to ``owner``; their ids."""
    now = dt.datetime.now(dt.UTC)
    free = (select(ReextractClaim.document_id)
            .where(or_(ReextractClaim.lease_expires_at.is_(None),
                       ReextractClaim.lease_expires_at < now))
            .order_by(ReextractClaim.document_id).limit(batch)
            .with_for_update(skip_locked=True))
    claimed = session.execute(
        update(ReextractClaim).where(ReextractClaim.document_id.in_(free.scalar_subquery()))
        .values(lease_owner=owner, lease_expires_at=now + lease)
        .returning(ReextractClaim.document_id)
    ).scalars().all()
    return sorted(claimed)


def remaining(session: Session) -> int:
    """Documents still queued, by every worker: the archive's remaining count."""
    return int(session.scalar(select(func.count()).select_from(ReextractClaim)) or 0)


def claimed_documents(session: Session, ids: Sequence[int]) -> list[Any]:
    """The claimed documents with what extraction needs, in id order (with what their
    listing showed, as the frontier kept it: a page is extracted as its crawl extracted it)."""
    return list(session.execute(
        select(Document.id, Source.key, Source.country, Document.url, Document.raw_html,
               Document.encoding, Document.http_status, Document.fetched_at, Document.title,
               Document.published, Document.etag, Document.last_modified, Document.text,
               Document.language, Document.text_extractor, FrontierEntry.listing_title,
               FrontierEntry.listing_date)
        .join(Source, Source.id == Document.source_id)
        .outerjoin(FrontierEntry, FrontierEntry.url == Document.url)
        .where(Document.id.in_(list(ids))).order_by(Document.id)
    ).all())


def lock_stale(session: Session, ids: Sequence[int], *, text_version: str,
               records_version: str) -> set[int]:
    """Lock those of ``ids`` that are still stale (``FOR UPDATE``): the ones to write."""
    return set(session.scalars(
        select(Document.id).where(Document.id.in_(list(ids)),
                                  _stale(text_version, records_version))
        .with_for_update()
    ).all())


def release(session: Session, ids: Sequence[int]) -> None:
    """Take ``ids`` off the queue (in the transaction that wrote them)."""
    session.execute(delete(ReextractClaim).where(ReextractClaim.document_id.in_(list(ids))))
