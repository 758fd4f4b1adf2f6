"""Judging an annual report's tables: 勾稽关系 (balance), sums that do not add up, impossible values.

The parser (``extract.reports``) reads a report into cells; this judges the cells, for the
``report_*`` checks, by the rules of the report's own form: the 勾稽关系 and sums of the 2019 and
2021 templates hold for their tables (``requests``, ``review_litigation``, ``active``) only. A
report before 2019 has its old 统计表 in ``statistics``, whose template set no such relations: it
is not judged, and nothing of it is read as a requests total. ``JUDGE_VERSION`` is this file's own
digest: a change to the judge has every stored judgement (``report_judgements``) redone, a change
to the parser does not.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from extract.reports import RESULT, REVIEW_GROUPS, REVIEW_RESULTS

JUDGE_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def _problem(kind: str, message: str, **detail) -> dict:
    return {"kind": kind, "message": message, **detail}


def _grid(cells: list[dict]) -> dict[str, dict[str, float | None]]:
    out: dict[str, dict] = {}
    for c in cells:
        out.setdefault(c["row"], {})[c["col"]] = c["value"]
    return out


def _find_row(grid: dict, key: str) -> str | None:
    return next((r for r in grid if key in r.split("/")[-1] or (key == "（七）总计" and r.endswith("（七）总计"))), None)


def judge(report_json: dict) -> list[dict]:
    """Balance (勾稽关系), sums and impossible values from a report's cells (``to_json`` shape)."""
    problems = []
    tables = report_json.get("tables") or {}
    req = _grid(tables.get("requests") or [])
    if req:
        new, carried = _find_row(req, "本年新收"), _find_row(req, "上年结转")
        total, out = _find_row(req, "（七）总计"), _find_row(req, "结转下年度")
        if all((new, carried, total, out)):
            bad = []
            for col in req[new]:
                vals = [req[r].get(col) for r in (new, carried, total, out)]
                if any(v is None for v in vals):
                    continue
                if abs(vals[0] + vals[1] - vals[2] - vals[3]) > 1e-9:
                    bad.append({"col": col, "new": vals[0], "carried": vals[1], "total": vals[2], "carry_out": vals[3]})
            if bad:
                problems.append(_problem(
                    "balance", "勾稽关系不符：一+二 ≠ （七）总计+四（" + "、".join(b["col"].split("/")[-1] for b in bad) + "）",
                    columns=[b["col"] for b in bad], detail=bad))
        # each row: applicant columns add up to 总计
        total_col = next((c for c in (req.get(new) or next(iter(req.values())))
                          if c.split("/")[-1] == "总计"), None)
        mismatches = []
        for row, values in req.items():
            if total_col is None or values.get(total_col) is None:
                continue
            parts = [v for c, v in values.items() if c != total_col and v is not None]
            if parts and abs(sum(parts) - values[total_col]) > 1e-9:
                mismatches.append({"row": row, "col": total_col, "sum": sum(parts), "stated": values[total_col]})
        # outcome rows add up to （七）总计, per column
        if total:
            outcome = [r for r in req if r.startswith(RESULT) and r != total]
            parents = set()  # every row path that has a row below it
            for o in outcome:
                parts = o.split("/")
                parents.update("/".join(parts[:k]) for k in range(1, len(parts)))
            leaves = [r for r in outcome if r not in parents]
            for col in req[total]:
                stated = req[total].get(col)
                vals = [req[r].get(col) for r in leaves if req[r].get(col) is not None]
                if stated is not None and vals and abs(sum(vals) - stated) > 1e-9:
                    mismatches.append({"row": total, "col": col, "sum": sum(vals), "stated": stated})
        if mismatches:
            problems.append(_problem("sum_mismatch", f"分项之和与合计不符 {len(mismatches)} 处 (sub-rows do not add up)",
                                     detail=mismatches))
    rev = _grid(tables.get("review_litigation") or [])
    mismatches = []
    for row, values in rev.items():
        for group in REVIEW_GROUPS:
            total = values.get(f"{group}/总计")
            parts = [values.get(f"{group}/{r}") for r in REVIEW_RESULTS[:4]]
            parts = [p for p in parts if p is not None]
            if total is not None and parts and abs(sum(parts) - total) > 1e-9:
                mismatches.append({"row": row, "col": f"{group}/总计", "sum": sum(parts), "stated": total})
    if mismatches:
        problems.append(_problem("sum_mismatch", "复议诉讼表分项之和与总计不符 (review/litigation totals)",
                                 detail=mismatches))
    impossible = []
    for table in ("requests", "review_litigation"):
        for c in tables.get(table) or []:
            v = c["value"]
            if v is not None and (v < 0 or v != int(v)):
                impossible.append({"table": table, **c})
    for c in tables.get("active") or []:
        v = c["value"]
        if v is None:
            continue
        money = "金额" in c["col"] or "收费" in c["col"]
        if (v < 0 and "增/减" not in c["col"]) or (not money and v != int(v)):
            impossible.append({"table": "active", **c})
    if impossible:
        problems.append(_problem("impossible_value", f"不可能的数值 {len(impossible)} 处（负数或非整数件数）",
                                 detail=impossible))
    return problems
