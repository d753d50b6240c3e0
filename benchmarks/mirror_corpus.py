"""Convert the offline mirror fixtures (crawler/mirror/data/*.jsonl) into the labelled-corpus schema.

Usage: python benchmarks/mirror_corpus.py [--set all|first|new] [--language en] > /some/file.jsonl
       python benchmarks/extraction_quality.py --corpus /some/file.jsonl
       python benchmarks/extraction_quality.py --mirror new      (the same, without the file)

Each mirror release (slug, title, published, paragraphs, labels) becomes one corpus record: `text` is the
paragraphs joined by "\\n", `ministry_country` is the `country` attribute of crawler/spiders/<key>.py, or the
`country` of crawler/sources/<key>.toml for the declared sources. Sets: `first` = the eleven sources with a
spider module, `new` = the declared sources (sources/*.toml); `--language en` keeps only sources whose
language is English (the records extractor reads English; spider sources are English).
Output is JSON Lines on stdout, in a stable order (file name, then line order).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "crawler" / "mirror" / "data"
SPIDERS = ROOT / "crawler" / "spiders"
SOURCES = ROOT / "crawler" / "sources"
_COUNTRY_RE = re.compile(r"^\s+country\s*(?::\s*\w+\s*)?=\s*[\"']([A-Z]{2})[\"']", re.MULTILINE)


def _declared(key: str) -> dict[str, Any] | None:
    path = SOURCES / f"{key}.toml"
    if not path.exists():
        return None
    with path.open("rb") as fh:
        return tomllib.load(fh)


def spider_country(key: str) -> str | None:
    path = SPIDERS / f"{key}.py"
    if not path.exists():
        declared = _declared(key)
        return str(declared["country"]) if declared and declared.get("country") else None
    m = _COUNTRY_RE.search(path.read_text(encoding="utf-8"))
    return m.group(1) if m else None


def source_set(key: str) -> str:
    """`first` (a spider module) or `new` (a declared source)."""
    return "first" if (SPIDERS / f"{key}.py").exists() else "new"


def source_language(key: str) -> str:
    declared = _declared(key)
    return str(declared.get("language") or "en") if declared else "en"


def convert(which: str = "all", language: str | None = None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path in sorted(DATA.glob("*.jsonl")):
        key = path.stem
        if which != "all" and source_set(key) != which:
            continue
        if language and source_language(key) != language:
            continue
        cc = spider_country(key)
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                rel = json.loads(line)
                labels = rel.get("labels") or {}
                out.append({
                    "id": f"mirror-{key}-{rel['slug']}",
                    "ministry_country": cc,
                    "title": rel.get("title"),
                    "published": rel.get("published"),
                    "text": "\n".join(rel.get("paragraphs") or []),
                    "is_meeting": bool(labels.get("is_meeting")),
                    "meeting": labels.get("meeting"),
                    "statements": labels.get("statements") or [],
                })
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", choices=("all", "first", "new"), default="all")
    ap.add_argument("--language", default=None, help="keep only sources of this language (e.g. en)")
    args = ap.parse_args(argv)
    for rec in convert(args.set, args.language):
        sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
