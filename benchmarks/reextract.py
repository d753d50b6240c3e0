"""Re-extraction throughput: `mfa-archive reextract` beside a single-process trafilatura loop.

``python benchmarks/reextract.py [--releases 2000] [--repeat 3]`` crawls a
synthetic az mirror into a fresh SQLite archive, then measures, in the same
run: (a) a loop in one process running trafilatura over every stored raw page;
(b) `mfa-archive reextract`: Meetings and Statements rebuilt from the stored text,
on every core, written back (what runs after the records extractor improves; the
text stage is current);
(c) `mfa-archive reextract --text`: trafilatura and the page objects over the raw
HTML too, then records, on every core, written back.
Prints docs/s, the ratios (target >= 1.5x), CPU seconds and peak RSS.
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
        commands = {
            "trafilatura loop, 1 process": [PYTHON, "benchmarks/reextract.py", "--loop-only",
                                            db_url],
            "mfa-archive reextract": [PYTHON, "-m", "crawler.cli", "reextract", "--db", db_url],
            "mfa-archive reextract --text": [PYTHON, "-m", "crawler.cli", "reextract", "--text",
                                             "--db", db_url],
        }
        runs: dict[str, list] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, command in commands.items():
                measured = run_measured(command)
                if measured.returncode != 0:
                    print(measured.stderr[-2000:], file=sys.stderr)
                    return 1
                runs[name].append(measured)
    rows, rates = [], {}
    for name, measured_runs in runs.items():
        seconds = median([m.seconds for m in measured_runs])
        rates[name] = args.releases / seconds
        rows.append((name, args.releases, seconds, rates[name],
                     median([m.cpu_seconds for m in measured_runs]),
                     median([m.peak_rss_mb for m in measured_runs])))
    print(table(f"reextract: {args.releases} stored releases, median of {args.repeat} ({machine()})",
                ["run", "docs", "seconds", "docs/s", "cpu s", "peak RSS MB"], rows))
    baseline = rates["trafilatura loop, 1 process"]
    print(f"reextract / loop docs/s: {rates['mfa-archive reextract'] / baseline:.2f}x "
          "(target >= 1.5x; records from the stored text, written back)")
    print(f"reextract --text / loop docs/s: {rates['mfa-archive reextract --text'] / baseline:.2f}x "
          "(trafilatura fast mode + page objects + records + writes, on every core)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
