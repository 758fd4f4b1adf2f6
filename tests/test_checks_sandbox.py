"""The checks against the sandbox's ground truth: crawl the sandbox as days pass, run `check` after
every crawl, and compare the open findings with ``build_manifest(as_of)["defects"]`` defect by defect
(recall and precision 1.0, the clean agency without any finding), then follow findings over time.
The history checks too: a back-dated item posted on the day after 11-22 (seen by the 11-26 crawl,
whose earlier walks had gone past its date), 石川's portal reorganised that day (the changes between
the crawls of 11-22 and 11-26), message boards, 解读, residents' numbers.

Between crawls the home pages are probed 20 times a day (`gkwatch probe`'s own code, stamped with the
sandbox's day), as 国办秘函〔2019〕19号 asks before a site is called unreachable; see ``expected``."""

from __future__ import annotations

import datetime as dt
import re

import pytest

import storage
from core.clock import TZ
from core.config import Config
from crawlers.probe import probe_all, store, targets
from sandbox import Sandbox, build_manifest, registry_entries
from sandbox.model import build_sites
from sandbox.server import is_down
from monitors.run_checks import run_checks

from .conftest import SLOW_SECONDS, crawl, import_registry

D = dt.date.fromisoformat
# 11-05 before the 宣林 notice is taken down (11-10); 11-08 the day 武兴's news column turns stale;
# 凤岭 is down from 11-12 to 11-25 (three observations by 11-14); 11-26 it is back.
DAYS = [D("2026-11-05"), D("2026-11-07"), D("2026-11-08"), D("2026-11-12"), D("2026-11-13"), D("2026-11-14"),
        D("2026-11-22"), D("2026-11-26")]
CLEAN = "sb-huailing-czj"
# Home pages probed 20 times a day from 11-15 to 12-02: the weeks before 11-22 and 11-26 are covered
# (凤岭 down throughout), and the week before 12-03 (凤岭 back up since 11-26). No crawl on 12-03.
PROBE_DAYS = [D("2026-11-15") + dt.timedelta(days=n) for n in range(18)]
PROBES_PER_DAY = 20
LAST = D("2026-12-03")


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("checks-sandbox")
    db_path = tmp / "gkwatch.db"
    docs, manifests = {}, {}
    with Sandbox(DAYS[0], port=0, slow_seconds=SLOW_SECONDS) as sandbox:
        import_registry(tmp, registry_entries(sandbox.port), db_path)
        for day in sorted({*DAYS, *PROBE_DAYS, LAST}):
            sandbox.set_as_of(day)
            db = storage.connect(db_path)
            if day in PROBE_DAYS:
                homes = targets(db)
                for k in range(PROBES_PER_DAY):
                    moment = dt.datetime.combine(day, dt.time(0, 20), TZ) + k * dt.timedelta(minutes=71)
                    store(db, probe_all(homes, config=Config(), timeout=5, at=moment))
            if day in DAYS:
                crawl(db_path, "--as-of", str(day))
            if day in DAYS or day == LAST:
                docs[day] = run_checks(db, day)
                manifests[day] = sandbox.manifest()
            db.close()
        port = sandbox.port
    return db_path, docs, manifests, port


def open_findings(doc: dict) -> set[tuple[str, str, str, str]]:
    return {(f["agency"], f["check"], f["subject"], f["severity"]) for f in doc["findings"] if f["status"] == "open"}


def expected(manifest: dict, port: int) -> set[tuple[str, str, str, str]]:
    """The manifest's defects as this test could observe them. The manifest marks 站点无法访问 on the
    days a site is down and slow_page on every slow column; but 国办秘函〔2019〕19号 calls a site
    unreachable only on a week of ≥ 20 probes a day with ≥ 5 % failed, so here: when every day of the
    week before as_of was probed (PROBE_DAYS) and the site was down on any of them (20 of 140 probes:
    14 %), whether or not it is down on as_of. A slow page is measured only by a fetch that waited
    15 s: this crawl gives up after 5 s (conftest.FAST_CRAWL) on a page that answers after 8 s, a
    timeout, not a slow page. And a column change is reported for the crawl that first sees it: the
    changes of the days since the previous crawl."""
    day = D(manifest["as_of"])
    truth = {(d["agency"], d["check"], d["subject"], d["severity"]) for d in manifest["defects"]
             if d["check"] not in ("site_unreachable", "slow_page", "column_changed")}
    since = max((d for d in DAYS if d < day), default=day)
    for between in (since + dt.timedelta(days=n) for n in range(1, (day - since).days + 1)):
        truth |= {(d["agency"], d["check"], d["subject"], d["severity"])
                  for d in build_manifest(between, port)["defects"] if d["check"] == "column_changed"}
    week = [day - dt.timedelta(days=n) for n in range(7, 0, -1)]
    if set(week) <= set(PROBE_DAYS):
        for site in build_sites(port):
            if any(is_down(site, d) for d in week):
                truth.add((site.spec.id, "site_unreachable", site.url("/"), "veto"))
    return truth


@pytest.mark.parametrize("day", [D("2026-11-22"), D("2026-11-26")])
def test_every_planted_defect_is_found_and_nothing_else(history, day):
    _, docs, manifests, port = history
    found, truth = open_findings(docs[day]), expected(manifests[day], port)
    assert truth, "the sandbox plants defects"
    missed, extra = sorted(truth - found), sorted(found - truth)
    assert not missed and not extra, (f"missed (recall): {missed}\n"
                                      f"not a planted defect (precision): {extra}")
    assert not [f for f in docs[day]["findings"] if f["agency"] == CLEAN]
    assert docs[day]["summary"]["scorecards"][CLEAN] == {"score": 100.0, "grade": "优秀", "vetoed": False}


def test_every_check_of_the_manifest_is_exercised(history):
    _, _, manifests, port = history
    checks = {d["check"] for m in manifests.values() for d in m["defects"]} | {
        check for day in DAYS for _, check, _, _ in expected(manifests[day], port)}
    assert checks == {"site_unreachable", "homepage_stale", "column_stale", "column_empty", "mandatory_column_missing",
                      "annual_report_missing", "annual_report_late", "report_balance", "broken_link", "item_removed",
                      "slow_page", "item_backdated", "privacy_leak", "interpretation_missing", "column_changed",
                      "message_unanswered"}


def test_a_column_becoming_stale_opens_on_its_day_not_a_day_early(history):
    db_path, docs, _, _ = history
    news = next(d["subject"] for d in expected_defects(history, D("2026-11-08"))
                if d["agency"] == "sb-wuxing-swj" and d["check"] == "column_stale")
    key = ("sb-wuxing-swj", "column_stale", news, "deduct")
    assert key not in open_findings(docs[D("2026-11-07")])
    assert key in open_findings(docs[D("2026-11-08")])
    entry = next(f for f in docs[D("2026-11-08")]["findings"] if f["subject"] == news)
    assert entry["first_seen"] == "2026-11-08" and entry["new"] is True
    assert re.fullmatch(r"栏目「.+」已 15 天未更新（最近一条 2026-10-24），超过 14 天的要求（国办秘函〔2019〕19号）",
                        entry["message"]), entry["message"]


def test_failed_crawls_are_no_veto_a_week_of_failed_probes_is_and_a_good_week_resolves_it(history):
    _, docs, manifests, _ = history
    home = next(a["homepage"] for a in manifests[DAYS[0]]["agencies"] if a["id"] == "sb-fengling-gov")
    key = ("sb-fengling-gov", "site_unreachable", home, "veto")
    for day in ("2026-11-12", "2026-11-13", "2026-11-14"):     # three failed crawls in a row, no week of probes
        assert key not in open_findings(docs[D(day)])
    assert key in open_findings(docs[D("2026-11-22")])        # 11-15..21: 140 probes, all refused
    message = next(f["message"] for f in docs[D("2026-11-22")]["findings"] if f["subject"] == home)
    assert message.startswith("2026-11-15 至 2026-11-21 的 7 天里网站首页每天访问 20 次以上（共 140 次），140 次打不开"
                              "（100.0%）：无法连接 140 次；"), message
    assert key in open_findings(docs[D("2026-11-26")])        # up again, but the week before was down
    assert key not in open_findings(docs[LAST])               # 11-26..12-02 all answered: resolved
    resolved = [(f["agency"], f["check"]) for f in docs[LAST]["findings"]
                if f["status"] == "resolved" and f["check"] == "site_unreachable"]
    assert resolved == [("sb-fengling-gov", "site_unreachable")]
    assert not [f for f in docs[LAST]["findings"] if f["check"] == "site_unreachable" and f["status"] == "open"]


def test_content_of_a_down_site_is_not_judged_while_it_is_down(history):
    _, docs, _, _ = history
    assert docs[D("2026-11-22")]["summary"]["not_reached"] == ["sb-fengling-gov"]
    assert not [f for f in docs[D("2026-11-22")]["findings"]
                if f["agency"] == "sb-fengling-gov" and f["check"] != "site_unreachable"]


def test_a_recurrence_reopens_and_a_past_day_is_reproducible(history):
    db_path, docs, _, _ = history
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


def findings_of(doc: dict, check: str) -> list[dict]:
    return [f for f in doc["findings"] if f["check"] == check and f["status"] == "open"]


def test_a_backdated_item_names_the_walks_that_went_past_its_date(history):
    """The walks of 11-14 and 11-22 went past 11-10 without the item (those of 11-05 to 11-13 were not
    more than 3 days after it), each with the capture of the column page it read; the crawl of 11-26
    first listed it."""
    _, docs, manifests, _ = history
    [late] = findings_of(docs[D("2026-11-26")], "item_backdated")
    assert late["subject"] == next(d["subject"] for d in manifests[D("2026-11-26")]["defects"]
                                   if d["check"] == "item_backdated")
    evidence = late["evidence"]
    assert evidence["declared_date"] == "2026-11-10" and "2026-11-10" in late["message"]
    assert len(evidence["walks_without_it"]) == 2
    assert all(w["capture_id"] and len(w["sha256"]) == 64 for w in evidence["walks_without_it"])
    assert evidence["first_listed_capture"]["capture_id"]


def test_history_findings_name_their_evidence(history):
    """The portal's changes: the captures of the portal on 11-22 and 11-26. Residents' numbers only
    masked; messages with when they were asked and answered."""
    _, docs, manifests, _ = history
    doc, truth = docs[D("2026-11-26")], manifests[D("2026-11-26")]["defects"]
    changes = findings_of(doc, "column_changed")
    assert sorted(f["evidence"]["change"] for f in changes) == ["added", "gone", "moved", "renamed"]
    for finding in changes:
        captures = finding["evidence"]["portal_captures"]
        assert len({c["crawl_run_id"] for c in captures}) == 2 and len({c["sha256"] for c in captures}) == 2
    renamed = next(f for f in changes if f["evidence"]["change"] == "renamed")
    assert renamed["message"].startswith("栏目「财政动态」更名为「工作动态」（地址未变）")
    for finding in findings_of(doc, "privacy_leak"):
        masked = [n["masked"] for n in finding["evidence"]["numbers"]]
        planted = next(d for d in truth if d["subject"] == finding["subject"])
        assert sorted(masked) == sorted(planted["detail"]["masked"]) and all("*" in m for m in masked)
    unanswered = {f["subject"]: f["evidence"] for f in findings_of(doc, "message_unanswered")}
    for d in truth:
        if d["check"] == "message_unanswered" and d["subject"] in unanswered:
            assert (unanswered[d["subject"]]["asked"], unanswered[d["subject"]]["replied"]) == (
                d["detail"]["asked"], d["detail"]["replied"])


def test_column_changes_are_reported_once_by_the_run_that_saw_them(history):
    """Reported for the crawl of 11-26 (after the change of 11-23); a check of 12-03 without a new
    crawl keeps them; they are not blamed on any other agency."""
    _, docs, _, _ = history
    assert not findings_of(docs[D("2026-11-22")], "column_changed")
    assert {f["agency"] for f in findings_of(docs[D("2026-11-26")], "column_changed")} == {"sb-shichuan-czj"}
    assert len(findings_of(docs[LAST], "column_changed")) == 4
