"""``gkwatch worker``: walk sites of a crawl with workers (``gkwatch crawl --redis``)."""

from __future__ import annotations

import click

from ..plumbing import Failed, command, config_of, redis_option


@command("worker")
@click.option("--redis", "redis_url", required=True, metavar="URL", callback=redis_option,
              help="协调用的 Redis (the Redis of the crawl, redis://HOST:PORT/N)")
@click.option("--name", metavar="NAME", help="工作进程名 (this worker's name; default HOST-PID)")
@click.option("--no-browser", is_flag=True,
              help="本机没有 Chromium: 不领取需要浏览器的站点 (no Chromium here: take no site that needed one)")
@click.option("--sites-at-once", type=click.IntRange(1), metavar="N",
              help="同时抓取的站点数 (sites walked at once, default 128; each at the per-site politeness: "
                   "≈ 0.8 pages a second at the default delay)")
@click.option("--wait", type=click.FloatRange(0), metavar="SECONDS",
              help="等待抓取开始的最长时间 (how long to wait for a crawl to start; default: forever)")
@click.pass_context
def worker_command(ctx, redis_url, name, no_browser, sites_at_once, wait):
    """工作进程 Walk sites of the running crawl with workers, until it is over.

    Sites (the agencies sharing a host) are claimed from Redis one at a time per free place and
    walked whole by this worker, so per-site politeness holds across workers. What it finds goes to
    the coordinator (`gkwatch crawl --redis`), the database's one writer. A worker that dies has its
    sites taken up by another (after 15 s) or by itself when started again. Exit 0 when the crawl is
    over, 4 when Redis cannot be reached or no crawl started within --wait.
    """
    from crawlers.cluster import connect, wait_for_run, worker_name
    from crawlers.run_crawl import run_worker

    import redis

    try:
        server = connect(redis_url)
        run = wait_for_run(server, wait)
    except ConnectionError as error:
        raise Failed(str(error))
    except redis.RedisError as error:
        raise Failed(f"Redis 无法连接 (cannot reach Redis at {redis_url}): {error}")
    if run is None:
        raise Failed(f"{wait:g} 秒内没有抓取开始 (no crawl started within {wait:g} s)")
    reason = run_worker(redis_url, run, name or worker_name(), config=config_of(ctx), browser=not no_browser,
                        sites_at_once=sites_at_once)
    if reason != "finished":
        raise Failed(f"工作进程停止 (the worker stopped): {reason}")
