"""The documentation a user gets cites nothing outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT

# Files of the project's authors' working material, not shipped with the package.
OUTSIDE = re.compile("|".join([r"\bshared" + "/", "RELIABILITY" + r"\.md", r"\bsites" + r"\.md",
                               r"\bsites-more" + r"\.md", r"\bSTYLE" + r"\.md"]))
# Owned by others for now (the declared sources, their tests' sample declarations and the
# mirrors' data).
ELSEWHERE = ("crawler/sources/", "crawler/mirror/data/", "tests/test_declared_")


def _texts() -> list[Path]:
    paths = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for top in ("crawler", "db", "tests", "migrations"):
        paths += sorted((ROOT / top).rglob("*.py"))
    return [p for p in paths
            if not str(p.relative_to(ROOT)).startswith(ELSEWHERE)]


def test_nothing_cites_files_outside_the_repository() -> None:
    cited = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in _texts()
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if OUTSIDE.search(line)]
    assert cited == []


def test_the_readme_documents_the_crawl_output_and_the_bad_input_catalogue() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for text in ("--loglevel", "--logfile", "progress line", "docs/bad-inputs.md",
                 "exit code 0", "MFA_ARCHIVE_CONTACT"):
        assert text in readme, text
