"""``gkwatch check``: run every check over the database, update findings, write scorecards.

The click command lives here; ``gkwatch.cli`` registers it (``cli.add_command(check_command)``).
It also runs alone: ``python -m monitors.cli --help``.
"""

from __future__ import annotations

import json
import sys

import click

from gkwatch.clitools import UserError, day_option

EXIT_BAD_INPUT = 3
SEVERITY_LABEL = {"veto": "单项否决", "deduct": "扣分", "info": "提示"}


class CheckCommand(click.Command):
    """Bad options exit 3, not click's usual 2: for this command 2 means "new findings"."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            exc.exit_code = EXIT_BAD_INPUT
            raise


class BadInput(UserError):
    exit_code = EXIT_BAD_INPUT


@click.command("check", cls=CheckCommand, context_settings={"help_option_names": ["-h", "--help"],
                                                             "max_content_width": 110})
@click.option("--as-of", callback=day_option, metavar="DATE",
              help="检查日期 (check the state on this day, YYYY-MM-DD; default today, 北京时间). "
                   "A past day over the same data gives the same findings.")
@click.option("--agency", "agency_ids", multiple=True, metavar="ID",
              help="只检查这些机构 (only these agencies; repeatable)")
@click.option("--json", "as_json", is_flag=True,
              help='输出 JSON (print {"findings": [...], "summary": {...}})')
@click.option("--severity", type=click.Choice(["veto", "deduct", "info"]), default="deduct", show_default=True,
              help="退出码所看的严重程度及以上 (the severity, or worse, the exit code is about)")
@click.option("--db", "db_path", metavar="PATH",
              help="SQLite 数据库路径 (database path; default: config 'database', then $GKWATCH_DB, then ./gkwatch.db)")
@click.option("--rulebook", "rulebook_path", metavar="FILE",
              help="规则手册 YAML (rulebook; default monitors/rulebook.yaml)")
@click.pass_context
def check_command(ctx, as_of, agency_ids, as_json, severity, db_path, rulebook_path):
    """检查 Run every check over the database (checks never fetch) and record the findings.

    Checks: 站点无法访问 site_unreachable, 首页不更新 homepage_stale, 栏目不更新 column_stale, 空白栏目
    column_empty, 专栏缺少一级目录 mandatory_column_missing, 第二十条缺项 art20_category_missing, 年报缺失
    annual_report_missing, 年报逾期 annual_report_late, 链接不可用 broken_link, 信息被撤下 item_removed,
    页面缓慢 slow_page, 月度公开数量 publishing_quota, 发布不均衡 category_imbalance; 年报内容 (parsed reports):
    勾稽关系 report_balance, 缺少章节 report_sections_missing, 合计不符 report_sum_mismatch, 不可能数值
    report_impossible_value, 公开数量不符 report_claim_mismatch. Rules, thresholds,
    severities and their legal sources are in the rulebook YAML. Each run also writes a scorecard per
    agency (国办秘函〔2019〕19号 model and the 考核 bands). Running twice gives the same state.

    \b
    退出码 Exit codes (for cron), about findings of --severity or worse:
      0  没有未解决的问题 (nothing open)
      1  有未解决的问题 (some is open)
      2  有本次新出现的问题 (some is new since the last run: opened, re-opened or raised in severity)
      3  输入错误 (bad input: rulebook, database, option, unknown agency)
    """
    import storage
    from gkwatch import clock
    from gkwatch.config import Config, ConfigError, database_path, load

    from .rulebook import RulebookError, load as load_rulebook
    from .runner import exit_code, run_checks

    config = ctx.find_object(Config)
    if config is None:
        try:
            config = load(None)
        except ConfigError as exc:
            raise BadInput(str(exc))
    try:
        book = load_rulebook(rulebook_path)
    except RulebookError as exc:
        raise BadInput(str(exc))
    path = database_path(db_path, config)
    try:
        db = storage.connect(path)
    except (RuntimeError, OSError) as exc:
        raise BadInput(f"{path}: {exc}")
    known = {row[0] for row in db.execute("SELECT id FROM agencies")}
    if not known:
        raise BadInput(f"{path} 中没有机构: 先运行 gkwatch agencies import 和 gkwatch crawl (no agencies in the database)")
    unknown = sorted(set(agency_ids) - known)
    if unknown:
        raise BadInput(f"数据库中没有这些机构 (unknown agencies): {', '.join(unknown)}")
    try:
        document = run_checks(db, as_of or clock.today(), list(agency_ids) or None, rulebook=book)
    except RulebookError as exc:
        raise BadInput(str(exc))
    code = exit_code(document, severity)
    if as_json:
        click.echo(json.dumps(document, ensure_ascii=False, indent=1))
    else:
        _print(document, severity)
    sys.exit(code)


def _print(document: dict, severity: str) -> None:
    from .findings import SEVERITY_RANK

    s = document["summary"]
    click.echo(f"检查 check #{s['check_run_id']} · 日期 as of {s['as_of']} · 机构 agencies {s['agencies']} "
               f"(已抓取 observed {s['observed']})")
    click.echo("未解决 open: " + " · ".join(f"{SEVERITY_LABEL[k]} {k} {v}" for k, v in s["open"].items())
               + f"  |  新增 opened {s['opened']} · 重新出现 reopened {s['reopened']} · 已解决 resolved {s['resolved']}")
    if s["not_observed"]:
        click.echo(f"从未抓取 never crawled ({len(s['not_observed'])}): {', '.join(s['not_observed'][:10])}"
                   + (" …" if len(s["not_observed"]) > 10 else ""))
    if s["not_reached"]:
        click.echo(f"最近一次抓取未能访问, 沿用原结论 not reached by the latest crawl, findings kept "
                   f"({len(s['not_reached'])}): {', '.join(s['not_reached'][:10])}")
    shown = [f for f in document["findings"]
             if f["status"] != "open" or SEVERITY_RANK[f["severity"]] >= SEVERITY_RANK[severity]]
    for f in shown:
        mark = "已解决 resolved" if f["status"] != "open" else ("新 new" if f["new"] else f"自 since {f['first_seen']}")
        click.echo(f"[{f['severity']}] {f['agency']} {f['check']} {f['subject']}\n    {f['message']}  ({mark})")
    cards = s["scorecards"]
    if cards:
        click.echo("评分 scorecards:")
        for agency, card in list(cards.items())[:50]:
            veto = " 单项否决 vetoed" if card["vetoed"] else ""
            click.echo(f"  {agency:<28} {card['grade']:<4} {card['score']:5.1f}{veto}")
        if len(cards) > 50:
            grades: dict[str, int] = {}
            for card in cards.values():
                grades[card["grade"]] = grades.get(card["grade"], 0) + 1
            click.echo("  … " + " · ".join(f"{g} {n}" for g, n in grades.items()))


if __name__ == "__main__":
    check_command(prog_name="gkwatch check")
