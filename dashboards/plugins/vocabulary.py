"""Datasette plugin: gkwatch's vocabulary as SQL functions, so that the metadata's queries (and
anyone's SQL) show labels, not codes, from the one definition in ``core/vocabulary.py``:
``check_label('column_stale')`` → 栏目不更新, ``severity_label('veto')`` → 单项否决,
``status_label('open')`` → 未解决, ``event_label('opened')`` → 新问题, ``verdict_label('blocked')`` → 被反爬虫拦截,
``severity_rank('veto')`` → 2 (for ordering), ``column_type_label('guide')`` → 政府信息公开指南 (…).
An unknown code is shown as itself."""

from datasette import hookimpl

from core import vocabulary


def _labeller(labels: dict):
    return lambda code: labels[code].zh if code in labels else code


FUNCTIONS = {
    "check_label": _labeller(vocabulary.CHECKS),
    "severity_label": _labeller(vocabulary.SEVERITIES),
    "status_label": _labeller(vocabulary.FINDING_STATUSES),
    "event_label": _labeller(vocabulary.EVENTS),
    "verdict_label": _labeller(vocabulary.VERDICTS),
    "availability_label": _labeller(vocabulary.AVAILABILITY),
    "severity_rank": lambda code: vocabulary.SEVERITY_RANK.get(code, -1),
    "column_type_label": vocabulary.column_type_label,
}


@hookimpl
def prepare_connection(conn):
    for name, function in FUNCTIONS.items():
        conn.create_function(name, 1, function, deterministic=True)
