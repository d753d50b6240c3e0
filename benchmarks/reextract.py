"""Re-extraction throughput: `mfa-archive reextract` beside a single-process trafilatura loop.

``python benchmarks/reextract.py [--releases 2000] [--repeat 3]`` crawls a
synthetic az mirror into a fresh SQLite archive, then measures, in the same
run: (a) a loop in one process running trafilatura over every stored raw page;
(b) `mfa-archive reextract` (text and records, on every core, writing back).
Prints docs/s, the ratio (target >= 1.5x), CPU seconds and peak RSS.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import PYTHON, Server, machine, median, run_measured, table
from benchmarks.crawl import pipeline_args


def loop(db_url: str) -> None:
    """trafilatura over every stored page, one process, nothing written."""
    import gzip

    import trafilatura
    from sqlalchemy import select

    from db.models import Document
    from db.session import make_engine

    engine = make_engine(db_url)
    with engine.connect() as conn:
        for raw, encoding in conn.execute(select(Document.raw_html, Document.encoding)):
            html = gzip.decompress(raw).decode(encoding or "utf-8", errors="replace")
            trafilatura.bare_extraction(html, with_metadata=True)
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--releases", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--loop-only", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.loop_only:
        loop(args.loop_only)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{tmp}/archive.sqlite"
        with Server([PYTHON, "benchmarks/synthetic.py", str(args.releases)]) as server:
            built = run_measured(pipeline_args(server.urls["az"], db_url))
        if built.returncode != 0:
            print(built.stderr[-2000:], file=sys.stderr)
            return 1
        runs: dict[str, list] = {"trafilatura loop, 1 process": [], "mfa-archive reextract": []}
        for _ in range(args.repeat):
            runs["trafilatura loop, 1 process"].append(
                run_measured([PYTHON, "benchmarks/reextract.py", "--loop-only", db_url]))
            measured = run_measured([PYTHON, "-m", "crawler.cli", "reextract", "--db", db_url])
            if measured.returncode != 0:
                print(measured.stderr[-2000:], file=sys.stderr)
                return 1
            runs["mfa-archive reextract"].append(measured)
    rows, rates = [], {}
    for name, measured_runs in runs.items():
        seconds = median([m.seconds for m in measured_runs])
        rates[name] = args.releases / seconds
        rows.append((name, args.releases, seconds, rates[name],
                     median([m.cpu_seconds for m in measured_runs]),
                     median([m.peak_rss_mb for m in measured_runs])))
    print(table(f"reextract: {args.releases} stored releases, median of {args.repeat} ({machine()})",
                ["run", "docs", "seconds", "docs/s", "cpu s", "peak RSS MB"], rows))
    ours, theirs = rates["mfa-archive reextract"], rates["trafilatura loop, 1 process"]
    print(f"reextract / loop docs/s: {ours / theirs:.2f}x (target >= 1.5x; reextract also "
          "extracts records and writes them)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
