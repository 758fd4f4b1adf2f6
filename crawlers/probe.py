"""Light probes of agencies' home pages (`gkwatch probe`): 国办秘函〔2019〕19号 calls a site unreachable
(站点无法访问) only after a week of visits, 20 or more a day, of which 5 % or more failed; one crawl a
day is one visit, so the probe job visits in between (48 times a day on the default schedule).

A probe is one HEAD of the home page (a GET where the server refuses HEAD with 405/501, or answers it
with another 4xx than 404/410, whose body may be a WAF's block page), politely:
robots.txt is obeyed as the crawl obeys it (``crawl.obey_robots`` and the agency's ``obey_robots``;
Protego, the parser Scrapy uses; fetched once per site per run), with the crawl's identifying
User-Agent, one request at a time per site (agencies sharing a host are probed one after the other)
and sites probed concurrently. Like the crawl, TLS certificates are not verified (many government
sites' are broken, and that is not what 站点无法访问 is about).

Each probe is stored in ``probes`` with its verdict (``core.vocabulary.VERDICTS``): ``read``,
``timeout``, ``unreachable``, ``server_error``, ``not_found``, ``redirect_loop``, ``robots`` (not
sent), or ``blocked``: an anti-bot challenge (HTTP 412/521, a body with 瑞数's ``$_ts`` or 加速乐's
``__jsl_clearance``, a WAF page; ``extract.page_state``), which says nothing about the site being up
and never counts as its failure. ``timeout_ms`` is the timeout the probe applied: a probe that gave up
after 5 s has not seen whether the page opens within 19号's 15 s.

This module lives with the crawlers: it is the other part of gkwatch that talks to the sites, and it
writes observations as the crawl does (the checks in ``monitors`` only read them).
"""

from __future__ import annotations

import datetime as dt
import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Iterable
from urllib.parse import urlsplit

from core import clock
from core.config import Config, user_agent
from extract.page_state import HEAD_BYTES, classify

ROBOTS_ERROR = "robots.txt 禁止抓取 (forbidden by robots.txt)"   # the crawl's words (crawlers/middlewares.py)
CHALLENGE_STATUSES = (412, 521)   # 瑞数 / 加速乐 answer a client without their cookie with these
REFUSES_HEAD = (405, 501)
NOT_FOUND = (404, 410)
DEFAULT_TIMEOUT = 20.0            # above 19号's 15 s, so a slow answer is measured, not cut off
MAX_REDIRECTS = 10
SITES_AT_ONCE = 64


@dataclass(frozen=True)
class Target:
    agency_id: str
    url: str
    obey_robots: bool = True


def targets(db, agency_ids: Iterable[str] | None = None) -> list[Target]:
    """The registered agencies' home pages (all, or those of ``agency_ids``), by agency id."""
    wanted = set(agency_ids or ())
    rows = db.execute("SELECT id, homepage, obey_robots FROM agencies ORDER BY id").fetchall()
    return [Target(agency_id, homepage, bool(obey if obey is not None else 1))
            for agency_id, homepage, obey in rows if not wanted or agency_id in wanted]


def probe_all(found: list[Target], *, config: Config, timeout: float = DEFAULT_TIMEOUT,
              at: dt.datetime | None = None) -> list[dict]:
    """Probe every target (sites concurrently, one request at a time per site); one ``probes`` row each,
    in the order of ``found``. ``at`` stamps every row with that moment instead of the clock's (the
    tests' sandbox days)."""
    agent = user_agent(config)
    by_site: dict[str, list[Target]] = defaultdict(list)
    for target in found:
        by_site[_site(target.url)].append(target)
    rows: dict[Target, dict] = {}

    def one_site(site: str, site_targets: list[Target]) -> None:
        robots = _Robots(site, agent, timeout) if config.crawl.obey_robots else None
        for target in site_targets:
            rows[target] = probe_one(target, agent=agent, timeout=timeout,
                                     robots=robots if target.obey_robots else None, at=at)

    # One request at a time per site, so many sites at once: a national run (10,000 sites, a few
    # hanging until the timeout) stays well inside the half hour between runs.
    workers = max(1, min(max(config.crawl.concurrency, SITES_AT_ONCE), len(by_site)))
    with ThreadPoolExecutor(workers, thread_name_prefix="gkwatch-probe") as pool:
        for future in [pool.submit(one_site, site, ts) for site, ts in by_site.items()]:
            future.result()
    return [rows[target] for target in found]


def probe_one(target: Target, *, agent: str, timeout: float, robots: "_Robots | None" = None,
              at: dt.datetime | None = None) -> dict:
    """One probe of ``target``'s home page: a ``probes`` row."""
    row = {"agency_id": target.agency_id, "url": target.url, "probed_at": clock.iso(at or clock.now()),
           "method": "HEAD", "status": None, "error": None, "elapsed_ms": 0,
           "timeout_ms": round(timeout * 1000), "verdict": None}
    if robots is not None and not robots.allowed(target.url):
        return {**row, "method": None, "error": ROBOTS_ERROR, "verdict": "robots"}
    answer = _request(target.url, "HEAD", agent, timeout)
    if answer.status in REFUSES_HEAD or (answer.status and 400 <= answer.status < 500 and answer.verdict != "blocked"
                                         and answer.status not in NOT_FOUND):
        # HEAD refused, or a 403/401/400 whose body says what it is (a WAF's block page is not the site's failure)
        answer = _request(target.url, "GET", agent, timeout)
    return {**row, "method": answer.method, "status": answer.status, "error": answer.error,
            "elapsed_ms": answer.elapsed_ms, "verdict": answer.verdict}


@dataclass
class _Answer:
    method: str
    status: int | None
    error: str | None
    elapsed_ms: int
    verdict: str


class _KeepMethod(urllib.request.HTTPRedirectHandler):
    """Follow redirects with the request's own method (urllib turns a redirected HEAD into a GET)."""
    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.method = req.get_method()
        return new


_TLS = ssl.create_default_context()
_TLS.check_hostname = False
_TLS.verify_mode = ssl.CERT_NONE
_OPENER = urllib.request.build_opener(_KeepMethod(), urllib.request.HTTPSHandler(context=_TLS))
for _handler in list(_OPENER.handlers):   # no proxies from the environment: the probe sees the site itself
    if isinstance(_handler, urllib.request.ProxyHandler):
        _OPENER.handlers.remove(_handler)


def _request(url: str, method: str, agent: str, timeout: float) -> _Answer:
    request = urllib.request.Request(url, method=method, headers={"User-Agent": agent, "Accept": "*/*"})
    started = time.monotonic()

    def took() -> int:
        return round((time.monotonic() - started) * 1000)

    try:
        with _OPENER.open(request, timeout=timeout) as response:
            body = response.read(HEAD_BYTES) if method == "GET" else b""
            return _Answer(method, response.status, None, took(), _verdict(response.status, body, response.headers, method))
    except urllib.error.HTTPError as exc:
        if exc.code in (301, 302, 303, 307, 308):   # urllib gives up on a loop or too many hops
            return _Answer(method, exc.code, f"重定向循环 (redirect loop): {exc.reason}"[:500], took(), "redirect_loop")
        try:
            body = exc.read(HEAD_BYTES) if method == "GET" else b""
        except (OSError, http.client.HTTPException):
            body = b""
        return _Answer(method, exc.code, None, took(), _verdict(exc.code, body, exc.headers, method))
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        elapsed = took()
        if isinstance(reason, (socket.timeout, TimeoutError)) or "timed out" in str(reason):
            return _Answer(method, None, f"TimeoutError: {timeout:g} 秒内未响应 (no answer within {timeout:g} s)",
                           elapsed, "timeout")
        text = reason if isinstance(reason, str) else f"{type(reason).__name__}: {reason}"
        return _Answer(method, None, text.strip()[:500], elapsed, "unreachable")


def _verdict(status: int, body: bytes, headers, method: str) -> str:
    if status in CHALLENGE_STATUSES:
        return "blocked"
    lowered = {k.lower(): v for k, v in (headers.items() if headers is not None else ())}
    lowered.pop("content-length", None)   # a HEAD has no body, and a GET reads only its head
    verdict = classify(status, body, lowered)
    if method == "HEAD" and verdict not in ("blocked", "not_found", "server_error"):
        return "read"                     # nothing else can be told without the body
    return verdict


def _site(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class _Robots:
    """robots.txt of one site, fetched on first use in this run, read with Protego as Scrapy does: an
    answer other than 2xx, or none at all, allows everything (Scrapy's behaviour)."""

    def __init__(self, site: str, agent: str, timeout: float):
        self.site, self.agent, self.timeout = site, agent, timeout
        self._parser = None
        self._fetched = False

    def allowed(self, url: str) -> bool:
        if not self._fetched:
            self._fetched = True
            self._parser = self._fetch()
        return self._parser is None or self._parser.can_fetch(url, self.agent)

    def _fetch(self):
        from protego import Protego

        request = urllib.request.Request(self.site + "/robots.txt", headers={"User-Agent": self.agent})
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                if not 200 <= response.status < 300:
                    return None
                text = response.read(512 * 1024).decode("utf-8", "ignore")
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError):
            return None
        return Protego.parse(text)


def store(db, rows: list[dict], keep_days: int = 0, today: dt.date | None = None) -> int:
    """Insert the probes (one transaction); with ``keep_days``, drop probes older than that many days
    before ``today``. Returns the number of rows dropped."""
    dropped = 0
    with db.conn:
        if rows:
            db["probes"].insert_all(rows)
        if keep_days:
            cutoff = ((today or clock.today()) - dt.timedelta(days=keep_days)).isoformat()
            dropped = db.conn.execute("DELETE FROM probes WHERE probed_at < ?", [cutoff]).rowcount
    return dropped
