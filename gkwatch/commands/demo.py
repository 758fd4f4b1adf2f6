"""``gkwatch demo``: the whole pipeline on the local sandbox, end to end, with real parts only:
the sandbox's HTTP servers, a Scrapy crawl in its own process, SQLite, and Datasette.

It crawls the sandbox on two of its days, as an operator's daily crawls would: the tests' reference
day (2026-11-22), then 2026-11-26, after the sandbox's history day (a back-dated post, a portal
reorganised: what only a crawler with history sees), and checks as of the second."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import click

from core import exit_codes
from core.config import Config

from ..plumbing import Failed, command, config_of


@command("demo")
@click.option("--once", is_flag=True, envvar="DEMO_ONCE",
              help="只抓取和检查, 不启动 Datasette (do everything but serving, then exit; also DEMO_ONCE=1)")
@click.option("--db", "db_path", metavar="PATH", default=str(Path("demo-data") / "gkwatch-demo.db"), show_default=True,
              help="演示数据库路径 (the demo's own database, apart from your gkwatch.db)")
@click.option("--port", type=int, default=8001, show_default=True, help="Datasette 端口 (port)")
@click.option("--sandbox-port", type=int, default=None, help="沙盒端口 (sandbox port; default 8700)")
@click.pass_context
def demo(ctx, once, db_path, port, sandbox_port):
    """演示 Start the sandbox, crawl it, run the checks and serve the results in Datasette."""
    sys.exit(run_demo(config_of(ctx), db_path, once, port, sandbox_port))


DEMO_DAYS = (dt.date(2026, 11, 22), dt.date(2026, 11, 26))   # the sandbox's days crawled; checked as of the last
# Loopback and our own sandbox: no need for the politeness delays real sites get.
DEMO_CRAWL_SETTINGS = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "CONCURRENT_REQUESTS_PER_DOMAIN=4",
                       "DOWNLOAD_TIMEOUT=15", "RETRY_TIMES=1"]


def run_demo(config: Config, db_path: str, once: bool, port: int, sandbox_port: int | None) -> int:
    # Imported here: every gkwatch command (and every crawl worker) would load them otherwise.
    import storage
    import storage.records
    from core.registry import dump, load_file
    from dashboards.serve import run_datasette
    from sandbox import DEFAULT_PORT, Sandbox, registry_entries

    db_file = Path(db_path).resolve()
    click.echo(f"gkwatch 演示 demo · 数据库 database: {db_file}")
    sandbox = Sandbox(as_of=DEMO_DAYS[0], port=sandbox_port or DEFAULT_PORT)
    try:
        sandbox.start()
    except OSError as exc:
        raise Failed(f"沙盒无法启动 (sandbox cannot start on port {sandbox_port or DEFAULT_PORT}): {exc}")
    try:
        click.echo(f"沙盒 sandbox: {len(registry_entries(sandbox.port))} 个机构 agencies on 127.0.0.x:{sandbox.port}, "
                   f"日期 as of {DEMO_DAYS[-1]} (抓取 crawled on {' and '.join(map(str, DEMO_DAYS))})")
        registry = db_file.parent / "sandbox-agencies.yaml"
        registry.parent.mkdir(parents=True, exist_ok=True)
        registry.write_text(dump(registry_entries(sandbox.port)), encoding="utf-8")
        db = storage.connect(db_file)
        storage.records.upsert_agencies(db, load_file(registry))
        db.close()
        step = [sys.executable, "-m", "gkwatch"] + (["--config", str(config.path)] if config.path else [])
        crawl = step + ["crawl", "--db", str(db_file)] + [arg for s in DEMO_CRAWL_SETTINGS for arg in ("-s", s)]
        for day in DEMO_DAYS:
            sandbox.set_as_of(day)
            if subprocess.call(crawl + ["--as-of", str(day)]) != 0:
                click.echo("抓取失败 (crawl failed)", err=True)
                return exit_codes.FAILED
        # Exit codes 1 and 2 only say that findings are open or new: the sandbox has planted defects.
        if exit_codes.failed(subprocess.call(step + ["check", "--db", str(db_file), "--as-of", str(sandbox.as_of)])):
            click.echo("检查失败 (check failed)", err=True)
            return exit_codes.FAILED
        _summary(db_file)
        if once:
            return 0
        click.echo(f"Datasette: http://127.0.0.1:{port}/  (Ctrl-C 退出 to stop)")
        return run_datasette(str(db_file), "127.0.0.1", port)
    finally:
        sandbox.stop()


def _summary(db_file: Path) -> None:
    import storage

    db = storage.connect(db_file)
    counts = {table: db[table].count for table in ("agencies", "columns", "items", "fetches", "findings", "scorecards")}
    click.echo("已存储 stored: " + " · ".join(f"{table} {count}" for table, count in counts.items()))
