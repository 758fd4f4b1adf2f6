"""Detail pages and annual reports parsed in worker processes.

Parsing is the crawl's heaviest CPU work (a PDF report takes over a second). Done on the reactor
thread it stalls every download in flight; in workers it runs beside the downloads, on another core.
The functions sent to a worker are pure: bytes in, JSON-ready data out.
"""

from __future__ import annotations

import asyncio
import ctypes
import multiprocessing
import signal
from concurrent.futures import ProcessPoolExecutor

from crawlers.extract import decode_html, extract_detail, parse_report


class Offload:
    """Runs a function in a worker process, or in this one when ``workers`` is 0."""

    def __init__(self, workers: int):
        # spawn: a fork would copy the reactor, the browser's pipes and open SQLite handles.
        self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_die_with_parent) if workers else None

    async def run(self, function, *args):
        if self.pool is None:
            return function(*args)
        return await asyncio.wrap_future(self.pool.submit(function, *args))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _die_with_parent() -> None:
    """A worker holds both ends of its task pipe, so it would wait forever for a crawler killed
    with SIGKILL: have Linux end it with its parent."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: an orphaned worker ends when the machine does


def detail_data(body: bytes, url: str, content_type: str | None) -> dict:
    """What a detail page says (`gkwatch extract detail`'s JSON) with its content hash."""
    text, _ = decode_html(body, content_type)
    detail = extract_detail(text, url)
    return {**detail.to_json(), "content_hash": detail.content_hash}


def report_data(body: bytes, url: str, content_type: str | None) -> dict:
    return parse_report(body, url, content_type).record()
