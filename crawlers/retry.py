"""Scrapy's retries with exponential backoff: a fragile government site that answered 503 or timed
out gets 2, 4, 8 … seconds (up to a cap) to recover before it is asked again."""

from __future__ import annotations

import asyncio

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("GKWATCH_RETRY_BACKOFF")
        self.cap = settings.getfloat("GKWATCH_RETRY_BACKOFF_MAX")

    async def process_response(self, request, response):
        return await self._later(super().process_response(request, response))

    async def process_exception(self, request, exception):
        return await self._later(super().process_exception(request, exception))

    async def _later(self, result):
        if isinstance(result, Request) and self.base > 0:
            await asyncio.sleep(min(self.cap, self.base * 2 ** (result.meta.get("retry_times", 1) - 1)))
        return result
