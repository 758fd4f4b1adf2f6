"""A finding rests only on pages that were read: a blocked, in-maintenance or error-page answer is the
crawler's trouble, recorded in ``fetches.verdict``, never the agency's finding; and a column is judged
by every item it lists, also those another column listed first."""

from __future__ import annotations

from .checkdb import AS_OF, Site, check, clean_site, days_before, found, new_db

STALE = 40   # days: past 工作动态's cadence


def stale_news(site) -> str:
    """A column whose newest item is old: the one planted defect."""
    return site.column("news", "部门动态", "/xxgk/bmdt/", [days_before(AS_OF, STALE)])


def test_a_blocked_portal_raises_no_absence_finding_and_keeps_those_open(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    news = stale_news(site)
    site.crawl()
    assert found(check(db)) == {("column_stale", news, "deduct")}
    # next crawl: an anti-bot challenge on the portal; the crawl reached nothing else
    site.crawl(verdicts={site.portal: "blocked"}, status={site.portal: 412}, skip=tuple(site.columns))
    doc = check(db)
    assert found(doc) == {("column_stale", news, "deduct")}       # kept: not read, not resolved
    assert found(doc, "resolved") == set() and doc["summary"]["opened"] == 0
    assert site.id in doc["summary"]["not_reached"]


def test_a_portal_in_maintenance_or_a_soft_404_raises_nothing_for_a_new_agency(db_path):
    for verdict in ("maintenance", "soft_404", "login", "incomplete"):
        db = new_db(db_path.with_name(f"{verdict}.db"))
        site = Site(db)                 # registered, nothing known of its columns yet
        site.crawl(verdicts={site.portal: verdict})
        doc = check(db)
        assert doc["findings"] == [], verdict    # no 专栏缺少…, no 年报缺失: the portal was never read
        assert doc["summary"]["not_reached"] == [site.id]


def test_a_blocked_column_keeps_its_finding_and_a_read_one_settles(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    news = stale_news(site)
    blank = site.column("licensing", "行政许可", "/xxgk/fdzdgknr/xzxk/", parent="/xxgk/fdzdgknr/")
    site.crawl()
    assert found(check(db)) == {("column_stale", news, "deduct"), ("column_empty", blank, "deduct")}
    site.crawl(verdicts={news: "blocked", blank: "maintenance"}, status={news: 412})
    doc = check(db)
    assert found(doc) == {("column_stale", news, "deduct"), ("column_empty", blank, "deduct")}
    assert found(doc, "resolved") == set()
    # read again, with a new item in each: both resolve
    site.item(news, days_before(AS_OF, 1))
    site.item(blank, days_before(AS_OF, 2))
    site.crawl()
    assert found(check(db)) == set()


def test_a_column_whose_link_answers_a_soft_404_is_a_broken_link_not_a_blank_column(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    dead = site.column("licensing", "行政许可", "/xxgk/fdzdgknr/xzxk/", parent="/xxgk/fdzdgknr/")
    site.crawl(verdicts={dead: "soft_404"})
    doc = check(db)
    assert found(doc) == {("broken_link", dead, "deduct")}
    [finding] = doc["findings"]
    assert "错误页（软 404）" in finding["message"]


def test_a_blocked_link_is_no_observation(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    link = site.url("/xxgk/fj/1.pdf")
    for _ in range(3):
        site.crawl(links=[(site.portal, link, 412)], verdicts={link: "blocked"})
    assert found(check(db)) == set()
    for _ in range(3):
        site.crawl(links=[(site.portal, link, 503)])
    assert found(check(db)) == {("broken_link", link, "deduct")}   # three real failures in a row


def test_an_unread_report_column_holds_back_the_missing_report(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    reports = site.url("/xxgk/nb/")
    db.execute("DELETE FROM items WHERE title LIKE '%2025年政府信息公开工作年度报告'")
    site.crawl(verdicts={reports: "blocked"}, status={reports: 412})
    assert found(check(db)) == set()
    site.crawl()
    assert found(check(db)) == {("annual_report_missing", "2025", "deduct")}


def test_an_item_listed_in_several_columns_counts_for_each(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    policy = site.url("/xxgk/fdzdgknr/zcwj/")
    sub = site.column("licensing", "规范性文件", "/xxgk/fdzdgknr/gfxwj/", parent="/xxgk/fdzdgknr/")
    shared = db.execute("SELECT i.id FROM items i JOIN listings l ON l.item_id = i.id WHERE l.column_id = ? "
                        "ORDER BY i.published DESC LIMIT 1", [site.columns[policy]]).fetchone()[0]
    site.list_in(sub, shared)          # the newest 政策文件 is also listed in the sub-column
    site.crawl()
    assert found(check(db)) == set()   # neither blank nor stale


def test_a_portal_read_with_no_column_found_is_not_recognised(db_path):
    """The portal answered a page, but not one column was found in it (a list drawn by a script we
    did not run, or not the portal at all): nothing is called missing from it."""
    db = new_db(db_path)
    site = Site(db)
    site.crawl()
    doc = check(db)
    assert doc["findings"] == [] and doc["summary"]["not_reached"] == []
