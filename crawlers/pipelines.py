"""The storage pipeline: every record the spider yields is upserted into SQLite, in the order it
arrives, by the crawl's writer process (``crawlers.writer_process``), so a re-run duplicates nothing."""

from __future__ import annotations

from .record_writes import store_record
from .crawl_database import writer_for


class StoragePipeline:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        writer_for(self.crawler).submit(store_record, item)
        return item
