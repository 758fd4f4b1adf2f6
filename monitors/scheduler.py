"""``gkwatch schedule``: a long-running APScheduler 3.x service for crawl, check, alert, the yearly
annual-report sweep and the home-page probes (``gkwatch probe``, many times a day: 国办秘函〔2019〕19号
judges 站点无法访问 on a week of 20 or more visits a day).

- Jobs live in a persistent SQLite job store beside the database (``<database>.jobs.sqlite``), with
  fixed ids and ``replace_existing=True``, so a restart never duplicates them and picks up edited
  cron expressions.
- Each job is a module-level function running the one-shot command (``python -m gkwatch crawl|check|
  alert``) in a subprocess, so a crash in a crawl never takes the service down.
- No two runs of one job at once: ``max_instances=1`` inside the service, and an exclusive
  ``fcntl.flock`` on ``<database>.job-<name>.lock`` across processes (a second service, a cron run).
  The OS releases the lock when its holder dies, so a crash never leaves it stuck.
- ``coalesce=True`` and ``misfire_grace_time`` (config ``schedule.misfire_grace_time``): runs missed
  while the service was down are run once, if not too late.
- SIGTERM / SIGINT → ``scheduler.shutdown(wait=True)``: the running job finishes, then exit 0.
- Logs carry Asia/Shanghai timestamps.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from core import exit_codes
from core.clock import TZ

log = logging.getLogger("gkwatch.schedule")

JOBS = ("crawl", "check", "alert", "report_sweep", "probe")
TIMEZONE = "Asia/Shanghai"


class ShanghaiFormatter(logging.Formatter):
    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging's name)
        return dt.datetime.fromtimestamp(record.created, TZ).isoformat(timespec="milliseconds")


def setup_logging(stream=None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(ShanghaiFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


def try_lock(path: str | Path, wait: bool = False):
    """An open file holding an exclusive flock on ``path``, or None when another process holds it
    (with ``wait``, block until it is free)."""
    handle = open(path, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        handle.close()
        return None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def lock_path(db_path: str, job: str) -> str:
    return f"{db_path}.job-{job}.lock"


def commands(job: str, db_path: str, config_path: str | None, extra: dict[str, list[str]]) -> list[list[str]]:
    base = [sys.executable, "-m", "gkwatch"] + (["--config", config_path] if config_path else [])

    def one(name, *more):
        return base + [name, "--db", db_path, *more, *extra.get(name, [])]

    if job == "report_sweep":
        # After the annual-report deadline: walk every column to its end, then judge and tell.
        return [one("crawl", "--full"), one("check"), one("alert")]
    return [one(job)]


def run_job(job: str, db_path: str, config_path: str | None = None, extra: dict | None = None) -> int | None:
    """One scheduled run of ``job``: skipped (None) while another run of it holds its lock; else the
    exit code of its last command. Module-level, so the job store pickles it by reference."""
    handle = try_lock(lock_path(db_path, job))
    if handle is None:
        log.warning("job %s skipped: a previous run still holds %s", job, lock_path(db_path, job))
        return None
    # The sweep's full crawl waits for a running scheduled crawl instead of crawling beside it.
    crawl_lock = try_lock(lock_path(db_path, "crawl"), wait=True) if job == "report_sweep" else None
    try:
        log.info("job %s started", job)
        started = time.monotonic()
        code = 0
        for command in commands(job, db_path, config_path, extra or {}):
            name = command[command.index("--db") - 1]
            what = f"gkwatch {name}{' --full' if '--full' in command else ''}"
            with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as child:
                # the pid of the process doing the work, to find it in ps, kill it or match its own logs
                log.info("job %s: %s started (pid %s)", job, what, child.pid)
                stdout, stderr = child.communicate()
            code = child.returncode
            lines = [line for line in stdout.splitlines() if line.strip()] or [""]
            tail = lines[0] if name == "check" else lines[-1]      # check: its summary line
            log.info("job %s: %s (pid %s) → exit %s %s", job, what, child.pid, code, tail)
            # `check` exits 1/2 when findings are open/new: that is data, not a failure.
            if exit_codes.failed(code):
                log.warning("job %s: %s failed: %s", job, what, stderr.strip()[-2000:])
                if name == "crawl":
                    break          # the sweep does not judge a crawl that could not finish
        log.info("job %s finished in %.1f s (exit %s)", job, time.monotonic() - started, code)
        return code
    finally:
        if crawl_lock:
            crawl_lock.close()
        handle.close()


def _scheduler_class():
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.base import STATE_RUNNING

    class Scheduler(BackgroundScheduler):
        """APScheduler 3.11's loop runs one more pass after shutdown() wakes it and submits due jobs
        to the executors it has just shut down ("cannot schedule new futures after shutdown"):
        process jobs only while running."""

        def _process_jobs(self):
            if self.state != STATE_RUNNING:
                return None
            return super()._process_jobs()

    return Scheduler


def build_scheduler(db_path: str, config, config_path: str | None):
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    from core.config import cron_trigger

    BackgroundScheduler = _scheduler_class()  # noqa: N806

    store = f"sqlite:///{Path(db_path).resolve()}.jobs.sqlite"
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=store)},
        executors={"default": ThreadPoolExecutor(len(JOBS))},
        job_defaults={"coalesce": True, "max_instances": 1,
                      "misfire_grace_time": config.schedule.misfire_grace_time},
        timezone=TIMEZONE,
    )
    extra = {"crawl": list(config.schedule.crawl_args), "check": list(config.schedule.check_args),
             "alert": list(config.schedule.alert_args), "probe": list(config.schedule.probe_args)}
    wanted = []
    for job in JOBS:
        expression = getattr(config.schedule, job).strip()
        if not expression:
            continue
        wanted.append(job)
        scheduler.add_job(run_job, cron_trigger(expression), id=job, name=f"gkwatch {job}",
                          args=[job, str(Path(db_path).resolve()), config_path, extra], replace_existing=True)
    return scheduler, wanted


def serve(db_path: str, config, config_path: str | None) -> int:
    """Run until SIGTERM or SIGINT; 0 after a clean stop."""
    setup_logging()
    scheduler, wanted = build_scheduler(db_path, config, config_path)

    stopping = threading.Event()

    def stop(signum, _frame):
        log.info("received %s: stopping after running jobs finish", signal.Signals(signum).name)
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # Jobs once configured and now disabled ("" in config) are removed from the store at start.
    scheduler.start(paused=True)
    for job in scheduler.get_jobs():
        if job.id not in wanted:
            scheduler.remove_job(job.id)
    for job in scheduler.get_jobs():
        log.info("job %s: next run %s", job.id, job.next_run_time.isoformat() if job.next_run_time else "—")
    log.info("scheduler started: %d jobs, store %s.jobs.sqlite, timezone %s", len(wanted),
             Path(db_path).resolve(), TIMEZONE)
    scheduler.resume()
    while not stopping.wait(0.2):
        pass
    scheduler.shutdown(wait=True)       # running jobs finish first
    log.info("scheduler stopped")
    return 0
