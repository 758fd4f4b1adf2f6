"""栏目变更 (column_changed) on a real crawl of a portal that changes between two crawls: a column
renamed, one moved, one gone (404), one added; one only unlinked (its page still there) is not a change."""

from __future__ import annotations

import json

import pytest
from werkzeug import Response

from .conftest import crawl, import_registry, run_gkwatch

HEAD = '<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
LIST = HEAD + '<ul class="list"><li><a href="{path}202611/t20261102_{n}.html">{title}的第一条信息</a><span>2026-11-02</span></li></ul></body></html>'
DETAIL = ('<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="{title}">'
          '<meta name="PubDate" content="2026-11-02 09:00"></head><body><h1>{title}</h1><p>正文。</p></body></html>')
BEFORE = [("通知公告", "/xxgk/tzgg/"), ("工作动态", "/xxgk/gzdt/"), ("规划计划", "/xxgk/ghjh/"),
          ("人事信息", "/xxgk/rsxx/"), ("财政预决算", "/xxgk/czyjs/")]
AFTER = [("通知公示", "/xxgk/tzgg/"), ("工作动态", "/xxgk/gzdt2/"), ("财政预决算", "/xxgk/czyjs/"),
         ("政策解读", "/xxgk/zcjd/")]


@pytest.fixture
def site(threaded_server):
    state = {"menu": BEFORE}
    pages = {path: name for name, path in BEFORE + AFTER}
    number = {path: 1000 + k for k, path in enumerate(pages)}

    def html(body, status=200):
        return Response(body, status=status, content_type="text/html; charset=utf-8")

    def portal(_request):
        menu = "".join(f'<li><a href="{path}">{name}</a></li>' for name, path in state["menu"])
        return html(HEAD.format(title="政府信息公开") + f'<ul class="xxgk-menu">{menu}</ul></body></html>')

    def column(request):
        path = request.path
        if path == "/xxgk/ghjh/" and state["menu"] is AFTER:
            return html("<html><body>404 Not Found</body></html>", status=404)
        return html(LIST.format(title=pages[path], path=path, n=number[path]))

    threaded_server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    threaded_server.expect_request("/").respond_with_response(html(HEAD.format(title="首页") + "</body></html>"))
    threaded_server.expect_request("/xxgk/").respond_with_handler(portal)
    for path in pages:
        threaded_server.expect_request(path).respond_with_handler(column)
        threaded_server.expect_request(f"{path}202611/t20261102_{number[path]}.html").respond_with_response(
            html(DETAIL.format(title=pages[path])))
    threaded_server.state = state
    return threaded_server


def test_column_changes_between_two_crawls(site, tmp_path):
    db_path = tmp_path / "gkwatch.db"
    import_registry(tmp_path, [{"id": "qingchuan-swj", "name": "青川市商务局", "level": "市", "kind": "部门",
                                "region_code": "340499", "homepage": site.url_for("/"),
                                "portal": site.url_for("/xxgk/")}], db_path)
    assert crawl(db_path).returncode == 0
    first = json.loads(run_gkwatch("check", "--db", db_path, "--as-of", "2026-11-22", "--json").stdout)
    assert not [f for f in first["findings"] if f["check"] == "column_changed"]   # a first crawl changes nothing

    site.state["menu"] = AFTER
    assert crawl(db_path).returncode == 0
    report = json.loads(run_gkwatch("check", "--db", db_path, "--as-of", "2026-11-22", "--json").stdout)
    changes = {(f["subject"].split(":", 2)[2].split("/", 1)[1], f["message"].split("（")[0])
               for f in report["findings"] if f["check"] == "column_changed"}
    assert changes == {
        ("xxgk/tzgg/", "栏目「通知公告」更名为「通知公示」"),
        ("xxgk/gzdt/", f"栏目「工作动态」地址由 {site.url_for('/xxgk/gzdt/')} 变为 {site.url_for('/xxgk/gzdt2/')}"),
        ("xxgk/ghjh/", "栏目「规划计划」已从专栏撤下"),
        ("xxgk/zcjd/", "新增栏目「政策解读」"),
    }
