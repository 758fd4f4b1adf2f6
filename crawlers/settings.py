"""Scrapy settings for gkwatch's crawlers. Polite by default: these agencies' sites are fragile.

`gkwatch crawl` overrides the per-site values from gkwatch.toml ([crawl] section); the same keys
work with `scrapy crawl disclosure -s KEY=VALUE`.
"""

from core.config import Config, default_workers, user_agent

BOT_NAME = "gkwatch"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

GKWATCH_DB = "gkwatch.db"
GKWATCH_FULL = False
GKWATCH_MAX_PAGES_PER_COLUMN = 200
GKWATCH_FULL_WALK_DAYS = 7
GKWATCH_AS_OF = None   # the day the crawl observes (gkwatch crawl --as-of); None: today
GKWATCH_EXTRACT_WORKERS = default_workers()  # 0: parse in the crawler's own process
GKWATCH_PROGRESS_INTERVAL = 10.0
GKWATCH_SITES_AT_ONCE = 128   # a worker's sites (gkwatch worker), each at ≈ 0.8 pages a second: ~100 pages/s
USER_AGENT = user_agent(Config())

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.5
DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
GKWATCH_RETRY_BACKOFF = 2.0  # seconds before the first retry, doubled for each further one
GKWATCH_RETRY_BACKOFF_MAX = 60.0
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # Scrapy 2.19's HTTP server that runs Python sent to it: not on a monitor
LOG_LEVEL = "WARNING"
FEED_EXPORT_ENCODING = "utf-8"
CONCURRENT_ITEMS = 1  # the storage pipeline is synchronous: parallel item tasks only cost
HTTPERROR_ALLOW_ALL = False
# A body shorter than its Content-Length is kept and recorded as `incomplete` (never read for a
# finding), not retried as an error: some sites always cut their pages.
DOWNLOAD_FAIL_ON_DATALOSS = False
# An anti-bot challenge (瑞数 412, 加速乐 521 …) is fetched once more through Chromium, which runs it.
GKWATCH_RENDER_CHALLENGES = True

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawlers.retry.BackoffRetryMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawlers.middlewares.MetaRefreshMiddleware": 580,
    "crawlers.render.RenderMiddleware": 590,
    "crawlers.middlewares.ConditionalRequestMiddleware": 900,
    "crawlers.middlewares.ReadingMiddleware": 940,
    "crawlers.middlewares.FetchLogMiddleware": 950,
}
SPIDER_MIDDLEWARES = {
    # Each wraps every callback's output; neither is used: column depth is the spider's own
    # (MAX_COLUMN_DEPTH) and its requests carry no meta copied from responses.
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}
ITEM_PIPELINES = {
    "crawlers.pipelines.StoragePipeline": 300,
}
EXTENSIONS = {
    "crawlers.extensions.CrawlRunExtension": 100,
}

# JavaScript-drawn lists: only requests with meta["playwright"] go through the browser.
DOWNLOAD_HANDLERS = {
    "http": "crawlers.render.OnDemandPlaywrightHandler",
    "https": "crawlers.render.OnDemandPlaywrightHandler",
}
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
PLAYWRIGHT_BROWSER_TYPE = "chromium"
# Playwright on an event loop of its own, in a thread: after each message from its driver it
# waits for the loop's ready queue to empty (up to 100 turns), which on the crawl's busy loop
# held a render back until the rest of the crawl was done (13 s in the sandbox benchmark).
_PLAYWRIGHT_THREADED_LOOP = True
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000
# A list's text needs the page's scripts and data, not its images, fonts or styles: fewer requests
# to a fragile site and less work for Chromium.
PLAYWRIGHT_ABORT_REQUEST = "crawlers.render.needless_request"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": "/usr/bin/chromium",
    "headless": True,
    "args": [
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
    ],
}
