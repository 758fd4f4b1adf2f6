"""Annual reports: missing after the deadline, late by the rule in force for the report's year
(2007 条例 第三十一条: 3月31日 for all organs up to 2018; 条例 第四十九条: 部门 1月31日, 县级以上政府
3月31日 from 2019; 乡镇 by local rule, 3月31日 by default)."""

from __future__ import annotations

import datetime as dt

import pytest

from monitors import rulebook

from .checkdb import AS_OF, D, check, clean_site, finding, found, new_db


def site_without(db, year: int, **kw):
    site = clean_site(db, **kw)
    db.execute("DELETE FROM items WHERE title LIKE ?", [f"%{year}年政府信息公开工作年度报告"])
    db.conn.commit()
    return site


@pytest.mark.parametrize("kind, level, due", [
    ("部门", "市", "2023-01-31"),
    ("部门", "国务院部门", "2023-01-31"),
    ("政府", "县", "2023-03-31"),
    ("政府", "乡镇", "2023-03-31"),
])
def test_missing_report_opens_the_day_after_its_deadline(db_path, kind, level, due):
    db = new_db(db_path)
    site = site_without(db, 2022, kind=kind, level=level)
    deadline = D(due)
    site.crawl(deadline)
    assert ("annual_report_missing", "2022", "deduct") not in found(check(db, deadline))
    day_after = deadline + dt.timedelta(days=1)
    site.crawl(day_after)
    assert ("annual_report_missing", "2022", "deduct") in found(check(db, day_after))
    site.crawl()
    assert found(check(db)) == {("annual_report_missing", "2022", "deduct")}
    row = finding(db, "annual_report_missing", "2022")
    overdue = (AS_OF - deadline).days
    assert row["message"] == (f"未找到 2022 年度政府信息公开工作年度报告，法定期限 {due} 已过 {overdue} 天"
                              f"（条例第四十九条）")
    evidence = __import__("json").loads(row["evidence"])
    assert evidence["deadline"] == due and evidence["days_overdue"] == overdue


def test_a_department_report_for_2024_published_in_march_is_late(db_path):
    db = new_db(db_path)
    site = site_without(db, 2024)
    site.item(site.url("/xxgk/nb/"), D("2025-03-20"), "青川市商务局2024年政府信息公开工作年度报告")
    site.crawl()
    assert found(check(db)) == {("annual_report_late", "2024", "deduct")}
    row = finding(db, "annual_report_late", "2024")
    assert row["message"] == ("2024 年度政府信息公开工作年度报告于 2025-03-20 发布，晚于法定期限 2025-01-31 共 48 天"
                              "（条例第四十九条）")


def test_the_same_march_report_is_on_time_for_a_government(db_path):
    db = new_db(db_path)
    site = site_without(db, 2024, kind="政府", level="县", id="qingchuan-gov", name="青川县人民政府")
    site.item(site.url("/xxgk/nb/"), D("2025-03-20"), "青川县人民政府2024年政府信息公开工作年度报告")
    site.crawl()
    assert found(check(db)) == set()


def test_the_rule_follows_the_report_year_not_today(db_path):
    """The 2018 report of a 部门 was due 2019-03-31 (2007 条例 第三十一条), not 01-31."""
    db = new_db(db_path)
    site = site_without(db, 2018)
    site.item(site.url("/xxgk/nb/"), D("2019-03-20"), "青川市商务局2018年政府信息公开工作年度报告")
    site.crawl(D("2019-06-01"))
    assert found(check(db, D("2019-06-01"))) & {("annual_report_late", "2018", "deduct")} == set()
    site.item(site.url("/xxgk/nb/"), D("2020-03-20"), "青川市商务局2019年度政府信息公开工作年度报告")
    site.crawl()
    db.execute("DELETE FROM items WHERE title = '青川市商务局2019年政府信息公开工作年度报告'")
    db.conn.commit()
    assert ("annual_report_late", "2019", "deduct") in found(check(db))


def test_a_report_filed_in_another_column_counts(db_path):
    db = new_db(db_path)
    site = site_without(db, 2023)
    site.item(site.url("/xxgk/fdzdgknr/tzgg/"), D("2024-01-25"), "青川市商务局2023年度政务公开工作报告")
    site.item(site.url("/xxgk/fdzdgknr/tzgg/"), D("2024-01-05"), "关于做好2023年政府信息公开工作年度报告编制工作的通知")
    site.crawl()
    assert found(check(db)) == set()


def test_reports_older_than_the_lookback_are_not_checked(db_path, tmp_path):
    from .test_checks_rulebook import edited

    db = new_db(db_path)
    site = site_without(db, 2015)
    site.crawl()
    assert found(check(db)) == set()
    book = edited(tmp_path, {"lookback_years: 10": "lookback_years: 12"})
    assert found(check(db, rulebook=book)) == {("annual_report_missing", "2015", "deduct")}


def test_a_report_published_after_as_of_is_not_there_yet(db_path):
    db = new_db(db_path)
    site = site_without(db, 2025)
    site.item(site.url("/xxgk/nb/"), D("2026-12-01"), "青川市商务局2025年政府信息公开工作年度报告")
    site.crawl()
    assert found(check(db)) == {("annual_report_missing", "2025", "deduct")}


def test_deadlines_by_report_year_resolved_from_the_rulebook():
    book = rulebook.default()
    dept = book.for_agency({"id": "x", "level": "市", "kind": "部门"})
    gov = book.for_agency({"id": "x", "level": "省", "kind": "政府"})
    town = book.for_agency({"id": "x", "level": "乡镇", "kind": "政府"})
    assert [rulebook.report_deadline(dept, y)[0] for y in (2008, 2018, 2019, 2024)] == \
        ["2009-03-31", "2019-03-31", "2020-01-31", "2025-01-31"]
    assert [rulebook.report_deadline(gov, y)[0] for y in (2018, 2019)] == ["2019-03-31", "2020-03-31"]
    assert rulebook.report_deadline(town, 2024)[1]["verification"] == "UNVERIFIED"
    assert rulebook.report_deadline(dept, 2024)[1]["verification"] == "VERIFIED"
    assert rulebook.report_deadline(dept, 2007) is None
