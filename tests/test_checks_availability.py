"""站点无法访问 on 国办秘函〔2019〕19号's own protocol (a week of ≥ 20 visits a day, ≥ 5 % failed), and slow
pages only when a fetch really waited the threshold. Visits are written here as `gkwatch probe` stores
them (tests/test_probe.py probes real servers); crawls as the crawler records them (tests/checkdb.py)."""

from __future__ import annotations

import datetime as dt

from .checkdb import AS_OF, check, clean_site, days_before, finding, found, new_db

REFUSED = "ConnectionRefusedError: [Errno 111] Connection refused"
WEEK = [days_before(AS_OF, n) for n in range(7, 0, -1)]      # the 7 full days before the check day


def visits(db, site, day: dt.date, n: int, verdict: str = "read", *, status: int | None = None,
           error: str | None = None, elapsed_ms: int = 150, timeout_ms: int = 20000) -> None:
    """``n`` probes of the site's home page spread over ``day`` (北京时间), as crawlers/probe.py stores them."""
    if n <= 0:
        return
    start, step = dt.datetime.combine(day, dt.time(0, 10)), dt.timedelta(minutes=(24 * 60 - 20) // n)
    status = status if status is not None else {"read": 200, "server_error": 502, "not_found": 404,
                                                 "blocked": 412}.get(verdict)
    error = error or {"unreachable": REFUSED,
                      "timeout": f"TimeoutError: {timeout_ms / 1000:g} 秒内未响应 (no answer within {timeout_ms / 1000:g} s)",
                      "robots": "robots.txt 禁止抓取 (forbidden by robots.txt)"}.get(verdict)
    db["probes"].insert_all([{
        "agency_id": site.id, "url": site.home, "probed_at": (start + k * step).isoformat() + "+08:00",
        "method": "HEAD", "status": status, "error": error, "elapsed_ms": elapsed_ms, "timeout_ms": timeout_ms,
        "verdict": verdict} for k in range(n)])


def week(db, site, per_day: int = 20, failing: dict[dt.date, int] | None = None, verdict: str = "unreachable",
         **kw) -> None:
    """A week of probes, ``per_day`` a day; ``failing[day]`` of them fail with ``verdict``."""
    for day in WEEK:
        bad = (failing or {}).get(day, 0)
        visits(db, site, day, per_day - bad)
        visits(db, site, day, bad, verdict, **kw)


def status(db, site, day: dt.date = AS_OF) -> dict:
    return next(db.query("SELECT * FROM availability WHERE agency_id = ? AND as_of = ?", [site.id, day.isoformat()]))


def test_three_failed_crawls_in_a_row_are_not_a_week_of_visits(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    site.crawl(days_before(AS_OF, 3))
    for n in range(3):
        site.crawl(days_before(AS_OF, 2 - n), down=True)
    doc = check(db)
    assert found(doc) == set()
    assert doc["summary"]["not_reached"] == [site.id]      # the content checks keep their state meanwhile
    row = status(db, site)
    assert (row["status"], row["days_required"], row["period_from"], row["period_to"]) == (
        "insufficient", 7, "2026-11-15", "2026-11-21")


def test_a_week_of_20_visits_a_day_with_5_percent_failed_is_a_veto(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    site.crawl(AS_OF)
    week(db, site, failing={WEEK[3]: 6})                   # 6 of 140: 4.3 %
    assert found(check(db)) == set()
    assert (status(db, site)["status"], status(db, site)["failed"], status(db, site)["probes"]) == ("reachable", 6, 140)
    db.execute("DELETE FROM probes")
    week(db, site, failing={WEEK[3]: 6, WEEK[5]: 1})       # 7 of 140: 5 %
    assert found(check(db)) == {("site_unreachable", site.home, "veto")}
    row = finding(db, "site_unreachable", site.home)
    assert row["message"] == (
        "2026-11-15 至 2026-11-21 的 7 天里网站首页每天访问 20 次以上（共 140 次），7 次打不开（5.0%）：无法连接 7 次；"
        "达到 5% 的单项否决标准（国办秘函〔2019〕19号）。最近一次打不开：2026-11-20 00:10 "
        "无法连接（ConnectionRefusedError: [Errno 111] Connection refused）")
    assert row["citation"].startswith("国办秘函〔2019〕19号 单项否决指标「站点无法访问」")
    assert row["observations"] == 140 and status(db, site)["status"] == "unreachable"


def test_a_day_with_fewer_than_20_visits_leaves_the_week_unjudged(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    site.crawl(AS_OF)
    week(db, site, failing={day: 20 for day in WEEK})      # down all week ...
    db.execute("DELETE FROM probes WHERE id = (SELECT MAX(id) FROM probes WHERE probed_at LIKE '2026-11-18%')")
    db.conn.commit()                                        # ... but 11-18 has only 19 visits
    assert found(check(db)) == set()
    row = status(db, site)
    assert (row["status"], row["days_observed"], row["failed"]) == ("insufficient", 6, 139)


def test_a_blocked_site_is_never_unreachable(db_path):
    """An anti-bot challenge (412, 瑞数/加速乐), a robots.txt refusal or a cut-off body says nothing about
    the site being up: not a failure, and not a visit either."""
    db = new_db(db_path)
    site = clean_site(db)
    site.crawl(AS_OF)
    for verdict in ("blocked", "robots", "incomplete"):
        week(db, site, failing={day: 20 for day in WEEK}, verdict=verdict)
    assert found(check(db)) == set()
    row = status(db, site)
    assert (row["status"], row["probes"], row["excluded"], row["blocked"]) == ("insufficient", 0, 420, 140)
    week(db, site)                                          # and alongside good visits they change nothing
    assert found(check(db)) == set() and status(db, site)["status"] == "reachable"
    assert status(db, site)["failed"] == 0


def test_a_timeout_counts_only_when_the_probe_waited_15_seconds(db_path):
    """An 8-s home page under a 5-s timeout is not known to be 打不开 within 15 s: not counted. Under a
    20-s timeout it is measured (a timeout after 20 s, or the page after 16.2 s): a failure."""
    db = new_db(db_path)
    site = clean_site(db)
    site.crawl(AS_OF)
    week(db, site, failing={day: 20 for day in WEEK}, verdict="timeout", timeout_ms=5000, elapsed_ms=5003)
    assert found(check(db)) == set() and status(db, site)["status"] == "insufficient"
    db.execute("DELETE FROM probes")
    week(db, site, failing={WEEK[0]: 4}, verdict="timeout", timeout_ms=20000, elapsed_ms=20004)
    visits(db, site, WEEK[6], 3, "read", elapsed_ms=16200)
    visits(db, site, WEEK[6], 1, "read", elapsed_ms=15000)          # 15 s 含
    assert found(check(db)) == {("site_unreachable", site.home, "veto")}
    message = finding(db, "site_unreachable", site.home)["message"]
    assert "8 次打不开（5.6%）：超时 4 次（20 秒内未响应）、打开用时 15.0–16.2 秒 4 次；" in message, message
    assert "最近一次打不开：2026-11-21 15:56 打开用时 16.2 秒" in message and "超过 15 秒" not in message


def test_each_crawl_of_the_home_page_is_one_visit_on_the_same_terms(db_path):
    db = new_db(db_path)
    site = clean_site(db)

    def crawl_on(day, **kw):
        run = site.crawl(day, **kw)
        db.execute("UPDATE fetches SET fetched_at = ? WHERE crawl_run_id = ?", [f"{day.isoformat()}T02:00:00+08:00", run])
        db.conn.commit()

    week(db, site, per_day=19)
    assert found(check(db)) == set()
    assert status(db, site)["status"] == "insufficient"
    for day in WEEK[:-1]:
        crawl_on(day)
    crawl_on(WEEK[-1], down=True)       # the crawl's two attempts (a retry): one visit, the last one
    assert found(check(db)) == set()
    row = status(db, site)
    assert (row["status"], row["probes"], row["failed"]) == ("reachable", 140, 1)
    # an 8-s home page under the crawl's 5-s timeout: not known to fail 19号's 15 s, so no visit
    for day in WEEK:
        crawl_on(day)
        db.execute("UPDATE fetches SET status = NULL, verdict = 'timeout', elapsed_ms = 5004, error = "
                   "'TimeoutError: Getting http://… took longer than 5.0 seconds.' WHERE id = (SELECT MAX(id) "
                   "FROM fetches WHERE kind = 'home')")
        db.conn.commit()
    assert found(check(db)) == set()
    row = status(db, site)
    assert (row["status"], row["probes"], row["failed"], row["excluded"]) == ("reachable", 140, 1, 7)
    for day in WEEK:
        crawl_on(day, down=True)        # 8 of 147 visits failed: 5.4 %
    assert found(check(db)) == {("site_unreachable", site.home, "veto")}
    evidence = finding(db, "site_unreachable", site.home)["evidence"]
    assert '"from_crawls": 14' in evidence and '"failures": {"unreachable": 8}' in evidence


def test_the_protocol_comes_from_the_rulebook(db_path, tmp_path):
    from .test_checks_rulebook import edited

    db = new_db(db_path)
    site = clean_site(db)
    site.crawl(AS_OF)
    for day in WEEK[-3:]:
        visits(db, site, day, 3)
        visits(db, site, day, 1, "server_error")
    assert found(check(db)) == set() and status(db, site)["status"] == "insufficient"
    book = edited(tmp_path, {"period_days: 7 ": "period_days: 3 ", "min_probes_per_day: 20 ": "min_probes_per_day: 4 "})
    assert found(check(db, rulebook=book)) == {("site_unreachable", site.home, "veto")}
    assert "（HTTP 502）" in finding(db, "site_unreachable", site.home)["message"]
    book = edited(tmp_path, {"period_days: 7 ": "period_days: 3 ", "min_probes_per_day: 20 ": "min_probes_per_day: 4 ",
                             "veto_share: 0.05 ": "veto_share: 0.3 "})
    doc = check(db, rulebook=book)
    assert found(doc) == set() and found(doc, "resolved") == {("site_unreachable", site.home, "veto")}


def test_a_good_week_resolves_the_finding(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    site.crawl(AS_OF)
    week(db, site, failing={day: 20 for day in WEEK[4:]})
    assert found(check(db)) == {("site_unreachable", site.home, "veto")}
    later = AS_OF + dt.timedelta(days=7)
    for day in [AS_OF + dt.timedelta(days=n) for n in range(7)]:
        visits(db, site, day, 20)
    doc = check(db, later)
    assert ("site_unreachable", site.home, "veto") in found(doc, "resolved")
    assert finding(db, "site_unreachable", site.home)["resolved_at"] == later.isoformat()
    assert status(db, site, later)["status"] == "reachable"


def slow_column(db):
    site = clean_site(db)
    stats = site.column("statistics", "统计信息", "/xxgk/fdzdgknr/tjxx/", [days_before(AS_OF, 20)],
                        parent="/xxgk/fdzdgknr/")
    return site, stats


def test_slow_page_needs_three_consecutive_fetches_that_waited_15_seconds(db_path):
    db = new_db(db_path)
    site, stats = slow_column(db)
    site.crawl(days_before(AS_OF, 2), elapsed={stats: 16100})
    site.crawl(days_before(AS_OF, 1), elapsed={stats: 16100})
    assert found(check(db, days_before(AS_OF, 1))) == set()
    site.crawl(AS_OF, errors={stats: "TimeoutError: Getting http://… took longer than 15.0 seconds."}, elapsed={stats: 15002})
    assert found(check(db)) == {("slow_page", stats, "deduct")}
    row = finding(db, "slow_page", stats)
    assert row["observations"] == 3
    assert row["message"] == (f"栏目「统计信息」连续 3 次监测 15 秒内未能打开（最近一次：超时：15 秒内未响应）：{stats}"
                              f"（国办秘函〔2019〕19号）")
    site.crawl(AS_OF, elapsed={stats: 900})
    assert found(check(db)) == set()


def test_an_8_second_column_under_a_5_second_timeout_is_not_a_slow_page(db_path):
    db = new_db(db_path)
    site, stats = slow_column(db)
    for n in range(4):
        site.crawl(days_before(AS_OF, 3 - n), elapsed={stats: 5004},
                   errors={stats: "TimeoutError: Getting http://… took longer than 5.0 seconds."})
    assert found(check(db)) == set()
    # and between slow fetches such a timeout neither counts nor breaks the run; nor does a block (412)
    # or a cut-off body
    site.crawl(AS_OF, elapsed={stats: 17300})
    site.crawl(AS_OF, elapsed={stats: 5004}, errors={stats: "TimeoutError: Getting http://… took longer than 5.0 seconds."})
    site.crawl(AS_OF, elapsed={stats: 16100})
    site.crawl(AS_OF, status={stats: 412}, elapsed={stats: 30}, verdicts={stats: "blocked"})
    site.crawl(AS_OF, elapsed={stats: 300}, verdicts={stats: "incomplete"})
    assert found(check(db)) == set()
    site.crawl(AS_OF, elapsed={stats: 15500})
    assert found(check(db)) == {("slow_page", stats, "deduct")}
    assert "连续 3 次监测 15 秒内未能打开（最近一次：打开用时 15.5 秒）" in finding(db, "slow_page", stats)["message"]


def test_the_number_of_slow_observations_comes_from_the_rulebook(db_path, tmp_path):
    from .test_checks_rulebook import edited

    db = new_db(db_path)
    site, stats = slow_column(db)
    site.crawl(days_before(AS_OF, 2))
    site.crawl(days_before(AS_OF, 1), elapsed={stats: 16100})
    site.crawl(AS_OF, elapsed={stats: 16100})
    assert found(check(db)) == set()
    book = edited(tmp_path, {"  min_failing: 3": "  min_failing: 2"})
    assert found(check(db, rulebook=book)) == {("slow_page", stats, "deduct")}
    book = edited(tmp_path, {"    threshold_seconds: 15\n": "    threshold_seconds: 20\n"})
    assert found(check(db, rulebook=book)) == set()
