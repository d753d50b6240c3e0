"""Export and view-query benchmark on a synthetic archive of 1,000,000 statements.

Usage: python benchmarks/export.py [--rows 1000000] [--dir DIR] [--repeat 3] [--keep]

1. Builds a migrated SQLite archive (executemany in big transactions) with
   ``--rows`` statements and as many participants: ``rows/8`` releases, each
   with 2 meetings of 4 participants and 8 statements.
2. Times ``mfa-archive export statements -o FILE`` (a subprocess; peak RSS of its
   process tree, the exporter and its worker, sampled every 0.1 s) beside
   ``sqlite3 -csv -header`` running the same SELECT, compiled from
   :func:`db.queries.statements_export`, and ``export statements --format parquet``
   (reported, no target), in the same run; interleaved, the median of
   ``--repeat`` runs each, with the load average before and after. Target: at
   most :data:`TARGET` x sqlite3's seconds, peak RSS < :data:`RSS_TARGET_MB` MB.
   CPU seconds (user + system, all processes) are printed beside: on a busy
   machine they move less than the wall-clock seconds.
3. Prints EXPLAIN QUERY PLAN (and timings) of the participant-view queries by
   country and by person, which must use an index (no full scan).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._common import load, machine, run_measured

COUNTRIES = ("AZ", "BY", "FR", "DE", "TR", "RU", "CN", "US", "AM", "PK", "GE", "KZ", "UZ", "IT",
             "ES", "GB", "JP", "IN", "BR", "EG")
SOURCES = ("az", "am", "cn", "pk", "ru", "tr", "us")
KINDS = ("meeting", "phone_call", "visit", "talks", "reception")
VERBS = ("stressed", "noted", "said", "expressed hope that", "thanked")
# Sentences as releases have them: commas and quotes are common (CSV quoting) ...
TEXTS = (
    "The sides discussed bilateral relations, trade and the peace process.",
    'He said: "cooperation in energy is a priority", adding that talks would continue.',
    "The Minister expressed hope that the agreement would be signed soon.",
    "Правительство подчеркнуло важность диалога, отметив рост торговли 🙂",
    "The sides noted the progress achieved\r\nin the second quarter.",
    "وأكد الجانبان أهمية التعاون الثنائي",
)
# ... and one statement in FORMULA_EVERY starts like a spreadsheet formula (neutralised).
FORMULAS = ("=HYPERLINK(\"http://x\")", "-2+3 percent growth", "@SUM(1)", "+1+1")
FORMULA_EVERY = 1000
PARTICIPANTS_PER_MEETING = 4
MEETINGS_PER_DOCUMENT = 2
STATEMENTS_PER_DOCUMENT = 8
PERSONS = 20_000
TARGET = 1.5  # export seconds / sqlite3 -csv seconds, at most (issue 16)
RSS_TARGET_MB = 150


def person_name(i: int) -> str:
    return f"Person {i:05d}"


def _text(statement_id: int, i: int) -> str:
    if statement_id % FORMULA_EVERY == 0:
        return FORMULAS[statement_id // FORMULA_EVERY % len(FORMULAS)]
    return TEXTS[i % len(TEXTS)]


def build_archive(path: Path, statements: int = 1_000_000, *, batch: int = 50_000) -> dict[str, int]:
    """A migrated archive at ``path`` with ``statements`` statements (and participants)."""
    from db.migrate import upgrade
    from db.session import make_engine

    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    documents = max(1, statements // STATEMENTS_PER_DOCUMENT)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO sources (id, key, country, ministry, listing_url) VALUES (?, ?, ?, ?, ?)",
        [(i + 1, key, key.upper(), f"MFA {key.upper()}", f"https://{key}.example/news")
         for i, key in enumerate(SOURCES)],
    )
    conn.executemany(
        "INSERT INTO persons (id, name, name_key) VALUES (?, ?, ?)",
        [(i + 1, person_name(i + 1), person_name(i + 1).lower()) for i in range(PERSONS)],
    )
    conn.execute("COMMIT")
    day0 = dt.date(2015, 1, 1)
    fetched = "2024-01-01 00:00:00.000000"
    counts = {"documents": 0, "meetings": 0, "participants": 0, "statements": 0}
    meeting_id = participant_id = statement_id = 0
    step = max(1, batch // STATEMENTS_PER_DOCUMENT)
    for first in range(0, documents, step):
        docs, meetings, participants, stmts = [], [], [], []
        for d in range(first + 1, min(documents, first + step) + 1):
            day = (day0 + dt.timedelta(days=d % 3650)).isoformat()
            docs.append((d, 1 + d % len(SOURCES), f"https://example.org/release/{d}",
                         f"Release {d}", day, "en", TEXTS[d % len(TEXTS)], f"{d:064x}", b"x",
                         f"{d:064x}", "utf-8", 200, fetched, "t-1", "r-1"))
            speakers: list[tuple[int, int]] = []
            for m in range(MEETINGS_PER_DOCUMENT):
                meeting_id += 1
                meetings.append((meeting_id, d, m, day, KINDS[meeting_id % len(KINDS)], "Baku",
                                 '["bilateral ties"]', "r-1"))
                for p in range(PARTICIPANTS_PER_MEETING):
                    participant_id += 1
                    person = 1 + (participant_id * 7919) % PERSONS
                    country = COUNTRIES[(meeting_id + p * 3) % len(COUNTRIES)]
                    participants.append((participant_id, meeting_id, person, p,
                                         "Minister of Foreign Affairs", country, None,
                                         ("host", "guest", None)[p % 3], "r-1"))
                    speakers.append((meeting_id, person))
            for s in range(STATEMENTS_PER_DOCUMENT):
                statement_id += 1
                meeting, speaker = speakers[s % len(speakers)]
                stmts.append((statement_id, d, s, meeting, speaker, person_name(speaker),
                               VERBS[s % len(VERBS)], _text(statement_id, d + s), s * 100,
                               s * 100 + 90, "r-1"))
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO documents (id, source_id, url, title, published, language, text, "
            "content_hash, raw_html, raw_hash, encoding, http_status, fetched_at, "
            "text_extractor, records_extractor) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", docs)
        conn.executemany(
            "INSERT INTO meetings (id, document_id, ordinal, date, kind, location, topics, "
            "extractor_version) VALUES (?,?,?,?,?,?,?,?)", meetings)
        conn.executemany(
            "INSERT INTO participants (id, meeting_id, person_id, ordinal, title, country, "
            "organisation, role, extractor_version) VALUES (?,?,?,?,?,?,?,?,?)", participants)
        conn.executemany(
            "INSERT INTO statements (id, document_id, ordinal, meeting_id, speaker_id, speaker, "
            "verb, text, start_offset, end_offset, extractor_version) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?)", stmts)
        conn.execute("COMMIT")
        counts["documents"] += len(docs)
        counts["meetings"] += len(meetings)
        counts["participants"] += len(participants)
        counts["statements"] += len(stmts)
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return counts


def statements_sql() -> str:
    """The SELECT behind ``mfa-archive export statements``, as SQLite text."""
    from sqlalchemy.dialects import sqlite

    from db.queries import ExportFilters, statements_export

    compiled = statements_export(ExportFilters()).compile(
        dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
    return str(compiled)


def timed(args: list[str], stdout_path: Path | None = None) -> tuple[float, float, float]:
    """Run ``args``; return (seconds, peak RSS in MB of that process, its CPU seconds).

    The peak comes from ``/usr/bin/time -f %M``: ``wait4`` from this process
    would report at least this (large) process's RSS, which a forked child inherits.
    """
    gnu_time = shutil.which("time", path="/usr/bin:/bin")
    full = [gnu_time, "-f", "%M %U %S", *args] if gnu_time else args
    out = stdout_path.open("wb") if stdout_path else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        proc = subprocess.run(full, stdout=out, stderr=subprocess.PIPE, cwd=ROOT, check=False)
        elapsed = time.perf_counter() - start
    finally:
        if stdout_path:
            out.close()  # type: ignore[union-attr]
    stderr = proc.stderr.decode(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{args[0]} failed ({proc.returncode}): {stderr}")
    if not gnu_time:
        return elapsed, float("nan"), float("nan")
    peak_kb, user, system = map(float, stderr.strip().splitlines()[-1].split())
    return elapsed, peak_kb / 1024, user + system


def count_records(path: Path) -> int:
    import csv

    with path.open(encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def plans(path: Path) -> list[tuple[str, str, list[str], float, int]]:
    """EXPLAIN QUERY PLAN, time and row count of the participant view by country and by person."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    out = []
    for label, sql, param in (
        ("by country", "SELECT * FROM meeting_participants WHERE country = ?", "BY"),
        ("by person", "SELECT * FROM meeting_participants WHERE person = ?", person_name(42)),
    ):
        plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", (param,))]
        start = time.perf_counter()
        rows = len(conn.execute(sql, (param,)).fetchall())
        out.append((label, sql.replace("?", repr(param)), plan, time.perf_counter() - start, rows))
    conn.close()
    return out


def full_scans(plan: list[str]) -> list[str]:
    """Plan lines that read a whole table (``SCAN t`` without an index)."""
    return [line for line in plan if line.startswith("SCAN") and "INDEX" not in line]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=None, help="Work here (default: a temp dir).")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="Keep the archive and the CSVs.")
    parser.add_argument("--reuse", action="store_true",
                        help="Reuse DIR/bench.sqlite from an earlier --keep run.")
    args = parser.parse_args()
    sqlite_cli = shutil.which("sqlite3")
    if sqlite_cli is None:
        print("the sqlite3 command is missing: apt-get install -y sqlite3", file=sys.stderr)
        return 2
    work = args.dir or Path(tempfile.mkdtemp(prefix="mfa-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "bench.sqlite"
    if not (args.reuse and db.exists()):
        db.unlink(missing_ok=True)
        start = time.perf_counter()
        counts = build_archive(db, args.rows)
        print(f"built {db} in {time.perf_counter() - start:.1f} s: "
              + ", ".join(f"{v:,} {k}" for k, v in counts.items())
              + f"; {db.stat().st_size / 2**20:.0f} MB")

    ours_csv, theirs_csv = work / "ours.csv", work / "sqlite3.csv"
    parquet = work / "ours.parquet"
    ours_cmd = [sys.executable, "-m", "crawler.cli", "export", "statements", "-o", str(ours_csv),
                "--db", f"sqlite:///{db}"]
    parquet_cmd = [sys.executable, "-m", "crawler.cli", "export", "statements", "--format",
                   "parquet", "-o", str(parquet), "--db", f"sqlite:///{db}"]
    theirs_cmd = [sqlite_cli, "-readonly", "-csv", "-header", str(db), statements_sql()]
    ours: list[tuple[float, float, float]] = []
    theirs: list[tuple[float, float, float]] = []
    parquets: list[tuple[float, float, float]] = []
    load_before = load()
    for _ in range(args.repeat):
        # Ours runs as two processes: the peak is their sum, sampled from /proc.
        for command, runs in ((ours_cmd, ours), (parquet_cmd, parquets)):
            measured = run_measured(command, sample_every=0.1)
            if measured.returncode != 0:
                raise RuntimeError(f"export failed: {measured.stderr}")
            runs.append((measured.seconds, measured.peak_rss_mb, measured.cpu_seconds))
        theirs.append(timed(theirs_cmd, theirs_csv))
    load_after = load()
    ours_rows, theirs_rows = count_records(ours_csv), count_records(theirs_csv)
    o_time = statistics.median(t for t, _, _ in ours)
    s_time = statistics.median(t for t, _, _ in theirs)
    print()
    print(f"export of {ours_rows:,} statement rows (median of {args.repeat}; load average "
          f"{load_before} before, {load_after} after; {machine()})")
    print(f"{'':<30}{'seconds':>10}{'CPU s':>8}{'rows/s':>12}{'peak RSS MB':>14}"
          f"{'file MB':>10}")
    for label, runs, rows, path in (("mfa-archive export (CSV)", ours, ours_rows, ours_csv),
                                    ("sqlite3 -csv", theirs, theirs_rows, theirs_csv),
                                    ("mfa-archive export (Parquet)", parquets, ours_rows,
                                     parquet)):
        t = statistics.median(x for x, _, _ in runs)
        cpu = statistics.median(c for _, _, c in runs)
        rss = max(r for _, r, _ in runs)
        print(f"{label:<30}{t:>10.2f}{cpu:>8.2f}{rows / t:>12,.0f}{rss:>14.1f}"
              f"{path.stat().st_size / 2**20:>10.0f}")
    ratio = o_time / s_time
    peak = max(r for _, r, _ in ours)
    print(f"CSV ratio {ratio:.2f}x sqlite3 (target <= {TARGET}x): "
          f"{'ok' if ratio <= TARGET else 'SLOWER'}; "
          f"peak RSS {peak:.0f} MB (target < {RSS_TARGET_MB}): "
          f"{'ok' if peak < RSS_TARGET_MB else 'OVER'}; "
          f"rows {'match' if ours_rows == theirs_rows else 'DIFFER'}; "
          f"Parquet {statistics.median(t for t, _, _ in parquets) / s_time:.2f}x sqlite3's CSV; "
          f"CPU {statistics.median(c for _, _, c in ours) / statistics.median(c for _, _, c in theirs):.2f}x sqlite3's")

    print()
    failed = ratio > TARGET or peak >= RSS_TARGET_MB or ours_rows != theirs_rows
    for label, sql, plan, seconds, rows in plans(db):
        scans = full_scans(plan)
        failed = failed or bool(scans)
        print(f"participant view {label}: {sql}  -> {rows:,} rows in {seconds * 1000:.1f} ms, "
              f"{'FULL SCAN' if scans else 'indexed'}")
        for line in plan:
            print(f"    {line}")
    if not args.keep and args.dir is None:
        shutil.rmtree(work)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
