"""`mfa-archive extract --json`: one JSON object per input, in order; failures in place."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from crawler.cli import cli
from crawler.mirror.sites.az import AzMirror

KEYS = ["url", "title", "published", "language", "text", "meetings", "statements"]


def test_extract_json_lines_in_input_order_with_errors_in_place(tmp_path: Path) -> None:
    site = AzMirror()
    meeting = next(r for r in site.releases if "Akhramovich" in " ".join(r.paragraphs)
                   or "met with" in " ".join(r.paragraphs))
    page = tmp_path / "release.html"
    page.write_text(site.article(meeting), encoding="utf-8")
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    missing = tmp_path / "missing.html"

    result = CliRunner().invoke(cli, ["extract", str(page), str(binary), str(missing),
                                      "--json", "--source", "az"])
    assert result.exit_code == 1  # some inputs failed; the others were still processed
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 3
    first, second, third = lines
    assert list(first) == KEYS
    assert first["url"] is None  # a file has no URL
    assert first["title"] == meeting.title
    assert first["published"] == meeting.published.isoformat()
    assert first["meetings"], "a meeting release gives a meeting"
    for key in ("date", "kind", "location", "participants", "topics"):
        assert key in first["meetings"][0]
    for statement in first["statements"]:
        assert first["text"][statement["start"]:statement["end"]] == statement["text"]
    assert second == {"path": str(binary), "error": "not HTML: PDF"}
    assert third["path"] == str(missing) and "error" in third
