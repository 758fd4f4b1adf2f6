"""Annual reports (政府信息公开工作年度报告): missing after the deadline, or published late, by the
rule in force for the report's year (2007 条例 第三十一条 for 2008–2018, 条例 第四十九条 from 2019).

A report is an item of an ``annual_report`` column whose title names a year, or an item anywhere on
the site titled as a disclosure annual report (「…2015年度政务公开工作报告」, 「…政府信息公开年报」).
Its publication date is the earliest such item's date. Until the ``reports`` table exists (report
parsing is another issue), this is all the database knows about reports.
"""

from __future__ import annotations

from monitors.rulebook import report_deadline

from .base import Context, Finding, Outcome, days_between, rule_fields, short_cite


REPORT_TITLES = ("(instr(title, '年报') OR instr(title, '年度报告') OR instr(title, '工作报告')) "
                 "AND instr(title, '公开')")


def find_reports(ctx: Context) -> dict[str, dict[int, dict]]:
    """agency id → report year → {published, url, title}, as of ``ctx.as_of``."""
    conn = ctx.conn
    conn.execute("DROP TABLE IF EXISTS temp._reports")
    conn.execute("""
        CREATE TEMP TABLE _reports AS
        SELECT c.agency_id, gk_report_year(i.title, 0) AS year, i.published, i.url, i.title
        FROM _col c JOIN items i ON i.column_id = c.id
        WHERE c.type = 'annual_report' AND i.removed_at IS NULL AND (i.published IS NULL OR i.published <= :day)""",
                 {"day": ctx.day})
    # Reports filed elsewhere on the site, through the partial index of report-like titles
    # (storage.schema._v3_checks: the title condition must stay word for word the same).
    conn.execute(f"""
        INSERT INTO _reports
        SELECT agency_id, gk_report_year(title, 1), published, url, title
        FROM items INDEXED BY items_report_titles
        WHERE {REPORT_TITLES}
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


def annual_reports(ctx: Context) -> list[Outcome]:
    missing = Outcome("annual_report_missing", evaluated=set(ctx.fresh))
    late = Outcome("annual_report_late", evaluated=set(ctx.fresh))
    reports = find_reports(ctx)
    for agency_id in sorted(ctx.fresh):
        rules = ctx.agency_rules(agency_id)
        settings = rules["annual_reports"]
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
            elif report["published"] and report["published"] > due and spec_late["enabled"]:
                overdue = days_between(report["published"], due)
                message = (f"{year} 年度政府信息公开工作年度报告于 {report['published']} 发布，"
                           f"晚于法定期限 {due} 共 {overdue} 天（{short_cite(rule)}）")
                late.findings.append(Finding(
                    agency_id, "annual_report_late", str(year), spec_late["severity"], message,
                    rule_fields(ctx, rule, urls=[report["url"]], report_year=year, title=report["title"],
                                published=report["published"], deadline=due, days_overdue=overdue),
                    spec_late["rule"], rule["citation"]))
    return [missing, late]
