"""JavaScript-drawn lists: Chromium through scrapy-playwright, started only when a page needs it."""

from __future__ import annotations

import asyncio

from scrapy import signals
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

_NEEDLESS = frozenset({"image", "media", "font", "stylesheet"})


def needless_request(request) -> bool:
    """scrapy-playwright's PLAYWRIGHT_ABORT_REQUEST predicate: skip what draws no text."""
    return request.resource_type in _NEEDLESS


class OnDemandPlaywrightHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler, but Playwright (its Node driver) starts with the first request
    that needs the browser instead of with the engine: most agencies' sites need none, and a crawl
    should neither wait for the driver before its first request nor keep it running for nothing."""

    def __init__(self, crawler):
        super().__init__(crawler)
        crawler.signals.disconnect(self._maybe_launch_in_thread, signals.engine_started)
        self._starting = asyncio.Lock()

    async def download_request(self, request):
        if request.meta.get("playwright") and getattr(self, "browser_provider", None) is None:
            async with self._starting:
                if getattr(self, "browser_provider", None) is None:
                    await self._maybe_launch_in_thread()
        return await super().download_request(request)
