"""Crawl throughput: the full pipeline beside a hand-written fetch + trafilatura baseline.

``python benchmarks/crawl.py [--releases 2000] [--repeat 3]`` serves a synthetic
az mirror (N releases, 20 per listing page) in a subprocess, then measures in
the same run, alternating:
  (a) baseline: fetch every listing page and release with 8 threads and run
      trafilatura on each, in one process, storing nothing;
  (b) pipeline: ``mfa-archive crawl az --base-url ...`` with politeness off into
      a fresh SQLite archive.
Prints pages/s, the ratio, CPU seconds and peak RSS (median of the repeats).
``--memory`` also crawls 10,000 releases once and prints RSS over the run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import PYTHON, ROOT, Server, machine, median, run_measured, table

PER_PAGE = 20


def baseline(base_url: str, releases: int) -> None:
    """Fetch every page with 8 threads, trafilatura on each release page; store nothing."""
    import urllib.request

    import trafilatura

    from benchmarks.synthetic import SyntheticAzMirror

    site = SyntheticAzMirror(releases, PER_PAGE)
    pages = (releases + PER_PAGE - 1) // PER_PAGE
    listing = [f"{base_url}/en/news?page={n}" for n in range(1, pages + 2)]
    articles = [f"{base_url}/en/news/{r.slug}" for r in site.releases]

    def fetch(url: str) -> bytes:
        with urllib.request.urlopen(url, timeout=30) as response:
            return bytes(response.read())

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(fetch, listing))
        for body in pool.map(fetch, articles):
            trafilatura.bare_extraction(body.decode("utf-8"), with_metadata=True)


def pipeline_args(base_url: str, db_url: str) -> list[str]:
    return [
        PYTHON, "-m", "crawler.cli", "crawl", "az", "--base-url", base_url, "--db", db_url,
        "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS=32", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=32",
        "-s", "LOG_LEVEL=WARNING", "-s", "ARCHIVE_MAX_PAGES=100000",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--releases", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory", action="store_true", help="also a 10,000-release crawl")
    parser.add_argument("--baseline-only", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_only:
        baseline(args.baseline_only, args.releases)
        return 0

    pages = args.releases + (args.releases + PER_PAGE - 1) // PER_PAGE + 1
    results: dict[str, list] = {"baseline": [], "pipeline": []}
    with Server([PYTHON, "benchmarks/synthetic.py", str(args.releases)]) as server:
        url = server.urls["az"]
        for i in range(args.repeat):
            results["baseline"].append(run_measured(
                [PYTHON, "benchmarks/crawl.py", "--releases", str(args.releases),
                 "--baseline-only", url]))
            with tempfile.TemporaryDirectory() as tmp:
                measured = run_measured(pipeline_args(url, f"sqlite:///{tmp}/bench.sqlite"))
            if measured.returncode != 0:
                print(measured.stderr[-2000:], file=sys.stderr)
                return 1
            results["pipeline"].append(measured)
            print(f"  repeat {i + 1}: baseline {results['baseline'][-1].seconds:.1f}s, "
                  f"pipeline {measured.seconds:.1f}s", file=sys.stderr)
    rows = []
    rates = {}
    for name, runs in results.items():
        seconds = median([r.seconds for r in runs])
        rates[name] = pages / seconds
        rows.append((name, pages, seconds, rates[name], median([r.cpu_seconds for r in runs]),
                     median([r.peak_rss_mb for r in runs])))
    print(table(f"crawl: {args.releases} releases + listing pages, median of {args.repeat} "
                f"({machine()})",
                ["run", "pages", "seconds", "pages/s", "cpu s", "peak RSS MB"], rows))
    print(f"pipeline / baseline pages/s: {rates['pipeline'] / rates['baseline']:.2f}x "
          "(target >= 0.8x)")
    if args.memory:
        memory_run()
    return 0


def memory_run(releases: int = 10_000) -> None:
    with Server([PYTHON, "benchmarks/synthetic.py", str(releases)]) as server, \
            tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        measured = run_measured(pipeline_args(server.urls["az"], f"sqlite:///{tmp}/m.sqlite"),
                                sample_every=1.0)
        seconds = time.perf_counter() - start
    samples = measured.rss_samples_mb
    tenth = max(len(samples) // 10, 1)
    print(table(f"memory: {releases}-release crawl ({seconds:.0f}s, exit {measured.returncode}), "
                "RSS of the process tree (crawl, forkserver, workers)",
                ["peak RSS MB", "first 10% max", "last 10% max", "samples"],
                [(measured.peak_rss_mb, max(samples[:tenth], default=0.0),
                  max(samples[-tenth:], default=0.0), len(samples))]))
    marks = [(f"{p}%", samples[min(len(samples) - 1, len(samples) * p // 100)])
             for p in (10, 25, 50, 75, 90, 100)] if samples else []
    print("RSS over the run: " + ", ".join(f"{mark} {mb:.0f} MB" for mark, mb in marks))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
