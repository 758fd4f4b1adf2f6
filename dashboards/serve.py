"""Start Datasette on a gkwatch database with the project's metadata, templates and plugins."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from core.processes import end_with_parent

HERE = Path(__file__).parent
PLUGINS = HERE / "plugins"  # cjk_search.py: the full-text tokenizer; atom_feed.py: feeds without rows; …
TEMPLATES = HERE / "templates"  # the home page, a finding's page (row.html), the navigation
STATIC = HERE / "static"
STATIC_MOUNT = "-gkwatch"  # /-gkwatch/gkwatch.css: a path no database name can take


def load_metadata() -> dict:
    return yaml.safe_load((HERE / "metadata.yml").read_text(encoding="utf-8"))


def table_titles() -> dict[str, str]:
    """Each described table's Chinese name, from its description: 「检查发现 · Compliance findings…」 → 检查发现."""
    tables = load_metadata()["databases"]["gkwatch"]["tables"]
    return {name: meta["description"].split(" · ")[0] for name, meta in tables.items() if meta.get("description")}


def metadata_for(db_path: str, archive_port: int | None = None) -> dict:
    """metadata.yml, its `gkwatch` database renamed to the name Datasette gives the file (in the
    database section and in every dashboard chart and filter), a password if one is set, and the port
    of the archive replayer (``/-/archive/…`` redirects there)."""
    metadata = load_metadata()
    if archive_port:
        metadata["plugins"]["gkwatch-archive"] = {"port": archive_port}
    name = Path(db_path).stem
    metadata["databases"] = {name: metadata["databases"]["gkwatch"]}
    for dashboard in metadata["plugins"]["datasette-dashboards"].values():
        for part in [*dashboard.get("charts", {}).values(), *dashboard.get("filters", {}).values()]:
            if part.get("db") == "gkwatch":
                part["db"] = name
            if "query" in part:   # the links charts draw to a finding's page
                part["query"] = part["query"].replace('href="/gkwatch/findings/', f'href="/{name}/findings/')
    if os.environ.get("GKWATCH_PASSWORD_HASH"):
        user = os.environ.get("GKWATCH_USER", "gkwatch")
        metadata["plugins"]["datasette-auth-passwords"] = {
            f"{user}_password_hash": {"$env": "GKWATCH_PASSWORD_HASH"}, "http_basic_auth": True}
    return metadata


def datasette_args(db_path: str, metadata_path: str, host: str, port: int, immutable: bool = False) -> list[str]:
    return [
        "serve", *(["--immutable"] if immutable else []), db_path,
        "--metadata", metadata_path,
        "--plugins-dir", str(PLUGINS),
        "--template-dir", str(TEMPLATES),
        "--static", f"{STATIC_MOUNT}:{STATIC}",
        "--host", host, "--port", str(port),
        "--setting", "sql_time_limit_ms", "3000",
        "--setting", "default_page_size", "50",
        # Suggesting facets tries every column of a table page: ~2 s on 10 million items.
        "--setting", "suggest_facets", "off",
    ]


def run_datasette(db_path: str, host: str, port: int, immutable: bool = False, archive_port: int | None = None) -> int:
    """Datasette in this process, so a SIGTERM or Ctrl-C stops it (no orphan server is left), and the
    archive replayer (pywb, dashboards/archive.py) in a child process on ``archive_port``, stopped
    with it. ``immutable``: a database on a read-only disk, read as a file nothing changes."""
    from datasette.cli import cli as datasette

    replayer = None
    if archive_port:
        replayer = subprocess.Popen([sys.executable, "-m", "dashboards.archive", db_path, "--host", host,
                                     "--port", str(archive_port)], preexec_fn=end_with_parent)
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as metadata:
        json.dump(metadata_for(db_path, archive_port), metadata, ensure_ascii=False)
        metadata.flush()
        try:
            datasette.main(args=datasette_args(db_path, metadata.name, host, port, immutable), prog_name="datasette",
                           standalone_mode=False)
        except KeyboardInterrupt:
            pass
        finally:
            if replayer:
                replayer.terminate()
                replayer.wait(10)
    return 0

