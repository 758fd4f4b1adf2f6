"""``gkwatch schedule``: crawl, check, alert and the annual-report sweep on the config's schedules."""

from __future__ import annotations

import sys

import click

from ..plumbing import UserError, command, config_of, db_option


@command("schedule")
@db_option
@click.pass_context
def schedule_command(ctx, db_path):
    """定时服务 Run crawl, check, alert and the yearly annual-report sweep on the config's cron
    schedules ([schedule]; Asia/Shanghai time) until SIGTERM.

    Jobs are kept in <database>.jobs.sqlite; a restart never duplicates them. A job never runs twice
    at once (a lock file per job, released by the OS if its holder dies). Missed runs are coalesced
    and run if within schedule.misfire_grace_time. SIGTERM lets a running job finish, then exits 0.
    """
    from core.config import database_path
    from monitors.alerts import AlertConfigError, channels
    from monitors.scheduler import serve

    config = config_of(ctx)
    try:
        channels(config.subscribers)        # a bad notification URL stops the service from starting
    except AlertConfigError as exc:
        raise UserError(str(exc))
    path = database_path(db_path, config)
    config_path = str(config.path.resolve()) if config.path else None
    sys.exit(serve(path, config, config_path))
