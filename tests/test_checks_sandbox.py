"""The checks against the sandbox's ground truth: crawl the sandbox as days pass, run `check` after
every crawl, and compare the open findings with ``build_manifest(as_of)["defects"]`` defect by defect
(recall and precision 1.0, the clean agency without any finding), then follow findings over time."""

from __future__ import annotations

import datetime as dt
import re

import pytest

import storage
from sandbox import Sandbox, registry_entries
from monitors.run_checks import run_checks

from .conftest import SLOW_SECONDS, crawl, import_registry

D = dt.date.fromisoformat
# 11-05 before the 宣林 notice is taken down (11-10); 11-08 the day 武兴's news column turns stale;
# 凤岭 is down from 11-12 to 11-25 (three observations by 11-14); 11-26 it is back.
DAYS = [D("2026-11-05"), D("2026-11-07"), D("2026-11-08"), D("2026-11-12"), D("2026-11-13"), D("2026-11-14"),
        D("2026-11-22"), D("2026-11-26")]
CLEAN = "sb-huailing-czj"


def severity_of(defect: dict) -> str:
    """The severity monitors/rulebook.yaml gives each planted defect (no site-level veto is reached)."""
    if defect["check"] == "column_stale":
        return "info" if defect["detail"]["type"] in ("personnel", "planning") else "deduct"
    return {"site_unreachable": "veto", "homepage_stale": "veto", "item_removed": "info"}.get(defect["check"], "deduct")


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("checks-sandbox")
    db_path = tmp / "gkwatch.db"
    docs, manifests = {}, {}
    with Sandbox(DAYS[0], port=0, slow_seconds=SLOW_SECONDS) as sandbox:
        import_registry(tmp, registry_entries(sandbox.port), db_path)
        for day in DAYS:
            sandbox.set_as_of(day)
            crawl(db_path)
            db = storage.connect(db_path)
            docs[day] = run_checks(db, day)
            db.close()
            manifests[day] = sandbox.manifest()
    return db_path, docs, manifests


def open_findings(doc: dict) -> set[tuple[str, str, str, str]]:
    return {(f["agency"], f["check"], f["subject"], f["severity"]) for f in doc["findings"] if f["status"] == "open"}


def expected(manifest: dict) -> set[tuple[str, str, str, str]]:
    return {(d["agency"], d["check"], d["subject"], severity_of(d)) for d in manifest["defects"]}


@pytest.mark.parametrize("day", [D("2026-11-22"), D("2026-11-26")])
def test_every_planted_defect_is_found_and_nothing_else(history, day):
    _, docs, manifests = history
    found, truth = open_findings(docs[day]), expected(manifests[day])
    assert truth, "the sandbox plants defects"
    for defect in sorted(truth):
        assert defect in found, f"missed (recall): {defect}"
    for finding in sorted(found):
        assert finding in truth, f"not a planted defect (precision): {finding}"
    assert not [f for f in docs[day]["findings"] if f["agency"] == CLEAN]
    assert docs[day]["summary"]["scorecards"][CLEAN] == {"score": 100.0, "grade": "优秀", "vetoed": False}


def test_every_check_of_the_manifest_is_exercised(history):
    _, _, manifests = history
    checks = {d["check"] for m in manifests.values() for d in m["defects"]}
    assert checks == {"site_unreachable", "homepage_stale", "column_stale", "column_empty", "mandatory_column_missing",
                      "annual_report_missing", "annual_report_late", "report_balance", "broken_link", "item_removed",
                      "slow_page"}


def test_a_column_becoming_stale_opens_on_its_day_not_a_day_early(history):
    db_path, docs, _ = history
    news = next(d["subject"] for d in expected_defects(history, D("2026-11-08"))
                if d["agency"] == "sb-wuxing-swj" and d["check"] == "column_stale")
    key = ("sb-wuxing-swj", "column_stale", news, "deduct")
    assert key not in open_findings(docs[D("2026-11-07")])
    assert key in open_findings(docs[D("2026-11-08")])
    entry = next(f for f in docs[D("2026-11-08")]["findings"] if f["subject"] == news)
    assert entry["first_seen"] == "2026-11-08" and entry["new"] is True
    assert re.fullmatch(r"栏目「.+」已 15 天未更新（最近一条 2026-10-24），超过 14 天的要求（国办秘函〔2019〕19号）",
                        entry["message"]), entry["message"]


def test_a_site_down_once_is_nothing_three_times_a_veto_and_back_up_resolved(history):
    _, docs, manifests = history
    home = next(a["homepage"] for a in manifests[DAYS[0]]["agencies"] if a["id"] == "sb-fengling-gov")
    key = ("sb-fengling-gov", "site_unreachable", home, "veto")
    assert key not in open_findings(docs[D("2026-11-12")])       # one failing observation
    assert key not in open_findings(docs[D("2026-11-13")])       # two
    assert key in open_findings(docs[D("2026-11-14")])           # three
    assert key not in open_findings(docs[D("2026-11-26")])       # back up: resolved
    resolved = [f for f in docs[D("2026-11-26")]["findings"] if f["status"] == "resolved"]
    assert [(f["agency"], f["check"]) for f in resolved] == [("sb-fengling-gov", "site_unreachable")]


def test_content_of_a_down_site_is_not_judged_while_it_is_down(history):
    _, docs, _ = history
    assert docs[D("2026-11-22")]["summary"]["not_reached"] == ["sb-fengling-gov"]
    assert not [f for f in docs[D("2026-11-22")]["findings"]
                if f["agency"] == "sb-fengling-gov" and f["check"] != "site_unreachable"]


def test_a_recurrence_reopens_and_a_past_day_is_reproducible(history):
    db_path, docs, _ = history
    db = storage.connect(db_path)
    news = next(f["subject"] for f in docs[D("2026-11-08")]["findings"]
                if f["agency"] == "sb-wuxing-swj" and f["check"] == "column_stale")
    earlier = run_checks(db, D("2026-11-07"))        # the same data, seen as of an earlier day
    assert ("sb-wuxing-swj", "column_stale", news, "deduct") not in open_findings(earlier)
    again = run_checks(db, D("2026-11-26"))
    assert open_findings(again) == open_findings(docs[D("2026-11-26")])
    row = next(db.query("SELECT * FROM findings WHERE check_name = 'column_stale' AND subject = ?", [news]))
    assert (row["status"], row["times_reopened"], row["first_seen"]) == ("open", 1, "2026-11-08")


def expected_defects(history, day):
    return history[2][day]["defects"]
