"""JavaScript-drawn lists: Chromium through scrapy-playwright, loaded only when a page needs it."""

from __future__ import annotations

import asyncio

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler

_NEEDLESS = frozenset({"image", "media", "font", "stylesheet"})
_DATA = frozenset({"fetch", "xhr"})


def needless_request(request) -> bool:
    """scrapy-playwright's PLAYWRIGHT_ABORT_REQUEST predicate: skip what draws no text."""
    return request.resource_type in _NEEDLESS


class RenderMiddleware:
    """A request the spider wants drawn (``meta["gk"]["render"]``) gets Chromium's meta as it is
    downloaded, not when made: that meta holds a function, and a request waiting in a Redis queue
    (a worker's, ``crawlers.cluster``) is stored as data."""

    def process_request(self, request):
        gk = request.meta.get("gk") or {}
        if gk.get("render") and not request.meta.get("playwright"):
            gk["data_urls"] = []
            request.meta.update(render_meta(gk["data_urls"]))
        return None


def render_meta(data_urls: list[str]) -> dict:
    """Request meta that has a page drawn by Chromium, its scripts and their data requests done;
    the URLs of the data its scripts fetched (fetch/XHR answered 200) are added to ``data_urls``."""
    from scrapy_playwright.page import PageMethod

    def record(response) -> None:  # called on Playwright's thread, before the page is handed back
        if response.request.resource_type in _DATA and response.ok:
            data_urls.append(response.url)

    return {"playwright": True, "playwright_page_methods": [PageMethod("wait_for_load_state", "networkidle")],
            "playwright_page_event_handlers": {"response": record}}


class OnDemandPlaywrightHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP handler, and scrapy-playwright's for requests with ``meta["playwright"]``,
    imported and started with the first of them. Most agencies' sites need no browser: a crawl
    neither loads Playwright nor waits for its driver before its first request."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.crawler = crawler
        self.browser = None
        self.starting = asyncio.Lock()

    async def download_request(self, request):
        if not request.meta.get("playwright"):
            return await super().download_request(request)
        async with self.starting:
            if self.browser is None:
                from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

                browser = ScrapyPlaywrightDownloadHandler.from_crawler(self.crawler)
                await browser._maybe_launch_in_thread()  # what it does on engine_started, long past
                self.browser = browser
        return await self.browser.download_request(request)

    async def close(self) -> None:
        if self.browser is not None:
            await self.browser.close()
        await super().close()
