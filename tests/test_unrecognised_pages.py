"""A column page the crawler cannot read a list from is the crawler's trouble, never an empty or
stale column: only a page that says it lists nothing (「暂无信息」) makes a column empty."""

from __future__ import annotations

import json

import pytest
from werkzeug import Response

import storage
from extract.page_state import says_empty

from .conftest import crawl, import_registry, run_gkwatch

HEAD = '<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
NAV = '<div class="nav"><a href="/">首页</a> <a href="/xxgk/">政务公开</a></div>'
PORTAL = (HEAD.format(title="政府信息公开") + NAV + '<div class="xxgk-menu"><a href="/xxgk/tzgg/">通知公告</a>'
          ' <a href="/xxgk/zcwj/">政策文件</a> <a href="/xxgk/gzdt/">工作动态</a></div></body></html>')
NOTICES = (HEAD.format(title="通知公告") + NAV + '<ul class="list">'
           '<li><a href="/xxgk/tzgg/t1.html">关于开展消费季活动的通知</a><span>2026-11-02</span></li>'
           '<li><a href="/xxgk/tzgg/t2.html">关于报送外贸数据的通知</a><span>2026-10-20</span></li></ul></body></html>')
# The site says the column has nothing: an empty column, as the site itself states.
SAYS_EMPTY = HEAD.format(title="政策文件") + NAV + '<ul class="list"></ul><p class="empty">暂无信息</p></body></html>'
# A page with no list on it and no word about being empty (a template the crawler does not know,
# a list drawn by a frame): nothing can be said about the column from it.
NO_LIST = (HEAD.format(title="工作动态") + NAV + '<div class="main"><div class="crumb">当前位置：'
           '<a href="/">首页</a> &gt; <a href="/xxgk/">政务公开</a> &gt; 工作动态</div>'
           '<iframe src="/frame/gzdt.jsp"></iframe></div></body></html>')
DETAIL = ('<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="{title}">'
          '<meta name="PubDate" content="{date} 09:00"></head><body><h1>{title}</h1>'
          '<div class="info">发布时间：{date} 09:00</div><div class="TRS_Editor"><p>正文。</p></div></body></html>')


@pytest.fixture
def site(threaded_server):
    def html(body):
        return Response(body, content_type="text/html; charset=utf-8")

    threaded_server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    threaded_server.expect_request("/").respond_with_response(html(HEAD.format(title="首页") + NAV + "</body></html>"))
    threaded_server.expect_request("/xxgk/").respond_with_response(html(PORTAL))
    threaded_server.expect_request("/xxgk/tzgg/").respond_with_response(html(NOTICES))
    threaded_server.expect_request("/xxgk/zcwj/").respond_with_response(html(SAYS_EMPTY))
    threaded_server.expect_request("/xxgk/gzdt/").respond_with_response(html(NO_LIST))
    for path, title, date in (("/xxgk/tzgg/t1.html", "关于开展消费季活动的通知", "2026-11-02"),
                              ("/xxgk/tzgg/t2.html", "关于报送外贸数据的通知", "2026-10-20")):
        threaded_server.expect_request(path).respond_with_response(html(DETAIL.format(title=title, date=date)))
    threaded_server.expect_request("/frame/gzdt.jsp").respond_with_response(html(HEAD.format(title="页") + "</body></html>"))
    return threaded_server


def test_a_column_page_without_a_list_is_unrecognised_not_empty(site, tmp_path):
    db_path = tmp_path / "gkwatch.db"
    import_registry(tmp_path, [{"id": "qingchuan-swj", "name": "青川市商务局", "level": "市", "kind": "部门",
                                "region_code": "340499", "homepage": site.url_for("/"),
                                "portal": site.url_for("/xxgk/")}], db_path)
    result = crawl(db_path)
    assert result.returncode == 0, result.stderr
    db = storage.connect(db_path)
    verdicts = {r["url"].split(":", 2)[2].split("/", 1)[1]: r["verdict"]
                for r in db.query("SELECT url, verdict FROM fetches WHERE kind = 'column'")}
    assert verdicts == {"xxgk/tzgg/": "read", "xxgk/zcwj/": "read", "xxgk/gzdt/": "unrecognised"}
    health = next(db.query("SELECT read, not_read FROM crawl_health"))
    assert health["not_read"] == 1

    report = json.loads(run_gkwatch("check", "--db", db_path, "--as-of", "2026-11-22", "--json").stdout)
    column_findings = {(f["check"], f["subject"].rsplit("/", 2)[-2]) for f in report["findings"]
                       if f["check"].startswith("column_")}
    assert column_findings == {("column_empty", "zcwj")}   # never ("column_empty", "gzdt")


@pytest.mark.parametrize("html, empty", [
    ('<p class="empty">暂无信息</p>', True),
    ("<td colspan=2>暂无 相关数据</td>", True),
    ("<div>共0条记录 第1/1页</div>", True),
    ("pagebar: {prepage: 10, recordCount: '0'}", True),
    ("<datastore><totalrecord>0</totalrecord></datastore>", True),
    ("<script>var totalRecord = 0; var perPage = 15;</script>", True),   # 大汉 Hanweb's pager config
    ("<div>共10条记录</div>", False),
    ("pagebar: {prepage: 10, recordCount: '20'}", False),
    ("<p>本年度无信息公开申请。</p>", False),            # a sentence of a report, not a list's state
    ("<ul class='list'></ul>", False),                    # silence proves nothing
])
def test_says_empty(html, empty):
    assert says_empty(html) is empty
