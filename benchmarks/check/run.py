"""Time `gkwatch check` (``monitors.run_checks.run_checks``) over a generated database.

    python benchmarks/check/generate.py            # once: benchmarks/check/bench.db (≈ 4 GB)
    python benchmarks/check/run.py [--db benchmarks/check/bench.db] [--runs 2]

The first run opens every finding; the next ones are the daily steady state (same data: nothing new,
nothing resolved). Prints the wall time of each run, the time of each check family and the counts.
The budget is 60 s per run for 10,000 agencies, 250,000 columns and 10 million items.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import storage  # noqa: E402
from monitors.run_checks import run_checks  # noqa: E402

from generate import AS_OF  # noqa: E402

BUDGET_SECONDS = 60


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path(__file__).with_name("bench.db"))
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    if not args.db.exists():
        print(f"{args.db} 不存在: 先运行 benchmarks/check/generate.py (generate the database first)", file=sys.stderr)
        return 2
    db = storage.connect(args.db)
    sizes = {t: db[t].count for t in ("agencies", "columns", "items", "fetches")}
    print("数据库 database:", " · ".join(f"{k} {v:,}" for k, v in sizes.items()))
    worst = 0.0
    for n in range(1, args.runs + 1):
        started = time.perf_counter()
        document = run_checks(db, AS_OF)
        seconds = time.perf_counter() - started
        worst = max(worst, seconds)
        s = document["summary"]
        print(f"run {n}: {seconds:.1f} s · open {s['open']} · opened {s['opened']} · resolved {s['resolved']}")
        print("  by check:", json.dumps(s["open_by_check"], ensure_ascii=False))
        print("  timings :", json.dumps(s["timings"]))
    verdict = "OK" if worst <= BUDGET_SECONDS else "TOO SLOW"
    print(f"最慢一次 slowest run {worst:.1f} s (budget {BUDGET_SECONDS} s): {verdict}")
    return 0 if worst <= BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
