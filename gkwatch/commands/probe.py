"""``gkwatch probe``: one light request to each registered agency's home page, stored in ``probes``."""

from __future__ import annotations

import sqlite3

import click

from core.vocabulary import VERDICTS

from ..plumbing import Failed, command, config_of, db_option, exit_code_lines, open_database, require_agencies


@command("probe", help=f"""探测 Probe each registered agency's home page once and store the outcome (table `probes`).

    国办秘函〔2019〕19号 calls a site unreachable (站点无法访问, 单项否决) only after a week of visits, 20 or
    more a day, of which 5 % or more failed (an error, or no page within 15 s); one crawl a day is one
    visit, so schedule this job many times a day ([schedule] probe, default every 30 minutes). Until a
    week of such probes is stored, `gkwatch check` records the agency as "not enough observations"
    (table `availability`) and opens no 站点无法访问 finding.

    Each probe is one HEAD (a GET where HEAD is refused), with the crawl's User-Agent, robots.txt obeyed
    as the crawl obeys it, one request at a time per site, sites in parallel. Its verdict: read, timeout,
    unreachable, server_error, not_found, redirect_loop, robots (not sent), or blocked (an anti-bot
    challenge: HTTP 412/521, $_ts, __jsl_clearance, a WAF page), which is never counted as the site's
    failure. A timeout shorter than the rule's 15 s does not count either way.

    \b
    退出码 Exit codes (a site that failed its probe is data: still 0):
{exit_code_lines()}
    """)
@click.option("--agency", "agency_ids", multiple=True, metavar="ID", help="只探测这些机构 (only these agencies; repeatable)")
@db_option
@click.option("--timeout", type=click.FloatRange(min=1, max=300), default=20.0, show_default=True, metavar="S",
              help="每次探测的超时秒数 (seconds a probe waits; keep it ≥ 15, 19号's limit, for timeouts to count)")
@click.option("--keep-days", type=click.IntRange(min=0), default=30, show_default=True, metavar="N",
              help="删除 N 天前的探测记录 (drop probes older than N days; 0 keeps all; the rule needs 7, and "
                   "10,000 agencies probed 48 times a day store ≈ 80 MB a day)")
@click.pass_context
def probe_command(ctx, agency_ids, db_path, timeout, keep_days):
    from core import clock
    from crawlers.probe import probe_all, store, targets

    db, path = open_database(ctx, db_path)
    require_agencies(db, path, agency_ids, "先运行 gkwatch agencies import")
    found = targets(db, agency_ids)
    started = clock.iso()
    try:
        rows = probe_all(found, config=config_of(ctx), timeout=timeout)
    except Exception as exc:   # a fault of gkwatch's own, not of a site: nothing is stored
        raise Failed(f"探测未能完成 (the probe could not finish): {type(exc).__name__}: {exc}")
    try:
        dropped = store(db, rows, keep_days)
        today = clock.today().isoformat()
        fewest = db.execute("SELECT MIN(n) FROM (SELECT COUNT(*) AS n FROM probes WHERE probed_at >= ? "
                            "GROUP BY agency_id)", [today]).fetchone()[0]
    except sqlite3.Error as exc:
        raise Failed(f"{path}: 探测结果未能保存 (could not store the probes): {exc}")
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["verdict"]] = counts.get(row["verdict"], 0) + 1
        label = VERDICTS[row["verdict"]]
        detail = (f"HTTP {row['status']}" if row["status"] else "") + (f" {row['error']}" if row["error"] else "")
        click.echo(f"{row['agency_id']}  {label.zh} {row['verdict']}  {row['elapsed_ms'] / 1000:.2f} 秒  "
                   f"{row['method'] or '—'} {row['url']}  {detail.strip()}".rstrip())
    parts = " · ".join(f"{VERDICTS[v].zh} {v} {n}" for v, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    click.echo(f"探测 probe {started} · 机构 agencies {len(rows)} · 超时 timeout {timeout:g} 秒: {parts or '—'}"
               f" · 今日每个机构至少 {fewest or 0} 次 (fewest probes of an agency today; 19号 asks ≥ 20 a day)"
               + (f" · 删除旧记录 dropped {dropped}" if dropped else ""))
