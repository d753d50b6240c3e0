"""Convert the offline mirror fixtures (crawler/mirror/data/*.jsonl) into the labelled-corpus schema.

Usage: python benchmarks/mirror_corpus.py > /some/file.jsonl
       python benchmarks/extraction_quality.py --corpus /some/file.jsonl

Each mirror release (slug, title, published, paragraphs, labels) becomes one corpus record: `text` is the
paragraphs joined by "\\n", `ministry_country` is the `country` attribute of crawler/spiders/<key>.py.
Output is JSON Lines on stdout, in a stable order (file name, then line order).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "crawler" / "mirror" / "data"
SPIDERS = ROOT / "crawler" / "spiders"
_COUNTRY_RE = re.compile(r"^\s+country\s*(?::\s*\w+\s*)?=\s*[\"']([A-Z]{2})[\"']", re.MULTILINE)


def spider_country(key: str) -> str | None:
    path = SPIDERS / f"{key}.py"
    if not path.exists():
        return None
    m = _COUNTRY_RE.search(path.read_text(encoding="utf-8"))
    return m.group(1) if m else None


def convert() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path in sorted(DATA.glob("*.jsonl")):
        key = path.stem
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


def main() -> int:
    for rec in convert():
        sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
