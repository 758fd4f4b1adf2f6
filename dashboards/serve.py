"""Start Datasette on a gkwatch database with the project's metadata, templates and plugins."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def datasette_command(db_path: str, host: str, port: int) -> list[str]:
    return [
        sys.executable, "-m", "datasette", "serve", db_path,
        "--metadata", str(HERE / "metadata.yml"),
        "--host", host, "--port", str(port),
        "--setting", "sql_time_limit_ms", "3000",
        "--setting", "default_page_size", "50",
    ]


def run_datasette(db_path: str, host: str, port: int) -> int:
    try:
        return subprocess.call(datasette_command(db_path, host, port))
    except KeyboardInterrupt:
        return 0
