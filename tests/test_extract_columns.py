"""Column discovery and `gkwatch extract columns`: the columns a person reading a portal page sees —
its disclosure navigation as a tree, on other hosts too; site navigation, other agencies' sites,
documents and duplicates left out — on real portal pages, on every sandbox portal, and on the
markup forms real CMSs use (Hanweb trees, TRS dl menus, broken comments, gkmlpt catalogues)."""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import urljoin

import pytest

from core.taxonomy import classify
from extract import decode_html
from extract.discovery import discover_columns, page_columns
from sandbox import Sandbox

from .conftest import REAL_PAGES, REFERENCE_DAY, real_pages, run_gkwatch

PORTALS = real_pages("portal")
# A page saved without its address: its links are resolved against a stand-in, as written.
STAND_IN = "http://page.invalid/p1/p2/p3/"
# pages.json names the Pingtan portal's six 政府信息公开 sub-columns; their types and nesting, read
# on the page: one flat menu under the heading 政府信息公开专栏 (a title, not a column).
def expected_columns(name: str) -> list[dict]:
    base = PORTALS[name]["url"] or STAND_IN
    return [{"name": c["name"], "url": c["url"] or urljoin(base, c["href"]), "type": c["type"],
             "parent": c["parent"]} for c in PORTALS[name]["expect"]["columns"]]


def read(name: str) -> str:
    return decode_html((REAL_PAGES / name).read_bytes(), None)[0]


# --- real portal pages: every one of pages.json and of incoming/*.json ------------------------------

@pytest.mark.parametrize("name", sorted(PORTALS))
def test_real_portal_columns_exactly(name):
    assert page_columns(read(name), PORTALS[name]["url"] or STAND_IN) == expected_columns(name)


@pytest.mark.parametrize("name", sorted(PORTALS))
def test_the_standard_sub_columns_of_real_portals_are_typed_right(name):
    standard = {"guide", "system", "statutory", "annual_report"}
    expected = {c["url"]: c["type"] for c in expected_columns(name) if c["type"] in standard}
    found = {c["url"]: c["type"] for c in page_columns(read(name), PORTALS[name]["url"] or STAND_IN)}
    assert {url: found.get(url) for url in expected} == expected


# --- every sandbox portal ----------------------------------------------------------------------------

def test_every_sandbox_portal_shows_its_columns_with_types_and_parents():
    """The portal's menu holds the top-level columns and, under 法定主动公开内容, its sub-columns.
    The manifest leaves out the columns robots.txt forbids (the page still links them)."""
    with Sandbox(REFERENCE_DAY, port=0) as sandbox:
        manifest = sandbox.manifest()
        pages = {a["id"]: _fetch(a["portal"]) for a in manifest["agencies"] if not a["down"]}
    assert len(pages) >= 9
    for agency in manifest["agencies"]:
        if agency["id"] not in pages:
            continue
        by_url = {c["url"]: c for c in agency["columns"]}
        expected = [{"name": c["name"], "url": c["url"], "type": c["type"],
                     "parent": by_url[c["parent_url"]]["name"] if c["parent_url"] else None}
                    for c in agency["columns"]
                    if c["parent_url"] is None or by_url[c["parent_url"]]["parent_url"] is None]
        found = [c for c in page_columns(pages[agency["id"]], agency["portal"])
                 if not any(path in c["url"] for path in agency["robots_disallow"])]
        assert sorted(found, key=_key) == sorted(expected, key=_key), agency["id"]


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return decode_html(response.read(), response.headers.get("Content-Type"))[0]


def _key(column: dict) -> str:
    return column["url"]


# --- the forms real portals take ------------------------------------------------------------------

HANWEB_PORTAL = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开_淮河市人民政府</title></head>
<body>
<div class="header"><div class="logo"><a href="/"><img src="/images/logo.png" alt="淮河市人民政府"></a></div>
<div class="nav"><ul>
<li><a href="/index.html">首页</a></li><li><a href="/col/col7001/index.html">政务公开</a></li>
<li><a href="/col/col7002/index.html">政务服务</a></li><li><a href="/col/col7003/index.html">互动交流</a></li>
</ul></div></div>
<div class="main">
<div class="xxgk-left"><div class="xxgk-tit">政府信息公开</div>
<ul class="tree">
<li><a href="/col/col4001/index.html">政府信息公开指南</a></li>
<li><a href="/col/col4002/index.html">政府信息公开制度</a></li>
<li class="parent"><a href="javascript:;">法定主动公开内容</a><ul class="child">
  <li><a href="/col/col4011/index.html">机构职能</a></li>
  <li><a href="/col/col4012/index.html">领导信息</a></li>
  <li><a href="/col/col4013/index.html">规范性文件</a></li>
  <li><a href="http://www.ccgp-anhui.gov.cn/cityNotice/index.do?areaCode=340400">政府采购</a></li>
  <li><a href="https://www.ahzwfw.gov.cn/bog-bsdt/static/workProcess/qlqd.html?areaCode=340400">行政许可</a></li>
  <li class="parent"><a href="javascript:;">部门信息公开</a><ul class="child">
    <li><a href="/col/col5101/index.html">市发展改革委</a></li>
    <li><a href="/col/col5102/index.html">市教育局</a></li>
    <li><a href="/col/col5103/index.html">市财政局</a></li>
  </ul></li>
</ul></li>
<li><a href="/col/col4003/index.html">政府信息公开年报</a></li>
</ul></div>
<div class="xxgk-right"><div class="tit"><h3>最新信息</h3></div><ul class="list">
<li><a href="/art/2026/11/20/art_4013_98012.html">淮河市人民政府关于印发淮河市优化营商环境若干措施的通知</a><span>2026-11-20</span></li>
<li><a href="/art/2026/11/18/art_4012_97990.html">淮河市人民政府领导工作分工</a><span>2026-11-18</span></li>
</ul>
<div class="bmlj"><h3>市政府部门</h3><ul>
<li><a href="http://fgw.huaihe.gov.cn/">市发展改革委</a></li><li><a href="http://jyj.huaihe.gov.cn/">市教育局</a></li>
<li><a href="http://gaj.huaihe.gov.cn/">市公安局</a></li><li><a href="http://czj.huaihe.gov.cn/">市财政局</a></li>
<li><a href="http://zjj.huaihe.gov.cn/">市住房城乡建设局</a></li><li><a href="http://wjw.huaihe.gov.cn/">市卫生健康委员会</a></li>
</ul></div>
<div class="yqlj"><h3>友情链接</h3><ul><li><a href="https://www.gov.cn/">中国政府网</a></li>
<li><a href="https://www.ah.gov.cn/">安徽省人民政府</a></li></ul></div>
</div></div>
<div class="footer"><a href="/col/col9001/index.html">网站地图</a> <a href="/col/col9002/index.html">联系我们</a>
<p>主办：淮河市人民政府办公室 网站标识码 3404000001</p></div>
</body></html>"""


def test_a_side_menu_tree_with_a_branch_on_other_hosts():
    """The 法定主动公开内容 branch is a toggle with no page of its own: its entries name it as their
    parent; 政府采购 and 行政许可 on the province's platforms are columns; the departments under
    部门信息公开 and the 市政府部门 block are other agencies; header, footer and documents are not columns."""
    page = "https://www.huaihe.gov.cn/col/col7001/index.html"
    assert page_columns(HANWEB_PORTAL, page) == [
        {"name": "政府信息公开指南", "url": "https://www.huaihe.gov.cn/col/col4001/index.html", "type": "guide", "parent": None},
        {"name": "政府信息公开制度", "url": "https://www.huaihe.gov.cn/col/col4002/index.html", "type": "system", "parent": None},
        {"name": "机构职能", "url": "https://www.huaihe.gov.cn/col/col4011/index.html", "type": "org",
         "parent": "法定主动公开内容"},
        {"name": "领导信息", "url": "https://www.huaihe.gov.cn/col/col4012/index.html", "type": "leaders",
         "parent": "法定主动公开内容"},
        {"name": "规范性文件", "url": "https://www.huaihe.gov.cn/col/col4013/index.html", "type": "policy",
         "parent": "法定主动公开内容"},
        {"name": "政府采购", "url": "http://www.ccgp-anhui.gov.cn/cityNotice/index.do?areaCode=340400",
         "type": "procurement", "parent": "法定主动公开内容"},
        {"name": "行政许可", "url": "https://www.ahzwfw.gov.cn/bog-bsdt/static/workProcess/qlqd.html?areaCode=340400",
         "type": "licensing", "parent": "法定主动公开内容"},
        {"name": "政府信息公开年报", "url": "https://www.huaihe.gov.cn/col/col4003/index.html", "type": "annual_report",
         "parent": None},
    ]


def test_the_crawler_also_sees_site_navigation_of_disclosure_types():
    navigation = [(c.name, c.url) for c in discover_columns(HANWEB_PORTAL, "https://www.huaihe.gov.cn/") if c.in_chrome]
    assert navigation == [("互动交流", "https://www.huaihe.gov.cn/col/col7003/index.html")]


TRS_DL_MENU = """<html><head><meta charset="utf-8"><title>政府信息公开_青川县商务局</title></head><body>
<div class="top"><a href="../">首页</a> <a href="../zwdt/">政务动态</a></div>
<div class="content"><div class="left"><div class="gknav">
<dl><dt><a href="./zfxxgkzn/">政府信息公开指南</a></dt></dl>
<dl><dt><a href="./zfxxgkzd/">政府信息公开制度</a></dt></dl>
<dl><dt><a href="./fdzdgknr/">法定主动公开内容</a></dt>
<!-- <dd><a href="./fdzdgknr/jgzn/">机构职能</a></dd> <!-- 旧栏目 --> <dd><a href="./fdzdgknr/czyjs/">财政预决算</a></dd> -->
<dd><a href="./fdzdgknr/jgzn/">机构职能</a></dd>
<dd><a href="./fdzdgknr/zcwj/">政策文件</a></dd>
<dd><a href="./fdzdgknr/czyjs/">财政预决算</a></dd>
</dl>
<dl><dt><a href="./zfxxgknb/">政府信息公开年报</a></dt></dl>
<dl><dt><a href="./ysqgk/">依申请公开</a></dt></dl>
<dl ms-for="el in menus"><dt><a ms-attr-href="el.url">{{el.name}}</a></dt></dl>
</div></div>
<div class="right"><div class="title">通知公告</div><ul>
<li><a href="./fdzdgknr/tzgg/202611/t20261120_3312.html">关于2026年度外贸企业统计报表填报的通知</a><span>2026-11-20</span></li>
<li><a href="./fdzdgknr/tzgg/202611/t20261102_3301.html">青川县商务局政府信息公开工作年度报告</a><span>2026-11-02</span></li>
</ul></div></div>
<div class="position">当前位置：<a href="../">首页</a> &gt; <a href="./">政府信息公开</a></div>
</body></html>"""


def test_a_dl_menu_and_a_copy_left_open_by_a_broken_comment():
    """The copy in the broken comment is reported once, the unrendered avalon template not at all."""
    page = "http://www.qc.gov.cn/swj/xxgk/"
    assert page_columns(TRS_DL_MENU, page) == [
        {"name": "政府信息公开指南", "url": page + "zfxxgkzn/", "type": "guide", "parent": None},
        {"name": "政府信息公开制度", "url": page + "zfxxgkzd/", "type": "system", "parent": None},
        {"name": "法定主动公开内容", "url": page + "fdzdgknr/", "type": "statutory", "parent": None},
        {"name": "财政预决算", "url": page + "fdzdgknr/czyjs/", "type": "budget", "parent": "法定主动公开内容"},
        {"name": "机构职能", "url": page + "fdzdgknr/jgzn/", "type": "org", "parent": "法定主动公开内容"},
        {"name": "政策文件", "url": page + "fdzdgknr/zcwj/", "type": "policy", "parent": "法定主动公开内容"},
        {"name": "政府信息公开年报", "url": page + "zfxxgknb/", "type": "annual_report", "parent": None},
        {"name": "依申请公开", "url": page + "ysqgk/", "type": "interaction", "parent": None},
    ]


TITLED_MENU = """<html><head><meta charset="utf-8"><title>信息公开_石桥镇人民政府</title></head><body>
<div class="main"><div class="l-box"><div class="l-tit">政府信息公开目录</div>
<ul class="l-list">
<li><a href="/zwgk/gkzn/">公开指南</a></li><li><a href="/zwgk/gkzd/">公开制度</a></li>
<li><a href="/zwgk/fdgk/">法定主动公开内容</a></li><li><a href="/zwgk/gknb/">公开年报</a></li>
<li><a href="/zwgk/ysqgk/">依申请公开</a></li>
</ul></div>
<div class="r-box"><div class="r-tit">工作动态</div><ul>
<li><a href="/zwgk/gzdt/202611/t20261121_5521.html">石桥镇开展冬季消防安全大检查</a><span>2026-11-21</span></li></ul></div>
</div></body></html>"""


def test_the_title_over_the_four_standard_sub_columns_is_no_parent():
    """「政府信息公开目录」 over 指南, 制度, 法定主动公开内容, 年报 names the 专栏 itself."""
    assert [(c["name"], c["type"], c["parent"]) for c in page_columns(TITLED_MENU, "http://www.sq.gov.cn/zwgk/")] == [
        ("公开指南", "guide", None), ("公开制度", "system", None), ("法定主动公开内容", "statutory", None),
        ("公开年报", "annual_report", None), ("依申请公开", "interaction", None),
    ]


GKMLPT = """<html><head><meta charset="utf-8"><title>政府信息公开_江海市商务局</title></head><body>
<div id="app"></div>
<script>
window._CONFIG = {
  SID: '755031',
  TREE: [{"id": 2461, "name": "政府信息公开指南", "jump_url": "http://www.jh.gov.cn/jhswj/gkmlpt/content/0/1/post_12.html#2461", "children": []},
         {"id": 2462, "name": "政府信息公开制度", "children": []},
         {"id": 2463, "name": "法定主动公开内容", "children": [
             {"id": 2471, "name": "机构职能", "children": []},
             {"id": 2472, "name": "政策法规", "children": [{"id": 2481, "name": "规范性文件", "children": []}]}]},
         {"id": 2464, "name": "政府信息公开年报", "children": []}],
  SERVICE_AREA_ID: 0
};
</script>
</body></html>"""


def test_a_gkmlpt_catalogue_embedded_as_json():
    page = "http://www.jh.gov.cn/jhswj/gkmlpt/index"
    assert page_columns(GKMLPT, page) == [
        {"name": "政府信息公开指南", "url": "http://www.jh.gov.cn/jhswj/gkmlpt/content/0/1/post_12.html#2461",
         "type": "guide", "parent": None},
        {"name": "政府信息公开制度", "url": page + "#2462", "type": "system", "parent": None},
        {"name": "法定主动公开内容", "url": page + "#2463", "type": "statutory", "parent": None},
        {"name": "机构职能", "url": page + "#2471", "type": "org", "parent": "法定主动公开内容"},
        {"name": "政策法规", "url": page + "#2472", "type": "policy", "parent": "法定主动公开内容"},
        {"name": "规范性文件", "url": page + "#2481", "type": "policy", "parent": "政策法规"},
        {"name": "政府信息公开年报", "url": page + "#2464", "type": "annual_report", "parent": None},
    ]


CONTAINER = """<html><head><meta charset="gbk"><title>法定主动公开内容</title></head><body>
<table width="1000" class="head"><tr><td><a href="/">网站首页</a> <a href="/xxgk/">信息公开</a>
<a href="/bsfw/">办事服务</a></td></tr></table>
<table width="1000"><tr><td class="sub">
<table><tr><td class="bt"><a href="/xxgk/fdzdgknr/tzgg/">通知公告</a></td><td><a href="/xxgk/fdzdgknr/tzgg/">更多</a></td></tr>
<tr><td><a href="/xxgk/fdzdgknr/tzgg/202611/t20261118_7781.html">关于开展2026年度安全生产大检查的通知</a></td><td>2026-11-18</td></tr></table>
<table><tr><td class="bt"><a href="/xxgk/fdzdgknr/gzdt/">工作动态</a></td></tr>
<tr><td><a href="/xxgk/fdzdgknr/gzdt/202611/t20261120_7790.html">全县冬季森林防火工作会议召开</a></td><td>2026-11-20</td></tr></table>
<table><tr><td class="bt"><a href="/xxgk/fdzdgknr/xzxk/">双公示</a></td></tr></table>
</td></tr></table>
<table><tr><td><span>乡镇（街道）信息公开</span></td></tr>
<tr><td><a href="/xxgk/xzjd/csz/">城关镇</a> <a href="/xxgk/xzjd/xhjd/">新华街道</a> <a href="/xxgk/xzjd/lzx/">李庄乡</a>
<a href="/xxgk/xzjd/dpz/">大坪镇</a></td></tr></table>
</body></html>"""


def test_a_page_without_disclosure_navigation_gives_the_column_links_of_its_body():
    """A 法定主动公开内容 page of an all-table site: its sub-columns' blocks, not the towns' pages."""
    assert page_columns(CONTAINER, "http://www.xx.gov.cn/xxgk/fdzdgknr/") == [
        {"name": "通知公告", "url": "http://www.xx.gov.cn/xxgk/fdzdgknr/tzgg/", "type": "notice", "parent": None},
        {"name": "工作动态", "url": "http://www.xx.gov.cn/xxgk/fdzdgknr/gzdt/", "type": "news", "parent": None},
        {"name": "双公示", "url": "http://www.xx.gov.cn/xxgk/fdzdgknr/xzxk/", "type": "licensing", "parent": None},
    ]


@pytest.mark.parametrize("name, type_", [
    ("政府信息公开指南", "guide"), ("政务公开指南", "guide"), ("信息公开指南", "guide"), ("指南", "guide"),
    ("办事指南", "other"),
    ("政府信息公开制度", "system"), ("政府信息公开规定", "system"), ("信息公开规定", "system"),
    ("政府信息公开制度文件", "system"),
    ("法定主动公开内容", "statutory"), ("主动公开目录", "statutory"), ("政府信息公开目录", "statutory"),
    ("政府信息公开年报", "annual_report"), ("年度报告", "annual_report"), ("政府信息公开报告", "annual_report"),
    ("政府信息公开工作年度报告", "annual_report"), ("年报", "annual_report"), ("统计年报", "statistics"),
    ("政府信息公开申请", "interaction"), ("政府信息依申请公开", "interaction"), ("政府工作报告", "other"),
    ("领导信息", "leaders"), ("财政预决算", "budget"), ("财务公开", "budget"), ("机构职责", "org"),
    ("重点领域信息公开", "other"), ("政府信息公开", "other"),
])
def test_column_names_type_by_the_taxonomy(name, type_):
    assert classify(name) == type_


# --- the command ---------------------------------------------------------------------------------

def test_extract_columns_on_a_file_prints_the_contract():
    name = "pingtan_zwgk_portal.html"
    result = run_gkwatch("extract", "columns", REAL_PAGES / name, "--url", PORTALS[name]["url"])
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"columns": expected_columns(name)}


def test_extract_columns_on_a_url(httpserver):
    name = "pingtan_zwgk_portal.html"
    httpserver.expect_request("/zwgk/").respond_with_data((REAL_PAGES / name).read_bytes(),
                                                        content_type="text/html; charset=utf-8")
    result = run_gkwatch("extract", "columns", httpserver.url_for("/zwgk/"))
    assert result.returncode == 0, result.stderr
    origin = httpserver.url_for("/").rstrip("/")
    assert json.loads(result.stdout) == {"columns": [
        {**c, "url": c["url"].replace("https://www.pingtan.gov.cn", origin)} for c in expected_columns(name)]}
