"""Datasette plugin: gkwatch's vocabulary as SQL functions, so that the metadata's queries (and
anyone's SQL) show labels, not codes, from the one definition in ``core/vocabulary.py``:
``check_label('column_stale')`` → 栏目不更新, ``severity_label('veto')`` → 单项否决,
``status_label('open')`` → 未解决, ``event_label('opened')`` → 新问题, ``verdict_label('blocked')`` → 被反爬虫拦截,
``severity_rank('veto')`` → 2 (for ordering), ``column_type_label('guide')`` → 政府信息公开指南 (…),
``page_kind_label('portal')``, ``verification_label('VERIFIED')`` (dashboards/labels.py). An unknown code
is shown as itself."""

from datasette import hookimpl

from core import vocabulary
from dashboards import labels


FUNCTIONS = {
    "check_label": labels.LABELS["check"],
    "severity_label": labels.LABELS["severity"],
    "status_label": labels.LABELS["status"],
    "event_label": labels.LABELS["event"],
    "verdict_label": labels.LABELS["verdict"],
    "availability_label": labels.LABELS["availability"],
    "page_kind_label": labels.LABELS["page_kind"],
    "verification_label": labels.LABELS["verification"],
    "column_type_label": vocabulary.column_type_label,
    "severity_rank": lambda code: vocabulary.SEVERITY_RANK.get(code, -1),
}


@hookimpl
def prepare_connection(conn):
    for name, function in FUNCTIONS.items():
        conn.create_function(name, 1, function, deterministic=True)
