"""``mfa-archive sources check``: crawl each source's mirror and compare with the mirror's truth.

A regression check for layouts: per source, did the listing yield every
release, did every stored release get its date, title and body right?
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from crawler.mirror.server import serve
from crawler.mirror.sites import SITES
from crawler.run import FAST_SETTINGS, run_crawls
from db.queries import stored_releases
from db.session import make_engine
from db.urls import sqlite_url


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceCheck:
    source: str
    status: str
    expected: int
    listed: int
    dated: int
    titled: int
    bodies: int

    @property
    def ok(self) -> bool:
        return self.status in ("completed", "completed_with_errors") and (
            self.expected == self.listed == self.dated == self.titled == self.bodies
        )


def check_sources(keys: Sequence[str]) -> list[SourceCheck]:
    """Crawl the mirrors of ``keys`` into a throw-away archive and score each source."""
    with tempfile.TemporaryDirectory(prefix="mfa-check-") as tmp:
        db_url = sqlite_url(Path(tmp) / "check.sqlite")
        with serve(keys) as base_urls:
            outcomes = {o.source: o for o in run_crawls(
                keys, db_url=db_url, base_urls=base_urls,
                overrides={**FAST_SETTINGS, "LOG_LEVEL": "ERROR"},
            )}
        engine = make_engine(db_url)
        rows = stored_releases(engine)
        engine.dispose()
    checks = []
    for key in keys:
        site = SITES[key]()
        truth = {site.archived_url(r): r for r in site.releases if r.slug not in site.walled}
        stored = [r for r in rows if r.key == key and r.url in truth]
        checks.append(SourceCheck(
            source=key,
            status=outcomes[key].status,
            expected=len(site.expected_urls()),
            listed=len(stored),
            dated=sum(r.published == truth[r.url].published for r in stored),
            titled=sum(r.title == truth[r.url].title for r in stored),
            bodies=sum(truth[r.url].paragraphs[0][:60] in (r.text or "") for r in stored),
        ))
    return checks
