"""站点无法访问 and slow pages: built on fetches, so only N consecutive failing observations count."""

from __future__ import annotations

from .checkdb import AS_OF, check, clean_site, days_before, finding, found, new_db


def test_site_down_once_gives_nothing_three_times_gives_one_veto(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    site.crawl(days_before(AS_OF, 3))
    site.crawl(days_before(AS_OF, 2), down=True)
    assert found(check(db, days_before(AS_OF, 2))) == set()
    site.crawl(days_before(AS_OF, 1), down=True)
    assert found(check(db, days_before(AS_OF, 1))) == set()
    site.crawl(AS_OF, down=True)
    doc = check(db)
    assert found(doc) == {("site_unreachable", site.home, "veto")}
    row = finding(db, "site_unreachable", site.home)
    assert row["observations"] == 3 and row["first_seen"] == AS_OF.isoformat()
    assert "连续 3 次监测无法打开" in row["message"] and "国办秘函〔2019〕19号" in row["message"]
    assert row["citation"].startswith("国办秘函〔2019〕19号 单项否决指标「站点无法访问」")


def test_a_passing_outage_between_good_crawls_never_becomes_a_finding(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    for n, down in enumerate([False, True, True, False, True, True, False]):
        site.crawl(days_before(AS_OF, 6 - n), down=down)
        assert found(check(db, days_before(AS_OF, 6 - n))) == set()


def test_site_comes_back_resolves_the_finding(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    for n in range(3):
        site.crawl(days_before(AS_OF, 3 - n), down=True)
    assert found(check(db, days_before(AS_OF, 1))) == {("site_unreachable", site.home, "veto")}
    site.crawl(AS_OF)
    doc = check(db)
    assert found(doc) == set() and found(doc, "resolved") == {("site_unreachable", site.home, "veto")}
    assert finding(db, "site_unreachable", site.home)["resolved_at"] == AS_OF.isoformat()


def test_a_homepage_slower_than_15_seconds_is_not_open(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    for n in range(3):
        site.crawl(days_before(AS_OF, 2 - n), home_ms=15000)
    assert found(check(db)) == {("site_unreachable", site.home, "veto")}
    site.crawl(AS_OF, home_ms=14999)
    assert found(check(db)) == set()


def test_veto_share_and_window_from_the_rulebook(db_path, tmp_path):
    """19号: veto when ≥5 % of the week's probes failed; with a longer window and a higher share the
    same outage is only a deduction (the YAML decides)."""
    from .test_checks_rulebook import edited

    db = new_db(db_path)
    site = clean_site(db)
    for n in range(17):
        site.crawl(days_before(AS_OF, 20 - n))
    for n in range(3):
        site.crawl(days_before(AS_OF, 2 - n), down=True)
    assert found(check(db)) == {("site_unreachable", site.home, "veto")}
    book = edited(tmp_path, {"window_observations: 7": "window_observations: 20", "veto_share: 0.05": "veto_share: 0.5"})
    assert found(check(db, rulebook=book)) == {("site_unreachable", site.home, "deduct")}


def test_content_checks_keep_their_state_while_the_site_is_down(db_path):
    """Days pass while nothing can be fetched: the news column is not called stale on old data."""
    db = new_db(db_path)
    site = clean_site(db, day=days_before(AS_OF, 30))
    site.crawl(days_before(AS_OF, 30))
    assert found(check(db, days_before(AS_OF, 30))) == set()
    for n in range(3):
        site.crawl(days_before(AS_OF, 2 - n), down=True)
    doc = check(db)
    assert found(doc) == {("site_unreachable", site.home, "veto")}
    assert doc["summary"]["not_reached"] == [site.id]


def test_slow_page_needs_three_consecutive_slow_observations(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    stats = site.column("statistics", "统计信息", "/xxgk/fdzdgknr/tjxx/", [days_before(AS_OF, 20)],
                        parent="/xxgk/fdzdgknr/")
    site.crawl(days_before(AS_OF, 2), elapsed={stats: 16100})
    site.crawl(days_before(AS_OF, 1), elapsed={stats: 16100})
    assert found(check(db, days_before(AS_OF, 1))) == set()
    site.crawl(AS_OF, errors={stats: "TimeoutError: Getting http://… took longer than 15.0 seconds."}, elapsed={stats: 15002})
    assert found(check(db)) == {("slow_page", stats, "deduct")}
    row = finding(db, "slow_page", stats)
    assert row["observations"] == 3 and "栏目「统计信息」连续 3 次监测打开超过 15 秒" in row["message"]
    site.crawl(AS_OF, elapsed={stats: 900})
    assert found(check(db)) == set()


def test_the_number_of_failing_observations_comes_from_the_rulebook(db_path, tmp_path):
    from .test_checks_rulebook import edited

    db = new_db(db_path)
    site = clean_site(db)
    site.crawl(days_before(AS_OF, 2))
    site.crawl(days_before(AS_OF, 1), down=True)
    site.crawl(AS_OF, down=True)
    assert found(check(db)) == set()
    book = edited(tmp_path, {"  min_failing: 3": "  min_failing: 2"})
    assert found(check(db, rulebook=book)) == {("site_unreachable", site.home, "veto")}
