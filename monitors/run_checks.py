"""One check run: every check over the database as of a day, findings updated, scorecards written.

``run_checks(db, as_of)`` returns the document ``gkwatch check --json`` prints::

    {"findings": [{"agency", "check", "subject", "severity", "status", "first_seen", "message", "new"}],
     "summary": {"as_of", "check_run_id", "open": {"veto", "deduct", "info"}, "new": {...}, ...}}

``findings`` lists every open finding of the agencies in scope and those this run resolved; ``new``
marks the ones opened, re-opened or raised to a higher severity by this run.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from pathlib import Path

from core import exit_codes
from core.clock import iso
from core.vocabulary import SEVERITIES, SEVERITY_RANK

from . import findings as lifecycle
from . import rulebook as rulebook_module
from .checks import CHECKS, Context, prepare
from .scoring import write_scorecards

def run_checks(db, as_of: dt.date | str, agency_ids: list[str] | None = None,
               rulebook: rulebook_module.Rulebook | str | Path | None = None) -> dict:
    conn: sqlite3.Connection = getattr(db, "conn", db)
    as_of = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    if rulebook is None:
        book = rulebook_module.default()
    elif isinstance(rulebook, rulebook_module.Rulebook):
        book = rulebook
    else:
        book = rulebook_module.load(rulebook)
    ctx = Context(conn=conn, as_of=as_of, rulebook=book, agency_ids=list(agency_ids) if agency_ids else None)
    started, clock = iso(), time.perf_counter()
    timings: dict[str, float] = {}
    with conn:
        prepare(ctx)
        timings["prepare"] = round(time.perf_counter() - clock, 3)
        run_id = conn.execute("INSERT INTO check_runs (as_of, started_at, agencies) VALUES (?, ?, ?)",
                              [ctx.day, started, json.dumps(ctx.agency_ids or "all", ensure_ascii=False)]).lastrowid
        outcomes = []
        for check in CHECKS:
            mark = time.perf_counter()
            outcomes.append(check(ctx))
            timings[check.__name__] = round(time.perf_counter() - mark, 3)
        mark = time.perf_counter()
        transitions = lifecycle.apply(conn, ctx.day, outcomes, run_id)
        cards = write_scorecards(ctx, run_id, ctx.observed)
        timings["findings+scorecards"] = round(time.perf_counter() - mark, 3)
        conn.execute("UPDATE check_runs SET finished_at = ? WHERE id = ?", [iso(), run_id])
        document = _document(ctx, run_id, transitions, cards)
    document["summary"]["seconds"] = round(time.perf_counter() - clock, 3)
    document["summary"]["timings"] = timings
    return document


def _document(ctx: Context, run_id: int, transitions: lifecycle.Transitions, cards: dict) -> dict:
    resolved = set(transitions.resolved)
    rows = ctx.q("""
        SELECT f.agency_id, f.check_name, f.subject, f.severity, f.status, f.first_seen, f.message
        FROM findings f JOIN _ag a ON a.id = f.agency_id
        WHERE f.status = 'open' OR (f.status = 'resolved' AND f.resolved_at = ?)""", [ctx.day])
    listed = []
    for row in rows:
        key = (row["agency_id"], row["check_name"], row["subject"])
        if row["status"] != "open" and key not in resolved:
            continue
        listed.append({"agency": key[0], "check": key[1], "subject": key[2], "severity": row["severity"],
                       "status": row["status"], "first_seen": row["first_seen"], "message": row["message"],
                       "new": key in transitions.new_keys})
    listed.sort(key=lambda f: (f["status"] != "open", -SEVERITY_RANK[f["severity"]], f["agency"], f["check"],
                               f["subject"]))
    open_counts = {s: 0 for s in reversed(SEVERITIES)}
    by_check: dict[str, int] = {}
    for f in listed:
        if f["status"] == "open":
            open_counts[f["severity"]] += 1
            by_check[f["check"]] = by_check.get(f["check"], 0) + 1
    not_observed = sorted(set(ctx.agencies) - ctx.observed)
    return {
        "findings": listed,
        "summary": {
            "as_of": ctx.day, "check_run_id": run_id, "rulebook": str(ctx.rulebook.path),
            "agencies": len(ctx.agencies), "observed": len(ctx.observed),
            "not_observed": not_observed,
            "not_reached": sorted(ctx.observed - ctx.fresh),
            "open": open_counts, "new": dict(transitions.new_by_severity),
            "opened": len(transitions.opened), "reopened": len(transitions.reopened),
            "resolved": len(transitions.resolved), "open_by_check": dict(sorted(by_check.items())),
            "scorecards": {a: {"score": c["score"], "grade": c["grade"], "vetoed": c["vetoed"]}
                           for a, c in sorted(cards.items())},
        },
    }


def exit_code(document: dict, severity: str = "deduct") -> int:
    """0: nothing of ``severity`` or worse is open; 1: some is; 2: some is new since the last run."""
    wanted = [s for s, rank in SEVERITY_RANK.items() if rank >= SEVERITY_RANK[severity]]
    summary = document["summary"]
    if sum(summary["new"][s] for s in wanted):
        return exit_codes.FINDINGS_NEW
    if sum(summary["open"][s] for s in wanted):
        return exit_codes.FINDINGS_OPEN
    return exit_codes.OK
