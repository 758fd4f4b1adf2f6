"""Crawl progress per agency: a line when an agency is done with its pages, items and errors as the
crawl stored them, and a periodic summary with agencies done and remaining and an estimate of the
time left, on a real crawl of three sandbox agencies (one of them down)."""

from __future__ import annotations

import re

import storage
from crawlers.progress import AgencyProgress, duration, summary_lines
from sandbox import Sandbox, registry_entries

from .conftest import FAST_CRAWL, REFERENCE_DAY, crawl, import_registry

AGENCIES = ("sb-nanyu-wjmj", "sb-qingshi-zf", "sb-fengling-gov")    # 凤岭县's site is down on the day
DONE = re.compile(r"^\[gkwatch\] 完成 done (\d+)/3 · ([\w-]+) \S+: 页面 pages (\d+) · 条目 items (\d+) · "
                  r"错误 errors (\d+) · 用时 took \d+m\d\ds$")
SUMMARY = re.compile(r"^\[gkwatch\] 机构 agencies 完成 done (\d+)/3 · 进行中 running (\d+) · 未开始 waiting (\d+) · "
                     r"页面 pages \d+ · 条目 items \d+ \(新 new \d+\) · 错误 errors \d+ · 预计剩余 ETA (.+)$")


def test_a_crawl_tells_each_agency_done_with_the_counts_it_stored(tmp_path):
    db_path = tmp_path / "gkwatch.db"
    with Sandbox(REFERENCE_DAY, port=0) as sandbox:
        import_registry(tmp_path, [a for a in registry_entries(sandbox.port) if a["id"] in AGENCIES], db_path)
        lines = crawl(db_path, "-s", "GKWATCH_PROGRESS_INTERVAL=0.2").stderr.splitlines()
    done = [DONE.match(line).groups() for line in lines if line.startswith("[gkwatch] 完成")]
    assert [int(d[0]) for d in done] == [1, 2, 3] and sorted(d[1] for d in done) == sorted(AGENCIES)
    db = storage.connect(db_path)
    (run_id, items_seen), = db.execute("SELECT id, items_seen FROM crawl_runs").fetchall()
    stored = {row[0]: row[1:] for row in db.execute(   # (robots.txt fetches belong to no agency)
        "SELECT agency_id, COUNT(*), SUM(verdict <> 'read') FROM fetches WHERE crawl_run_id = ? "
        "AND agency_id IS NOT NULL GROUP BY agency_id", [run_id])}
    shown = {agency: (int(pages), int(items), int(errors)) for _, agency, pages, items, errors in done}
    assert {agency: (pages, errors) for agency, (pages, _, errors) in shown.items()} == stored
    assert sum(items for _, items, _ in shown.values()) == items_seen > 0
    pages, items, errors = shown["sb-fengling-gov"]
    assert items == 0 and errors == pages >= 3          # refused: homepage, portal, the probe of a missing page
    # while it ran: the summary, every agency done, running or waiting, with an estimate
    summaries = [SUMMARY.match(line).groups() for line in lines if line.startswith("[gkwatch] 机构")]
    assert summaries and lines.index(next(l for l in lines if l.startswith("[gkwatch] 机构"))) < lines.index(
        next(l for l in lines if l.startswith("[gkwatch] 完成 done 3/3")))
    assert all(sum(map(int, s[:3])) == 3 and re.fullmatch(r"\?|≥ \d+m\d\ds|0m00s", s[3]) for s in summaries)
    running = [line for line in lines if line.startswith("[gkwatch]   进行中 running ")]
    assert running and all(re.search(r": 页面 pages \d+ · 条目 items \d+ · 错误 errors \d+ · 待抓 queued [1-9]\d* · "
                                      r"预计 ETA ≥ (\?|\d+m\d\ds)$", line) for line in running)


def test_no_progress_lines_when_the_interval_is_zero(tmp_path):
    db_path = tmp_path / "gkwatch.db"
    with Sandbox(REFERENCE_DAY, port=0) as sandbox:
        import_registry(tmp_path, [a for a in registry_entries(sandbox.port) if a["id"] == "sb-qingshi-zf"], db_path)
        result = crawl(db_path)
    assert "GKWATCH_PROGRESS_INTERVAL=0" in FAST_CRAWL and "[gkwatch]" not in result.stderr


def test_the_estimate_is_the_slowest_agency_at_its_own_pace():
    began = 100.0
    fast = AgencyProgress("a", "甲局", pages=60, items=200, errors=1, queued=30, started=began)
    slow = AgencyProgress("b", "乙局", pages=10, items=40, errors=0, queued=50, started=began + 40)
    new = AgencyProgress("c", "丙局", queued=2)
    finished = AgencyProgress("d", "丁局", pages=5, done_at=began + 20)
    assert fast.eta(began + 60) == 30.0 and slow.eta(began + 60) == 100.0 and new.eta(began + 60) is None
    totals = {"pages": 80, "items_seen": 240, "items_new": 12, "errors": 1}
    assert summary_lines([fast, slow, finished], totals, began + 60, shown=1) == [
        "[gkwatch] 机构 agencies 完成 done 1/3 · 进行中 running 2 · 未开始 waiting 0 · 页面 pages 80 · "
        "条目 items 240 (新 new 12) · 错误 errors 1 · 预计剩余 ETA ≥ 1m40s",
        "[gkwatch]   进行中 running b 乙局: 页面 pages 10 · 条目 items 40 · 错误 errors 0 · 待抓 queued 50 · "
        "预计 ETA ≥ 1m40s"]
    assert summary_lines([fast, new], totals, began + 60)[0].endswith("预计剩余 ETA ?")
    assert [duration(s) for s in (0, 59.6, 61, 3600 * 2 + 125)] == ["0m00s", "1m00s", "1m01s", "2h02m"]
