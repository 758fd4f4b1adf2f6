"""The crawl's writes, applied in order by a process of their own.

Storing a crawl (SQLite with its indexes and full-text triggers, WARC evidence) took a quarter of
the reactor thread's time; on a thread it still held the GIL most of that time. In its own process
it runs on another core, and the reactor thread only pickles each write onto a queue.

One connection writes, in the order the crawl submitted; records are committed in groups
(``storage.records.group_commits``) and whenever the queue is empty after a batch, so the write lock
is never held while the crawl waits on the network.
A killed crawl loses at most the last uncommitted group and what was still queued, both written
again by the next run (every write is a keyed upsert).

A write is ``function(db, *args)`` with a module-level function (it crosses to the process by
name). What it returns is dropped for ``submit`` and sent back for ``call``. Writes are sent in
batches (``BATCH`` of them, or what ``BATCH_SECONDS`` gathered): one message per write cost the
reactor thread more than the write itself.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
from collections import Counter
from typing import Any, Callable

logger = logging.getLogger(__name__)

BATCH = 100
BATCH_SECONDS = 0.2

# In the writer process: what its writes found (items new and seen, ...), for the crawl's stats.
COUNTS: Counter = Counter()


def count(key: str) -> None:
    COUNTS[key] += 1


def counts(db) -> dict[str, int]:
    """The writer's counts so far (a ``call``)."""
    return dict(COUNTS)


class WriterFailed(RuntimeError):
    """The writer process is gone: what was queued for it is not stored."""


class BatchedWrites:
    """Writes gathered and sent in batches (``BATCH`` of them, or what ``BATCH_SECONDS`` gathered):
    to the writer process here, over Redis for a worker (``crawlers.cluster.RedisStorage``)."""

    def __init__(self, later: Callable[[float, Callable[[], None]], Any]):
        """``later(seconds, function)`` schedules a call on the caller's thread (the reactor's callLater)."""
        self.later = later
        self.pending: list[tuple[Callable[..., Any], tuple]] = []
        self.timer = None

    def submit(self, write: Callable[..., Any], *args) -> None:
        """Apply ``write(db, *args)`` after everything submitted before it."""
        self.pending.append((write, args))
        if len(self.pending) >= BATCH:
            self.flush()
        elif self.timer is None:
            self.timer = self.later(BATCH_SECONDS, self.flush)

    def flush(self) -> None:
        """Send the writes gathered so far."""
        if self.timer is not None and self.timer.active():
            self.timer.cancel()
        self.timer = None
        if self.pending and self.send(self.pending):
            self.pending = []

    def send(self, batch: list) -> bool:
        """Hand ``batch`` on; False keeps it for the next flush."""
        raise NotImplementedError


class StorageWriter(BatchedWrites):
    def __init__(self, db_path: str, later: Callable[[float, Callable[[], None]], Any],
                 on_failure: Callable[[WriterFailed], None]):
        """``on_failure`` hears once that the process is gone (what it had is lost)."""
        super().__init__(later)
        self.on_failure, self.failed = on_failure, False
        context = multiprocessing.get_context("spawn")  # a fork would copy the reactor and its sockets
        self.tasks = context.Queue()  # put() never blocks the reactor: a feeder thread does the writing
        self.results = context.Queue()
        self.process = context.Process(target=_serve, args=(db_path, self.tasks, self.results),
                                       name="gkwatch-writer", daemon=True)
        self.process.start()

    def send(self, batch: list) -> bool:
        if not self.process.is_alive():   # nothing can store them now; the next run fetches them again
            if not self.failed:
                self.failed = True
                self.on_failure(self._gone())
            return True
        self.tasks.put(batch)
        return True

    def call(self, function: Callable[..., Any], *args) -> Any:
        """``function(db, *args)`` after everything submitted before it, waiting for its result."""
        self.flush()
        self.tasks.put((function, args))
        ok, value = self._result()
        if not ok:
            raise value
        return value

    def close(self) -> None:
        """Apply and commit everything submitted, then stop the process."""
        try:
            self.flush()
            if self.failed:
                raise self._gone()
            self.tasks.put(None)
            self._result()
        finally:
            self.process.join()
            self.tasks.close()
            self.results.close()

    def _result(self):
        while True:
            try:
                return self.results.get(timeout=1)
            except queue.Empty:
                if not self.process.is_alive():
                    raise self._gone() from None

    def _gone(self) -> WriterFailed:
        """The process is gone: stop waiting to hand it anything (at exit, a queue's thread would wait
        forever to write into a pipe nobody reads); the error to raise or report."""
        self.tasks.cancel_join_thread()
        return WriterFailed(f"写入进程已退出，未写入的记录下次抓取时补上 (the writer process exited with code "
                            f"{self.process.exitcode}; what it had not stored is fetched again next run)")


def _serve(db_path: str, tasks, results) -> None:
    """The writer process: apply tasks until told to stop."""
    import storage
    from crawlers.children import die_with_parent
    from storage import records

    die_with_parent()
    db = storage.connect(db_path, upgrade=False)  # the crawl upgraded it before starting this process
    records.group_commits(db)
    try:
        while True:
            try:
                task = tasks.get(timeout=records.COMMIT_SECONDS)
            except queue.Empty:
                records.commit(db)  # nothing waits uncommitted while the crawl idles
                continue
            if task is None:
                break
            if isinstance(task, list):
                for function, args in task:
                    apply(db, function, args)
                if tasks.empty():
                    # Nothing more has arrived: commit rather than hold the write lock while the crawl
                    # waits on the network (a check or an import beside the crawl needs it briefly).
                    records.commit(db)
                continue
            function, args = task
            try:
                results.put((True, function(db, *args)))
            except Exception as error:
                results.put((False, error))
        records.end_group_commits(db)
    finally:
        db.close()
    results.put((True, None))


def apply(db, function, args) -> None:
    """One write; an error is logged and counted, and the writes after it go on."""
    try:
        function(db, *args)
    except Exception as error:  # one bad record must not stop the others
        logger.error("写入失败 (write failed) %s: %s: %s", function.__name__, type(error).__name__, error)
        count("gkwatch/store/error")
