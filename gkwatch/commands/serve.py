"""``gkwatch serve``: the database through Datasette, with gkwatch's metadata and dashboards."""

from __future__ import annotations

import sys

import click

from ..plumbing import command, db_option, open_database


@command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址 (address to listen on)")
@click.option("--port", type=int, default=8001, show_default=True, help="端口 (port)")
@click.pass_context
def serve(ctx, db_path, host, port):
    """发布 Serve the database with Datasette (read-only) and gkwatch's metadata and dashboards."""
    from dashboards.serve import run_datasette

    _, path = open_database(ctx, db_path)
    sys.exit(run_datasette(path, host, port))
