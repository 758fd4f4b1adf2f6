"""Broken links (pages, attachments, nav links stored as columns) and removed items."""

from __future__ import annotations

from .checkdb import AS_OF, check, clean_site, days_before, finding, found, new_db


def notice_with_attachment(site):
    notice = site.url("/xxgk/fdzdgknr/tzgg/")
    page = site.item(notice, days_before(AS_OF, 100), "关于申报2026年外贸发展专项资金的通知")
    return page, page.rsplit("/", 1)[0] + "/P020260814123456.doc"


def test_a_404_attachment_is_a_broken_link_on_first_sight(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    page, attachment = notice_with_attachment(site)
    site.crawl(links=[(page, attachment, 404)])
    assert found(check(db)) == {("broken_link", attachment, "deduct")}
    row = finding(db, "broken_link", attachment)
    assert row["message"] == (f"链接无法打开（HTTP 404）：{attachment}，所在页面 {page}"
                              "（国办秘函〔2019〕19号 链接可用性）")
    # the crawler checks an attachment once, when it first fetches the item: the finding stays
    site.crawl()
    assert found(check(db)) == {("broken_link", attachment, "deduct")}


def test_a_server_error_must_repeat_three_times(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    link = site.url("/xxgk/zcjd/index.html")
    portal = site.portal
    site.crawl(days_before(AS_OF, 2), links=[(portal, link, 502)])
    site.crawl(days_before(AS_OF, 1), links=[(portal, link, None)])      # connection refused
    assert found(check(db, days_before(AS_OF, 1))) == set()
    site.crawl(AS_OF, links=[(portal, link, 503)])
    assert found(check(db)) == {("broken_link", link, "deduct")}
    assert finding(db, "broken_link", link)["observations"] == 3


def test_a_nav_link_that_404s_is_a_broken_link_not_a_blank_column(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    nav = site.column("interaction", "互动交流", "/hdjl/index.jsp")
    site.crawl(status={nav: 404})
    assert found(check(db)) == {("broken_link", nav, "deduct")}
    assert finding(db, "broken_link", nav)["message"].startswith("栏目「互动交流」的链接无法打开（HTTP 404）")


def test_a_fixed_link_resolves_and_a_recurrence_reopens(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    link = site.url("/xxgk/bszn/index.html")
    site.crawl(days_before(AS_OF, 2), links=[(site.portal, link, 404)])
    assert found(check(db, days_before(AS_OF, 2))) == {("broken_link", link, "deduct")}
    site.crawl(days_before(AS_OF, 1), links=[(site.portal, link, 200)])
    assert found(check(db, days_before(AS_OF, 1))) == set()
    site.crawl(AS_OF, links=[(site.portal, link, 404)])
    assert found(check(db)) == {("broken_link", link, "deduct")}
    row = finding(db, "broken_link", link)
    assert row["times_reopened"] == 1 and row["first_seen"] == days_before(AS_OF, 2).isoformat()


def test_a_broken_link_taken_off_the_page_is_resolved(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    link = site.url("/xxgk/old/index.html")
    site.crawl(days_before(AS_OF, 1), links=[(site.portal, link, 404)])
    assert found(check(db, days_before(AS_OF, 1))) == {("broken_link", link, "deduct")}
    site.crawl()     # the portal no longer links it, so it is not checked
    assert found(check(db)) == set()


def test_head_refused_then_get_ok_is_not_broken(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    link = site.url("/xxgk/zcjd/index.html")
    run = site.crawl(links=[(site.portal, link, 405)])
    db["fetches"].insert({"crawl_run_id": run, "agency_id": site.id, "url": link, "kind": "link", "method": "GET",
                          "status": 200, "elapsed_ms": 80, "fetched_at": "2026-11-22T10:00:00+08:00",
                          "verdict": "read"})
    assert found(check(db)) == set()


def test_an_item_gone_from_its_list_and_404_is_removed(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    notice = site.url("/xxgk/fdzdgknr/tzgg/")
    item = site.item(notice, days_before(AS_OF, 200), "关于做好2026年劳动节期间内外贸一体化工作的通知")
    site.crawl(days_before(AS_OF, 2))
    site.missing(item)
    site.crawl(days_before(AS_OF, 1), verify={item: 200})      # unlisted but still online: not removed
    assert found(check(db, days_before(AS_OF, 1))) == set()
    site.crawl(AS_OF, verify={item: 404})
    assert found(check(db)) == {("item_removed", item, "info")}
    row = finding(db, "item_removed", item)
    assert row["message"].startswith(f"已公开的信息「关于做好2026年劳动节期间内外贸一体化工作的通知」（发布于 "
                                     f"{days_before(AS_OF, 200)}）已从栏目「通知公告」列表撤下，原网址返回 HTTP 404")
    assert db.execute("SELECT removed_at FROM items WHERE url = ?", [item]).fetchone()[0] is not None
    # once confirmed the crawler stops verifying it; the finding stays until the item is back
    site.crawl()
    assert found(check(db)) == {("item_removed", item, "info")}
    site.relisted(item)
    site.crawl()
    assert found(check(db)) == set()
