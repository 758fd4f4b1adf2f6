"""How each record the spider yields is stored: run by the crawl's writer process
(``crawlers.writer_process``), in the order the records arrive. Kept apart from the pipeline so that the
writer process imports storage and the records alone, not Scrapy."""

from __future__ import annotations

from storage import records

from .items import (ColumnDoneRecord, ColumnRecord, DetailRecord, ListingRecord, MessagesRecord, PageRecord,
                    PrivacyRecord, ReportRecord)
from .writer_process import count

# Column ids by (agency, URL), for the listings and column ends that follow.
_column_ids: dict[tuple[str, str], int] = {}


def _column_id(db, agency_id: str, url: str | None) -> int | None:
    """A column recorded earlier in this process, or before it started (a coordinator started
    again resumes a crawl whose columns the one before it stored)."""
    if url is None:
        return None
    found = _column_ids.get((agency_id, url))
    if found is None:
        row = db.execute("SELECT id FROM columns WHERE agency_id = ? AND url = ?", [agency_id, url]).fetchone()
        if row is None:
            return None
        found = _column_ids[(agency_id, url)] = row[0]
    return found


def store_record(db, item) -> None:
    """One record, on the writer process."""
    if isinstance(item, ColumnRecord):
        parent = _column_id(db, item.agency_id, item.parent_url)
        _column_ids[(item.agency_id, item.url)] = records.upsert_column(db, {
            "agency_id": item.agency_id, "url": item.url, "name": item.name, "type": item.type,
            "parent_id": parent, "js": item.js, "explicit": int(item.explicit),
        }, item.crawl_run_id)
    elif isinstance(item, ListingRecord):
        column_id = _column_id(db, item.agency_id, item.column_url)
        for url, title, published in item.items:
            is_new = records.upsert_listing(db, {
                "agency_id": item.agency_id, "column_id": column_id, "url": url, "title": title, "published": published,
            })
            count("gkwatch/items_seen")
            if is_new:
                count("gkwatch/items_new")
    elif isinstance(item, PrivacyRecord):
        records.store_privacy(db, item.agency_id, item.item_url, item.where, item.found)
    elif isinstance(item, MessagesRecord):
        records.upsert_messages(db, item.agency_id, _column_id(db, item.agency_id, item.column_url), item.messages)
    elif isinstance(item, DetailRecord):
        detail = item.detail
        records.store_detail(db, item.agency_id, item.url, detail, detail.get("attachments") or [], item.text)
        count("gkwatch/details")
    elif isinstance(item, ColumnDoneRecord):
        column_id = _column_id(db, item.agency_id, item.column_url)
        if column_id is not None:
            records.record_walk(db, {"column_id": column_id, "crawl_run_id": item.crawl_run_id, "items": len(item.seen),
                                     "oldest": item.oldest, "complete": int(item.complete)})
            if item.complete:
                records.column_walked(db, column_id)
            if item.seen and (item.complete or item.oldest):
                records.mark_missing(db, column_id, item.seen, None if item.complete else item.oldest)
    elif isinstance(item, ReportRecord):
        records.upsert_report(db, item.agency_id, records.item_id(db, item.agency_id, item.item_url),
                              item.url, item.report)
        count("gkwatch/reports")
    elif isinstance(item, PageRecord):
        if item.latest_item_date:
            records.set_latest_item_date(db, item.url, item.latest_item_date)
        records.upsert_links(db, item.agency_id, item.url, item.links)
