"""`gkwatch schedule` with seconds-level cron against the sandbox: crawl → check → alert run, a job
never overlaps itself, SIGTERM stops cleanly, a restart keeps one row per job in the job store; the
per-job lock is released when its holder is killed."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time

import storage
from sandbox import Sandbox, registry_entries
from monitors.scheduler import commands, lock_path, run_job, try_lock

from .conftest import FAST_CRAWL, REFERENCE_DAY, ROOT, SLOW_SECONDS, import_registry

AGENCIES = ("sb-nanyu-wjmj", "sb-qingshi-zf")
LINE = re.compile(r"^(\d{4}-\d\d-\d\dT[\d:.]+\+08:00) \w+ [\w.]+: job (\w+) (started|finished)")


def start(config, log_path):
    log = open(log_path, "ab")
    return subprocess.Popen([sys.executable, "-m", "gkwatch", "--config", str(config), "schedule"],
                            cwd=ROOT, stdout=log, stderr=log)


def stop(process) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=60)


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def intervals(text: str) -> dict[str, list[tuple[str, str | None]]]:
    runs: dict[str, list] = {}
    for line in text.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        moment, job, what = m.groups()
        if what == "started":
            runs.setdefault(job, []).append([moment, None])
        else:
            runs[job][-1][1] = moment
    return runs


def test_schedule_runs_crawl_check_alert_without_overlap_and_survives_restart(tmp_path, httpserver):
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    db_path = tmp_path / "gkwatch.db"
    with Sandbox(REFERENCE_DAY, port=0, slow_seconds=SLOW_SECONDS) as sandbox:
        import_registry(tmp_path, [a for a in registry_entries(sandbox.port) if a["id"] in AGENCIES], db_path)
        crawl_args = ", ".join(f'"{a}"' for a in FAST_CRAWL)
        config = tmp_path / "gkwatch.toml"
        config.write_text(f"""
database = "gkwatch.db"
[crawl]
contact = "test@gkwatch.invalid"
[schedule]
crawl = "* * * * * *"
check = "*/3 * * * * *"
alert = "*/3 * * * * *"
report_sweep = "0 3 1 2 *"
misfire_grace_time = 5
crawl_args = [{crawl_args}]

[[subscribers]]
name = "ngo"
notify = ["json://127.0.0.1:{httpserver.port}/hook"]
""", encoding="utf-8")
        log_path = tmp_path / "schedule.log"
        process = start(config, log_path)
        try:
            assert wait_for(lambda: len(httpserver.log) >= 1, 60), log_path.read_text()
        finally:
            code = stop(process)
        first = log_path.read_text()
        assert code == 0, first
        assert "received SIGTERM" in first and first.rstrip().endswith("scheduler stopped"), first

        db = storage.connect(db_path)
        finished_crawls = [r["finished_at"] for r in db.query("SELECT * FROM crawl_runs WHERE status = 'finished'")]
        assert finished_crawls and db["check_runs"].count >= 1 and db["finding_events"].count >= 1
        assert db.execute("SELECT count(*) FROM alerts WHERE status = 'sent'").fetchone()[0] >= 1
        # never two runs of one job at once, and the crawl (slower than its 1-s period) was held back
        runs = intervals(first)
        assert {"crawl", "check", "alert"} <= set(runs)
        for job, spans in runs.items():
            for (_, end), (next_start, _) in zip(spans, spans[1:]):
                assert end is not None and end <= next_start, (job, spans)
        assert re.search(r"gkwatch crawl.*skipped: maximum number of running instances", first), first

        store = tmp_path / "gkwatch.db.jobs.sqlite"
        jobs = lambda: sorted(r[0] for r in sqlite3.connect(store).execute("SELECT id FROM apscheduler_jobs"))
        assert jobs() == ["alert", "check", "crawl", "probe", "report_sweep"]

        # restart: the same four jobs, no ConflictingIdError, and the service runs on
        process = start(config, log_path)
        try:
            assert wait_for(lambda: log_path.read_text().count("scheduler started") == 2, 30)
            assert wait_for(lambda: "job check finished" in log_path.read_text()[len(first):], 40)
        finally:
            assert stop(process) == 0
        second = log_path.read_text()[len(first):]
        assert "Traceback" not in second and "ConflictingIdError" not in second, second
        assert jobs() == ["alert", "check", "crawl", "probe", "report_sweep"]
        assert "job alert started" in second or "job crawl started" in second


def test_a_held_lock_skips_the_job_and_a_killed_holder_releases_it(tmp_path):
    db_path = str(tmp_path / "gkwatch.db")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; sys.path.insert(0, %r)\n"
        "from monitors.scheduler import try_lock\n"
        "h = try_lock(%r); print('locked', flush=True); time.sleep(60)") % (str(ROOT), lock_path(db_path, "crawl"))],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert try_lock(lock_path(db_path, "crawl")) is None
        began = time.monotonic()
        assert run_job("crawl", db_path) is None            # skipped, nothing run
        assert time.monotonic() - began < 2
    finally:
        os.kill(holder.pid, signal.SIGKILL)                 # a crash: no cleanup code runs
        holder.wait()
    handle = try_lock(lock_path(db_path, "crawl"))
    assert handle is not None
    handle.close()


def test_the_report_sweep_is_a_full_crawl_then_check_then_alert():
    steps = [c[c.index("--db") - 1:] for c in commands("report_sweep", "/d/g.db", None, {"crawl": ["-s", "X=1"]})]
    assert steps == [["crawl", "--db", "/d/g.db", "--full", "-s", "X=1"], ["check", "--db", "/d/g.db"],
                     ["alert", "--db", "/d/g.db"]]


def test_the_log_gives_the_pid_of_the_job_process_not_the_scheduler(tmp_path, monkeypatch, caplog):
    # Every Python process started from here on writes its own pid (os.getpid()) to a file.
    hook = tmp_path / "hook"
    hook.mkdir()
    pids = tmp_path / "pids"
    (hook / "sitecustomize.py").write_text(
        f"import os\nwith open({str(pids)!r}, 'a') as f:\n    f.write(f'{{os.getpid()}}\\n')\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(hook), str(ROOT)]))
    caplog.set_level("INFO", logger="gkwatch.schedule")
    assert run_job("check", str(tmp_path / "gkwatch.db")) == 3     # no database: the child says so and exits 3
    [child] = pids.read_text().split()
    assert int(child) != os.getpid()
    started = [r.getMessage() for r in caplog.records if "started (pid" in r.getMessage()]
    assert started == [f"job check: gkwatch check started (pid {child})"]
    assert f"job check: gkwatch check (pid {child}) → exit 3" in caplog.text
