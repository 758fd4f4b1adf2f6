"""空白栏目, the 专栏's four mandatory sub-columns, and 条例第二十条 / 第二十一条 categories."""

from __future__ import annotations

import pytest

from .checkdb import AS_OF, check, clean_site, days_before, finding, found, new_db


def test_a_column_that_never_had_content_is_blank(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    url = site.column("licensing", "行政许可", "/xxgk/fdzdgknr/xzxk/", parent="/xxgk/fdzdgknr/")
    site.crawl()
    assert found(check(db)) == {("column_empty", url, "deduct")}
    row = finding(db, "column_empty", url)
    assert row["message"] == "栏目「行政许可」是空白栏目：自开设以来没有任何信息（国办秘函〔2019〕19号）"
    assert "空白栏目" in row["citation"] and row["citation"].startswith("普查问答")


def test_containers_broken_links_robots_and_the_portal_itself_are_not_blank(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    site.column("statutory", "主动公开目录", "/xxgk/zdgkml/")                     # a container type
    site.column("other", "专题专栏", "/xxgk/ztzl/")                               # has a child below
    site.column("other", "优化营商环境", "/xxgk/ztzl/yhyshj/", [days_before(AS_OF, 9)], parent="/xxgk/ztzl/")
    broken = site.column("interaction", "互动交流", "/hdjl/index.jsp")             # its fetch is a 404
    blocked = site.column("statistics", "统计信息", "/xxgk/tjxx/")                 # robots.txt forbids it
    site.column("other", "政务公开", "/xxgk/")                                    # the portal page itself
    site.crawl(status={broken: 404}, robots=(blocked,))
    assert found(check(db)) == {("broken_link", broken, "deduct")}


def test_five_blank_columns_are_a_site_veto(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    urls = [site.column("other", f"空栏目{k}", f"/xxgk/k{k}/") for k in range(4)]
    site.crawl()
    assert {sev for _, _, sev in found(check(db))} == {"deduct"}
    urls.append(site.column("other", "空栏目4", "/xxgk/k4/"))
    site.crawl()
    assert found(check(db)) == {("column_empty", url, "veto") for url in urls}
    assert "本站共 5 个空白栏目，达到 5 个即单项否决" in finding(db, "column_empty", urls[0])["message"]


def test_a_blank_column_that_gets_content_is_resolved(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    url = site.column("licensing", "行政许可", "/xxgk/fdzdgknr/xzxk/", parent="/xxgk/fdzdgknr/")
    site.crawl()
    assert found(check(db)) == {("column_empty", url, "deduct")}
    site.item(url, days_before(AS_OF, 0), "关于行政许可事项办理结果的公示")
    site.crawl()
    assert found(check(db)) == set()


@pytest.mark.parametrize("type_, path, name", [
    ("guide", "/xxgk/zn/", "政府信息公开指南"),
    ("system", "/xxgk/zd/", "政府信息公开制度"),
    ("annual_report", "/xxgk/nb/", "政府信息公开工作年度报告"),
])
def test_each_missing_mandatory_sub_column_is_named_by_its_type(db_path, type_, path, name):
    db = new_db(db_path)
    site = clean_site(db)
    site.crawl(skip=(site.url(path),))        # the portal no longer links it
    doc = check(db)
    # reports found before in an unlinked 年报 column stay published: only the column is missing
    assert found(doc) == {("mandatory_column_missing", type_, "deduct")}
    assert finding(db, "mandatory_column_missing", type_)["message"] == \
        f"政府信息公开专栏缺少「{name}」栏目（国办公开办函〔2019〕61号）"


def test_missing_statutory_sub_column(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    site.crawl(skip=(site.url("/xxgk/fdzdgknr/"),))
    assert found(check(db)) == {("mandatory_column_missing", "statutory", "deduct")}


def test_art20_budget_category_without_a_column_with_content(db_path):
    """条例第二十条第（七）项 財政预算、决算: required of every organ."""
    db = new_db(db_path)
    site = clean_site(db)
    budget = site.url("/xxgk/fdzdgknr/bmyjs/")
    db.execute("DELETE FROM items WHERE column_id = ?", [site.columns[budget]])
    db.conn.commit()
    site.crawl()
    assert found(check(db)) == {("art20_category_missing", "art20_07", "deduct"), ("column_empty", budget, "deduct")}
    row = finding(db, "art20_category_missing", "art20_07")
    assert row["message"] == "未找到有内容的「财政预算、决算信息」栏目（条例第二十条第（七）项）"
    assert row["citation"] == "条例第二十条第（七）项「财政预算、决算信息」"


def test_art20_category_is_satisfied_by_a_keyword_in_a_column_name(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    budget = site.url("/xxgk/fdzdgknr/bmyjs/")
    site.crawl(skip=(budget,))
    assert found(check(db)) == {("art20_category_missing", "art20_07", "deduct")}
    site.column("other", "部门预算公开", "/xxgk/bmys/", [days_before(AS_OF, 100)])
    site.crawl(skip=(budget,))
    assert found(check(db)) == set()


def test_art20_requirements_follow_level_and_kind(db_path):
    """A 县级以上政府 must publish its 规划 (第二十条第（三）项); a 乡镇 is not required to have 规范性文件."""
    db = new_db(db_path)
    county = clean_site(db, id="qingchuan-gov", name="青川县人民政府", level="县", kind="政府",
                        host="http://www.qingchuan.example.gov.cn")
    county.crawl(skip=(county.url("/xxgk/fdzdgknr/fzgh/"),))
    town = clean_site(db, id="qingchuan-qsz", name="青石镇人民政府", level="乡镇", kind="政府",
                      host="http://qsz.qingchuan.example.gov.cn")
    town.crawl(skip=(town.url("/xxgk/fdzdgknr/zcwj/"),))
    dept = clean_site(db, id="qingchuan-swj", host="http://swj.qingchuan.example.gov.cn")
    dept.crawl(skip=(dept.url("/xxgk/fdzdgknr/zcwj/"),))
    doc = check(db)
    assert {(f["agency"], f["check"], f["subject"]) for f in doc["findings"]} == {
        ("qingchuan-gov", "art20_category_missing", "art20_03"),
        ("qingchuan-swj", "art20_category_missing", "art20_01"),
    }


def test_art21_areas_are_checked_where_an_override_requires_them(db_path, tmp_path):
    """条例第二十一条 areas depend on 「本地方的具体情况」: off by default, on for an agency by override."""
    from .test_checks_rulebook import edited

    db = new_db(db_path)
    town = clean_site(db, id="qingchuan-qsz", name="青石镇人民政府", level="乡镇", kind="政府",
                      host="http://qsz.qingchuan.example.gov.cn")
    town.column("other", "乡村振兴", "/xxgk/xczx/", [days_before(AS_OF, 12)])
    town.crawl()
    assert found(check(db)) == set()
    override = """
  - match: {agency: qingchuan-qsz}
    reason: 本镇公开目录列明社会救助、农业农村政策
    checks:
      art20_category_missing:
        categories:
          art21_social_assistance: {required: true}
          art21_town_agriculture: {required: true}
"""
    book = edited(tmp_path, {}, append=override)
    assert found(check(db, rulebook=book)) == {("art20_category_missing", "art21_social_assistance", "deduct")}
