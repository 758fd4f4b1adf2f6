"""Shared fixtures: paths, a fresh database, the sandbox on loopback, and the CLI as a user runs it."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The project's own test data (see tests/files/README.md); no test reads anything outside the checkout.
FILES = Path(__file__).resolve().parent / "files"
REAL_PAGES = FILES / "real-pages"   # real government pages, byte for byte, with pages.json
SEEDS = FILES / "seeds"             # seed documents: agencies' own reports and rules gkwatch started from
REAL_PAGE_FACTS = json.loads((REAL_PAGES / "pages.json").read_text(encoding="utf-8"))["pages"]
REFERENCE_DAY = dt.date(2026, 11, 22)


def real_pages(kind: str) -> dict[str, dict]:
    """The real pages of one kind (list, detail, report, portal) by file name, each with its url and expect."""
    return {name: page for name, page in REAL_PAGE_FACTS.items() if page["kind"] == kind}


def seed(prefix: str) -> Path:
    """The seed document whose file name starts with PREFIX ("001")."""
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "gkwatch.db"


def run_gkwatch(*args, cwd=None, env=None, timeout=600) -> subprocess.CompletedProcess:
    """`gkwatch ARGS` in a subprocess, exactly as a user or cron runs it."""
    return subprocess.run(
        [sys.executable, "-m", "gkwatch", *map(str, args)], cwd=cwd or ROOT, capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=timeout,
    )

# Crawling our own loopback sandbox: no politeness delay is needed. The download timeout (5 s) is
# short enough to keep tests quick and long enough for a loaded 2-core machine; the slow page's
# delay (8 s) stays above it.
FAST_CRAWL = [
    "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4",
    "-s", "DOWNLOAD_TIMEOUT=5", "-s", "RETRY_TIMES=0", "-s", "GKWATCH_PROGRESS_INTERVAL=0",
]
SLOW_SECONDS = 8.0
DOWNLOAD_TIMEOUT_MS = 5000


def import_registry(tmp_path, entries, db_path) -> None:
    from core.registry import dump

    registry = tmp_path / "registry.yaml"
    registry.write_text(dump(entries), encoding="utf-8")
    result = run_gkwatch("agencies", "import", registry, "--db", db_path)
    assert result.returncode == 0, result.stderr


def crawl(db_path, *args) -> subprocess.CompletedProcess:
    result = run_gkwatch("crawl", "--db", db_path, *FAST_CRAWL, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture
def threaded_server():
    """A loopback web server answering in parallel, like a real one: a slow page does not hold up the others."""
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()
