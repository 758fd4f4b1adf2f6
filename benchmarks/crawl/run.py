"""Time `gkwatch crawl` on the sandbox next to bare Scrapy fetching and parsing the same pages.

    python benchmarks/crawl/run.py [--runs 3] [--warmup 1] [--compare OTHER_CHECKOUT] [--port N] [--pin | --no-pin] [--keep]

Starts the sandbox (`gkwatch sandbox serve --slow-seconds 0`) in a separate process and crawls it
once untimed (``--warmup``): the sandbox makes each PDF on its first request and keeps it, so a
first crawl would pay for the server's work that later ones do not. The GET URLs that crawl fetched
(robots.txt and HEAD link checks left out) are bare Scrapy's list. Then each run, in an order that
alternates from run to run: imports the sandbox registry into a fresh database and runs `gkwatch
crawl` in a subprocess (the test suite's FAST_CRAWL settings without its tiny download timeout),
checking that it fetched the same GET URLs; runs `bare.py` (Scrapy + lxml: parse each page, pull its
links; no pipelines, no database) on those URLs with the same concurrency settings, against the
same sandbox.

With 3+ cores (or ``--pin``) the sandbox (and this script) is pinned to the last core and both
crawlers to the others, so that the server takes the same share of the machine in both runs. On 2
cores that would leave the crawlers one core, and gkwatch's parsing worker (crawl.extract_workers)
none of its own, so by default nothing is pinned there: every process shares both cores.

Reports per crawler: wall time (process start to exit), pages/s, items/s, CPU time, peak RSS; the
ratio is gkwatch/bare pages/s over the same GET pages (= bare wall / gkwatch wall). Medians of the
runs are printed as a table and written with every run's figures to benchmarks/out/crawl-*.json.

``--compare DIR`` (repeatable) also crawls, in every run and against the same sandbox, with the
gkwatch of another checkout (a copy from before a change): before/after under the same load. Its
column is named ``N:DIRNAME``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = ROOT / "benchmarks" / "out"
AS_OF = "2026-11-22"
HOSTS = [f"127.0.0.{i}" for i in range(11, 21)]
TARGET_RATIO = 0.8

# Both crawlers: the same concurrency, no politeness delay, no retries (loopback sandbox).
COMMON = {
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "4",
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "RETRY_TIMES": "0",
    "DOWNLOAD_TIMEOUT": "30",
}
GKWATCH_ONLY = {"GKWATCH_PROGRESS_INTERVAL": "0"}


def flags(settings: dict) -> list[str]:
    return [arg for key, value in settings.items() for arg in ("-s", f"{key}={value}")]


# Processes ----------------------------------------------------------------------------------------

def free_port() -> int:
    """A port free on every sandbox address."""
    for _ in range(50):
        probes = []
        try:
            first = socket.socket()
            probes.append(first)
            first.bind((HOSTS[0], 0))
            port = first.getsockname()[1]
            for host in HOSTS[1:]:
                probe = socket.socket()
                probes.append(probe)
                probe.bind((host, port))
            return port
        except OSError:
            continue
        finally:
            for probe in probes:
                probe.close()
    raise OSError("no port free on every sandbox address")


def wait_listening(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOSTS[0], port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"sandbox not listening on {HOSTS[0]}:{port}")


def _pinned(cpus):
    if not cpus:
        return None
    return lambda: os.sched_setaffinity(0, cpus)


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                ppid = int(stat.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _status_kb(pid: int, field: str, name: str = "status") -> int:
    try:
        with open(f"/proc/{pid}/{name}") as status:
            for line in status:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


_TICK = os.sysconf("SC_CLK_TCK")


def _own_cpu_s(pid: int) -> float | None:
    """CPU seconds (user + system) of the process itself so far, without its children."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK
    except (OSError, ValueError, IndexError):
        return None


def measure(cmd: list[str], *, cwd: Path, cpus, log: Path, env: dict | None = None) -> dict:
    """Run `cmd`; wall time, CPU time (its own and its children's), the process's own peak RSS
    (VmHWM) and the peak memory of its whole process tree (summed PSS, so that pages shared
    between Chromium's processes count once; it includes Chromium when gkwatch renders a page)."""
    peaks = {"own_kb": 0, "tree_kb": 0, "own_cpu_s": 0.0}
    done = threading.Event()
    with open(log, "w") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, preexec_fn=_pinned(cpus),
                                env=env)

        def sample():
            while not done.wait(0.1):
                peaks["own_kb"] = max(peaks["own_kb"], _status_kb(proc.pid, "VmHWM:"))
                peaks["own_cpu_s"] = max(peaks["own_cpu_s"], _own_cpu_s(proc.pid) or 0.0)
                tree, stack, total = _children(), [proc.pid], 0
                while stack:
                    pid = stack.pop()
                    total += _status_kb(pid, "Pss:", "smaps_rollup")
                    stack.extend(tree.get(pid, []))
                peaks["tree_kb"] = max(peaks["tree_kb"], total)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} … exited {proc.returncode}; see {log}")
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,  # with its children (Chromium and Playwright's driver)
        # the crawler process alone, as last sampled (to 0.1 s before its exit)
        "own_cpu_s": peaks["own_cpu_s"],
        # ru_maxrss of a waited child covers its own waited-for children too: the largest one.
        "maxrss_mb": usage.ru_maxrss / 1024,
        "peak_rss_mb": max(peaks["own_kb"], 0) / 1024,
        "peak_tree_pss_mb": peaks["tree_kb"] / 1024,
    }


# One run ------------------------------------------------------------------------------------------

def gkwatch(*args) -> list[str]:
    return [sys.executable, "-m", "gkwatch", *map(str, args)]


def code_env(code: Path | None) -> dict | None:
    """The environment that makes `python -m gkwatch` import gkwatch from another checkout."""
    if code is None:
        return None
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(code), os.environ.get("PYTHONPATH")]))}


def crawl_gkwatch(port: int, work: Path, cpus, code: Path | None = None) -> tuple[dict, list[str]]:
    """A first crawl of the whole sandbox into a fresh database; its figures and GET URLs."""
    work.mkdir(parents=True)
    db = work / "gkwatch.db"
    registry = work / "registry.yaml"
    env = code_env(code)
    subprocess.run(gkwatch("sandbox", "registry", "--port", port, "-o", registry), cwd=work, check=True,
                   capture_output=True)
    subprocess.run(gkwatch("agencies", "import", registry, "--db", db), cwd=work, check=True, capture_output=True,
                   env=env)
    figures = measure(gkwatch("crawl", "--db", db, *flags({**COMMON, **GKWATCH_ONLY})), cwd=work, cpus=cpus,
                      log=work / "gkwatch.log", env=env)
    conn = sqlite3.connect(db)
    run_id, pages, items_seen, stats = conn.execute(
        "SELECT id, pages, items_seen, stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    stats = json.loads(stats)
    # Every URL fetched with GET: not robots.txt, not the HEAD link checks (a GET after a refused
    # HEAD stays), not what robots.txt forbade (never fetched).
    urls = [url for (url,) in conn.execute(
        "SELECT url FROM fetches WHERE crawl_run_id = ? AND method = 'GET' AND kind IS NOT 'robots' "
        "AND (error IS NULL OR error NOT LIKE 'robots.txt%') ORDER BY id", [run_id])]
    conn.close()
    figures.update({
        "responses": pages,
        "get_pages": len(urls),
        "items": items_seen,
        "details": stats.get("gkwatch/details", 0),
        "records": stats.get("item_scraped_count", 0),
        "crawl_s": stats.get("elapsed_time_seconds"),
    })
    return figures, urls


def crawl_bare(urls: list[str], work: Path, cpus) -> dict:
    work.mkdir(parents=True)
    url_file = work / "urls.txt"
    url_file.write_text("".join(f"{url}\n" for url in urls), encoding="utf-8")
    stats_file = work / "bare-stats.json"
    figures = measure([sys.executable, str(HERE / "bare.py"), str(url_file), str(stats_file), *flags(COMMON)],
                      cwd=work, cpus=cpus, log=work / "bare.log")
    stats = json.loads(stats_file.read_text())
    figures.update({
        "responses": stats.get("response_received_count", 0),
        "get_pages": len(urls),
        "links": stats.get("bare/links", 0),
        "crawl_s": stats.get("elapsed_time_seconds"),
    })
    return figures


def rates(figures: dict, pages: int) -> dict:
    """Per-second figures; pages/s counts the GET page set both crawlers fetch."""
    figures["pages_per_s"] = pages / figures["wall_s"]
    figures["responses_per_s"] = figures["responses"] / figures["wall_s"]
    figures["crawl_pages_per_s"] = pages / figures["crawl_s"]
    if "items" in figures:
        figures["items_per_s"] = figures["items"] / figures["wall_s"]
    return figures


def run_once(port: int, work: Path, cpus, compare: dict[str, Path], urls: list[str], bare_first: bool) -> dict:
    """One timed crawl by each side. Which goes first alternates from run to run, so that the
    machine's drift in speed does not favour one side."""
    def gkwatch_side(name: str, code: Path | None = None) -> dict:
        figures, fetched = crawl_gkwatch(port, work / name.replace(":", "-"), cpus, code=code)
        figures["same_urls"] = sorted(fetched) == sorted(urls)
        return rates(figures, len(urls))

    run = {}
    for side in ("bare", "gkwatch") if bare_first else ("gkwatch", "bare"):  # the compared pair back to back
        run[side] = rates(crawl_bare(urls, work / "bare", cpus), len(urls)) if side == "bare" else gkwatch_side(side)
    for name, code in compare.items():
        run[name] = gkwatch_side(name, code)
    bare = run["bare"]
    for side, figures in run.items():
        if side != "bare":
            figures["ratio"] = figures["pages_per_s"] / bare["pages_per_s"]
            figures["crawl_ratio"] = figures["crawl_pages_per_s"] / bare["crawl_pages_per_s"]
    return {side: run[side] for side in ("gkwatch", "bare", *compare)}


def median_of(runs: list[dict]) -> dict:
    result = {}
    for side in runs[0]:
        result[side] = {}
        for key, value in runs[0][side].items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                result[side][key] = statistics.median(run[side][key] for run in runs)
    return result


def table(m: dict) -> str:
    sides = list(m)

    def f(side, key, digits=1):
        value = m[side].get(key)
        return "–" if value is None else f"{value:,.{digits}f}"

    rows = [
        ("GET pages (same set)", "get_pages", 0),
        ("responses (incl. robots, HEAD)", "responses", 0),
        ("wall time, s", "wall_s", 1),
        ("pages/s (GET pages / wall)", "pages_per_s", 1),
        ("ratio to bare (pages/s)", "ratio", 2),
        ("responses/s", "responses_per_s", 1),
        ("pages/s (spider open→close)", "crawl_pages_per_s", 1),
        ("ratio to bare (spider open→close)", "crawl_ratio", 2),
        ("items/s (list items)", "items_per_s", 1),
        ("CPU time, s (with child processes)", "cpu_s", 1),
        ("CPU time, s (crawler process alone)", "own_cpu_s", 1),
        ("peak RSS, MB (crawler process)", "peak_rss_mb", 0),
        ("peak memory, MB (process tree, PSS)", "peak_tree_pss_mb", 0),
    ]
    width = max(len(label) for label, _, _ in rows)
    lines = [f"{'':{width}}" + "".join(f"  {side[-12:]:>12}" for side in sides)]
    lines += [f"{label:{width}}" + "".join(f"  {f(side, key, digits):>12}" for side in sides)
              for label, key, digits in rows]
    ratio = m["gkwatch"]["ratio"]
    lines.append(f"target: gkwatch/bare pages/s ≥ {TARGET_RATIO}: {'OK' if ratio >= TARGET_RATIO else 'not reached'}"
                 f" ({ratio:.2f})")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1, choices=range(1, 10), metavar="N",
                        help="untimed crawls first (at least 1): the sandbox makes its files, and the URLs bare Scrapy"
                             " fetches are taken from it")
    parser.add_argument("--port", type=int, default=None, help="sandbox port (default: a free one)")
    parser.add_argument("--compare", type=Path, metavar="DIR", action="append", default=[],
                        help="also crawl with the gkwatch of another checkout (e.g. before a change), same sandbox;"
                             " repeatable")
    pinning = parser.add_mutually_exclusive_group()
    pinning.add_argument("--pin", action="store_true",
                         help="sandbox on the last core, crawlers on the others (default with 3+ cores)")
    pinning.add_argument("--no-pin", dest="pin", action="store_false", help="pin nothing")
    parser.set_defaults(pin=None)
    parser.add_argument("--keep", action="store_true", help="keep the work directory (databases, logs)")
    args = parser.parse_args()

    cores = sorted(os.sched_getaffinity(0))
    pin = len(cores) >= 3 if args.pin is None else args.pin and len(cores) >= 2
    server_cpus, crawler_cpus = ({cores[-1]}, set(cores[:-1])) if pin else (None, None)
    compare = {f"{n + 1}:{path.resolve().name}": path.resolve() for n, path in enumerate(args.compare)}
    port = args.port or free_port()
    work = Path(tempfile.mkdtemp(prefix="gkwatch-crawl-bench-"))
    sandbox = subprocess.Popen(
        gkwatch("sandbox", "serve", "--port", port, "--as-of", AS_OF, "--slow-seconds", "0"),
        cwd=work, stdout=subprocess.DEVNULL, stderr=open(work / "sandbox.log", "w"), preexec_fn=_pinned(server_cpus),
    )
    if pin:
        os.sched_setaffinity(0, server_cpus)  # this script's sampling stays off the crawlers' core
    runs = []
    try:
        wait_listening(port)
        print(f"sandbox on port {port}; crawlers on CPU {sorted(crawler_cpus) if pin else 'any'}, "
              f"sandbox on CPU {sorted(server_cpus) if pin else 'any'}; work dir {work}", flush=True)
        for n in range(1, args.warmup + 1):  # the last one's GET URLs are bare Scrapy's list
            _, urls = crawl_gkwatch(port, work / f"warmup{n}", crawler_cpus)
        for n in range(1, args.runs + 1):
            run = run_once(port, work / f"run{n}", crawler_cpus, compare, urls, bare_first=n % 2 == 0)
            runs.append(run)
            line = " · ".join(f"{side} {fig['wall_s']:.1f} s ({fig['pages_per_s']:.1f} pages/s)"
                              for side, fig in run.items())
            differs = [side for side, fig in run.items() if fig.get("same_urls") is False]
            line += f" · GET URLs differ from the warm-up's: {', '.join(differs)}" if differs else ""
            print(f"run {n}: {run['gkwatch']['get_pages']} GET pages · {line} · ratio {run['gkwatch']['ratio']:.2f}",
                  flush=True)
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=30)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    median = median_of(runs)
    print(f"\nmedian of {len(runs)} runs:\n{table(median)}")
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    document = {
        "when": dt.datetime.now().astimezone().isoformat(timespec="seconds"), "as_of": AS_OF, "warmup": args.warmup,
        "cores": len(cores), "pinned": pin, "load_average": os.getloadavg(), "settings": COMMON,
        "compare": {name: str(path) for name, path in compare.items()}, "median": median, "runs": runs,
    }
    for path in (OUT / f"crawl-{stamp}.json", OUT / "crawl-latest.json"):
        path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    print(f"\nwritten: {OUT / f'crawl-{stamp}.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
