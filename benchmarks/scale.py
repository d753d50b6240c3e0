"""The archive at scale: size, analysts' queries, search, `show` and `reextract` on N releases.

Usage: python benchmarks/scale.py [--releases 1000000] [--postgres URL] [--no-sqlite]
                                  [--repeat 3] [--search-repeat 20] [--cache DIR]

1. Builds (once, then reuses) a migrated archive of ``--releases`` synthetic
   releases made from every mirror's releases: their texts, languages and the
   records extracted from them, with the persons' names drawn from a pool of
   about 90,000 made-up names, the participants' countries from 60 countries
   (a few much more often than the rest, as in real archives), and dates spread
   over 2000-2026. Rows are written in bulk: SQLite ``executemany`` in
   transactions of 20,000 releases, PostgreSQL ``COPY`` (psycopg). On
   PostgreSQL the migrations' triggers index every row for search as it is
   written; on SQLite, where they would run per row (a few hundred releases a
   second), the insert triggers of the search tables and of
   ``meeting_country_pairs`` are dropped for the writing and made again after
   it, and those tables are then filled once by the very statements with
   which their migrations index the rows already stored (FTS5 ``rebuild``,
   ``INSERT ... SELECT``): the same archive the triggers would have made. SQLite
   archives are cached as ``DIR/scale-vV-N.sqlite`` (default
   ``benchmarks/.cache``, git-ignored); on PostgreSQL, as the database
   ``mfa_scale_vV_N`` on the server of ``--postgres URL``. A build that did not
   finish is never reused (it is written under another name and renamed at the
   end). The archive is upgraded to the newest migration before measuring.
2. Times each query (median of ``--repeat`` warm runs, after one cold run) and
   prints its target, whether it was met, and the query plan of its slowest SQL
   statement: meetings between two countries by year, a person's statements,
   the dyads of one country (its partners), the latest run per source and what
   ``mfa-archive sources`` reads, ``show`` of one release, and ``search``
   p50/p95 over ``--search-repeat`` runs for a word, a phrase and a prefix.
3. Runs ``reextract`` (records from the stored texts, written back) over the
   2,000 releases of the source ``bench`` and reports documents per second.
4. Prints the database size per release and the machine's load (``uptime``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.util
import json
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.engine import make_url

from benchmarks._common import mirror_bases
from crawler.extract import TEXT_EXTRACTOR_VERSION
from crawler.records import EXTRACTOR_VERSION
from crawler.registry import all_sources
from db import queries
from db.migrate import upgrade
from db.names import name_key
from db.release_view import load_release
from db.search import SearchFilters, search_documents
from db.session import make_engine

VERSION = 1  # bump when the synthetic data change: cached archives of another version are not reused
CACHE = ROOT / "benchmarks" / ".cache"
BATCH = 20_000
REEXTRACT_SOURCE = "bench"  # a source holding the first REEXTRACT_RELEASES releases
REEXTRACT_RELEASES = 2_000
QUERY_TARGET_MS = 1000.0
SEARCH_TARGET_MS = 200.0

# The participants' countries: the first ones are drawn far more often (weight 1/rank).
COUNTRIES = (
    "RU", "TR", "US", "CN", "DE", "FR", "GB", "IR", "AZ", "GE", "AM", "KZ", "UZ", "UA", "BY",
    "IN", "JP", "KR", "IT", "ES", "PL", "EG", "SA", "AE", "QA", "IL", "PK", "AF", "BR", "MX",
    "CA", "AU", "ZA", "NG", "KE", "ET", "ID", "MY", "TH", "VN", "PH", "SG", "NL", "BE", "SE",
    "NO", "FI", "DK", "AT", "CH", "CZ", "HU", "RO", "BG", "GR", "RS", "HR", "TM", "TJ", "KG",
)
_SYLLABLES = ("ka", "ri", "mo", "ta", "le", "su", "vo", "na", "di", "ro", "ba", "ze", "lu",
              "mi", "sa", "to", "ne", "ga", "fi", "ho")
FIRST_NAMES = tuple(f"{a}{b}".capitalize() for a in _SYLLABLES for b in _SYLLABLES[:15])  # 300
LAST_NAMES = tuple(f"{a}{b}{c}v".capitalize() for a in _SYLLABLES for b in _SYLLABLES[:5]
                   for c in ("a", "o", "e"))  # 300


def person_names() -> list[str]:
    """The pool of names, the most often drawn first (a fixed shuffle)."""
    names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    random.Random(VERSION).shuffle(names)
    return names


# What is looked up: the most common person's statements, the two most common countries.
PERSON = person_names()[0]
PAIR = (COUNTRIES[0], COUNTRIES[1])
COUNTRY = COUNTRIES[8]  # AZ
SEARCHES = (("word", "cooperation"), ("common word", "minister"),
            ("phrase", '"strategic partnership"'), ("prefix", "negotiat*"))


# --- the synthetic archive -----------------------------------------------------------



@dataclass(slots=True)
class _Rows:
    documents: list[tuple[Any, ...]]
    meetings: list[tuple[Any, ...]]
    participants: list[tuple[Any, ...]]
    statements: list[tuple[Any, ...]]


COLUMNS = {
    "documents": ("id", "source_id", "url", "title", "published", "language", "text",
                  "content_hash", "raw_html", "raw_hash", "encoding", "http_status",
                  "fetched_at", "first_run_id", "last_run_id", "text_extractor",
                  "records_extractor"),
    "meetings": ("id", "document_id", "ordinal", "date", "kind", "location", "topics",
                 "extractor_version"),
    "participants": ("id", "meeting_id", "person_id", "ordinal", "title", "country",
                     "organisation", "role", "extractor_version", "group"),
    "statements": ("id", "document_id", "ordinal", "meeting_id", "speaker_id", "speaker",
                   "verb", "text", "start_offset", "end_offset", "extractor_version"),
}


class _Generator:
    """Releases ``i`` = 0, 1, ... as rows with ids chosen here; deterministic."""

    def __init__(self, bases: list[dict[str, Any]], sources: dict[str, int],
                 runs: dict[int, list[int]], persons: dict[str, int]) -> None:
        self.bases, self.sources, self.runs, self.persons = bases, sources, runs, persons
        self.names = list(persons)
        self.rng = random.Random(VERSION)
        self.name_weights = _cumulative(len(self.names), 50)  # the first: 0.3% of mentions
        self.country_weights = _cumulative(len(COUNTRIES), 1)  # the first: 21% of countries
        self.ids = {"meeting": 0, "participant": 0, "statement": 0}
        self.fetched = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)

    def _drawer(self, drawn: dict[str, Any], pool: list[str],
                weights: list[float]) -> Callable[[str | None], Any]:
        """``value -> its stand-in``: drawn from ``pool`` once per release and value."""

        def draw(value: str | None) -> Any:
            if value is None:
                return None
            if value not in drawn:
                drawn[value] = self.rng.choices(pool, cum_weights=weights)[0]
            return drawn[value]

        return draw

    def rows(self, start: int, stop: int) -> _Rows:
        out = _Rows([], [], [], [])
        rng = self.rng
        for i in range(start, stop):
            base = self.bases[i % len(self.bases)]
            key = REEXTRACT_SOURCE if i < REEXTRACT_RELEASES else base["key"]
            source_id = self.sources[key]
            runs = self.runs[source_id]
            run = runs[i % len(runs)]
            doc_id = i + 1
            published = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(9800))
            body = f"{base['text']}\nRelease {i} of the benchmark."
            out.documents.append((
                doc_id, source_id, f"https://bench.example/{key}/{i}",
                f"{base['title']} ({i})", published, base["language"], body,
                hashlib.sha256(body.encode()).hexdigest(), b"", "", "utf-8", 200, self.fetched,
                run, run, TEXT_EXTRACTOR_VERSION, EXTRACTOR_VERSION))
            names: dict[str, str] = {}
            countries: dict[str, str | None] = {base["country"]: base["country"]}
            person = self._drawer(names, self.names, self.name_weights)
            country = self._drawer(countries, list(COUNTRIES), self.country_weights)
            meeting_ids = []
            records = base["records"]
            for ordinal, m in enumerate(records.meetings):
                self.ids["meeting"] += 1
                meeting_id = self.ids["meeting"]
                meeting_ids.append(meeting_id)
                out.meetings.append((meeting_id, doc_id, ordinal, published, m.kind, m.location,
                                     json.dumps(list(m.topics)), EXTRACTOR_VERSION))
                for p_ordinal, p in enumerate(m.participants):
                    self.ids["participant"] += 1
                    out.participants.append((
                        self.ids["participant"], meeting_id,
                        self.persons[person(p.name)] if p.name else None, p_ordinal, p.title,
                        country(p.country), p.organisation, p.role, EXTRACTOR_VERSION,
                        bool(getattr(p, "group", False))))
            for ordinal, s in enumerate(records.statements):
                self.ids["statement"] += 1
                speaker = person(s.speaker) if s.speaker else None
                out.statements.append((
                    self.ids["statement"], doc_id, ordinal,
                    meeting_ids[s.meeting] if s.meeting is not None
                    and s.meeting < len(meeting_ids) else None,
                    self.persons[speaker] if speaker else None, speaker, s.verb, s.text,
                    s.start, s.end, EXTRACTOR_VERSION))
        return out


def _cumulative(n: int, offset: int) -> list[float]:
    """Cumulative weights 1 / (rank + offset): a few values common, a long tail."""
    total, out = 0.0, []
    for rank in range(n):
        total += 1 / (rank + offset)
        out.append(total)
    return out


def _setup(conn: Any, paramstyle: str, bases: list[dict[str, Any]],
           count: int) -> tuple[dict[str, int], dict[int, list[int]], dict[str, int]]:
    """Sources, crawl runs (one per 1,000 releases of a source) and persons, with their ids."""
    mark = "?" if paramstyle == "qmark" else "%s"
    cur = conn.cursor()
    keys: dict[str, str] = {REEXTRACT_SOURCE: "AZ"}
    for base in bases:
        keys.setdefault(base["key"], base["country"])
    sources = {key: n + 1 for n, key in enumerate(keys)}
    cur.executemany(f"INSERT INTO sources (id, key, country, ministry, listing_url) "  # noqa: S608
                    f"VALUES ({mark}, {mark}, {mark}, {mark}, {mark})",
                    [(sid, key, keys[key], f"MFA {key}", f"https://bench.example/{key}")
                     for key, sid in sources.items()])
    per_source = max(1, count // 1000 // len(sources))
    runs: dict[int, list[int]] = {}
    rows: list[tuple[Any, ...]] = []
    started = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for sid in sources.values():
        for n in range(per_source):
            run_id = len(rows) + 1
            runs.setdefault(sid, []).append(run_id)
            at = started + dt.timedelta(hours=run_id)
            rows.append((run_id, sid, _stamp(at, paramstyle), _stamp(at + dt.timedelta(minutes=5),
                                                                    paramstyle), "completed",
                         1000, "incremental", n == per_source - 1, 0, 0, 0, 0, 0))
    cur.executemany("INSERT INTO crawl_runs (id, source_id, started_at, finished_at, status, "  # noqa: S608
                    "releases_new, mode, listing_complete, listing_pages, releases_changed, "
                    "releases_unchanged, releases_failed, releases_blocked) VALUES "
                    f"({', '.join([mark] * 13)})", rows)
    persons = {name: n + 1 for n, name in enumerate(person_names())}
    person_rows = [(pid, name, name_key(name) or name) for name, pid in persons.items()]
    cur.executemany(f"INSERT INTO persons (id, name, name_key) VALUES ({mark}, {mark}, {mark})",  # noqa: S608
                    person_rows)
    cur.close()
    return sources, runs, persons


def _stamp(value: dt.datetime, paramstyle: str) -> Any:
    """A UTC timestamp as SQLAlchemy's SQLite dialect stores it (PostgreSQL takes it as is)."""
    return value.strftime("%Y-%m-%d %H:%M:%S.%f") if paramstyle == "qmark" else value


def _sqlite_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(v.isoformat() if isinstance(v, dt.date) and not isinstance(v, dt.datetime)
                 else _stamp(v, "qmark") if isinstance(v, dt.datetime) else v for v in row)


def build(engine: Engine, count: int, *, bulk: bool = True) -> float:
    """Write ``count`` releases into the empty, migrated archive of ``engine``; releases/s.

    ``bulk=False``: SQLite's triggers index each row as it is written (slow; for comparing)."""
    upgrade(engine)
    started = time.perf_counter()
    bases = mirror_bases()
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        sqlite = engine.dialect.name == "sqlite"
        sources, runs, persons = _setup(driver, "qmark" if sqlite else "format", bases, count)
        raw.commit()
        if sqlite:
            driver.execute("PRAGMA cache_size=-262144")  # 256 MiB: the indexes' pages stay
        held = _hold_triggers(driver) if sqlite and bulk else []
        raw.commit()
        generator = _Generator(bases, sources, runs, persons)
        for start in range(0, count, BATCH):
            rows = generator.rows(start, min(start + BATCH, count))
            if sqlite:
                _write_sqlite(driver, rows)
            else:
                _write_postgres(driver, rows)
            raw.commit()
            done = min(start + BATCH, count)
            rate = done / (time.perf_counter() - started)
            print(f"  {done:,} releases, {rate:,.0f}/s", file=sys.stderr, end="\r", flush=True)
        print(file=sys.stderr)
        if held:
            _release_triggers(driver, held)
            raw.commit()
        _finish(driver, sqlite)
        raw.commit()
    finally:
        raw.close()
    return count / (time.perf_counter() - started)


def _revision(name: str) -> ModuleType:
    """The migration module of revision ``name`` (its file ends in ``-name.py``)."""
    path = next((ROOT / "migrations" / "versions").glob(f"*-{name}.py"))
    spec = importlib.util.spec_from_file_location(f"_scale_revision_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _bulk_fills() -> dict[str, list[str]]:
    """SQLite: ``{insert trigger: the statements that do its work for every stored row}``,
    taken from the migrations that made the trigger (what they run on upgrade)."""
    search = [s for s in _revision("search_fulltext").SQLITE_UPGRADE if s.startswith("INSERT")]
    return {
        "documents_search_insert": [s for s in search
                                    if s.startswith("INSERT INTO documents_search")],
        "statements_search_insert": [s for s in search
                                     if s.startswith("INSERT INTO statements_search")],
        "participants_pairs_insert": [_revision("scale_indexes").FILL],
    }


def _hold_triggers(driver: Any) -> list[tuple[str, str]]:
    """Drop the insert triggers :func:`_bulk_fills` stands in for: ``[(name, sql)]``."""
    fills = _bulk_fills()
    held = driver.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "  # noqa: S608
        f"({', '.join('?' * len(fills))}) ORDER BY name", list(fills)).fetchall()
    if {name for name, _ in held} != set(fills):
        raise RuntimeError(f"the archive lacks insert triggers of {sorted(fills)}")
    for name, _ in held:
        driver.execute(f'DROP TRIGGER "{name}"')
    return [(str(name), str(sql)) for name, sql in held]


def _release_triggers(driver: Any, held: list[tuple[str, str]]) -> None:
    """Make the held triggers again and do their work once, for every row written."""
    fills = _bulk_fills()
    for name, sql in held:
        driver.execute(sql)
        for statement in fills[name]:
            started = time.perf_counter()
            driver.execute(statement)
            print(f"  {statement.split('(')[0].strip()}: {time.perf_counter() - started:.0f} s",
                  file=sys.stderr)


def _write_sqlite(driver: Any, rows: _Rows) -> None:
    for name, columns in COLUMNS.items():
        quoted = ", ".join(f'"{c}"' for c in columns)
        driver.executemany(
            f"INSERT INTO {name} ({quoted}) VALUES ({', '.join('?' * len(columns))})",  # noqa: S608
            [_sqlite_row(r) for r in getattr(rows, name)])


def _write_postgres(driver: Any, rows: _Rows) -> None:
    with driver.cursor() as cur:
        for name, columns in COLUMNS.items():
            quoted = ", ".join(f'"{c}"' for c in columns)
            with cur.copy(f"COPY {name} ({quoted}) FROM STDIN") as copy:
                for row in getattr(rows, name):
                    copy.write_row(row)


def _finish(driver: Any, sqlite: bool) -> None:
    """Statistics for the planner; PostgreSQL's sequences past the ids written here."""
    if sqlite:
        for table in ("documents_search", "documents_search_trigram", "statements_search",
                      "statements_search_trigram"):
            driver.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")  # noqa: S608
        driver.execute("ANALYZE")
        return
    with driver.cursor() as cur:
        for table in ("sources", "crawl_runs", "persons", *COLUMNS):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"(SELECT max(id) FROM {table}))")
        cur.execute("ANALYZE")


# --- caches -------------------------------------------------------------------------


def sqlite_archive(cache: Path, count: int) -> tuple[str, float | None]:
    """The cached SQLite archive's URL (built now if missing) and the build rate if built."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"scale-v{VERSION}-{count}.sqlite"
    rate = None
    if not path.exists():
        partial = path.with_suffix(".building")
        for stale in cache.glob(partial.name + "*"):
            stale.unlink()
        engine = make_engine(f"sqlite:///{partial}")
        rate = build(engine, count)
        engine.dispose()
        partial.rename(path)
    return f"sqlite:///{path}", rate


def postgres_archive(server: str, count: int) -> tuple[str, float | None]:
    """The cached PostgreSQL archive (the database ``mfa_scale_vV_N``), built now if missing."""
    name = f"mfa_scale_v{VERSION}_{count}"
    admin = make_engine(server).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        have = set(conn.execute(text("SELECT datname FROM pg_database")).scalars())
        if f"{name}_building" in have:
            conn.execute(text(f'DROP DATABASE "{name}_building"'))
        rate = None
        if name not in have:
            conn.execute(text(f'CREATE DATABASE "{name}_building"'))
            engine = make_engine(make_url(server).set(database=f"{name}_building"))
            rate = build(engine, count)
            engine.dispose()
            conn.execute(text(f'ALTER DATABASE "{name}_building" RENAME TO "{name}"'))
    admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False), rate


# --- measuring ----------------------------------------------------------------------


class _Statements:
    """Records the SQL a call runs, with parameters and time, to explain the slowest."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.seen: list[tuple[float, str, Any]] = []
        self.on = False
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
                executemany: bool) -> None:
        conn.info["scale_started"] = time.perf_counter()

    def _after(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
               executemany: bool) -> None:
        if self.on:
            self.seen.append((time.perf_counter() - conn.info["scale_started"], statement,
                              parameters))

    def plan(self, conn: Connection) -> str:
        if not self.seen:
            return "(no SQL)"
        _, statement, parameters = max(self.seen, key=lambda s: s[0])
        if self.engine.dialect.name == "sqlite":
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            return "\n".join(f"{'  ' * _depth(rows, r[0])}{r[3]}" for r in rows)
        return "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters))


def _depth(rows: Sequence[Any], node: int) -> int:
    parents = {r[0]: r[1] for r in rows}
    depth = 0
    while parents.get(node, 0):
        node, depth = parents[node], depth + 1
    return depth


def _canned(name: str) -> str:
    return queries.CANNED_QUERIES[name]["sql"]


BETWEEN_BY_YEAR = (
    "select substr(cast(date as text), 1, 4) as year, count(*) as meetings\n"
    "from meeting_dyads\n"
    "where (country_a = upper(:a) and country_b = upper(:b))\n"
    "   or (country_a = upper(:b) and country_b = upper(:a))\n"
    "group by year order by year"
)
COUNTRY_DYADS = (
    "select case when country_a = upper(:c) then country_b else country_a end as partner,\n"
    "       count(*) as meetings\n"
    "from meeting_dyads\n"
    "where country_a = upper(:c) or country_b = upper(:c)\n"
    "group by partner order by meetings desc, partner"
)


PERSON_LIKE = (
    "select statement_id, date, speaker, speaker_country, verb, text, meeting_kind,\n"
    "       source, url\n"
    "from statement_facts\n"
    "where speaker like '%' || :person || '%'\n"
    "order by date, statement_id"
)


def _show_id(conn: Connection) -> str:
    return str(conn.execute(text("select max(id) / 2 from documents")).scalar_one())


def query_calls(conn: Connection) -> list[tuple[str, Callable[[], object]]]:
    from sqlalchemy.orm import Session

    session = Session(bind=conn)
    show_id = _show_id(conn)
    sqlite = conn.dialect.name == "sqlite"
    # The canned query is SQLite's (mfa-archive browse): on PostgreSQL the plain LIKE is
    # served by the pg_trgm index, and the canned IN (...) makes its planner probe that
    # index once per row.
    person_sql = _canned("statements_by_person") if sqlite else PERSON_LIKE
    return [
        ("meetings between two countries by year",
         lambda: conn.execute(text(BETWEEN_BY_YEAR), {"a": PAIR[0], "b": PAIR[1]}).all()),
        ("meetings between two countries (canned, every row)",
         lambda: conn.execute(text(_canned("meetings_between")),
                              {"a": PAIR[0], "b": PAIR[1]}).all()),
        (f"a person's statements ({'canned' if sqlite else 'LIKE'})",
         lambda: conn.execute(text(person_sql), {"person": PERSON}).all()),
        ("dyads of one country (partners)",
         lambda: conn.execute(text(COUNTRY_DYADS), {"c": COUNTRY}).all()),
        ("latest run per source", lambda: conn.execute(queries.last_runs()).all()),
        ("`sources` (registry + last runs)",
         lambda: (all_sources(), queries.last_run_per_source(session))),
        ("`show` of one release", lambda: load_release(conn, show_id)),
    ]


@dataclass(frozen=True, slots=True)
class Figure:
    name: str
    rows: int
    cold_ms: float
    median_ms: float
    p95_ms: float | None
    target_ms: float
    plan: str

    @property
    def met(self) -> bool:
        return (self.p95_ms if self.p95_ms is not None else self.median_ms) < self.target_ms


def _timed(call: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def _count(result: object) -> int:
    if isinstance(result, tuple):
        result = result[-1]
    if result is None:
        return 0
    return len(result) if hasattr(result, "__len__") else 1


def _searcher(conn: Connection, query: str) -> Callable[[], object]:
    return lambda: search_documents(conn, query, SearchFilters(limit=20))


def measure(engine: Engine, repeat: int, search_repeat: int) -> list[Figure]:
    figures = []
    recorder = _Statements(engine)
    with engine.connect() as conn:
        calls = query_calls(conn)
        for kind, query in SEARCHES:
            calls.append((f"search {kind}: {query}", _searcher(conn, query)))
        for name, call in calls:
            search = name.startswith("search")
            recorder.seen, recorder.on = [], True
            cold, result = _timed(call)
            recorder.on = False
            times = [_timed(call)[0] for _ in range(search_repeat if search else repeat)]
            p95 = statistics.quantiles(times, n=20, method="inclusive")[18] if search else None
            figures.append(Figure(name, _count(result), cold, statistics.median(times), p95,
                                  SEARCH_TARGET_MS if search else QUERY_TARGET_MS,
                                  recorder.plan(conn)))
            conn.rollback()
    return figures


def reextract_rate(url: str) -> tuple[int, float]:
    """``reextract`` of the source ``bench`` (records from the stored texts): docs, docs/s."""
    from crawler.reextract import reextract_archive

    engine = make_engine(url)
    started = time.perf_counter()
    stats = reextract_archive(engine, source=REEXTRACT_SOURCE)
    seconds = time.perf_counter() - started
    engine.dispose()
    return stats["documents"], stats["documents"] / seconds


def database_bytes(engine: Engine) -> int:
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            return int(conn.execute(text("select pg_database_size(current_database())")).scalar_one())
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
        size = conn.exec_driver_sql("PRAGMA page_size").scalar_one()
        return int(pages) * int(size)


def report(dialect: str, count: int, size: int, rate: float | None,
           figures: list[Figure], reextract: tuple[int, float] | None) -> Iterator[str]:
    yield (f"\n{dialect}: {count:,} releases, {size / 2**20:,.0f} MiB, "
           f"{size / count / 1024:.1f} KiB per release"
           + (f"; built at {rate:,.0f} releases/s" if rate else " (cached)"))
    yield (f"{'query':<52} {'rows':>7} {'cold ms':>9} {'median':>9} {'p95':>9} "
           f"{'target':>7}  met")
    for f in figures:
        p95 = f"{f.p95_ms:9.1f}" if f.p95_ms is not None else f"{'':>9}"
        yield (f"{f.name:<52} {f.rows:>7} {f.cold_ms:>9.1f} {f.median_ms:>9.1f} {p95} "
               f"{f.target_ms:>7.0f}  {'yes' if f.met else 'NO'}")
    if reextract:
        yield f"reextract (records from text, {reextract[0]:,} releases): {reextract[1]:.1f} docs/s"
    for f in figures:
        yield f"\nplan of {f.name} ({dialect}):\n{f.plan}"


def run(url: str, count: int, rate: float | None, args: argparse.Namespace) -> list[str]:
    engine = make_engine(url)
    upgrade(engine)  # a cached archive gets the newest indexes
    size = database_bytes(engine)
    engine.dispose()
    reader = make_engine(url, read_only=True)
    figures = measure(reader, args.repeat, args.search_repeat)
    reader.dispose()
    reextract = None if args.no_reextract else reextract_rate(url)
    return list(report(make_engine(url).dialect.name, count, size, rate, figures, reextract))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--releases", type=int, default=1_000_000)
    parser.add_argument("--postgres", metavar="URL",
                        help="A PostgreSQL server (any database on it): measure there too.")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-reextract", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--search-repeat", type=int, default=20)
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args()
    if args.releases < REEXTRACT_RELEASES * 2:
        parser.error(f"--releases: at least {REEXTRACT_RELEASES * 2}")
    lines: list[str] = []
    if not args.no_sqlite:
        url, rate = sqlite_archive(args.cache, args.releases)
        lines += run(url, args.releases, rate, args)
    if args.postgres:
        url, rate = postgres_archive(args.postgres, args.releases)
        lines += run(url, args.releases, rate, args)
    print("\n".join(lines))
    failed = [line for line in lines if line.endswith("  NO")]
    print(f"\n{len(failed)} target(s) missed")
    print("load:", subprocess.run(["uptime"], capture_output=True, text=True,
                                  check=False).stdout.strip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
