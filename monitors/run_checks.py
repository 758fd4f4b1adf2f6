"""One check run: every check over the database as of a day, findings updated, scorecards written.

``run_checks(db, as_of)`` returns the document ``gkwatch check --json`` prints::

    {"findings": [{"id", "agency", "check", "subject", "severity", "status", "first_seen", "message",
                   "evidence": {...}, "citation", "new"}],
     "summary": {"as_of", "check_run_id", "open": {"veto", "deduct", "info"}, "new": {...},
                 "scorecards": {agency: {"score", "grade", "vetoed"}}, ...}}

``findings`` lists every open finding of the agencies in scope and those this run resolved; ``new``
marks the ones opened, re-opened or raised to a higher severity by this run; ``citation`` is the
rule's legal source as the rulebook quotes it. A vetoed agency's card is 单项否决 with no score.

A crawl may be writing beside a check. So a run reads, then writes, never both at once: every check
runs on one read snapshot (its own work in temporary tables; what it has to store it queues with
``Context.write``), then the run takes the write lock (``BEGIN IMMEDIATE``, waiting up to the
connection's busy_timeout) and records itself in one short transaction: the check run, the queued
writes, the findings' lifecycle and the scorecards. A read transaction upgraded to a write after
another connection committed fails at once whatever the busy timeout (SQLITE_BUSY_SNAPSHOT), which
is why the two are apart. The crawl's writer waits at most its busy timeout for the lock, so the
write phase is kept short (≈ 2 s at national scale); a lock not obtained is retried
``LOCK_ATTEMPTS`` times, then ``sqlite3.OperationalError`` reaches the caller with nothing written.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path

from core import exit_codes
from core.clock import iso
from core.vocabulary import SEVERITIES, SEVERITY_RANK

from . import findings as lifecycle
from . import rulebook as rulebook_module
from .checks import CHECKS, Context, prepare
from .checks.base import attach_captures
from .scoring import shown, write_scorecards

LOCK_ATTEMPTS = 3       # each waits up to busy_timeout (storage.connect: 30 s) for the write lock
RETRY_PAUSE = 1.0       # seconds before the next attempt, times the attempt number


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
    started, clock = iso(), time.perf_counter()
    timings: dict[str, float] = {}

    def read() -> tuple[Context, list, list[str]]:
        ctx = Context(conn=conn, as_of=as_of, rulebook=book, agency_ids=list(agency_ids) if agency_ids else None)
        timings.clear()
        mark = time.perf_counter()
        with _snapshot(conn):
            prepare(ctx)
            timings["prepare"] = round(time.perf_counter() - mark, 3)
            outcomes = []
            for check in CHECKS:
                mark = time.perf_counter()
                outcomes.append(check(ctx))
                timings[check.__name__] = round(time.perf_counter() - mark, 3)
            blocked = _robots_blocked(ctx)
            attach_captures(ctx, outcomes)
        return ctx, outcomes, blocked

    ctx, outcomes, blocked = _retrying(read)

    def record() -> dict:
        mark = time.perf_counter()
        run_id = conn.execute("INSERT INTO check_runs (as_of, started_at, agencies) VALUES (?, ?, ?)",
                              [ctx.day, started, json.dumps(ctx.agency_ids or "all", ensure_ascii=False)]).lastrowid
        for sql, rows in ctx.writes:
            conn.executemany(sql, rows)
        transitions = lifecycle.apply(conn, ctx.day, outcomes, run_id)
        cards = write_scorecards(ctx, run_id, ctx.observed)
        conn.execute("UPDATE check_runs SET finished_at = ? WHERE id = ?", [iso(), run_id])
        document = _document(ctx, run_id, transitions, cards, blocked)
        timings["findings+scorecards"] = round(time.perf_counter() - mark, 3)
        return document

    waited = time.perf_counter()
    document = _retrying(lambda: _in_write_transaction(conn, record))
    # the wait for the write lock (a crawl writing beside the check): the whole phase less its work
    timings["write_lock_wait"] = round(max(0.0, time.perf_counter() - waited - timings["findings+scorecards"]), 3)
    document["summary"]["seconds"] = round(time.perf_counter() - clock, 3)
    document["summary"]["timings"] = timings
    return document


def locked(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite saying another connection holds the lock (SQLITE_BUSY, SQLITE_LOCKED)."""
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def _retrying(step):
    """``step()``, again after a pause when the database was locked, ``LOCK_ATTEMPTS`` times at most."""
    for attempt in range(1, LOCK_ATTEMPTS + 1):
        try:
            return step()
        except sqlite3.OperationalError as exc:
            if not locked(exc) or attempt == LOCK_ATTEMPTS:
                raise
            time.sleep(RETRY_PAUSE * attempt)


_WRITES = {9, 18, 23}   # SQLITE_DELETE, SQLITE_INSERT, SQLITE_UPDATE


def _refuse_writes(action, table, _column, schema, _trigger):
    """Authorizer of the read phase: temporary tables only (a check queues the rest with ``Context.write``)."""
    if action in _WRITES and schema not in ("temp", None):
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


@contextmanager
def _snapshot(conn: sqlite3.Connection):
    """A read transaction: every read inside sees the database as it was at the first one. Writes to
    the database itself are refused (``Context.write`` queues them); the temporary tables stay after."""
    if conn.in_transaction:
        conn.commit()
    conn.execute("BEGIN")
    conn.set_authorizer(_refuse_writes)
    try:
        yield
    except sqlite3.DatabaseError as exc:
        conn.rollback()
        if "not authorized" in str(exc):
            raise RuntimeError("a check wrote to the database during the read phase: queue the write with "
                               "ctx.write(sql, rows) (monitors/run_checks.py)") from exc
        raise
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.set_authorizer(None)
    conn.commit()   # nothing but temporary tables was written: ends the snapshot, keeps them


def _in_write_transaction(conn: sqlite3.Connection, step):
    """``step()`` in one transaction begun with the write lock (BEGIN IMMEDIATE waits up to
    busy_timeout for it, then fails with "database is locked"); rolled back on any error."""
    if conn.in_transaction:
        conn.commit()
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = step()
    except BaseException:
        conn.rollback()
        raise
    conn.commit()
    return result


def _robots_blocked(ctx: Context) -> list[str]:
    """Agencies in scope whose portal robots.txt forbade in the latest finished crawl that asked for it."""
    return [row[0] for row in ctx.q("""
        SELECT a.id FROM _ag a
        WHERE (SELECT COALESCE(f.error LIKE 'robots.txt%', 0) FROM fetches f
               WHERE f.url = a.portal AND f.agency_id = a.id AND f.crawl_run_id IN (SELECT id FROM _runs)
               ORDER BY f.crawl_run_id DESC, f.id DESC LIMIT 1)
        ORDER BY a.id""")]


def _document(ctx: Context, run_id: int, transitions: lifecycle.Transitions, cards: dict,
              robots_blocked: list[str] = ()) -> dict:
    resolved = set(transitions.resolved)
    rows = ctx.q("""
        SELECT f.id, f.agency_id, f.check_name, f.subject, f.severity, f.status, f.first_seen, f.message,
               f.evidence, f.citation
        FROM findings f JOIN _ag a ON a.id = f.agency_id
        WHERE f.status = 'open' OR (f.status = 'resolved' AND f.resolved_at = ?)""", [ctx.day])
    listed = []
    for row in rows:
        key = (row["agency_id"], row["check_name"], row["subject"])
        if row["status"] != "open" and key not in resolved:
            continue
        listed.append({"id": row["id"], "agency": key[0], "check": key[1], "subject": key[2],
                       "severity": row["severity"], "status": row["status"], "first_seen": row["first_seen"],
                       "message": row["message"], "evidence": json.loads(row["evidence"] or "{}"),
                       "citation": row["citation"], "new": key in transitions.new_keys})
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
            "robots_blocked": list(robots_blocked),   # their portal forbidden by robots.txt: not let in
            "not_reached": sorted(ctx.observed - ctx.fresh),
            "open": open_counts, "new": dict(transitions.new_by_severity),
            "opened": len(transitions.opened), "reopened": len(transitions.reopened),
            "resolved": len(transitions.resolved), "open_by_check": dict(sorted(by_check.items())),
            "scorecards": {a: shown(c) for a, c in sorted(cards.items())},
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
