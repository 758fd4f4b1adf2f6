"""Shared fixtures: paths, a fresh database, the sandbox on loopback, and the CLI as a user runs it."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
REAL_PAGES = SHARED / "real-pages"
SEEDS = SHARED / "seeds"
REFERENCE_DAY = dt.date(2026, 11, 22)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "gkwatch.db"


def run_gkwatch(*args, cwd=None, env=None, timeout=600) -> subprocess.CompletedProcess:
    """`gkwatch ARGS` in a subprocess, exactly as a user or cron runs it."""
    return subprocess.run(
        [sys.executable, "-m", "gkwatch", *map(str, args)], cwd=cwd or ROOT, capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=timeout,
    )
