"""Datasette plugin: a finding's row page for people, and the archived captures it links to.

- ``extra_template_vars``: on ``/<db>/findings/<id>``, ``finding`` (dashboards/finding_page.py), which
  ``templates/row.html`` shows instead of Datasette's table of columns.
- ``register_routes``: ``/-/evidence/<db>/<ab>/<sha256>.warc.gz``, the WARC file the crawler kept of a
  page (``<database>.evidence/``, crawlers/evidence.py), as a download: what the page said when it was
  judged, for a WARC viewer (ReplayWeb.page, pywb). Served as a file, never as a page of this site.
  (dashboards imports only core and storage: the folder's name is crawlers/evidence.py's convention.)
- ``register_routes``: ``/-/archive/<db>/<capture id>``, a capture opened in the replayer
  (dashboards/archive.py, pywb) that ``gkwatch serve`` runs beside Datasette on ``archive_port``.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Forbidden, NotFound, Response

from dashboards import archive
from storage.evidence import evidence_dir

SCREENSHOT_PATH = re.compile(r"^screenshots/[0-9]+-[0-9]+\.png$")
from dashboards.finding_page import CAPTURE_PATH, capture_ids, finding_page, pages_of


async def _finding(datasette, database: str, pk: str):
    db = datasette.get_database(database)
    rows = (await db.execute("SELECT * FROM findings WHERE id = ?", [pk])).rows
    if not rows:
        return None
    finding = dict(rows[0])
    agency = (await db.execute("SELECT * FROM agencies WHERE id = ?", [finding["agency_id"]])).first()
    events = (await db.execute("SELECT * FROM finding_events WHERE finding_id = ? ORDER BY id", [pk])).rows
    urls = pages_of(finding)
    pages = (await db.execute(f"SELECT url, warc_path, fetched_at FROM pages WHERE url IN ({','.join('?' * len(urls))})",
                              urls)).rows if urls else []
    ids = capture_ids(finding)
    captures = (await db.execute(f"SELECT * FROM captures WHERE id IN ({','.join('?' * len(ids))})", ids)).rows \
        if ids else []
    shot = (await db.execute("SELECT * FROM finding_screenshots WHERE finding_id = ? ORDER BY taken_at DESC LIMIT 1",
                             [pk])).first()
    return finding_page(database, finding, dict(agency) if agency else None, [dict(e) for e in events],
                        {p["url"]: dict(p) for p in pages}, {c["id"]: dict(c) for c in captures},
                        dict(shot) if shot else None)


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    if view_name != "row" or table != "findings" or request is None:
        return {}

    async def inner():
        pk = request.url_vars.get("pks", "")
        return {"finding": await _finding(datasette, database, pk) if pk.isdigit() else None}

    return inner


async def capture(request, datasette):
    """The kept WARC file, named by the SHA-256 of the page's body, as an attachment."""
    database, path = request.url_vars["database"], request.url_vars["path"]
    try:
        db = datasette.get_database(database)
    except KeyError:
        raise NotFound("没有这个数据库 (no such database)")
    if not await datasette.permission_allowed(request.actor, "view-database", resource=database, default=True):
        raise Forbidden("view-database denied")
    if not db.path or not CAPTURE_PATH.match(path):
        raise NotFound("没有这份存档 (no such capture)")
    file = evidence_dir(db.path) / path
    if not file.is_file():
        raise NotFound("没有这份存档 (no such capture)")
    return Response(file.read_bytes(), content_type="application/warc", headers={
        "Content-Disposition": f'attachment; filename="{Path(path).name}"', "X-Content-Type-Options": "nosniff"})


async def screenshot(request, datasette):
    """The screenshot taken when the finding opened (monitors/screenshots.py), as a PNG."""
    database, finding_id = request.url_vars["database"], int(request.url_vars["id"])
    try:
        db = datasette.get_database(database)
    except KeyError:
        raise NotFound("没有这个数据库 (no such database)")
    if not await datasette.permission_allowed(request.actor, "view-database", resource=database, default=True):
        raise Forbidden("view-database denied")
    row = (await db.execute("SELECT path FROM finding_screenshots WHERE finding_id = ? ORDER BY taken_at DESC LIMIT 1",
                            [finding_id])).first()
    file = evidence_dir(db.path) / row["path"] if row and db.path else None
    if file is None or not SCREENSHOT_PATH.match(row["path"]) or not file.is_file():
        raise NotFound("没有这张截图 (no such screenshot)")
    return Response(file.read_bytes(), content_type="image/png")


async def replay(request, datasette):
    """A capture opened in the archive replayer (pywb, started by ``gkwatch serve`` beside Datasette):
    its index made to hold the capture, then a redirect to the capture at its own time."""
    database, capture_id = request.url_vars["database"], int(request.url_vars["id"])
    try:
        db = datasette.get_database(database)
    except KeyError:
        raise NotFound("没有这个数据库 (no such database)")
    if not await datasette.permission_allowed(request.actor, "view-database", resource=database, default=True):
        raise Forbidden("view-database denied")
    row = (await db.execute("SELECT * FROM captures WHERE id = ?", [capture_id])).first()
    config = datasette.plugin_config("gkwatch-archive") or {}
    if row is None or not db.path or not config.get("port"):
        raise NotFound("没有这份存档，或存档回放未启动 (no such capture, or the archive replayer is not running)")
    await asyncio.get_running_loop().run_in_executor(None, archive.ensure_index, db.path, capture_id)
    host = request.host.rsplit(":", 1)[0] if request.host else "127.0.0.1"
    return Response.redirect(f"{request.scheme}://{host}:{config['port']}{archive.replay_path(dict(row))}")


@hookimpl
def register_routes():
    return [(r"^/-/evidence/(?P<database>[^/]+)/(?P<path>[0-9a-f]{2}/[0-9a-f]{64}\.warc\.gz)$", capture),
            (r"^/-/archive/(?P<database>[^/]+)/(?P<id>[0-9]+)$", replay),
            (r"^/-/screenshot/(?P<database>[^/]+)/(?P<id>[0-9]+)$", screenshot)]
