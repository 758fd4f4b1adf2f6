"""What every gkwatch command shares: one exit-code table, errors shown without a traceback, the
``--db`` option, the loaded config, the database opened or refused, the agency guard, dates."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import click

from core import exit_codes
from core.config import Config, database_path

SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 110}


class UserError(click.ClickException):
    """Bad input from the user: one line on stderr, exit code ``exit_codes.BAD_INPUT``."""

    exit_code = exit_codes.BAD_INPUT

    def show(self, file=None):
        click.echo(f"错误 (error): {self.message}", err=True)


class Failed(UserError):
    """The command could not do its work: exit code ``exit_codes.FAILED``."""

    exit_code = exit_codes.FAILED


def _bad_input(exc: click.UsageError) -> click.UsageError:
    exc.exit_code = exit_codes.BAD_INPUT   # click's own is 2, which `check` uses for new findings
    return exc


class Command(click.Command):
    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            raise _bad_input(exc)


class Group(click.Group):
    command_class = Command
    group_class = type       # subgroups are Groups too

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            raise _bad_input(exc)

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            raise _bad_input(exc)


def command(name: str | None = None, **kwargs):
    return click.command(name, cls=Command, context_settings=SETTINGS, **kwargs)


def group(name: str | None = None, **kwargs):
    return click.group(name, cls=Group, context_settings=SETTINGS, **kwargs)


db_option = click.option(
    "--db", "db_path", metavar="PATH",
    help="SQLite 数据库路径 (database path; default: config 'database', then $GKWATCH_DB, then ./gkwatch.db)",
)


def config_of(ctx: click.Context) -> Config:
    """The config the root command loaded (``--config``, $GKWATCH_CONFIG or ./gkwatch.toml)."""
    return ctx.find_object(Config)


def open_database(ctx: click.Context, db_path: str | None, *, create: bool = False):
    """(database, path) for ``--db``. Only ``create`` makes a new file: every other command refuses a
    path with no database behind it instead of serving or checking an empty one."""
    import storage

    path = database_path(db_path, config_of(ctx))
    if not create and not Path(path).is_file():
        raise UserError(f"数据库不存在 (no such database): {path}")
    try:
        return storage.connect(path), path
    except (RuntimeError, OSError, sqlite3.DatabaseError) as exc:
        raise UserError(f"{path}: {exc}")


def require_agencies(db, path: str, agency_ids, hint: str) -> None:
    """Refuse a database without agencies (``hint`` says what to run first) or unknown ``agency_ids``."""
    known = {row[0] for row in db.execute("SELECT id FROM agencies")}
    if not known:
        raise UserError(f"{path} 中没有机构: {hint} (no agencies in the database)")
    unknown = sorted(set(agency_ids) - known)
    if unknown:
        raise UserError(f"数据库中没有这些机构 (unknown agencies): {', '.join(unknown)}")


def exit_code_lines() -> str:
    """The exit-code table, as lines for a command's --help (after a \\b)."""
    return "\n".join(f"      {code}  {meaning}" for code, meaning in exit_codes.TABLE)


def day_option(_ctx, _param, value: str | None) -> dt.date | None:
    """A click callback for YYYY-MM-DD options."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} 不是 YYYY-MM-DD 日期 (not a YYYY-MM-DD date)")
