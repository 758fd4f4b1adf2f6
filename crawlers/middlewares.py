"""Downloader middlewares: each does one thing.

- ``ConditionalRequestMiddleware``: revalidates portal and column pages with ETag/Last-Modified and
  keeps their raw bodies as WARC evidence; a 304 is answered from the evidence store.
- ``FetchLogMiddleware``: records every attempt (status or error, elapsed ms, bytes) in ``fetches``,
  so a check can tell "site down" from "column empty".
- ``MetaRefreshMiddleware``: Scrapy's, for pages whose head can hold a refresh at all.
"""

from __future__ import annotations

import time

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as ScrapyMetaRefreshMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers

from core.clock import iso
from storage import records

from . import evidence
from .crawl_database import run_id_for, store_for, writer_for


def gk(request) -> dict:
    return request.meta.get("gk", {})


class ConditionalRequestMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.root = evidence.evidence_dir(crawler.settings.get("GKWATCH_DB"))

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        if not gk(request).get("conditional") or request.meta.get("playwright"):
            return None
        state = records.page_state(store_for(self.crawler), request.url)
        if state and state["warc_path"] and (self.root / state["warc_path"]).exists():
            if state["etag"]:
                request.headers.setdefault("If-None-Match", state["etag"])
            if state["last_modified"]:
                request.headers.setdefault("If-Modified-Since", state["last_modified"])
        return None

    def process_response(self, request, response):
        meta = gk(request)
        if not meta.get("conditional") or request.meta.get("playwright"):
            return response
        if response.status == 304:
            state = records.page_state(store_for(self.crawler), request.url)
            if not state or not state["warc_path"]:
                return response
            headers, body = evidence.load(self.root, state["warc_path"])
            return response.replace(status=200, body=body, headers=Headers(headers), flags=["cached"])
        if response.status == 200:
            headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in response.headers.items() for v in vs]
            writer_for(self.crawler).submit(evidence.keep, self.root, response.url, headers, response.body, {
                "url": request.url, "agency_id": meta.get("agency"), "kind": meta.get("kind"),
                "etag": _header(response, b"ETag"), "last_modified": _header(response, b"Last-Modified"),
            })
        return response


def _header(response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class FetchLogMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        request.meta.setdefault("gk_started", time.monotonic())
        return None

    def process_response(self, request, response):
        latency = request.meta.get("download_latency")
        self._record(request, status=response.status, elapsed=latency, size=len(response.body))
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, IgnoreRequest) and "robots.txt" in str(exception):
            error = "robots.txt 禁止抓取 (forbidden by robots.txt)"
        else:
            error = f"{type(exception).__name__}: {exception}".strip()[:500]
        self._record(request, error=error)
        return None

    def _record(self, request, *, status=None, error=None, elapsed=None, size=None):
        if elapsed is None:
            elapsed = time.monotonic() - request.meta.get("gk_started", time.monotonic())
        meta = gk(request)
        writer_for(self.crawler).submit(records.record_fetch, {
            "fetched_at": iso(), "crawl_run_id": run_id_for(self.crawler), "agency_id": meta.get("agency"),
            "url": request.url, "method": request.method,
            "kind": meta.get("kind") or ("robots" if request.url.endswith("/robots.txt") else None),
            "status": status, "error": error, "elapsed_ms": round(elapsed * 1000), "bytes": size,
        })
        self.crawler.stats.inc_value(f"gkwatch/fetch/{'error' if error or (status or 0) >= 400 else 'ok'}")


# Scrapy reads a refresh in the first 4,096 characters of the page: at most 4 bytes each.
_HEAD_BYTES = 4 * 4096


class MetaRefreshMiddleware(ScrapyMetaRefreshMiddleware):
    """Scrapy's looks for ``<meta http-equiv="refresh">`` by decoding the whole of every page, which
    the crawl never needs otherwise (it decodes pages itself, detail pages in a worker): pages whose
    head does not say "refresh" are passed on undecoded."""

    def process_response(self, request, response):
        if b"refresh" not in response.body[:_HEAD_BYTES].lower():  # 5 times faster than re.I
            return response
        return super().process_response(request, response)
