"""The findings lifecycle: a finding is identified by (agency, check, subject).

- found and not open before → opened (``first_seen`` = the run's as_of), or re-opened when it had
  been resolved (``times_reopened`` + 1, ``resolved_at`` cleared);
- found and open → updated (``last_seen``, severity, message, evidence, observations);
- not found, open, and its (agency, check) was evaluated by this run → resolved (``resolved_at``);
  an agency the latest crawl did not reach is not evaluated, so its findings stay as they were.

Every transition (opened, escalated = open with a higher severity, reopened, resolved) is also written
to ``finding_events`` in the same transaction: ``gkwatch alert`` sends those.

Everything is done with a few set-based statements over a temporary table, so a second run over
the same data changes nothing, and a run killed halfway leaves the previous state intact (one
transaction).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from core.clock import iso
from core.vocabulary import SEVERITY_RANK

from .checks.base import Finding, Outcome

@dataclass
class Transitions:
    opened: list[tuple[str, str, str]] = field(default_factory=list)
    reopened: list[tuple[str, str, str]] = field(default_factory=list)
    resolved: list[tuple[str, str, str]] = field(default_factory=list)
    # findings open now whose severity is new to them: not open before, or open with a lower severity
    new_by_severity: dict[str, int] = field(default_factory=lambda: {s: 0 for s in SEVERITY_RANK})
    new_keys: set[tuple[str, str, str]] = field(default_factory=set)


_RANK_SQL = "CASE {} " + " ".join(f"WHEN '{code}' THEN {rank}" for code, rank in SEVERITY_RANK.items()) + " ELSE -1 END"


def apply(conn: sqlite3.Connection, as_of: str, outcomes: list[Outcome],
          check_run_id: int | None = None) -> Transitions:
    out = Transitions()
    rows, evaluated, seen, unsettled = [], set(), set(), set()
    for outcome in outcomes:
        evaluated.update((agency_id, outcome.check) for agency_id in outcome.evaluated)
        unsettled.update((agency_id, outcome.check, subject) for agency_id, subject in outcome.unsettled)
        for f in outcome.findings:
            key = (f.agency_id, f.check, f.subject)
            if key in seen:
                continue
            seen.add(key)
            evaluated.add((f.agency_id, f.check))
            rows.append(_row(f))
    conn.execute("DROP TABLE IF EXISTS temp._found")
    conn.execute("""CREATE TEMP TABLE _found (agency_id TEXT, check_name TEXT, subject TEXT, severity TEXT,
                    message TEXT, evidence TEXT, rule TEXT, citation TEXT, observations INT,
                    PRIMARY KEY (agency_id, check_name, subject))""")
    conn.executemany("INSERT INTO _found VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute("DROP TABLE IF EXISTS temp._evaluated")
    conn.execute("CREATE TEMP TABLE _evaluated (agency_id TEXT, check_name TEXT, PRIMARY KEY (agency_id, check_name))")
    conn.executemany("INSERT INTO _evaluated VALUES (?, ?)", sorted(evaluated))
    # An open finding about a page this run could not read stays as it is (neither found nor resolved).
    conn.execute("DROP TABLE IF EXISTS temp._unsettled")
    conn.execute("CREATE TEMP TABLE _unsettled (agency_id TEXT, check_name TEXT, subject TEXT, "
                 "PRIMARY KEY (agency_id, check_name, subject))")
    conn.executemany("INSERT INTO _unsettled VALUES (?, ?, ?)", sorted(unsettled))

    for agency_id, check, subject, severity, status, before in conn.execute("""
            SELECT n.agency_id, n.check_name, n.subject, n.severity, f.status, f.severity
            FROM _found n LEFT JOIN findings f USING (agency_id, check_name, subject)
            WHERE f.status IS NULL OR f.status != 'open' OR f.severity != n.severity"""):
        key = (agency_id, check, subject)
        if status is None:
            out.opened.append(key)
        elif status != "open":
            out.reopened.append(key)
        if status != "open" or SEVERITY_RANK[severity] > SEVERITY_RANK.get(before, -1):
            out.new_by_severity[severity] += 1
            out.new_keys.add(key)
    # Open findings of what this run evaluated that it did not find again are resolved, unless their
    # page could not be read this time.
    conn.execute("DROP TABLE IF EXISTS temp._resolving")
    conn.execute("""
        CREATE TEMP TABLE _resolving AS
        SELECT f.id, f.agency_id, f.check_name, f.subject FROM findings f
        JOIN _evaluated e ON e.agency_id = f.agency_id AND e.check_name = f.check_name
        WHERE f.status = 'open'
          AND NOT EXISTS (SELECT 1 FROM _found n WHERE n.agency_id = f.agency_id
                          AND n.check_name = f.check_name AND n.subject = f.subject)
          AND NOT EXISTS (SELECT 1 FROM _unsettled u WHERE u.agency_id = f.agency_id
                          AND u.check_name = f.check_name AND u.subject = f.subject)""")
    out.resolved = [tuple(r) for r in conn.execute("SELECT agency_id, check_name, subject FROM _resolving")]

    # Every transition becomes a row of finding_events (what `gkwatch alert` sends), in this transaction.
    conn.execute("DROP TABLE IF EXISTS temp._events")
    conn.execute("CREATE TEMP TABLE _events (agency_id TEXT, check_name TEXT, subject TEXT, event TEXT)")
    conn.execute(f"""
        INSERT INTO _events
        SELECT n.agency_id, n.check_name, n.subject,
               CASE WHEN f.status IS NULL THEN 'opened' WHEN f.status != 'open' THEN 'reopened' ELSE 'escalated' END
        FROM _found n LEFT JOIN findings f USING (agency_id, check_name, subject)
        WHERE f.status IS NULL OR f.status != 'open'
           OR {_RANK_SQL.format('n.severity')} > {_RANK_SQL.format('f.severity')}""")
    conn.execute("INSERT INTO _events SELECT agency_id, check_name, subject, 'resolved' FROM _resolving")

    conn.execute("""
        INSERT INTO findings (agency_id, check_name, subject, severity, status, message, evidence, rule, citation,
                              observations, first_seen, last_seen, resolved_at, times_reopened)
        SELECT agency_id, check_name, subject, severity, 'open', message, evidence, rule, citation, observations,
               :day, :day, NULL, 0
        FROM _found WHERE true
        ON CONFLICT (agency_id, check_name, subject) DO UPDATE SET
            times_reopened = findings.times_reopened + (findings.status != 'open'),
            status = 'open', resolved_at = NULL, severity = excluded.severity, message = excluded.message,
            evidence = excluded.evidence, rule = excluded.rule, citation = excluded.citation,
            observations = excluded.observations, last_seen = excluded.last_seen""", {"day": as_of})
    conn.execute("UPDATE findings SET status = 'resolved', resolved_at = ? WHERE id IN (SELECT id FROM _resolving)",
                 [as_of])
    conn.execute("""
        INSERT INTO finding_events (finding_id, event, severity, as_of, check_run_id, created_at)
        SELECT f.id, e.event, f.severity, :day, :run, :now
        FROM _events e JOIN findings f USING (agency_id, check_name, subject)
        ORDER BY f.agency_id, f.check_name, f.subject""",
                 {"day": as_of, "run": check_run_id, "now": iso()})
    return out


def _row(f: Finding) -> tuple:
    evidence = json.dumps({**f.evidence, "rule": f.rule}, ensure_ascii=False, sort_keys=True, default=str)
    return (f.agency_id, f.check, f.subject, f.severity, f.message, evidence, f.rule, f.citation, f.observations)
