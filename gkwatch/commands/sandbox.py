"""``gkwatch sandbox``: the local test bed of synthetic agency sites (the ``sandbox`` package)."""

from __future__ import annotations

from pathlib import Path

import click

from core import clock, exit_codes

from ..plumbing import day_option, group


faults_option = click.option(
    "--faults", is_flag=True,
    help="加上 20 个故障网站 (also the 20 fault sites on 127.0.0.21–40: anti-bot walls, soft 404s, outages …; "
         "benchmarks/faults)")
agencies_option = click.option(
    "--agencies", type=click.IntRange(1, 19_000), metavar="N",
    help="全国模拟: N 个合成机构 (national simulation: N synthetic agencies on 127.1.0.1 onwards, port 8800 "
         "by default; without it the 13 hand-made agencies)")
seed_option = click.option("--seed", type=int, default=1, show_default=True,
                           help="全国模拟的随机种子 (the national simulation's seed)")


def _national_only(agencies, faults) -> None:
    if agencies and faults:
        error = click.UsageError("--faults 只用于手工沙盒; 全国模拟自带故障 (--agencies has faults of its own)")
        error.exit_code = exit_codes.BAD_INPUT
        raise error


@group("sandbox")
def sandbox_group():
    """本地沙盒 (sandbox): realistic synthetic agency sites on 127.0.0.x, with planted defects."""


@sandbox_group.command("serve")
@click.option("--as-of", callback=day_option, metavar="DATE", help="模拟日期 (serve the sites as on this date; default today, 北京时间)")
@click.option("--port", type=int, default=None, help="端口 (port; default 8700)")
@click.option("--slow-seconds", type=float, default=20.0, show_default=True, help="慢页面的延迟 (delay of the slow page)")
@click.option("--slow-home-seconds", type=float, default=8.0, show_default=True,
              help="全国模拟: 慢首页故障的延迟 (national: delay of the slow-homepage fault)")
@click.option("--cache-sites", type=click.IntRange(1), default=64, show_default=True,
              help="全国模拟: 内存中保留的网站数 (national: built sites kept in memory)")
@faults_option
@agencies_option
@seed_option
def sandbox_serve(as_of, port, slow_seconds, slow_home_seconds, cache_sites, faults, agencies, seed):
    """启动沙盒 Serve the sandbox sites until Ctrl-C, each agency on its own 127.0.0.x address
    (with --agencies N: N synthetic agencies from one process; port 0 takes a free port)."""
    _national_only(agencies, faults)
    if agencies:
        from sandbox.national import NATIONAL_PORT
        from sandbox.national_server import serve_until_stopped as serve_national

        serve_national(agencies, seed, as_of or clock.today(), NATIONAL_PORT if port is None else port,
                       slow_seconds, slow_home_seconds, cache_sites)
        return
    from sandbox import DEFAULT_PORT
    from sandbox.server import serve_until_stopped

    serve_until_stopped(as_of or clock.today(), port or DEFAULT_PORT, "127.0.0.10", slow_seconds, faults)


@sandbox_group.command("registry")
@click.option("--port", type=int, default=None, help="沙盒端口 (the sandbox's port; default 8700)")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="写入文件 (write to FILE instead of stdout)")
@faults_option
@agencies_option
@seed_option
def sandbox_registry(port, output, faults, agencies, seed):
    """沙盒登记册 Print registry YAML for the sandbox agencies (import it with `gkwatch agencies import`)."""
    from core.registry import dump
    from sandbox import DEFAULT_PORT, registry_entries
    from sandbox.national import NATIONAL_PORT, national_registry_entries

    _national_only(agencies, faults)
    if agencies:
        entries = national_registry_entries(agencies, seed, port or NATIONAL_PORT)
    else:
        entries = registry_entries(port or DEFAULT_PORT, faults=faults)
    text = "# gkwatch 沙盒机构登记册 (sandbox registry), generated\n" + dump(entries)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@sandbox_group.command("manifest")
@click.option("--as-of", callback=day_option, metavar="DATE", help="日期 (date; default today)")
@click.option("--port", type=int, default=None, help="沙盒端口 (the sandbox's port; default 8700)")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="写入文件 (JSON file to write)")
@click.option("--detail", multiple=True, metavar="ID",
              help="全国模拟: 写出该机构的栏目与信息 (national: also this agency's columns and items)")
@faults_option
@agencies_option
@seed_option
def sandbox_manifest(as_of, port, output, detail, faults, agencies, seed):
    """沙盒真值 Write the sandbox's ground truth (columns, items, reports, planted defects) as JSON
    (with --agencies N: every agency's plants, fault and true defects; builds every site, ~30 ms each)."""
    from sandbox import DEFAULT_PORT
    from sandbox.manifest import write_manifest
    from sandbox.national import NATIONAL_PORT, write_national_manifest

    _national_only(agencies, faults)
    if agencies:
        write_national_manifest(output, agencies, seed, as_of or clock.today(), port or NATIONAL_PORT, detail)
    else:
        write_manifest(output, as_of or clock.today(), port or DEFAULT_PORT, faults=faults)
