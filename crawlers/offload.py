"""Detail pages and annual reports parsed in worker processes.

Parsing is the crawl's heaviest CPU work (a PDF report takes over a second). Done on the reactor
thread it stalls every download in flight; in workers it runs beside the downloads, on another core.
The functions sent to a worker are pure: bytes in, JSON-ready data out.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from crawlers.children import die_with_parent
from crawlers.extract import decode_html, extract_detail, parse_report


class Offload:
    """Runs a function in a worker process, or in this one when ``workers`` is 0."""

    def __init__(self, workers: int):
        # spawn: a fork would copy the reactor, the browser's pipes and open SQLite handles.
        self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=die_with_parent) if workers else None

    async def run(self, function, *args):
        if self.pool is None:
            return function(*args)
        return await asyncio.wrap_future(self.pool.submit(function, *args))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def detail_data(body: bytes, url: str, content_type: str | None) -> dict:
    """What a detail page says (`gkwatch extract detail`'s JSON) with its content hash."""
    text, _ = decode_html(body, content_type)
    detail = extract_detail(text, url)
    return {**detail.to_json(), "content_hash": detail.content_hash}


def report_data(body: bytes, url: str, content_type: str | None) -> dict:
    return parse_report(body, url, content_type).record()
