"""Helpers shared by the benchmarks: subprocess timing, RSS sampling, medians, tables."""

from __future__ import annotations

import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


@dataclass(frozen=True, slots=True)
class Measured:
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    rss_samples_mb: tuple[float, ...]
    returncode: int
    stderr: str


_TICKS = os.sysconf("SC_CLK_TCK")


def _tree_rss_kb(pid: int, cpu: dict[int, float] | None = None) -> int:
    """RSS of a process and its descendants, from /proc; their CPU seconds go into ``cpu``."""
    total = 0
    pids = [pid]
    seen: set[int] = set()
    while pids:
        current = pids.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            with open(f"/proc/{current}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            if cpu is not None:
                with open(f"/proc/{current}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                cpu[current] = (int(fields[11]) + int(fields[12])) / _TICKS
            with open(f"/proc/{current}/task/{current}/children") as f:
                pids.extend(int(p) for p in f.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def run_measured(args: Sequence[str], *, sample_every: float = 0.25, env: dict[str, str] | None = None) -> Measured:
    """Run a command; wall time, CPU and peak RSS of its process tree.

    CPU is the larger of what the kernel reports for reaped children and the sum
    sampled from /proc over the tree: worker processes started by a forkserver are
    its children, not ours, and are never reaped by us (the last ``sample_every``
    seconds of each may be missed).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT, env={**os.environ, **(env or {})})
    samples: list[float] = []
    tree_cpu: dict[int, float] = {}
    while True:
        try:
            proc.wait(timeout=sample_every)
            break
        except subprocess.TimeoutExpired:
            samples.append(_tree_rss_kb(proc.pid, tree_cpu) / 1024)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = max((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
              sum(tree_cpu.values()))
    stderr = proc.stderr.read() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    return Measured(seconds, cpu, max(samples, default=0.0), tuple(samples), proc.returncode, stderr)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def load() -> str:
    """The 1, 5 and 15 minute load averages, as ``uptime`` shows them."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> str:
    return f"{platform.node()} {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [list(map(str, header))] + [[f"{c:.2f}" if isinstance(c, float) else str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = [title, "  ".join(h.ljust(w) for h, w in zip(cells[0], widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells[1:]]
    return "\n".join(lines)


class Server:
    """A mirror subprocess that prints ``KEY URL`` lines then ``ready``."""

    def __init__(self, args: Sequence[str]) -> None:
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        self.urls: dict[str, str] = {}
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.strip() == "ready":
                break
            key, url = line.split()
            self.urls[key] = url

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        if self.proc.stdout:
            self.proc.stdout.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def mirror_bases() -> list[dict[str, Any]]:
    """Every mirror release of a registered source (coded or declared), by source key: its
    source's key, country and language, its title, text and date, and its extracted records.
    The seeds the synthetic archives of benchmarks/search.py and benchmarks/scale.py vary."""
    import json

    from crawler.mirror.sites import SITES
    from crawler.mirror.sites.base import MirrorRelease
    from crawler.records import extract_records
    from crawler.registry import all_sources

    registered = {source.key: source for source in all_sources()}
    releases: dict[str, list[MirrorRelease]] = {key: site().releases for key, site in SITES.items()}
    for path in sorted((ROOT / "crawler" / "mirror" / "data").glob("*.jsonl")):  # declared sources
        if path.stem not in releases:
            releases[path.stem] = [MirrorRelease.from_json(json.loads(line)) for line in
                                   path.read_text(encoding="utf-8").splitlines() if line.strip()]
    bases = []
    for key, found in sorted(releases.items()):
        source = registered.get(key)
        if source is None:
            continue
        for release in found:
            text = "\n".join(release.paragraphs)
            bases.append({"key": key, "country": source.country, "language": source.language,
                          "title": release.title, "text": text, "published": release.published,
                          "records": extract_records(text, title=release.title,
                                                     published=release.published,
                                                     country=source.country)})
    return bases
