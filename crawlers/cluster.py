"""Scale-out on Redis: one coordinator (``gkwatch crawl --redis URL``), any number of workers
(``gkwatch worker --redis URL``) on any machine that reaches Redis and the sites.

The unit of work is a **site**: the agencies whose homepage or portal share a host. A worker claims a
site whole and walks it with its own spider, so the walk's state (which pages come next, where an
incremental walk stops) stays in one process, and politeness holds across workers: a site is walked by
one worker at a time, at most ``CONCURRENT_REQUESTS_PER_DOMAIN`` requests in flight, after the same
delays. Inside a worker, Scrapy's scheduler queue and duplicate filter are scrapy-redis's, in Redis.

Sites are claimed the reliable-queue way (RPOPLPUSH from ``gkwatch:sites`` into the worker's
``gkwatch:claimed:<worker>``); a worker says it is alive every second (``gkwatch:alive:<worker>``,
expiring after ``ALIVE_SECONDS``). A worker that stops saying so (SIGKILL, a lost machine) has its
claimed sites put back for any worker; each is walked again from its start, and since every write is
a keyed upsert nothing is stored twice.

The database has one writer, the coordinator: workers send every write and every read over Redis
(``gkwatch:writes`` in order, ``gkwatch:reads`` answered at once from a read-only connection), so a
crawl with workers makes the same database a single-process crawl makes. A site is done when the
coordinator has applied the worker's writes for it (its ``done`` message comes after them).

Keys (all under ``gkwatch:``): ``run`` (hash: crawl run id, database, options), ``sites``,
``sites:browser`` (sites that needed Chromium last time, for workers that have it), ``claimed:<w>``,
``done`` (set), ``workers`` (set), ``alive:<w>`` (JSON: host, pid, pages, items, errors),
``writes`` (oldest at the right), ``applying`` (taken from ``writes``, not committed yet), ``reads``, ``reply:<w>:<n>``, and scrapy-redis's ``requests:<w>``, ``dupefilter:<w>``.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import pickle
import socket
import time
from typing import Any, Callable
from urllib.parse import urlsplit

from .writer_process import BatchedWrites

logger = logging.getLogger(__name__)
PREFIX = "gkwatch"
ALIVE_SECONDS = 15          # a worker silent this long is taken for dead: its sites go back
REPLY_SECONDS = 120         # how long a worker waits for a read before giving up
READ_SECONDS = 10           # a read not answered in this time is asked again


def key(*parts: object) -> str:
    return ":".join([PREFIX, *map(str, parts)])


def connect(url: str):
    """A Redis client for ``redis://HOST:PORT/DB``; a clear error when nothing answers there."""
    import redis

    server = redis.StrictRedis.from_url(url, socket_timeout=REPLY_SECONDS + 10, socket_connect_timeout=10)
    try:
        server.ping()
    except redis.RedisError as error:
        raise ConnectionError(f"Redis 无法连接 (cannot reach Redis at {url}): {error}") from None
    return server


def worker_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


# Sites ------------------------------------------------------------------------------------------


def sites_of(agencies: list[dict]) -> list[list[str]]:
    """Agency ids grouped by the hosts they share (homepage, portal): each group one site."""
    parent: dict[str, str] = {}

    def root(host: str) -> str:
        while parent.setdefault(host, host) != host:
            host = parent[host]
        return host

    for agency in agencies:
        hosts = [urlsplit(agency[field]).netloc for field in ("homepage", "portal") if agency.get(field)]
        for other in hosts[1:]:
            parent[root(other)] = root(hosts[0])
    groups: dict[str, list[str]] = {}
    for agency in agencies:
        groups.setdefault(root(urlsplit(agency["homepage"]).netloc), []).append(agency["id"])
    return list(groups.values())


# The worker's side ------------------------------------------------------------------------------


class RedisStorage(BatchedWrites):
    """What a worker's crawl reads and writes, sent to the coordinator: ``submit``, ``flush`` and
    ``close`` as ``crawlers.writer_process.StorageWriter``; ``read`` at once; ``ask`` and ``answer`` for
    what must come after the writes sent before it."""

    def __init__(self, server, worker: str, later: Callable[[float, Callable[[], None]], Any]):
        super().__init__(later)
        self.server, self.worker = server, worker
        self.replies = itertools.count(1)

    def send(self, batch: list) -> bool:
        import redis

        try:
            self.server.lpush(key("writes"), pickle.dumps(("write", self.worker, batch)))
        except redis.RedisError as error:   # kept for the next flush; the worker's tick counts Redis's absence
            logger.error("写入未能送出 (writes not sent): %s: %s", type(error).__name__, error)
            return False
        return True

    def ask(self, function: Callable[..., Any], *args) -> str:
        """``function(db, *args)`` on the coordinator after every write sent before it; the key its
        answer comes to (``answer``)."""
        self.flush()
        reply = key("reply", self.worker, next(self.replies))
        self.server.lpush(key("writes"), pickle.dumps(("call", function, args, reply)))
        return reply

    def answer(self, reply: str, wait: float = 0) -> tuple[bool, Any]:
        """(True, value) once the coordinator answered, else (False, None) (after ``wait`` seconds)."""
        if wait:
            got = self.server.blpop([reply], timeout=max(1, int(wait)))
            raw = got[1] if got else None
        else:
            raw = self.server.lpop(reply)
        if raw is None:
            return False, None
        ok, value = pickle.loads(raw)
        if not ok:
            raise value
        return True, value

    def read(self, function: Callable[..., Any], *args) -> Any:
        """``function(db, *args)`` on the coordinator's read-only connection, answered at once; asked
        again while no answer comes (a coordinator killed with the read in hand, started again)."""
        for _ in range(REPLY_SECONDS // READ_SECONDS):
            reply = key("reply", self.worker, next(self.replies))
            self.server.rpush(key("reads"), pickle.dumps((function, args, reply)))
            ready, value = self.answer(reply, wait=READ_SECONDS)
            if ready:
                return value
        raise TimeoutError(f"协调进程 {REPLY_SECONDS} 秒内未答复 (the coordinator did not answer in {REPLY_SECONDS} s)")

    def done(self, site: bytes) -> None:
        """The site's writes are all sent: once applied, it is done."""
        self.flush()
        self.server.lpush(key("writes"), pickle.dumps(("done", self.worker, site)))

    def close(self) -> None:
        self.flush()


def queue_of(site: bytes) -> str:
    """The queue a site waits in: Chromium's, or everyone's."""
    return key("sites:browser") if json.loads(site).get("browser") else key("sites")


def put_back(server, worker: str) -> list[bytes]:
    """The sites ``worker`` holds, back at the end of their queues (it died, stopped, or started again)."""
    sites, claimed = [], key("claimed", worker)
    while (site := server.lindex(claimed, -1)) is not None:
        server.rpoplpush(claimed, queue_of(site))   # moved in one step: a crash here loses no site
        sites.append(site)
    return sites


class Claims:
    """A worker's sites: claimed from the queue, kept alive, given back done."""

    def __init__(self, server, worker: str, browser: bool):
        self.server, self.worker = server, worker
        self.queues = [key("sites:browser"), key("sites")] if browser else [key("sites")]
        self.beat({})   # alive before it is known: the coordinator puts back the sites of the silent
        put_back(server, worker)   # started again under its name: what it held before is not walked
        self.server.sadd(key("workers"), worker)

    def run(self) -> dict:
        return {k.decode(): v.decode() for k, v in self.server.hgetall(key("run")).items()}

    def claim(self) -> tuple[bytes, list[str]] | None:
        """The next site (its raw queue entry, its agency ids), or None when none is waiting."""
        for queue in self.queues:
            raw = self.server.rpoplpush(queue, key("claimed", self.worker))
            if raw is not None:
                return raw, json.loads(raw)["agencies"]
        return None

    def beat(self, stats: dict) -> None:
        self.server.set(key("alive", self.worker), json.dumps({"host": socket.gethostname(), "pid": os.getpid(),
                                                              "at": time.time(), **stats}), ex=ALIVE_SECONDS)

    def running(self) -> bool:
        return self.server.hget(key("run"), "state") == b"running"

    def leave(self) -> None:
        """Stopped: what it still holds goes back to the queue."""
        put_back(self.server, self.worker)
        self.server.delete(key("alive", self.worker))
        self.server.srem(key("workers"), self.worker)


def wait_for_run(server, seconds: float | None) -> dict | None:
    """The running crawl's ``run`` hash, waiting up to ``seconds`` for one (None: forever)."""
    deadline = None if seconds is None else time.monotonic() + seconds
    while True:
        run = {k.decode(): v.decode() for k, v in server.hgetall(key("run")).items()}
        if run.get("state") == "running":
            return run
        if deadline is not None and time.monotonic() >= deadline:
            return None
        time.sleep(0.5)


def worker_settings(url: str, worker: str) -> dict:
    """Scrapy settings of a worker: scrapy-redis's scheduler queue and duplicate filter, its own."""
    return {
        "GKWATCH_REDIS": url, "GKWATCH_WORKER": worker,
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_KEY": key("requests", worker),
        "SCHEDULER_QUEUE_CLASS": "crawlers.site_worker.TakingTurnsQueue",
        "SCHEDULER_DUPEFILTER_KEY": key("dupefilter", worker),
        "SCHEDULER_FLUSH_ON_START": True,   # a restarted worker's sites are walked again from their start
        "SCHEDULER_PERSIST": False,
        "REDIS_URL": url,
        "GKWATCH_PROGRESS_INTERVAL": 0,     # the coordinator reports progress (gkwatch crawl --status)
    }


# Status -----------------------------------------------------------------------------------------


def status(server) -> dict:
    """What ``gkwatch crawl --status`` shows: the crawl, its queue, its workers."""
    run = {k.decode(): v.decode() for k, v in server.hgetall(key("run")).items()}
    workers = []
    for name in sorted(w.decode() for w in server.smembers(key("workers"))):
        raw = server.get(key("alive", name))
        alive = json.loads(raw) if raw else None
        workers.append({"name": name, "alive": alive is not None, "claimed": server.llen(key("claimed", name)),
                        "queued_requests": server.zcard(key("requests", name)), **(alive or {})})
    return {
        "run": run,
        "sites_total": int(run.get("sites", 0)),
        "sites_waiting": server.llen(key("sites")) + server.llen(key("sites:browser")),
        "sites_claimed": sum(w["claimed"] for w in workers),
        "sites_done": server.scard(key("done")),
        "writes_waiting": server.llen(key("writes")),
        "workers": workers,
    }
