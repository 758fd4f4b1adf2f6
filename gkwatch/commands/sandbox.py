"""``gkwatch sandbox``: the local test bed of synthetic agency sites (the ``sandbox`` package)."""

from __future__ import annotations

from pathlib import Path

import click

from core import clock

from ..plumbing import day_option, group


faults_option = click.option(
    "--faults", is_flag=True,
    help="加上 20 个故障网站 (also the 20 fault sites on 127.0.0.21–40: anti-bot walls, soft 404s, outages …; "
         "benchmarks/faults)")


@group("sandbox")
def sandbox_group():
    """本地沙盒 (sandbox): realistic synthetic agency sites on 127.0.0.x, with planted defects."""


@sandbox_group.command("serve")
@click.option("--as-of", callback=day_option, metavar="DATE", help="模拟日期 (serve the sites as on this date; default today, 北京时间)")
@click.option("--port", type=int, default=None, help="端口 (port; default 8700)")
@click.option("--slow-seconds", type=float, default=20.0, show_default=True, help="慢页面的延迟 (delay of the slow page)")
@faults_option
def sandbox_serve(as_of, port, slow_seconds, faults):
    """启动沙盒 Serve the sandbox sites until Ctrl-C, each agency on its own 127.0.0.x address."""
    from sandbox import DEFAULT_PORT
    from sandbox.server import serve_until_stopped

    serve_until_stopped(as_of or clock.today(), port or DEFAULT_PORT, "127.0.0.10", slow_seconds, faults)


@sandbox_group.command("registry")
@click.option("--port", type=int, default=None, help="沙盒端口 (the sandbox's port; default 8700)")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="写入文件 (write to FILE instead of stdout)")
@faults_option
def sandbox_registry(port, output, faults):
    """沙盒登记册 Print registry YAML for the sandbox agencies (import it with `gkwatch agencies import`)."""
    from core.registry import dump
    from sandbox import DEFAULT_PORT, registry_entries

    text = "# gkwatch 沙盒机构登记册 (sandbox registry), generated\n" + dump(registry_entries(port or DEFAULT_PORT, faults=faults))
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@sandbox_group.command("manifest")
@click.option("--as-of", callback=day_option, metavar="DATE", help="日期 (date; default today)")
@click.option("--port", type=int, default=None, help="沙盒端口 (the sandbox's port; default 8700)")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="写入文件 (JSON file to write)")
@faults_option
def sandbox_manifest(as_of, port, output, faults):
    """沙盒真值 Write the sandbox's ground truth (columns, items, reports, planted defects) as JSON."""
    from sandbox import DEFAULT_PORT
    from sandbox.manifest import write_manifest

    write_manifest(output, as_of or clock.today(), port or DEFAULT_PORT, faults=faults)
