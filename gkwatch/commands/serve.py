"""``gkwatch serve``: the database through Datasette, with gkwatch's metadata and dashboards."""

from __future__ import annotations

import sys

import click

from ..plumbing import command, db_option, open_database, read_only_database


@command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址 (address to listen on)")
@click.option("--port", type=int, default=8001, show_default=True, help="端口 (port)")
@click.option("--archive-port", type=int, default=None, metavar="PORT",
              help="存档回放端口, 默认 port+1; 0 不启动 (port of the archive replayer, pywb; default port+1, 0: none)")
@click.pass_context
def serve(ctx, db_path, host, port, archive_port):
    """发布 Serve the database with Datasette (read-only) and gkwatch's metadata and dashboards.

    A database on a disk or in a directory gkwatch cannot write is served too, read-only (as an
    immutable file when its -wal and -shm files cannot be used); a note on stderr says so.
    The archived captures a finding was judged on open from its page (「查看存档」), replayed read-only
    by pywb on --archive-port, marked 存档副本 with their capture time, scripts stopped."""
    from dashboards.serve import run_datasette

    db, path = open_database(ctx, db_path, read_only=True)
    db.close()
    how = read_only_database(ctx)
    if how:
        click.echo(f"数据库只读, 以只读方式发布{'(不可变文件)' if how == 'immutable' else ''} (read-only database: "
                   f"served {'as an immutable file' if how == 'immutable' else 'read-only'}): {path}", err=True)
    sys.exit(run_datasette(path, host, port, immutable=how == "immutable",
                           archive_port=port + 1 if archive_port is None else archive_port or None))
