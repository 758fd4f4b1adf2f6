"""Prepare the 10-million-item database that `benchmarks/serve/run.py` serves.

    python benchmarks/serve/generate.py [--db benchmarks/serve/bench.db] [--fresh]

Four steps, each timed and skipped when already done (so a rerun only applies new migrations):

1. the base database: ``benchmarks/check/generate.py`` (imported, not copied; ≈ 4 min, ≈ 4.2 GB) —
   10,000 agencies, 250,000 columns, 10 million items, 3 crawl runs;
2. parsed annual reports: one ``reports`` row per annual-report item (≈ 138,000), and for the 2019+
   reports the ≈ 200 ``report_cells`` of the national template (a real parsed report's cells, values
   varied), so the 年报 dashboard has national-scale data (benchmarks/check/generate.py writes none);
3. the checks (``monitors.run_checks.run_checks``) as of three dates a week apart, so findings,
   finding_events, scorecards and check_runs exist and trend charts have more than one point;
4. ``storage.connect()``: whatever migrations the code has beyond the generated database's version
   (the full-text index ``items_fts`` over 10 million titles, for instance) apply, as they would
   when a user upgrades and runs ``gkwatch serve``.

Prints the time of each step and the database size; writes them to benchmarks/out/serve-generate.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

import storage  # noqa: E402
from storage.schema import SCHEMA_VERSION  # noqa: E402


def _check_generator():
    """benchmarks/check/generate.py as a module (its directory is not a package)."""
    spec = importlib.util.spec_from_file_location("check_generate", ROOT / "benchmarks" / "check" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REAL_REPORT = ROOT / "tests" / "files" / "real-pages" / "pingtan_annual_report_2023.html"


def template() -> tuple[list[tuple[str, str, str, float]], list]:
    """The cells (table, row, col, value) and sections of a real 2021-template report as
    extract.reports parses it or, without that page, cells of the same shape from the labels
    of storage/schema.py's wide views."""
    if REAL_REPORT.exists():
        from extract.reports import parse_report

        parsed = parse_report(REAL_REPORT.read_bytes(), "https://www.pingtan.gov.cn/").to_json()
        return ([(t, c["row"], c["col"], c["value"]) for t, cells in parsed["tables"].items() for c in cells],
                parsed.get("sections") or [])
    org = "申请人情况/法人或其他组织/"
    cols = ["申请人情况/自然人", *(org + x for x in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")),
            "申请人情况/总计"]
    rows = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量",
            *(f"三、本年度办理结果/{x}" for x in ("（一）予以公开", "（二）部分公开", "（三）不予公开/1.属于国家秘密",
                                              "（四）无法提供/1.本机关不掌握相关政府信息", "（五）不予处理/1.信访举报投诉类申请",
                                              "（六）其他处理/3.其他", "（七）总计")), "四、结转下年度继续办理"]
    cells = [("requests", r, c, 1) for r in rows for c in cols]
    cells += [("review_litigation", "", f"{g}/{r}", 1) for g in ("行政复议", "行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉")
              for r in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")]
    return cells + [("active", "行政规范性文件", x, 1) for x in ("本年制发件数", "本年废止件数", "现行有效件数")], []


def add_reports(conn, seed: int = 20261122) -> dict:
    """reports and report_cells for every annual-report item (year from its title), batched."""
    import random
    import re

    rng = random.Random(seed)
    cells_template, sections = template()
    sections_json = json.dumps(sections, ensure_ascii=False)
    rows = conn.execute("SELECT i.id, i.agency_id, i.url, i.title, i.published FROM items i "
                        "JOIN columns c ON c.id = i.column_id WHERE c.type = 'annual_report' ORDER BY i.id").fetchall()
    stamp = "2026-11-22T03:00:00+08:00"
    report_rows, cell_rows, next_id = [], [], 1
    for item_id, agency_id, url, title, published in rows:
        found = re.search(r"(\d{4})年", title or "")
        year = int(found.group(1)) if found else int(published[:4]) - 1
        scale = rng.choice([1, 1, 1, 2, 3, 5])   # whole multiples keep the template's sums right
        requests = round(81 * scale)
        problems = ["表三「（七）总计」与分项之和不符"] if rng.random() < 0.03 else []
        figures = {"requests_received": requests, "reviews": round(2 * scale), "lawsuits": round(7 * scale)}
        fmt = "2021" if year >= 2021 else "2019" if year >= 2019 else "free"
        report_rows.append((next_id, agency_id, item_id, year, title, url, published, fmt, "html", sections_json,
                            json.dumps(figures, ensure_ascii=False), json.dumps(problems, ensure_ascii=False),
                            f"r{next_id}", stamp))
        if year >= 2019:
            cell_rows += [(next_id, t, r, c, round(v * scale) if isinstance(v, int) else round(v * scale, 2))
                          for t, r, c, v in cells_template]
        next_id += 1
        if len(cell_rows) >= 200_000:
            conn.executemany("INSERT INTO report_cells (report_id, table_name, row, col, value) VALUES (?, ?, ?, ?, ?)",
                             cell_rows)
            cell_rows.clear()
    conn.executemany("INSERT INTO reports (id, agency_id, item_id, year, title, url, published, format, media, "
                     "sections, figures, problems, content_hash, parsed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     report_rows)
    conn.executemany("INSERT INTO report_cells (report_id, table_name, row, col, value) VALUES (?, ?, ?, ?, ?)",
                     cell_rows)
    conn.commit()
    return {"reports": len(report_rows), "report_cells": conn.execute("SELECT COUNT(*) FROM report_cells").fetchone()[0]}


def size_mb(path: Path) -> int:
    files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
    return round(sum(p.stat().st_size for p in files if p.exists()) / 2**20)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=HERE / "bench.db")
    parser.add_argument("--fresh", action="store_true", help="regenerate the base database even if it exists")
    parser.add_argument("--items", type=int, default=10_000_000)
    parser.add_argument("--check-days", default="14,7,0",
                        help="run the checks as of AS_OF minus these many days, in order (default 14,7,0)")
    parser.add_argument("--redo-checks", action="store_true",
                        help="delete check_runs, findings, finding_events, scorecards and alerts, and check again")
    args = parser.parse_args()
    gen = _check_generator()
    report: dict = {"db": str(args.db), "steps": {}}

    # 1. base database
    if args.fresh or not args.db.exists():
        print(f"1/4 生成 generating {args.db} with benchmarks/check/generate.py (≈ 4 min) …", flush=True)
        started = time.perf_counter()
        counts = gen.generate(args.db, 10_000, 250_000, args.items, 3, 20261122)
        report["steps"]["generate"] = round(time.perf_counter() - started, 1)
        report["counts"] = counts
        print(f"    {report['steps']['generate']} s · {counts}", flush=True)
    else:
        print(f"1/4 {args.db} exists: reused (--fresh to regenerate)", flush=True)

    # 2. annual reports
    db = storage.connect(args.db, upgrade=False)
    if db.execute("SELECT COUNT(*) FROM reports").fetchone()[0]:
        print("2/4 reports already there: skipped", flush=True)
    else:
        started = time.perf_counter()
        db.execute("PRAGMA foreign_keys = OFF")
        added = add_reports(db.conn)
        db.execute("PRAGMA foreign_keys = ON")
        report["steps"]["reports"] = round(time.perf_counter() - started, 1)
        print(f"2/4 年报 reports: {report['steps']['reports']} s · {added}", flush=True)

    # 3. checks, without upgrading yet so step 4 times the migrations alone
    if args.redo_checks:
        for table in ("alerts", "finding_events", "scorecards", "findings", "check_runs"):
            db.execute(f"DELETE FROM [{table}]")
        db.conn.commit()
    done = db.execute("SELECT COUNT(*) FROM check_runs WHERE finished_at IS NOT NULL").fetchone()[0]
    days = [int(d) for d in args.check_days.split(",") if d.strip()]
    if done >= len(days):
        print(f"3/4 {done} check runs already there: skipped", flush=True)
    else:
        from monitors.run_checks import run_checks

        report["steps"]["checks"] = []
        for back in days[done:]:
            as_of = gen.AS_OF - dt.timedelta(days=back)
            started = time.perf_counter()
            summary = run_checks(db, as_of)["summary"]
            seconds = round(time.perf_counter() - started, 1)
            report["steps"]["checks"].append({"as_of": as_of.isoformat(), "seconds": seconds,
                                              "open": summary["open"], "opened": summary["opened"],
                                              "resolved": summary["resolved"], "timings": summary["timings"]})
            print(f"3/4 检查 checks as of {as_of}: {seconds} s · open {summary['open']} · opened "
                  f"{summary['opened']} · resolved {summary['resolved']}", flush=True)
            print("      by family:", json.dumps(summary["timings"]), flush=True)
    before = storage.schema_version(db)
    db.close()

    # 3. migrations, as `gkwatch serve` would apply them
    print(f"4/4 迁移 migrating schema {before} → {SCHEMA_VERSION} with storage.connect() …", flush=True)
    started = time.perf_counter()
    db = storage.connect(args.db)
    report["steps"]["migrate"] = {"from": before, "to": storage.schema_version(db),
                                  "seconds": round(time.perf_counter() - started, 1)}
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    counts = {t: db.execute(f"SELECT COUNT(*) FROM [{t}]").fetchone()[0]
              for t in ("agencies", "columns", "items", "fetches", "reports", "report_cells", "findings",
                        "finding_events", "scorecards", "check_runs")}
    db.close()
    report["counts"] = {**report.get("counts", {}), **counts}
    report["size_mb"] = size_mb(args.db)
    print(f"    {report['steps']['migrate']['seconds']} s · schema {report['steps']['migrate']['to']}", flush=True)
    print("数据库 database:", " · ".join(f"{k} {v:,}" for k, v in counts.items()), f"· {report['size_mb']:,} MB")
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "serve-generate.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
