"""A crawl killed halfway (SIGKILL, no chance to clean up) loses nothing it stored, and the next
crawl finishes the job without storing anything twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from sandbox import Sandbox, registry_entries

from .conftest import FAST_CRAWL, REFERENCE_DAY, ROOT, SLOW_SECONDS, crawl, import_registry

AGENCIES = ("sb-huailing-swj", "sb-xuanlin-swj", "sb-nanyu-wjmj")


def stored(db_path) -> set[tuple[str, str]]:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        return set(conn.execute("SELECT agency_id, url FROM items"))


def children(pid: int) -> list[int]:
    """Live child processes of `pid` (the crawl's parsing workers)."""
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                if int(stat.read().rsplit(b")", 1)[1].split()[1]) == pid:
                    found.append(int(entry))
        except (OSError, ValueError):
            continue
    return found


def test_killed_crawl_resumes_without_loss_or_duplicates(tmp_path):
    db_path = tmp_path / "gkwatch.db"
    with Sandbox(REFERENCE_DAY, port=0, slow_seconds=SLOW_SECONDS) as sandbox:
        import_registry(tmp_path, [e for e in registry_entries(sandbox.port) if e["id"] in AGENCIES], db_path)
        expected = {(a["id"], i["url"]) for a in sandbox.manifest()["agencies"] if a["id"] in AGENCIES
                    for c in a["columns"] for i in c["items"]}
        process = subprocess.Popen([sys.executable, "-m", "gkwatch", "crawl", "--db", str(db_path), *FAST_CRAWL,
                                    "-s", "GKWATCH_EXTRACT_WORKERS=1"],
                                   cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(stored(db_path)) < 200:
            time.sleep(0.1)
        workers = children(process.pid)
        assert workers, "detail pages are parsed in a worker process"
        process.send_signal(signal.SIGKILL)
        process.wait()
        before = stored(db_path)
        assert 200 <= len(before) < len(expected), "the crawl was killed halfway"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(os.path.exists(f"/proc/{pid}") for pid in workers):
            time.sleep(0.1)
        assert not [pid for pid in workers if os.path.exists(f"/proc/{pid}")], "workers outlive the crawl"

        crawl(db_path)
    after = stored(db_path)
    assert before <= after
    assert after == expected
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM items").fetchone()[0] == len(expected)
        assert conn.execute("SELECT count(*) FROM items WHERE detail_fetched_at IS NULL").fetchone()[0] == 0
        assert [s for (s,) in conn.execute("SELECT status FROM crawl_runs ORDER BY id")] == ["interrupted", "finished"]


def holding(pids: list[int], path) -> list[int]:
    """The processes among `pids` that have `path` open (the crawl's writer holds the database)."""
    found = []
    for pid in pids:
        try:
            if any(os.path.realpath(f"/proc/{pid}/fd/{fd}") == str(path) for fd in os.listdir(f"/proc/{pid}/fd")):
                found.append(pid)
        except OSError:
            continue
    return found


def test_a_dead_writer_stops_the_crawl_with_a_clear_error_and_the_next_run_completes(tmp_path):
    db_path = (tmp_path / "gkwatch.db").resolve()
    with Sandbox(REFERENCE_DAY, port=0, slow_seconds=SLOW_SECONDS) as sandbox:
        import_registry(tmp_path, [e for e in registry_entries(sandbox.port) if e["id"] in AGENCIES], db_path)
        expected = {(a["id"], i["url"]) for a in sandbox.manifest()["agencies"] if a["id"] in AGENCIES
                    for c in a["columns"] for i in c["items"]}
        process = subprocess.Popen([sys.executable, "-m", "gkwatch", "crawl", "--db", str(db_path), *FAST_CRAWL],
                                   cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(stored(db_path)) < 100:
            time.sleep(0.1)
        writers = holding(children(process.pid), db_path)
        assert len(writers) == 1, "one child process writes the database"
        os.kill(writers[0], signal.SIGSTOP)  # a stuck writer first: the crawl's writes pile up in its pipe
        time.sleep(1)
        os.kill(writers[0], signal.SIGKILL)
        try:
            out, err = process.communicate(timeout=60)
        finally:
            process.kill()  # not left behind if it hangs
        assert process.returncode == 4, out + err
        assert "写入进程已退出" in err and "Traceback" not in err, err
        assert " failed: " in out
        with sqlite3.connect(db_path) as conn:
            status, seen, new = conn.execute(
                "SELECT status, items_seen, items_new FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
        assert status.startswith("failed: 写入进程已退出")
        assert len(stored(db_path)) < len(expected)
        # The counts died with the writer: the run reports what it did store.
        assert seen == new == len(stored(db_path)) >= 100
        assert f"条目 items {seen} (新 new {seen})" in out

        crawl(db_path)
    assert stored(db_path) == expected
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM items").fetchone()[0] == len(expected)
        assert conn.execute("SELECT count(*) FROM items WHERE detail_fetched_at IS NULL").fetchone()[0] == 0


def walked_but_unread(db_path) -> int:
    """Items whose detail page is unread in columns already walked to their end."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT count(*) FROM items i JOIN columns c ON c.id = i.column_id "
                            "WHERE c.walked_at IS NOT NULL AND i.detail_fetched_at IS NULL").fetchone()[0]


def test_a_crawl_stopped_after_walking_its_columns_fetches_the_details_it_left_next_time(tmp_path):
    """Columns are walked before the documents they list: a crawl stopped (Ctrl-C) with columns
    walked to their end but some of their detail pages unread must have the next crawl read them,
    though those columns' first pages hold nothing new."""
    db_path = tmp_path / "gkwatch.db"
    with Sandbox(REFERENCE_DAY, port=0, slow_seconds=SLOW_SECONDS) as sandbox:
        import_registry(tmp_path, registry_entries(sandbox.port), db_path)
        expected = {(a["id"], i["url"]) for a in sandbox.manifest()["agencies"] if not a["down"]
                    for c in a["columns"] for i in c["items"] if c["url"] not in a["slow_pages"]}
        process = subprocess.Popen([sys.executable, "-m", "gkwatch", "crawl", "--db", str(db_path), *FAST_CRAWL],
                                   cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (len(stored(db_path)) < len(expected) / 2
                                               or walked_but_unread(db_path) < 50):
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        try:
            out, err = process.communicate(timeout=60)
        finally:
            process.kill()
        assert process.returncode == 4 and "stopped: shutdown" in out, out + err
        assert "Traceback" not in err, err
        assert walked_but_unread(db_path) >= 50

        crawl(db_path)
    assert stored(db_path) == expected
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM items WHERE detail_fetched_at IS NULL").fetchone()[0] == 0
