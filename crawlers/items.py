"""What the spider hands to the pipeline: plain dataclasses, one per kind of fact."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ColumnRecord:
    agency_id: str
    url: str
    name: str
    type: str
    parent_url: str | None = None
    js: str = "none"
    explicit: bool = False
    crawl_run_id: int | None = None


@dataclass
class ListingRecord:
    """The items one list page shows: (URL, title, date or None) each, in the page's order."""
    agency_id: str
    column_url: str
    items: list[tuple[str, str, str | None]]


@dataclass
class MessagesRecord:
    """The messages one page of a message board (互动交流) lists (``extract.messages``, as JSON)."""
    agency_id: str
    column_url: str
    messages: list[dict]


@dataclass
class PrivacyRecord:
    """Personal numbers (masked) an item's attachment holds: ``where`` is the attachment's name."""
    agency_id: str
    item_url: str
    where: str
    found: list[dict]


@dataclass
class DetailRecord:
    agency_id: str
    url: str
    detail: dict
    text: str


@dataclass
class PageRecord:
    """A portal or column page: its newest dated entry and the links it carries."""
    agency_id: str
    url: str
    latest_item_date: str | None
    links: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ColumnDoneRecord:
    """The end of a column's walk this run: unlisted items become removal candidates (all of them
    when the walk reached the last page, else those within the dates walked)."""
    agency_id: str
    column_url: str
    seen: set[str]
    oldest: str | None
    complete: bool
    crawl_run_id: int | None = None


@dataclass
class ReportRecord:
    """An annual report parsed from an item's page or from its attached file."""
    agency_id: str
    item_url: str
    url: str
    report: dict
