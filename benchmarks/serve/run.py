"""Time what journalists open in `gkwatch serve` on the 10-million-item database.

    python benchmarks/serve/generate.py          # once: benchmarks/serve/bench.db (see README.md)
    python benchmarks/serve/run.py [--db benchmarks/serve/bench.db] [--n 30] [--warmup 3] [--only REGEX]

Starts the real server as users do (``python -m gkwatch serve --db PATH --port FREE``), waits until
it answers, then times, one request at a time:

* every canned query of dashboards/metadata.yml (``databases: gkwatch: queries:``), through its JSON
  API, with realistic values for its ``:parameters`` (an agency that has findings, or empty for all;
  search terms 年报, 预算, …);
* every dashboard chart query (``plugins: datasette-dashboards:``), the way the plugin's JavaScript
  fetches it: ``/<db>.json?sql=<query, [[ ]] options resolved>&<filters>&_shape=objects``, with the
  dashboard's default filters and with its filters set; and every dynamic filter's options query;
* the HTML pages: the index, the database page, every table in the metadata (with its facets),
  ``items?_search=年报``, filtered tables, each canned query's page and each dashboard page.

The queries are read from the served metadata (``/-/metadata.json``, i.e. dashboards/metadata.yml
as dashboards/serve.py passes it) at run time, never copied here. For each target: ``--warmup``
requests, then ``--n`` timed ones; prints p50/p95/max per target, marks every p95 over the budget
(300 ms) or any non-200 answer, explains the slow SQL (EXPLAIN QUERY PLAN), writes
benchmarks/out/serve-<timestamp>.json and exits 1 if anything is over budget or failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

BUDGET_MS = 300.0
SEARCH_TERMS = ["年报", "预算", "年度报告", "以旧换新"]   # none, none, ≈ 10^4 and ≈ 10^6 titles in the bench db
PARAM_RE = re.compile(r"(?<!:):([a-zA-Z_][a-zA-Z0-9_]*)")
OPT_RE = re.compile(r"\[\[.*?\]\]", re.S)
MAX_CASES = 6


@dataclass
class Target:
    kind: str           # canned | chart | filter | page
    name: str
    case: str
    path: str
    params: list[tuple[str, str]] = field(default_factory=list)
    sql: str | None = None
    sql_params: dict = field(default_factory=dict)
    samples: list[float] = field(default_factory=list)
    statuses: dict = field(default_factory=dict)
    error: str | None = None
    note: str | None = None
    plan: list[str] | None = None

    @property
    def url(self) -> str:
        return self.path + ("?" + urllib.parse.urlencode(self.params) if self.params else "")

    def stats(self) -> dict:
        s = sorted(self.samples)
        if not s:
            return {"p50": None, "p95": None, "max": None}
        return {"p50": round(pct(s, 50), 1), "p95": round(pct(s, 95), 1), "max": round(s[-1], 1)}

    def failed(self, budget: float) -> bool:
        p95 = self.stats()["p95"]
        return bool(self.error) or p95 is None or p95 > budget


def pct(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile (p95 of 30 samples is the 29th smallest)."""
    k = max(0, min(len(sorted_values) - 1, -(-len(sorted_values) * p // 100) - 1))
    return sorted_values[int(k)]


# parameter values --------------------------------------------------------------------------------

class Samples:
    """Realistic parameter values, read from the database being served."""

    def __init__(self, db_path: Path):
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)

        def one(sql: str, params=(), default=""):
            row = conn.execute(sql, params).fetchone()
            return row[0] if row and row[0] is not None else default

        # the agency with the most findings: the heaviest single-agency case
        self.agency = one("SELECT agency_id FROM findings GROUP BY agency_id ORDER BY COUNT(*) DESC LIMIT 1") \
            or one("SELECT id FROM agencies ORDER BY id LIMIT 1")
        self.as_of = one("SELECT MAX(as_of) FROM check_runs")
        self.column_id = one("SELECT id FROM columns WHERE agency_id = ? AND type = 'news'", [self.agency])
        self.level = one("SELECT level FROM agencies WHERE id = ?", [self.agency], "市")
        self.region = one("SELECT region_code FROM agencies WHERE id = ?", [self.agency])
        conn.close()

    def values(self, name: str) -> list[str]:
        """Values to try for a parameter called ``name`` ('' means "all" in the canned queries)."""
        n = name.lower()
        if "agency" in n or n in ("id", "org", "jigou"):
            return ["", self.agency]
        if n in ("q", "query", "term", "search", "keyword", "kw", "text", "title") or "search" in n:
            return SEARCH_TERMS
        if "as_of" in n or "date" in n or n in ("day", "since", "until", "start", "end", "from", "to"):
            return [self.as_of]
        if "level" in n:
            return ["", self.level]
        if "region" in n:
            return ["", self.region[:4]]
        if "column" in n:
            return [str(self.column_id)]
        if "check" in n:
            return ["", "column_stale"]
        if "severity" in n:
            return ["", "deduct"]
        if "status" in n:
            return ["open"]
        if "year" in n:
            return [str(int(self.as_of[:4]) - 1 if self.as_of else 2025)]
        if "grade" in n:
            return ["", "不合格"]
        if "kind" in n:
            return ["", "部门"]
        if "limit" in n or "days" in n:
            return ["30"]
        print(f"  ! 未知参数 unknown parameter :{name}: timed with ''", file=sys.stderr)
        return [""]


def sql_params(sql: str) -> list[str]:
    names = []
    for name in PARAM_RE.findall(re.sub(r"'[^']*'", "''", sql)):   # not inside string literals
        if name not in names:
            names.append(name)
    return names


def resolve_options(query: str, options: dict[str, str]) -> str:
    """datasette-dashboards' replace_opts_in_query: keep a [[ … :x … ]] block iff x is a non-empty filter."""
    def keep(match: re.Match) -> str:
        block = match.group(0)
        var = re.search(r":([a-zA-Z0-9_]+)", block)
        return block.strip("[]") if var and options.get(var.group(1), "") != "" else ""
    return OPT_RE.sub(keep, query)


# targets -----------------------------------------------------------------------------------------

def build_targets(metadata: dict, db_name: str, samples: Samples) -> list[Target]:
    targets: list[Target] = []
    database = (metadata.get("databases") or {}).get(db_name) or {}

    # canned queries
    for name, query in (database.get("queries") or {}).items():
        sql = query if isinstance(query, str) else query.get("sql", "")
        names = [n for n in sql_params(sql) if not n.startswith("_")]
        combos = list(itertools.product(*[samples.values(n) for n in names]))[:MAX_CASES] or [()]
        for combo in combos:
            params = dict(zip(names, combo))
            case = " ".join(f"{k}={v or '∅'}" for k, v in params.items()) or "-"
            targets.append(Target("canned", name, case, f"/{db_name}/{name}.json",
                                  [*params.items(), ("_shape", "array")], sql, params))

    # dashboards: chart queries and dynamic filter queries
    dashboards = ((metadata.get("plugins") or {}).get("datasette-dashboards")) or {}
    for slug, dashboard in dashboards.items():
        filters = dashboard.get("filters") or {}
        defaults = {k: str(f["default"]) for k, f in filters.items() if f.get("default") not in (None, "")}
        chosen = dict(defaults)
        for key, flt in filters.items():
            picks = [v for v in samples.values(key) if v != ""] if key not in defaults else []
            if picks:
                chosen[key] = picks[0]
            elif key not in chosen and flt.get("options"):
                chosen[key] = str(next((o for o in flt["options"] if o not in (None, "")), ""))
        cases = [("default", defaults)]
        if chosen != defaults:
            cases.append(("filtered " + " ".join(f"{k}={v}" for k, v in chosen.items() if v), chosen))
        dashboard["_cases"] = cases
        for key, flt in filters.items():
            if flt.get("type") == "select" and flt.get("query"):
                for case, options in cases[:1]:
                    sql = resolve_options(flt["query"], options)
                    targets.append(Target("filter", f"{slug}/{key}", case, f"/{db_name}.json",
                                          [("sql", sql), *options.items(), ("_shape", "array")], sql,
                                          {**{n: "" for n in sql_params(sql)}, **options}))
        for chart_slug, chart in (dashboard.get("charts") or {}).items():
            if not chart.get("query"):
                continue
            chart_db, note = chart.get("db", db_name), None
            if chart_db != db_name:
                note = (f"chart db {chart_db!r} is not the served database {db_name!r}: the browser would get a 404; "
                        f"timed on {db_name!r}")
                chart_db = db_name
            for case, options in cases:
                sql = resolve_options(chart["query"], options)
                t = Target("chart", f"{slug}/{chart_slug}", case, f"/{chart_db}.json",
                           [("sql", sql), *options.items(), ("_shape", "objects")], sql,
                           {**{n: "" for n in sql_params(sql)}, **options})
                t.note = note
                targets.append(t)

    # HTML pages
    pages: list[tuple[str, str, list]] = [("/", "index", []), (f"/{db_name}", "database", [])]
    for table in (database.get("tables") or {}):
        pages.append((f"/{db_name}/{table}", f"table {table}", []))
    for term in SEARCH_TERMS[:2]:
        pages.append((f"/{db_name}/items", "items search", [("_search", term)]))
    pages += [
        (f"/{db_name}/items", "items of one agency", [("agency_id", samples.agency)]),
        (f"/{db_name}/findings", "findings of one agency", [("agency_id", samples.agency)]),
        (f"/{db_name}/findings", "open findings", [("status", "open")]),
    ]
    for name, query in (database.get("queries") or {}).items():
        sql = query if isinstance(query, str) else query.get("sql", "")
        params = [(n, next((v for v in samples.values(n) if v), "")) for n in sql_params(sql) if not n.startswith("_")]
        pages.append((f"/{db_name}/{name}", f"canned {name}", params))
    if dashboards:
        pages.append(("/-/dashboards", "dashboard list", []))
    for slug, dashboard in dashboards.items():
        for case, options in dashboard.pop("_cases"):
            pages.append((f"/-/dashboards/{slug}", f"dashboard {slug} ({case.split(' ')[0]})", list(options.items())))
    for path, name, params in pages:
        case = " ".join(f"{k}={v}" for k, v in params) or "-"
        targets.append(Target("page", name, case, path, params))
    return targets


# timing ------------------------------------------------------------------------------------------

def time_target(client: httpx.Client, t: Target, n: int, warmup: int, budget: float, early_stop: bool) -> None:
    for k in range(warmup + n):
        started = time.perf_counter()
        try:
            response = client.get(t.url)
            status = response.status_code
            body = response.content
        except httpx.HTTPError as exc:
            status, body = 0, str(exc).encode()
        ms = (time.perf_counter() - started) * 1000
        t.statuses[status] = t.statuses.get(status, 0) + 1
        if status != 200 and not t.error:
            t.error = f"HTTP {status}: {short_error(body)}"
        if k >= warmup:
            t.samples.append(ms)
        measured = k - warmup + 1
        if early_stop and measured == 5 and pct(sorted(t.samples), 50) > 3 * budget:
            t.note = ((t.note + "; ") if t.note else "") + f"stopped after 5 timed requests (median > {3 * budget:.0f} ms)"
            break


def short_error(body: bytes) -> str:
    """The message of a Datasette error page or JSON error, on one line, without markup."""
    text = body.decode("utf-8", "replace")
    try:
        text = str(json.loads(text).get("error"))
    except (ValueError, AttributeError):
        text = re.sub(r"(?s)<(script|style|head)\b.*?</\1>", " ", text)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()[:300]


def explain(db_path: Path, sql: str, params: dict) -> list[str]:
    try:
        import storage
        db = storage.connect(db_path, upgrade=False)   # registers whatever the schema needs (tokenizers)
        conn = db.conn
    except Exception:   # noqa: BLE001
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = conn.execute("EXPLAIN QUERY PLAN " + sql, {n: params.get(n, "") for n in sql_params(sql)}).fetchall()
        return [f"{r[0]}:{r[1]} {r[3]}" for r in rows]
    except sqlite3.Error as exc:
        return [f"(EXPLAIN failed: {exc})"]
    finally:
        conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db_path: Path, port: int, log, timeout: float) -> tuple[subprocess.Popen, float]:
    cmd = [sys.executable, "-m", "gkwatch", "serve", "--db", str(db_path), "--port", str(port)]
    print("启动 starting:", " ".join(cmd), flush=True)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gkwatch serve exited with {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/-/versions.json", timeout=5).status_code == 200:
                return proc, time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise RuntimeError(f"gkwatch serve not ready after {timeout:.0f} s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=HERE / "bench.db")
    parser.add_argument("--n", type=int, default=30, help="timed requests per target (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (default 3)")
    parser.add_argument("--budget-ms", type=float, default=BUDGET_MS)
    parser.add_argument("--only", help="time only targets whose kind/name/case matches this regex")
    parser.add_argument("--kinds", default="canned,chart,filter,page", help="comma-separated kinds to time")
    parser.add_argument("--no-early-stop", action="store_true",
                        help="always send all --n requests (by default a target whose median of the first 5 "
                             "is over 3 × budget stops there)")
    parser.add_argument("--url", help="time an already running server at this base URL instead of starting one")
    parser.add_argument("--startup-timeout", type=float, default=3600,
                        help="seconds to wait for the server (it applies pending migrations first)")
    args = parser.parse_args()
    if not args.db.exists():
        print(f"{args.db} 不存在: 先运行 benchmarks/serve/generate.py (generate the database first)", file=sys.stderr)
        return 2

    db_name = args.db.stem
    samples = Samples(args.db)
    log = tempfile.NamedTemporaryFile("w+b", prefix="gkwatch-serve-", suffix=".log", delete=False)
    proc, startup = None, None
    if args.url:
        base = args.url.rstrip("/")
    else:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc, startup = start_server(args.db, port, log, args.startup_timeout)
        print(f"就绪 ready in {startup:.1f} s at {base} (server log {log.name})", flush=True)
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            versions = client.get("/-/versions.json").json()
            served = client.get("/-/metadata.json").json()
            dbs = [d["name"] for d in client.get("/-/databases.json").json()]
            if db_name not in dbs:
                db_name = dbs[0]
            if "datasette-dashboards" not in json.dumps(served.get("plugins") or {}):
                print("  (no datasette-dashboards config in the served metadata yet: no charts to time)")
            targets = build_targets(served, db_name, samples)
            kinds = set(args.kinds.split(","))
            targets = [t for t in targets if t.kind in kinds
                       and (not args.only or re.search(args.only, f"{t.kind} {t.name} {t.case}"))]
            print(f"{len(targets)} targets · agency {samples.agency} · {args.warmup} warm-up + {args.n} timed "
                  f"requests each · budget p95 ≤ {args.budget_ms:.0f} ms\n", flush=True)
            head = f"{'kind':<7} {'name':<44} {'case':<34} {'p50':>7} {'p95':>7} {'max':>7}  n"
            print(head)
            print("-" * len(head))
            for t in targets:
                time_target(client, t, args.n, args.warmup, args.budget_ms, not args.no_early_stop)
                s = t.stats()
                mark = "  ✗ SLOW" if t.failed(args.budget_ms) and not t.error else ""
                mark = f"  ✗ ERROR {t.error[:120]}" if t.error else mark
                fmt = lambda v: f"{v:7.0f}" if v is not None else "      -"  # noqa: E731
                print(f"{t.kind:<7} {t.name[:44]:<44} {t.case[:34]:<34} {fmt(s['p50'])} {fmt(s['p95'])} "
                      f"{fmt(s['max'])}  {len(t.samples)}{mark}", flush=True)
                if t.note:
                    print(f"        note: {t.note}", flush=True)
                if t.failed(args.budget_ms) and t.sql:
                    t.plan = explain(args.db, t.sql, t.sql_params)
    finally:
        if proc:
            stop_server(proc)

    slow = [t for t in targets if t.failed(args.budget_ms)]
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out_dir = ROOT / "benchmarks" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    document = {
        "benchmark": "serve", "at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "db": str(args.db), "db_mb": round(args.db.stat().st_size / 2**20),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "sqlite": versions.get("sqlite", {}).get("version"),
                    "datasette": versions.get("datasette", {}).get("version")},
        "startup_seconds": round(startup, 1) if startup is not None else None,
        "n": args.n, "warmup": args.warmup, "budget_ms": args.budget_ms, "agency": samples.agency,
        "results": [{"kind": t.kind, "name": t.name, "case": t.case, "url": t.url, **t.stats(),
                     "samples": len(t.samples), "statuses": t.statuses, "error": t.error, "note": t.note,
                     "over_budget": t.failed(args.budget_ms), "plan": t.plan,
                     "ms": [round(v, 1) for v in t.samples]} for t in targets],
    }
    path = out_dir / f"serve-{stamp}.json"
    text = json.dumps(document, ensure_ascii=False, indent=1)
    path.write_text(text, encoding="utf-8")
    (out_dir / "serve-latest.json").write_text(text, encoding="utf-8")
    print(f"\n→ {path.relative_to(ROOT)}")
    if slow:
        print(f"\n✗ {len(slow)} of {len(targets)} targets over p95 {args.budget_ms:.0f} ms or failing:", file=sys.stderr)
        for t in slow:
            s = t.stats()
            print(f"  {t.kind} {t.name} [{t.case}]: p95 {s['p95']} ms" + (f" · {t.error[:200]}" if t.error else "")
                  + (f" · {t.note}" if t.note else ""), file=sys.stderr)
            for line in t.plan or []:
                print(f"      {line}", file=sys.stderr)
        return 1
    print(f"✓ all {len(targets)} targets p95 ≤ {args.budget_ms:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
