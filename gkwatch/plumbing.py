"""What every gkwatch command shares: one exit-code table, errors shown without a traceback, the
``--db`` option, the loaded config, the database opened or refused, the agency guard, dates."""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import quote

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


class ReadOnly(Failed):
    """The database cannot be written (read-only disk, directory or file)."""


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

    def invoke(self, ctx):
        # A database that fails under any command (locked, disk full, read-only, not SQLite) is one
        # line and its exit code, never a traceback.
        try:
            return super().invoke(ctx)
        except (sqlite3.Error, OSError) as exc:
            failure = None if isinstance(exc, OSError) and exc.errno not in _STORAGE_ERRNOS else (
                database_failure(exc, ctx.meta.get(_DB_PATH)))
            if failure is None:
                raise   # not the database's state but a bug: its traceback is what helps
            raise failure from None


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


def open_database(ctx: click.Context, db_path: str | None, *, create: bool = False, read_only: bool = False):
    """(database, path) for ``--db``. Only ``create`` (``agencies import``) makes a new database: every
    other command refuses a path with no gkwatch database behind it — no file, or an empty file or
    another program's SQLite file, which opening would silently turn into an empty gkwatch database —
    and writes nothing. A command that only reads (``read_only``) still works on a database it cannot
    write (a read-only disk or directory): then ``read_only_database(ctx)`` says so."""
    import storage

    path = database_path(db_path, config_of(ctx))
    ctx.meta[_DB_PATH] = path
    if not create:
        _require_existing(path)
    try:
        return storage.connect(path), path
    except RuntimeError as exc:
        raise UserError(f"{path}: {exc}")
    except (OSError, sqlite3.Error) as exc:
        failure = database_failure(exc, path) or UserError(f"{path}: {exc}")
    if not (read_only and isinstance(failure, ReadOnly)):
        raise failure
    try:
        db, immutable = storage.connect_read_only(path)
    except RuntimeError as exc:
        raise Failed(f"{path}: {exc}")
    except sqlite3.Error as exc:
        raise (database_failure(exc, path) or Failed(f"{path}: {exc}")) from None
    ctx.meta[_READ_ONLY] = "immutable" if immutable else "read-only"
    return db, path


def _require_existing(path: str) -> None:
    """UserError unless ``path`` holds a gkwatch database (looked at read-only: nothing is created)."""
    first = "先运行 gkwatch agencies import 建立数据库 (run gkwatch agencies import first to create it)"
    if not Path(path).is_file():
        raise UserError(f"数据库不存在 (no such database): {path}; {first}")
    try:
        conn = sqlite3.connect(f"file:{quote(str(Path(path).resolve()))}?mode=ro", uri=True)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return   # not SQLite, damaged, or not readable as it is: opening it says which
    if version == 0:
        raise UserError(f"不是 gkwatch 数据库, 为空文件或其他程序的数据库, 未作任何改动 (not a gkwatch database: an "
                        f"empty file or another program's; left as it was): {path}; {first}")


def read_only_database(ctx: click.Context) -> str | None:
    """How ``open_database`` opened a database it cannot write: "read-only", "immutable", or None."""
    return ctx.meta.get(_READ_ONLY)


_DB_PATH = "gkwatch.db_path"
_READ_ONLY = "gkwatch.db_read_only"
_STORAGE_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS)   # whatever file it was: the disk said no


def database_failure(exc: BaseException, path: str | None) -> UserError | None:
    """The one-line error for a database that cannot be opened, read or written, or None when
    ``exc`` is none of these. Its content is bad input (exit 3: not SQLite, damaged); the machine not
    letting the command finish is exit 4 (locked past every wait, disk full, read-only, I/O error):
    nothing was written either way (each write is one transaction)."""
    text = str(exc).lower()
    where = f": {path}" if path else ""
    code = getattr(exc, "errno", None) if isinstance(exc, OSError) else None
    if "file is not a database" in text or "not a database" in text:
        return UserError(f"不是 SQLite 数据库 (not a SQLite database){where}")
    if "malformed" in text or "corrupt" in text:
        return UserError(f"数据库文件已损坏 (database disk image is malformed){where}")
    if "locked" in text or "busy" in text:
        return Failed(f"数据库一直被其他进程占用, 等待后仍未能写入, 未写入任何内容 (database is locked by "
                      f"another process past every wait; nothing written, run again later){where}")
    if "disk is full" in text or code in (errno.ENOSPC, errno.EDQUOT) or (
            ("disk i/o" in text or code == errno.EIO) and _disk_full(path)):
        return Failed(f"磁盘已满, 未写入任何内容 (disk full: nothing written; free some space and run "
                      f"again){where}")
    if "readonly" in text or "read-only" in text or code in (errno.EROFS, errno.EACCES, errno.EPERM) or (
            "unable to open" in text and _read_only(path)):
        return ReadOnly(f"数据库只读, 无法写入 (read-only database or directory: cannot write){where}")
    if "disk i/o" in text or code == errno.EIO:
        return Failed(f"磁盘读写错误 (disk I/O error){where}")
    if "unable to open" in text:
        return UserError(f"无法打开数据库 (cannot open the database file){where}")
    return None


def _directory(path: str | None) -> Path | None:
    return Path(path).resolve().parent if path else None


def _disk_full(path: str | None) -> bool:
    folder = _directory(path)
    try:
        return folder is not None and shutil.disk_usage(folder).free < 64 * 1024
    except OSError:
        return False


def _read_only(path: str | None) -> bool:
    """Whether the database's directory cannot be written (SQLite keeps its -wal and -shm there)."""
    folder = _directory(path)
    try:
        return folder is not None and bool(os.statvfs(folder).f_flag & os.ST_RDONLY or not os.access(folder, os.W_OK))
    except OSError:
        return False


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


def redis_option(_ctx, _param, value: str | None) -> str | None:
    """A click callback for --redis: a redis:// (or rediss://, unix://) URL."""
    if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
        raise click.BadParameter(f"{value!r} 不是 Redis 地址 (not a Redis URL such as redis://127.0.0.1:6379/0)")
    return value


def day_option(_ctx, _param, value: str | None) -> dt.date | None:
    """A click callback for YYYY-MM-DD options."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} 不是 YYYY-MM-DD 日期 (not a YYYY-MM-DD date)")
