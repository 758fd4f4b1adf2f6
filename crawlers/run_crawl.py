"""Run the disclosure spider in this process (what `gkwatch crawl` does)."""

from __future__ import annotations

import gc
import json
import logging
import os

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from core.config import Config, user_agent


def crawl_settings(db_path: str, config: Config, full: bool, overrides: dict[str, str]) -> Settings:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawlers.settings")
    settings = Settings()
    settings.setmodule("crawlers.settings", priority="project")
    crawl = config.crawl
    launch = dict(settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"), executable_path=crawl.chromium)
    settings.setdict({
        "GKWATCH_DB": db_path,
        "GKWATCH_FULL": full,
        "GKWATCH_MAX_PAGES_PER_COLUMN": crawl.max_pages_per_column,
        "GKWATCH_FULL_WALK_DAYS": crawl.full_walk_days,
        "GKWATCH_EXTRACT_WORKERS": crawl.extract_workers,
        "USER_AGENT": user_agent(config),
        "DOWNLOAD_DELAY": crawl.download_delay,
        "AUTOTHROTTLE_START_DELAY": max(crawl.download_delay, 0.1),
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrency_per_domain,
        "CONCURRENT_REQUESTS": crawl.concurrency,
        "DOWNLOAD_TIMEOUT": crawl.timeout,
        "RETRY_TIMES": crawl.retries,
        "ROBOTSTXT_OBEY": crawl.obey_robots,
        "PLAYWRIGHT_LAUNCH_OPTIONS": launch,
    }, priority="cmdline")
    settings.setdict(overrides, priority="cmdline")
    return settings


def run_crawl(db_path: str, agency_ids: list[str], *, full: bool, config: Config,
              overrides: dict[str, str] | None = None) -> None:
    settings = crawl_settings(db_path, config, full, overrides or {})
    _run(settings, agency=",".join(agency_ids), full="1" if full else None)


def run_worker(redis_url: str, run: dict, worker: str, *, config: Config, browser: bool,
               sites_at_once: int | None) -> str:
    """Walk sites of the crawl ``run`` (its ``gkwatch:run`` hash) until it is over (crawlers.cluster);
    why the worker stopped (``finished``: the crawl is over)."""
    from .cluster import worker_settings

    overrides = {**json.loads(run["overrides"]), **worker_settings(redis_url, worker), "GKWATCH_BROWSER": browser}
    if sites_at_once:
        overrides["GKWATCH_SITES_AT_ONCE"] = sites_at_once
    if run["as_of"]:
        overrides["GKWATCH_AS_OF"] = run["as_of"]
    if not browser:
        overrides["GKWATCH_RENDER_CHALLENGES"] = False
    settings = crawl_settings(run["db"], config, bool(run["full"]), overrides)
    # Requests waiting out their site's delay count as downloading: room for 16 per site (with 32, 128
    # sites claimed on the national sandbox gave 11 pages/s where politeness allows ~100).
    settings.set("CONCURRENT_REQUESTS", max(config.crawl.concurrency, 16 * settings.getint("GKWATCH_SITES_AT_ONCE")),
                 priority="cmdline")
    crawler = _run(settings, full="1" if run["full"] else None)
    return crawler.stats.get_value("finish_reason") or "not started"


def _run(settings: Settings, **spider_args):
    process = CrawlerProcess(settings)
    crawler = process.create_crawler("disclosure")
    process.crawl(crawler, **spider_args)
    root = logging.getLogger()
    for handler in root.handlers:  # the crawler has installed its own handler by now
        handler.addFilter(_one_line_errors)
    # Scrapy filters at its handler: without this every debug line (one per page and per item,
    # thousands from pdfminer) is still built before being dropped.
    root.setLevel(settings.get("LOG_LEVEL"))
    # The loaded modules live as long as the crawl: keep the collector from rescanning them (~4 s a crawl).
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    process.start()
    return crawler


def _one_line_errors(record: logging.LogRecord) -> bool:
    """A dead site is a fact to record, not a crash: log its error in one line, without a traceback."""
    if record.exc_info and record.exc_info[1] is not None:
        record.msg = f"{record.getMessage()} ({type(record.exc_info[1]).__name__})"
        record.args, record.exc_info, record.exc_text = (), None, None
    return True
