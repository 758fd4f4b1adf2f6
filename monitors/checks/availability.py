"""Availability: the site cannot be opened (站点无法访问), a page opens too slowly.

站点无法访问 follows 国办秘函〔2019〕19号's own protocol, and nothing less: 「监测1周，每天间隔性访问20次以上，
超过（含）15秒网站仍打不开的次数累计占比超过（含）5%」. Its visits are the home-page probes of
`gkwatch probe` (table ``probes``) and each finished crawl's last request of the home page; the
period is the ``period_days`` full days before the check day (the check day itself is still under
way). A visit fails when it met an error (no connection, a server error, no home page, a redirect
loop) or did not have the page within ``timeout_seconds``: a page that opened after 15 s or more,
or a request that waited at least 15 s and timed out. A request that gave up sooner (a 5-s crawl
timeout) has not seen whether the page opens within 15 s: it is not counted, either way. Neither are
answers that say nothing about the site being up: an anti-bot challenge (verdict ``blocked``), a
robots.txt refusal, a cut-off body, a maintenance, login or soft-404 page. Only when every day of the
period has ``min_probes_per_day`` counted visits is the agency judged; otherwise its status is
"not enough observations" (``insufficient``), recorded in ``availability`` with the counts and never
a finding. Three failed crawls in a row are three visits, not a week of them.

页面打开缓慢 (slow_page) counts only fetches that really waited the threshold: an answer after 15 s or
more, or a timeout after waiting 15 s or more. An 8-s page under a 5-s crawl timeout is a timeout,
not a measured slow page: it is no observation of its speed (nor is a blocked, robots-refused,
cut-off or failed fetch), neither counted nor breaking the run of slow ones; ``observations.
min_failing`` consecutive slow observations open a finding. Messages state what was measured
(「打开用时 16.2 秒」, 「超时：20 秒内未响应」), never a limit a fetch did not apply.

Temporary tables of this module are prefixed ``_av_``; verdicts are ``core.vocabulary.VERDICTS``
(``fetches.verdict`` where the crawler recorded it, else derived from the status and error).
"""

from __future__ import annotations

import datetime as dt
import re

from core.clock import iso
from core.vocabulary import DOWN_VERDICTS, VERDICTS

from .base import Context, Finding, Outcome, rule_fields, short_cite

# A visit to the home page that failed (19号's 「打不开」): the site's errors, and no home page at all.
FAILED_VERDICTS = (*DOWN_VERDICTS, "not_found")
# Answers that are no observation of a page's speed.
NO_SPEED = ("blocked", "robots", "incomplete")
_TOOK_LONGER = re.compile(r"took longer than ([\d.]+) seconds")
def waited_ms(error: str | None, elapsed_ms: int | None) -> int | None:
    """How long a fetch waited for its answer: a Scrapy timeout names its limit ("took longer than 5.0
    seconds"), which is what it waited; otherwise the elapsed time recorded."""
    if error:
        match = _TOOK_LONGER.search(error)
        if match:
            return round(float(match.group(1)) * 1000)
    return elapsed_ms


def measured(verdict: str, status: int | None, error: str | None, elapsed_ms: int | None,
             waited: int | None) -> str:
    """One observation as measured: 「打开用时 16.2 秒」, 「超时：5 秒内未响应」, 「HTTP 502」, 「无法连接（…）」."""
    if verdict == "timeout":
        return f"超时：{_seconds(waited)} 秒内未响应"
    if status and (status >= 400 or verdict in ("server_error", "not_found", "blocked")):
        return f"HTTP {status}（{VERDICTS[verdict].zh}）"
    if status:
        return f"打开用时 {(elapsed_ms or 0) / 1000:.1f} 秒"
    label = VERDICTS[verdict].zh if verdict in VERDICTS else verdict
    return f"{label}（{(error or '').split(' (')[0][:120]}）" if error else label


def _seconds(ms: int | None) -> str:
    return f"{round((ms or 0) / 1000, 1):g}"


def _prepare(ctx: Context) -> None:
    """Register the SQL function this module uses."""
    ctx.conn.create_function("gk_av_waited", 2, waited_ms, deterministic=True)


def site_unreachable(ctx: Context) -> Outcome:
    """19号's week of visits (see the module's docstring); a finding when the failed share of the
    period's counted visits reaches ``veto_share``. Every agency in scope is settled: one that is
    not (or no longer) judged has no finding, and its status says why."""
    out = Outcome("site_unreachable", evaluated=set(ctx.agencies))
    if not ctx.agencies:
        return out
    _prepare(ctx)
    params = {}
    for cfg in ctx.cfgs():
        spec = ctx.rules(cfg)["checks"]["site_unreachable"]
        first = ctx.as_of - dt.timedelta(days=spec["period_days"])
        params[cfg] = (cfg, round(spec["timeout_seconds"] * 1000), first.isoformat(), ctx.day)
    ctx.table("_av_p", "cfg INT PRIMARY KEY, t_ms INT, period_from TEXT, period_until TEXT", params.values())
    # One pass over the period's visits, kept only as counts per agency, day and outcome (a national
    # week is millions of probes); the last failure is looked up for the few agencies found.
    ctx.conn.execute("DROP TABLE IF EXISTS temp._av_days")
    ctx.conn.execute(f"""
        CREATE TEMP TABLE _av_days AS {_visits("agency" if ctx.agency_ids else "time")}
        SELECT agency_id, day, outcome, CASE WHEN outcome IS NULL THEN verdict END AS excluded, COUNT(*) AS n,
               MIN(waited_ms) AS min_wait, MAX(waited_ms) AS max_wait, MIN(elapsed_ms) AS min_ms,
               MAX(elapsed_ms) AS max_ms, SUM(source = 'crawl') AS from_crawls,
               GROUP_CONCAT(DISTINCT status) AS statuses
        FROM judged GROUP BY agency_id, day, outcome, excluded""",
                     {"lo": min(p[2] for p in params.values()), "hi": ctx.day})
    days: dict[str, dict[str, int]] = {}
    for row in ctx.q("SELECT agency_id, day, SUM(CASE WHEN outcome IS NOT NULL THEN n ELSE 0 END) AS n "
                     "FROM _av_days GROUP BY agency_id, day"):
        days.setdefault(row["agency_id"], {})[row["day"]] = row["n"]
    tally: dict[str, list[dict]] = {}
    for row in ctx.q("""
            SELECT agency_id, outcome, excluded, SUM(n) AS n, MIN(min_wait) AS min_wait, MAX(max_wait) AS max_wait,
                   MIN(min_ms) AS min_ms, MAX(max_ms) AS max_ms, SUM(from_crawls) AS from_crawls,
                   GROUP_CONCAT(statuses) AS statuses
            FROM _av_days GROUP BY agency_id, outcome, excluded"""):
        tally.setdefault(row["agency_id"], []).append(dict(row))

    statuses = []
    for agency_id, agency in ctx.agencies.items():
        spec = ctx.rules(agency["cfg"])["checks"]["site_unreachable"]
        period = [ctx.as_of - dt.timedelta(days=n) for n in range(spec["period_days"], 0, -1)]
        per_day = days.get(agency_id, {})
        observed = sum(per_day.get(day.isoformat(), 0) >= spec["min_probes_per_day"] for day in period)
        rows = tally.get(agency_id, [])
        counted = sum(r["n"] for r in rows if r["outcome"])
        failures = {r["outcome"]: r for r in rows if r["outcome"] and r["outcome"] != "ok"}
        failed = sum(r["n"] for r in failures.values())
        excluded = {r["excluded"]: r["n"] for r in rows if not r["outcome"]}
        share = failed / counted if counted else 0.0
        enough = observed == len(period)
        hit = enough and counted > 0 and share >= spec["veto_share"]
        status = "unreachable" if hit else ("reachable" if enough else "insufficient")
        statuses.append((agency_id, ctx.day, status, period[0].isoformat(), period[-1].isoformat(), len(period),
                         observed, counted, failed, round(share, 4), sum(excluded.values()),
                         excluded.get("blocked", 0), iso()))
        if not hit or not spec["enabled"]:
            continue
        last = ctx.q(f"""{_visits("one")}
                         SELECT at, source, verdict, status, error, elapsed_ms, waited_ms FROM judged
                         WHERE outcome IS NOT NULL AND outcome != 'ok' ORDER BY at DESC LIMIT 1""",
                     {"agency": agency_id})[0]
        last_text = measured(last["verdict"], last["status"], last["error"], last["elapsed_ms"], last["waited_ms"])
        message = (f"{period[0].isoformat()} 至 {period[-1].isoformat()} 的 {len(period)} 天里网站首页每天访问 "
                   f"{spec['min_probes_per_day']} 次以上（共 {counted} 次），{failed} 次打不开（{share:.1%}）："
                   f"{_reasons(failures)}；达到 {spec['veto_share']:.0%} 的单项否决标准（{short_cite(spec)}）。"
                   f"最近一次打不开：{last['at'][:16].replace('T', ' ')} {last_text}")
        out.findings.append(Finding(
            agency_id, "site_unreachable", agency["homepage"], spec["severity"], message,
            rule_fields(ctx, spec, urls=[agency["homepage"]], period_from=period[0].isoformat(),
                        period_to=period[-1].isoformat(), period_days=len(period),
                        min_probes_per_day=spec["min_probes_per_day"], probes=counted, failed_probes=failed,
                        failed_share=round(share, 4), veto_share=spec["veto_share"],
                        timeout_seconds=spec["timeout_seconds"],
                        failures={k: r["n"] for k, r in sorted(failures.items())}, excluded=excluded,
                        from_crawls=sum(r["from_crawls"] or 0 for r in rows if r["outcome"]),
                        last_failure=dict(last), counting=spec["counting"]["citation"]),
            spec["rule"], spec["citation"], counted))
    ctx.write("""
        INSERT INTO availability (agency_id, as_of, status, period_from, period_to, days_required, days_observed,
                                  probes, failed, failed_share, excluded, blocked, checked_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (agency_id, as_of) DO UPDATE SET
            status = excluded.status, period_from = excluded.period_from, period_to = excluded.period_to,
            days_required = excluded.days_required, days_observed = excluded.days_observed,
            probes = excluded.probes, failed = excluded.failed, failed_share = excluded.failed_share,
            excluded = excluded.excluded, blocked = excluded.blocked, checked_at = excluded.checked_at""",
              statuses)   # kept with the run's findings (ctx.write)
    return out


def _visits(scan: str = "agency") -> str:
    """``WITH visits, judged``: every visit to the home pages in each agency's period (``_av_p``), the
    probes and each finished crawl's last home-page request (partial index ``fetches_home``), and its
    ``outcome``: ok, a failure (timeout, slow, or the failing verdict), or NULL (not counted).
    ``scan``: "time" reads the probes of :lo..:hi in time order, as their rows lie (every agency: a
    national week is millions of probes, and grouping them costs less than reading them agency by
    agency); "agency" reads them agency by agency (a few agencies); "one": only :agency's."""
    only = "AND a.id = :agency" if scan == "one" else ""
    if scan == "time":
        probes = """FROM probes p CROSS JOIN _ag a CROSS JOIN _av_p x
            WHERE p.probed_at >= :lo AND p.probed_at < :hi AND a.id = p.agency_id AND x.cfg = a.cfg
              AND p.probed_at >= x.period_from AND p.probed_at < x.period_until"""
    else:
        probes = f"""FROM _ag a JOIN _av_p x ON x.cfg = a.cfg
            JOIN probes p ON p.agency_id = a.id AND p.probed_at >= x.period_from AND p.probed_at < x.period_until
            WHERE 1 {only}"""
    return f"""
        WITH visits AS (
            SELECT p.agency_id, p.probed_at AS at, 'probe' AS source, p.verdict, p.status, p.error,
                   p.elapsed_ms, COALESCE(p.timeout_ms, p.elapsed_ms) AS waited_ms, x.t_ms
            {probes}
            UNION ALL
            SELECT f.agency_id, f.fetched_at, 'crawl', f.verdict, f.status, f.error, f.elapsed_ms,
                   gk_av_waited(f.error, f.elapsed_ms), x.t_ms
            FROM (SELECT MAX(f.id) AS id
                  FROM _ag a CROSS JOIN _av_p x CROSS JOIN fetches f INDEXED BY fetches_home
                  WHERE x.cfg = a.cfg AND f.agency_id = a.id AND f.kind = 'home'
                    AND f.fetched_at >= x.period_from AND f.fetched_at < x.period_until
                    AND f.crawl_run_id IN (SELECT id FROM _runs)
                    AND NOT COALESCE(f.method = 'HEAD' AND f.status IN (405, 501), 0) {only}
                  GROUP BY f.agency_id, f.crawl_run_id) last
            JOIN fetches f ON f.id = last.id JOIN _ag a ON a.id = f.agency_id JOIN _av_p x ON x.cfg = a.cfg),
        judged AS (
            SELECT *, substr(at, 1, 10) AS day,
                   CASE WHEN verdict = 'read' THEN CASE WHEN COALESCE(elapsed_ms, 0) >= t_ms THEN 'slow' ELSE 'ok' END
                        WHEN verdict = 'timeout' THEN CASE WHEN COALESCE(waited_ms, 0) >= t_ms THEN 'timeout' END
                        WHEN verdict IN {FAILED_VERDICTS} THEN verdict
                   END AS outcome
            FROM visits)"""


def _reasons(failures: dict[str, dict]) -> str:
    """「无法连接 120 次、超时 20 次（20 秒内未响应）、打开用时 16.2 秒 1 次」: the failed visits by what was measured."""
    parts = []
    for outcome in (*FAILED_VERDICTS, "slow"):
        row = failures.get(outcome)
        if not row:
            continue
        n = row["n"]
        if outcome == "timeout":
            low, high = _seconds(row["min_wait"]), _seconds(row["max_wait"])
            parts.append(f"超时 {n} 次（{low if low == high else low + '–' + high} 秒内未响应）")
        elif outcome == "slow":
            low, high = f"{row['min_ms'] / 1000:.1f}", f"{row['max_ms'] / 1000:.1f}"
            parts.append(f"打开用时 {low if low == high else low + '–' + high} 秒 {n} 次")
        elif outcome in ("server_error", "not_found") and row["statuses"]:
            codes = sorted({int(code) for code in row["statuses"].split(",")})
            parts.append(f"{VERDICTS[outcome].zh} {n} 次（HTTP {'、'.join(map(str, codes))}）")
        else:
            parts.append(f"{VERDICTS[outcome].zh} {n} 次")
    return "、".join(parts)


def slow_page(ctx: Context) -> Outcome:
    """A portal or column page (the homepage counts under site_unreachable) that took ``threshold_seconds``
    or more, measured (see the module's docstring), in N consecutive observations, and is still linked."""
    out = Outcome("slow_page", evaluated=set(ctx.fresh))
    if not ctx.fresh:
        return out
    _prepare(ctx)
    thresholds = {cfg: round(seconds * 1000) for cfg, seconds in ctx.check_param("slow_page", "threshold_seconds")}
    ctx.table("_av_ps", "cfg INT PRIMARY KEY, t_ms INT", thresholds.items())
    ctx.conn.execute("DROP TABLE IF EXISTS temp._av_slow")
    ctx.conn.execute("""
        CREATE TEMP TABLE _av_slow AS
        SELECT DISTINCT f.agency_id, f.url FROM fetches f JOIN _ag a ON a.id = f.agency_id
        WHERE a.fresh AND f.kind IN ('portal', 'column', 'api') AND f.url != a.homepage
          AND f.crawl_run_id IN (SELECT id FROM _runs)
          AND (f.elapsed_ms >= ? OR f.error LIKE '%imeout%' OR f.error LIKE '%timed out%')""",
                     [min(thresholds.values())])
    ctx.conn.execute("DROP TABLE IF EXISTS temp._av_seq")
    ctx.conn.execute(f"""
        CREATE TEMP TABLE _av_seq AS
        WITH attempts AS (
            SELECT f.agency_id, f.url, f.crawl_run_id AS run_id, f.status, f.error, f.elapsed_ms, f.fetched_at,
                   f.verdict AS verdict, gk_av_waited(f.error, f.elapsed_ms) AS waited_ms, x.t_ms
            FROM (SELECT MAX(f.id) AS id
                  FROM _av_slow c JOIN fetches f ON f.url = c.url AND f.agency_id = c.agency_id
                  WHERE f.kind IN ('portal', 'column', 'api') AND f.crawl_run_id IN (SELECT id FROM _runs)
                    AND NOT COALESCE(f.method = 'HEAD' AND f.status IN (405, 501), 0)
                  GROUP BY c.agency_id, c.url, f.crawl_run_id) last
            JOIN fetches f ON f.id = last.id JOIN _ag a ON a.id = f.agency_id JOIN _av_ps x ON x.cfg = a.cfg)
        SELECT *, CASE WHEN verdict IN {NO_SPEED} THEN NULL
                       WHEN verdict = 'timeout' THEN CASE WHEN COALESCE(waited_ms, 0) >= t_ms THEN 'slow' END
                       WHEN status IS NOT NULL THEN CASE WHEN COALESCE(elapsed_ms, 0) >= t_ms THEN 'slow' ELSE 'ok' END
                  END AS outcome
        FROM attempts""")
    rows = ctx.q("""
        WITH s AS (SELECT * FROM _av_seq WHERE outcome IS NOT NULL),
        last_ok AS (SELECT agency_id, url, MAX(run_id) AS run_id FROM s WHERE outcome = 'ok' GROUP BY agency_id, url)
        SELECT s.agency_id, s.url, COUNT(*) AS streak, MAX(s.run_id) AS latest_run
        FROM s LEFT JOIN last_ok k ON k.agency_id = s.agency_id AND k.url = s.url
        WHERE s.outcome = 'slow' AND s.run_id > COALESCE(k.run_id, 0)
        GROUP BY s.agency_id, s.url""")
    for row in rows:
        rules = ctx.agency_rules(row["agency_id"])
        spec = rules["checks"]["slow_page"]
        current = ctx.q("SELECT 1 FROM _cur WHERE agency_id = ? AND url = ?", [row["agency_id"], row["url"]])
        if not spec["enabled"] or not current or row["streak"] < rules["observations"]["min_failing"]:
            continue
        last = ctx.q("SELECT * FROM _av_seq WHERE agency_id = ? AND url = ? AND run_id = ?",
                     [row["agency_id"], row["url"], row["latest_run"]])[0]
        took = measured(last["verdict"], last["status"], last["error"], last["elapsed_ms"], last["waited_ms"])
        seconds = spec["threshold_seconds"]
        name = _column_name(ctx, row["agency_id"], row["url"])
        message = (f"{'栏目「' + name + '」' if name else '页面'}连续 {row['streak']} 次监测 {seconds:g} 秒内未能打开"
                   f"（最近一次：{took}）：{row['url']}（{short_cite(spec)}）")
        out.findings.append(Finding(
            row["agency_id"], "slow_page", row["url"], spec["severity"], message,
            rule_fields(ctx, spec, urls=[row["url"]], column=name, consecutive_slow=row["streak"],
                        threshold_seconds=seconds, last_elapsed_ms=last["elapsed_ms"], last_waited_ms=last["waited_ms"],
                        last_verdict=last["verdict"], last_error=last["error"], last_status=last["status"],
                        last_fetched_at=last["fetched_at"], latest_run=row["latest_run"],
                        counting=spec["counting"]["citation"]),
            spec["rule"], spec["citation"], row["streak"]))
    return out


def _column_name(ctx: Context, agency_id: str, url: str) -> str | None:
    row = ctx.q("SELECT name FROM columns WHERE agency_id = ? AND url = ?", [agency_id, url])
    return row[0]["name"] if row else None
