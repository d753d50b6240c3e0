"""docs/bad-inputs.md stays true: every row of its table is run as written.

Each row's command runs in ``bash`` (pipes included) with the installed
``mfa-archive`` entry point first on PATH, in a directory holding a small
archive (``MFA_ARCHIVE_DB``, with ``MFA_ARCHIVE_CONTACT`` set) and a ``page.html``; the exit code must be the
row's, and stderr must be the row's lines (plus click's usage lines), or empty
where the row says ``(nothing)``, and never a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.entry import entry_env, shell

CATALOGUE = ROOT / "docs" / "bad-inputs.md"
_ROW = re.compile(r"^\| `(?P<command>[^`]+)` \| (?P<exit>\d+) \| (?P<stderr>.*) \|$")
_TRY = re.compile(r"^Try '.*' for help\.$")


def rows() -> list[tuple[str, int, list[str]]]:
    """(command, exit code, the lines stderr must hold: one per `...` of the row, in order)."""
    found = []
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if match:
            expected = re.findall(r"`([^`]+)`", match["stderr"])
            assert expected or match["stderr"].strip() == "(nothing)", line
            command = match["command"].replace("\\|", "|")  # a table cell escapes its |
            found.append((command, int(match["exit"]), expected))
    return found


def _without_usage(lines: list[str]) -> list[str]:
    """``lines`` without click's usage block (``Usage: ...`` wrapped, up to ``Try ...``)."""
    kept: list[str] = []
    in_usage = False
    for line in lines:
        if line.startswith("Usage: "):
            in_usage = True
        if not in_usage:
            kept.append(line)
        if _TRY.match(line):
            in_usage = False
    return kept


def test_the_catalogue_has_rows() -> None:
    assert len(rows()) >= 9


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.test_documents import store_sample

    directory = tmp_path_factory.mktemp("bad-inputs")
    store_sample(f"sqlite:///{directory / 'archive.sqlite'}")
    (directory / "page.html").write_text(
        "<html lang='en'><body><article><p>Minister Jeyhun Bayramov met Ambassador "
        "Gennady Akhramovich of Belarus. The sides discussed bilateral ties.</p>"
        "</article></body></html>", encoding="utf-8")
    return directory


@pytest.mark.slow  # a process per row: about a minute in all
@pytest.mark.parametrize(("command", "code", "expected"), rows(),
                         ids=[command for command, _, _ in rows()])
def test_row(workdir: Path, command: str, code: int, expected: list[str]) -> None:
    env = entry_env(MFA_ARCHIVE_DB=f"sqlite:///{workdir / 'archive.sqlite'}",
                    MFA_ARCHIVE_CONTACT="mailto:archive-tests@example.org")
    result = shell(command, cwd=workdir, env=env, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == code, result.stderr
    lines = [line for line in _without_usage(result.stderr.splitlines()) if line.strip()]
    assert len(lines) == len(expected), result.stderr
    for line, text in zip(lines, expected, strict=True):
        assert text in line, result.stderr
