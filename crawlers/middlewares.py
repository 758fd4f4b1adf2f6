"""Downloader middlewares: each does one thing.

- ``ConditionalRequestMiddleware``: revalidates portal and column pages with ETag/Last-Modified and
  keeps their raw bodies as WARC evidence; a 304 is answered from the evidence store.
- ``FetchLogMiddleware``: records every attempt (status or error, elapsed ms, bytes, and its
  ``verdict``: read, or what stood in for the page) in ``fetches``, so a check can tell "site down"
  or "blocked" from "column empty".
- ``ReadingMiddleware``: a page that was not read (an anti-bot challenge, a soft 404, a maintenance
  notice, a login wall, a cut-off body) never reaches the spider's parsing: its request fails with
  ``PageNotRead``. A challenge is first fetched once more through Chromium, which runs its script;
  the cookies it earned then go with the site's plain requests while they last.
- ``MetaRefreshMiddleware``: Scrapy's, for pages whose head can hold a refresh at all.
"""

from __future__ import annotations

import time
from urllib.parse import urljoin, urlsplit

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as ScrapyMetaRefreshMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers

from core.clock import iso
from extract.page_state import CHALLENGE_STATUSES, classify, error_page_signature
from storage import records

from storage.evidence import evidence_dir, load

from . import evidence
from .crawl_database import read, run_id_for, writer_for


def gk(request) -> dict:
    return request.meta.get("gk", {})


class ConditionalRequestMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.root = evidence_dir(crawler.settings.get("GKWATCH_DB"))

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        if not gk(request).get("conditional") or request.meta.get("playwright"):
            return None
        state = read(self.crawler, records.page_state, request.url)
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
            state = read(self.crawler, records.page_state, request.url)
            if not state or not state["warc_path"]:
                return response
            headers, body = load(self.root, state["warc_path"])
            writer_for(self.crawler).submit(records.record_capture, request.url, run_id_for(self.crawler))
            return response.replace(status=200, body=body, headers=Headers(headers), flags=["cached"])
        if response.status == 200:
            headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in response.headers.items() for v in vs]
            writer_for(self.crawler).submit(evidence.keep, self.root, response.url, headers, response.body, {
                "url": request.url, "agency_id": meta.get("agency"), "kind": meta.get("kind"),
                "etag": _header(response, b"ETag"), "last_modified": _header(response, b"Last-Modified"),
            }, run_id_for(self.crawler))
        return response


def _header(response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class PageNotRead(IgnoreRequest):
    """The answer was not the page (``verdict``: core.vocabulary.VERDICTS); the request's errback
    gets it, with the response, and nothing of it is parsed."""

    def __init__(self, verdict: str, response):
        super().__init__(f"{verdict}: {response.status} {response.url}")
        self.verdict, self.response = verdict, response


# What a probe of a path that cannot exist answered, by host: a site that answers such paths with
# a page (200) serves soft 404s, and a page that looks the same is one.
PROBE_KIND = "probe404"


class FetchLogMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        # host → signature of its answer to a path that cannot exist (the spider reads it too)
        self.error_pages: dict[str, str] = crawler.__dict__.setdefault("_gk_error_pages", {})

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        request.meta.setdefault("gk_started", time.monotonic())
        return None

    def process_response(self, request, response):
        latency = request.meta.get("download_latency")
        verdict = request.meta["gk_verdict"] = self.verdict(request, response)
        self._record(request, status=response.status, elapsed=latency, size=len(response.body), verdict=verdict)
        if gk(request).get("kind") == PROBE_KIND and response.status == 200:
            self.error_pages[urlsplit(response.url).netloc] = error_page_signature(response.body)
        return response

    def verdict(self, request, response) -> str:
        headers = {k.decode("latin-1").lower(): vs[-1].decode("latin-1") for k, vs in response.headers.items() if vs}
        status = response.status
        if request.method == "HEAD":
            headers.pop("content-length", None)   # the length of a body that was not sent
        if 300 <= status < 400 and _loops(request, response):
            return "redirect_loop"
        if request.meta.get("playwright"):
            # What Chromium drew: its body is not the bytes that came over the wire (no length to
            # hold it to), and after a challenge the status is still the challenge's.
            headers.pop("content-length", None)
            status = 200 if status in CHALLENGE_STATUSES else status
        verdict = classify(status, response.body, headers)
        if verdict == "read" and ("dataloss" in response.flags
                                  or request.method == "GET" and status == 200 and not response.body.strip()):
            return "incomplete"   # cut off, or nothing at all where a page should be
        signature = self.error_pages.get(urlsplit(response.url).netloc)
        if (verdict == "read" and signature and response.status == 200 and request.method == "GET"
                and gk(request).get("kind") not in ("home", "portal", PROBE_KIND)
                and error_page_signature(response.body) == signature):
            return "soft_404"
        return verdict

    def process_exception(self, request, exception):
        if isinstance(exception, IgnoreRequest) and "robots.txt" in str(exception):
            error, verdict = "robots.txt 禁止抓取 (forbidden by robots.txt)", "robots"
        else:
            error = f"{type(exception).__name__}: {exception}".strip()[:500]
            verdict = "timeout" if "imeout" in error or "timed out" in error else "unreachable"
            if "gk_challenge" in request.meta:
                verdict = "blocked"   # the site answered, with a wall; Chromium did not get past it
        self._record(request, error=error, verdict=verdict)
        return None

    def _record(self, request, *, status=None, error=None, elapsed=None, size=None, verdict=None):
        if elapsed is None:
            elapsed = time.monotonic() - request.meta.get("gk_started", time.monotonic())
        meta = gk(request)
        origin = (request.meta.get("redirect_urls") or [None])[0]
        writer_for(self.crawler).submit(records.record_fetch, {
            "fetched_at": iso(), "crawl_run_id": run_id_for(self.crawler), "agency_id": meta.get("agency"),
            # a loop is the link's answer: recorded on the URL that was asked for
            "url": origin if verdict == "redirect_loop" and origin else request.url, "method": request.method,
            "kind": meta.get("kind") or ("robots" if request.url.endswith("/robots.txt") else None),
            "status": status, "error": error, "elapsed_ms": round(elapsed * 1000), "bytes": size,
            "verdict": verdict, "redirected_from": origin,
        })
        self.crawler.stats.inc_value(f"gkwatch/fetch/{verdict}")


class ReadingMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.render = crawler.settings.getbool("GKWATCH_RENDER_CHALLENGES")
        self.cookies: dict[str, dict[str, str]] = {}   # host → what its challenge gave Chromium

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        jar = self.cookies.get(urlsplit(request.url).netloc)
        if jar and not request.meta.get("playwright"):
            request.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        return None

    def process_response(self, request, response):
        verdict = request.meta.get("gk_verdict", "read")
        host = urlsplit(request.url).netloc
        if request.meta.get("playwright") and "gk_challenge" in request.meta:
            if verdict == "read":
                self.cookies[host] = {**_set_cookies(request.meta["gk_challenge"]), **_page_cookies(request)}
                self.crawler.stats.inc_value("gkwatch/challenge/passed")
                if response.status in CHALLENGE_STATUSES:
                    # scrapy-playwright reports the first navigation's status (the challenge's); the
                    # page Chromium then loaded, and drew, is the one asked for.
                    response = response.replace(status=200)
        elif (verdict == "blocked" and self.render and request.method == "GET" and not request.meta.get("playwright")
              and gk(request).get("kind") != PROBE_KIND):
            # A browser runs the challenge's script, earns the site's cookie and reloads the page.
            from scrapy_playwright.page import PageMethod   # loaded only when a site needs a browser

            self.cookies.pop(host, None)   # the cookies it had (if any) no longer serve
            return request.replace(dont_filter=True, meta={
                **request.meta, "playwright": True, "gk_challenge": response.headers.getlist(b"Set-Cookie"),
                "playwright_page_methods": [PageMethod("wait_for_load_state", "networkidle"),
                                            PageMethod("evaluate", "document.cookie")]})
        if verdict in ("read", "not_found", "server_error") or 300 <= response.status < 400:
            return response   # what Scrapy handles itself: redirects, HTTP errors, retries
        raise PageNotRead(verdict, response)


def _loops(request, response) -> bool:
    """A redirect back to a URL of its own chain (Scrapy's duplicate filter would drop it silently)."""
    location = response.headers.get(b"Location")
    if not location:
        return False
    target = urljoin(response.url, location.decode("latin-1"))
    return target in {request.url, *(request.meta.get("redirect_urls") or [])}


def _set_cookies(headers: list[bytes]) -> dict[str, str]:
    """The cookies a challenge answer set with its headers (瑞数 sets one, its script the other)."""
    jar = {}
    for header in headers:
        name, _, value = header.decode("latin-1").split(";", 1)[0].partition("=")
        if name.strip():
            jar[name.strip()] = value.strip()
    return jar


def _page_cookies(request) -> dict[str, str]:
    """The cookies the page's scripts set (``document.cookie``, read by the last page method)."""
    methods = request.meta.get("playwright_page_methods") or []
    text = getattr(methods[-1], "result", None) if methods else None
    return _set_cookies([part.encode("latin-1", "replace") for part in text.split(";")]) if isinstance(text, str) else {}


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
