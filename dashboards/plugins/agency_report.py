"""Datasette plugin: an agency's 监测报告 at ``/-/report/<agency id>[?as_of=YYYY-MM-DD]``, the same page
``gkwatch report`` writes (dashboards/agency_report.py and its template), to read, print or save as
PDF from the browser. Linked from the agency dashboard."""

import datetime as dt
import html
import urllib.parse

from datasette import hookimpl
from datasette.utils.asgi import Response

from dashboards.agency_report import UnknownAgency, build_report, render_html


@hookimpl
def register_routes():
    return [(r"^/-/report/(?P<agency_id>[^/]+)$", agency_report_page)]


async def agency_report_page(datasette, request):
    db = datasette.get_database()
    await datasette.ensure_permissions(request.actor, [("view-database", db.name), "view-instance"])
    agency_id = request.url_vars["agency_id"]
    try:
        as_of = dt.date.fromisoformat(request.args["as_of"]) if request.args.get("as_of") else None
    except ValueError:
        return _message(f"日期 {request.args['as_of']} 无效，应为 YYYY-MM-DD", 400)
    try:
        report = await db.execute_fn(lambda conn: build_report(conn, agency_id, as_of))
    except UnknownAgency:
        return _message(f"没有这个机构：{agency_id}", 404)
    dashboard = datasette.urls.path("-/dashboards/agency?agency=" + urllib.parse.quote(agency_id))
    page = render_html(report, nav=[("← 机构看板", dashboard), ("首页", datasette.urls.instance())],
                       finding_link=datasette.urls.table(db.name, "findings") + "/{}")
    return Response.html(page)


def _message(text: str, status: int) -> Response:
    return Response.html(f'<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><title>监测报告</title>'
                         f"<p>{html.escape(text)}</p></html>", status=status)
