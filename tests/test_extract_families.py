"""CMS-family adapters on saved sandbox pages (tests/files/families) and on a real TRS 海云 page:
TRS 海云's search API (`extract.trs`), 广东 gkmlpt's catalogue and API (`extract.json_list`), and
`gkwatch extract list|detail` on a page of each family (动易 included), value for value."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from extract import extract_detail, extract_list
from extract.json_list import CatalogueColumn, gkmlpt_catalogue, gkmlpt_column, json_total_pages
from extract.trs import SearchApi, haiyun_pagination, haiyun_search_api

from .conftest import FILES, REAL_PAGES, run_gkwatch

FAMILIES = FILES / "families"
HAIYUN = "http://127.0.0.42:8700/zwgk/fdzdgknr/gzdt/"
GKMLPT = "http://127.0.0.43:8700/gkmlpt/index"
GKMLPT_API = "http://127.0.0.43:8700/gkmlpt/api/all/21356?page=1&sid=755118"
POWEREASY = "http://127.0.0.44:8700/Category_17/Index.aspx"
D = dt.date


def saved(name: str) -> str:
    return (FAMILIES / name).read_text(encoding="utf-8")


def triples(page) -> list[tuple[str, str, dt.date | None]]:
    return [(i.title, i.url, i.date) for i in page.items]


# TRS 海云 -----------------------------------------------------------------------------------------

def test_haiyun_search_api_of_a_real_page_resolves_the_pages_references():
    page = (REAL_PAGES / "pingtan_rsrm_list.html").read_text(encoding="utf-8")
    api = haiyun_search_api(page, "https://www.pingtan.gov.cn/zwgk/zfxxgk/fdzdgknr/zkly/rsrm/")
    # channelid: SiteInfo.searchId (200210); classsql: pageChnlInfo.classsql ("" || "chnlid=653");
    # prepage: pageChnlInfo.prepage||15; recordCount: pageChnlInfo.recordCount ('127')
    assert api == SearchApi("https://www.pingtan.gov.cn/fjdzapp/search", {
        "channelid": "200210", "classsql": "chnlid=653", "sortfield": "-docorderpri,-docreltime",
        "classcol": "publishyear", "classsort": "0", "prepage": "15"}, pages=9)
    assert api.page(2) == {**api.form, "page": "2"}
    assert haiyun_pagination(page).total_pages == 9


def test_haiyun_column_page_static_records_and_search_api():
    page = saved("haiyun_list.html")
    api = haiyun_search_api(page, HAIYUN)
    assert api == SearchApi("http://127.0.0.42:8700/mhdzapp/search", {
        "channelid": "200300", "classsql": "chnlid=656", "sortfield": "-docorderpri,-docreltime",
        "classcol": "publishyear", "classsort": "0", "prepage": "10"}, pages=11)
    listed = extract_list(page, HAIYUN)
    assert (len(listed.items), listed.total_pages, listed.next_pages, listed.scripted) == (10, 11, [], False)
    assert triples(listed)[0] == ("省商务厅召开餐饮业高质量发展工作推进会",
                                  f"{HAIYUN}202611/t20261116_1158350.htm", D(2026, 11, 17))
    assert triples(listed)[-1] == ("省商务厅部署秋季商贸领域安全生产工作",
                                   f"{HAIYUN}202608/t20260818_1158255.htm", D(2026, 8, 18))


def test_haiyun_search_answer_dates_come_from_epoch_milliseconds_in_beijing_time():
    listed = extract_list(saved("haiyun_search_page2.json"), "http://127.0.0.42:8700/mhdzapp/search")
    assert (len(listed.items), listed.total_pages) == (10, 11)
    # docreltime 1786436400000 is 2026-08-11 16:20 in Beijing; the URL says 0815, the page's date is the truth
    assert triples(listed)[0] == ("省商务厅与凤岭县召开再生资源回收体系建设工作座谈会",
                                  f"{HAIYUN}202608/t20260815_1158233.htm", D(2026, 8, 11))
    assert triples(listed)[-1] == ("省商务厅开展商贸领域安全生产专项检查",
                                   f"{HAIYUN}202605/t20260511_1158158.htm", D(2026, 5, 9))


def test_pages_of_other_families_name_no_search_api():
    for name, url in (("powereasy_list.html", POWEREASY), ("gkmlpt_index.html", GKMLPT)):
        assert haiyun_search_api(saved(name), url) is None and haiyun_pagination(saved(name)) is None


# 广东 gkmlpt --------------------------------------------------------------------------------------

def test_gkmlpt_catalogue_gives_every_category_with_its_parent_and_api():
    columns = gkmlpt_catalogue(saved("gkmlpt_index.html"), GKMLPT)
    statutory = f"{GKMLPT}#21314"

    def api(category: int) -> str:
        return f"http://127.0.0.43:8700/gkmlpt/api/all/{category}?page=1&sid=755118"

    expected = [("政府信息公开指南", 21300, "guide", None), ("政府信息公开制度", 21307, "system", None),
                ("法定主动公开内容", 21314, "statutory", None), ("机构职能", 21321, "org", statutory),
                ("领导信息", 21328, "leaders", statutory), ("政策文件", 21335, "policy", statutory),
                ("政策解读", 21342, "interpretation", statutory), ("通知公告", 21349, "notice", statutory),
                ("政务动态", 21356, "news", statutory), ("财政预决算", 21363, "budget", statutory),
                ("规划计划", 21370, "planning", statutory), ("行政许可", 21377, "licensing", statutory),
                ("政府采购", 21384, "procurement", statutory), ("政府信息公开年报", 21391, "annual_report", None)]
    assert columns == [CatalogueColumn(name, f"{GKMLPT}#{category}", type_, parent,
                                       None if type_ == "statutory" else api(category))
                       for name, category, type_, parent in expected]
    assert gkmlpt_column(saved("gkmlpt_index.html"), f"{GKMLPT}#21356") == columns[8]
    assert gkmlpt_column(saved("gkmlpt_index.html"), GKMLPT) is None
    assert gkmlpt_catalogue(saved("haiyun_list.html"), HAIYUN) == []


def test_gkmlpt_catalogue_node_with_a_jump_url_is_a_column_elsewhere():
    page = ("<script>window._CONFIG = {SID: '2', TREE: [{\"id\": 5, \"name\": \"政府信息公开年报\", "
            "\"jump_url\": \"/gkmlpt/annualreport\", \"children\": []}], SERVICE_AREA_ID: 1};</script>")
    assert gkmlpt_catalogue(page, "https://www.gd.gov.cn/gkmlpt/index") == [
        CatalogueColumn("政府信息公开年报", "https://www.gd.gov.cn/gkmlpt/annualreport", "annual_report", None, None)]


def test_gkmlpt_api_answer_dates_are_publishing_days_not_written_ones():
    listed = extract_list(saved("gkmlpt_api_page1.json"), GKMLPT_API)
    # `date` 1794067200 is the 成文日期 (11-08); display_publish_time and created_at say 11-20 16:05
    assert triples(listed)[0] == ("区政府主要负责同志赴凤岭县调研优化营商环境工作",
                                  "http://127.0.0.43:8700/gkmlpt/content/1/1195/post_1195320.html", D(2026, 11, 20))
    assert triples(listed)[-1] == ("莲川区举办2024年义务教育主题活动",
                                   "http://127.0.0.43:8700/gkmlpt/content/1/1194/post_1194236.html", D(2024, 3, 12))
    # 108 articles, 100 on this first page: the size the answer does not state
    assert (len(listed.items), listed.total_pages) == (100, 2)


def test_json_total_pages_never_counts_fewer_pages_than_there_are():
    page = json.loads(saved("gkmlpt_api_page1.json"))
    assert json_total_pages(page) == 2
    page["articles"] = page["articles"][:8]            # the second page: 8 articles of 108
    assert json_total_pages(page) == 14                # more than there are, never fewer
    assert json_total_pages({"total": 0, "articles": []}) is None
    assert json_total_pages({"pageCount": 3, "data": []}) == 3


# gkwatch extract on a page of each family ------------------------------------------------------

@pytest.mark.parametrize("name, url, count, first, pages, following", [
    ("haiyun_list.html", HAIYUN, 10,
     ["省商务厅召开餐饮业高质量发展工作推进会", f"{HAIYUN}202611/t20261116_1158350.htm", "2026-11-17"], 11, []),
    ("gkmlpt_api_page1.json", GKMLPT_API, 100,
     ["区政府主要负责同志赴凤岭县调研优化营商环境工作", "http://127.0.0.43:8700/gkmlpt/content/1/1195/post_1195320.html",
      "2026-11-20"], 2, []),
    ("powereasy_list.html", POWEREASY, 20,
     ["县财政局党组理论学习中心组开展2026年第2次集体学习", "http://127.0.0.44:8700/Item/1232092.aspx", "2026-11-19"],
     None, ["http://127.0.0.44:8700/Category_17/Index_2.aspx"]),
    ("powereasy_list_last.html", POWEREASY.replace("Index.aspx", "Index_6.aspx"), 10,
     ["县财政局主要负责同志赴凤岭县调研预算绩效管理工作", "http://127.0.0.44:8700/Item/1231163.aspx", "2024-03-28"],
     None, []),
])
def test_extract_list_command_on_each_family(name, url, count, first, pages, following):
    result = run_gkwatch("extract", "list", FAMILIES / name, "--url", url)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert len(out["items"]) == count
    assert [out["items"][0][k] for k in ("title", "url", "date")] == first
    assert out["pagination"] == {"total_pages": pages, "next": following}


@pytest.mark.parametrize("name, url, expected", [
    ("haiyun_detail.html", "http://127.0.0.42:8700/zwgk/fdzdgknr/tzgg/202604/t20260410_1158112.htm", {
        "title": "关于公开征求《闽海省步行街改造提升管理办法（征求意见稿）》意见的公告", "published": "2026-04-10T18:05",
        "source": "闽海省商务厅", "publisher": "闽海省商务厅", "index_no": "11350000MB13108338/2026-00012",
        "doc_no": "闽商〔2026〕69号", "attachments": []}),
    ("gkmlpt_detail.html", "http://127.0.0.43:8700/gkmlpt/content/1/1195/post_1195314.html", {
        "title": "莲川区人民政府关于印发《莲川区重点项目建设实施方案》的通知", "published": "2026-11-17T13:10",
        "source": "莲川区人民政府", "publisher": "莲川区人民政府", "index_no": "11442211MB63738446/2026-00039",
        "doc_no": "莲政〔2026〕14号", "attachments": [
            {"title": "附件1：联系人回执.doc", "url": "http://127.0.0.43:8700/attachment/0/119/119531/11953141.doc"},
            {"title": "附件2：申报表.doc", "url": "http://127.0.0.43:8700/attachment/0/119/119531/11953142.doc"}]}),
    ("powereasy_detail.html", "http://127.0.0.44:8700/Item/1232091.aspx", {
        "title": "关于开展2026年度国库集中支付项目申报工作的通知", "published": "2026-11-18T16:15",
        "source": "石川县财政局", "publisher": "石川县财政局", "index_no": "11331226MB61869552/2026-00020",
        "doc_no": "石财〔2026〕75号", "attachments": []}),
])
def test_extract_detail_command_on_each_family(name, url, expected):
    result = run_gkwatch("extract", "detail", FAMILIES / name, "--url", url)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert {k: out[k] for k in expected} == expected
    assert extract_detail(saved(name), url).to_json() == out
