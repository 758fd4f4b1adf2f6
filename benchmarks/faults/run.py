"""The fault benchmark: no false finding from the crawler's own trouble.

    python benchmarks/faults/run.py [--json] [--keep] [--out FILE]

Does what an operator does, against the sandbox's fault agencies (``Sandbox(as_of, faults=True)``,
twenty sites on 127.0.0.21–40, each with one fault: anti-bot challenges, WAF blocks, maintenance,
outages, soft 404s, redirect loops, broken bodies, …; see ``sandbox/faults.py``):

1. starts the fault sandbox in this process and imports the fault agencies' registry
   (`gkwatch agencies import`);
2. on each of the three fault days (``sandbox.fault_sites.FAULT_DAYS``: the soft-404 site takes an
   item down on the second, the checks count three failing observations before a site is called
   unreachable) moves the sandbox to that day, crawls (`gkwatch crawl`, with the sandbox-speed
   settings the test suite uses: no delay, no AutoThrottle, 4 requests per site, 5 s timeout, no
   retries) and checks (`gkwatch check --json --as-of DAY`); before the second crawl it waits for the
   20-second outage to end;
3. prints the fault matrix: fault → recorded (the verdicts in ``fetches.verdict`` for its URLs, per
   crawl, against the manifest's expectation) → findings raised on its agency (true or false against
   the manifest's defects of that day) → items lost or duplicated (the manifest's items the crawler
   could see against the ``items`` table), and the totals. ``--json`` prints only the totals, one
   JSON object: ``{"faults", "false_findings", "missed", "lost", "duplicated"}``.

A false finding: any finding opened on a fault agency, in any of the three check runs, that is not
one of the manifest's defects of that day. Missed: a defect of the last day not open after the last
check (a redirect-looping column, a soft-404 column link, a listed item whose page is a soft 404 are
broken links; the item taken down and answering a soft 404 is a removed item). Lost: an item the
crawler could see (its column not hidden by the fault) not stored, or stored with another title
(mojibake); duplicated: more than one stored row for one document.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from sandbox import Sandbox  # noqa: E402
from sandbox.fault_sites import FAULT_DAYS  # noqa: E402
from sandbox.faults import fault_registry_entries  # noqa: E402

# The test suite's sandbox-speed crawl settings (tests/conftest.py FAST_CRAWL), copied.
FAST_CRAWL = [
    "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4",
    "-s", "DOWNLOAD_TIMEOUT=5", "-s", "RETRY_TIMES=0", "-s", "GKWATCH_PROGRESS_INTERVAL=0",
]
SLOW_SECONDS = 8.0      # the slow homepage; above the 5 s download timeout, below the rule's 15 s
OUTAGE_SECONDS = 20.0


def gkwatch(*args, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gkwatch", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# running ------------------------------------------------------------------------------------------

def run(work: Path) -> dict:
    """Crawl and check the fault sandbox on each fault day; what the evaluation needs."""
    from core.registry import dump

    db = work / "gkwatch.db"
    observed = {"crawls": [], "checks": [], "manifests": [], "fault_log": [], "request_log": []}
    with Sandbox(FAULT_DAYS[0], port=0, faults=True, fault_slow_seconds=SLOW_SECONDS,
                 outage_seconds=OUTAGE_SECONDS) as sandbox:
        registry = work / "registry.yaml"
        registry.write_text(dump(fault_registry_entries(sandbox.port)), encoding="utf-8")
        done = gkwatch("agencies", "import", registry, "--db", db)
        if done.returncode != 0:
            raise SystemExit(f"gkwatch agencies import failed:\n{done.stdout}{done.stderr}")
        sandbox.arm_faults()   # the outage and the portal's 503 start now, not at the sandbox's start
        for k, day in enumerate(FAULT_DAYS):
            sandbox.set_as_of(day)
            if k == 1 and sandbox.outage_remaining():
                log(f"waiting {sandbox.outage_remaining():.0f} s for the outage to end")
                time.sleep(sandbox.outage_remaining() + 0.5)
            faults_before, requests_before = len(sandbox.fault_log), len(sandbox.request_log)
            started = time.monotonic()
            done = gkwatch("crawl", "--db", db, *FAST_CRAWL)
            took = time.monotonic() - started
            if done.returncode != 0:
                raise SystemExit(f"gkwatch crawl failed ({done.returncode}):\n{done.stdout}{done.stderr[-3000:]}")
            with sqlite3.connect(db) as conn:
                run_id = conn.execute("SELECT MAX(id) FROM crawl_runs").fetchone()[0]
            log(f"crawl {k + 1} ({day}): run #{run_id}, {took:.0f} s")
            check = gkwatch("check", "--db", db, "--json", "--as-of", day)
            try:
                document = json.loads(check.stdout)
            except ValueError:
                raise SystemExit(f"gkwatch check failed ({check.returncode}):\n"
                                 f"{check.stdout[-2000:]}{check.stderr[-3000:]}")
            observed["crawls"].append({"day": day.isoformat(), "run_id": run_id, "seconds": round(took, 1)})
            observed["checks"].append(document)
            observed["manifests"].append(sandbox.manifest())
            observed["fault_log"].append(sandbox.fault_log[faults_before:])
            observed["request_log"].append(sandbox.request_log[requests_before:])
    observed["db"] = db
    return observed


# evaluating ---------------------------------------------------------------------------------------

def fetch_rows(conn: sqlite3.Connection, url: str, run_id: int) -> list[sqlite3.Row]:
    has_verdict = "verdict" in {r[1] for r in conn.execute("PRAGMA table_info(fetches)")}
    verdict = "verdict" if has_verdict else "NULL AS verdict"
    return conn.execute(f"SELECT {verdict}, status, error, method, kind FROM fetches "
                        "WHERE url = ? AND crawl_run_id = ? ORDER BY id", [url, run_id]).fetchall()


def recorded(rows: list[sqlite3.Row]) -> set[str]:
    """The verdicts of record of a URL in one crawl: its GET answers (a HEAD cannot see a body) when
    it has any; redirect hops only when nothing else was recorded."""
    if any(r["method"] != "HEAD" for r in rows):
        rows = [r for r in rows if r["method"] != "HEAD"]
    final = [r for r in rows if not (r["status"] and 300 <= r["status"] < 400 and r["verdict"] in (None, "read"))]
    return {r["verdict"] or "(无 verdict)" for r in (final or rows)}


def crawls_of(entry: dict, count: int) -> list[int]:
    return {"first": [0], "later": list(range(1, count))}.get(entry["crawls"], list(range(count)))


def _gets(log: list, host: str, path: str) -> int:
    return sum(1 for entry in log if entry[0] == host and entry[1] == "GET" and entry[2] == path)


def served(observed: dict, k: int, url: str) -> bool:
    """Whether in crawl ``k`` the sandbox answered a GET of ``url`` with the page itself, not with
    a fault's answer (a passed challenge is followed by the real page)."""
    host, path = url.split("/")[2].split(":")[0], "/" + url.split("/", 3)[3]
    answered = [entry for entry in observed["fault_log"][k] if entry[4] != "changed"]
    return _gets(observed["request_log"][k], host, path) > _gets(answered, host, path)


def dynamic_entries(fault: dict, observed: dict, k: int) -> list[dict]:
    """A dynamic fault's URLs in crawl ``k``: those whose every GET it answered (the fault log)."""
    verdict = {"waf-rate": "blocked", "soft404-unknown": "soft_404"}[fault["id"]]
    port = observed["manifests"][k]["port"]
    known = {e["url"] for f in observed["manifests"][k]["faults"] if f["agency"] == fault["agency"]
             for e in f["expect"]}
    entries: dict[str, dict] = {}
    for host, method, path, fid, what in observed["fault_log"][k]:
        url = f"http://{host}:{port}{path}"
        if fid != fault["id"] or method != "GET" or what == "changed" or url in known or url in entries:
            continue
        if not served(observed, k, url):
            entries[url] = {"url": url, "verdicts": [verdict], "crawls": "all", "required": True, "dynamic": True}
    return list(entries.values())


def judge_expectations(conn, fault_id: str, observed: dict) -> tuple[bool, list[str]]:
    """Whether every crawl recorded what that day's manifest expects for the fault's URLs, and a
    line per URL (crawl by crawl); a dynamic fault's URLs summed up, its misrecorded ones listed."""
    runs = [c["run_id"] for c in observed["crawls"]]
    ok, per_url = True, {}
    for k, manifest in enumerate(observed["manifests"]):
        fault = next(f for f in manifest["faults"] if f["id"] == fault_id)
        entries = [e for e in fault["expect"] if k in crawls_of(e, len(runs))]
        if fault.get("dynamic"):
            entries += dynamic_entries(fault, observed, k)
        for entry in entries:
            rows = fetch_rows(conn, entry["url"], runs[k])
            if rows:
                got = recorded(rows)
                good = got <= set(entry["verdicts"])
                if good and "read" in got and "blocked" in entry["verdicts"] and not served(observed, k, entry["url"]):
                    good, got = False, got | {"(沙盒未曾答出此页 never served)"}
            elif entry["required"]:
                good, got = False, {"未抓取 not fetched"}
            else:
                continue
            ok &= good
            per_url.setdefault(entry["url"], []).append((k, ",".join(sorted(got)), good, entry))
    lines = []
    dynamic = [u for u, seen in per_url.items() if seen[0][3].get("dynamic")]
    if dynamic:
        bad = [u for u in dynamic if not all(good for _, _, good, _ in per_url[u])]
        lines.append(f"{len(dynamic)} 个网址每次都由本故障答复 answered only by the fault: "
                     + (f"{len(bad)} 个记录不符 misrecorded" if bad else "全部记录正确 all recorded as expected"))
    for url, seen in per_url.items():
        if seen[0][3].get("dynamic") and all(good for _, _, good, _ in seen):
            continue
        wanted = sorted({"|".join(e["verdicts"]) for _, _, _, e in seen})
        text = " · ".join(f"#{k + 1} {got}" + ("" if good else " ✗") for k, got, good, _ in seen)
        lines.append(f"{_tail(url)}: {text}  (应为 want {' / '.join(wanted)})")
    return ok, lines


def _tail(url: str) -> str:
    path = "/" + url.split("/", 3)[3] if url.count("/") >= 3 else url
    return path if len(path) <= 48 else "…" + path[-47:]


def findings_by_agency(observed: dict) -> dict[str, dict[tuple[str, str], bool]]:
    """(check, subject) → true? of every finding open in any check run, per agency."""
    out: dict[str, dict[tuple[str, str], bool]] = {}
    for document, manifest in zip(observed["checks"], observed["manifests"]):
        truth = {(d["agency"], d["check"], d["subject"]) for d in manifest["defects"]}
        for f in document["findings"]:
            if f["status"] != "open":
                continue
            key = (f["check"], f["subject"])
            true = (f["agency"], f["check"], f["subject"]) in truth
            mine = out.setdefault(f["agency"], {})
            mine[key] = mine.get(key, True) and true
    return out


def missed(observed: dict, agencies: set[str]) -> list[tuple[str, str, str]]:
    last, manifest = observed["checks"][-1], observed["manifests"][-1]
    opened = {(f["agency"], f["check"], f["subject"]) for f in last["findings"] if f["status"] == "open"}
    return sorted((d["agency"], d["check"], d["subject"]) for d in manifest["defects"]
                  if d["agency"] in agencies and (d["agency"], d["check"], d["subject"]) not in opened)


def _same_title(stored: str | None, title: str) -> bool:
    if not stored:
        return False
    stored = stored.strip()
    for cut in ("...", "…"):
        if stored.endswith(cut):
            return title.startswith(stored[:-len(cut)].rstrip())
    return stored == title


def items_lost_and_duplicated(conn, agency: dict, faults: list[dict]) -> tuple[int, int, list[str]]:
    """Items the crawler could see that it did not store (or stored garbled), and extra rows."""
    if any(f["hides_site"] for f in faults):
        visible = {}
    else:
        hidden = {url for f in faults for url in f["hidden_columns"]}
        visible = {i["url"]: i["title"] for c in agency["columns"] if c["url"] not in hidden for i in c["items"]}
    every = {i["url"]: i["title"] for c in agency["columns"] for i in c["items"]}
    rows = conn.execute("SELECT url, title FROM items WHERE agency_id = ?", [agency["id"]]).fetchall()
    by_doc: dict[str, int] = {}
    stored_urls = {}
    for row in rows:
        stored_urls[row["url"]] = row["title"]
        doc = row["url"] if row["url"] in every else next(
            (u for u, t in every.items() if _same_title(row["title"], t)), "title:" + (row["title"] or row["url"]))
        by_doc[doc] = by_doc.get(doc, 0) + 1
    notes, lost = [], 0
    for url, title in visible.items():
        if url in stored_urls:
            if not _same_title(stored_urls[url], title):
                lost += 1
                notes.append(f"标题错 garbled: {stored_urls[url]!r} ≠ {title!r}")
        elif by_doc.get(url, 0) == 0:
            lost += 1
            notes.append(f"未存 lost: {_tail(url)}")
    duplicated = sum(n - 1 for n in by_doc.values() if n > 1)
    if duplicated:
        notes.append(f"重复 duplicated rows: {duplicated}")
    return lost, duplicated, notes


def evaluate(observed: dict) -> dict:
    manifest = observed["manifests"][-1]
    faults = manifest["faults"]
    agencies = {a["id"]: a for a in manifest["agencies"] if a.get("faults")}
    conn = sqlite3.connect(observed["db"])
    conn.row_factory = sqlite3.Row
    raised = findings_by_agency(observed)
    misses = missed(observed, set(agencies))
    rows, seen_agency = [], set()
    totals = {"faults": len(faults), "false_findings": 0, "missed": len(misses), "lost": 0, "duplicated": 0}
    for fault in faults:
        agency_id = fault["agency"]
        ok, lines = judge_expectations(conn, fault["id"], observed)
        on_agency = raised.get(agency_id, {})
        first = agency_id not in seen_agency
        seen_agency.add(agency_id)
        lost = duplicated = 0
        notes: list[str] = []
        if first:
            mine = [f for f in faults if f["agency"] == agency_id]
            lost, duplicated, notes = items_lost_and_duplicated(conn, agencies[agency_id], mine)
            totals["false_findings"] += sum(1 for true in on_agency.values() if not true)
            totals["lost"] += lost
            totals["duplicated"] += duplicated
        wanted = {(x["check"], x["subject"]) for x in fault["findings"]}
        rows.append({
            "fault": fault["id"], "agency": agency_id, "title": fault["title"], "recorded_ok": ok,
            "recorded": lines,
            "findings": [{"check": c, "subject": s, "true": t} for (c, s), t in sorted(on_agency.items())],
            "expected_findings": sorted(f"{c} {_tail(s)}" for c, s in wanted),
            "missed": [f"{c} {_tail(s)}" for a, c, s in misses if a == agency_id and (c, s) in wanted],
            "lost": lost, "duplicated": duplicated, "item_notes": notes, "shares_agency": not first,
        })
    conn.close()
    return {"totals": totals, "rows": rows, "crawls": observed["crawls"],
            "misses": [list(m) for m in misses]}


def print_matrix(result: dict) -> None:
    print("故障矩阵 fault matrix (crawls: " + ", ".join(
        f"#{k + 1} {c['day']} {c['seconds']:.0f}s" for k, c in enumerate(result["crawls"])) + ")\n")
    for row in result["rows"]:
        mark = "✓" if row["recorded_ok"] else "✗"
        print(f"[{row['fault']}] {row['agency']} — {row['title']}")
        print(f"  记录 recorded {mark}:")
        for line in row["recorded"]:
            print(f"      {line}")
        found = row["findings"]
        if row["shares_agency"]:
            print("  问题 findings: (同上机构 same agency as above)")
        elif not found:
            print("  问题 findings: 无 none")
        else:
            print("  问题 findings: " + "; ".join(
                f"{f['check']} {_tail(f['subject'])} {'真 true' if f['true'] else '假 FALSE'}" for f in found))
        if row["expected_findings"]:
            print(f"  应有 expected: {'; '.join(row['expected_findings'])}"
                  + (f"  漏 MISSED: {'; '.join(row['missed'])}" if row["missed"] else ""))
        if not row["shares_agency"]:
            print(f"  条目 items: lost {row['lost']} · duplicated {row['duplicated']}"
                  + (f"  ({'; '.join(row['item_notes'][:4])}{' …' if len(row['item_notes']) > 4 else ''})"
                     if row["item_notes"] else ""))
        print()
    bad = sum(1 for r in result["rows"] if not r["recorded_ok"])
    print(f"记录不符 misrecorded faults: {bad} / {len(result['rows'])}")
    print("合计 totals: " + json.dumps(result["totals"], ensure_ascii=False))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print only the totals, as one JSON object")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (database, registry)")
    parser.add_argument("--out", type=Path, help="also write the whole matrix as JSON to this file")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="gkwatch-faults-"))
    try:
        result = evaluate(run(work))
        if args.out:
            args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        if args.json:
            print(json.dumps(result["totals"]))
        else:
            print_matrix(result)
    finally:
        if args.keep:
            log(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
