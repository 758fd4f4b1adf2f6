"""What every gkwatch command shares: user errors shown without a traceback, and date options."""

from __future__ import annotations

import datetime as dt

import click


class UserError(click.ClickException):
    """Bad input from the user: one line on stderr, exit code 2 (or the command's own)."""

    exit_code = 2

    def show(self, file=None):
        click.echo(f"错误 (error): {self.message}", err=True)


def day_option(_ctx, _param, value: str | None) -> dt.date | None:
    """A click callback for YYYY-MM-DD options."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} 不是 YYYY-MM-DD 日期 (not a YYYY-MM-DD date)")
