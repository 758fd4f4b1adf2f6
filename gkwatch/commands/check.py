"""``gkwatch check``: every check over the database, findings updated, scorecards written."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from core.vocabulary import CHECKS, SEVERITIES, SEVERITY_RANK, check_label, severity_label

from ..plumbing import (UserError, command, config_of, day_option, db_option, exit_code_lines, open_database,
                        require_agencies)

_CHECKS = ", ".join(f"{label.zh} {code}" for code, label in CHECKS.items())


@command("check", help=f"""检查 Run every check over the database (checks never fetch) and record the findings.

    Checks: {_CHECKS}. Rules, thresholds, severities and their legal sources are in the rulebook
    YAML. Each run also writes a scorecard per agency (国办秘函〔2019〕19号 model and the 考核 bands).
    Running twice gives the same state.

    \b
    退出码 Exit codes (for cron), about findings of --severity or worse:
{exit_code_lines()}
    """)
@click.option("--as-of", callback=day_option, metavar="DATE",
              help="检查日期 (check the state on this day, YYYY-MM-DD; default today, 北京时间). "
                   "A past day over the same data gives the same findings.")
@click.option("--agency", "agency_ids", multiple=True, metavar="ID",
              help="只检查这些机构 (only these agencies; repeatable)")
@click.option("--json", "as_json", is_flag=True,
              help='输出 JSON (print {"findings": [...], "summary": {...}}; each finding with its id, evidence, '
                   'legal citation and link to its page in Datasette)')
@click.option("--severity", type=click.Choice(list(SEVERITIES)), default="deduct", show_default=True,
              help="退出码所看的严重程度及以上 (the severity, or worse, the exit code is about)")
@db_option
@click.option("--rulebook", "rulebook_path", metavar="FILE",
              help="规则手册 YAML (rulebook; default monitors/rulebook.yaml)")
@click.option("--screenshots/--no-screenshots", default=True, show_default=True,
              help="为新出现的页面级问题截图 (draw, with Chromium, the archived page each new finding about a "
                   "whole page rests on: 首页/栏目不更新, 空白栏目, 缺少一级目录)")
@click.pass_context
def check_command(ctx, as_of, agency_ids, as_json, severity, db_path, rulebook_path, screenshots):
    from core import clock
    from monitors.alerts import finding_link
    from monitors.rulebook import RulebookError, load as load_rulebook
    from monitors.run_checks import exit_code, run_checks

    try:
        book = load_rulebook(rulebook_path)
    except RulebookError as exc:
        raise UserError(str(exc))
    db, path = open_database(ctx, db_path)
    require_agencies(db, path, agency_ids, "先运行 gkwatch agencies import 和 gkwatch crawl")
    try:
        document = run_checks(db, as_of or clock.today(), list(agency_ids) or None, rulebook=book)
    except RulebookError as exc:
        raise UserError(str(exc))
    if screenshots:
        _screenshots(db, path, document, config_of(ctx))
    code = exit_code(document, severity)
    base = _datasette_base(config_of(ctx))
    for finding in document["findings"]:
        finding["link"] = finding_link(base, Path(path).stem, finding["id"])
    if as_json:
        click.echo(json.dumps(document, ensure_ascii=False, indent=1))
    else:
        _print(document, severity)
    sys.exit(code)


def _screenshots(db, path: str, document: dict, config) -> None:
    """A screenshot that cannot be drawn (no Chromium here) is a note, never a failed check."""
    from monitors.screenshots import take_screenshots

    try:
        take_screenshots(db.conn, path, document, config.crawl.chromium)
    except Exception as exc:   # Playwright's errors are many; the check itself is done and recorded
        click.echo(f"截图未完成 (screenshots not taken): {type(exc).__name__}: {str(exc)[:200]}", err=True)


def _datasette_base(config) -> str:
    """Where the operator's Datasette is published (config ``alert.datasette_url``, as in alerts); when
    the config does not say, links are relative to the server (``/<db>/findings/<id>``)."""
    return config.alert.datasette_url if "datasette_url" in config.raw.get("alert", {}) else ""


def _print(document: dict, severity: str) -> None:
    s = document["summary"]
    click.echo(f"检查 check #{s['check_run_id']} · 日期 as of {s['as_of']} · 机构 agencies {s['agencies']} "
               f"(已抓取 observed {s['observed']})")
    click.echo("未解决 open: " + " · ".join(f"{severity_label(k)} {k} {v}" for k, v in s["open"].items())
               + f"  |  新增 opened {s['opened']} · 重新出现 reopened {s['reopened']} · 已解决 resolved {s['resolved']}")
    blocked = s.get("robots_blocked", [])
    never = [a for a in s["not_observed"] if a not in blocked]
    if never:
        click.echo(f"从未抓取 never crawled ({len(never)}): {', '.join(never[:10])}" + (" …" if len(never) > 10 else ""))
    if blocked:
        click.echo(f"robots.txt 禁止抓取门户, 无法检查 portal forbidden by robots.txt, not checked ({len(blocked)}): "
                   f"{', '.join(blocked[:10])}" + (" …" if len(blocked) > 10 else "")
                   + "\n    如确有依据不遵守, 在登记册中为该机构写 robots: {obey: false, reason: 理由}, 重新导入"
                     " (gkwatch agencies import --update) 后再抓取 (to crawl it anyway, give its registry entry"
                     " robots: {obey: false, reason: ...} — stored as obey_robots/robots_reason — re-import and crawl;"
                     " see README 登记册格式)")
    if s["not_reached"]:
        click.echo(f"最近一次抓取未能访问, 沿用原结论 not reached by the latest crawl, findings kept "
                   f"({len(s['not_reached'])}): {', '.join(s['not_reached'][:10])}")
    shown = [f for f in document["findings"]
             if f["status"] != "open" or SEVERITY_RANK[f["severity"]] >= SEVERITY_RANK[severity]]
    for f in shown:
        mark = "已解决 resolved" if f["status"] != "open" else ("新 new" if f["new"] else f"自 since {f['first_seen']}")
        click.echo(f"[{severity_label(f['severity'])} {f['severity']}] {f['agency']} {check_label(f['check'])} "
                   f"{f['check']} {f['subject']}\n    {f['message']}  ({mark})\n    {f['link']}")
    cards = s["scorecards"]
    if cards:
        click.echo("评分 scorecards:")
        for agency, card in list(cards.items())[:50]:
            # 19号 does not score a vetoed site: no score beside 单项否决
            score = "veto" if card["vetoed"] else f"{card['score']:5.1f}"
            click.echo(f"  {agency:<28} {card['grade']:<4} {score}")
        if len(cards) > 50:
            grades: dict[str, int] = {}
            for card in cards.values():
                grades[card["grade"]] = grades.get(card["grade"], 0) + 1
            click.echo("  … " + " · ".join(f"{g} {n}" for g, n in grades.items()))
