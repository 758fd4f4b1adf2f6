"""首页不更新 and 栏目不更新 by column type, the site-level vetoes, and the thresholds read from YAML."""

from __future__ import annotations

import pytest

from .checkdb import AS_OF, D, check, clean_site, days_before, finding, found, new_db


def test_the_clean_site_has_no_finding_and_a_perfect_score(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    site.crawl()
    doc = check(db)
    assert doc["findings"] == []
    assert doc["summary"]["scorecards"][site.id] == {"score": 100.0, "grade": "优秀", "vetoed": False}


@pytest.mark.parametrize("days, stale", [(14, False), (15, True)])
def test_homepage_not_updated_for_more_than_14_days_is_a_veto(db_path, days, stale):
    db = new_db(db_path)
    site = clean_site(db)
    site.crawl(home_latest=days_before(AS_OF, days).isoformat())
    expected = {("homepage_stale", site.home, "veto")} if stale else set()
    assert found(check(db)) == expected
    if stale:
        row = finding(db, "homepage_stale", site.home)
        assert row["message"] == (f"首页已 15 天未更新（最近一条 {days_before(AS_OF, 15)}），超过 14 天即单项否决"
                                  "（国办秘函〔2019〕19号）")


def test_navigation_only_homepage_is_judged_by_its_second_level_pages(db_path):
    """19号: 「如首页仅为网站栏目导航入口，所有二级页面无信息更新的，即单项否决」."""
    db = new_db(db_path)
    site = clean_site(db, day=days_before(AS_OF, 20))
    site.crawl(home_latest=None)
    assert ("homepage_stale", site.home, "veto") in found(check(db))
    site.item(site.url("/xxgk/fdzdgknr/gzdt/"), days_before(AS_OF, 2), "青川市商务局召开工作推进会")
    site.crawl(home_latest=None)
    assert ("homepage_stale", site.home, "veto") not in found(check(db))


def test_a_stale_portal_page_is_named_by_its_own_url(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    site.crawl(portal_latest=days_before(AS_OF, 40).isoformat())
    assert found(check(db)) == {("homepage_stale", site.portal, "deduct")}


@pytest.mark.parametrize("type_, name, limit, severity", [
    ("news", "工作动态", 14, "deduct"),
    ("notice", "通知公告", 183, "deduct"),
    ("policy", "政策文件", 183, "deduct"),
    ("personnel", "人事信息", 365, "info"),
    ("planning", "规划计划", 365, "info"),
])
def test_column_stale_by_type_opens_the_day_after_its_threshold(db_path, type_, name, limit, severity):
    db = new_db(db_path)
    site = clean_site(db)
    last = days_before(AS_OF, limit)
    url = site.column(type_, name, f"/xxgk/fdzdgknr/{type_}x/", [last, days_before(last, 30)],
                      parent="/xxgk/fdzdgknr/")
    site.crawl()
    assert found(check(db)) == set()                 # exactly `limit` days: not yet
    site.crawl(days_before(AS_OF, -1))
    doc = check(db, days_before(AS_OF, -1))
    assert found(doc) == {("column_stale", url, severity)}
    row = finding(db, "column_stale", url)
    assert row["message"].startswith(f"栏目「{name}」已 {limit + 1} 天未更新（最近一条 {last}），超过 {limit} 天的要求")
    assert row["first_seen"] == days_before(AS_OF, -1).isoformat()


def test_undated_items_count_as_not_updated(db_path):
    """2015 普查评分表注：「未注明信息发布时间的视为不更新」."""
    db = new_db(db_path)
    site = clean_site(db)
    url = site.column("notice", "公示公告", "/xxgk/gsgg/", undated=3)
    site.crawl()
    assert found(check(db)) == {("column_stale", url, "deduct")}
    assert "均未注明发布日期，视为未更新（国办发〔2015〕15号）" in finding(db, "column_stale", url)["message"]


def test_removed_items_do_not_keep_a_column_fresh(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    url = site.column("news", "部门动态", "/xxgk/bmdt/", [days_before(AS_OF, 40)])
    fresh = site.item(url, days_before(AS_OF, 2))
    db.execute("UPDATE items SET missing_since = '2026-11-20T09:00:00+08:00', removed_at = '2026-11-20T09:00:05+08:00' "
               "WHERE url = ?", [fresh])
    db.conn.commit()
    site.crawl()
    assert ("column_stale", url, "deduct") in found(check(db))


def test_items_published_after_as_of_are_ignored(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    url = site.column("news", "部门动态", "/xxgk/bmdt/", [days_before(AS_OF, 30), days_before(AS_OF, -5)])
    site.crawl()
    assert ("column_stale", url, "deduct") in found(check(db))


def test_five_stale_news_notice_policy_columns_are_a_site_veto(db_path):
    """19号: 动态要闻 (2 weeks) and 通知公告、政策文件 (6 months) 「累计超过（含）5个未更新」."""
    db = new_db(db_path)
    site = clean_site(db)
    urls = [site.column("news", f"动态{k}", f"/xxgk/dt{k}/", [days_before(AS_OF, 20)]) for k in range(4)]
    site.crawl()
    assert {sev for _, _, sev in found(check(db))} == {"deduct"}
    urls.append(site.column("policy", "政策法规", "/xxgk/zcfg/", [days_before(AS_OF, 200)]))
    site.crawl()
    doc = check(db)
    assert found(doc) == {("column_stale", url, "veto") for url in urls}
    assert "本站共 5 个此类栏目未更新，达到 5 个即单项否决" in finding(db, "column_stale", urls[0])["message"]
    assert doc["summary"]["scorecards"][site.id] == {"score": None, "grade": "单项否决", "vetoed": True}


def test_ten_long_stale_columns_are_a_site_veto(db_path):
    """19号: 「应更新但长期未更新的栏目数量超过（含）10个」 (here 人事 and 规划 columns, a year old)."""
    db = new_db(db_path)
    site = clean_site(db)
    urls = [site.column("personnel" if k % 2 else "planning", f"栏目{k}", f"/xxgk/c{k}/", [days_before(AS_OF, 400)])
            for k in range(9)]
    site.crawl()
    assert {sev for _, _, sev in found(check(db))} == {"info"}
    urls.append(site.column("planning", "栏目9", "/xxgk/c9/", [days_before(AS_OF, 400)]))
    site.crawl()
    assert found(check(db)) == {("column_stale", url, "veto") for url in urls}


def test_changing_a_threshold_in_yaml_changes_the_outcome(db_path, tmp_path):
    from .test_checks_rulebook import edited

    db = new_db(db_path)
    site = clean_site(db)
    url = site.column("news", "部门动态", "/xxgk/bmdt/", [days_before(AS_OF, 20)])
    site.crawl()
    assert found(check(db)) == {("column_stale", url, "deduct")}
    relaxed = edited(tmp_path, {"      news:\n        threshold_days: 14": "      news:\n        threshold_days: 30"})
    assert found(check(db, rulebook=relaxed)) == set()
    strict = edited(tmp_path, {"      notice:\n        threshold_days: 183": "      notice:\n        threshold_days: 3"},
                    name="strict.yaml")
    assert found(check(db, rulebook=strict)) == {("column_stale", url, "deduct"),
                                                 ("column_stale", site.url("/xxgk/fdzdgknr/tzgg/"), "deduct")}


def test_a_stale_column_no_longer_linked_is_resolved(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    url = site.column("news", "部门动态", "/xxgk/bmdt/", [D("2026-10-01")])
    site.crawl()
    assert found(check(db)) == {("column_stale", url, "deduct")}
    site.crawl(skip=(url,))
    doc = check(db)
    assert found(doc) == set() and found(doc, "resolved") == {("column_stale", url, "deduct")}

