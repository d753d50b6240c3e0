"""Search latency on a synthetic archive of 100,000 releases (a benchmark, not a test).

Usage: python benchmarks/search.py [--documents 100000] [--db PATH] [--repeat 15]
                                   [--postgres URL]

1. Builds a migrated SQLite archive (or reuses ``--db PATH`` if it exists) of
   ``--documents`` releases made from every mirror's releases (their titles,
   paragraphs, languages and extracted records, each copy numbered), with
   their meetings, participants and statements, written by executemany in big
   transactions: the migration's triggers index every row as it is written.
   ``--postgres URL`` builds the same archive in that (empty) PostgreSQL
   database instead.
2. Times :func:`db.search.search_documents` / :func:`search_statements` (what
   ``mfa-archive search`` runs: ranking, snippets, the hits' participants) for a
   set of queries: a common word, a rare one, a phrase, a prefix, an exclusion,
   filters, statements and a non-Latin word; the median and the slowest of
   ``--repeat`` warm runs each, after one cold run. Target: under 200 ms.
3. Prints the machine's load (``uptime``): the machine is shared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, func, insert, select

from benchmarks._common import mirror_bases
from db.migrate import upgrade
from db.models import (
    CrawlRun,
    Document,
    Meeting,
    Participant,
    Person,
    Source,
    Statement,
)
from db.names import name_key
from db.search import SearchFilters, search_documents, search_statements
from db.session import make_engine

QUERIES: list[tuple[str, str, dict[str, Any]]] = [
    ("documents", "minister", {}),
    ("documents", "cooperation", {}),
    ("documents", "Lavrov", {}),
    ("documents", '"strategic partnership"', {}),
    ("documents", "negotiat*", {}),
    ("documents", "cooperation -energy", {}),
    ("documents", "trade OR investment", {}),
    ("documents", "minister", {"source": "by", "since": dt.date(2025, 1, 1)}),
    ("documents", "cooperation", {"country": "RU"}),
    ("documents", "التعاون", {}),  # Arabic: the word index, then the trigram index
    ("documents", "تعاون", {}),  # inside longer words (with the article): trigram only
    ("statements", "peace", {}),
    ("statements", "stressed importance", {"country": "AZ"}),
]



def build(engine: Engine, count: int) -> None:
    """``count`` releases with their records, ids chosen here, in batches of 2,000."""
    upgrade(engine)
    bases = mirror_bases()
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        sources = {}
        for base in bases:
            if base["key"] not in sources:
                sources[base["key"]] = conn.execute(insert(Source).values(
                    key=base["key"], country=base["country"], ministry=f"MFA {base['key']}",
                    listing_url=f"https://bench.example/{base['key']}")
                    .returning(Source.id)).scalar_one()
        run = conn.execute(insert(CrawlRun).values(
            source_id=next(iter(sources.values())), started_at=now, status="completed")
            .returning(CrawlRun.id)).scalar_one()
        names = sorted({p.name for b in bases for m in b["records"].meetings
                        for p in m.participants if p.name}
                       | {s.speaker for b in bases for s in b["records"].statements
                          if s.speaker})
        persons: dict[str, int] = {}
        for name in names:
            key = name_key(name) or name
            if key not in persons:
                persons[key] = conn.execute(insert(Person).values(name=name, name_key=key)
                                            .returning(Person.id)).scalar_one()
    ids = {"meeting": 0, "participant": 0, "statement": 0}
    batch = 2000
    for start in range(0, count, batch):
        docs, meetings, participants, statements = [], [], [], []
        for i in range(start, min(start + batch, count)):
            base = bases[i % len(bases)]
            doc_id = i + 1
            text = f"{base['text']}\nRelease {i} of the benchmark."
            published = base["published"] - dt.timedelta(days=(i // len(bases)) % 3000)
            docs.append({
                "id": doc_id, "source_id": sources[base["key"]],
                "url": f"https://bench.example/{base['key']}/{i}",
                "title": f"{base['title']} ({i})", "published": published,
                "language": base["language"], "text": text,
                "content_hash": hashlib.sha256(text.encode()).hexdigest(), "raw_html": b"",
                "raw_hash": "", "encoding": "utf-8", "http_status": 200, "fetched_at": now,
                "first_run_id": run, "last_run_id": run, "text_extractor": "bench",
                "records_extractor": "bench"})
            meeting_ids = []
            for ordinal, m in enumerate(base["records"].meetings):
                ids["meeting"] += 1
                meeting_ids.append(ids["meeting"])
                meetings.append({"id": ids["meeting"], "document_id": doc_id,
                                 "ordinal": ordinal, "date": published, "kind": m.kind,
                                 "location": m.location, "topics": list(m.topics),
                                 "extractor_version": "bench"})
                for p_ordinal, p in enumerate(m.participants):
                    ids["participant"] += 1
                    participants.append({
                        "id": ids["participant"], "meeting_id": ids["meeting"],
                        "person_id": persons[name_key(p.name) or p.name], "ordinal": p_ordinal,
                        "title": p.title, "country": p.country, "organisation": p.organisation,
                        "role": p.role, "extractor_version": "bench"})
            for ordinal, s in enumerate(base["records"].statements):
                ids["statement"] += 1
                statements.append({
                    "id": ids["statement"], "document_id": doc_id, "ordinal": ordinal,
                    "meeting_id": meeting_ids[s.meeting] if s.meeting is not None
                    and s.meeting < len(meeting_ids) else None,
                    "speaker_id": persons.get(name_key(s.speaker) or s.speaker)
                    if s.speaker else None,
                    "speaker": s.speaker, "verb": s.verb, "text": s.text,
                    "start_offset": s.start, "end_offset": s.end, "extractor_version": "bench"})
        with engine.begin() as conn:
            conn.execute(insert(Document), docs)
            if meetings:
                conn.execute(insert(Meeting), meetings)
            if participants:
                conn.execute(insert(Participant), participants)
            if statements:
                conn.execute(insert(Statement), statements)
        print(f"  {min(start + batch, count):,} releases", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.exec_driver_sql("COMMIT")
            for table in ("documents", "statements", "documents_search", "statements_search",
                          "meetings", "participants", "persons"):
                conn.exec_driver_sql(f"ANALYZE {table}")
    else:
        with engine.begin() as conn:
            for table in ("documents_search", "documents_search_trigram", "statements_search",
                          "statements_search_trigram"):
                conn.exec_driver_sql(f"INSERT INTO {table} ({table}) VALUES ('optimize')")  # noqa: S608


def measure(engine: Engine,
            repeat: int) -> list[tuple[str, str, int, float, float, float, float]]:
    rows = []
    with engine.connect() as conn:
        for where, query, filters in QUERIES:
            search = search_documents if where == "documents" else search_statements
            chosen = SearchFilters(limit=20, **filters)
            started = time.perf_counter()
            hits = search(conn, query, chosen)
            cold = (time.perf_counter() - started) * 1000
            times, cpu = [], []
            for _ in range(repeat):
                started, started_cpu = time.perf_counter(), time.process_time()
                search(conn, query, chosen)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            label = query + "".join(f" --{k} {v}" for k, v in filters.items())
            rows.append((where, label, len(hits), cold, statistics.median(times), max(times),
                         statistics.median(cpu)))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="SQLite file to build, or reuse if it exists.")
    parser.add_argument("--postgres", metavar="URL", help="An empty PostgreSQL database.")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    tmp = None
    if args.postgres:
        url = args.postgres
        with make_engine(url).connect() as conn:  # an archive built before is reused
            fresh = not conn.exec_driver_sql(
                "SELECT to_regclass('documents') IS NOT NULL").scalar()
    else:
        if args.db is None:
            tmp = tempfile.TemporaryDirectory(prefix="mfa-search-bench-")
            args.db = Path(tmp.name) / "archive.sqlite"
        url, fresh = f"sqlite:///{args.db}", not args.db.exists()
    engine = make_engine(url)
    if fresh:
        started = time.perf_counter()
        build(engine, args.documents)
        print(f"built {args.documents:,} releases in {time.perf_counter() - started:.0f} s",
              file=sys.stderr)
    with engine.connect() as conn:
        docs = conn.scalar(select(func.count()).select_from(Document))
        statements = conn.scalar(select(func.count()).select_from(Statement))
    engine.dispose()
    reader = make_engine(url, read_only=True)
    rows = measure(reader, args.repeat)
    reader.dispose()
    print(f"search latency, {engine.dialect.name}, {docs:,} releases, {statements:,} statements "
          f"(limit 20; ms: one cold run, then median and max of {args.repeat} wall-clock runs, "
          "and the median CPU time of this process: what a run takes on an idle core; "
          "PostgreSQL's work is in its server, not counted there)")
    print(f"{'in':<11} {'query':<48} {'hits':>5} {'cold':>8} {'median':>8} {'max':>8} "
          f"{'cpu':>8}")
    for where, label, hits, cold, med, worst, cpu in rows:
        print(f"{where:<11} {label:<48} {hits:>5} {cold:>8.1f} {med:>8.1f} {worst:>8.1f} "
              f"{cpu:>8.1f}")
    slowest = max(r[4] for r in rows)
    print(f"slowest median: {slowest:.1f} ms wall-clock (target < 200 ms): "
          f"{'met' if slowest < 200 else 'NOT met'}; slowest CPU median "
          f"{max(r[6] for r in rows):.1f} ms")
    print("load:", subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip())
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
