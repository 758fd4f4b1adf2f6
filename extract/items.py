"""What list extraction returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class ListItem:
    title: str
    url: str
    date: dt.date | None

    def to_json(self) -> dict:
        return {"title": self.title, "url": self.url, "date": self.date.isoformat() if self.date else None}


@dataclass
class ListPage:
    items: list[ListItem] = field(default_factory=list)
    total_pages: int | None = None
    next_pages: list[str] = field(default_factory=list)  # absolute URLs of the column's further pages
    scripted: bool = False  # no items, but script that draws a list: needs a browser or its API
    data_endpoints: list[str] = field(default_factory=list)  # JSON/XML URLs named in inline scripts
    # Why the page could not be read as a list with confidence, else None: "scripted" (no records;
    # script draws the list), "no_list" (no records, and the page does not say it has none, as
    # 暂无信息 or 共0条 would), "undated" (records, none with a date: navigation-like links only).
    problem: str | None = None

    def to_json(self) -> dict:
        return {
            "items": [item.to_json() for item in self.items],
            "pagination": {"total_pages": self.total_pages, "next": list(self.next_pages)},
            "problem": self.problem,
        }
