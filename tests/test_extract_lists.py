import datetime as dt
import json
import re

import pytest

from extract import ListItem, extract_json_list, extract_list

from .conftest import FILES

FIXTURES = FILES / "extract"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def triples(listing):
    return [(item.title, item.url, item.date.isoformat() if item.date else None) for item in listing.items]


# --- TRS WCM: all-table layout with createPageHTML --------------------------------------------

TRS_URL = "http://www.example.gov.cn/zwgk/tzgg/index.html"


def test_trs_table_list_items_ignore_menu_sidebar_breadcrumb_and_footer():
    assert triples(extract_list(fixture("trs_table_list.html"), TRS_URL)) == [
        ("某某市人民政府办公室关于做好2024年春节期间安全生产和消防安全工作的紧急通知",  # cut with ..., title attribute
         "http://www.example.gov.cn/zwgk/tzgg/202401/t20240112_5521.html", "2024-01-12"),
        ("关于印发某某市2017年工作要点落实情况的通报",
         "http://www.example.gov.cn/zwgk/tzgg/202401/t20240110_5517.html", "2024-01-09"),  # displayed, not URL date
        ("某某市16-10号地块国有建设用地使用权挂牌出让公告",
         "http://www.example.gov.cn/zwgk/tzgg/202401/t20240105_5502.html", "2024-01-05"),
        ("关于2023年度市级财政预算绩效评价结果的公示",
         "http://www.example.gov.cn/xxgk/gsgg/202312/t20231229_5488.html", "2023-12-29"),
        ("2023年第四季度行政许可事项办理情况统计表",
         "http://www.example.gov.cn/zwgk/tzgg/202312/P020231228391026718203.pdf", "2023-12-28"),
    ]


def test_trs_create_page_html_gives_all_further_static_pages():
    listing = extract_list(fixture("trs_table_list.html"), TRS_URL)
    assert listing.total_pages == 5
    assert listing.next_pages == [f"http://www.example.gov.cn/zwgk/tzgg/index_{k}.html" for k in range(1, 5)]
    assert listing.to_json()["pagination"] == {"total_pages": 5, "next": listing.next_pages}


@pytest.mark.parametrize(
    "script,url,total,further",
    [
        ('createPageHTML(3, 0, "index", "shtml");', "http://x.gov.cn/a/", 3, ["index_1.shtml", "index_2.shtml"]),
        ("createPageHTML(4,1,'index','htm',1121,'page_div');", "http://x.gov.cn/a/index_1.htm", 4,
         ["index_2.htm", "index_3.htm"]),
        ('createPage(3, 2, "list", "html");', "http://x.gov.cn/a/list_2.html", 3, []),
        ("var countPage = 3//共多少页\nvar currentPage = 0;\ncreatePageHTML(countPage, currentPage, \"index\", \"html\");",
         "http://x.gov.cn/a/", 3, ["index_1.html", "index_2.html"]),
        ("var countPage = 3;", "http://x.gov.cn/a/index.shtml", 3, ["index_1.shtml", "index_2.shtml"]),
        ("var countPage = 3;", "http://x.gov.cn/a/", 3, []),  # file name unknowable
    ],
)
def test_trs_pager_script_variants(script, url, total, further):
    html = f"<html><body><ul><li><a href='./t20240105_1.html'>关于印发某某办法的通知</a><span>2024-01-05</span></li></ul><script>{script}</script></body></html>"
    listing = extract_list(html, url)
    assert listing.total_pages == total
    assert listing.next_pages == [f"http://x.gov.cn/a/{name}" for name in further]


def test_trs_haiyun_record_count_gives_total_pages():
    html = """<div class="list"><ul><li><a href="./202401/t20240105_1.htm" title="关于印发某某办法的通知">关于印发某某办法的通知</a>
    <span>2024-01-05</span></li></ul></div>
    <script>var pageChnlInfo={ quickMode:"动静结合", maxStaticIndex: 5, recordCount:'31', prepage:15, cache:true }</script>"""
    listing = extract_list(html, "https://www.example.gov.cn/zwgk/tzgg/")
    assert (listing.total_pages, listing.next_pages) == (3, [])


# --- plain table with 首页/上一页/下一页/尾页 and 共5页 ----------------------------------------------

def test_plain_table_list_with_pager_links():
    listing = extract_list(fixture("plain_table_pager.html"), "http://www.example.gov.cn/xxgk/InfoList.aspx?cid=12&page=1")
    assert triples(listing) == [
        ("某某县人民政府关于2024年度县级行政许可事项清单的公告",
         "http://www.example.gov.cn/xxgk/InfoDetail.aspx?cid=12&id=4471", "2024-03-08"),
        ("某某县财政局 某某县审计局关于开展2023年度财政资金绩效自评工作的通知",
         "http://www.example.gov.cn/xxgk/InfoDetail.aspx?cid=12&id=4468", "2024-02-27"),
        ("关于公布第二批县级非物质文化遗产代表性项目名录的通知",
         "http://www.example.gov.cn/xxgk/InfoDetail.aspx?cid=12&id=4462", "2024-02-20"),
    ]
    assert listing.total_pages == 5
    assert listing.next_pages == ["http://www.example.gov.cn/xxgk/InfoList.aspx?cid=12&page=2"]


def test_last_page_link_gives_the_count_when_no_total_is_printed():
    html = """<ul class="list"><li><a href="/a/1.html">关于开展安全生产大检查的通知</a><span>2024-01-05</span></li></ul>
    <div class="page"><a href="?page=2">下一页</a><a href="?page=7">末页</a></div>"""
    listing = extract_list(html, "http://x.gov.cn/list?page=1")
    assert (listing.total_pages, listing.next_pages) == (7, ["http://x.gov.cn/list?page=2"])


def test_a_list_without_pager_has_one_page():
    html = "<ul><li><a href='/a/1.html'>关于开展安全生产大检查的通知</a> 2024-01-05</li><li><a href='/a/2.html'>关于做好汛期值班工作的通知</a> 2024-01-04</li></ul>"
    listing = extract_list(html, "http://x.gov.cn/list/")
    assert (len(listing.items), listing.total_pages, listing.next_pages) == (2, 1, [])


# --- Hanweb dataproxy XML answer ----------------------------------------------------------------

DATAPROXY = "http://nyj.example.gov.cn/module/web/jpage/dataproxy.jsp"


def test_hanweb_dataproxy_answer_is_a_list_page():
    url = f"{DATAPROXY}?startrecord=221&endrecord=224&perpage=15&columnid=59960&unitid=745545&webid=355"
    listing = extract_list(fixture("hanweb_dataproxy.xml"), url)
    assert triples(listing) == [
        ("关于开展2019年度煤矿安全生产标准化检查的通知", "http://nyj.example.gov.cn/art/2019/3/12/art_59960_4471.html", "2019-03-12"),
        ("省能源局关于公布2018年度电力需求侧管理示范企业名单的通知", "http://nyj.example.gov.cn/art/2019/3/5/art_59960_4466.html", "2019-03-05"),
        ("鲁能源公告2019年第3号", "http://nyj.example.gov.cn/art/2019/2/28/art_59960_4459.html", "2019-02-28"),
        ("关于征求《全省油气长输管道保护工作实施方案（征求意见稿）》意见的公告",
         "http://nyj.example.gov.cn/art/2019/2/20/art_59960_4450.html", "2019-02-20"),
    ]
    assert (listing.total_pages, listing.next_pages) == (15, [])  # 221-224 is the last range


def test_hanweb_dataproxy_answer_continues_with_the_same_ranges():
    url = f"{DATAPROXY}?startrecord=46&endrecord=90&perpage=15&columnid=59960&unitid=745545&webid=355"
    assert extract_list(fixture("hanweb_dataproxy.xml"), url).next_pages == [
        f"{DATAPROXY}?startrecord={start}&endrecord={end}&perpage=15&columnid=59960&unitid=745545&webid=355"
        for start, end in ((91, 135), (136, 180), (181, 224))
    ]


# --- dates from context --------------------------------------------------------------------

def test_short_dates_take_the_year_from_the_url_or_the_page():
    assert triples(extract_list(fixture("short_dates_list.html"), "http://www.example.gov.cn/zwgk/gzdt/index.html")) == [
        ("区政府召开2025年第1次常务会议", "http://www.example.gov.cn/zwgk/gzdt/202501/t20250106_88231.html", "2025-01-06"),
        # no date in the URL: the page's own full date (今天是：2025年1月7日) gives the year
        ("区领导带队开展元旦期间安全生产督导检查", "http://www.example.gov.cn/zwgk/gzdt/content_88190.html", "2025-01-03"),
        # URL t20250102 and displayed [12-31]: the closest 12-31 is in 2024
        ("区十届人大常委会第二十三次会议召开", "http://www.example.gov.cn/zwgk/gzdt/202501/t20250102_88175.html", "2024-12-31"),
        ("我区举办2024年度“12·4”国家宪法日主题宣传活动总结会",
         "http://www.example.gov.cn/zwgk/gzdt/202412/t20241230_88160.html", "2024-12-30"),
    ]


def test_dates_in_the_title_cell_but_never_from_the_title():
    assert triples(extract_list(fixture("title_cell_dates.html"), "http://www.example.gov.cn/gk/ghjh/")) == [
        ("关于印发某某县2017年工作要点的通知", "http://www.example.gov.cn/gk/ghjh/202401/t20240108_3320.htm", "2024-01-08"),
        ("某某县“十四五”交通运输发展规划（2021-2025年）", "http://www.example.gov.cn/gk/ghjh/202312/t20231222_3301.htm", "2023-12-22"),
        ("关于16-10号地块控制性详细规划调整的批前公示", "http://www.example.gov.cn/gk/ghjh/202312/t20231215_3295.htm", "2023-12-15"),
        ("2023年11月全县重点项目建设进展情况", "http://www.example.gov.cn/gk/ghjh/202312/t20231201_3280.htm", "2023-12-01"),
    ]


def test_undated_record_whose_title_holds_date_like_numbers_stays_undated():
    html = """<ul class="list"><li><a href="/a/1.html">2017年工作要点</a></li>
    <li><a href="/a/2.html">关于16-10号地块的批复</a></li><li><a href="/a/3.html">2024-01-05会议纪要</a></li></ul>"""
    assert [item.date for item in extract_list(html, "http://x.gov.cn/").items] == [None, None, None]


def test_date_drawn_inside_the_link():
    html = """<div class="list"><ul>
    <li><a href="./202403/t20240301_1.html"><p class="tit">关于做好2024年春耕备耕工作的通知</p><span class="time">2024-03-01</span></a></li>
    <li><a href="./202402/t20240220_2.html"><p class="tit">关于公布2023年度优秀案例的通报</p><span class="time">2024-02-20</span></a></li>
    </ul></div>"""
    assert triples(extract_list(html, "http://x.gov.cn/tzgg/")) == [
        ("关于做好2024年春耕备耕工作的通知", "http://x.gov.cn/tzgg/202403/t20240301_1.html", "2024-03-01"),
        ("关于公布2023年度优秀案例的通报", "http://x.gov.cn/tzgg/202402/t20240220_2.html", "2024-02-20"),
    ]


# --- what is not the list --------------------------------------------------------------------

def test_related_links_block_and_footer_are_ignored():
    listing = extract_list(fixture("related_links_list.html"), "http://fgw.example.gov.cn/zcjd/")
    assert [item.url for item in listing.items] == [
        "http://fgw.example.gov.cn/zcjd/202403/t20240315_7710.html",
        "http://fgw.example.gov.cn/zcjd/202403/t20240301_7688.html",
        "http://fgw.example.gov.cn/zcjd/202402/t20240226_7671.html",
    ]


def test_links_div_list_javascript_links_base_href_and_duplicates():
    html = """<html><head><base href="http://www.example.gov.cn/zwgk/zcwj/"></head><body>
    <div class="news">
      <div class="item"><div class="t"><a href="./202401/t20240110_3.html">关于印发某某市数据管理办法的通知</a></div><div class="d">2024-01-10</div></div>
      <div class="item"><div class="t"><a href="javascript:void(0)" onclick="open(9)">关于印发某某市档案管理办法的通知</a></div><div class="d">2024-01-09</div></div>
      <div class="item"><div class="t"><a href="./202401/t20240108_2.html">关于印发某某市会议管理办法的通知</a></div><div class="d">2024-01-08</div></div>
      <div class="item"><div class="t"><a href="./202401/t20240110_3.html">关于印发某某市数据管理办法的通知（重复）</a></div><div class="d">2024-01-07</div></div>
    </div></body></html>"""
    assert triples(extract_list(html, "http://www.example.gov.cn/other/page.html")) == [
        ("关于印发某某市数据管理办法的通知", "http://www.example.gov.cn/zwgk/zcwj/202401/t20240110_3.html", "2024-01-10"),
        ("关于印发某某市会议管理办法的通知", "http://www.example.gov.cn/zwgk/zcwj/202401/t20240108_2.html", "2024-01-08"),
    ]


def test_bare_links_in_one_container_each_take_the_date_that_follows():
    html = """<div class="con"><a href="/a/1.html">关于开展安全生产大检查的通知</a><font>(2024-01-05)</font><br>
    <a href="/a/2.html">关于做好汛期值班工作的通知</a><font>(2024-01-04)</font><br></div>"""
    assert [item.date for item in extract_list(html, "http://x.gov.cn/").items] == [dt.date(2024, 1, 5), dt.date(2024, 1, 4)]


# --- lists drawn by script --------------------------------------------------------------------

def test_scripted_list_is_flagged_with_its_data_endpoint():
    listing = extract_list(fixture("scripted_list.html"), "http://www.example.gov.cn/zcwjk/")
    assert listing.items == []
    assert listing.scripted
    assert listing.data_endpoints == ["http://www.example.gov.cn/api/getDocuments?chanId=12&pageSize=20"]
    assert listing.total_pages is None


def test_static_list_is_not_scripted():
    assert not extract_list(fixture("plain_table_pager.html"), "http://www.example.gov.cn/xxgk/").scripted


def test_empty_and_garbage_input_never_raise():
    for text in ("", "   ", "<", "{not json", "\x00\x01"):
        listing = extract_list(text, "http://x.gov.cn/")
        assert listing.items == [] and listing.to_json()["pagination"]["next"] == []


# --- JSON APIs ------------------------------------------------------------------------------------

def test_json_api_answer():
    payload = json.loads(fixture("json_api.json"))
    assert extract_json_list(payload, "http://www.example.gov.cn/zwgk/zcwj/") == [
        ListItem("某某市人民政府关于印发优化营商环境若干措施的通知",  # <em> highlight removed
                 "http://www.example.gov.cn/zwgk/zcwj/202403/t20240311_99001.html", dt.date(2024, 3, 11)),
        ListItem("某某市人民政府办公室关于做好2024年度春耕生产工作的通知",
                 "http://www.example.gov.cn/zwgk/zcwj/202402/t20240229_98957.html", dt.date(2024, 2, 29)),
        ListItem("某某市推进数字政府建设三年行动方案（2024—2026年）",
                 "http://www.example.gov.cn/zwgk/zcwj/202402/t20240219_98902.html", None),
    ]


def test_json_body_through_extract_list_gets_items_and_page_count():
    listing = extract_list(fixture("json_api.json"), "http://www.example.gov.cn/zwgk/zcwj/")
    assert len(listing.items) == 3
    assert listing.total_pages == 3  # total 58 / pageSize 20


@pytest.mark.parametrize(
    "payload",
    [
        [{"title": "关于某某的通知", "link": "/a/1.html", "publishTime": 1704422400000}],  # top-level array, epoch ms
        {"result": {"records": [{"name": "关于某某的通知", "href": "/a/1.html", "createTime": "2024-01-05 12:00:00"}]}},
        {"docs": [{"subject": "关于某某的通知", "DOCPUBURL": "/a/1.html", "DOCRELTIME": "2024-01-05"}]},
        {"data": {"list": [{"title": "关于某某的通知", "url": "/a/1.html", "pubDate": "1704422400"}]}},  # epoch s
        '{"data": [{"TITLE": "关于某某的通知", "URL": "/a/1.html", "PUBDATE": "20240105"}]}',  # JSON text
    ],
)
def test_json_list_shapes(payload):
    assert extract_json_list(payload, "http://x.gov.cn/api") == [
        ListItem("关于某某的通知", "http://x.gov.cn/a/1.html", dt.date(2024, 1, 5))
    ]


def test_json_list_picks_the_record_array_not_other_arrays():
    payload = {"tags": ["通知", "公告"], "nav": [{"id": 1}], "rows": [
        {"title": "A 关于某某的通知", "url": "/a/1.html"}, {"title": "B 关于某某的公告", "url": "/a/2.html"}]}
    assert [item.title for item in extract_json_list(payload, "http://x.gov.cn/")] == ["A 关于某某的通知", "B 关于某某的公告"]


def test_json_list_of_invalid_text_is_empty():
    assert extract_json_list("<html>", "http://x.gov.cn/") == []


def test_title_attribute_replaces_text_cut_without_an_ellipsis():
    html = """<ul class="list"><li><a href="/a/1.html" title="关于开展2024年度全市安全生产大检查工作的通知">关于开展2024年度全市安全生产</a><span>2024-01-05</span></li>
    <li><a href="/a/2.html" title="点击查看">关于做好汛期值班工作的通知</a><span>2024-01-04</span></li></ul>"""
    assert [item.title for item in extract_list(html, "http://x.gov.cn/").items] == [
        "关于开展2024年度全市安全生产大检查工作的通知", "关于做好汛期值班工作的通知"]


def test_definition_list_dates_follow_their_title():
    html = """<dl class="list"><dt><a href="/a/1.html">关于开展安全生产大检查的通知</a></dt><dd>2024-01-05</dd>
    <dt><a href="/a/2.html">关于做好汛期值班工作的通知</a></dt><dd>2024-01-04</dd></dl>"""
    assert [item.date for item in extract_list(html, "http://x.gov.cn/").items] == [dt.date(2024, 1, 5), dt.date(2024, 1, 4)]


def test_decorated_next_link():
    html = """<ul class="list"><li><a href="/a/1.html">关于开展安全生产大检查的通知</a><span>2024-01-05</span></li></ul>
    <div class="page">共3页 <a href="index_1.html">下一页&gt;&gt;</a></div>"""
    listing = extract_list(html, "http://x.gov.cn/tzgg/index.html")
    assert (listing.total_pages, listing.next_pages) == (3, ["http://x.gov.cn/tzgg/index_1.html"])


def test_a_lone_undated_link_is_no_list():
    html = """<div class="main"><p class="back"><a href="/zwgk/">返回政务公开首页栏目</a></p>
    <div id="list"><ul><li ng-repeat="doc in docs"><a ng-href="{{doc.url}}">{{doc.title}}</a></li></ul></div></div>"""
    listing = extract_list(html, "http://x.gov.cn/zcwj/")
    assert (listing.items, listing.scripted) == ([], True)


def test_last_page_whose_next_link_points_to_itself_has_no_next_page():
    html = """<ul class="list"><li><a href="/a/9.html">关于开展安全生产大检查的通知</a><span>2024-01-05</span></li></ul>
    <div class="page">共5页 <a href="?page=4">上一页</a><a href="?page=5">下一页</a></div>"""
    listing = extract_list(html, "http://x.gov.cn/list?page=5")
    assert (listing.total_pages, listing.next_pages) == (5, [])


def test_a_pinned_record_with_class_top_is_still_a_record():
    html = """<ul class="list"><li class="top"><a href="/a/1.html">【置顶】关于开展安全生产大检查的通知</a><span>2024-01-05</span></li>
    <li><a href="/a/2.html">关于做好汛期值班工作的通知</a><span>2024-01-04</span></li></ul>"""
    assert len(extract_list(html, "http://x.gov.cn/").items) == 2


# --- year rows over [MM-DD] dates, a bare numbered pager, the build time as the last resort -----

def test_year_rows_date_the_short_dates_below_them_and_a_numbered_pager_gives_later_pages():
    url = "http://127.0.0.20/zwgk/gzdt/"
    listing = extract_list(fixture("year_rows_numbered_pager.html"), url)
    assert triples(listing) == [
        ("镇政府部署冬季城乡居民医保征缴工作", "http://127.0.0.20/zwgk/gzdt/343912.html", "2026-01-05"),
        ("青石镇举办2025年村级议事主题活动", "http://127.0.0.20/zwgk/gzdt/343909.html", "2025-12-30"),
        ("镇政府召开土地流转工作推进会", "http://127.0.0.20/zwgk/gzdt/343903.html", "2025-11-21"),
    ]
    assert listing.total_pages == 4
    assert listing.next_pages == [f"{url}?page={n}" for n in (2, 3, 4)]
    assert extract_list(fixture("year_rows_numbered_pager.html"), f"{url}?page=3").next_pages == [f"{url}?page=4"]


def test_short_dates_with_no_other_clue_are_never_later_than_the_page_build_time():
    assert [d for _, _, d in triples(extract_list(fixture("short_dates_build_time.html"), "http://127.0.0.15/tzgg/"))] == [
        "2026-01-06", "2025-12-29", "2025-12-02"]


# --- a short dated list beside long navigation blocks ------------------------------------------

LAIAN_URL = "http://www.laian.gov.cn/xxgk/fdzdgknr/ghjh/index.html"
LAIAN_ITEMS = [
    ("来安县2024年国民经济和社会发展计划",
     "http://www.laian.gov.cn/xxgk/fdzdgknr/ghjh/202403/t20240305_7184125.html", "2024-03-05"),
    # Cut with "..." in the list; the title attribute holds it whole.
    ("来安县“十四五”规划纲要实施情况中期评估报告（2021—2023年）",
     "http://www.laian.gov.cn/xxgk/fdzdgknr/ghjh/202401/t20240118_7101932.html", "2024-01-18"),
]
HEADER_ROW = "<tr><th width=\"46%\">名称</th><th width=\"22%\">索引号</th><th width=\"18%\">发布机构</th><th width=\"14%\">发布日期</th></tr>"
SECOND_ROW = LAIAN_ITEMS[1][1].rsplit("/", 1)[1]


def laian(edit=lambda page: page) -> str:
    return edit(fixture("short_table_list_side_menu.html"))


def without_second_row(page: str) -> str:
    at = page.index(SECOND_ROW)
    return page[:page.rindex("<tr>", 0, at)] + page[page.index("</tr>", at) + 5:]


@pytest.mark.parametrize("edit, expected", [
    (lambda page: page, LAIAN_ITEMS),
    (without_second_row, LAIAN_ITEMS[:1]),  # one row: the table's header row still names it a list
    (lambda page: page.replace(HEADER_ROW, ""), LAIAN_ITEMS),  # no header: its dates outweigh 28 menu links
], ids=["two-rows", "one-row", "no-header-row"])
def test_a_short_dated_table_list_wins_over_long_undated_menus(edit, expected):
    """名称 | 索引号 | 发布机构 | 发布日期 with one or two rows, beside a menu of 16 column links
    and 12 links to departments' sites, none of them in a nav/menu-named container."""
    listing = extract_list(laian(edit), LAIAN_URL)
    assert triples(listing) == expected
    assert (listing.total_pages, listing.next_pages, listing.problem) == (1, [], None)


# --- fail safe: a page not read as a list says so ------------------------------------------------

def without_list(page: str) -> str:
    return page[:page.index('<table class="xxgk-table"')] + page[page.index("</table>") + 8:]


def test_only_navigation_links_is_no_confident_list():
    listing = extract_list(laian(without_list), LAIAN_URL)
    assert listing.items and all(item.date is None for item in listing.items)
    assert listing.problem == "undated"


@pytest.mark.parametrize("notice", ["<p>暂无信息</p>", "<div class=\"nodata\">暂无相关数据</div>", "<div class=\"page\">共0条 1/1页</div>",
                                    "<script>var pageChnlInfo = {classsql: 'chnlid=653', recordCount: '0', prepage: 15};</script>"])
def test_a_column_that_says_it_is_empty_is_read_as_empty(notice):
    page = laian(without_list).replace('<div class="page">共2条 1/1页</div>', notice)
    page = page[:page.index('<div class="zwgk-left')] + page[page.index('<div class="zwgk-right'):]  # no menus either
    listing = extract_list(page, LAIAN_URL)
    assert (listing.items, listing.problem) == ([], None)


def test_a_page_without_list_or_notice_is_not_read():
    page = laian(without_list).replace('<div class="page">共2条 1/1页</div>', "")
    page = page[:page.index('<div class="zwgk-left')] + page[page.index('<div class="zwgk-right'):]
    listing = extract_list(page, LAIAN_URL)
    assert (listing.items, listing.problem) == ([], "no_list")


def test_a_scripted_list_is_not_read_until_drawn():
    assert extract_list(fixture("scripted_list.html"), "http://www.example.gov.cn/zcwjk/").problem == "scripted"


def test_json_answers_say_empty_or_undated_too():
    assert extract_list('{"total": 0, "data": []}', "http://x.gov.cn/api").problem is None
    assert extract_list('{"data": []}', "http://x.gov.cn/api").problem == "no_list"
    undated = extract_list('{"data": [{"title": "关于开展安全生产大检查的通知", "url": "/a/1.html"}]}', "http://x.gov.cn/api")
    assert (len(undated.items), undated.problem) == (1, "undated")


@pytest.mark.parametrize("pager, total", [
    ("<div class='page'>共有12页 当前第1页</div>", 12),
    ("<div class='page'>页次：1/8 每页20条</div>", 8),
    ("<div class='page'>总页数：6　当前页：1</div>", 6),
    ("<div class='page'>共224条记录，每页15条</div>", 15),
    ("<div id='page'></div><script>var maxPageNum=0;\nmaxPageNum = 199;\nif (maxPageNum>1){drawPager();}</script>", 199),
], ids=["gongyou", "yeci", "zongyeshu", "records-per-page", "pager-script"])
def test_page_counts_as_pagers_print_them(pager, total):
    html = f"""<ul class="list"><li><a href="./202401/t20240105_1.html">关于开展安全生产大检查的通知</a><span>2024-01-05</span></li>
    <li><a href="./202401/t20240104_2.html">关于做好汛期值班工作的通知</a><span>2024-01-04</span></li></ul>{pager}"""
    assert extract_list(html, "http://x.gov.cn/tzgg/index.html").total_pages == total


@pytest.mark.parametrize("header", [
    '<table class="head"><tr><td>标题</td><td>发布日期</td></tr></table>',  # a header table above the list's
    None,
], ids=["header-table-above", "header-li"])
def test_a_header_outside_the_rows_declares_the_list_too(header):
    rows = [("来安县2024年国民经济和社会发展计划", "./202403/t20240305_7184125.html", "2024-03-05")]
    if header:
        listing = header + "<table class=\"lb\">" + "".join(
            f'<tr><td><a href="{u}">{t}</a></td><td>{d}</td></tr>' for t, u, d in rows) + "</table>"
    else:
        listing = '<ul class="lb"><li class="th"><span>文件名称</span><span>成文日期</span></li>' + "".join(
            f'<li><a href="{u}">{t}</a><span>{d}</span></li>' for t, u, d in rows) + "</ul>"
    page = laian().replace(laian()[laian().index('<table class="xxgk-table"'):laian().index("</table>") + 8], listing)
    assert triples(extract_list(page, LAIAN_URL)) == [
        ("来安县2024年国民经济和社会发展计划", "http://www.laian.gov.cn/xxgk/fdzdgknr/ghjh/202403/t20240305_7184125.html", "2024-03-05")]


def test_the_header_row_decides_against_a_longer_block_of_undated_document_links():
    """One dated row under 名称 … 发布日期, beside twelve undated links to documents (a 专题
    sidebar): the header row names the list; without it, twelve real titles would outweigh one row."""
    page = re.sub(r'href="http://(\w+)\.laian\.gov\.cn/"', r'href="/zt/\1/202402/t20240201_1.html"', laian(without_second_row))
    assert triples(extract_list(page, LAIAN_URL)) == LAIAN_ITEMS[:1]
    assert triples(extract_list(page.replace(HEADER_ROW, ""), LAIAN_URL))[0][2] is None
