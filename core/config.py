"""gkwatch's configuration file (TOML), with defaults for everything.

Looked up as ``--config FILE``, else ``$GKWATCH_CONFIG``, else ``./gkwatch.toml`` when it exists.
The database path is ``--db``, else the config file's ``database``, else ``$GKWATCH_DB``, else
``./gkwatch.db``. A bad value is reported by its key, never with a traceback.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .vocabulary import LEVELS, SEVERITIES

DEFAULT_DB = "gkwatch.db"
DEFAULT_CONFIG = "gkwatch.toml"


class ConfigError(ValueError):
    pass


def default_workers() -> int:
    """Processes that parse detail pages and reports: one core is the crawler's, the others (up to 4) parse."""
    return max(0, min(4, (os.cpu_count() or 1) - 1))


@dataclass
class CrawlConfig:
    contact: str = "operator unknown, set crawl.contact in gkwatch.toml"
    download_delay: float = 1.0
    concurrency_per_domain: int = 2
    concurrency: int = 32
    timeout: float = 30.0
    retries: int = 2
    chromium: str = "/usr/bin/chromium"
    obey_robots: bool = True
    max_pages_per_column: int = 200
    full_walk_days: float = 7.0
    extract_workers: int = field(default_factory=default_workers)


@dataclass
class ScheduleConfig:
    """Cron expressions (5 fields, or 6 with seconds first) in Asia/Shanghai time; "" disables a job."""
    crawl: str = "0 2 * * *"
    check: str = "30 6 * * *"
    alert: str = "0 8 * * *"
    report_sweep: str = "0 3 1 2 *"       # 2月1日: after the 1月31日 deadline for annual reports
    probe: str = "*/30 * * * *"           # home-page probes, 48 a day: 19号 judges 站点无法访问 on ≥ 20 visits a day
    misfire_grace_time: int = 3600
    crawl_args: list = field(default_factory=list)
    check_args: list = field(default_factory=list)
    alert_args: list = field(default_factory=list)
    probe_args: list = field(default_factory=list)


@dataclass
class Subscriber:
    name: str
    notify: list
    agencies: list = field(default_factory=list)
    regions: list = field(default_factory=list)
    levels: list = field(default_factory=list)
    min_severity: str = "info"
    digest: bool = True
    operator: bool = False   # also told of the crawler's own trouble (blocked sites, unread pages)


@dataclass
class AlertConfig:
    datasette_url: str = "http://127.0.0.1:8001"


@dataclass
class Config:
    path: Path | None = None
    database: str | None = None
    crawl: CrawlConfig = field(default_factory=CrawlConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    alert: AlertConfig = field(default_factory=AlertConfig)
    subscribers: list = field(default_factory=list)
    raw: dict = field(default_factory=dict)


_CRAWL_TYPES = {
    "contact": str, "download_delay": (int, float), "concurrency_per_domain": int,
    "concurrency": int, "timeout": (int, float), "retries": int, "chromium": str,
    "obey_robots": bool, "max_pages_per_column": int, "full_walk_days": (int, float),
    "extract_workers": int,
}


def load(path: str | Path | None = None) -> Config:
    path = Path(path) if path else _default_path()
    if path is None:
        return Config()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: 配置文件不存在 (config file not found)")
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: TOML 语法错误 (syntax error): {exc}")
    config = Config(path=path, raw=raw)
    database = raw.get("database")
    if database is not None and not isinstance(database, str):
        raise ConfigError(f"{path}: database: 须为文件路径文本 (must be a path string)")
    # A relative database path is relative to the config file, so cron can run from anywhere.
    config.database = str((path.parent / database)) if database else None
    crawl = raw.get("crawl", {})
    for key, value in crawl.items():
        if key not in _CRAWL_TYPES:
            raise ConfigError(f"{path}: crawl.{key}: 未知配置项 (unknown key); known: {', '.join(_CRAWL_TYPES)}")
        expected = _CRAWL_TYPES[key]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(f"{path}: crawl.{key}: 取值类型错误 (wrong type) {value!r}")
        if key == "contact" and not value.isascii():
            raise ConfigError(f"{path}: crawl.contact: HTTP 头只能用 ASCII, 请填写邮箱或网址 "
                              f"(goes into the User-Agent header: use an e-mail address or URL)")
        setattr(config.crawl, key, value)
    _load_schedule(path, raw, config)
    _load_alert(path, raw, config)
    _load_subscribers(path, raw, config)
    known = {"database", "crawl", "schedule", "alert", "subscribers"}
    for key in raw:
        if key not in known:
            raise ConfigError(f"{path}: {key}: 未知配置项 (unknown key); known: {', '.join(sorted(known))}")
    return config


_SCHEDULE_TYPES = {
    "crawl": str, "check": str, "alert": str, "report_sweep": str, "probe": str, "misfire_grace_time": int,
    "crawl_args": list, "check_args": list, "alert_args": list, "probe_args": list,
}
_SUBSCRIBER_TYPES = {"name": str, "notify": list, "agencies": list, "regions": list, "levels": list,
                     "min_severity": str, "digest": bool, "operator": bool}
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _typed(path, where: str, value, expected) -> None:
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise ConfigError(f"{path}: {where}: 取值类型错误 (wrong type) {value!r}")


def _load_schedule(path, raw, config) -> None:
    section = raw.get("schedule", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: schedule: 须为表 [schedule] (must be a table)")
    for key, value in section.items():
        if key not in _SCHEDULE_TYPES:
            raise ConfigError(f"{path}: schedule.{key}: 未知配置项 (unknown key); known: {', '.join(_SCHEDULE_TYPES)}")
        _typed(path, f"schedule.{key}", value, _SCHEDULE_TYPES[key])
        if _SCHEDULE_TYPES[key] is str and value.strip():
            try:
                cron_trigger(value)
            except ValueError as exc:
                raise ConfigError(f"{path}: schedule.{key}: cron 表达式无效 (bad cron expression) {value!r}: {exc}")
        if _SCHEDULE_TYPES[key] is list and not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{path}: schedule.{key}: 须为文本列表 (must be a list of strings)")
        setattr(config.schedule, key, value)


def _load_alert(path, raw, config) -> None:
    section = raw.get("alert", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: alert: 须为表 [alert] (must be a table)")
    types = {"datasette_url": str}
    for key, value in section.items():
        if key not in types:
            raise ConfigError(f"{path}: alert.{key}: 未知配置项 (unknown key); known: {', '.join(types)}")
        _typed(path, f"alert.{key}", value, types[key])
        setattr(config.alert, key, value.rstrip("/") if key == "datasette_url" else value)


def _load_subscribers(path, raw, config) -> None:
    section = raw.get("subscribers", [])
    if not isinstance(section, list):
        raise ConfigError(f"{path}: subscribers: 须为 [[subscribers]] 表数组 (must be an array of tables)")
    names = set()
    for n, entry in enumerate(section, 1):
        where = f"subscribers[{n}]"
        if not isinstance(entry, dict):
            raise ConfigError(f"{path}: {where}: 须为表 (must be a table)")
        for key, value in entry.items():
            if key not in _SUBSCRIBER_TYPES:
                raise ConfigError(f"{path}: {where}.{key}: 未知配置项 (unknown key); "
                                  f"known: {', '.join(_SUBSCRIBER_TYPES)}")
            _typed(path, f"{where}.{key}", value, _SUBSCRIBER_TYPES[key])
            if _SUBSCRIBER_TYPES[key] is list and not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{path}: {where}.{key}: 须为文本列表 (must be a list of strings)")
        for key in ("name", "notify"):
            if not entry.get(key):
                raise ConfigError(f"{path}: {where}.{key}: 必填 (required)")
        name = entry["name"]
        if name in names:
            raise ConfigError(f"{path}: {where}.name: 重复的订阅者名称 (duplicate subscriber) {name!r}")
        names.add(name)
        if entry.get("min_severity", "info") not in SEVERITIES:
            raise ConfigError(f"{path}: {where}.min_severity: 取值 {entry['min_severity']!r} 无效, "
                              f"应为 {' / '.join(SEVERITIES)}")
        for level in entry.get("levels", []):
            if level not in LEVELS:
                raise ConfigError(f"{path}: {where}.levels: 取值 {level!r} 无效, 应为 {' / '.join(LEVELS)}")
        notify = []
        for k, url in enumerate(entry["notify"], 1):
            try:
                notify.append(expand_env(url))
            except KeyError as exc:
                raise ConfigError(f"{path}: {where}.notify[{k}]: 环境变量 {exc.args[0]} 未设置 "
                                  f"(environment variable not set)")
        config.subscribers.append(Subscriber(**{**entry, "notify": notify}))


def expand_env(text: str) -> str:
    """``${NAME}`` → the environment variable NAME (so secrets stay out of the file); KeyError if unset."""
    return _ENV.sub(lambda m: os.environ[m.group(1)], text)


def cron_trigger(expression: str):
    """An APScheduler CronTrigger from 5 fields (minute hour day month weekday) or 6 (second first),
    in Asia/Shanghai time. ValueError for a bad expression."""
    from apscheduler.triggers.cron import CronTrigger

    fields = expression.split()
    if len(fields) == 5:
        return CronTrigger.from_crontab(expression, timezone="Asia/Shanghai")
    if len(fields) == 6:
        second, minute, hour, day, month, weekday = fields
        return CronTrigger(second=second, minute=minute, hour=hour, day=day, month=month,
                           day_of_week=weekday, timezone="Asia/Shanghai")
    raise ValueError(f"须为 5 个字段 (或 6 个, 秒在最前) (expected 5 fields, or 6 with seconds first), got {len(fields)}")


def user_agent(config: Config) -> str:
    """The identifying User-Agent of every gkwatch request, with the operator's contact."""
    from importlib.metadata import version

    return f"gkwatch/{version('gkwatch')} (+https://github.com/gkwatch/gkwatch; disclosure monitor; contact: {config.crawl.contact})"


def _default_path() -> Path | None:
    if os.environ.get("GKWATCH_CONFIG"):
        return Path(os.environ["GKWATCH_CONFIG"])
    local = Path(DEFAULT_CONFIG)
    return local if local.exists() else None


def database_path(cli_value: str | None, config: Config) -> str:
    return cli_value or config.database or os.environ.get("GKWATCH_DB") or DEFAULT_DB
