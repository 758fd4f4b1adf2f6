"""``gkwatch crawl``: the registered agencies' columns into the database."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from core import exit_codes

from ..plumbing import (Failed, UserError, command, config_of, day_option, db_option, open_database, redis_option,
                        require_agencies)


@command("crawl")
@click.option("--agency", "agency_ids", multiple=True, metavar="ID", help="只抓取这些机构 (only these agencies; repeatable)")
@db_option
@click.option("--full", is_flag=True, help="全量抓取: 不在已知条目处停止翻页 (walk every page, not only until known items)")
@click.option("-s", "--set", "overrides", multiple=True, metavar="KEY=VALUE",
              help="Scrapy 设置覆盖 (override a Scrapy setting, e.g. -s DOWNLOAD_DELAY=2)")
@click.option("--as-of", callback=day_option, metavar="DATE",
              help="观察日期 (the day this crawl observes the sites, YYYY-MM-DD; default today, 北京时间; "
                   "for a sandbox whose days pass faster than the clock)")
@click.option("--redis", "redis_url", metavar="URL", callback=redis_option,
              help="分布式抓取: 站点队列放在 Redis, 由 gkwatch worker 抓取, 本进程写入数据库 (a crawl with workers: "
                   "sites queued in Redis at redis://HOST:PORT/N, walked by `gkwatch worker`s, stored by this "
                   "process; run again with the same Redis to resume)")
@click.option("--workers", type=click.IntRange(0), default=0, metavar="K",
              help="与 --redis 同用: 在本机另启 K 个工作进程 (with --redis: also start K workers on this machine)")
@click.option("--status", is_flag=True,
              help="与 --redis 同用: 显示正在进行的分布式抓取 (with --redis: show the running crawl: sites, queue, "
                   "workers, pages/s) and exit")
@click.pass_context
def crawl(ctx, agency_ids, db_path, full, overrides, as_of, redis_url, workers, status):
    """抓取 Crawl the registered agencies' 政务公开 columns into the database.

    Politely: robots.txt obeyed (unless an agency's registry entry says otherwise, with a reason),
    2 requests at a time per site, AutoThrottle, an identifying User-Agent (set crawl.contact).
    Incremental unless --full. A first crawl takes minutes: each site at about a page a second
    (docs/operations.md). Progress on stderr: a line per agency done (pages, items, errors), and
    every 10 s a summary with an estimate of the time left (-s GKWATCH_PROGRESS_INTERVAL=N; 0: none).
    Exit 0 when the crawl ran (fetch errors are recorded in `fetches`), 4 when it could not finish.

    With --redis the sites are shared among workers (`gkwatch worker --redis URL`, on this machine or
    others); this process is the database's one writer and ends when every site is done
    (docs/operations.md, 分布式抓取).
    """
    from crawlers.run_crawl import run_crawl

    if (workers or status) and not redis_url:
        raise UserError("--workers 和 --status 须与 --redis 同用 (--workers and --status need --redis)")
    if status:
        return _show_status(redis_url, json_output=False)
    db, path = open_database(ctx, db_path)
    require_agencies(db, path, agency_ids, "先运行 gkwatch agencies import")
    settings = {}
    for pair in overrides:
        key, sep, value = pair.partition("=")
        if not sep:
            raise UserError(f"-s 须为 KEY=VALUE (expected KEY=VALUE): {pair!r}")
        settings[key] = value
    db.close()
    if as_of:
        settings["GKWATCH_AS_OF"] = as_of.isoformat()
    if redis_url:
        _coordinate(ctx, redis_url, path, list(agency_ids), full, as_of, settings, workers)
    else:
        run_crawl(path, list(agency_ids), full=full, config=config_of(ctx), overrides=settings)
    _summary(path)


def _coordinate(ctx, redis_url, path, agency_ids, full, as_of, overrides, workers) -> None:
    """Be the coordinator of a crawl with workers (crawlers.coordinator), with ``workers`` of them here."""
    import os
    import subprocess

    from crawlers.cluster import connect
    from crawlers.coordinator import Coordinator

    try:
        server = connect(redis_url)
    except ConnectionError as error:
        raise Failed(str(error))
    coordinator = Coordinator(server, str(Path(path).resolve()))
    coordinator.start(agency_ids, full=full, as_of=as_of.isoformat() if as_of else None, overrides=overrides)
    root = ctx.find_root().params.get("config_path")
    children = [subprocess.Popen([sys.executable, "-m", "gkwatch", *(["--config", root] if root else []), "worker",
                                  "--redis", redis_url, "--wait", "60"], env=os.environ)
                for _ in range(workers)]
    import redis

    try:
        coordinator.finish(coordinator.serve(
            gave_up=lambda: bool(children) and all(child.poll() is not None for child in children)))
    except redis.RedisError as error:
        coordinator.stopped(f"stopped: Redis unreachable ({error})")
        raise Failed(f"Redis 连接中断, 抓取停止; Redis 恢复后再次运行本命令可继续 (lost Redis, the crawl stopped; run this "
                     f"command again once Redis is back to resume it, if Redis kept its data): {error}")
    finally:
        for child in children:
            try:
                child.wait(timeout=60)   # each sees the crawl over and closes
            except subprocess.TimeoutExpired:
                child.terminate()
                child.wait()


def _show_status(redis_url: str, json_output: bool) -> None:
    from crawlers.cluster import connect, status

    try:
        state = status(connect(redis_url))
    except ConnectionError as error:
        raise Failed(str(error))
    run = state["run"]
    if not run:
        click.echo("没有分布式抓取 (no crawl with workers in this Redis)")
        return
    click.echo(f"抓取 #{run['id']} ({run['state']}) {run['db']} · 开始 started {run['started']}")
    click.echo(f"站点 sites: 完成 done {state['sites_done']}/{state['sites_total']} · 进行中 claimed "
               f"{state['sites_claimed']} · 排队 waiting {state['sites_waiting']} · 待写入 writes waiting "
               f"{state['writes_waiting']}")
    for worker in state["workers"]:
        alive = "在线 alive" if worker["alive"] else "失联 gone"
        click.echo(f"  {worker['name']}: {alive} · 站点 sites {worker['claimed']} · 请求队列 queued "
                   f"{worker['queued_requests']} · 页面 pages {worker.get('pages', 0)} · 错误 errors "
                   f"{worker.get('errors', 0)}")


def _summary(path: str) -> None:
    import storage

    db = storage.connect(path)
    run = next(db.query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1"), None)
    if run is None:
        raise Failed("抓取未能开始 (the crawl did not start)")
    click.echo(
        f"抓取 #{run['id']} {run['status']}: 页面 pages {run['pages']} · 条目 items {run['items_seen']} "
        f"(新 new {run['items_new']}) · 错误 errors {run['errors']} · {run['started_at']} → {run['finished_at']}"
    )
    if run["status"] != "finished":
        sys.exit(exit_codes.FAILED)
