"""Availability: the site cannot be opened (站点无法访问), a page opens too slowly.

Both are built on fetches, so both open a finding only after ``observations.min_failing``
consecutive failing observations: an outage that passes never becomes a finding.
"""

from __future__ import annotations

from .base import ROBOTS_ERROR, Context, Finding, Outcome, rule_fields, run_outcomes, short_cite, streaks


def site_unreachable(ctx: Context) -> Outcome:
    """The homepage did not answer within 15 s (status 2xx/3xx) in N consecutive observations; veto
    when the failing share of homepage probes over the monitoring window reaches 5 %."""
    out = Outcome("site_unreachable")
    rows = ctx.q("""
        WITH o AS (
            SELECT o.agency_id, o.run_id, o.home_probes, o.home_fail, o.home_ok,
                   ROW_NUMBER() OVER (PARTITION BY o.agency_id ORDER BY o.run_id DESC) AS rn
            FROM _obs o WHERE o.home_probes > 0),
        last_ok AS (SELECT agency_id, MAX(run_id) AS run_id FROM o WHERE home_ok GROUP BY agency_id)
        SELECT o.agency_id, a.cfg, a.homepage, MAX(o.run_id) AS latest_run,
               SUM(o.run_id > COALESCE(k.run_id, 0)) AS streak,
               MIN(CASE WHEN o.run_id > COALESCE(k.run_id, 0) THEN o.run_id END) AS failing_since_run,
               GROUP_CONCAT(o.rn || ':' || o.home_probes || ':' || o.home_fail) AS windows
        FROM o JOIN _ag a ON a.id = o.agency_id LEFT JOIN last_ok k ON k.agency_id = o.agency_id
        GROUP BY o.agency_id""")
    for row in rows:
        out.evaluated.add(row["agency_id"])
        rules = ctx.rules(row["cfg"])
        spec, min_failing = rules["checks"]["site_unreachable"], rules["observations"]["min_failing"]
        if not spec["enabled"] or row["streak"] < min_failing:
            continue
        window = spec["window_observations"]
        probes = failed = 0
        for part in row["windows"].split(","):
            rn, p, f = map(int, part.split(":"))
            if rn <= window:
                probes, failed = probes + p, failed + f
        share = failed / probes if probes else 1.0
        severity = spec["severity"] if share >= spec["veto_share"] else "deduct"
        last = ctx.q("""SELECT status, error, elapsed_ms, fetched_at FROM fetches
                        WHERE agency_id = ? AND crawl_run_id = ? AND kind = 'home' ORDER BY id DESC LIMIT 1""",
                     [row["agency_id"], row["latest_run"]])[0]
        reason = last["error"] or (f"HTTP {last['status']}" if last["status"] and last["status"] >= 400
                                   else f"{(last['elapsed_ms'] or 0) / 1000:.1f} 秒")
        seconds = spec["timeout_seconds"]
        message = (f"网站首页连续 {row['streak']} 次监测无法打开（最近一次：{reason}）；最近 {window} 次监测中 "
                   f"{share:.0%} 的访问失败或超过 {seconds:g} 秒，"
                   f"{'达到' if share >= spec['veto_share'] else '未达'} {spec['veto_share']:.0%} 的单项否决标准"
                   f"（{short_cite(spec)}）")
        out.findings.append(Finding(
            row["agency_id"], "site_unreachable", row["homepage"], severity, message,
            rule_fields(ctx, spec, urls=[row["homepage"]], consecutive_failures=row["streak"],
                        failing_since_run=row["failing_since_run"], latest_run=row["latest_run"],
                        window_observations=window, probes=probes, failed_probes=failed, failed_share=round(share, 4),
                        veto_share=spec["veto_share"], timeout_seconds=seconds, last_error=last["error"],
                        last_status=last["status"], last_fetched_at=last["fetched_at"]),
            spec["rule"], spec["citation"], row["streak"]))
    return out


def slow_page(ctx: Context) -> Outcome:
    """A portal or column page (the homepage counts under site_unreachable) that took 15 s or more,
    or timed out, in N consecutive observations, and is still linked."""
    out = Outcome("slow_page", evaluated=set(ctx.fresh))
    thresholds = {cfg: round(spec * 1000) for cfg, spec in ctx.check_param("slow_page", "threshold_seconds")}
    lowest = min(thresholds.values(), default=15000)
    ctx.conn.execute("DROP TABLE IF EXISTS temp._slow")
    ctx.conn.execute(f"""
        CREATE TEMP TABLE _slow AS
        SELECT DISTINCT f.agency_id, f.url FROM fetches f JOIN _ag a ON a.id = f.agency_id
        WHERE a.fresh AND f.kind IN ('portal', 'column', 'api') AND f.url != a.homepage
          AND f.crawl_run_id IN (SELECT id FROM _runs)
          AND (f.elapsed_ms >= ? OR f.error LIKE '%TimeoutError%' OR f.error LIKE '%timed out%')
          AND (f.error IS NULL OR f.error NOT LIKE '{ROBOTS_ERROR}')""", [lowest])
    run_outcomes(ctx, "_slow", ("portal", "column", "api"))
    ctx.table("_p_slow", "cfg INT PRIMARY KEY, ms INT", list(thresholds.items()))
    failing = """COALESCE(elapsed_ms, 0) >= (SELECT p.ms FROM _p_slow p JOIN _ag a ON a.cfg = p.cfg
                                              WHERE a.id = _seq.agency_id)
                 OR COALESCE(error LIKE '%TimeoutError%' OR error LIKE '%timed out%', 0)"""
    for row in streaks(ctx, failing):
        agency = ctx.agencies[row["agency_id"]]
        rules = ctx.rules(agency["cfg"])
        spec = rules["checks"]["slow_page"]
        current = ctx.q("SELECT 1 FROM _cur WHERE agency_id = ? AND url = ?", [row["agency_id"], row["url"]])
        if not spec["enabled"] or not current or row["streak"] < rules["observations"]["min_failing"]:
            continue
        seconds = spec["threshold_seconds"]
        took = (f"超时（{row['error'].split(':')[0]}）" if row["error"]
                else f"{(row['elapsed_ms'] or 0) / 1000:.1f} 秒")
        name = _column_name(ctx, row["agency_id"], row["url"])
        message = (f"{'栏目「' + name + '」' if name else '页面'}连续 {row['streak']} 次监测打开超过 {seconds:g} 秒"
                   f"（最近一次 {took}）：{row['url']}（{short_cite(spec)}）")
        out.findings.append(Finding(
            row["agency_id"], "slow_page", row["url"], spec["severity"], message,
            rule_fields(ctx, spec, urls=[row["url"]], column=name, consecutive_slow=row["streak"],
                        threshold_seconds=seconds, last_elapsed_ms=row["elapsed_ms"], last_error=row["error"],
                        last_status=row["status"], latest_run=row["latest_run"]),
            spec["rule"], spec["citation"], row["streak"]))
    return out


def _column_name(ctx: Context, agency_id: str, url: str) -> str | None:
    row = ctx.q("SELECT name FROM columns WHERE agency_id = ? AND url = ?", [agency_id, url])
    return row[0]["name"] if row else None
