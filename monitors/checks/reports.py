"""Annual reports (政府信息公开工作年度报告): missing after the deadline, or published late, by the
rule in force for the report's year (2007 条例 第三十一条 for 2008–2018, 条例 第四十九条 from 2019).

A report is an item of an ``annual_report`` column whose title names a year, or an item anywhere on
the site titled as a disclosure annual report (「…2015年度政务公开工作报告」, 「…政府信息公开年报」).
Its publication date is the earliest such item's date. What a report says (its parsed tables, in
``reports`` and ``report_cells``) is judged by ``report_contents``.
"""

from __future__ import annotations

import json

from monitors.rulebook import report_deadline
from storage.schema import REPORT_TITLE_SQL

from .base import Context, Finding, Outcome, days_between, rule_fields, short_cite
from . import report_judge


def report_timeliness(rules: dict, year: int, published: str | None) -> dict | None:
    """Whether the report on ``year`` published on ``published`` (YYYY-MM-DD) met its deadline, by the
    resolved ``rules`` (``Rulebook.for_agency``): {"deadline", "on_time", "days_late", "citation"};
    None when no deadline rule covers the year or the date is unknown."""
    deadline = report_deadline(rules, year)
    if deadline is None or not published:
        return None
    due, rule = deadline
    late = days_between(published[:10], due) if published[:10] > due else 0
    return {"deadline": due, "on_time": late == 0, "days_late": late, "citation": rule["citation"]}


def find_reports(ctx: Context) -> dict[str, dict[int, dict]]:
    """agency id → report year → {published, url, title}, as of ``ctx.as_of``."""
    conn = ctx.conn
    conn.execute("DROP TABLE IF EXISTS temp._reports")
    # CROSS JOIN keeps SQLite to this order: the few report columns, then their listings (by the
    # primary key), not every listing of the site looked up in _col.
    conn.execute("""
        CREATE TEMP TABLE _reports AS
        SELECT c.agency_id, gk_report_year(i.title, 0) AS year, i.published, i.url, i.title
        FROM _col c CROSS JOIN listings l ON l.column_id = c.id CROSS JOIN items i ON i.id = l.item_id
        WHERE c.type = 'annual_report' AND i.removed_at IS NULL AND (i.published IS NULL OR i.published <= :day)""",
                 {"day": ctx.day})
    # Reports filed elsewhere on the site, through the partial index of report-like titles.
    conn.execute(f"""
        INSERT INTO _reports
        SELECT agency_id, gk_report_year(title, 1), published, url, title
        FROM items INDEXED BY items_report_titles
        WHERE {REPORT_TITLE_SQL}
          AND removed_at IS NULL AND (published IS NULL OR published <= :day)
          AND agency_id IN (SELECT id FROM _ag WHERE fresh)
          AND COALESCE(column_id NOT IN (SELECT id FROM _col WHERE type = 'annual_report'), 1)""",
                 {"day": ctx.day})
    found: dict[str, dict[int, dict]] = {}
    for agency_id, year, published, url, title in ctx.q(
            "SELECT agency_id, year, published, url, title FROM _reports WHERE year IS NOT NULL "
            "ORDER BY agency_id, year, published IS NULL, published, url"):
        found.setdefault(agency_id, {}).setdefault(year, {"published": published, "url": url, "title": title})
    return found


def annual_report_missing(ctx: Context) -> Outcome:
    return _by_check(ctx, annual_reports)["annual_report_missing"]


def annual_report_late(ctx: Context) -> Outcome:
    return _by_check(ctx, annual_reports)["annual_report_late"]


def _by_check(ctx: Context, family) -> dict[str, Outcome]:
    return ctx.once(family.__name__, lambda: {outcome.check: outcome for outcome in family(ctx)})


def annual_reports(ctx: Context) -> list[Outcome]:
    """``annual_report_missing`` and ``annual_report_late`` from one pass over the reports found."""
    # A report column that could not be read this time may hold the report: its agency's reports wait.
    unread = {agency_id for agency_id, _ in ctx.unread_columns(("annual_report",))}
    missing = Outcome("annual_report_missing", evaluated=ctx.recognised - unread)
    late = Outcome("annual_report_late", evaluated=ctx.recognised - unread)
    reports = find_reports(ctx)
    for agency_id in sorted(ctx.fresh):
        rules = ctx.agency_rules(agency_id)
        settings = rules["annual_reports"]
        if agency_id in unread or agency_id not in ctx.recognised:
            continue
        spec_missing, spec_late = rules["checks"]["annual_report_missing"], rules["checks"]["annual_report_late"]
        first = max(settings["first_year"], ctx.as_of.year - settings["lookback_years"])
        found = reports.get(agency_id, {})
        for year in range(first, ctx.as_of.year):
            deadline = report_deadline(rules, year)
            if deadline is None:
                continue
            due, rule = deadline
            if ctx.day <= due:
                continue
            report = found.get(year)
            if report is None:
                if not spec_missing["enabled"]:
                    continue
                overdue = days_between(ctx.day, due)
                message = (f"未找到 {year} 年度政府信息公开工作年度报告，法定期限 {due} 已过 {overdue} 天"
                           f"（{short_cite(rule)}）")
                missing.findings.append(Finding(
                    agency_id, "annual_report_missing", str(year), spec_missing["severity"], message,
                    rule_fields(ctx, rule, urls=[ctx.agencies[agency_id]["portal"]], report_year=year, deadline=due,
                                days_overdue=overdue),
                    spec_missing["rule"], rule["citation"]))
            elif spec_late["enabled"] and not (timing := report_timeliness(rules, year, report["published"]) or
                                                {"on_time": True})["on_time"]:
                overdue = timing["days_late"]
                message = (f"{year} 年度政府信息公开工作年度报告于 {report['published']} 发布，"
                           f"晚于法定期限 {due} 共 {overdue} 天（{short_cite(rule)}）")
                late.findings.append(Finding(
                    agency_id, "annual_report_late", str(year), spec_late["severity"], message,
                    rule_fields(ctx, rule, urls=[report["url"]], report_year=year, title=report["title"],
                                published=report["published"], deadline=due, days_overdue=overdue),
                    spec_late["rule"], rule["citation"]))
    return [missing, late]


# Report contents: the parsed tables (storage.records.upsert_report → reports / report_cells) ----------

CONTENT_CHECKS = ("report_balance", "report_sections_missing", "report_sum_mismatch", "report_impossible_value",
                  "report_claim_mismatch")


def parsed_reports(ctx: Context) -> dict[tuple[str, int], dict]:
    """(agency id, year) → the parsed report to judge, published by ``ctx.as_of``: of several copies
    (a page saying 「详见附件」 and its PDF), the one with most table cells, then the earliest URL.
    Without its cells: ``judged_reports`` streams them."""
    if not ctx.fresh:
        return {}
    ctx.table("_rep_ag", "id TEXT PRIMARY KEY", [(a,) for a in sorted(ctx.fresh)])
    rows = ctx.conn.execute("""
        SELECT r.id, r.agency_id, r.year, r.url, r.title, r.format, r.sections, r.figures
        FROM reports r WHERE r.agency_id IN (SELECT id FROM temp._rep_ag) AND r.year IS NOT NULL
          AND (r.published IS NULL OR r.published <= :day)""", {"day": ctx.day}).fetchall()
    by_key: dict[tuple[str, int], list[tuple]] = {}
    for row in rows:
        by_key.setdefault((row[1], row[2]), []).append(row)
    # Cells are counted only where copies compete (most reports have one copy per year).
    counts: dict[int, int] = {}
    contested = [row[0] for group in by_key.values() if len(group) > 1 for row in group]
    for report_id in contested:
        counts[report_id] = ctx.conn.execute("SELECT count(*) FROM report_cells WHERE report_id = ?",
                                             [report_id]).fetchone()[0]
    chosen: dict[tuple[str, int], dict] = {}
    for key in sorted(by_key):
        group = by_key[key]
        row = group[0] if len(group) == 1 else min(group, key=lambda r: (-counts[r[0]], r[3]))
        chosen[key] = {"id": row[0], "url": row[3], "title": row[4], "format": row[5],
                       "sections": json.loads(row[6] or "[]"), "figures": json.loads(row[7] or "{}")}
    return chosen


# Reading a few reports' cells through the report_id index beats one pass over every cell.
_SCAN_FROM = 1000


def _stream_tables(ctx: Context, report_ids: list[int]):
    """(report id, its tables in ``Report.to_json()`` shape, cells in stored order) for each of
    ``report_ids`` that has cells, one report at a time. A report may come more than once: its last
    one is complete."""
    if len(report_ids) < _SCAN_FROM:
        for report_id in report_ids:
            tables = _tables_of(ctx, report_id)
            if tables:
                yield report_id, tables
        return
    ctx.table("_rep_ids", "id INTEGER PRIMARY KEY", [(i,) for i in report_ids])
    cursor = ctx.conn.cursor()
    cursor.row_factory = None
    # One sequential pass in cell id (= stored, parse) order: a report's cells are stored together by
    # storage.records.upsert_report, so they come as one run. A report whose cells come in several
    # runs (not written by upsert_report) is read again on its own at the end.
    cursor.execute("SELECT report_id, table_name, row, col, value FROM report_cells NOT INDEXED "
                   "WHERE report_id IN (SELECT id FROM temp._rep_ids) ORDER BY id")
    current, tables = None, {}
    seen, split = set(), set()
    while True:
        batch = cursor.fetchmany(20000)
        if not batch:
            break
        for report_id, table_name, row, col, value in batch:
            if report_id != current:
                if current is not None:
                    yield current, tables
                    seen.add(current)
                if report_id in seen:
                    split.add(report_id)
                current, tables = report_id, {}
            tables.setdefault(table_name, []).append(_cell(row, col, value))
    if current is not None:
        yield current, tables
    for report_id in sorted(split):
        yield report_id, _tables_of(ctx, report_id)


def _tables_of(ctx: Context, report_id: int) -> dict[str, list[dict]]:
    tables: dict[str, list[dict]] = {}
    for table_name, row, col, value in ctx.conn.execute(
            "SELECT table_name, row, col, value FROM report_cells WHERE report_id = ? ORDER BY id", [report_id]):
        tables.setdefault(table_name, []).append(_cell(row, col, value))
    return tables


def _cell(row: str, col: str, value: float | None) -> dict:
    """A stored cell as the parser gave it: whole numbers are ints (3, not 3.0, in evidence)."""
    if value is not None and float(value).is_integer():
        value = int(value)
    return {"row": row, "col": col, "value": value}


def judged_reports(ctx: Context, reports: dict[tuple[str, int], dict]) -> dict[int, dict[str, dict]]:
    """report id → {problem kind: ``report_judge.judge`` problem} for the chosen
    ``reports`` (``parsed_reports(ctx)``) with any problem; a later problem of a kind
    replaces an earlier one. A judgement is kept (``report_judgements``) and a report judged again
    only when its cells or the judge changed; cells are streamed report by report, never all
    held at once."""
    ids = sorted(r["id"] for r in reports.values())
    ctx.table("_rep_ids", "id INTEGER PRIMARY KEY", [(i,) for i in ids])
    found, stale = {}, {}
    for report_id, content_hash, problems in ctx.conn.execute(
            "SELECT r.id, r.content_hash, j.problems FROM reports r LEFT JOIN report_judgements j "
            "ON j.report_id = r.id AND j.content_hash IS r.content_hash AND j.judged_with = ? "
            "WHERE r.id IN (SELECT id FROM temp._rep_ids)", [report_judge.JUDGE_VERSION]):
        if problems is None:
            stale[report_id] = content_hash
        else:
            found[report_id] = json.loads(problems)
    fresh: dict[int, list[dict]] = {report_id: [] for report_id in stale}  # a report without cells has none
    for report_id, tables in _stream_tables(ctx, sorted(stale)):
        fresh[report_id] = report_judge.judge({"tables": tables})
    ctx.write("INSERT OR REPLACE INTO report_judgements VALUES (?, ?, ?, ?)",   # kept with the run's findings
              [(report_id, stale[report_id], report_judge.JUDGE_VERSION, json.dumps(problems, ensure_ascii=False))
               for report_id, problems in fresh.items()])
    found.update(fresh)
    return {report_id: {p["kind"]: p for p in problems} for report_id, problems in found.items() if problems}


def _crawled_per_year(ctx: Context, agency_ids: set[str]) -> dict[str, tuple[str | None, dict[int, int]]]:
    """agency id → (earliest dated item outside its 年报 column, items published per year) as crawled."""
    out: dict[str, tuple[str | None, dict[int, int]]] = {}
    cursor = ctx.conn.cursor()
    cursor.row_factory = None
    for agency_id in sorted(agency_ids):
        # One query per agency through its (agency_id, url) index: per year the item count and the
        # earliest date of an item outside a 年报 column (back-years' reports migrated onto a new
        # site are old documents, not crawl coverage). A single grouped query over all agencies
        # measured slower (a temp B-tree over every item).
        first, counts = None, {}
        for year, n, earliest in cursor.execute(
                "SELECT substr(i.published, 1, 4), count(*), "
                "min(CASE WHEN coalesce(c.type, '') != 'annual_report' THEN i.published END) "
                "FROM items i LEFT JOIN columns c ON c.id = i.column_id "
                "WHERE i.agency_id = ? AND i.published IS NOT NULL GROUP BY 1", [agency_id]).fetchall():
            counts[int(year)] = n
            if earliest is not None and (first is None or earliest < first):
                first = earliest
        out[agency_id] = (first, counts)
    return out


def report_balance(ctx: Context) -> Outcome:
    return _by_check(ctx, report_contents)["report_balance"]


def report_sections_missing(ctx: Context) -> Outcome:
    return _by_check(ctx, report_contents)["report_sections_missing"]


def report_sum_mismatch(ctx: Context) -> Outcome:
    return _by_check(ctx, report_contents)["report_sum_mismatch"]


def report_impossible_value(ctx: Context) -> Outcome:
    return _by_check(ctx, report_contents)["report_impossible_value"]


def report_claim_mismatch(ctx: Context) -> Outcome:
    return _by_check(ctx, report_contents)["report_claim_mismatch"]


def report_contents(ctx: Context) -> list[Outcome]:
    """The five ``report_*`` checks from one judgement of each report's tables."""
    from extract.reports import SECTIONS

    outcomes = {name: Outcome(name, evaluated=set(ctx.fresh)) for name in CONTENT_CHECKS}
    reports = parsed_reports(ctx)
    judged = judged_reports(ctx, reports)
    claims = {a for (a, _), r in reports.items() if "active_disclosed" in r["figures"]}
    crawled = _crawled_per_year(ctx, claims)

    def add(agency_id: str, check: str, year: int, report: dict, message: str, **evidence) -> None:
        spec = ctx.agency_rules(agency_id)["checks"][check]
        if not spec["enabled"]:
            return
        outcomes[check].findings.append(Finding(
            agency_id, check, str(year), spec["severity"], f"{year} 年度报告：{message}（{short_cite(spec)}）",
            rule_fields(ctx, spec, urls=[report["url"]], report_year=year, title=report["title"], **evidence),
            spec["rule"], spec["citation"]))

    for (agency_id, year), report in sorted(reports.items()):
        problems = judged.get(report["id"], {})
        if "balance" in problems:
            p = problems["balance"]
            add(agency_id, "report_balance", year, report, p["message"], columns=p["columns"], detail=p["detail"])
        if "sum_mismatch" in problems:
            p = problems["sum_mismatch"]
            add(agency_id, "report_sum_mismatch", year, report, p["message"], detail=p["detail"])
        if "impossible_value" in problems:
            p = problems["impossible_value"]
            add(agency_id, "report_impossible_value", year, report, p["message"], detail=p["detail"])
        if report["format"] in ("2019", "2021"):
            missing = [name for name, _ in SECTIONS if name not in report["sections"]]
            if missing:
                add(agency_id, "report_sections_missing", year, report, "缺少章节 " + "、".join(missing),
                    missing=missing)
        claimed = report["figures"].get("active_disclosed")
        if claimed is not None and agency_id in crawled:
            first, counts = crawled[agency_id]
            if first is None or first > f"{year}-01-01":
                continue  # the crawl does not reach back over the whole year: nothing to compare
            spec = ctx.agency_rules(agency_id)["checks"]["report_claim_mismatch"]
            seen = counts.get(year, 0)
            tolerance = max(spec["tolerance_items"], spec["tolerance_ratio"] * claimed)
            if abs(claimed - seen) > tolerance:
                add(agency_id, "report_claim_mismatch", year, report,
                    f"报告称主动公开 {claimed} 条，网站可见 {year} 年发布的信息 {seen} 条，差异超过容差 {tolerance:g}",
                    claimed=claimed, crawled=seen, tolerance=tolerance)
    return list(outcomes.values())
