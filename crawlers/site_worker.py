"""A worker's walk of the sites it claims (``gkwatch worker``; how the work is shared:
``crawlers.cluster``). Every second it looks at its sites: one with nothing in flight has its
removals verified (as a single-process crawl does at its end), then is given back done; free places
are filled with the next sites waiting. The spider stays open while sites remain anywhere in the crawl.
"""

from __future__ import annotations

import logging
import os
import warnings
from dataclasses import dataclass
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.queue import PriorityQueue
from twisted.internet import task

from core import exit_codes
from storage import records

from .cluster import ALIVE_SECONDS, Claims, connect
from .crawl_database import read, writer_for

logger = logging.getLogger(__name__)
# scrapy-redis 0.9.1 passes the spider to the stats collector, which Scrapy 2.13+ only warns about.
warnings.filterwarnings("ignore", message="Passing a 'spider' argument", module="scrapy_redis")


class TakingTurnsQueue(PriorityQueue):
    """scrapy-redis's priority queue, with the sites taking turns within a priority: a sorted set
    keeps equal scores in the order of the stored bytes, that is by URL, so one site's 300 document
    pages would fill the downloader while the other sites wait (48 pages/s where politeness allows
    ~100). The score adds each site's count of requests so far."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.turns: dict[str, int] = {}

    def push(self, request):
        site = urlsplit(request.url).netloc
        turn = self.turns[site] = self.turns.get(site, 0) + 1
        self.server.execute_command("ZADD", self.key, -request.priority * 10**9 + turn, self._encode_request(request))


CLAIMS_PER_TICK = 16   # a few sites a second: workers started together share the first sites


@dataclass
class Site:
    raw: bytes
    agency_ids: list[str]
    verify: str | None = None   # the reply key of its removal query, while it is asked
    verified: bool = False


class SiteWorker:
    def __init__(self, spider, crawler):
        self.spider, self.crawler = spider, crawler
        settings = crawler.settings
        self.claims = Claims(connect(settings.get("GKWATCH_REDIS")), settings.get("GKWATCH_WORKER"),
                             browser=settings.getbool("GKWATCH_BROWSER", True))
        self.at_once = settings.getint("GKWATCH_SITES_AT_ONCE")
        self.sites: list[Site] = []
        run = self.claims.run()
        crawler._gkwatch_run_id = int(run["id"])
        spider.started = run["started"]   # what went missing in this run, whichever worker saw it
        self.loop = None   # made when the spider opens: the reactor is not installed before
        self.failures = 0   # ticks failed in a row
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.keep_open, signal=signals.spider_idle)
        crawler.signals.connect(self.dropped, signal=signals.request_dropped)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    def opened(self, spider) -> None:
        self.loop = task.LoopingCall(self.tend)
        self.loop.start(1.0, now=False)

    def tend(self) -> None:
        try:
            for site in list(self.sites):
                self.look_at(site)
            for _ in range(min(CLAIMS_PER_TICK, self.at_once - len(self.sites))):
                claimed = self.claims.claim()
                if claimed is None:
                    break
                self.begin(*claimed)
            self.claims.beat(self.tally())
            self.failures = 0
        except Exception as error:   # a tick that failed (Redis away a moment) is tried again the next second
            self.failures += 1
            logger.error("工作进程巡检失败 (the worker's tick failed): %s: %s", type(error).__name__, error)
            if self.failures >= ALIVE_SECONDS:
                # Our sites are others' by now, and without Redis Scrapy cannot even close (its
                # request queue is there): leave at once; the parsing processes end with us.
                logger.critical("Redis %d 秒无法连接, 工作进程退出 (Redis unreachable for %d s: the worker exits)",
                                self.failures, self.failures)
                os._exit(exit_codes.FAILED)

    def begin(self, raw: bytes, agency_ids: list[str]) -> None:
        agencies = read(self.crawler, records.agencies, agency_ids)
        self.sites.append(Site(raw, [a["id"] for a in agencies]))
        for agency in agencies:
            for request in self.spider.first_requests(self.spider.add_agency(agency)):
                self.crawler.engine.crawl(request)

    def look_at(self, site: Site) -> None:
        if self.busy(site):
            return
        writer = writer_for(self.crawler)
        if not site.verified:
            if site.verify is None:   # asked after the site's writes: its missing items are among them
                site.verify = writer.ask(*self.spider.removal_query(site.agency_ids))
                return
            ready, candidates = writer.answer(site.verify)
            if not ready:
                return
            site.verified = True
            if self.spider.check_removals(candidates):
                return
        writer.done(site.raw)
        self.sites.remove(site)
        for agency_id in site.agency_ids:
            del self.spider.states[agency_id]

    def busy(self, site: Site) -> bool:
        """A request of the site waiting, in flight, or its response still being read."""
        ids = set(site.agency_ids)
        if any(self.spider.states[agency_id].pending > 0 for agency_id in ids):
            return True
        return any(request.meta.get("gk", {}).get("agency") in ids
                   for request in self.crawler.engine.scraper.slot.active)

    def dropped(self, request, spider) -> None:
        """A request the duplicate filter refused is never answered: not waited for."""
        state = self.spider.states.get(request.meta.get("gk", {}).get("agency"))
        if state is not None:
            state.pending -= 1

    def keep_open(self, spider) -> None:
        """Open while the crawl runs: a worker that dies leaves sites someone must take up."""
        try:
            running = self.claims.running()
        except Exception:   # Redis away: tend() counts the failures
            running = True
        if self.sites or running:
            raise DontCloseSpider

    def tally(self) -> dict:
        stats = self.crawler.stats
        return {"pages": stats.get_value("response_received_count", 0), "sites": len(self.sites),
                "items": stats.get_value("item_scraped_count", 0),
                "errors": sum(n for k, n in stats.get_stats().items()
                              if k.startswith("gkwatch/fetch/") and k != "gkwatch/fetch/read")}

    def closed(self, spider, reason) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        try:
            writer_for(self.crawler).close()
            self.claims.leave()
        except Exception as error:   # Redis gone: the coordinator puts our sites back itself
            logger.error("无法交还站点 (could not give the sites back): %s: %s", type(error).__name__, error)
