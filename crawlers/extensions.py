"""The crawl run: a ``crawl_runs`` row opened with the spider and closed with its counts, and its
progress on stderr (``crawlers.progress``): a line per agency done, and every
``GKWATCH_PROGRESS_INTERVAL`` seconds a summary (0: none)."""

from __future__ import annotations

import sys
import time

from scrapy import signals
from twisted.internet import task

from core.clock import today
from storage import records

from .crawl_database import close_writer, store_for, writer_for
from .items import ListingRecord
from .progress import AgencyProgress, done_line, fetch_tally, summary_lines
from .writer_process import WriterFailed


class CrawlRunExtension:
    def __init__(self, crawler):
        self.crawler = crawler
        self.progress = None
        self.agencies: dict[str, AgencyProgress] = {}
        self.last_fetch = 0
        self.began = self.ticked = time.monotonic()   # the crawl's start, the last tally

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider):
        if self.crawler.settings.get("GKWATCH_REDIS"):
            return   # a worker: the run is the coordinator's (crawlers.coordinator)
        db = store_for(self.crawler)
        agency_ids = [agency["id"] for agency in spider.agencies]
        as_of = self.crawler.settings.get("GKWATCH_AS_OF") or today().isoformat()
        self.crawler._gkwatch_run_id = records.start_crawl_run(db, agency_ids, spider.full, as_of)
        interval = self.crawler.settings.getfloat("GKWATCH_PROGRESS_INTERVAL")
        if interval > 0:
            self.agencies = {a["id"]: AgencyProgress(a["id"], a["name"]) for a in spider.agencies}
            self.crawler.signals.connect(self.item_stored, signal=signals.item_scraped)
            self.crawler.signals.connect(self.request_dropped, signal=signals.request_dropped)
            self.progress = task.LoopingCall(self.report, spider)
            self.progress.start(interval, now=False)

    def item_stored(self, item, spider):
        if isinstance(item, ListingRecord):
            self.agencies[item.agency_id].items += len(item.items)

    def request_dropped(self, request, spider):
        """A request the scheduler refused (a duplicate): never answered, so not waited for."""
        agency = self.agencies.get(request.meta.get("gk", {}).get("agency"))
        if agency:
            agency.dropped += 1

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
            self.tally(since=self.last_fetch)
        except WriterFailed:
            return  # the crawl is being stopped (crawlers.crawl_database): its last counts stand
        self.show(spider, time.monotonic())

    def tally(self, since: int) -> None:
        """Take the writer's counts, and each agency's fetches stored after fetch ``since`` (0: all)."""
        found, fetched, self.last_fetch = writer_for(self.crawler).call(
            fetch_tally, self.crawler._gkwatch_run_id, since)
        self.take_writer_counts(found)
        for agency_id, pages, errors in fetched:
            agency = self.agencies[agency_id]
            agency.started = agency.started or self.ticked   # its first fetches came after the last tally
            if since == 0:
                agency.pages, agency.errors = pages, errors
            else:
                agency.pages, agency.errors = agency.pages + pages, agency.errors + errors
        self.ticked = time.monotonic()

    def show(self, spider, now: float, final: bool = False) -> None:
        """A line for each agency done since the last report (again if it did more since), then,
        while the crawl runs, the summary."""
        lines = []
        for agency_id, state in spider.states.items():
            agency = self.agencies[agency_id]
            agency.queued = 0 if final else max(0, state.pending - agency.dropped)
            counts = (agency.pages, agency.items, agency.errors)
            if agency.queued or not agency.pages or (agency.reported and (final or agency.reported == counts)):
                continue
            agency.done_at, agency.reported = now, counts
            done = sum(1 for a in self.agencies.values() if a.done_at is not None and not a.queued)
            lines.append(done_line(agency, done, len(self.agencies), self.began))
        if not final:
            lines += summary_lines(list(self.agencies.values()), self.counts(), now)
        if lines:
            print("\n".join(lines), file=sys.stderr, flush=True)

    def spider_closed(self, spider, reason):
        if self.progress and self.progress.running:
            self.progress.stop()
        if self.crawler.settings.get("GKWATCH_REDIS"):
            return
        status = "finished" if reason == "finished" else f"stopped: {reason}"
        try:  # every record and fetch is stored before the run is called finished
            if self.progress:   # the agencies done last, counted from every fetch stored
                self.tally(since=0)
                self.show(spider, time.monotonic(), final=True)
            self.take_writer_counts(close_writer(self.crawler))
        except WriterFailed as error:
            status = f"failed: {error}"
            self.take_writer_counts(records.items_stored_by_run(store_for(self.crawler), self.crawler._gkwatch_run_id))
        records.finish_crawl_run(store_for(self.crawler), self.crawler._gkwatch_run_id, status,
                                 self.counts(), self.crawler.stats.get_stats())
