"""Throughput of crawler.records.extract_records (releases per second, one core).

Usage: python benchmarks/records_speed.py [--corpus FILE] [--repeat N]

Prints wall-clock and CPU-time rates: on a loaded machine (see `uptime`) the CPU-time rate is the one-core
figure, the wall-clock rate also counts time the process waited for a core.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from crawler.records import extract_records

DEFAULT = ROOT / "tests" / "fixtures" / "records" / "releases.jsonl"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", default=str(DEFAULT))
    ap.add_argument("--repeat", type=int, default=10)
    args = ap.parse_args(argv)
    with open(args.corpus, encoding="utf-8") as fh:
        recs = [json.loads(line) for line in fh if line.strip()]
    items = [
        (r["text"], r.get("title"), datetime.date.fromisoformat(r["published"]) if r.get("published") else None,
         r.get("ministry_country"))
        for r in recs
    ]
    extract_records(items[0][0], title=items[0][1], published=items[0][2], country=items[0][3])  # warm-up
    n = 0
    c0 = time.process_time()
    t0 = time.perf_counter()
    for _ in range(args.repeat):
        for text, title, pub, cc in items:
            extract_records(text, title=title, published=pub, country=cc)
            n += 1
    dt = time.perf_counter() - t0
    cpu = time.process_time() - c0
    chars = sum(len(t) for t, *_ in items) * args.repeat
    print(f"{'releases':>9} {'seconds':>8} {'releases/s':>11} {'ms/release':>11} {'kchars/s':>9} {'cpu s':>7} {'cpu rel/s':>10}")
    print(f"{n:>9} {dt:>8.2f} {n / dt:>11.1f} {1000 * dt / n:>11.2f} {chars / dt / 1000:>9.1f} {cpu:>7.2f} {n / cpu:>10.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
