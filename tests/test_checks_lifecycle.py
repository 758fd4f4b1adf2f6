"""Findings over time: opened on the right day, idempotent, resolved, re-opened, reproducible for a
past day; scorecards kept as history."""

from __future__ import annotations

import json

from monitors.run_checks import exit_code

from .checkdb import AS_OF, D, check, clean_site, days_before, finding, found, new_db


def stale_news_site(db):
    """A 部门 whose only news column stops on 2026-11-01: stale from 2026-11-16 (15 days)."""
    site = clean_site(db)
    news = site.url("/xxgk/fdzdgknr/gzdt/")
    db.execute("DELETE FROM items WHERE column_id = ? AND published > '2026-11-01'", [site.columns[news]])
    db.conn.commit()
    return site, news


def test_opens_on_the_right_day_not_a_day_early(db_path):
    db = new_db(db_path)
    site, news = stale_news_site(db)
    last = db.execute("SELECT MAX(published) FROM items WHERE column_id = ?", [site.columns[news]]).fetchone()[0]
    limit_day = D(last) + __import__("datetime").timedelta(days=14)
    for day in (days_before(limit_day, 1), limit_day):
        site.crawl(day)
        assert found(check(db, day)) == set(), day
    opening = D(last) + __import__("datetime").timedelta(days=15)
    site.crawl(opening)
    assert found(check(db, opening)) == {("column_stale", news, "deduct")}
    assert finding(db, "column_stale", news)["first_seen"] == opening.isoformat()


def test_second_run_changes_nothing_and_is_not_new(db_path):
    db = new_db(db_path)
    site, news = stale_news_site(db)
    site.crawl()
    first = check(db)
    state = list(db.query("SELECT * FROM findings ORDER BY id"))
    assert exit_code(first, "deduct") == 2 and first["summary"]["opened"] == 1
    second = check(db)
    assert list(db.query("SELECT * FROM findings ORDER BY id")) == state
    assert exit_code(second, "deduct") == 1 and second["summary"]["opened"] == 0
    assert [f["new"] for f in second["findings"]] == [False]
    assert exit_code(second, "veto") == 0


def test_resolved_then_reopened(db_path):
    db = new_db(db_path)
    site, news = stale_news_site(db)
    site.crawl(D("2026-11-20"))
    assert found(check(db, D("2026-11-20"))) == {("column_stale", news, "deduct")}
    fresh = site.item(news, D("2026-11-21"), "青川市商务局召开外贸企业座谈会")
    site.crawl(D("2026-11-21"))
    doc = check(db, D("2026-11-21"))
    assert found(doc) == set() and found(doc, "resolved") == {("column_stale", news, "deduct")}
    row = finding(db, "column_stale", news)
    assert (row["status"], row["resolved_at"], row["times_reopened"]) == ("resolved", "2026-11-21", 0)
    db.execute("DELETE FROM items WHERE url = ?", [fresh])       # the site took it down again
    db.conn.commit()
    site.crawl(AS_OF)
    doc = check(db)
    assert found(doc) == {("column_stale", news, "deduct")} and exit_code(doc) == 2
    row = finding(db, "column_stale", news)
    assert (row["status"], row["resolved_at"], row["times_reopened"]) == ("open", None, 1)
    assert (row["first_seen"], row["last_seen"]) == ("2026-11-20", AS_OF.isoformat())


def test_a_run_for_a_past_day_is_reproducible(db_path):
    db = new_db(db_path)
    site, news = stale_news_site(db)
    site.crawl()
    past = check(db, D("2026-11-10"))
    today = check(db)
    again = check(db, D("2026-11-10"))
    keys = lambda doc: sorted((f["check"], f["subject"], f["severity"], f["message"]) for f in doc["findings"]
                              if f["status"] == "open")
    assert keys(past) == keys(again) == []
    assert keys(today) != []


def test_an_agency_filter_leaves_other_agencies_alone(db_path):
    db = new_db(db_path)
    a, news_a = stale_news_site(db)
    a.crawl()
    b = clean_site(db, id="qingchuan-fgw", name="青川市发展和改革委员会", host="http://fgw.qingchuan.example.gov.cn")
    b.crawl()
    assert found(check(db)) == {("column_stale", news_a, "deduct")}
    db.execute("DELETE FROM items WHERE agency_id = ? AND published > '2026-11-01'", [a.id])
    db.conn.commit()
    doc = check(db, agency_ids=[b.id])
    assert doc["findings"] == [] and finding(db, "column_stale", news_a)["status"] == "open"
    assert list(doc["summary"]["scorecards"]) == [b.id]


def test_scorecards_follow_the_19_model_and_the_bands_and_are_kept(db_path):
    db = new_db(db_path)
    site, news = stale_news_site(db)
    site.crawl()
    check(db)
    card = db.execute("SELECT score, grade, vetoed, deductions FROM scorecards ORDER BY id DESC").fetchone()
    assert card[:3] == (98.0, "优秀", 0)
    deductions = json.loads(card[3])
    assert deductions["result"] == "合格" and deductions["items"][0] == {
        "check": "column_stale", "findings": 1, "points_each": 2, "cap": 20, "points": 2, "verification": "UNVERIFIED"}
    site.crawl(home_latest="2026-10-01")
    check(db)
    card = db.execute("SELECT score, grade, vetoed, deductions FROM scorecards ORDER BY id DESC").fetchone()
    assert card[1:3] == ("不合格", 1) and json.loads(card[3])["vetoes"][0]["check"] == "homepage_stale"
    assert db["scorecards"].count == 2 and db["check_runs"].count == 2


def test_score_bands():
    from monitors import rulebook
    from monitors.scoring import grade, scorecard

    rules = rulebook.default().for_agency({"id": "x", "level": "市", "kind": "部门"})
    assert [grade(s, False, rules) for s in (100, 90, 89.5, 80, 79, 60, 59.9)] == \
        ["优秀", "优秀", "良好", "良好", "合格", "合格", "不合格"]
    assert grade(100, True, rules) == "不合格"
    capped = scorecard(rules, {("column_stale", "deduct"): 30, ("item_removed", "info"): 4}, [])
    assert capped["score"] == 80.0 and capped["grade"] == "良好"       # 30 × 2 capped at 20; info never counts
    failing = scorecard(rules, {("column_stale", "deduct"): 10, ("mandatory_column_missing", "deduct"): 4,
                                ("annual_report_missing", "deduct"): 4}, [])
    assert failing["score"] == 40.0 and failing["grade"] == "不合格" and failing["deductions"]["result"] == "不合格"
