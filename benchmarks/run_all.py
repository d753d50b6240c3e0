"""`make bench`: every benchmark, each printing one table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    ["records_speed.py"],
    ["crawl.py", "--memory"],
    ["reextract.py"],
    ["export.py"],
]


def main() -> int:
    failed = 0
    for args in BENCHMARKS:
        if not (HERE / args[0]).exists():
            print(f"(missing {args[0]})")
            continue
        print(f"\n== {' '.join(args)}", flush=True)
        failed |= subprocess.call([sys.executable, str(HERE / args[0]), *args[1:]],
                                  cwd=HERE.parent) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
