"""Monthly publishing quota (the agency's own promise, seed 001) and category imbalance."""

from __future__ import annotations

import datetime as dt

from .checkdb import AS_OF, D, check, clean_site, days_before, finding, found, new_db


def test_months_below_the_agencys_quota(db_path):
    """seed 001: 「要求全局每月公开信息不少于100条」; only whole months the crawl covers are judged."""
    db = new_db(db_path)
    site = clean_site(db, quota=10)
    news = site.url("/xxgk/fdzdgknr/gzdt/")
    # October 2026 gets enough items; September, August … keep the clean site's ~4-7 a month
    site.items(news, [D("2026-10-01") + dt.timedelta(days=k) for k in range(8)])
    site.crawl()
    doc = check(db)
    oldest = db.execute("SELECT MIN(published) FROM items WHERE agency_id = ?", [site.id]).fetchone()[0]
    months = [f"{y}-{m:02d}" for y, m in [(2025, 11), (2025, 12)] + [(2026, m) for m in range(1, 11)]]
    expected = {("publishing_quota", m, "info") for m in months if m != "2026-10" and m + "-01" >= oldest}
    assert found(doc) == expected and len(expected) == 11
    row = finding(db, "publishing_quota", "2026-09")
    count = db.execute("SELECT COUNT(*) FROM items WHERE agency_id = ? AND published LIKE '2026-09-%'",
                       [site.id]).fetchone()[0]
    assert row["message"] == (f"2026 年 9 月仅公开 {count} 条信息，少于本机关承诺的每月 10 条（机关自定标准）")


def test_no_quota_no_check_and_the_rulebook_can_set_one(db_path, tmp_path):
    from .test_checks_rulebook import edited

    db = new_db(db_path)
    site = clean_site(db)
    site.crawl()
    assert found(check(db)) == set()
    book = edited(tmp_path, {}, append=f"""
  - match: {{agency: {site.id}}}
    checks:
      publishing_quota: {{monthly_quota: 20, months: 1}}
""")
    count = db.execute("SELECT COUNT(*) FROM items WHERE published LIKE '2026-10-%'").fetchone()[0]
    assert count < 20
    assert found(check(db, rulebook=book)) == {("publishing_quota", "2026-10", "info")}


def test_news_crowding_out_policy_enforcement_and_budgets(db_path):
    """seed 001: 「工作动态信息量较大，政策法规、行政执法、财务预决算等信息占总体比重仍然较少」."""
    db = new_db(db_path)
    site = clean_site(db)
    news = site.url("/xxgk/fdzdgknr/gzdt/")
    site.items(news, [days_before(AS_OF, k) for k in range(1, 120)])      # 1 a day on top of weekly news
    site.crawl()
    assert found(check(db)) == {("category_imbalance", site.id, "info")}
    row = finding(db, "category_imbalance", site.id)
    assert row["message"].startswith("近 365 天发布工作动态类信息 ") and "信息发布不均衡" in row["message"]


def test_category_imbalance_is_not_applied_to_towns(db_path):
    db = new_db(db_path)
    site = clean_site(db, level="乡镇", kind="政府", id="qingchuan-qsz", name="青石镇人民政府")
    site.items(site.url("/xxgk/fdzdgknr/gzdt/"), [days_before(AS_OF, k) for k in range(1, 120)])
    site.crawl()
    assert found(check(db)) == set()
