"""The storage pipeline: every record the spider yields is upserted into SQLite as it arrives,
committed in small groups (every ``records.COMMIT_RECORDS`` records or ``COMMIT_SECONDS``, and at
least every second), so a crash loses at most those last records and a re-run duplicates nothing."""

from __future__ import annotations

from twisted.internet import task

from storage import records

from .items import ColumnDoneRecord, ColumnRecord, DetailRecord, ListingRecord, PageRecord, ReportRecord
from .store import store_for


class StoragePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.column_ids: dict[tuple[str, str], int] = {}
        self.flusher: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self):
        # The same handle serves the fetch log (middlewares) and the crawl run (extension).
        db = store_for(self.crawler)
        records.group_commits(db)
        self.flusher = task.LoopingCall(records.commit, db)  # nothing waits uncommitted while the crawl idles
        self.flusher.start(records.COMMIT_SECONDS, now=False)

    def close_spider(self):
        if self.flusher.running:
            self.flusher.stop()
        records.end_group_commits(store_for(self.crawler))

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
        elif isinstance(item, ReportRecord):
            records.upsert_report(db, item.agency_id, records.item_id(db, item.agency_id, item.item_url),
                                  item.url, item.report)
            stats.inc_value("gkwatch/reports")
        elif isinstance(item, PageRecord):
            if item.latest_item_date:
                records.set_latest_item_date(db, item.url, item.latest_item_date)
            records.upsert_links(db, item.agency_id, item.url, item.links)
        return item
