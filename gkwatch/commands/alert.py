"""``gkwatch alert``: findings' transitions sent to subscribers."""

from __future__ import annotations

import sys

import click

from core import exit_codes

from ..plumbing import UserError, command, config_of, db_option, open_database


@command("alert")
@click.option("--notify", "urls", multiple=True, metavar="URL",
              help="Apprise 通知地址, 取代配置中的订阅者 (an Apprise URL; repeatable; replaces the config's "
                   "subscribers with one unfiltered subscriber named 'cli')")
@click.option("--dry-run", is_flag=True, help="只打印将发送的消息, 不发送也不记录 (print what would be sent; send and record nothing)")
@click.option("--digest/--per-finding", default=None,
              help="每个渠道一条按机构分组的汇总, 或每个变化一条 (one digest per channel grouped by agency, "
                   "or one message per finding; default: each subscriber's `digest`)")
@db_option
@click.pass_context
def alert_command(ctx, urls, dry_run, digest, db_path):
    """告警 Send new, escalated, re-opened and resolved findings to subscribers (Apprise URLs:
    mailto/SMTP, 钉钉 dingtalk, 企业微信 wecombot, 飞书 feishu, Slack, json:// webhooks …).

    Every transition written by `gkwatch check` is sent once to each subscriber channel whose filters
    (agencies, regions, levels, min_severity) it passes; every delivery is recorded in the `alerts`
    table. A failed delivery is retried on the next run; a delivered one is never sent again.
    Every notification URL is validated before anything is sent.

    \b
    退出码 Exit codes:
      0  全部送达, 或没有要发送的 (everything delivered, or nothing to send)
      3  输入错误 (bad input: config, notification URL, database, option)
      4  有发送失败, 下次运行重试; 或另一次 alert 正在运行; 或数据库无法写入 (some delivery failed, retried
         on the next run; or another alert run holds the lock; or the database is locked, full or read-only)
    """
    from core.config import Subscriber
    from monitors.alerts import AlertConfigError, run_alerts
    from monitors.scheduler import try_lock

    config = config_of(ctx)
    subscribers = ([Subscriber(name="cli", notify=list(urls))] if urls else config.subscribers)
    if not subscribers:
        raise UserError("没有订阅者: 在配置中添加 [[subscribers]] 或使用 --notify URL "
                       "(no subscribers: add [[subscribers]] to the config or pass --notify URL)")
    db, path = open_database(ctx, db_path, read_only=dry_run)   # a dry run writes nothing
    lock = None if dry_run else try_lock(f"{path}.alert.lock")
    if not dry_run and lock is None:
        click.echo("另一个 gkwatch alert 正在运行, 本次跳过 (another alert run holds the lock; skipped)", err=True)
        sys.exit(exit_codes.FAILED)
    try:
        result = run_alerts(db, path, subscribers, config.alert.datasette_url, dry_run=dry_run, digest=digest)
    except AlertConfigError as exc:
        raise UserError(str(exc))
    finally:
        if lock:
            lock.close()
    for message in result.messages:
        if dry_run:
            click.echo(f"── {message['subscriber']} {message['channel']} ({len(message['events'])} 条)\n"
                       f"{message['title']}\n{message['body']}\n")
        elif not message["ok"]:
            click.echo(f"发送失败 failed: {message['subscriber']} {message['channel']}: {message.get('error')}", err=True)
    if dry_run:
        click.echo(f"演练: {len(result.messages)} 条消息未发送 (dry run: {len(result.messages)} messages not sent)")
        sys.exit(exit_codes.OK)
    click.echo(f"告警 alert: 消息 messages {len(result.messages)} · 送达 delivered {result.sent} · "
               f"失败 failed {result.failed} (按 事件×渠道 计 counted per event and channel)")
    sys.exit(exit_codes.FAILED if result.failed else exit_codes.OK)
