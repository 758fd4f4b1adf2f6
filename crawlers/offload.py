"""Detail pages and annual reports parsed in worker processes.

Parsing is the crawl's heaviest CPU work (a PDF report takes over a second). Done on the reactor
thread it stalls every download in flight; in workers it runs beside the downloads, on another core.
The functions sent to a worker are pure: bytes in, JSON-ready data out.

Results are read on the event loop itself, from a reader on each worker's pipe. (A process pool's
result thread needs the GIL to hand each result over, and the busy reactor thread let it have it
only every few milliseconds: the worker fell two seconds behind in the sandbox crawl.)
"""

from __future__ import annotations

import asyncio
import fcntl
import itertools
import multiprocessing

from crawlers.children import die_with_parent
from extract import decode_html, extract_detail, parse_report
from extract.attachments import attachment_text
from extract.privacy import find_personal_numbers

_PIPE_BYTES = 1 << 20  # room for a few dozen pages in flight before a send waits


class WorkerDied(RuntimeError):
    """A parsing worker exited (crashed) with this task unfinished."""


class Offload:
    """Runs a function in one of ``workers`` worker processes, or in this one when it is 0."""

    def __init__(self, workers: int):
        self.size = workers
        self.workers: list[_Worker] = []
        self.ids = itertools.count()

    async def run(self, function, *args):
        if not self.size:
            return function(*args)
        worker = self._worker()
        future = asyncio.get_running_loop().create_future()
        task_id = next(self.ids)
        worker.pending[task_id] = future
        worker.tasks.send((task_id, function, args))
        return await future

    def start(self) -> None:
        """Start the workers now, on the running loop: each takes a moment to start, better spent
        while the crawl fetches its first pages than when the first one to parse arrives."""
        self.workers = [worker for worker in self.workers if worker.alive]
        while len(self.workers) < self.size:
            self.workers.append(_Worker(asyncio.get_running_loop()))

    def _worker(self) -> _Worker:
        """The least busy live worker; a dead one is replaced (its tasks have failed)."""
        self.start()
        return min(self.workers, key=lambda worker: len(worker.pending))

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.workers = []


class _Worker:
    def __init__(self, loop: asyncio.AbstractEventLoop):
        # spawn: a fork would copy the reactor, the browser's pipes and open SQLite handles.
        context = multiprocessing.get_context("spawn")
        task_reader, self.tasks = context.Pipe(duplex=False)
        self.results, result_writer = context.Pipe(duplex=False)
        for end in (self.tasks, self.results):
            _widen(end.fileno())
        self.process = context.Process(target=_work, args=(task_reader, result_writer), daemon=True)
        self.process.start()
        task_reader.close()
        result_writer.close()
        self.loop, self.pending, self.alive = loop, {}, True
        loop.add_reader(self.results.fileno(), self._read)

    def _read(self) -> None:
        try:
            while self.results.poll():
                task_id, ok, value = self.results.recv()
                future = self.pending.pop(task_id)
                if not future.done():
                    (future.set_result if ok else future.set_exception)(value)
        except (EOFError, OSError):
            self._died()

    def _died(self) -> None:
        self.loop.remove_reader(self.results.fileno())
        self.alive = False
        self.process.join(timeout=1)
        error = WorkerDied(f"解析进程意外退出 (a parsing worker exited with code {self.process.exitcode})")
        for future in self.pending.values():
            if not future.done():
                future.set_exception(error)
        self.pending.clear()

    def stop(self) -> None:
        if self.alive:
            self.loop.remove_reader(self.results.fileno())
            self.alive = False
            try:
                self.tasks.send(None)
            except OSError:
                pass
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.tasks.close()
        self.results.close()


def _widen(fd: int) -> None:
    try:
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    except (OSError, AttributeError):
        pass  # not Linux, or above the system's pipe-max-size: the default pipe still works


def _work(tasks, results) -> None:
    """A worker process: run tasks until told to stop or its crawler is gone."""
    die_with_parent()
    while True:
        try:
            task = tasks.recv()
        except EOFError:
            return
        if task is None:
            return
        task_id, function, args = task
        try:
            answer = (task_id, True, function(*args))
        except Exception as error:  # the caller gets it, as from a call in its own process
            answer = (task_id, False, error)
        try:
            results.send(answer)
        except Exception as error:  # an answer that cannot be pickled
            results.send((task_id, False, RuntimeError(f"{type(error).__name__}: {error}")))


def detail_data(body: bytes, url: str, content_type: str | None) -> dict:
    """What a detail page says (`gkwatch extract detail`'s JSON) with its content hash."""
    text, _ = decode_html(body, content_type)
    detail = extract_detail(text, url)
    return {**detail.to_json(), "content_hash": detail.content_hash}


def attachment_privacy(body: bytes, url: str, content_type: str | None) -> list[dict]:
    """The personal numbers an attachment's text holds, masked (an unreadable file holds none we know of)."""
    text, _ = attachment_text(body, url, content_type)
    return [{"kind": found.kind, "masked": found.masked} for found in find_personal_numbers(text)]


def report_data(body: bytes, url: str, content_type: str | None) -> dict:
    return parse_report(body, url, content_type).record()
