"""What a person reads instead of a code: the label of every code a page shows, and a finding's
evidence (or a scorecard's deductions) as a readable list instead of JSON.

The labels come from ``core/vocabulary.py``; this module only says which column holds which kind of
code, what each evidence key is called, and how its value reads. Pure functions, HTML out (escaped
with markupsafe), used by the Datasette plugins (``render_cell``, the finding page) and the exports.
"""

from __future__ import annotations

import html as html_module
import json
import re
from typing import Any, Callable

from markupsafe import Markup, escape

from core import vocabulary

_TABLES_OF_REPORTS = {"active": "主动公开情况", "requests": "依申请公开情况", "review_litigation": "行政复议、行政诉讼情况"}
_OUTCOMES = {"slow": "打开缓慢", "ok": "正常"}
_TAG = re.compile(r"<[^>]+>")


def _from(labels: dict[str, vocabulary.Label], extra: dict[str, str] | None = None) -> Callable[[str], str]:
    return lambda code: labels[code].zh if code in labels else (extra or {}).get(code, code)


def _crawl_status(code: str) -> str:
    """「已停止：closespider_timeout」 for a run stopped with Scrapy's reason."""
    status, _, reason = code.partition(": ")
    label = vocabulary.CRAWL_STATUSES[status].zh if status in vocabulary.CRAWL_STATUSES else status
    return f"{label}：{reason}" if reason else label


LABELS: dict[str, Callable[[str], str]] = {
    "check": vocabulary.check_label,
    "severity": _from(vocabulary.SEVERITIES),
    "status": _from(vocabulary.FINDING_STATUSES),
    "event": _from(vocabulary.EVENTS),
    "verdict": _from(vocabulary.VERDICTS, _OUTCOMES),
    "page_kind": _from(vocabulary.PAGE_KINDS),
    "column_type": lambda code: vocabulary.column_type_label(code).split(" (")[0],
    "verification": _from(vocabulary.VERIFICATIONS),
    "crawl_status": _crawl_status,
    "availability": _from(vocabulary.AVAILABILITY),
    "report_table": lambda code: _TABLES_OF_REPORTS.get(code, code),
}


def label(kind: str, code: Any) -> Any:
    """The Chinese label of ``code`` as a code of ``kind``; anything else (None, a number, an unknown
    code) as itself."""
    return LABELS[kind](code) if isinstance(code, str) else code


# Columns of the tables whose values are codes: (table, column) → kind of code.
TABLE_CODES: dict[tuple[str, str], str] = {
    ("findings", "check_name"): "check", ("findings", "severity"): "severity", ("findings", "status"): "status",
    ("finding_events", "event"): "event", ("finding_events", "severity"): "severity",
    ("fetches", "verdict"): "verdict", ("fetches", "kind"): "page_kind", ("probes", "verdict"): "verdict",
    ("pages", "kind"): "page_kind", ("columns", "type"): "column_type", ("crawl_runs", "status"): "crawl_status",
    ("availability", "status"): "availability",
}
# Columns of the canned queries (by their Chinese names) whose values are codes.
QUERY_CODES: dict[str, str] = {
    "检查项": "check", "严重程度": "severity", "状态": "status", "事件": "event", "读取结果": "verdict",
    "页面类型": "page_kind", "类型": "column_type",
}
# The canned queries' column of a finding's id, shown as a link to the finding's page.
FINDING_LINK = "详情"
# JSON columns, of tables and of canned queries, shown as readable lists.
JSON_COLUMNS: dict[tuple[str | None, str], str] = {
    ("findings", "evidence"): "evidence", (None, "证据"): "evidence",
    ("scorecards", "deductions"): "deductions", (None, "扣分明细"): "deductions",
}


def code_kind(table: str | None, column: str) -> str | None:
    return TABLE_CODES.get((table, column)) if table else QUERY_CODES.get(column)


def subject_label(check: str, subject: str, evidence: dict | None) -> str:
    """A finding's subject as read: a missing column's name, not its type code (`system`)."""
    if check in ("mandatory_column_missing", "art20_category_missing"):
        return (evidence or {}).get("name") or label("column_type", subject)
    return subject


# Evidence ----------------------------------------------------------------------------------------------

RULE_KEYS = ("rule", "rule_source", "citation", "verification")
# Keys whose value another key already says in words (the art. 20 category's code: its `name`).
_UNSHOWN = {"category"}
_DAYS = {"days_since_update", "threshold_days", "days_overdue", "period_days", "window_days", "grace_days", "days_since",
         "days_waited"}
_CHANGES = {"renamed": "更名", "moved": "地址变更", "gone": "消失", "added": "新增"}
_SHARES = {"failed_share", "veto_share", "ratio", "min_ratio"}
_CODES = {"page": "page_kind", "column_type": "column_type", "verification": "verification",
          "last_verdict": "verdict", "table": "report_table", "verdict": "verdict"}
_COUNTS_OF = {"failures": "verdict", "excluded": "verdict", "by_type": "column_type"}
# Keys of the rows of a report's `detail` (and of a last failure), as its table's headings.
DETAIL_KEYS: dict[str, str] = {
    "table": "表", "row": "行", "col": "栏", "new": "本年新收", "carried": "上年结转", "total": "（七）总计",
    "carry_out": "结转下年度", "sum": "分项之和", "stated": "所填合计", "value": "数值",
    "at": "时间", "source": "来源", "verdict": "读取结果", "status": "HTTP 状态码", "error": "错误",
    "elapsed_ms": "用时（毫秒）", "waited_ms": "等待（毫秒）",
    "walked_at": "翻阅时间", "crawl_run_id": "抓取批次", "reached": "翻到", "capture_id": "存档编号",
    "url": "网址", "captured_at": "存档时间", "sha256": "SHA-256", "kind": "类别", "masked": "号码", "where": "位置",
}
_SOURCES = {"probe": "探测", "crawl": "抓取"}


def _link(url: str) -> Markup:
    return Markup('<a href="{0}">{0}</a>').format(url)


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def _list(parts: list) -> Markup:
    return Markup('<ul class="evidence-list">{}</ul>').format(
        Markup("").join(Markup("<li>{}</li>").format(p) for p in parts))


def _scalar(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _cell(key: str, value: Any) -> Any:
    if key in _CODES:
        return label(_CODES[key], value)
    if key == "source":
        return _SOURCES.get(value, value)
    return _link(value) if _is_url(value) else _scalar(value)


def _rows_table(rows: list[dict]) -> Markup:
    keys = [k for k in DETAIL_KEYS if any(k in r for r in rows)]
    head = Markup("").join(Markup("<th>{}</th>").format(DETAIL_KEYS[k]) for k in keys)
    body = Markup("").join(
        Markup("<tr>{}</tr>").format(Markup("").join(Markup("<td>{}</td>").format(_cell(k, r.get(k, ""))) for k in keys))
        for r in rows)
    return Markup('<table class="evidence-detail"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>').format(head, body)


def evidence_value(key: str, value: Any) -> Markup:
    """One evidence value as HTML: links for URLs, labels for codes, 「N 天」, percentages, lists, tables."""
    if key in _DAYS and isinstance(value, (int, float)):
        return escape(f"{_scalar(value)} 天")
    if key in _SHARES and isinstance(value, (int, float)):
        return escape(f"{value:.1%}")
    if key in _COUNTS_OF and isinstance(value, dict):
        return _list([f"{label(_COUNTS_OF[key], k)}：{n}" for k, n in value.items()]) if value else escape("无")
    if key == "column_types" and isinstance(value, list):
        return escape("、".join(label("column_type", v) for v in value))
    if key == "site_veto" and isinstance(value, list):
        return escape("；".join(f"本站共 {v['count']} 个此类栏目，达到 {v['min_count']} 个即单项否决（{v['citation']}）"
                                for v in value) or "否")
    if key == "change":
        return escape(_CHANGES.get(value, value))
    if key in ("last_failure", "first_listed_capture") and isinstance(value, dict):
        return _rows_table([value])
    if key == "columns" and isinstance(value, list):
        return escape("、".join(str(v).split("/")[-1] for v in value))
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return _rows_table(value)
    if isinstance(value, list):
        return _list([_cell(key, v) for v in value]) if value else escape("无")
    if isinstance(value, dict):
        return _list([Markup("{}：{}").format(k, _cell(k, v)) for k, v in value.items()])
    return escape(_cell(key, value))


def evidence_fields(evidence: dict, rule: bool = True) -> list[tuple[str, Markup]]:
    """(label, value HTML) of each evidence key that has a value, in reading order; the rule's keys
    only with ``rule``. A key of a newer check without a label yet is shown by its key."""
    keys = [k for k in vocabulary.EVIDENCE_KEYS if k in evidence] + sorted(k for k in evidence if k not in vocabulary.EVIDENCE_KEYS)
    fields = []
    for k in keys:
        if evidence[k] in (None, "", [], {}) or k in _UNSHOWN or (not rule and k in RULE_KEYS):
            continue
        if k == "last_item_title" and _is_url(evidence.get("last_item_url")):   # the title, linked
            fields.append((vocabulary.EVIDENCE_KEYS[k], Markup('<a href="{}">{}</a>').format(evidence["last_item_url"], evidence[k])))
        elif not (k == "last_item_url" and evidence.get("last_item_title")):
            fields.append((vocabulary.EVIDENCE_KEYS.get(k, k), evidence_value(k, evidence[k])))
    return fields


def fields_html(fields: list[tuple[str, Markup]]) -> Markup:
    return Markup('<dl class="evidence">{}</dl>').format(
        Markup("").join(Markup("<dt>{}</dt><dd>{}</dd>").format(k, v) for k, v in fields))


def deductions_html(deductions: dict) -> Markup:
    """A scorecard's deductions as read: 单项否决 and why, or each check's points."""
    if deductions.get("vetoes"):
        return Markup("单项否决，不再评分：{}").format(_list([
            f"{label('check', v['check'])}：{v.get('message') or v.get('subject')}" for v in deductions["vetoes"]]))
    items = deductions.get("items") or []
    if not items:
        return escape(f"满分 {deductions.get('base', 100)}，未扣分")
    lines = [f"{label('check', i['check'])} {i['findings']} 处 × {_scalar(i['points_each'])} 分"
             f"{'（上限 ' + str(_scalar(i['cap'])) + ' 分）' if i['points'] >= i['cap'] else ''}"
             f" = {_scalar(i['points'])} 分" for i in items]
    unverified = any(i.get("verification") == "UNVERIFIED" for i in items)
    return Markup("满分 {}，扣 {} 分{}：{}").format(
        deductions.get("base", 100), _scalar(deductions.get("total", 0)),
        "（各项分值为 gkwatch 暂定，未找到原文）" if unverified else "", _list(lines))


def _json_object(value: Any) -> dict | None:
    try:
        data = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def json_text(kind: str, value: Any) -> str | None:
    """A JSON column's value as text (the exports), or None when it is not JSON of that shape."""
    data = _json_object(value)
    if data is None:
        return None
    return text(deductions_html(data) if kind == "deductions" else fields_html(evidence_fields(data, rule=False)))


def json_cell(kind: str, value: Any) -> Markup | None:
    """A JSON column's value as HTML, or None when it is not JSON of that shape."""
    data = _json_object(value)
    if data is None:
        return None
    if kind == "deductions":
        return deductions_html(data)
    fields = evidence_fields(data, rule=False)
    # folded: a table of findings stays a table; the list opens where it is wanted
    return Markup('<details class="evidence"><summary>证据 {} 项</summary>{}</details>').format(
        len(fields), fields_html(fields))


def text(html: Markup | str) -> str:
    """The words of a rendered cell, for the exports: each definition (and table row) on a line of its
    own, list items joined by 「；」."""
    marked = (str(html).replace("</dt>", "：").replace("</dd>", "\n").replace("</tr>", "\n")
              .replace("</li>", "；").replace("</td>", " "))
    plain = html_module.unescape(_TAG.sub("", marked))
    return "\n".join(line.strip(" ；") for line in plain.split("\n") if line.strip(" ；"))
