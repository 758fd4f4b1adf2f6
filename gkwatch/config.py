"""gkwatch's configuration file (TOML), with defaults for everything.

Looked up as ``--config FILE``, else ``$GKWATCH_CONFIG``, else ``./gkwatch.toml`` when it exists.
The database path is ``--db``, else the config file's ``database``, else ``$GKWATCH_DB``, else
``./gkwatch.db``. A bad value is reported by its key, never with a traceback.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DB = "gkwatch.db"
DEFAULT_CONFIG = "gkwatch.toml"


class ConfigError(ValueError):
    pass


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


@dataclass
class Config:
    path: Path | None = None
    database: str | None = None
    crawl: CrawlConfig = field(default_factory=CrawlConfig)
    raw: dict = field(default_factory=dict)


_CRAWL_TYPES = {
    "contact": str, "download_delay": (int, float), "concurrency_per_domain": int,
    "concurrency": int, "timeout": (int, float), "retries": int, "chromium": str,
    "obey_robots": bool, "max_pages_per_column": int, "full_walk_days": (int, float),
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
    return config


def user_agent(config: Config) -> str:
    """The identifying User-Agent of every gkwatch request, with the operator's contact."""
    from . import __version__

    return f"gkwatch/{__version__} (+https://github.com/gkwatch/gkwatch; disclosure monitor; contact: {config.crawl.contact})"


def _default_path() -> Path | None:
    if os.environ.get("GKWATCH_CONFIG"):
        return Path(os.environ["GKWATCH_CONFIG"])
    local = Path(DEFAULT_CONFIG)
    return local if local.exists() else None


def database_path(cli_value: str | None, config: Config) -> str:
    return cli_value or config.database or os.environ.get("GKWATCH_DB") or DEFAULT_DB
