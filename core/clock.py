"""Time in 北京时间: every stored timestamp is ISO 8601 with +08:00."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")


def now() -> dt.datetime:
    return dt.datetime.now(TZ)


def today() -> dt.date:
    return now().date()


def iso(moment: dt.datetime | None = None) -> str:
    """2026-11-22T10:30:00+08:00 (naive datetimes are taken as Beijing time)."""
    moment = moment or now()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=TZ)
    return moment.astimezone(TZ).isoformat(timespec="seconds")
