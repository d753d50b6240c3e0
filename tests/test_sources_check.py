"""`mfa-archive sources check`: a layout regression check against each source's mirror."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT, run_cli

pytestmark = pytest.mark.slow  # `sources check` crawls the mirror


def test_check_passes_on_the_mirror() -> None:
    result = run_cli("sources", "check", "az")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "ok" in result.stdout and "CHANGED" not in result.stdout


def test_check_notices_a_changed_layout() -> None:
    """The mirror's listing renames its item class: no release is found, the check fails."""
    script = (
        "import sys\n"
        "from crawler.mirror.sites.az import AzMirror\n"
        "original = AzMirror.listing\n"
        "AzMirror.listing = lambda self, page: original(self, page).replace("
        "'class=\"section_newsIn_item\"', 'class=\"news-card\"')\n"
        "from crawler.cli import main\n"
        "sys.argv = ['mfa-archive', 'sources', 'check', 'az']\n"
        "main()\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=False,
                            cwd=ROOT, timeout=300)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "CHANGED" in result.stdout
