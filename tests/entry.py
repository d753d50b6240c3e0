"""Running the installed ``mfa-archive`` entry point (not ``python -m``) on this tree.

Process behaviour (signals, pipes, child processes, ``sys.path``) is that of the
console script a user runs; ``PYTHONPATH`` points it at this checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import ROOT

ENTRY = Path(sys.executable).parent / "mfa-archive"


def entry_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("MFA_ARCHIVE_DB", None)
    return {**env, **extra}


def run_entry(*args: str, cwd: Path | str = ROOT, timeout: float = 240,
              env: dict[str, str] | None = None,
              **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """``mfa-archive ARGS`` to the end, output captured."""
    return subprocess.run([str(ENTRY), *args], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout, env=env or entry_env(), check=False, **kwargs)


def shell(command: str, *, cwd: Path | str = ROOT, timeout: float = 240,
          env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """A shell pipeline in which ``mfa-archive`` is the installed entry point."""
    full = env or entry_env()
    full["PATH"] = f"{ENTRY.parent}{os.pathsep}{full.get('PATH', '')}"
    return subprocess.run(["bash", "-c", f"set -o pipefail; {command}"], capture_output=True,
                          text=True, cwd=cwd, timeout=timeout, env=full, check=False)
