"""Datasette plugin: a finding's row page for people, and the archived captures it links to.

- ``extra_template_vars``: on ``/<db>/findings/<id>``, ``finding`` (dashboards/finding_page.py), which
  ``templates/row.html`` shows instead of Datasette's table of columns.
- ``register_routes``: ``/-/evidence/<db>/<ab>/<sha256>.warc.gz``, the WARC file the crawler kept of a
  page (``<database>.evidence/``, crawlers/evidence.py), as a download: what the page said when it was
  judged, for a WARC viewer (ReplayWeb.page, pywb). Served as a file, never as a page of this site.
  (dashboards imports only core and storage: the folder's name is crawlers/evidence.py's convention.)
"""

from __future__ import annotations

from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Forbidden, NotFound, Response

from dashboards.finding_page import CAPTURE_PATH, finding_page, pages_of


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
    return finding_page(database, finding, dict(agency) if agency else None, [dict(e) for e in events],
                        {p["url"]: dict(p) for p in pages})


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
    file = Path(f"{db.path}.evidence") / path   # beside the database, as crawlers/evidence.py keeps them
    if not file.is_file():
        raise NotFound("没有这份存档 (no such capture)")
    return Response(file.read_bytes(), content_type="application/warc", headers={
        "Content-Disposition": f'attachment; filename="{Path(path).name}"', "X-Content-Type-Options": "nosniff"})


@hookimpl
def register_routes():
    return [(r"^/-/evidence/(?P<database>[^/]+)/(?P<path>[0-9a-f]{2}/[0-9a-f]{64}\.warc\.gz)$", capture)]
