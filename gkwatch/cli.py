"""The ``gkwatch`` command line. Every command has ``--help``; every command that touches data
takes ``--db PATH`` (default: the config file's ``database``, then $GKWATCH_DB, then ./gkwatch.db).

Exit codes: 0 success; 1 the command ran and reports a problem (e.g. a failed crawl);
2 bad input (a malformed registry or config file, a wrong option).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import clock
from .clitools import UserError, day_option
from .config import ConfigError, database_path, load, user_agent


db_option = click.option(
    "--db", "db_path", metavar="PATH",
    help="SQLite 数据库路径 (database path; default: config 'database', then $GKWATCH_DB, then ./gkwatch.db)",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.option("--config", "config_path", metavar="FILE", envvar="GKWATCH_CONFIG",
              help="配置文件 gkwatch.toml (config file; default $GKWATCH_CONFIG or ./gkwatch.toml)")
@click.version_option(package_name="gkwatch")
@click.pass_context
def cli(ctx, config_path):
    """gkwatch 政务公开监测 — crawl Chinese government disclosure columns, check them against the
    rules, store everything in SQLite and serve it with Datasette.

    Typical order: agencies import → crawl → check → serve (or demo for all of it on a local sandbox).
    """
    try:
        ctx.obj = load(config_path)
    except ConfigError as exc:
        raise UserError(str(exc))


def _db(ctx, db_path):
    import storage

    path = database_path(db_path, ctx.obj)
    try:
        return storage.connect(path), path
    except RuntimeError as exc:
        raise UserError(str(exc))


# agencies ---------------------------------------------------------------------------------------

@cli.group()
def agencies():
    """机构登记册 (agency registry): validate, import and list agencies."""


@agencies.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@db_option
@click.pass_context
def agencies_import(ctx, paths, db_path):
    """导入 Validate registry YAML FILEs (or directories of them) and import their agencies.

    A file with any error is rejected whole, with the file, line and field named; nothing from it
    is imported. Re-importing updates agencies by id.
    """
    from storage.records import upsert_agencies

    from .registry import RegistryError, load_paths

    try:
        found = load_paths(list(paths))
    except RegistryError as exc:
        raise UserError(str(exc))
    db, path = _db(ctx, db_path)
    count = upsert_agencies(db, found)
    click.echo(f"已导入 {count} 个机构 (imported {count} agencies) → {path}")


@agencies.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def agencies_validate(paths):
    """检查 Check registry YAML files without importing them (exit 2 on the first error)."""
    from .registry import RegistryError, load_paths

    try:
        found = load_paths(list(paths))
    except RegistryError as exc:
        raise UserError(str(exc))
    click.echo(f"有效: {len(found)} 个机构 (valid: {len(found)} agencies)")


@agencies.command("list")
@db_option
@click.option("--json", "as_json", is_flag=True, help="输出 JSON (print JSON)")
@click.pass_context
def agencies_list(ctx, db_path, as_json):
    """列出 List the agencies in the database."""
    from storage.records import agencies as all_agencies

    db, _ = _db(ctx, db_path)
    rows = all_agencies(db)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for row in rows:
        click.echo(f"{row['id']:<28} {row['level']:<5} {row['kind']:<3} {row['region_code']}  {row['name']}  {row['portal']}")
    click.echo(f"共 {len(rows)} 个机构 ({len(rows)} agencies)", err=True)


@agencies.command("discover")
@click.argument("url")
@click.option("--level", type=click.Choice(["国务院部门", "省", "市", "县", "乡镇"]), required=True,
              help="该门户所属政府的层级 (level of the government whose portal this is)")
@click.option("--region-code", required=True, metavar="CODE", help="该政府的 6 位行政区划代码 (its region code)")
@click.option("--parent", metavar="ID", help="该政府在登记册中的 id, 写入各部门的 parent (registry id of this government)")
@click.option("--prefix", default="", metavar="TEXT", help="新机构 id 的前缀 (prefix for generated ids)")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="写入文件 (write YAML to FILE; default stdout)")
@click.pass_context
def agencies_discover(ctx, url, level, region_code, parent, prefix, output):
    """从政府门户生成登记册 Draft registry YAML from a government portal's lists of department and
    subordinate-government sites (市政府部门 / 区县政府 / 部门网站 blocks), for a person to review.

    Each listed site's homepage is fetched once (politely, robots.txt obeyed) to find its
    政府信息公开 portal; where none is found the homepage stands in and a note says so.
    """
    from .bootstrap import draft_registry

    text = draft_registry(url, level, region_code, parent, prefix, ctx.obj)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"已写入 written: {output}", err=True)
    else:
        click.echo(text, nl=False)


# crawl ------------------------------------------------------------------------------------------

@cli.command()
@click.option("--agency", "agency_ids", multiple=True, metavar="ID", help="只抓取这些机构 (only these agencies; repeatable)")
@db_option
@click.option("--full", is_flag=True, help="全量抓取: 不在已知条目处停止翻页 (walk every page, not only until known items)")
@click.option("-s", "--set", "overrides", multiple=True, metavar="KEY=VALUE",
              help="Scrapy 设置覆盖 (override a Scrapy setting, e.g. -s DOWNLOAD_DELAY=2)")
@click.pass_context
def crawl(ctx, agency_ids, db_path, full, overrides):
    """抓取 Crawl the registered agencies' 政务公开 columns into the database.

    Politely: robots.txt obeyed (unless an agency's registry entry says otherwise, with a reason),
    2 requests at a time per site, AutoThrottle, an identifying User-Agent (set crawl.contact).
    Incremental unless --full. Exit 0 when the crawl ran (fetch errors are recorded in `fetches`),
    1 when it could not finish.
    """
    from crawlers.runner import run_crawl

    db, path = _db(ctx, db_path)
    known = {row[0] for row in db.execute("SELECT id FROM agencies")}
    if not known:
        raise UserError(f"{path} 中没有机构: 先运行 gkwatch agencies import (no agencies in the database)")
    unknown = set(agency_ids) - known
    if unknown:
        raise UserError(f"登记册中没有这些机构 (unknown agencies): {', '.join(sorted(unknown))}")
    settings = {}
    for pair in overrides:
        key, sep, value = pair.partition("=")
        if not sep:
            raise UserError(f"-s 须为 KEY=VALUE (expected KEY=VALUE): {pair!r}")
        settings[key] = value
    db.close()
    run_crawl(path, list(agency_ids), full=full, config=ctx.obj, overrides=settings)
    _crawl_summary(path)


def _crawl_summary(path: str) -> None:
    import storage

    db = storage.connect(path)
    run = next(db.query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1"), None)
    if run is None:
        raise click.ClickException("抓取未能开始 (the crawl did not start)")
    click.echo(
        f"抓取 #{run['id']} {run['status']}: 页面 pages {run['pages']} · 条目 items {run['items_seen']} "
        f"(新 new {run['items_new']}) · 错误 errors {run['errors']} · {run['started_at']} → {run['finished_at']}"
    )
    if run["status"] != "finished":
        sys.exit(1)


# extract ----------------------------------------------------------------------------------------

@cli.command()
@click.argument("kind", type=click.Choice(["list", "detail", "report"]))
@click.argument("source", metavar="FILE_OR_URL")
@click.option("--url", "base_url", metavar="BASE", help="页面原网址, 用于解析相对链接 (the page's URL, to resolve relative links)")
@click.option("--encoding", metavar="ENC", help="强制编码 (force an encoding, e.g. gbk)")
@click.pass_context
def extract(ctx, kind, source, base_url, encoding):
    """调试提取 Print what the extractors see on one page, as JSON (like `scrapy parse`).

    \b
    list   → {"items": [{"title", "url", "date"}], "pagination": {"total_pages", "next"}}
    detail → {"title", "published", "source", "publisher", "index_no", "doc_no", "attachments", "text"}
    report → {"year", "agency", "published", "format", "sections", "tables", "figures", "problems"}
    A FILE is read as bytes and decoded like the crawler does.
    """
    from crawlers.extract import decode_html, extract_detail, extract_list

    body, content_type, url = _read_source(source, ctx.obj)
    base_url = base_url or url
    if kind == "report":  # HTML, PDF, DOCX or plain text: detected from the bytes
        from crawlers.extract import parse_report
        report = parse_report(body, base_url, f"text/html; charset={encoding}" if encoding else content_type)
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
        return
    html = body.decode(encoding, errors="replace") if encoding else decode_html(body, content_type)[0]
    result = extract_list(html, base_url) if kind == "list" else extract_detail(html, base_url)
    click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=1))


def _read_source(source: str, config) -> tuple[bytes, str | None, str]:
    if source.startswith(("http://", "https://")):
        import urllib.request

        request = urllib.request.Request(source, headers={"User-Agent": user_agent(config)})
        try:
            with urllib.request.urlopen(request, timeout=config.crawl.timeout) as response:
                return response.read(), response.headers.get("Content-Type"), response.url
        except OSError as exc:
            raise click.ClickException(f"无法获取 {source} (cannot fetch): {exc}")
    path = Path(source)
    if not path.is_file():
        raise UserError(f"文件不存在 (no such file): {source}")
    return path.read_bytes(), None, path.resolve().as_uri()


# sandbox ----------------------------------------------------------------------------------------

@cli.group()
def sandbox():
    """本地沙盒 (sandbox): realistic synthetic agency sites on 127.0.0.x, with planted defects."""


@sandbox.command("serve")
@click.option("--as-of", callback=day_option, metavar="DATE", help="模拟日期 (serve the sites as on this date; default today, 北京时间)")
@click.option("--port", type=int, default=None, help="端口 (port; default 8700)")
@click.option("--slow-seconds", type=float, default=20.0, show_default=True, help="慢页面的延迟 (delay of the slow page)")
def sandbox_serve(as_of, port, slow_seconds):
    """启动沙盒 Serve the sandbox sites until Ctrl-C, each agency on its own 127.0.0.x address."""
    from .sandbox import DEFAULT_PORT
    from .sandbox.cli import serve

    serve(as_of or clock.today(), port or DEFAULT_PORT, "127.0.0.10", slow_seconds)


@sandbox.command("registry")
@click.option("--port", type=int, default=None, help="沙盒端口 (the sandbox's port; default 8700)")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="写入文件 (write to FILE instead of stdout)")
def sandbox_registry(port, output):
    """沙盒登记册 Print registry YAML for the sandbox agencies (import it with `gkwatch agencies import`)."""
    from .registry import dump
    from .sandbox import DEFAULT_PORT, registry_entries

    text = "# gkwatch 沙盒机构登记册 (sandbox registry), generated\n" + dump(registry_entries(port or DEFAULT_PORT))
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@sandbox.command("manifest")
@click.option("--as-of", callback=day_option, metavar="DATE", help="日期 (date; default today)")
@click.option("--port", type=int, default=None, help="沙盒端口 (the sandbox's port; default 8700)")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="写入文件 (JSON file to write)")
def sandbox_manifest(as_of, port, output):
    """沙盒真值 Write the sandbox's ground truth (columns, items, reports, planted defects) as JSON."""
    from .sandbox import DEFAULT_PORT
    from .sandbox.cli import write_manifest

    write_manifest(output, as_of or clock.today(), port or DEFAULT_PORT)


# serve and demo ---------------------------------------------------------------------------------

@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址 (address to listen on)")
@click.option("--port", type=int, default=8001, show_default=True, help="端口 (port)")
@click.pass_context
def serve(ctx, db_path, host, port):
    """发布 Serve the database with Datasette (read-only) and gkwatch's metadata and dashboards."""
    from dashboards.serve import run_datasette

    _, path = _db(ctx, db_path)
    sys.exit(run_datasette(path, host, port))


@cli.command()
@click.option("--once", is_flag=True, envvar="DEMO_ONCE",
              help="只抓取和检查, 不启动 Datasette (do everything but serving, then exit; also DEMO_ONCE=1)")
@db_option
@click.option("--port", type=int, default=8001, show_default=True, help="Datasette 端口 (port)")
@click.option("--sandbox-port", type=int, default=None, help="沙盒端口 (sandbox port; default 8700)")
@click.pass_context
def demo(ctx, once, db_path, port, sandbox_port):
    """演示 Start the sandbox, crawl it, run the checks and serve the results in Datasette.

    The demo database defaults to ./demo-data/gkwatch-demo.db (printed at the start).
    """
    from .demo import run_demo

    sys.exit(run_demo(ctx.obj, db_path or str(Path("demo-data") / "gkwatch-demo.db"), once, port, sandbox_port))


def _register_commands() -> None:
    from monitors.alerts_cli import alert_command, schedule_command
    from monitors.cli import check_command

    cli.add_command(check_command, "check")
    cli.add_command(alert_command, "alert")
    cli.add_command(schedule_command, "schedule")


_register_commands()


def main() -> None:
    cli(prog_name="gkwatch")


if __name__ == "__main__":
    main()
