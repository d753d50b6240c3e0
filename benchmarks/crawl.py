"""Crawl throughput: the full pipeline beside a hand-written fetch + trafilatura baseline.

``python benchmarks/crawl.py [--releases 2000] [--repeat 3]`` serves a synthetic
az mirror (N releases, 20 per listing page) in a subprocess, then measures in
the same run, alternating:
  (a) baseline: fetch every listing page and release with 8 threads and run
      trafilatura on each, in one process, storing nothing;
  (b) pipeline: ``mfa-archive crawl az --base-url ...`` with politeness off into
      a fresh SQLite archive.
Prints pages/s, the ratio, CPU seconds and peak RSS of the process tree (median
of the repeats, ``uptime`` beside each repeat), then the CPU-seconds per page of
each stage: the extraction stages and storage timed in this process over the
same pages (``time.process_time``), and what is left of the crawl's CPU per page
(fetching, HTTP, listing pages, Scrapy's machinery, the hand-off to the workers),
with the crawl's startup (a one-listing-page crawl) taken out.
``--memory`` also crawls 10,000 releases once and prints RSS over the run.
"""

from __future__ import annotations

import argparse
import os
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


def pipeline_args(base_url: str, db_url: str, max_pages: int = 100_000) -> list[str]:
    return [
        PYTHON, "-m", "crawler.cli", "crawl", "az", "--base-url", base_url, "--db", db_url,
        "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS=32", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=32",
        "-s", "LOG_LEVEL=WARNING", "-s", f"ARCHIVE_MAX_PAGES={max_pages}",
    ]


def load() -> str:
    """The load averages, as ``uptime`` prints them."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.1f} {five:.1f} {fifteen:.1f}"


def stage_seconds(base_url: str, releases: int, tmp: str) -> dict[str, float]:
    """CPU-seconds per release page of each stage of the pipeline, run here one by one.

    The same steps as :func:`crawler.release.build_release` (the page object, the
    text, the records, the raw page compressed and hashed) and as the Store
    pipeline (frontier rows of each listing page, then each release with its
    frontier row, 50 to a transaction, into a fresh SQLite archive).
    """
    import gzip
    import hashlib
    import urllib.request

    from benchmarks.synthetic import SyntheticAzMirror
    from crawler.extract import extract_text
    from crawler.registry import resolve_sources
    from crawler.release import FetchedPage, build_release, decode, records_for
    from db import documents, frontier, runs
    from db.frontier import Discovery
    from db.session import make_sessionmaker, open_archive, transaction

    site = SyntheticAzMirror(releases, PER_PAGE)
    source = resolve_sources(["az"])[0]
    pages = []
    for release in site.releases:
        with urllib.request.urlopen(f"{base_url}/en/news/{release.slug}", timeout=30) as r:
            body = bytes(r.read())
        pages.append(FetchedPage.of_source(
            source, url=f"https://www.mfa.gov.az/en/news/{release.slug}", body=body,
            encoding="utf-8"))
    assert source.release_page is not None
    page_object = source.release_page
    clock = time.process_time
    spent: dict[str, float] = {}

    start = clock()
    for page in pages:
        fields = page_object.parse(page.url, page.body, page.encoding)
        _ = fields.title, fields.date, fields.body
    spent["page object (parsel)"] = clock() - start
    start = clock()
    texts = [extract_text(decode(page.body, page.encoding)) for page in pages]
    spent["trafilatura (text, title, date)"] = clock() - start
    start = clock()
    for text in texts:
        assert text is not None
        records_for(text.text, title=text.title, published=text.date, language="en",
                    country="AZ")
    spent["records extraction"] = clock() - start
    start = clock()
    for page in pages:
        gzip.compress(page.body, mtime=0)
        hashlib.sha256(page.body).hexdigest()
    spent["raw page gzip + sha256"] = clock() - start
    built = [build_release(page) for page in pages]

    engine = open_archive(f"sqlite:///{tmp}/stages.sqlite")
    sessions = make_sessionmaker(engine)
    with transaction(sessions) as session:
        source_id = runs.ensure_source(session, key="az", country="AZ", ministry="MFA",
                                       listing_url="https://www.mfa.gov.az/en/news")
        run_id = runs.start_run(session, source_id=source_id, base_url=None,
                                mode="incremental", pid=os.getpid())
    people: dict[str, int] = {}
    start = clock()
    for first in range(0, len(built), PER_PAGE):
        chunk = built[first:first + PER_PAGE]
        with transaction(sessions) as session:
            frontier.record_discovered(session, source_id=source_id, entries=[
                Discovery(url=r.url, title=r.title, date=r.published) for r in chunk])
            for release in chunk:
                documents.store_release(session, source_id=source_id, run_id=run_id,
                                        release=release, people=people)
    spent["storage (SQLite)"] = clock() - start
    engine.dispose()
    return {name: seconds / len(pages) for name, seconds in spent.items()}


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
            before = load()
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
                  f"pipeline {measured.seconds:.1f}s ({before}; {load()})", file=sys.stderr)
        with tempfile.TemporaryDirectory() as tmp:
            startup = run_measured(pipeline_args(url, f"sqlite:///{tmp}/one.sqlite", 1))
            stages = stage_seconds(url, args.releases, tmp)
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
          "(target >= 1.1x)")
    print(stage_table(stages, startup.cpu_seconds, results, pages, args.releases))
    if args.memory:
        memory_run()
    return 0


def stage_table(stages: dict[str, float], startup_cpu: float, results: dict[str, list],
                pages: int, releases: int) -> str:
    """CPU-seconds per release page of each stage; the rest of the crawl's CPU as Scrapy's."""
    crawl_cpu = median([r.cpu_seconds for r in results["pipeline"]])
    one_page = 1 + PER_PAGE  # what the startup crawl fetched besides robots.txt
    per_page = max(crawl_cpu - startup_cpu, 0.0) / max(releases - PER_PAGE, 1)
    rest = per_page - sum(stages.values())
    baseline_cpu = median([r.cpu_seconds for r in results["baseline"]]) / releases
    rows: list[tuple[object, ...]] = [(name, seconds * 1000) for name, seconds in stages.items()]
    rows.append(("fetch, HTTP, listings, Scrapy, hand-off (the rest)", rest * 1000))
    rows.append(("crawl, all stages (process tree, startup out)", per_page * 1000))
    rows.append(("baseline, all (fetch + trafilatura with metadata)", baseline_cpu * 1000))
    return table(
        f"crawl CPU per release page ({pages} pages); crawl startup {startup_cpu:.2f} CPU-s "
        f"(a crawl of {one_page} pages)", ["stage", "CPU ms/page"], rows)


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
