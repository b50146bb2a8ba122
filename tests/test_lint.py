"""ruff's lint and format checks run with the suite, so one command checks everything."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_the_code_passes_ruff_lint():
    result = ruff("check", ".")
    assert result.returncode == 0, result.stdout


def test_the_code_is_formatted_by_ruff():
    result = ruff("format", "--check", ".")
    assert result.returncode == 0, result.stdout
