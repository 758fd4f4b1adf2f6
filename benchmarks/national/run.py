"""The national benchmark (issue #18): crawl N synthetic agencies as users run it, then check them.

    python benchmarks/national/run.py [--sites N] [--workers K] [--seed S] [--json] [--keep]

1. starts the national sandbox for N sites on a free port (``sandbox_control``), as on the reference
   day (``sandbox.national.REFERENCE``), and imports its registry into a fresh database in a temporary
   directory (`gkwatch agencies import`);
2. the first crawl (`gkwatch crawl --as-of DAY`) with the politeness users run it with: robots.txt
   obeyed, the default per-site concurrency (2) and delay of ``crawlers/settings.py`` — none of the test
   suite's FAST_CRAWL overrides; K = 0: one process, K ≥ 1: `gkwatch crawl --redis URL --workers K`
   with a redis-server this script starts on a free port;
3. the sandbox restarted on the same port as on the next day, and the next day's incremental sweep
   (`gkwatch crawl --as-of DAY+1`);
4. `gkwatch check --as-of DAY+1 --no-screenshots`;
5. the figures: wall time of each crawl, requests the sandbox served, pages/s and items/s (the crawl
   run's counts over its wall time), the peak RSS of the crawl's whole process tree (the crawl process
   and all its descendants, /proc sampled every 0.5 s; redis-server and the sandbox are not in it),
   the database's size, the sandbox's ``max_inflight_per_site`` (must not exceed
   CONCURRENT_REQUESTS_PER_DOMAIN: ``inflight_ok``), the check's time; and against the truth of
   DAY+1 (what ``build_national_manifest`` computes, site by site, only what is needed):

   - ``lost``: items listed on DAY+1 in a column the crawler can see (the site not hidden whole by a
     fault — WAF, maintenance — the column not robots-disallowed) that are not in ``items``, or are
     stored with another title (mojibake), as benchmarks/faults/run.py counts them;
   - ``duplicated``: rows of ``items`` minus distinct (agency, url);
   - ``planted_found``: the manifest's defects of DAY+1 (the plants, and a fault's own true findings)
     open as findings, "found/total", over the agencies the crawler can see (defects of a site a fault
     hides whole cannot be seen: counted apart);
   - ``false_findings``: open findings that are none of the manifest's defects (as the fault benchmark
     decides them: (agency, check, subject) not in the truth), split in text mode by where they are:
     clean agencies, agencies with a fault (by kind), agencies with plants.

``--json`` prints one object: sites, workers, first_crawl_s, daily_sweep_s, requests, pages_per_s,
items_per_s (these three {"first", "daily"}), peak_rss_mb, db_mb, max_inflight_per_site, inflight_ok,
check_s, lost, duplicated, planted_found, false_findings. Progress goes to stderr every 30 s.
``--timeout`` stops a crawl that runs longer (its process group) and reports what it had done.
``--cache-sites`` (default: N) is the sandbox's LRU of built sites: smaller than the sites a crawl walks
in turn, it rebuilds a site for nearly every request and the sandbox sets the pace (README.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import sandbox_control  # noqa: E402
from crawlers.settings import CONCURRENT_REQUESTS_PER_DOMAIN  # noqa: E402
from sandbox import redis_server  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")
PER_DOMAIN = CONCURRENT_REQUESTS_PER_DOMAIN   # what users run with


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def gkwatch(*args, timeout: float = 3600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gkwatch", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


# processes ----------------------------------------------------------------------------------------

def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of a process, from /proc/PID/stat."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except OSError:
        return 0


def _cmd(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            parts = f.read().decode(errors="replace").split("\0")
    except OSError:
        return "?"
    parts = [p for p in parts if p]
    if "gkwatch" in parts:
        parts = parts[parts.index("gkwatch"):]
    elif parts:
        parts = [Path(parts[0]).name, *parts[1:]]
    return " ".join(parts)[:70]


def descendants(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            got = _stat(int(name))
            if got:
                parents.setdefault(got[0], []).append(int(name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += parents.get(pid, [])
    return tree


class Sampler(threading.Thread):
    """Every ``every`` seconds: the RSS summed over the process tree of ``root`` (the peak kept), and the
    CPU seconds of every process seen in it and of the ``watched`` others (sandbox, redis)."""

    def __init__(self, root: int, watched: dict[str, int], every: float = 0.5):
        super().__init__(daemon=True)
        self.root, self.watched, self.every = root, watched, every
        self.peak = 0
        self.procs: dict[int, dict] = {}   # pid → {"cmd", "ppid", "cpu", "rss_max"}
        self.others: dict[str, float] = {}
        self.stop_event = threading.Event()
        self.began = {name: (_stat(pid) or (0, 0.0))[1] for name, pid in watched.items()}

    def run(self) -> None:
        while not self.stop_event.is_set():
            self.sample()
            self.stop_event.wait(self.every)

    def sample(self) -> None:
        total = 0
        for pid in descendants(self.root):
            got = _stat(pid)
            if got is None:
                continue
            rss = _rss(pid)
            total += rss
            proc = self.procs.setdefault(pid, {"cmd": _cmd(pid), "ppid": got[0], "cpu": 0.0, "rss_max": 0})
            proc["cpu"], proc["rss_max"] = got[1], max(proc["rss_max"], rss)
        self.peak = max(self.peak, total)
        for name, pid in self.watched.items():
            got = _stat(pid)
            if got:
                self.others[name] = got[1] - self.began[name]

    def stop(self) -> None:
        self.stop_event.set()
        self.join()
        self.sample()

    def cpu_lines(self) -> list[str]:
        lines = [f"    pid {pid} (parent {p['ppid']}): CPU {p['cpu']:.0f} s, RSS ≤ {p['rss_max'] / 2**20:.0f} MiB — "
                 f"{p['cmd']}" for pid, p in sorted(self.procs.items()) if p["cpu"] >= 1 or p["rss_max"] >= 50 * 2**20]
        lines += [f"    {name}: CPU {cpu:.0f} s" for name, cpu in self.others.items()]
        return lines


# running ------------------------------------------------------------------------------------------

def crawl(work: Path, db: Path, day: dt.date, label: str, server, redis_url: str | None, workers: int,
          watched: dict[str, int], timeout: float) -> dict:
    """One `gkwatch crawl`, timed and sampled; its run's counts and the sandbox's requests."""
    command = [sys.executable, "-m", "gkwatch", "crawl", "--db", str(db), "--as-of", day.isoformat(),
               "-s", "GKWATCH_PROGRESS_INTERVAL=10"]
    if redis_url:
        command += ["--redis", redis_url, "--workers", str(workers)]
    errors = open(work / f"crawl-{label}.log", "w")
    requests_before = sandbox_control.stats(server)["requests"]
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, stdout=errors, stderr=subprocess.STDOUT, start_new_session=True)
    sampler = Sampler(process.pid, watched)
    sampler.start()
    timed_out = False
    last_note = started
    while process.poll() is None:
        time.sleep(1)
        now = time.monotonic()
        if now - started > timeout:
            log(f"{label}: past --timeout {timeout:.0f} s, stopping the crawl's process group {process.pid}")
            timed_out = True
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            break
        if now - last_note >= 30:
            last_note = now
            try:
                served = sandbox_control.stats(server)["requests"] - requests_before
            except OSError:
                served = -1
            log(f"{label}: {now - started:.0f} s · sandbox requests {served} ({served / (now - started):.1f}/s) · "
                f"tree RSS peak {sampler.peak / 2**20:.0f} MiB · {_last_line(work / f'crawl-{label}.log')}")
    took = time.monotonic() - started
    sampler.stop()
    errors.close()
    stats = sandbox_control.stats(server)
    result = {"seconds": took, "returncode": process.returncode, "timed_out": timed_out,
              "progress": _last_line(work / f"crawl-{label}.log"),
              "requests": stats["requests"] - requests_before, "peak_rss": sampler.peak,
              "cpu": sampler.cpu_lines(), "site_builds": stats["site_builds"]}
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT id, status, pages, items_seen, items_new, errors FROM crawl_runs "
                           "ORDER BY id DESC LIMIT 1").fetchone()
        result.update(dict(zip(("run_id", "status", "pages", "items_seen", "items_new", "errors"), row)))
        if not result["pages"]:   # a run stopped before its end has no counts yet
            result["pages"] = conn.execute("SELECT count(*) FROM fetches WHERE crawl_run_id = ?", [row[0]]).fetchone()[0]
    if process.returncode != 0 and not timed_out:
        log(f"{label}: gkwatch crawl exited {process.returncode}:\n" + _tail_text(work / f"crawl-{label}.log"))
    log(f"{label}: {took:.1f} s, run #{result['run_id']} {result['status']}, pages {result['pages']}, items "
        f"{result['items_seen']} (new {result['items_new']}), errors {result['errors']}, sandbox requests "
        f"{result['requests']}, site builds {result['site_builds']}, tree RSS peak {sampler.peak / 2**20:.0f} MiB")
    for line in result["cpu"]:
        log(line)
    return result


def _last_line(path: Path) -> str:
    try:
        lines = [line for line in path.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return ""
    return lines[-1][:160] if lines else ""


def _tail_text(path: Path, n: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-n:]
    except OSError:
        return ""


def run(args, work: Path) -> dict:
    from core.registry import dump
    from sandbox.national import REFERENCE, national_registry_entries

    day1 = dt.date.fromisoformat(args.day) if args.day else REFERENCE
    day2 = day1 + dt.timedelta(days=1)
    db = work / "gkwatch.db"
    extra = ("--cache-sites", str(args.cache_sites or max(args.sites, 64)))
    server = sandbox_control.start(args.sites, args.seed, day1, 0, *extra)
    port = server.port
    log(f"sandbox: {args.sites} agencies on port {port}, as of {day1}, up in {server.started_in:.2f} s")
    redis = redis_url = None
    result: dict = {"port": port, "day1": day1, "day2": day2, "db": db}
    try:
        registry = work / "registry.yaml"
        registry.write_text(dump(national_registry_entries(args.sites, args.seed, port)), encoding="utf-8")
        done = gkwatch("agencies", "import", registry, "--db", db)
        if done.returncode != 0:
            raise SystemExit(f"gkwatch agencies import failed:\n{done.stdout}{done.stderr}")
        if args.workers:
            redis, redis_url = redis_server.start(work)
            log(f"redis-server at {redis_url}")
        watched = {"sandbox": server.process.pid, **({"redis-server": redis.pid} if redis else {})}
        first = crawl(work, db, day1, "first", server, redis_url, args.workers, watched, args.timeout)
        first["max_inflight"] = sandbox_control.stats(server)["max_inflight_per_site"]
        result["first"] = first
        if first["timed_out"] or first["returncode"] != 0:
            return result
        sandbox_control.stop(server)
        server = sandbox_control.start(args.sites, args.seed, day2, port, *extra)
        log(f"sandbox restarted on port {port} as of {day2}")
        watched["sandbox"] = server.process.pid
        daily = crawl(work, db, day2, "daily", server, redis_url, args.workers, watched, args.timeout)
        daily["max_inflight"] = sandbox_control.stats(server)["max_inflight_per_site"]
        result["daily"] = daily
        if daily["timed_out"] or daily["returncode"] != 0:
            return result
    finally:
        sandbox_control.stop(server)
        if redis:
            redis.terminate()
            redis.wait()
    started = time.monotonic()
    check = gkwatch("check", "--db", db, "--as-of", day2, "--no-screenshots")
    result["check_s"] = time.monotonic() - started
    if check.returncode not in (0, 1, 2) or "Traceback" in check.stderr:
        log(f"gkwatch check exited {check.returncode}:\n{check.stderr[-3000:]}")
    log(f"check: {result['check_s']:.1f} s (exit {check.returncode})")
    result["db_bytes"] = sum(p.stat().st_size for p in work.glob("gkwatch.db*"))
    return result


# the truth ----------------------------------------------------------------------------------------

def truth(n: int, seed: int, as_of: dt.date, port: int) -> dict:
    """What build_national_manifest computes, only what is needed: per agency its plants, its fault
    (kind, true findings, hidden columns), its true defects on ``as_of``, and the items listed that day
    in the columns a crawler can see (url → title)."""
    from sandbox.manifest import defects as site_defects
    from sandbox.manifest import seen_columns
    from sandbox.model import build_site
    from sandbox.national import World
    from sandbox.server import is_down

    world = World(n, seed, port, cache_sites=1)
    agencies = {}
    for i in range(n):
        shell = world.shell(i)
        site = build_site(shell.spec, i, port, "", host=shell.host)
        fault = world.fault(i, site)
        entry = fault.entry(as_of) if fault else None
        hidden = set(entry["hidden_columns"] or ()) if entry else set()
        hides_site = bool(entry and entry["hides_site"]) or is_down(site, as_of)
        items = {}
        if not hides_site:
            for col in seen_columns(site, as_of):
                if site.url(col.path) in hidden:
                    continue
                for item in col.listing(as_of):
                    items[site.url(item.path)] = item.title
        defects = {(d["check"], d["subject"]) for d in site_defects(site, as_of)}
        defects |= {(f["check"], f["subject"]) for f in (entry["findings"] if entry else ())}
        agencies[shell.spec.id] = {"plants": world.plants.get(i, ()), "fault": world.faults.get(i),
                                   "hides_site": hides_site, "items": items, "defects": defects}
    return agencies


def _same_title(stored: str | None, title: str) -> bool:
    """As benchmarks/faults/run.py: a title cut with … matches the start of the real one."""
    if not stored:
        return False
    stored = stored.strip()
    for cut in ("...", "…"):
        if stored.endswith(cut):
            return title.startswith(stored[:-len(cut)].rstrip())
    return stored == title


def evaluate(db: Path, agencies: dict) -> dict:
    conn = sqlite3.connect(db)
    stored: dict[str, dict[str, str]] = {}
    for agency, url, title in conn.execute("SELECT agency_id, url, title FROM items"):
        stored.setdefault(agency, {})[url] = title
    rows, distinct = conn.execute("SELECT count(*), count(DISTINCT agency_id || ' ' || url) FROM items").fetchone()
    findings = conn.execute("SELECT agency_id, check_name, subject FROM findings WHERE status = 'open'").fetchall()
    conn.close()

    lost, lost_by_agency, garbled, unexpected = 0, Counter(), 0, 0
    for agency_id, truth_of in agencies.items():
        mine = stored.get(agency_id, {})
        titles = set(mine.values())
        for url, title in truth_of["items"].items():
            if url in mine:
                if not _same_title(mine[url], title):
                    lost += 1
                    garbled += 1
                    lost_by_agency[agency_id] += 1
            elif title not in titles and not any(_same_title(t, title) for t in titles if t and t.endswith(("…", "..."))):
                lost += 1
                lost_by_agency[agency_id] += 1
        unexpected += sum(1 for url in mine if url not in truth_of["items"])

    opened = {(a, c, s) for a, c, s in findings}
    visible_total = visible_found = hidden_total = 0
    missed = Counter()
    for agency_id, truth_of in agencies.items():
        for check, subject in truth_of["defects"]:
            if truth_of["hides_site"]:
                hidden_total += 1
                continue
            visible_total += 1
            if (agency_id, check, subject) in opened:
                visible_found += 1
            else:
                missed[check] += 1
    false = [(a, c, s) for a, c, s in findings if (c, s) not in agencies.get(a, {}).get("defects", set())]
    where = Counter()
    for a, c, _ in false:
        truth_of = agencies.get(a)
        if truth_of is None:
            where[f"unknown agency · {c}"] += 1
        elif truth_of["fault"]:
            where[f"fault {truth_of['fault']} · {c}"] += 1
        elif truth_of["plants"]:
            where[f"planted agency · {c}"] += 1
        else:
            where[f"clean agency · {c}"] += 1
    return {"lost": lost, "garbled": garbled, "lost_by_agency": lost_by_agency.most_common(10),
            "duplicated": rows - distinct, "items_stored": rows, "unexpected_items": unexpected,
            "items_expected": sum(len(t["items"]) for t in agencies.values()),
            "planted_found": f"{visible_found}/{visible_total}", "planted_hidden": hidden_total,
            "missed_by_check": dict(missed.most_common()), "false_findings": len(false),
            "false_by_where": dict(where.most_common()), "false_examples": false[:15]}


# reporting ----------------------------------------------------------------------------------------

def figures(args, result: dict, judged: dict | None) -> dict:
    first, daily = result.get("first", {}), result.get("daily", {})

    def per_s(crawl: dict, count: str):
        return round(crawl[count] / crawl["seconds"], 2) if crawl.get("seconds") and crawl.get(count) is not None else None

    inflight = max(first.get("max_inflight", 0), daily.get("max_inflight", 0))
    out = {"sites": args.sites, "workers": args.workers,
           "first_crawl_s": round(first["seconds"], 1) if first else None,
           "daily_sweep_s": round(daily["seconds"], 1) if daily else None,
           "requests": {"first": first.get("requests"), "daily": daily.get("requests")},
           "pages_per_s": {"first": per_s(first, "pages"), "daily": per_s(daily, "pages")},
           "items_per_s": {"first": per_s(first, "items_seen"), "daily": per_s(daily, "items_seen")},
           "peak_rss_mb": round(max(first.get("peak_rss", 0), daily.get("peak_rss", 0)) / 2**20, 1),
           "db_mb": round(result["db_bytes"] / 2**20, 1) if "db_bytes" in result else None,
           "max_inflight_per_site": inflight, "inflight_ok": inflight <= PER_DOMAIN,
           "check_s": round(result["check_s"], 1) if "check_s" in result else None,
           "lost": judged and judged["lost"], "duplicated": judged and judged["duplicated"],
           "planted_found": judged and judged["planted_found"],
           "false_findings": judged and judged["false_findings"]}
    for label, crawl in (("first", first), ("daily", daily)):
        if crawl.get("timed_out") or crawl.get("returncode"):
            out.setdefault("incomplete", {})[label] = {"seconds": round(crawl["seconds"], 1),
                                                       "returncode": crawl["returncode"], "pages": crawl["pages"],
                                                       "requests": crawl["requests"], "progress": crawl.get("progress")}
    return out


def print_text(out: dict, result: dict, judged: dict | None) -> None:
    print(f"全国模拟基准 national benchmark: {out['sites']} sites, {out['workers']} workers "
          f"({'single process' if not out['workers'] else 'gkwatch crawl --redis'}), days {result['day1']} → {result['day2']}")
    for label in ("first", "daily"):
        crawl = result.get(label)
        if not crawl:
            continue
        print(f"  {label:5} crawl: {crawl['seconds']:.1f} s · requests {crawl['requests']} · pages {crawl['pages']} "
              f"({out['pages_per_s'][label]}/s) · items {crawl['items_seen']} ({out['items_per_s'][label]}/s, new "
              f"{crawl['items_new']}) · errors {crawl['errors']} · tree RSS peak {crawl['peak_rss'] / 2**20:.0f} MiB · "
              f"max in flight per site {crawl['max_inflight']} · sandbox site builds {crawl['site_builds']}"
              + (" · TIMED OUT" if crawl["timed_out"] else ""))
        print("    CPU by process:")
        for line in crawl["cpu"]:
            print("  " + line)
    print(f"  database {out['db_mb']} MB · check {out['check_s']} s · inflight_ok {out['inflight_ok']}")
    if judged:
        print(f"  items: expected {judged['items_expected']}, stored {judged['items_stored']}, lost {judged['lost']} "
              f"(garbled {judged['garbled']}), duplicated {judged['duplicated']}, stored but not listed on the day "
              f"{judged['unexpected_items']}")
        if judged["lost_by_agency"]:
            print(f"    lost by agency: {judged['lost_by_agency']}")
        print(f"  planted found {judged['planted_found']} (defects on sites a fault hides whole, not counted: "
              f"{judged['planted_hidden']}); missed by check: {judged['missed_by_check']}")
        print(f"  false findings {judged['false_findings']}: {judged['false_by_where']}")
        for example in judged["false_examples"]:
            print(f"    {example}")
    print(json.dumps(out))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2, help="0: one process; K: gkwatch crawl --redis --workers K")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--day", help="the first crawl's day (default sandbox.national.REFERENCE)")
    parser.add_argument("--cache-sites", type=int,
                        help="the sandbox's built sites kept (default: every site, ~1.6 MB each; with fewer than the "
                             "crawl walks in turn, its LRU rebuilds a site for nearly every request and the sandbox, "
                             "not the crawler, sets the pace: 19,395 builds for 19,733 requests at 300 sites and 256)")
    parser.add_argument("--timeout", type=float, default=3600, help="stop a crawl after this many seconds")
    parser.add_argument("--json", action="store_true", help="print only the figures, one JSON object")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (database, logs)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="gkwatch-national-"))
    log(f"work directory {work}")
    try:
        result = run(args, work)
        judged = None
        if "check_s" in result:
            started = time.monotonic()
            agencies = truth(args.sites, args.seed, result["day2"], result["port"])
            log(f"truth of {result['day2']}: {time.monotonic() - started:.1f} s")
            judged = evaluate(result["db"], agencies)
        out = figures(args, result, judged)
        if args.json:
            if judged:
                log(f"false findings by where: {judged['false_by_where']}; missed by check: {judged['missed_by_check']}")
            print(json.dumps(out))
        else:
            print_text(out, result, judged)
    finally:
        if args.keep:
            log(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
