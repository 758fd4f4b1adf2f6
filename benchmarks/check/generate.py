"""Generate a gkwatch database at national scale for timing `gkwatch check`.

    python benchmarks/check/generate.py [--out benchmarks/check/bench.db] [--agencies 10000]
                                        [--columns 250000] [--items 10000000] [--runs 3]

The schema is the real one (``storage.connect``). Every agency gets the 专栏's columns and the
usual 法定主动公开内容 columns (25 on average), items with a realistic cadence per column type and
realistic titles and URLs, annual reports, three finished crawl runs of fetches (homepage, portal,
every column, link HEADs, removal checks), pages and links. A few per cent of everything is
defective (stale or blank columns, sites down, broken links, removed items, late reports) so the
checks have findings to write. Rows are written with ``executemany`` in batches, deterministic
for a given ``--seed``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import storage  # noqa: E402

AS_OF = dt.date(2026, 11, 22)
BATCH = 50_000
LEVELS = [("市", "部门", 0.55), ("县", "部门", 0.30), ("县", "政府", 0.06), ("乡镇", "政府", 0.06), ("省", "部门", 0.03)]
# (type, name, path, weight of items, days between items)
COLUMNS = [
    ("guide", "政府信息公开指南", "zn", 0.1, 400), ("system", "政府信息公开制度", "zd", 0.1, 400),
    ("statutory", "法定主动公开内容", "fdzdgknr", 0.0, 0), ("annual_report", "政府信息公开年报", "nb", 0.3, 365),
    ("org", "机构职能", "jgzn", 0.1, 500), ("leaders", "领导信息", "ldxx", 0.1, 500),
    ("policy", "政策文件", "zcwj", 1.2, 40), ("notice", "通知公告", "tzgg", 2.0, 25),
    ("news", "工作动态", "gzdt", 6.0, 7), ("budget", "部门预决算", "bmyjs", 0.4, 180),
    ("personnel", "人事信息", "rsxx", 0.6, 90), ("planning", "规划计划", "ghjh", 0.3, 200),
    ("licensing", "行政许可", "xzxk", 1.5, 30), ("penalty", "行政处罚", "xzcf", 1.5, 30),
    ("procurement", "政府采购", "zfcg", 1.0, 40), ("statistics", "统计信息", "tjxx", 0.8, 30),
    ("interpretation", "政策解读", "zcjd", 0.8, 60), ("interaction", "互动交流", "hdjl", 1.0, 20),
    ("other", "优化营商环境", "yhyshj", 0.8, 45), ("other", "专题专栏", "ztzl", 0.6, 60),
    ("other", "重点领域信息公开", "zdly", 0.8, 45), ("other", "双随机一公开", "ssjygk", 0.6, 60),
    ("other", "乡村振兴", "xczx", 0.6, 45), ("other", "建议提案办理", "jyta", 0.4, 120),
    ("other", "新闻发布会", "xwfbh", 0.4, 90),
]
TOPICS = ["外贸发展专项资金", "消费品以旧换新", "商贸领域安全生产", "跨境电子商务", "老字号保护传承", "家政服务提质扩容",
          "招商引资项目", "成品油市场监管", "农产品流通体系", "县域商业体系建设"]
VERBS = ["关于做好", "关于开展", "关于印发", "关于公布", "召开", "部署", "推进"]


def titles(rng: random.Random, n: int) -> list[str]:
    return [f"{rng.choice(VERBS)}{rng.choice(TOPICS)}工作的通知（{k}）" for k in range(n)]


_DAYS: dict[int, tuple[str, str, str]] = {}


def day_strings(ordinal: int) -> tuple[str, str, str]:
    """(2026-11-22, 202611, 20261122) for a day ordinal, cached."""
    if ordinal not in _DAYS:
        day = dt.date.fromordinal(ordinal)
        _DAYS[ordinal] = (day.isoformat(), f"{day:%Y%m}", f"{day:%Y%m%d}")
    return _DAYS[ordinal]


def batched(conn, sql: str, rows, size: int = BATCH) -> int:
    batch, total = [], 0
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            conn.executemany(sql, batch)
            total += len(batch)
            batch.clear()
    if batch:
        conn.executemany(sql, batch)
        total += len(batch)
    return total


def generate(out: Path, agencies: int, columns: int, items: int, runs: int, seed: int) -> dict:
    if out.exists():
        out.unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(out) + suffix).unlink(missing_ok=True)
    db = storage.connect(out)
    conn = db.conn
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -1000000")
    rng = random.Random(seed)
    stamp = "2026-11-22T03:00:00+08:00"
    started = time.perf_counter()

    # agencies and their columns
    agency_rows, column_plan = [], []
    for a in range(agencies):
        level, kind = rng.choices([(lv, k) for lv, k, _ in LEVELS], [w for *_, w in LEVELS])[0]
        aid = f"ag-{a:05d}"
        host = f"http://site{a:05d}.example.gov.cn"
        quota = 100 if rng.random() < 0.1 else None
        agency_rows.append((aid, f"第{a}号机构", level, kind, f"{110000 + a % 800000:06d}", host + "/", host + "/xxgk/",
                            None, 0, 1, None, quota, 1, None, stamp, stamp))
        count = columns // agencies + (1 if a < columns % agencies else 0)
        chosen = COLUMNS[:min(count, len(COLUMNS))]
        while len(chosen) < count:
            extra = rng.choice(COLUMNS[18:])
            chosen.append((extra[0], f"{extra[1]}{len(chosen)}", f"{extra[2]}{len(chosen)}", *extra[3:]))
        if kind == "政府" and level == "乡镇" and rng.random() < 0.3:   # some towns lack 制度
            chosen = [c if c[0] != "system" else ("other", "党务公开", "dwgk", 0.4, 60) for c in chosen]
        column_plan.append((aid, host, chosen))
    conn.executemany("INSERT INTO agencies (id, name, level, kind, region_code, homepage, portal, parent_id, "
                     "render_js, obey_robots, robots_reason, monthly_quota, requires_internet, source_file, "
                     "imported_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", agency_rows)

    column_rows, col_specs, cid = [], [], 0
    for aid, host, chosen in column_plan:
        parent = None
        for type_, name, path, weight, cadence in chosen:
            cid += 1
            url = f"{host}/xxgk/{path}/" if type_ in ("guide", "system", "statutory", "annual_report") \
                else f"{host}/xxgk/fdzdgknr/{path}/"
            pid = parent if type_ not in ("guide", "system", "statutory", "annual_report") else None
            column_rows.append((cid, aid, type_, name, url, pid, "none", 0, stamp, stamp))
            if type_ == "statutory":
                parent = cid
            col_specs.append((cid, aid, type_, url, weight, cadence))
    conn.executemany("INSERT INTO columns (id, agency_id, type, name, url, parent_id, js, explicit, discovered_at, "
                     "last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", column_rows)

    # items: the total split over columns by weight; 4 % of columns stale, 1 % blank
    blank = {cid for cid, _, type_, *_ in col_specs if type_ != "statutory" and rng.random() < 0.01}
    total_weight = sum(w for cid, _, _, _, w, _ in col_specs if cid not in blank)
    item_count = 0
    missing_urls = []

    def item_rows():
        nonlocal item_count
        seq = 0
        for cid, aid, type_, url, weight, cadence in col_specs:
            if type_ == "statutory" or cid in blank:
                continue
            want = max(1, round(items * weight / total_weight))
            stale = rng.random() < 0.04
            last = AS_OF - dt.timedelta(days=rng.randint(0, max(1, cadence // 2)) + (400 if stale else 0))
            names = titles(rng, 3)
            if type_ == "annual_report":
                years = list(range(AS_OF.year - 1, AS_OF.year - 1 - want, -1))
                for k, year in enumerate(years):
                    seq += 1
                    late = rng.random() < 0.03
                    day = dt.date(year + 1, 3 if late else 1, 20)
                    if year == AS_OF.year - 1 and rng.random() < 0.02:
                        continue    # this year's report missing
                    item_count += 1
                    yield (aid, cid, f"{url}{day:%Y%m}/t{day:%Y%m%d}_{seq}.html", f"第{aid[3:]}号机构{year}年政府信息公开工作年度报告",
                           day.isoformat(), None, f"h{seq}", stamp, stamp, None, None)
                continue
            step = max(1, min(cadence, 3650 // max(want, 1)))
            jitter = max(0, step // 3) + 1
            base = last.toordinal()
            random_ = rng.random
            for k in range(want):
                seq += 1
                item_count += 1
                iso, month, compact = day_strings(base - k * step - int(random_() * jitter))
                item_url = f"{url}{month}/t{compact}_{seq}.html"
                missing = None
                if random_() < 0.0003:
                    missing = stamp
                    missing_urls.append((aid, item_url))
                yield (aid, cid, item_url, names[k % 3] + str(seq), iso, None, f"h{seq}", stamp, stamp,
                       missing, None)

    batched(conn, "INSERT INTO items (agency_id, column_id, url, title, published, published_time, content_hash, "
                  "first_seen, last_seen, missing_since, removed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            item_rows())
    conn.execute("INSERT INTO listings SELECT column_id, id, first_seen, last_seen FROM items")
    conn.commit()
    items_done = time.perf_counter()

    # crawl runs, fetches, pages, links
    down = {aid for aid, *_ in column_plan if rng.random() < 0.02}
    slow = {cid for cid, *_ in col_specs if rng.random() < 0.002}
    broken = {cid for cid, *_ in col_specs if rng.random() < 0.004}
    for run in range(1, runs + 1):
        conn.execute("INSERT INTO crawl_runs (id, started_at, finished_at, status, agencies, full) "
                     "VALUES (?, ?, ?, 'finished', '[]', 0)", [run, stamp, stamp])

    def fetch_rows():
        for run in range(1, runs + 1):
            for aid, host, chosen in column_plan:
                if aid in down and run > runs - 3:
                    for kind, url in (("home", host + "/"), ("portal", host + "/xxgk/")):
                        yield (run, aid, url, kind, "GET", None, "TCPTimedOutError: Connection timed out", 15000, None, stamp)
                    continue
                yield (run, aid, host + "/", "home", "GET", 200, None, rng.randint(80, 900), 30000, stamp)
                yield (run, aid, host + "/xxgk/", "portal", "GET", 200, None, rng.randint(80, 900), 30000, stamp)
                for k in range(8):
                    yield (run, aid, f"{host}/xxgk/link{k}.html", "link", "HEAD",
                           404 if (k == 0 and int(aid[3:]) % 50 == 0) else 200, None, 40, None, stamp)
        for cid, aid, type_, url, *_ in col_specs:
            for run in range(1, runs + 1):
                if aid in down and run > runs - 3:
                    continue
                status = 404 if cid in broken else 200
                yield (run, aid, url, "column", "GET", status, None, 16000 if cid in slow else rng.randint(60, 700),
                       12000, stamp)
        for aid, url in missing_urls:
            if aid not in down:
                yield (runs, aid, url, "verify", "HEAD", 404 if rng.random() < 0.7 else 200, None, 30, None, stamp)

    def with_verdict(rows):  # what the crawler records for an answer that is what its status says
        for row in rows:
            status, error = row[5], row[6]
            yield (*row, "unreachable" if error else "not_found" if status in (404, 410)
                   else "read" if 200 <= status < 400 else "server_error")

    fetches = batched(conn, "INSERT INTO fetches (crawl_run_id, agency_id, url, kind, method, status, error, "
                            "elapsed_ms, bytes, fetched_at, verdict) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      with_verdict(fetch_rows()))

    def page_rows():
        for aid, host, _ in column_plan:
            home_latest = AS_OF - dt.timedelta(days=rng.randint(0, 10) + (30 if rng.random() < 0.03 else 0))
            yield (host + "/", aid, "home", home_latest.isoformat(), "x", stamp, stamp)
            yield (host + "/xxgk/", aid, "portal", None, "x", stamp, stamp)

    batched(conn, "INSERT INTO pages (url, agency_id, kind, latest_item_date, content_hash, fetched_at, changed_at) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?)", page_rows())
    batched(conn, "INSERT INTO links (agency_id, page_url, url, text, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)",
            ((aid, host + "/xxgk/", f"{host}/xxgk/link{k}.html", "链接", stamp, stamp)
             for aid, host, _ in column_plan for k in range(8)))
    conn.commit()
    conn.execute("ANALYZE")
    conn.commit()
    counts = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
              for t in ("agencies", "columns", "items", "fetches", "pages", "links", "crawl_runs")}
    db.close()
    return {**counts, "items_seconds": round(items_done - started, 1),
            "seconds": round(time.perf_counter() - started, 1), "size_mb": round(out.stat().st_size / 2**20)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("bench.db"))
    parser.add_argument("--agencies", type=int, default=10_000)
    parser.add_argument("--columns", type=int, default=250_000)
    parser.add_argument("--items", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    result = generate(args.out, args.agencies, args.columns, args.items, args.runs, args.seed)
    print(" · ".join(f"{k} {v}" for k, v in result.items()), f"→ {args.out}")


if __name__ == "__main__":
    main()
