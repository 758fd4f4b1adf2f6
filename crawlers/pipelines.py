"""The storage pipeline: every record the spider yields is upserted into SQLite as it arrives,
so a crash loses nothing already yielded and a re-run duplicates nothing."""

from __future__ import annotations

from storage import records

from .items import ColumnDoneRecord, ColumnRecord, DetailRecord, ListingRecord, PageRecord
from .store import store_for


class StoragePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.column_ids: dict[tuple[str, str], int] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        db = store_for(self.crawler)
        stats = self.crawler.stats
        if isinstance(item, ColumnRecord):
            parent = self.column_ids.get((item.agency_id, item.parent_url)) if item.parent_url else None
            self.column_ids[(item.agency_id, item.url)] = records.upsert_column(db, {
                "agency_id": item.agency_id, "url": item.url, "name": item.name, "type": item.type,
                "parent_id": parent, "js": item.js, "explicit": int(item.explicit),
            })
        elif isinstance(item, ListingRecord):
            is_new = records.upsert_listing(db, {
                "agency_id": item.agency_id, "column_id": self.column_ids.get((item.agency_id, item.column_url)),
                "url": item.url, "title": item.title, "published": item.published,
            })
            stats.inc_value("gkwatch/items_seen")
            if is_new:
                stats.inc_value("gkwatch/items_new")
        elif isinstance(item, DetailRecord):
            detail = item.detail
            records.store_detail(db, item.agency_id, item.url, detail, detail.get("attachments") or [], item.text)
            stats.inc_value("gkwatch/details")
        elif isinstance(item, ColumnDoneRecord):
            column_id = self.column_ids.get((item.agency_id, item.column_url))
            if column_id is not None:
                if item.complete:
                    records.column_walked(db, column_id)
                if item.seen and (item.complete or item.oldest):
                    records.mark_missing(db, column_id, item.seen, None if item.complete else item.oldest)
        elif isinstance(item, PageRecord):
            if item.latest_item_date:
                with db.conn:
                    db.execute("UPDATE pages SET latest_item_date = ? WHERE url = ?", [item.latest_item_date, item.url])
            records.upsert_links(db, item.agency_id, item.url, item.links)
        return item
