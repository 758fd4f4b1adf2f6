"""Datasette plugin: labels, not codes, in every cell a person sees (dashboards/labels.py).

Table and canned-query pages show 栏目不更新 for ``column_stale``, 扣分 for ``deduct``, 未解决 for
``open``, a missing column's name for ``system``, and evidence and deductions as readable lists
instead of JSON; a canned query's 详情 (a finding's id) links to the finding's page. Only the HTML pages: the JSON API and Datasette's CSV keep the codes.
"""

from __future__ import annotations

import json

from datasette import hookimpl
from markupsafe import Markup, escape

from dashboards import labels


def _get(row, key):
    try:
        return row[key]
    except (IndexError, KeyError):
        return None


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if table is None and column == labels.FINDING_LINK and isinstance(value, int):
        return Markup('<a href="{}">查看 #{}</a>').format(datasette.urls.row(database, "findings", str(value)), value)
    kind = labels.code_kind(table, column)
    if kind:
        shown = labels.label(kind, value)
        return escape(shown) if shown != value else None
    json_kind = labels.JSON_COLUMNS.get((table, column)) or (None if table else labels.JSON_COLUMNS.get((None, column)))
    if json_kind:
        return labels.json_cell(json_kind, value)
    if table == "findings" and column == "subject" and isinstance(value, str) and not value.startswith("http"):
        check, evidence = _get(row, "check_name"), _get(row, "evidence")
        if check:
            shown = labels.subject_label(check, value, json.loads(evidence) if evidence else None)
            return escape(shown) if shown != value else None
    return None
