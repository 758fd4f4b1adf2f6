"""``gkwatch alert`` and ``gkwatch schedule``; ``gkwatch.cli`` registers them."""

from __future__ import annotations

import sys

import click

from gkwatch.clitools import UserError

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 110}




def _config(ctx):
    from gkwatch.config import Config, ConfigError, load

    config = ctx.find_object(Config)
    if config is None:
        try:
            config = load(None)
        except ConfigError as exc:
            raise UserError(str(exc))
    return config


def _database(db_path, config) -> str:
    from pathlib import Path

    from gkwatch.config import database_path

    path = database_path(db_path, config)
    if not Path(path).exists():
        raise UserError(f"数据库不存在 (no such database): {path}")
    return path


db_option = click.option(
    "--db", "db_path", metavar="PATH",
    help="SQLite 数据库路径 (database path; default: config 'database', then $GKWATCH_DB, then ./gkwatch.db)")


@click.command("alert", context_settings=SETTINGS)
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
      1  有发送失败, 下次运行重试 (some delivery failed; it is retried on the next run)
      2  输入错误 (bad input: config, notification URL, database, option)
    """
    import storage
    from gkwatch.config import Subscriber

    from .alerts import AlertConfigError, run_alerts
    from .scheduler import try_lock

    config = _config(ctx)
    subscribers = ([Subscriber(name="cli", notify=list(urls))] if urls else config.subscribers)
    if not subscribers:
        raise UserError("没有订阅者: 在配置中添加 [[subscribers]] 或使用 --notify URL "
                       "(no subscribers: add [[subscribers]] to the config or pass --notify URL)")
    path = _database(db_path, config)
    try:
        db = storage.connect(path)
    except (RuntimeError, OSError) as exc:
        raise UserError(f"{path}: {exc}")
    lock = None if dry_run else try_lock(f"{path}.alert.lock")
    if not dry_run and lock is None:
        click.echo("另一个 gkwatch alert 正在运行, 本次跳过 (another alert run holds the lock; skipped)", err=True)
        sys.exit(EXIT_FAILED)
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
        sys.exit(EXIT_OK)
    click.echo(f"告警 alert: 消息 messages {len(result.messages)} · 送达 delivered {result.sent} · "
               f"失败 failed {result.failed} (按 事件×渠道 计 counted per event and channel)")
    sys.exit(EXIT_FAILED if result.failed else EXIT_OK)


@click.command("schedule", context_settings=SETTINGS)
@db_option
@click.pass_context
def schedule_command(ctx, db_path):
    """定时服务 Run crawl, check, alert and the yearly annual-report sweep on the config's cron
    schedules ([schedule]; Asia/Shanghai time) until SIGTERM.

    Jobs are kept in <database>.jobs.sqlite; a restart never duplicates them. A job never runs twice
    at once (a lock file per job, released by the OS if its holder dies). Missed runs are coalesced
    and run if within schedule.misfire_grace_time. SIGTERM lets a running job finish, then exits 0.
    """
    from gkwatch.config import database_path

    from .alerts import AlertConfigError, channels
    from .scheduler import serve

    config = _config(ctx)
    try:
        channels(config.subscribers)        # a bad notification URL stops the service from starting
    except AlertConfigError as exc:
        raise UserError(str(exc))
    path = database_path(db_path, config)
    config_path = str(config.path.resolve()) if config.path else None
    sys.exit(serve(path, config, config_path))
