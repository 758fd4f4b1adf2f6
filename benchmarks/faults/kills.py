"""Kill -9 anywhere: a crawl and a check killed at random moments lose nothing, store nothing twice,
and the next run carries on.

    python benchmarks/faults/kills.py [--kills N] [--seed S] [--json] [--keep]

Against the sandbox (its ten agencies, in this process):

1. **crawl**: measures one full uninterrupted crawl (T seconds, on a scratch database), then N times
   starts `gkwatch crawl` on the real one and SIGKILLs it at a moment drawn from the seed over
   [0, T) (a crawl done before its moment is no kill: T becomes its duration, what is left to crawl
   taking that long now, and a moment is drawn again): the whole process group on even kills, the
   crawl's own process only on odd ones (as `kill -9 PID` or the OOM killer do: its writer and
   parsing workers must then die with it, PR_SET_PDEATHSIG). Every process the crawl started
   (Chromium included, which runs in a session of its own) carries a marker in its environment:
   none may outlive the kill. After each kill: `PRAGMA integrity_check`, foreign keys, the
   full-text index against ``items``, no row twice by its natural key, nothing stored before lost
   since, no crawl run left ``running`` but the newest. Then a last uninterrupted crawl: every item
   of the manifest stored once, every detail page read, every killed run marked ``interrupted``.
2. **check**: an uninterrupted `gkwatch check --json` on a copy of the crawled database is the
   reference. N times, `gkwatch check` on the database itself is SIGKILLed, cycling through three
   kinds of moment: inside its write transaction (found by watching /proc/locks for the WAL write
   lock the process takes with BEGIN IMMEDIATE, then a random part of the write phase the reference
   reported in its ``timings``; a kill the watching was too late for is verified, then tried
   again), at a uniform moment over the reference's wall time, and inside a read transaction.
   Each kill stops the process first (SIGSTOP), notes which SQLite locks it holds, then SIGKILLs
   it. After each kill the check tables hold either nothing more than before the first check or
   whole runs: no ``check_runs`` row without ``finished_at``; findings, their events, scorecards
   (per run), availability and report judgements all equal to the reference's. Then a last check:
   its findings, by (agency, check, subject, severity, status), equal the reference's, in the
   database and in its JSON, and ``finding_events`` holds each transition once.

Prints a table (kill → moment → what was found) and the totals; ``--json`` prints only the totals:
``{"crawl_kills", "check_kills", "integrity_failures", "lost", "duplicated", "half_check_runs",
"resumed", "orphans"}``. lost: manifest items (or items stored before a kill) missing at the end,
items whose detail page was never read, reference findings missing from the last check's;
duplicated: rows beyond one per natural key, items the manifest does not list, findings the
reference does not have, transitions recorded twice. resumed: kills the next runs fully recovered
from. The target: every kill resumed, everything else 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from sandbox import Sandbox, registry_entries  # noqa: E402
from storage import search  # noqa: E402

AS_OF = dt.date(2026, 11, 22)
# The test suite's sandbox-speed crawl settings (tests/conftest.py FAST_CRAWL), copied.
FAST_CRAWL = [
    "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4",
    "-s", "DOWNLOAD_TIMEOUT=5", "-s", "RETRY_TIMES=0", "-s", "GKWATCH_PROGRESS_INTERVAL=0",
]
SLOW_SECONDS = 8.0
MARK = "GKWATCH_KILLS_MARK"
# Rows unique by their natural key: a duplicate is any row beyond the first.
KEYS = {"items": "agency_id, url", "columns": "agency_id, url", "listings": "column_id, item_id",
        "findings": "agency_id, check_name, subject"}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def gkwatch(*args, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gkwatch", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


# processes ----------------------------------------------------------------------------------------

def start(*args, log_file: Path | None = None) -> tuple[subprocess.Popen, str]:
    """`gkwatch ARGS` in a process group of its own, every descendant marked in its environment."""
    mark = uuid.uuid4().hex
    out = open(log_file, "wb") if log_file else subprocess.DEVNULL
    process = subprocess.Popen([sys.executable, "-m", "gkwatch", *map(str, args)], cwd=ROOT, stdout=out,
                               stderr=subprocess.STDOUT if log_file else subprocess.DEVNULL,
                               env={**os.environ, MARK: mark}, start_new_session=True)
    if log_file:
        out.close()
    return process, mark


def marked(mark: str) -> dict[int, str]:
    """Live processes (not zombies) carrying ``mark``: pid → what it is."""
    needle = f"{MARK}={mark}".encode()
    found = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/environ", "rb") as environ:
                if needle not in environ.read().split(b"\0"):
                    continue
            with open(f"/proc/{entry}/stat", "rb") as stat:
                name, rest = stat.read().rsplit(b")", 1)
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                command = cmdline.read()
        except OSError:
            continue
        if rest.split()[0] != b"Z":
            found[int(entry)] = ("resource tracker" if b"resource_tracker" in command
                                 else "spawned child (writer or worker)" if b"spawn_main" in command
                                 else name.split(b"(", 1)[1].decode(errors="replace"))
    return found


def sqlite_locks(pids) -> set[str]:
    """The transactions ``pids`` are in, from their POSIX locks on a WAL database's -shm file
    (/proc/locks): "read" (a shared lock on a read mark, bytes 123–127: a read snapshot), "write"
    (that and the write lock, byte 120: a write transaction; the recovery after a crash takes the
    write lock too, but with the read marks exclusive)."""
    pids, bytes_held = {str(p) for p in pids}, set()
    with open("/proc/locks") as locks:
        for line in locks:
            fields = line.split()
            if len(fields) == 8 and fields[1] == "POSIX" and fields[4] in pids:
                bytes_held.add((int(fields[6]), fields[3]))
    reading = any((mark, "READ") in bytes_held for mark in range(123, 128))
    return {"read", "write"} if reading and (120, "WRITE") in bytes_held else {"read"} if reading else set()


def reap_orphans(mark: str, wait: float = 15.0) -> dict[int, str]:
    """Processes still carrying ``mark`` ``wait`` seconds after the kill (ended then, to clean up)."""
    deadline = time.monotonic() + wait
    while (left := marked(mark)) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return left


# the database -------------------------------------------------------------------------------------

def verify(db: Path) -> dict:
    """What a kill may have broken: integrity, foreign keys, the full-text index, duplicates."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        search.register(conn)
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
        problems += [f"foreign key {r}" for r in conn.execute("PRAGMA foreign_key_check")]
        try:
            conn.execute("INSERT INTO items_fts (items_fts, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError as exc:
            problems.append(f"items_fts: {exc}")
        dups = {table: conn.execute(f"SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM {table} "
                                    f"GROUP BY {key} HAVING n > 1)").fetchone()[0] for table, key in KEYS.items()}
        runs = conn.execute("SELECT id, status FROM crawl_runs ORDER BY id").fetchall()
        items = set(conn.execute("SELECT agency_id, url FROM items"))
        read = set(conn.execute("SELECT agency_id, url FROM items WHERE detail_fetched_at IS NOT NULL"))
    finally:
        conn.close()
    return {"problems": problems, "dups": dups, "runs": runs, "items": items, "read": read,
            "unread": len(items - read)}


def check_state(db: Path) -> dict:
    """The check tables, comparable between databases (no ids, no clock times)."""
    conn = sqlite3.connect(db)
    try:
        q = lambda sql: conn.execute(sql).fetchall()  # noqa: E731
        runs = q("SELECT id, finished_at IS NOT NULL FROM check_runs ORDER BY id")
        cards: dict[int, list] = {}
        for run, *card in q("SELECT check_run_id, agency_id, as_of, score, grade, vetoed, deductions "
                            "FROM scorecards ORDER BY check_run_id, agency_id"):
            cards.setdefault(run, []).append(tuple(card))
        return {
            "runs": runs,
            "findings": sorted(q("SELECT agency_id, check_name, subject, severity, status FROM findings")),
            "events": sorted(q("SELECT f.agency_id, f.check_name, f.subject, e.event, e.severity, e.as_of "
                               "FROM finding_events e LEFT JOIN findings f ON f.id = e.finding_id")),
            "event_runs": {r for (r,) in q("SELECT DISTINCT check_run_id FROM finding_events")},
            "scorecards": cards,
            "availability": sorted(q("SELECT agency_id, as_of, status, period_from, period_to, days_required, "
                                     "days_observed, probes, failed, failed_share, excluded, blocked "
                                     "FROM availability")),
            "judgements": sorted(q("SELECT report_id, content_hash, judged_with, problems FROM report_judgements")),
            "twice": q("SELECT finding_id, event, as_of FROM finding_events GROUP BY 1, 2, 3 HAVING count(*) > 1"),
            "opened_not_once": q("SELECT f.id FROM findings f WHERE (SELECT count(*) FROM finding_events e "
                                 "WHERE e.finding_id = f.id AND e.event = 'opened') != 1"),
        }
    finally:
        conn.close()


def whole_or_nothing(state: dict, before: dict, reference: dict) -> list[str]:
    """How the check tables differ from both 'as before any check' and 'whole runs like the reference'."""
    half = [f"check run #{run} without finished_at" for run, finished in state["runs"] if not finished]
    finished = [run for run, done in state["runs"] if done]
    tables = ("findings", "events", "availability", "judgements")
    if not finished:
        half += [f"{t} written without a finished run" for t in (*tables, "scorecards") if state[t] != before[t]]
        return half
    half += [f"{t} differ from the reference's" for t in tables if state[t] != reference[t]]
    (ref_cards,) = reference["scorecards"].values()
    half += [f"scorecards of run #{run} differ from the reference's" for run in finished
             if state["scorecards"].get(run) != ref_cards]
    half += [f"scorecards of run #{run}, not a finished run" for run in set(state["scorecards"]) - set(finished)]
    half += [f"events of run #{run}, not a finished run" for run in state["event_runs"] - set(finished)]
    return half


def copy_database(source: Path, target: Path) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


# crawl --------------------------------------------------------------------------------------------

def crawl_phase(work: Path, sandbox: Sandbox, kills: int, rng: random.Random, rows: list, totals: dict) -> None:
    db = work / "gkwatch.db"
    manifest = sandbox.manifest()
    expected = {(a["id"], i["url"]) for a in manifest["agencies"] if not a["down"]
                for c in a["columns"] for i in c["items"] if c["url"] not in a["slow_pages"]}

    scratch = work / "measure.db"
    imported = gkwatch("agencies", "import", work / "registry.yaml", "--db", scratch)
    assert imported.returncode == 0, imported.stderr
    started = time.monotonic()
    done = gkwatch("crawl", "--db", scratch, *FAST_CRAWL)
    full = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"the measuring crawl failed ({done.returncode}):\n{done.stdout}{done.stderr[-3000:]}")
    log(f"a full crawl: {full:.1f} s; kills drawn over [0, {full:.1f}) s")
    imported = gkwatch("agencies", "import", work / "registry.yaml", "--db", db)
    assert imported.returncode == 0, imported.stderr

    ever_stored: set = set()   # items stored after some kill: none may be lost
    ever_read: set = set()     # items whose detail page was stored: none may lose it
    killed_runs: dict[int, int | None] = {}    # kill number → the crawl run it cut off (None: not started)
    k = attempts = 0
    while k < kills and attempts < 3 * kills:
        attempts += 1
        moment = rng.uniform(0, full)
        whole = k % 2 == 0
        last_run = max([r for r, _ in verify(db)["runs"]], default=0)
        process, mark = start("crawl", "--db", db, *FAST_CRAWL, log_file=work / f"crawl-{attempts}.log")
        began = time.monotonic()
        while process.poll() is None and time.monotonic() - began < moment:
            time.sleep(0.005)
        send = os.killpg if whole else os.kill
        if process.returncode is None:
            send(process.pid, signal.SIGSTOP)   # the moment: see what it was doing, then kill it
            at = time.monotonic() - began
            tree = marked(mark)
            writing = "write" in sqlite_locks(tree)
            send(process.pid, signal.SIGKILL)
        process.wait()
        if process.returncode != -signal.SIGKILL:
            took = time.monotonic() - began
            orphans, state = reap_orphans(mark, wait=5), verify(db)
            lost = (ever_stored - state["items"]) | (ever_read - state["read"])
            ever_stored, ever_read = ever_stored | state["items"], ever_read | state["read"]
            totals["orphans"] += len(orphans)
            totals["lost"] += len(lost)
            rows.append(("crawl", "-", f"{moment:5.2f}",
                         f"finished first (exit {process.returncode}) in {took:.1f} s, drawn again over "
                         f"[0, {took:.1f}); {state['unread']} unread" + (f"; lost {len(lost)}" if lost else "")
                         + (f"; orphans {sorted(orphans.values())}" if orphans else "")))
            full = took   # what is left to crawl takes this long now
            if process.returncode != 0:
                totals["not_resumed"].append(f"crawl attempt {attempts} exited {process.returncode}")
            continue
        k += 1
        orphans = reap_orphans(mark)
        state = verify(db)
        new_runs = [r for r, _ in state["runs"] if r > last_run]
        killed_runs[k] = new_runs[-1] if new_runs else None
        # The newest run may be the one just killed; any older one still running was not marked
        # interrupted by the run after it.
        stale = [r for r, status in state["runs"][:-1] if status == "running"]
        lost = (ever_stored - state["items"]) | (ever_read - state["read"])
        ever_stored |= state["items"]
        ever_read |= state["read"]
        dups = sum(state["dups"].values())
        totals["crawl_kills"] += 1
        totals["integrity_failures"] += bool(state["problems"])
        totals["orphans"] += len(orphans)
        totals["lost"] += len(lost)
        totals["duplicated"] += dups
        where = (f"run #{killed_runs[k]}" if killed_runs[k] else "before its run began") + \
                (", writer mid-transaction" if writing else "")
        found = (f"{'group' if whole else 'crawl pid'} of {len(tree)}: {where}; {len(state['items'])} items "
                 f"({state['unread']} unread); "
                 f"integrity {'ok' if not state['problems'] else state['problems'][:3]}; dup {dups}; "
                 f"lost {len(lost)}; stale running {stale or 0}; orphans {sorted(orphans.values()) or 0}")
        rows.append(("crawl", k, f"{at:5.2f}", found))
        if stale:
            totals["not_resumed"].append(f"crawl kill {k}: runs {stale} still running")
        log(f"crawl kill {k}: {at:.2f} s: {found}")

    started = time.monotonic()
    final = gkwatch("crawl", "--db", db, *FAST_CRAWL)
    state = verify(db)
    statuses = dict(state["runs"])
    missing = ((expected | ever_stored) - state["items"]) | (ever_read - state["read"])
    extra = state["items"] - expected
    dups = sum(state["dups"].values())
    ok = (final.returncode == 0 and statuses[max(statuses)] == "finished" and not missing and not state["unread"]
          and not state["problems"])
    totals["integrity_failures"] += bool(state["problems"])
    totals["lost"] += len(missing) + state["unread"]
    totals["duplicated"] += dups + len(extra)
    for kill, run in killed_runs.items():
        if ok and (run is None or statuses[run] == "interrupted"):
            totals["resumed"] += 1
        else:
            totals["not_resumed"].append(f"crawl kill {kill}: run #{run} {statuses.get(run)}, last crawl ok {ok}")
    rows.append(("crawl", "last", f"{time.monotonic() - started:5.1f}",
                 f"exit {final.returncode}, run #{max(statuses)} {statuses[max(statuses)]}; {len(state['items'])} "
                 f"items of {len(expected)}: lost {len(missing)}, unread {state['unread']}, dup {dups}, "
                 f"extra {len(extra)}; runs {[s for s in statuses.values()]}"))
    if final.returncode != 0:
        log(final.stdout + final.stderr[-3000:])


# check --------------------------------------------------------------------------------------------

def kill_check(db: Path, how: str, rng: random.Random, wall: float, write_phase: float, read_phase: float):
    """One `gkwatch check` killed at a moment of kind ``how``; (seconds, locks held) or None if it
    finished first."""
    process, _ = start("check", "--db", db, "--as-of", AS_OF, "--json")
    began = time.monotonic()
    if how == "uniform":
        moment = rng.uniform(0, wall)
        while process.poll() is None and time.monotonic() - began < moment:
            time.sleep(0.002)
    else:
        # Watch for the transaction, then stop the process a random part of the way through it
        # (the write phase is a few milliseconds: the reference's, less the watching's own delay).
        lock, spread = ("write", 0.8 * write_phase) if how == "write" else ("read", 0.5 * read_phase)
        while process.poll() is None and lock not in sqlite_locks([process.pid]):
            time.sleep(0.0001)
        pause = time.monotonic() + rng.uniform(0, spread)
        while time.monotonic() < pause:
            pass
    try:
        os.killpg(process.pid, signal.SIGSTOP)
    except ProcessLookupError:
        pass
    at = time.monotonic() - began
    held = sqlite_locks([process.pid])
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
    if process.returncode != -signal.SIGKILL:
        return None, process.returncode
    return at, held


def check_phase(work: Path, kills: int, rng: random.Random, rows: list, totals: dict) -> None:
    db, reference_db = work / "gkwatch.db", work / "reference.db"
    copy_database(db, reference_db)
    before = check_state(db)
    started = time.monotonic()
    reference = gkwatch("check", "--db", reference_db, "--as-of", AS_OF, "--json")
    wall = time.monotonic() - started
    if reference.returncode not in (0, 1, 2):
        raise SystemExit(f"the reference check failed ({reference.returncode}):\n{reference.stderr[-3000:]}")
    ref_doc = json.loads(reference.stdout)
    timings = ref_doc["summary"]["timings"]
    write_phase = timings["findings+scorecards"]
    read_phase = sum(v for name, v in timings.items() if name not in ("findings+scorecards", "write_lock_wait"))
    ref_state = check_state(reference_db)
    rows.append(("check", "ref", f"{wall:5.2f}", f"{len(ref_state['findings'])} findings, "
                 f"{len(ref_state['events'])} events; read phase {read_phase * 1000:.0f} ms, "
                 f"write phase {write_phase * 1000:.0f} ms"))
    log(f"reference check: {wall:.2f} s, write phase {write_phase * 1000:.1f} ms")

    kinds = ("write", "uniform", "read")
    k = misses = 0
    while k < kills and misses < 20 * kills:
        how = kinds[k % len(kinds)]
        at, held = kill_check(db, how, rng, wall, write_phase, read_phase)
        state = check_state(db)
        problems = verify(db)["problems"]
        half = whole_or_nothing(state, before, ref_state)
        totals["half_check_runs"] += bool(half)
        totals["integrity_failures"] += bool(problems)
        committed = sum(done for _, done in state["runs"])
        verdict = (f"runs committed {committed}; {'whole or nothing' if not half else 'HALF: ' + '; '.join(half)}; "
                   f"integrity {'ok' if not problems else problems[:3]}")
        if at is None:
            misses += 1
            rows.append(("check", "-", "     ", f"{how}: finished first (exit {held}), tried again; {verdict}"))
            if held not in (0, 1, 2):
                totals["not_resumed"].append(f"a check exited {held}")
            continue
        phase = ("write transaction" if "write" in held else "read transaction" if "read" in held
                 else "no transaction")
        if how == "write" and "write" not in held:   # the watching was too slow: a kill all the same
            misses += 1
            rows.append(("check", "-", f"{at:5.2f}", f"write: killed in {phase}, tried again; {verdict}"))
            continue
        k += 1
        found = f"{how}: in {phase}; {verdict}"
        rows.append(("check", k, f"{at:5.2f}", found))
        log(f"check kill {k}: {at:.3f} s: {found}")
        totals["check_kills"] += 1
        totals.setdefault("in_write", 0)
        totals["in_write"] += "write" in held

    final = gkwatch("check", "--db", db, "--as-of", AS_OF, "--json")
    state = check_state(db)
    problems = verify(db)["problems"]
    try:
        doc = json.loads(final.stdout)
    except ValueError:
        doc = {"findings": []}
    listed = lambda d: sorted((f["agency"], f["check"], f["subject"], f["severity"], f["status"])  # noqa: E731
                              for f in d["findings"])
    missing = set(ref_state["findings"]) - set(state["findings"])
    extra = set(state["findings"]) - set(ref_state["findings"])
    half = whole_or_nothing(state, before, ref_state)
    twice = len(state["twice"]) + len(state["opened_not_once"])
    json_same = listed(doc) == listed(ref_doc)
    ok = final.returncode in (0, 1, 2) and not missing and not extra and not half and not twice and json_same
    totals["lost"] += len(missing)
    totals["duplicated"] += len(extra) + twice
    totals["half_check_runs"] += bool(half)
    totals["integrity_failures"] += bool(problems)
    if ok and not problems:
        totals["resumed"] += totals["check_kills"]
    else:
        totals["not_resumed"].append(f"last check: exit {final.returncode}, missing {len(missing)}, extra "
                                     f"{len(extra)}, {half}, twice {twice}, json same {json_same}")
    rows.append(("check", "last", "     ", f"exit {final.returncode}; {len(state['findings'])} findings "
                 f"(reference {len(ref_state['findings'])}): missing {len(missing)}, extra {len(extra)}; "
                 f"JSON {'same' if json_same else 'DIFFERS'}; events twice {twice}; "
                 f"runs {sum(d for _, d in state['runs'])} whole, {sum(not d for _, d in state['runs'])} half"))


def run(work: Path, kills: int, seed: int) -> tuple[list, dict]:
    from core.registry import dump

    rng = random.Random(seed)
    rows: list = []
    totals = {"crawl_kills": 0, "check_kills": 0, "integrity_failures": 0, "lost": 0, "duplicated": 0,
              "half_check_runs": 0, "resumed": 0, "orphans": 0, "not_resumed": []}
    with Sandbox(AS_OF, port=0, slow_seconds=SLOW_SECONDS) as sandbox:
        (work / "registry.yaml").write_text(dump(registry_entries(sandbox.port)), encoding="utf-8")
        crawl_phase(work, sandbox, kills, rng, rows, totals)
    check_phase(work, kills, rng, rows, totals)
    return rows, totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=10, help="kills of each, crawl and check (default 10)")
    parser.add_argument("--seed", type=int, default=1, help="the random moments' seed (default 1)")
    parser.add_argument("--json", action="store_true", help="print only the totals, as one JSON object")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (databases, crawl logs)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="gkwatch-kills-"))
    started = time.monotonic()
    try:
        rows, totals = run(work, args.kills, args.seed)
    finally:
        if args.keep:
            log(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    reasons = totals.pop("not_resumed")
    in_write = totals.pop("in_write", 0)
    if args.json:
        print(json.dumps(totals))
    else:
        print(f"{'':5} {'kill':>4}  {'at s':>5}  found")
        for kind, k, at, found in rows:
            print(f"{kind:5} {k!s:>4}  {at}  {found}")
        print(f"\n{in_write} of the {totals['check_kills']} check kills landed inside the write transaction; "
              f"{time.monotonic() - started:.0f} s in all")
        for reason in reasons:
            print(f"not resumed: {reason}")
        print(json.dumps(totals))
    return 0


if __name__ == "__main__":
    sys.exit(main())
