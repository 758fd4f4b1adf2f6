"""Scorecards, one per agency per check run (kept as history).

The 国办秘函〔2019〕19号 model: any open veto finding → 不合格 (no further scoring); otherwise
``base`` (100) minus the deductions, each check's deduction capped at its ``cap``; below
``pass_score`` (60) → 不合格. The grade is the 考核 band of the score (seed 003: 90 以上优秀,
80–89 良好, 60–79 合格, 60 以下不合格); a vetoed site is 不合格 whatever its score. Info findings
never count. The weights are in the rulebook and are UNVERIFIED.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict

from core.clock import iso
from core.vocabulary import SEVERITIES

from .checks.base import Context

VETOED = SEVERITIES["veto"].zh   # what a vetoed agency is graded in what people read: 单项否决, not a score


def grade(score: float, vetoed: bool, rules: dict) -> str:
    scoring = rules["scoring"]
    if vetoed or score < scoring["pass_score"]:
        return "不合格"
    for band in sorted(scoring["bands"]["grades"], key=lambda b: -b["min"]):
        if score >= band["min"]:
            return band["grade"]
    return "不合格"


def scorecard(rules: dict, counts: dict[tuple[str, str], int], vetoes: list[dict]) -> dict:
    """The card for one agency from its open findings: counts by (check, severity) and the vetoes."""
    scoring = rules["scoring"]
    items, total = [], 0.0
    for (check, severity), count in sorted(counts.items()):
        if severity != "deduct":
            continue
        weight = rules["checks"][check]["deduction"]
        points = min(count * weight["points"], weight["cap"])
        total += points
        items.append({"check": check, "findings": count, "points_each": weight["points"], "cap": weight["cap"],
                      "points": points, "verification": weight["verification"]})
    score = max(0.0, float(scoring["base"]) - total)
    vetoed = bool(vetoes)
    result = "不合格" if vetoed or score < scoring["pass_score"] else "合格"
    return {
        "score": score, "vetoed": vetoed, "grade": grade(score, vetoed, rules),
        "deductions": {
            "model": scoring["model"], "result": result, "base": scoring["base"], "pass_score": scoring["pass_score"],
            "total": total, "items": items, "vetoes": vetoes,
            "note": "单项否决即不合格，不再评分；此处分数仅供参考" if vetoed else None,
            "citation": scoring["citation"], "bands_citation": scoring["bands"]["citation"],
        },
    }


def shown(card: dict) -> dict:
    """A card as ``gkwatch check`` shows it: a vetoed agency is 单项否决 with no score (the score kept
    in ``scorecards`` is only for reference: 19号 does not score a vetoed site)."""
    if card["vetoed"]:
        return {"score": None, "grade": VETOED, "vetoed": True}
    return {"score": card["score"], "grade": card["grade"], "vetoed": False}


def write_scorecards(ctx: Context, check_run_id: int, agency_ids: set[str]) -> dict[str, dict]:
    """Score every agency in ``agency_ids`` from its open findings; insert the cards; return them."""
    conn: sqlite3.Connection = ctx.conn
    counts: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    for agency_id, check, severity, count in conn.execute("""
            SELECT f.agency_id, f.check_name, f.severity, COUNT(*) FROM findings f JOIN _ag a ON a.id = f.agency_id
            WHERE f.status = 'open' GROUP BY f.agency_id, f.check_name, f.severity"""):
        counts[agency_id][(check, severity)] = count
    vetoes: dict[str, list[dict]] = defaultdict(list)
    for agency_id, check, subject, message in conn.execute("""
            SELECT f.agency_id, f.check_name, f.subject, f.message FROM findings f JOIN _ag a ON a.id = f.agency_id
            WHERE f.status = 'open' AND f.severity = 'veto' ORDER BY f.agency_id, f.check_name, f.subject"""):
        vetoes[agency_id].append({"check": check, "subject": subject, "message": message})
    cards, rows, stamp = {}, [], iso()
    for agency_id in sorted(agency_ids):
        known = {k: v for k, v in counts[agency_id].items() if k[0] in ctx.agency_rules(agency_id)["checks"]}
        card = scorecard(ctx.agency_rules(agency_id), known, vetoes[agency_id])
        cards[agency_id] = card
        rows.append((check_run_id, agency_id, ctx.day, card["score"], card["grade"], int(card["vetoed"]),
                     json.dumps(card["deductions"], ensure_ascii=False), stamp))
    conn.executemany("INSERT INTO scorecards (check_run_id, agency_id, as_of, score, grade, vetoed, deductions, "
                     "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return cards
