"""Malformed list pages read as a browser reads them (tests/files/extract/malformed_*.html).

Each fixture is a government list page with one breakage a browser repairs: misnested inline tags
across `</a>`, stray `<div>`s and `</div>`s, unclosed `<li>`/`<td>`/`<tr>`, a `<table>` inside a
link, an unclosed `<a>`, an unclosed comment, `<p>` around `<div>`s, a body cut mid-list.
EXPECTED is what a browser shows: the dated links of each page, read off headless Chromium's
rendering, off Chromium's DOM (`--dump-dom`) and off html5lib's DOM by
`benchmarks/parsers/browser_view.py --check` (all three agree with this table), never from
running gkwatch. The cut pages of the truncation test were checked the same way: Chromium shows
the rows that arrived, and a row cut in its title or date as a link without a date.
"""

import pytest

import extract.dom as dom
from extract import decode_html, extract_detail, extract_list

from .conftest import FILES, REAL_PAGE_FACTS, REAL_PAGES, real_pages

FIXTURES = FILES / "extract"
URL = "http://www.example.gov.cn/zwgk/tzgg/index.html"

EXPECTED = {
    "malformed_fault_site.html": [
        ("某某县政务服务中心关于调整窗口办公时间的公告（置顶）", "http://www.example.gov.cn/zwgk/tzgg/202603/t20260302_8104.html", "2026-03-02"),
        ("某某县人民政府关于2026年冬季森林防火期有关事项的通告", "http://www.example.gov.cn/zwgk/tzgg/202611/t20261120_8812.html", "2026-11-20"),
        ("关于开展2026年度县级行政规范性文件清理工作的通知", "http://www.example.gov.cn/zwgk/tzgg/202611/t20261118_8806.html", "2026-11-18"),
        ("某某县2026年第三季度政府网站检查情况通报", "http://www.example.gov.cn/zwgk/tzgg/202611/t20261114_8797.html", "2026-11-14"),
        ("某某县农业农村局关于秋冬季农作物病虫害防控工作的通知", "http://www.example.gov.cn/zwgk/tzgg/202611/t20261110_8785.html", "2026-11-10"),
        ("关于公布某某县第二批县级非物质文化遗产代表性传承人名单的通知", "http://www.example.gov.cn/zwgk/tzgg/202611/t20261105_8771.html", "2026-11-05"),
        ("某某县人民政府办公室关于调整县防汛抗旱指挥部成员的通知", "http://www.example.gov.cn/zwgk/tzgg/202610/t20261030_8750.html", "2026-10-30"),
        ("某某县2026年公开招聘社区工作者拟聘用人员公示", "http://www.example.gov.cn/zwgk/tzgg/202610/t20261023_8733.html", "2026-10-23"),
    ],
    "malformed_misnested_inline.html": [
        ("某某市人民政府关于印发某某市加快推进新型工业化实施方案的通知", "http://www.example.gov.cn/zwgk/tzgg/202611/t20261120_70213.html", "2026-11-20"),
        ("某某市人民政府办公室关于进一步优化营商环境降低市场主体制度性交易成本的意见", "http://www.example.gov.cn/zwgk/tzgg/202611/t20261117_70188.html", "2026-11-17"),
        ("某某市人民政府关于公布第七批市级非物质文化遗产代表性项目名录的通知", "http://www.example.gov.cn/zwgk/tzgg/202611/t20261112_70150.html", "2026-11-12"),
        ("某某市人民政府办公室关于印发某某市城市更新行动计划（2026—2030年）的通知", "http://www.example.gov.cn/zwgk/tzgg/202611/t20261106_70121.html", "2026-11-06"),
        ("某某市人民政府关于调整部分行政许可事项的决定", "http://www.example.gov.cn/zwgk/tzgg/202610/t20261029_70087.html", "2026-10-29"),
        ("某某市人民政府办公室关于做好2026年秋冬季大气污染防治工作的通知", "http://www.example.gov.cn/zwgk/tzgg/202610/t20261021_70042.html", "2026-10-21"),
        ("某某市人民政府关于废止和修改部分市政府规章的决定", "http://www.example.gov.cn/zwgk/tzgg/202610/t20261014_70011.html", "2026-10-14"),
        ("某某市人民政府办公室关于印发某某市养老服务体系建设三年行动方案的通知", "http://www.example.gov.cn/zwgk/tzgg/202609/t20260930_69978.html", "2026-09-30"),
    ],
    "malformed_p_around_div.html": [
        ("市应急管理局召开冬季安全生产工作部署会", "http://www.example.gov.cn/gzdt/202611/t20261120_3308.html", "2026-11-20"),
        ("某某市开展2026年度危险化学品企业安全生产专项执法检查", "http://www.example.gov.cn/gzdt/202611/t20261117_3301.html", "2026-11-17"),
        ("市安委会办公室对三个县区开展安全生产督导", "http://www.example.gov.cn/gzdt/202611/t20261113_3295.html", "2026-11-13"),
        ("某某市举行2026年森林火灾应急救援综合演练", "http://www.example.gov.cn/gzdt/202611/t20261106_3282.html", "2026-11-06"),
        ("市应急管理局开展“消防宣传月”进社区活动", "http://www.example.gov.cn/gzdt/202610/t20261030_3270.html", "2026-10-30"),
        ("某某市召开防汛抗旱工作总结会议", "http://www.example.gov.cn/gzdt/202610/t20261024_3261.html", "2026-10-24"),
    ],
    "malformed_stray_end_div.html": [
        ("某某区2026年下半年事业单位公开招聘工作人员拟聘用人员公示", "http://www.example.gov.cn/zwgk/rsxx/202611/t20261119_412.html", "2026-11-19"),
        ("某某区人民政府关于张某某等同志职务任免的通知", "http://www.example.gov.cn/zwgk/rsxx/202611/t20261113_409.html", "2026-11-13"),
        ("某某区2026年公开选调公务员笔试成绩及进入面试人员名单", "http://www.example.gov.cn/zwgk/rsxx/202611/t20261104_401.html", "2026-11-04"),
        ("某某区2026年度第二批公益性岗位招聘公告", "http://www.example.gov.cn/zwgk/rsxx/202610/t20261028_395.html", "2026-10-28"),
        ("某某区教育系统2026年公开招聘教师体检结果公示", "http://www.example.gov.cn/zwgk/rsxx/202610/t20261015_388.html", "2026-10-15"),
        ("某某区人民政府关于李某某同志任职的通知", "http://www.example.gov.cn/zwgk/rsxx/202609/t20260930_377.html", "2026-09-30"),
        ("某某区2026年退役士兵安置岗位选岗结果公示", "http://www.example.gov.cn/zwgk/rsxx/202609/t20260918_370.html", "2026-09-18"),
    ],
    "malformed_table_in_link.html": [
        ("某某市生态环境局关于2026年第三批建设项目环境影响评价文件审批结果的公告", "http://www.example.gov.cn/xxgk/tzgg/202611/t20261121_91244.html", "2026-11-21"),
        ("某某市2026年10月环境空气质量状况通报", "http://www.example.gov.cn/xxgk/tzgg/202611/t20261116_91230.html", "2026-11-16"),
        ("关于开展2026年重点排污单位自行监测质量专项检查的通知", "http://www.example.gov.cn/xxgk/tzgg/202611/t20261110_91207.html", "2026-11-10"),
        ("某某市生态环境局行政处罚决定书送达公告（2026年第12号）", "http://www.example.gov.cn/xxgk/tzgg/202611/t20261103_91188.html", "2026-11-03"),
        ("某某市重污染天气应急减排清单（2026年修订版）公示", "http://www.example.gov.cn/xxgk/tzgg/202610/t20261027_91160.html", "2026-10-27"),
    ],
    "malformed_truncated.html": [
        ("某某镇2026年第四季度重大行政决策事项目录", "http://www.example.gov.cn/zwgk/tzgg/202611/t20261118_1207.html", "2026-11-18"),
        ("某某镇人民政府关于2026年冬春农田水利基本建设的实施意见", "http://www.example.gov.cn/zwgk/tzgg/202611/t20261112_1199.html", "2026-11-12"),
        ("某某镇2026年城乡居民最低生活保障对象公示", "http://www.example.gov.cn/zwgk/tzgg/202611/t20261105_1186.html", "2026-11-05"),
        ("某某镇2026年度耕地地力保护补贴发放情况公示", "http://www.example.gov.cn/zwgk/tzgg/202610/t20261029_1172.html", "2026-10-29"),
        ("某某镇人民政府关于调整镇安全生产委员会组成人员的通知", "http://www.example.gov.cn/zwgk/tzgg/202610/t20261020_1160.html", "2026-10-20"),
        ("某某镇2026年第三季度财政收支情况", "http://www.example.gov.cn/zwgk/tzgg/202610/t20261009_1147.html", "2026-10-09"),
    ],
    "malformed_unclosed_cells.html": [
        ("某某市2025年市级一般公共预算决算表", "http://www.example.gov.cn/zwgk/tzgg/202611/t20261118_36512.html", "2026-11-18"),
        ("某某市2026年1-10月财政收支情况", "http://www.example.gov.cn/zwgk/tzgg/202611/t20261109_36490.html", "2026-11-09"),
        ("某某市财政局2025年度部门决算公开", "http://www.example.gov.cn/zwgk/tzgg/202610/t20261027_36455.html", "2026-10-27"),
        ("关于某某市2026年上半年预算执行情况的报告", "http://www.example.gov.cn/zwgk/tzgg/202610/t20261012_36421.html", "2026-10-12"),
        ("某某市2026年政府债务限额及余额情况表", "http://www.example.gov.cn/zwgk/tzgg/202609/t20260926_36388.html", "2026-09-26"),
        ("某某市2026年第二批地方政府专项债券项目信息公开表", "http://www.example.gov.cn/zwgk/tzgg/202609/P020260915561738240921.pdf", "2026-09-15"),
    ],
    "malformed_unclosed_comment.html": [
        ("《某某县促进民营经济高质量发展若干措施》解读", "http://www.example.gov.cn/zwgk/zcjd/202610/t20261017_5487.html", "2026-10-17"),
        ("《某某县居家和社区养老服务改革试点方案》政策问答", "http://www.example.gov.cn/zwgk/zcjd/202609/t20260929_5470.html", "2026-09-29"),
        ("《某某县2026年稳就业若干政策措施》解读", "http://www.example.gov.cn/zwgk/zcjd/202609/t20260915_5452.html", "2026-09-15"),
        ("《某某县城乡供水一体化工程建设方案》答记者问", "http://www.example.gov.cn/zwgk/zcjd/202608/t20260828_5436.html", "2026-08-28"),
    ],
    "malformed_unclosed_li.html": [
        ("某某县国民经济和社会发展第十五个五年规划纲要（征求意见稿）", "http://www.example.gov.cn/zwgk/tzgg/202611/t20261116_2291.html", "2026-11-16"),
        ("某某县2026年重点项目投资计划调整情况", "http://www.example.gov.cn/zwgk/tzgg/202611/t20261102_2284.html", "2026-11-02"),
        ("某某县2026年前三季度国民经济运行情况", "http://www.example.gov.cn/zwgk/tzgg/202610/t20261020_2270.html", "2026-10-20"),
        ("某某县“十五五”综合交通运输发展规划前期研究招标公告", "http://www.example.gov.cn/zwgk/tzgg/202609/t20260928_2262.html", "2026-09-28"),
        ("某某县2026年以工代赈项目实施计划", "http://www.example.gov.cn/zwgk/tzgg/202609/t20260911_2249.html", "2026-09-11"),
        ("某某县2026年上半年国民经济和社会发展计划执行情况", "http://www.example.gov.cn/zwgk/tzgg/202608/t20260825_2233.html", "2026-08-25"),
    ],
    "malformed_unclosed_link.html": [
        ("某某市人力资源和社会保障局关于2026年度职称评审结果的公示", "http://www.example.gov.cn/zwgk/tzgg/202611/t20261121_60318.html", "2026-11-21"),
        ("关于开展2026年度根治欠薪冬季专项行动的通知", "http://www.example.gov.cn/zwgk/tzgg/202611/t20261119_60307.html", "2026-11-19"),
        ("某某市2026年下半年城乡居民基本养老保险待遇领取资格认证公告", "http://www.example.gov.cn/zwgk/tzgg/202611/t20261113_60290.html", "2026-11-13"),
        ("某某市2026年第三季度就业见习补贴拟发放名单公示", "http://www.example.gov.cn/zwgk/tzgg/202611/t20261107_60271.html", "2026-11-07"),
        ("关于调整某某市最低工资标准的通知", "http://www.example.gov.cn/zwgk/tzgg/202610/t20261031_60254.html", "2026-10-31"),
        ("某某市2026年高校毕业生“三支一扶”计划招募公告", "http://www.example.gov.cn/zwgk/tzgg/202610/t20261022_60233.html", "2026-10-22"),
        ("关于做好2026年度工伤保险费率调整工作的通知", "http://www.example.gov.cn/zwgk/tzgg/202610/t20261015_60219.html", "2026-10-15"),
        ("某某市技工院校2026年秋季招生情况通报", "http://www.example.gov.cn/zwgk/tzgg/202609/t20260929_60197.html", "2026-09-29"),
    ],
}


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def triples(listing):
    return [(item.title, item.url, item.date.isoformat() if item.date else None) for item in listing.items]


def test_every_malformed_fixture_has_expected_items():
    assert sorted(EXPECTED) == sorted(path.name for path in FIXTURES.glob("malformed_*.html"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_items_are_the_ones_a_browser_shows(name):
    assert triples(extract_list(fixture(name), URL)) == EXPECTED[name]


def test_fault_site_newest_date_is_read():
    # The reported fault: 1 of 8 items read (the pinned one, dated March), so the column looked stale.
    items = extract_list(fixture("malformed_fault_site.html"), URL).items
    assert len(items) == 8
    assert max(item.date for item in items).isoformat() == "2026-11-20"


# --- a body cut short: read for what it shows -------------------------------------------------

INLINE = "malformed_misnested_inline.html"


def _cut(marker: str, after_rows: int) -> str:
    """The misnested list page cut after its `after_rows`-th list row, or at the end of the
    first `marker` after that row."""
    text = fixture(INLINE)
    position = text.index('<ul class="list">')
    for _ in range(after_rows):
        position = text.index("</li>", position) + len("</li>")
    return text[: text.index(marker, position) + len(marker)] if marker else text[:position]


@pytest.mark.parametrize(
    "where,text,extra",
    [
        ("after the 5th row", lambda: _cut("", 5), []),
        ("inside the 6th link's tag", lambda: _cut('href="./2026', 5), []),
        # The 6th link drawn with its title cut (its title attribute is whole) and no date yet.
        ("inside the 6th title", lambda: _cut("color=red>某某市人民政府办公室关于做好2026年秋冬季大气", 5),
         [(EXPECTED[INLINE][5][0], EXPECTED[INLINE][5][1], None)]),
        ("inside the 6th date", lambda: _cut("<span>2026-", 5),
         [(EXPECTED[INLINE][5][0], EXPECTED[INLINE][5][1], None)]),
    ],
)
def test_truncated_body_gives_the_rows_that_arrived(where, text, extra):
    page = text()
    assert "</html>" not in page
    assert triples(extract_list(page, URL)) == EXPECTED[INLINE][:5] + extra


# --- the parse: lxml where it builds a browser's tree, HTML5 where it does not ----------------

def test_real_pages_as_served_are_parsed_by_lxml_alone(monkeypatch):
    # Their stray end tags (`<a>…</a><img></a>`, an extra `</div>`) are ignored by a browser too. (Pages
    # with a caveat — a DOM a browser serialised, a string literal, a crawler's dump — may need HTML5.)
    def refuse(text):
        raise AssertionError("took the HTML5 parse")

    monkeypatch.setattr(dom, "_html5_tree", refuse)
    served = [REAL_PAGES / name for name, page in sorted(REAL_PAGE_FACTS.items())
              if name.endswith(".html") and not page.get("caveat")]
    assert served
    for path in [*served, FIXTURES / "trs_table_list.html",
                 FIXTURES / "malformed_unclosed_li.html", FIXTURES / "malformed_unclosed_cells.html"]:
        dom.parse_fresh(decode_html(path.read_bytes(), None)[0])


@pytest.mark.parametrize(
    "name", ["malformed_table_in_link.html", "malformed_unclosed_link.html", "malformed_fault_site.html"],
)
def test_damaged_pages_take_the_html5_parse(name):
    root, damaged = dom._lxml_tree(fixture(name))
    assert damaged


@pytest.mark.parametrize(
    "body,damaged",
    [
        ('<ul><li><a href="1.html">标题</a><img src="new.gif"></a><span>2026-11-20</span></li></ul>', False),
        ('<div class="list"><ul><li><a href="1.html">标题</a></li></ul></div></div></div>', False),
        ('<div class="item"><a href="1.html"></div>标题</a></div>', True),  # a browser re-opens the link
        ('<ul><li><a href="1.html"><table><tr><td>标题</td></tr></table></a></li></ul>', True),
        ('<h3><a href="1.html">标题</a><p>摘要</p></h3>', True),
        ('<ul><li><span>2026-11-20<a href="1.html">标题</a><li><span>2026-11-19<a href="2.html">标题</a></ul>', True),
        ('<table><tr><td><a href="1.html">标题</a></td></tr><div class="line"></div></table>', True),
    ],
)
def test_what_counts_as_damage(body, damaged):
    assert dom._lxml_tree(f"<html><body>{body}</body></html>")[1] is damaged


def test_link_around_a_table_keeps_its_text():
    root = dom.parse_fresh(fixture("malformed_table_in_link.html"))
    link = root.xpath("//a[contains(@href, 't20261121_91244')]")[0]
    assert link.xpath("string(.//td[@class='bt'])").startswith("某某市生态环境局关于2026年第三批")


def test_html5_tree_takes_what_lxml_cannot_hold():
    page = ('<p title="&#11;x" "q"=1 a{b}=2>\x00x\x0c&#1;y</p>' + "<div>" * 5000 + "deep"
            + "<table><tr><td>1")
    root = dom._html5_tree(page)
    assert root.xpath("string(//p)") == "\ufffdx\ufffd\ufffdy"
    assert root.xpath("//p/@title") == ["\ufffdx"]
    assert len(root.xpath("//div")) == 5000
    assert root.xpath("string(//td)") == "1"
    assert dom.parse_fresh("").tag == "html" and dom.parse_fresh("  ").tag == "html"


# --- the real pages read the same through the HTML5 parse -------------------------------------

@pytest.fixture
def html5_only(monkeypatch):
    """Every page parsed the HTML5 way (as with a libxml2 before 2.14)."""
    monkeypatch.setattr(dom, "_LXML_TOKENIZES_AS_HTML5", False)
    dom._TREES.clear()
    yield
    dom._TREES.clear()


@pytest.mark.parametrize("name", sorted(real_pages("list")))
def test_real_list_items_same_through_the_html5_parse(name, html5_only):
    case = real_pages("list")[name]
    listing = extract_list((REAL_PAGES / name).read_text(encoding="utf-8"), case["url"])
    assert listing.to_json()["items"] == case["expect"]["items"]
    assert listing.total_pages == case["expect"]["total_pages"]


@pytest.mark.parametrize("name", sorted(real_pages("detail")))
def test_real_detail_facts_same_through_the_html5_parse(name, html5_only):
    case = real_pages("detail")[name]
    detail = extract_detail((REAL_PAGES / name).read_text(encoding="utf-8"), case["url"]).to_json()
    for fact in ("title", "source", "index_no", "doc_no", "attachments"):
        assert detail[fact] == case["expect"][fact]
    assert ((detail["published"] or "")[:10] or None) == case["expect"]["published"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_fixtures_same_through_the_html5_parse(name, html5_only):
    assert triples(extract_list(fixture(name), URL)) == EXPECTED[name]
