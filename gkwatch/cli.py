"""The ``gkwatch`` command line: the root group, its config, and every command registered.
Each command lives in ``gkwatch/commands/<name>.py``; what they share is in ``gkwatch/plumbing.py``."""

from __future__ import annotations

import click

from core.config import ConfigError, load

from .commands.agencies import agencies
from .commands.alert import alert_command
from .commands.check import check_command
from .commands.crawl import crawl
from .commands.demo import demo
from .commands.extract import extract
from .commands.probe import probe_command
from .commands.report import report_command
from .commands.sandbox import sandbox_group
from .commands.schedule import schedule_command
from .commands.serve import serve
from .commands.worker import worker_command
from .plumbing import UserError, exit_code_lines, group


@group(help=f"""gkwatch 政务公开监测 — crawl Chinese government disclosure columns, check them against the
    rules, store everything in SQLite and serve it with Datasette.

    Typical order: agencies import → crawl → check → serve (or demo for all of it on a local sandbox).
    Every command has --help; every command that touches data takes --db PATH (default: the config
    file's `database`, then $GKWATCH_DB, then ./gkwatch.db).

    \b
    退出码 Exit codes, the same for every command:
{exit_code_lines()}
    """)
@click.option("--config", "config_path", metavar="FILE", envvar="GKWATCH_CONFIG",
              help="配置文件 gkwatch.toml (config file; default $GKWATCH_CONFIG or ./gkwatch.toml)")
@click.version_option(package_name="gkwatch")
@click.pass_context
def cli(ctx, config_path):
    try:
        ctx.obj = load(config_path)
    except ConfigError as exc:
        raise UserError(str(exc))


for _command, _name in ((agencies, "agencies"), (crawl, "crawl"), (check_command, "check"), (alert_command, "alert"),
                        (schedule_command, "schedule"), (serve, "serve"), (extract, "extract"),
                        (sandbox_group, "sandbox"), (demo, "demo")):
    cli.add_command(_command, _name)
cli.add_command(probe_command, "probe")
cli.add_command(report_command, "report")
cli.add_command(worker_command, "worker")


def main() -> None:
    cli(prog_name="gkwatch")


if __name__ == "__main__":
    main()
