"""The coordinator of a crawl with workers (``gkwatch crawl --redis URL``): it puts the sites in
Redis, is the database's one writer (applying what workers send, in order) and answers their reads,
puts back the sites of workers that died, and ends the crawl run when every site is done.
How the work is shared: ``crawlers.cluster``.

Killed and started again with the same Redis, it resumes the crawl it was running: sites done stay
done, the others are walked.
"""

from __future__ import annotations

import json
import logging
import pickle
import sys
import threading
import time
from collections import Counter

import storage
from core.clock import today
from storage import records

from . import cluster, writer_process
from .cluster import key
from .progress import duration, fetch_tally

logger = logging.getLogger(__name__)
REPLY_KEEP_SECONDS = 600   # an answer nobody took (its worker died) expires


class Coordinator:
    def __init__(self, server, db_path: str, *, report_every: float = 10.0):
        self.server, self.db_path, self.report_every = server, db_path, report_every
        self.db = storage.connect(db_path)
        self.run: dict = {}
        self.began = self.committed = time.monotonic()
        self.sites_done: list[tuple[str, bytes]] = []   # applied, not yet committed

    # Starting ---------------------------------------------------------------------------------

    def start(self, agency_ids: list[str], *, full: bool, as_of: str | None, overrides: dict[str, str]) -> int:
        """The crawl run: the one this Redis was running for this database (resumed), or a new one."""
        run = {k.decode(): v.decode() for k, v in self.server.hgetall(key("run")).items()}
        if (run.get("state") in ("running", "stopped") and run.get("db") == self.db_path
                and self.db.execute("SELECT 1 FROM crawl_runs WHERE id = ? AND started_at = ?",
                                    [int(run["id"]), run["started"]]).fetchone()):
            with self.db.conn:
                self.db["crawl_runs"].update(int(run["id"]), {"status": "running"})
            self.server.hset(key("run"), "state", "running")
            self.run = {**run, "state": "running"}
            print(f"[gkwatch] 继续抓取 #{run['id']} (resuming crawl run {run['id']}): "
                  f"{self.server.scard(key('done'))}/{run['sites']} 个站点已完成 sites done", file=sys.stderr, flush=True)
            return int(run["id"])
        for stale in self.server.keys(key("*")):
            self.server.delete(stale)
        agencies = records.agencies(self.db, agency_ids)
        run_id = records.start_crawl_run(self.db, [a["id"] for a in agencies], full, as_of or today().isoformat())
        # Sites that need Chromium: registered as drawn by scripts, or a column drawn last time.
        browser = {agency_id for (agency_id,) in self.db.execute(
            "SELECT id FROM agencies WHERE render_js UNION SELECT agency_id FROM columns WHERE js = 'render'")}
        names = {a["id"]: a["name"] for a in agencies}
        sites = cluster.sites_of(agencies)
        for ids in sites:
            site = json.dumps({"agencies": ids, "names": [names[i] for i in ids], "browser": bool(browser & set(ids))},
                              ensure_ascii=False)
            self.server.lpush(cluster.queue_of(site.encode()), site)
        self.run = {"id": str(run_id), "db": self.db_path, "full": "1" if full else "", "as_of": as_of or "",
                    "overrides": json.dumps(overrides), "sites": str(len(sites)), "state": "running",
                    "started": self.db.execute("SELECT started_at FROM crawl_runs WHERE id = ?", [run_id]).fetchone()[0]}
        self.server.hmset(key("run"), self.run)
        return run_id

    # Serving ----------------------------------------------------------------------------------

    def serve(self, gave_up=lambda: False) -> str:
        """Apply writes and answer reads until every site is done; the run's status. ``gave_up()``:
        whether to stop waiting (the workers this command started have all exited)."""
        stop = threading.Event()
        reader = threading.Thread(target=self.answer_reads, args=(stop,), name="gkwatch-reads", daemon=True)
        reader.start()
        records.group_commits(self.db)
        last_look = last_report = 0.0
        try:
            self.replay()
            while True:
                raw = self.server.brpoplpush(key("writes"), key("applying"), timeout=1)
                if raw is not None:
                    self.handle(pickle.loads(raw))
                    if self.server.llen(key("writes")) and time.monotonic() - self.committed < records.COMMIT_SECONDS:
                        continue
                self.commit()   # nothing waits uncommitted while the workers fetch
                now = time.monotonic()
                if now - last_look >= 1:
                    last_look = now
                    self.put_back_dead()
                    if self.finished():
                        break
                    if gave_up() and not self.server.llen(key("writes")):
                        return "stopped: workers exited"
                if self.report_every and now - last_report >= self.report_every:
                    last_report = now
                    self.report()
        finally:
            records.end_group_commits(self.db)
            stop.set()
            reader.join()
        return "finished"

    def handle(self, message: tuple) -> None:
        kind = message[0]
        if kind == "write":
            for function, args in message[2]:
                writer_process.apply(self.db, function, args)
        elif kind == "call":
            _, function, args, reply = message
            self.reply(reply, function, args, self.db)
        elif kind == "done":   # once what came before it is committed
            self.sites_done.append(message[1:])

    def commit(self) -> None:
        """Commit what was applied; only then are its sites done and its messages forgotten. A
        coordinator killed before this applies them again when started again (``replay``): every
        write is a keyed upsert."""
        records.commit(self.db)
        pipe = self.server.pipeline()
        for worker, site in self.sites_done:
            pipe.lrem(key("claimed", worker), 1, site)
            pipe.sadd(key("done"), site)
        pipe.delete(key("applying"))
        pipe.execute()
        self.sites_done = []
        self.committed = time.monotonic()

    def replay(self) -> None:
        """What the coordinator before this one took but had not committed (it was killed)."""
        taken = self.server.lrange(key("applying"), 0, -1)
        for raw in reversed(taken):   # the oldest is at the right
            self.handle(pickle.loads(raw))
        if taken:
            self.commit()

    def reply(self, reply: str, function, args, db) -> None:
        try:
            answer = (True, function(db, *args))
        except Exception as error:   # the worker raises it where it asked
            answer = (False, error)
        pipe = self.server.pipeline()
        pipe.rpush(reply, pickle.dumps(answer))
        pipe.expire(reply, REPLY_KEEP_SECONDS)
        pipe.execute()

    def answer_reads(self, stop: threading.Event) -> None:
        """Reads (a page's ETag, an agency's known items …) from a connection of their own: a worker
        waits for these, and never behind another worker's writes."""
        import redis

        db = storage.connect(self.db_path, upgrade=False)
        try:
            while not stop.is_set():
                got = self.server.blpop([key("reads")], timeout=1)
                if got is not None:
                    function, args, reply = pickle.loads(got[1])
                    self.reply(reply, function, args, db)
        except redis.RedisError:
            return   # Redis gone: the main loop meets it too and stops the crawl
        finally:
            db.close()

    def put_back_dead(self) -> None:
        """The sites of a worker that stopped saying it is alive go back to the queue."""
        for raw in self.server.smembers(key("workers")):
            worker = raw.decode()
            if self.server.exists(key("alive", worker)):
                continue
            for site in cluster.put_back(self.server, worker):
                logger.warning("工作进程 %s 已失联, 站点重新排队 (worker gone, site queued again): %s", worker,
                               json.loads(site)["agencies"])
            self.server.delete(key("requests", worker), key("dupefilter", worker))
            self.server.srem(key("workers"), worker)

    def finished(self) -> bool:
        return (self.server.scard(key("done")) >= int(self.run["sites"]) and not self.server.llen(key("sites"))
                and not self.server.llen(key("sites:browser")) and not self.server.llen(key("writes"))
                and not self.sites_done
                and not any(self.server.llen(key("claimed", w.decode())) for w in self.server.smembers(key("workers"))))

    def report(self) -> None:
        state = cluster.status(self.server)
        alive = sum(1 for w in state["workers"] if w["alive"])
        pages = sum(w.get("pages", 0) for w in state["workers"] if w["alive"])
        print(f"[gkwatch] 站点 sites {state['sites_done']}/{state['sites_total']} 完成 done · 进行中 claimed "
              f"{state['sites_claimed']} · 排队 waiting {state['sites_waiting']} · 工作进程 workers {alive} · "
              f"页面 pages {pages} · 已用 elapsed {duration(time.monotonic() - self.began)}", file=sys.stderr, flush=True)

    # Ending -----------------------------------------------------------------------------------

    def stopped(self, status: str) -> None:
        """Redis is gone: the run says so; it is resumed when the coordinator is started again."""
        with self.db.conn:
            self.db["crawl_runs"].update(int(self.run["id"]), {"status": status})
        self.db.close()

    def finish(self, status: str) -> None:
        """The run's counts, from what was stored; Redis told the crawl is over."""
        found, fetched, _ = fetch_tally(self.db, int(self.run["id"]), 0)
        counts = {"pages": sum(pages for _, pages, _ in fetched), "errors": sum(errors for _, _, errors in fetched),
                  "items_new": found.get("gkwatch/items_new", 0), "items_seen": found.get("gkwatch/items_seen", 0)}
        records.finish_crawl_run(self.db, int(self.run["id"]), status, counts,
                                 {"sites": int(self.run["sites"]), **Counter(writer_process.COUNTS)})
        self.server.hset(key("run"), "state", "finished" if status == "finished" else "stopped")
        self.db.close()
