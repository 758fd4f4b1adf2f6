"""``gkwatch crawl``: the registered agencies' columns into the database."""

from __future__ import annotations

import sys

import click

from core import exit_codes

from ..plumbing import Failed, UserError, command, config_of, day_option, db_option, open_database, require_agencies


@command("crawl")
@click.option("--agency", "agency_ids", multiple=True, metavar="ID", help="只抓取这些机构 (only these agencies; repeatable)")
@db_option
@click.option("--full", is_flag=True, help="全量抓取: 不在已知条目处停止翻页 (walk every page, not only until known items)")
@click.option("-s", "--set", "overrides", multiple=True, metavar="KEY=VALUE",
              help="Scrapy 设置覆盖 (override a Scrapy setting, e.g. -s DOWNLOAD_DELAY=2)")
@click.option("--as-of", callback=day_option, metavar="DATE",
              help="观察日期 (the day this crawl observes the sites, YYYY-MM-DD; default today, 北京时间; "
                   "for a sandbox whose days pass faster than the clock)")
@click.pass_context
def crawl(ctx, agency_ids, db_path, full, overrides, as_of):
    """抓取 Crawl the registered agencies' 政务公开 columns into the database.

    Politely: robots.txt obeyed (unless an agency's registry entry says otherwise, with a reason),
    2 requests at a time per site, AutoThrottle, an identifying User-Agent (set crawl.contact).
    Incremental unless --full. A first crawl takes minutes: each site at about a page a second
    (docs/operations.md). Progress on stderr: a line per agency done (pages, items, errors), and
    every 10 s a summary with an estimate of the time left (-s GKWATCH_PROGRESS_INTERVAL=N; 0: none).
    Exit 0 when the crawl ran (fetch errors are recorded in `fetches`), 4 when it could not finish.
    """
    from crawlers.run_crawl import run_crawl

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
    run_crawl(path, list(agency_ids), full=full, config=config_of(ctx), overrides=settings)
    _summary(path)


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
