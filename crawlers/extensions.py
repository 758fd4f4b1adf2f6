"""The crawl run: a ``crawl_runs`` row opened with the spider and closed with its counts, and a
progress line on stderr every few seconds (agencies, pages, items, errors)."""

from __future__ import annotations

import sys

from scrapy import signals
from twisted.internet import task

from storage import records

from .crawl_database import close_writer, store_for, writer_for
from .writer_process import WriterFailed, counts as writer_counts


class CrawlRunExtension:
    def __init__(self, crawler):
        self.crawler = crawler
        self.progress = None

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider):
        db = store_for(self.crawler)
        agency_ids = [agency["id"] for agency in spider.agencies]
        self.crawler._gkwatch_run_id = records.start_crawl_run(db, agency_ids, spider.full)
        interval = self.crawler.settings.getfloat("GKWATCH_PROGRESS_INTERVAL")
        if interval > 0:
            self.progress = task.LoopingCall(self.report, spider)
            self.progress.start(interval, now=False)

    def counts(self) -> dict:
        stats = self.crawler.stats
        return {
            "pages": stats.get_value("response_received_count", 0),
            "items_new": stats.get_value("gkwatch/items_new", 0),
            "items_seen": stats.get_value("gkwatch/items_seen", 0),
            "errors": sum(n for key, n in stats.get_stats().items()   # every fetch not read, whatever the reason
                          if key.startswith("gkwatch/fetch/") and key != "gkwatch/fetch/read"),
        }

    def take_writer_counts(self, found: dict[str, int]) -> None:
        """Items seen and new are known where they are stored: in the writer process."""
        for key, value in found.items():
            self.crawler.stats.set_value(key, value)

    def report(self, spider):
        try:
            self.take_writer_counts(writer_for(self.crawler).call(writer_counts))
        except WriterFailed:
            pass  # the crawl is being stopped (crawlers.crawl_database); the line shows the last counts
        counts = self.counts()
        done = len(spider.agencies) - spider.agencies_in_progress()
        print(
            f"[gkwatch] 机构 agencies {done}/{len(spider.agencies)} · 页面 pages {counts['pages']} · "
            f"条目 items {counts['items_seen']} (新 new {counts['items_new']}) · 错误 errors {counts['errors']}",
            file=sys.stderr, flush=True,
        )

    def spider_closed(self, spider, reason):
        if self.progress and self.progress.running:
            self.progress.stop()
        status = "finished" if reason == "finished" else f"stopped: {reason}"
        try:  # every record and fetch is stored before the run is called finished
            self.take_writer_counts(close_writer(self.crawler))
        except WriterFailed as error:
            status = f"failed: {error}"
            self.take_writer_counts(records.items_stored_by_run(store_for(self.crawler), self.crawler._gkwatch_run_id))
        records.finish_crawl_run(store_for(self.crawler), self.crawler._gkwatch_run_id, status,
                                 self.counts(), self.crawler.stats.get_stats())
