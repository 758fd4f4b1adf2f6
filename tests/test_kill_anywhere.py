"""Kill -9 anywhere: a crawl and a check killed at random moments (a fixed seed) lose nothing,
store nothing twice, leave no half check run and no process behind, and the next run carries on.
benchmarks/faults/kills.py does the same with more kills, at moments drawn over a measured crawl."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid

import pytest

from sandbox import Sandbox, registry_entries
from storage import search

from .conftest import FAST_CRAWL, REFERENCE_DAY, ROOT, SLOW_SECONDS, crawl, import_registry, run_gkwatch

SEED = 20261122
CRAWL_KILLS, CHECK_KILLS = 3, 5
MARK = "GKWATCH_TEST_MARK"
KEYS = {"items": "agency_id, url", "columns": "agency_id, url", "listings": "column_id, item_id",
        "findings": "agency_id, check_name, subject"}


def start(*args) -> tuple[subprocess.Popen, str]:
    """`gkwatch ARGS` in a process group of its own; every process it starts carries a mark in its
    environment (Chromium too, which Playwright starts in a session of its own)."""
    mark = uuid.uuid4().hex
    process = subprocess.Popen([sys.executable, "-m", "gkwatch", *map(str, args)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, MARK: mark}, start_new_session=True)
    return process, mark


def marked(mark: str) -> list[int]:
    """Live processes (zombies aside) carrying ``mark``."""
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/environ", "rb") as environ:
                if f"{MARK}={mark}".encode() not in environ.read().split(b"\0"):
                    continue
            with open(f"/proc/{entry}/stat", "rb") as stat:
                if stat.read().rsplit(b")", 1)[1].split()[0] != b"Z":
                    found.append(int(entry))
        except OSError:
            continue
    return found


def outliving(mark: str) -> list[int]:
    """What still carries ``mark`` 15 s after a kill (then ended, not to be left behind)."""
    deadline = time.monotonic() + 15
    while (left := marked(mark)) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return left


def transactions(pid: int) -> set[str]:
    """The SQLite transactions ``pid`` is in, from its locks on a WAL database's -shm file
    (/proc/locks): a shared lock on a read mark (bytes 123–127) is a read snapshot; with the write
    lock (byte 120) it is a write transaction (BEGIN IMMEDIATE)."""
    held = set()
    with open("/proc/locks") as locks:
        for fields in map(str.split, locks):
            if len(fields) == 8 and fields[1] == "POSIX" and fields[4] == str(pid):
                held.add((int(fields[6]), fields[3]))
    reading = any((mark, "READ") in held for mark in range(123, 128))
    return {"read", "write"} if reading and (120, "WRITE") in held else {"read"} if reading else set()


def progress(db_path) -> int:
    """Items stored, plus detail pages stored: a crawl of N items is done at 2 N."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT count(*) + count(detail_fetched_at) FROM items").fetchone()[0]


def verify(db_path) -> dict:
    """What a kill may have broken (run with nothing else on the database: the full-text check writes)."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        search.register(conn)
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
        problems += [f"foreign key {r}" for r in conn.execute("PRAGMA foreign_key_check")]
        conn.execute("INSERT INTO items_fts (items_fts, rank) VALUES ('integrity-check', 1)")  # raises if out of step
        return {
            "problems": problems,
            "duplicates": {t: conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM {t} GROUP BY {k} "
                                           "HAVING count(*) > 1)").fetchone()[0] for t, k in KEYS.items()},
            "runs": conn.execute("SELECT id, status FROM crawl_runs ORDER BY id").fetchall(),
            "items": set(conn.execute("SELECT agency_id, url FROM items")),
            "read": set(conn.execute("SELECT agency_id, url FROM items WHERE detail_fetched_at IS NOT NULL")),
        }
    finally:
        conn.close()


NO_DUPLICATES = dict.fromkeys(KEYS, 0)


@pytest.fixture(scope="module")
def killed_crawls(tmp_path_factory):
    """The sandbox crawled by CRAWL_KILLS crawls SIGKILLed mid-way, then one to the end: what was seen."""
    tmp_path = tmp_path_factory.mktemp("kills")
    db_path = tmp_path / "gkwatch.db"
    rng = random.Random(SEED)
    kills = []
    with Sandbox(REFERENCE_DAY, port=0, slow_seconds=SLOW_SECONDS) as sandbox:
        import_registry(tmp_path, registry_entries(sandbox.port), db_path)
        expected = {(a["id"], i["url"]) for a in sandbox.manifest()["agencies"] if not a["down"]
                    for c in a["columns"] for i in c["items"] if c["url"] not in a["slow_pages"]}
        # Moments drawn by progress, whatever the machine's speed: once the crawl has done a drawn
        # share of what is left (items and their detail pages to store), a drawn fraction of a second
        # more. Odd kills hit the crawl's own process only (as `kill -9 PID` or the OOM killer do),
        # its writer and workers then ending with it.
        for k in range(CRAWL_KILLS):
            done = progress(db_path)
            target = done + rng.uniform(0.1, 0.7) * (2 * len(expected) - done)
            process, mark = start("crawl", "--db", db_path, *FAST_CRAWL)
            deadline = time.monotonic() + 120
            while process.poll() is None and time.monotonic() < deadline and progress(db_path) < target:
                time.sleep(0.05)
            time.sleep(rng.uniform(0, 0.5))
            processes = len(marked(mark))
            (os.killpg if k % 2 == 0 else os.kill)(process.pid, signal.SIGKILL)
            process.wait()
            kills.append({"ended": process.returncode != -signal.SIGKILL, "processes": processes,
                          "outliving": outliving(mark), **verify(db_path)})
        crawl(db_path)
    return {"db": db_path, "expected": expected, "kills": kills, "final": verify(db_path)}


def test_a_crawl_killed_anywhere_loses_nothing_and_the_next_run_completes(killed_crawls):
    expected, kills, final = killed_crawls["expected"], killed_crawls["kills"], killed_crawls["final"]
    assert len(kills) == CRAWL_KILLS
    before, read = set(), set()
    for k, kill in enumerate(kills, 1):
        assert kill["outliving"] == [], f"kill {k}: processes outlive the crawl"
        assert kill["problems"] == [], f"kill {k}"
        assert kill["duplicates"] == NO_DUPLICATES, f"kill {k}"
        assert before <= kill["items"] and read <= kill["read"], f"kill {k}: stored before, lost since"
        before, read = kill["items"], kill["read"]
    assert final["problems"] == [] and final["duplicates"] == NO_DUPLICATES
    assert final["items"] == expected
    assert final["read"] == expected, "detail pages left unread by a killed crawl, not read by the next one"
    with sqlite3.connect(killed_crawls["db"]) as conn:
        assert conn.execute("SELECT count(*) FROM items").fetchone()[0] == len(expected)
    # Each crawl was killed mid-way, its writer and workers running; the next one marked it interrupted.
    for k, kill in enumerate(kills, 1):
        assert not kill["ended"] and kill["processes"] > 2, f"kill {k}"
        assert 0 < len(kill["items"]) + len(kill["read"]) < 2 * len(expected), f"kill {k}"
        assert [status for _, status in kill["runs"]] == ["interrupted"] * (k - 1) + ["running"]
    assert [status for _, status in final["runs"]] == ["interrupted"] * CRAWL_KILLS + ["finished"]


def check_state(db_path) -> dict:
    """The check tables, comparable between databases (no ids, no clock times)."""
    conn = sqlite3.connect(db_path)
    try:
        q = lambda sql: conn.execute(sql).fetchall()  # noqa: E731
        cards: dict[int, list] = {}
        for run, *card in q("SELECT check_run_id, agency_id, as_of, score, grade, vetoed, deductions "
                            "FROM scorecards ORDER BY check_run_id, agency_id"):
            cards.setdefault(run, []).append(tuple(card))
        return {
            "runs": q("SELECT id, finished_at IS NOT NULL FROM check_runs ORDER BY id"),
            "findings": sorted(q("SELECT agency_id, check_name, subject, severity, status FROM findings")),
            "events": sorted(q("SELECT f.agency_id, f.check_name, f.subject, e.event, e.severity, e.as_of "
                               "FROM finding_events e LEFT JOIN findings f ON f.id = e.finding_id")),
            "event_runs": {r for (r,) in q("SELECT DISTINCT check_run_id FROM finding_events")},
            "scorecards": cards,
            "availability": sorted(q("SELECT agency_id, as_of, status, days_observed, probes, failed "
                                     "FROM availability")),
            "judgements": sorted(q("SELECT report_id, content_hash, judged_with, problems FROM report_judgements")),
        }
    finally:
        conn.close()


def half_written(state: dict, before: dict, reference: dict) -> list[str]:
    """What makes ``state`` neither 'as before any check' nor 'whole runs, each like the reference's'."""
    half = [f"check run #{run} unfinished" for run, finished in state["runs"] if not finished]
    finished = [run for run, done in state["runs"] if done]
    tables = ("findings", "events", "availability", "judgements")
    if not finished:
        return half + [t for t in (*tables, "scorecards") if state[t] != before[t]]
    (cards,) = reference["scorecards"].values()
    return (half + [t for t in tables if state[t] != reference[t]]
            + [f"scorecards of #{run}" for run in finished if state["scorecards"].get(run) != cards]
            + [f"scorecards of #{run}" for run in set(state["scorecards"]) - set(finished)]
            + [f"events of #{run}" for run in state["event_runs"] - set(finished)])


def copy(source, target) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def listed(document: dict) -> list[tuple]:
    return sorted((f["agency"], f["check"], f["subject"], f["severity"], f["status"]) for f in document["findings"])


def test_a_check_killed_anywhere_leaves_all_of_its_run_or_none_and_the_next_one_gives_the_same_findings(
        killed_crawls, tmp_path):
    db_path, reference_db = tmp_path / "gkwatch.db", tmp_path / "reference.db"
    copy(killed_crawls["db"], db_path)
    copy(killed_crawls["db"], reference_db)
    day = REFERENCE_DAY.isoformat()
    before = check_state(db_path)
    started = time.monotonic()
    reference = run_gkwatch("check", "--db", reference_db, "--as-of", day, "--json")
    wall = time.monotonic() - started
    ref_document, ref_state = json.loads(reference.stdout), check_state(reference_db)
    assert ref_state["findings"] and ref_state["events"]
    write_phase = ref_document["summary"]["timings"]["findings+scorecards"]

    # Kinds of moment, in turn: inside the write transaction (watched for in /proc/locks, then a
    # random part of the write phase the reference took), uniform over a check's wall time, inside a
    # read transaction. Each kill stops the process first, to see which transaction it was in.
    rng = random.Random(SEED)
    kinds, landed, attempts = ("write", "uniform", "read"), [], 0
    while len(landed) < CHECK_KILLS and attempts < 10 * CHECK_KILLS:
        attempts += 1
        kind = kinds[len(landed) % len(kinds)]
        process, _ = start("check", "--db", db_path, "--as-of", day, "--json")
        began, held = time.monotonic(), set()
        if kind == "uniform":
            moment = rng.uniform(0, wall)
            while process.poll() is None and time.monotonic() - began < moment:
                time.sleep(0.002)
        else:
            while process.poll() is None and kind not in transactions(process.pid):
                time.sleep(0.0001)
            pause = time.monotonic() + rng.uniform(0, 0.8 * write_phase if kind == "write" else 0.02)
            while time.monotonic() < pause:
                pass
        try:
            os.killpg(process.pid, signal.SIGSTOP)
            held = transactions(process.pid)
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()
        state = check_state(db_path)
        assert verify(db_path)["problems"] == []
        assert half_written(state, before, ref_state) == [], f"killed at {time.monotonic() - began:.3f} s ({kind})"
        if process.returncode != -signal.SIGKILL:
            assert process.returncode in (0, 1, 2)   # finished before the moment: a whole run, tried again
        elif kind != "write" or "write" in held:   # a write kill that missed the transaction is tried again
            landed.append((kind, held))
    assert [kind for kind, _ in landed] == [kinds[k % 3] for k in range(CHECK_KILLS)]
    assert sum("write" in held for _, held in landed) >= 2, "killed inside the write transaction"

    final = run_gkwatch("check", "--db", db_path, "--as-of", day, "--json")
    assert final.returncode in (0, 1, 2), final.stdout + final.stderr
    state = check_state(db_path)
    assert verify(db_path)["problems"] == []
    assert state["findings"] == ref_state["findings"]
    assert listed(json.loads(final.stdout)) == listed(ref_document)
    assert half_written(state, before, ref_state) == []
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM (SELECT 1 FROM finding_events GROUP BY finding_id, event, as_of "
                            "HAVING count(*) > 1)").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM findings f WHERE (SELECT count(*) FROM finding_events e "
                            "WHERE e.finding_id = f.id AND e.event = 'opened') != 1").fetchone()[0] == 0


def test_details_a_killed_crawl_left_unread_deep_in_a_column_it_walked_are_read_by_the_next_crawl(tmp_path):
    """The state a kill leaves when it lands after the writer committed a column's walk (its
    listings, ``walked_at``) and before the detail pages of its last pages were stored, made
    directly: the next, incremental crawl stops at the column's first page when that one holds
    nothing unread, and must still read the details left behind."""
    db_path = tmp_path / "gkwatch.db"
    with Sandbox(REFERENCE_DAY, port=0, slow_seconds=SLOW_SECONDS) as sandbox:
        import_registry(tmp_path, [e for e in registry_entries(sandbox.port) if e["id"] == "sb-huailing-czj"], db_path)
        crawl(db_path)
        with sqlite3.connect(db_path) as conn:
            column, walked = conn.execute("SELECT id, walked_at FROM columns WHERE url LIKE '%/czdt/'").fetchone()
            assert walked is not None
            oldest = [url for (url,) in conn.execute("SELECT url FROM items WHERE column_id = ? "
                                                     "ORDER BY published LIMIT 3", [column])]
            conn.executemany("UPDATE items SET detail_fetched_at = NULL WHERE url = ?", [[url] for url in oldest])
        crawl(db_path)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT url FROM items WHERE detail_fetched_at IS NULL").fetchall() == []


def starting_writer(mark: str, db_path) -> int | None:
    """The crawl's writer process while it is starting: spawned, importing its modules (SQLite's
    library loaded), the database not yet open."""
    for pid in marked(mark):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                if b"spawn_main" not in cmdline.read():
                    continue
            with open(f"/proc/{pid}/maps") as maps:
                if "_sqlite3" not in maps.read():
                    continue
            files = {os.path.realpath(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
            if str(db_path) not in files:
                return pid
        except OSError:
            continue
    return None


def test_a_crawl_killed_while_its_writer_starts_leaves_no_process_behind(tmp_path):
    """`kill -9` of the crawl's own process (not its group) while its writer process is still starting,
    before that one asked Linux to end it with its parent (PR_SET_PDEATHSIG)."""
    db_path = (tmp_path / "gkwatch.db").resolve()
    with Sandbox(REFERENCE_DAY, port=0, slow_seconds=SLOW_SECONDS) as sandbox:
        import_registry(tmp_path, [e for e in registry_entries(sandbox.port) if e["id"] == "sb-huailing-czj"], db_path)
        for _ in range(3):
            process, mark = start("crawl", "--db", db_path, *FAST_CRAWL)
            deadline = time.monotonic() + 60
            while process.poll() is None and time.monotonic() < deadline and not starting_writer(mark, db_path):
                time.sleep(0.001)
            assert process.poll() is None
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            assert outliving(mark) == []
