"""What every check family shares: the run's context (as_of, the agencies in scope, their rules)
and the temporary tables the checks join against.

Checks never fetch: they read what the crawler stored. One crawl run (status ``finished``) is one
observation of each agency it has fetches for; observations are ordered by crawl run id, never by
wall-clock time (the sandbox makes days pass while the clock does not). A finding rests only on
pages that were read (``fetches.verdict = 'read'``): an agency whose portal was not read in its
latest observation (down, blocked, in maintenance, an error page) is not *fresh*: its content
checks keep their findings as they were (neither opened nor resolved) until a crawl reads it
again; a column whose page was not read keeps its own findings the same way (``Outcome.unsettled``).

Temporary tables (dropped with the connection, rebuilt by every run):
- ``_runs(id)``: finished crawl runs.
- ``_ag``: agencies in scope: id, cfg (its resolved-rules profile), level, kind, homepage, portal,
  quota, latest_run, fresh (its latest observation read its portal), home_ok.
- ``_obs``: (agency_id, run_id) observations with the homepage probes of each.
- ``_cur``: (agency_id, url) pages fetched in the agency's latest observation (a redirect counted for
  the URL it started from too): ok (the page, or where it led, was read), gone (the site said it
  is not there: 404/410 or a soft 404), unread (it answered, but not with the page), robots.
- ``_col``: the agencies' columns with their state on as_of (current, ok, unread, container, items
  and their last date, through ``listings``: an item counts for every column that lists it).
- ``_dates``: per fresh column with listings, whether one of its items is undated and its last date
  up to as_of (one pass over the listings; what ``_col`` takes them from).
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from core.vocabulary import GONE_VERDICTS
from extract.reports import is_report_title
from monitors.rulebook import Rulebook

PAGE_KINDS = ("home", "portal", "column", "api")
ROBOTS_ERROR = "robots.txt%"
REDIRECT = "COALESCE(f.status BETWEEN 300 AND 399 AND f.status != 304, 0)"   # a step, not an answer
# The page itself was read (not a challenge, soft 404 or maintenance notice; 304 is the kept page).
READ = f"COALESCE(f.verdict = 'read' AND NOT {REDIRECT}, 0)"
HOME_OK = "COALESCE(f.verdict = 'read' AND COALESCE(f.elapsed_ms, 0) < a.timeout_ms, 0)"
# Not an observation of the page at all: the crawler was not let in (robots.txt, an anti-bot wall, a
# login), got no whole page, or was told the site is in maintenance.
NOT_OBSERVED = "('robots', 'blocked', 'incomplete', 'maintenance', 'login')"
GONE = str(GONE_VERDICTS)
_REPORT_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


@dataclass
class Finding:
    agency_id: str
    check: str
    subject: str
    severity: str
    message: str
    evidence: dict
    rule: str
    citation: str
    observations: int = 1


@dataclass
class Outcome:
    """A check's findings, and the agencies whose findings of that check this run settles (an
    open finding of an evaluated agency that is not found again is resolved)."""
    check: str
    findings: list[Finding] = field(default_factory=list)
    evaluated: set[str] = field(default_factory=set)
    # (agency id, subject) whose finding this run cannot settle: its page was not read this time.
    unsettled: set[tuple[str, str]] = field(default_factory=set)


@dataclass
class Context:
    conn: sqlite3.Connection
    as_of: dt.date
    rulebook: Rulebook
    agency_ids: list[str] | None = None
    profiles: dict[int, tuple[int, ...]] = field(default_factory=dict)   # cfg id -> override indexes
    agencies: dict[str, dict] = field(default_factory=dict)             # in scope, by id
    fresh: set[str] = field(default_factory=set)
    observed: set[str] = field(default_factory=set)
    # Fresh agencies whose portal showed at least one column: a portal read with no column found in
    # it (drawn by a script we did not run, a page that is not the portal) is not recognised, and
    # no column is called missing from it.
    recognised: set[str] = field(default_factory=set)
    _shared: dict[str, Any] = field(default_factory=dict)
    writes: list[tuple[str, list]] = field(default_factory=list)   # queued by write(), applied by run_checks

    def write(self, sql: str, rows: Iterable[tuple]) -> None:
        """``executemany(sql, rows)`` on the database, applied with the run's findings under the write
        lock. Checks read one snapshot and write only temporary tables themselves (a crawl may be
        writing beside them; ``monitors/run_checks.py`` refuses any other write), so a check that
        reads what it stores reads it from its own temporary table this run."""
        self.writes.append((sql, list(rows)))

    def once(self, key: str, compute: Callable[[], Any]) -> Any:
        """What several checks of one run share (the reports they judge), computed by the first."""
        if key not in self._shared:
            self._shared[key] = compute()
        return self._shared[key]

    @property
    def day(self) -> str:
        return self.as_of.isoformat()

    def rules(self, cfg: int) -> dict:
        return self.rulebook.resolve(self.profiles[cfg])

    def agency_rules(self, agency_id: str) -> dict:
        return self.rules(self.agencies[agency_id]["cfg"])

    def unread_columns(self, types: tuple[str, ...] | None = None) -> set[tuple[str, str]]:
        """(agency id, column URL) of columns fetched in the latest observation whose page was not
        read (blocked, in maintenance, an error): what they show is not known this time."""
        where = f" AND type IN ({','.join('?' * len(types))})" if types else ""
        return {(a, u) for a, u in self.q(f"SELECT agency_id, url FROM _col WHERE current AND unread{where}",
                                            list(types or ()))}

    def cfgs(self) -> list[int]:
        return list(self.profiles)

    def q(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        cursor = self.conn.cursor()
        cursor.row_factory = sqlite3.Row
        return cursor.execute(sql, params).fetchall()

    def table(self, name: str, columns: str, rows: Iterable[tuple], index: str | None = None) -> None:
        """A fresh temporary table filled with ``rows``."""
        self.conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
        self.conn.execute(f"CREATE TEMP TABLE {name} ({columns})")
        rows = list(rows)
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            self.conn.executemany(f"INSERT INTO temp.{name} VALUES ({marks})", rows)
        if index:
            self.conn.execute(f"CREATE INDEX temp.{name}_ix ON {name} ({index})")

    def check_param(self, check: str, *paths: str) -> list[tuple]:
        """(cfg, value of each dotted path under checks.<check>) for every profile in use."""
        out = []
        for cfg in self.cfgs():
            rules = self.rules(cfg)["checks"][check]
            values = []
            for path in paths:
                node = rules
                for part in path.split("."):
                    node = node[part]
                values.append(node)
            out.append((cfg, *values))
        return out


def report_year(title: str | None, strict: int) -> int | None:
    """The report year a title names (「2023年度政府信息公开工作年度报告」 → 2023); with ``strict``
    the title must also read as a disclosure annual report (``extract.is_report_title``: for items
    outside 年报 columns)."""
    if not title:
        return None
    if strict:
        return is_report_title(title)
    match = _REPORT_YEAR.search(title)
    return int(match.group(1)) if match else None


def prepare(ctx: Context) -> None:
    """Build the run's temporary tables; fills ``ctx.agencies``, ``ctx.observed`` and ``ctx.fresh``."""
    conn = ctx.conn
    conn.create_function("gk_report_year", 2, report_year, deterministic=True)
    rows = ctx.q("SELECT id, name, level, kind, homepage, portal, monthly_quota FROM agencies ORDER BY id")
    wanted = set(ctx.agency_ids or [])
    by_profile: dict[tuple[int, ...], int] = {}
    for row in rows:
        if wanted and row["id"] not in wanted:
            continue
        agency = dict(row)
        profile = ctx.rulebook.profile(agency)
        if profile not in by_profile:
            by_profile[profile] = len(by_profile)
            ctx.profiles[by_profile[profile]] = profile
        agency["cfg"] = by_profile[profile]
        ctx.agencies[agency["id"]] = agency
    for cfg in ctx.cfgs():
        ctx.rules(cfg)  # validates every merged profile before anything runs

    ctx.table("_runs", "id INTEGER PRIMARY KEY",
              ctx.q("SELECT id FROM crawl_runs WHERE status = 'finished'"))
    timeouts = {cfg: round(ctx.rules(cfg)["checks"]["site_unreachable"]["timeout_seconds"] * 1000)
                for cfg in ctx.cfgs()}
    ctx.table("_ag", "id TEXT PRIMARY KEY, cfg INT, level TEXT, kind TEXT, homepage TEXT, portal TEXT, "
              "quota INT, timeout_ms INT, latest_run INT, fresh INT DEFAULT 0, home_ok INT DEFAULT 0",
              [(a["id"], a["cfg"], a["level"], a["kind"], a["homepage"], a["portal"], a["monthly_quota"],
                timeouts[a["cfg"]], None, 0, 0) for a in ctx.agencies.values()])

    # Observations: per agency and finished run, its homepage probes and whether any page answered.
    conn.execute("DROP TABLE IF EXISTS temp._obs")
    conn.execute(f"""
        CREATE TEMP TABLE _obs AS
        SELECT f.agency_id, f.crawl_run_id AS run_id,
               SUM(f.kind = 'home' AND f.verdict NOT IN {NOT_OBSERVED}) AS home_probes,
               SUM(f.kind = 'home' AND f.verdict NOT IN {NOT_OBSERVED} AND NOT {HOME_OK}) AS home_fail,
               MAX(f.kind = 'home' AND {HOME_OK}) AS home_ok,
               MAX(f.kind = CASE WHEN a.portal = a.homepage THEN 'home' ELSE 'portal' END AND {READ}) AS portal_read
        FROM _ag a JOIN fetches f ON f.agency_id = a.id
        WHERE f.crawl_run_id IN (SELECT id FROM _runs) AND f.kind IN {PAGE_KINDS}
          AND f.verdict != 'robots'
        GROUP BY f.agency_id, f.crawl_run_id""")
    conn.execute("CREATE INDEX temp._obs_ix ON _obs (agency_id, run_id)")
    conn.execute("""
        UPDATE _ag SET latest_run = (SELECT MAX(run_id) FROM _obs o WHERE o.agency_id = _ag.id)""")
    conn.execute("""
        UPDATE _ag SET fresh = COALESCE((SELECT portal_read FROM _obs o WHERE o.agency_id = _ag.id
                                         AND o.run_id = _ag.latest_run), 0)
        WHERE latest_run IS NOT NULL""")

    # Pages fetched in each agency's latest observation (robots-blocked ones included: they are
    # linked, the crawler was only not allowed to look).
    conn.execute("DROP TABLE IF EXISTS temp._cur")
    conn.execute(f"""
        CREATE TEMP TABLE _cur AS
        WITH f AS (SELECT f.*, f.url AS key FROM _ag a JOIN fetches f ON f.agency_id = a.id
                   AND f.crawl_run_id = a.latest_run WHERE f.kind IN {PAGE_KINDS}
                   UNION ALL
                   SELECT f.*, f.redirected_from AS key FROM _ag a JOIN fetches f ON f.agency_id = a.id
                   AND f.crawl_run_id = a.latest_run WHERE f.kind IN {PAGE_KINDS} AND f.redirected_from IS NOT NULL)
        SELECT f.agency_id, f.key AS url, MAX({READ}) AS ok,
               MAX(NOT {REDIRECT} AND f.verdict IN {GONE}) AS gone,
               MAX(NOT {REDIRECT} AND f.verdict NOT IN ('read', 'robots') AND f.verdict NOT IN {GONE}) AS unread,
               MAX(f.status) AS status, MAX(f.verdict = 'robots') AS robots
        FROM f GROUP BY f.agency_id, f.key""")
    conn.execute("CREATE UNIQUE INDEX temp._cur_ix ON _cur (agency_id, url)")
    conn.execute("""
        UPDATE _ag SET home_ok = COALESCE((SELECT ok FROM _cur c WHERE c.agency_id = _ag.id
                                           AND c.url = _ag.homepage), 0)""")
    conn.execute("UPDATE _cur SET unread = 0 WHERE ok")   # read on a retry: the page was read

    # Columns and their state on as_of. Item dates come from the (column_id, published) index.
    conn.execute("DROP TABLE IF EXISTS temp._parents")
    conn.execute("CREATE TEMP TABLE _parents AS SELECT DISTINCT parent_id AS id FROM columns WHERE parent_id IS NOT NULL")
    conn.execute("CREATE UNIQUE INDEX temp._parents_ix ON _parents (id)")
    # Each fresh column's undated items and last date up to as_of, in one pass over its listings
    # (listings → items by id, in that order): the two used to be a subquery each, two passes.
    conn.execute("DROP TABLE IF EXISTS temp._dates")
    conn.execute("""
        CREATE TEMP TABLE _dates AS
        SELECT l.column_id, MAX(i.published IS NULL) AS has_undated,
               MAX(CASE WHEN i.published <= :day THEN i.published END) AS last_pub
        FROM listings l CROSS JOIN items i ON i.id = l.item_id
        WHERE l.column_id IN (SELECT c.id FROM _ag a JOIN columns c ON c.agency_id = a.id WHERE a.fresh)
        GROUP BY l.column_id""", {"day": ctx.day})
    conn.execute("CREATE UNIQUE INDEX temp._dates_ix ON _dates (column_id)")
    conn.execute("DROP TABLE IF EXISTS temp._col")
    conn.execute("""
        CREATE TEMP TABLE _col AS
        SELECT c.id, c.agency_id, c.type, c.name, c.url,
               cur.url IS NOT NULL AS current, COALESCE(cur.ok, 0) AS ok, COALESCE(cur.unread, 0) AS unread,
               c.id IN (SELECT id FROM _parents) AS container,
               c.url IN (a.homepage, a.portal) AS is_site_page,
               EXISTS (SELECT 1 FROM listings l WHERE l.column_id = c.id) AS has_items,
               COALESCE(d.has_undated, 0) AS has_undated,
               0 AS has_content,
               d.last_pub AS last_pub
        FROM _ag a JOIN columns c ON c.agency_id = a.id
        LEFT JOIN _cur cur ON cur.agency_id = c.agency_id AND cur.url = c.url
        LEFT JOIN _dates d ON d.column_id = c.id
        WHERE a.fresh""")
    conn.execute("CREATE UNIQUE INDEX temp._col_id ON _col (id)")
    conn.execute("CREATE INDEX temp._col_ix ON _col (agency_id, type)")
    conn.execute("UPDATE _col SET has_content = has_undated OR last_pub IS NOT NULL")
    # A removed item does not keep its column fresh: recompute the few columns that have one.
    conn.execute("""
        UPDATE _col SET last_pub = (SELECT MAX(i.published) FROM listings l JOIN items i ON i.id = l.item_id
                                    WHERE l.column_id = _col.id AND i.published <= :day AND i.removed_at IS NULL)
        WHERE id IN (SELECT l.column_id FROM items i INDEXED BY items_removed JOIN listings l ON l.item_id = i.id
                     WHERE i.removed_at IS NOT NULL)""",
                 {"day": ctx.day})

    for agency_id, latest, fresh in ctx.q("SELECT id, latest_run, fresh FROM _ag"):
        if latest is not None:
            ctx.observed.add(agency_id)
            if fresh:
                ctx.fresh.add(agency_id)
    ctx.recognised = {a for (a,) in ctx.q("SELECT DISTINCT agency_id FROM _col WHERE current")}


def days_between(later: str, earlier: str) -> int:
    return (dt.date.fromisoformat(later[:10]) - dt.date.fromisoformat(earlier[:10])).days


def run_outcomes(ctx: Context, candidates: str, kinds: tuple[str, ...]) -> None:
    """``_seq``: for each candidate (agency_id, url) of the temp table ``candidates``, its outcome in
    every finished run that fetched it: the run's last attempt (a HEAD refused with 405/501 is
    retried as GET; robots-blocked attempts are no observation)."""
    conn = ctx.conn
    conn.execute("DROP TABLE IF EXISTS temp._seq")
    conn.execute(f"""
        CREATE TEMP TABLE _seq AS
        SELECT x.agency_id, x.url, x.run_id, f.status, f.error, f.elapsed_ms, f.fetched_at, f.kind, f.verdict
        FROM (SELECT c.agency_id, c.url, f.crawl_run_id AS run_id, MAX(f.id) AS fetch_id
              FROM {candidates} c JOIN fetches f ON f.url = c.url AND f.agency_id = c.agency_id
              WHERE f.kind IN {kinds if len(kinds) > 1 else f"('{kinds[0]}')"}
                AND f.crawl_run_id IN (SELECT id FROM _runs)
                AND f.verdict NOT IN {NOT_OBSERVED}
                AND NOT COALESCE(f.method = 'HEAD' AND f.status IN (405, 501), 0)
              GROUP BY c.agency_id, c.url, f.crawl_run_id) x
        JOIN fetches f ON f.id = x.fetch_id""")
    conn.execute("CREATE INDEX temp._seq_ix ON _seq (agency_id, url, run_id)")


def streaks(ctx: Context, failing_sql: str) -> list[sqlite3.Row]:
    """Per (agency_id, url) of ``_seq``: the latest outcome, and how many consecutive observations
    up to the latest one are failing (``failing_sql`` is a boolean over _seq's columns)."""
    return ctx.q(f"""
        WITH s AS (SELECT *, ({failing_sql}) AS failing FROM _seq),
        last_ok AS (SELECT agency_id, url, MAX(run_id) AS run_id FROM s WHERE NOT failing GROUP BY agency_id, url),
        latest AS (SELECT agency_id, url, MAX(run_id) AS run_id FROM s GROUP BY agency_id, url)
        SELECT s.agency_id, s.url, l.run_id AS latest_run,
               SUM(s.run_id > COALESCE(k.run_id, 0)) AS streak,
               MIN(CASE WHEN s.run_id > COALESCE(k.run_id, 0) THEN s.fetched_at END) AS failing_since,
               MAX(CASE WHEN s.run_id = l.run_id THEN s.status END) AS status,
               MAX(CASE WHEN s.run_id = l.run_id THEN s.error END) AS error,
               MAX(CASE WHEN s.run_id = l.run_id THEN s.elapsed_ms END) AS elapsed_ms,
               MAX(CASE WHEN s.run_id = l.run_id THEN s.fetched_at END) AS fetched_at,
               MAX(CASE WHEN s.run_id = l.run_id THEN s.kind END) AS kind,
               MAX(CASE WHEN s.run_id = l.run_id THEN s.verdict END) AS verdict
        FROM s JOIN latest l USING (agency_id, url) LEFT JOIN last_ok k USING (agency_id, url)
        GROUP BY s.agency_id, s.url""")


def rule_fields(ctx: Context, node: dict, **extra) -> dict:
    """The evidence keys every finding carries about its rule."""
    return {"rule_source": ctx.rulebook.source_title(node.get("source")), "citation": node["citation"],
            "verification": node["verification"], **extra}


def short_cite(node: dict) -> str:
    """The document number a message ends with, e.g. 国办秘函〔2019〕19号 or 条例第四十九条."""
    citation = node["citation"]
    match = re.search(r"(国办[^\s：:「」，,；;（）()]*〔\d{4}〕\d+号)", citation)
    if match:
        return match.group(1)
    match = re.search(r"((?:\d{4}年)?条例第[一二三四五六七八九十]+条(?:第（[一二三四五六七八九十]+）项)?)", citation)
    if match:
        return match.group(1)
    return citation.split("：")[0].split("「")[0][:40]


def attach_captures(ctx: Context, outcomes: list[Outcome]) -> None:
    """Each finding's evidence names the archived captures it was judged on: for every page it rests
    on (``urls``, else its subject), the latest capture up to the agency's latest crawl run, by id and
    SHA-256 (table ``captures``; ``gkwatch serve`` replays them)."""
    wanted = {(f.agency_id, url) for o in outcomes for f in o.findings for url in f.evidence.get("urls") or [f.subject]}
    ctx.table("_wanted", "agency_id TEXT, url TEXT, PRIMARY KEY (agency_id, url)", sorted(wanted))
    found = {(r["agency_id"], r["url"]): {"url": r["url"], "capture_id": r["id"], "sha256": r["content_hash"],
                                          "captured_at": r["captured_at"]}
             for r in ctx.q("""
        SELECT w.agency_id, w.url, c.id, c.content_hash, c.captured_at FROM _wanted w JOIN _ag a ON a.id = w.agency_id
        JOIN captures c ON c.id = (SELECT MAX(x.id) FROM captures x WHERE x.url = w.url
                                   AND (x.crawl_run_id IS NULL OR x.crawl_run_id <= a.latest_run))""")}
    for outcome in outcomes:
        for f in outcome.findings:
            captures = [found[(f.agency_id, url)] for url in f.evidence.get("urls") or [f.subject]
                        if (f.agency_id, url) in found]
            if captures:
                f.evidence["captures"] = captures
