"""A crawl meets a 500, a timeout, a redirect, a robots.txt disallow and a refused connection:
each is recorded in `fetches`, none is a traceback, and the rest of the site is still read."""

from __future__ import annotations

import socket
import time

import pytest
from werkzeug import Response

import storage

from .conftest import SLOW_SECONDS, crawl, import_registry

LIST = """<html><head><meta charset="utf-8"><title>通知公告</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/xxgk/">政务公开</a></div>
<ul class="list">{rows}</ul></body></html>"""
ROW = '<li><a href="{url}">{title}</a><span>{date}</span></li>'
DETAIL = """<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="{date} 09:00"></head><body><h1>{title}</h1>
<div class="info">发布时间：{date} 09:00 来源：青川市商务局</div><div class="TRS_Editor"><p>{title}。正文。</p></div></body></html>"""
PORTAL = """<html><head><meta charset="utf-8"><title>政府信息公开</title></head><body>
<div class="xxgk-menu"><a href="/xxgk/tzgg/">通知公告</a> <a href="/xxgk/gzdt/">工作动态</a>
<a href="/xxgk/zcwj/">政策文件</a> <a href="/xxgk/ghjh/">规划计划</a> <a href="/private/rsxx/">人事信息</a>
<a href="/xxgk/old/">财政预决算</a></div></body></html>"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def site(threaded_server):
    def html(body, status=200):
        return Response(body, status=status, content_type="text/html; charset=utf-8")

    items = [("/xxgk/tzgg/t1.html", "关于开展消费季活动的通知", "2026-11-02"),
             ("/xxgk/tzgg/t2.html", "关于报送外贸数据的通知", "2026-10-20")]
    threaded_server.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n")
    threaded_server.expect_request("/").respond_with_response(html('<a href="/xxgk/">政务公开</a>'))
    threaded_server.expect_request("/xxgk/").respond_with_response(html(PORTAL))
    threaded_server.expect_request("/xxgk/tzgg/").respond_with_response(
        html(LIST.format(rows="".join(ROW.format(url=u, title=t, date=d) for u, t, d in items))))
    for url, title, date in items:
        threaded_server.expect_request(url).respond_with_response(html(DETAIL.format(title=title, date=date)))
    threaded_server.expect_request("/xxgk/gzdt/").respond_with_response(html("服务器错误", status=500))

    def slow(_request):
        time.sleep(SLOW_SECONDS)
        return html(LIST.format(rows=""))

    threaded_server.expect_request("/xxgk/zcwj/").respond_with_handler(slow)
    threaded_server.expect_request("/xxgk/old/").respond_with_response(
        Response("", status=301, headers={"Location": threaded_server.url_for("/xxgk/czyjs/")}))
    threaded_server.expect_request("/xxgk/czyjs/").respond_with_response(html(LIST.format(
        rows=ROW.format(url="/xxgk/tzgg/t3.html", title="2026年部门预算", date="2026-02-01"))))
    threaded_server.expect_request("/xxgk/tzgg/t3.html").respond_with_response(
        html(DETAIL.format(title="2026年部门预算", date="2026-02-01")))
    threaded_server.expect_request("/xxgk/ghjh/").respond_with_response(html("not found", status=404))
    return threaded_server


def test_each_failure_is_recorded_and_the_rest_is_read(site, tmp_path):
    db_path = tmp_path / "gkwatch.db"
    refused = f"http://127.0.0.1:{free_port()}/"
    import_registry(tmp_path, [
        {"id": "qingchuan-swj", "name": "青川市商务局", "level": "市", "kind": "部门", "region_code": "340499",
         "homepage": site.url_for("/"), "portal": site.url_for("/xxgk/")},
        {"id": "dead-site", "name": "停机的局", "level": "县", "kind": "部门", "region_code": "340421",
         "homepage": refused, "portal": refused + "xxgk/"},
    ], db_path)
    result = crawl(db_path)
    assert "Traceback" not in result.stderr
    db = storage.connect(db_path)

    def fetched(path, base=site.url_for("/")[:-1]):
        return [(r["status"], r["error"] or "") for r in db.query(
            "SELECT status, error FROM fetches WHERE url = ? ORDER BY id", [base + path])]

    assert fetched("/xxgk/gzdt/") == [(500, "")]
    [(status, error)] = fetched("/xxgk/zcwj/")
    assert status is None and error.startswith("DownloadTimeoutError")
    assert fetched("/xxgk/old/") + fetched("/xxgk/czyjs/") == [(301, ""), (200, "")]
    assert fetched("/xxgk/ghjh/") == [(404, "")]
    assert fetched("/private/rsxx/") == [(None, "robots.txt 禁止抓取 (forbidden by robots.txt)")]
    [(status, error)] = fetched("", base=refused)
    assert status is None and "ConnectionRefused" in error
    assert [(r["title"], r["type"]) for r in db.query(
        "SELECT title, type FROM items JOIN columns ON columns.id = column_id ORDER BY published DESC")] == [
        ("关于开展消费季活动的通知", "notice"), ("关于报送外贸数据的通知", "notice"), ("2026年部门预算", "budget")]
    # A 500 or a timeout is a column that exists but failed; a 404 or a forbidden link is none.
    assert {r["url"].rsplit("/", 2)[-2]: r["type"] for r in db.query("SELECT url, type FROM columns")} == {
        "tzgg": "notice", "gzdt": "news", "zcwj": "policy", "old": "budget"}
    assert all(r["elapsed_ms"] is not None and r["fetched_at"].endswith("+08:00")
               for r in db.query("SELECT elapsed_ms, fetched_at FROM fetches"))


def test_retries_back_off_exponentially(threaded_server, tmp_path):
    arrivals = []

    def flaky(_request):
        arrivals.append(time.monotonic())
        if len(arrivals) <= 2:
            return Response("稍后再试", status=503)
        return Response('<a href="/xxgk/">政务公开</a>', content_type="text/html; charset=utf-8")

    threaded_server.expect_request("/robots.txt").respond_with_data("")
    threaded_server.expect_request("/").respond_with_handler(flaky)
    threaded_server.expect_request("/xxgk/").respond_with_data("<html></html>", content_type="text/html")
    db_path = tmp_path / "gkwatch.db"
    import_registry(tmp_path, [{"id": "qingchuan-swj", "name": "青川市商务局", "level": "市", "kind": "部门",
                                "region_code": "340499", "homepage": threaded_server.url_for("/"),
                                "portal": threaded_server.url_for("/xxgk/")}], db_path)
    crawl(db_path, "-s", "RETRY_TIMES=2", "-s", "GKWATCH_RETRY_BACKOFF=0.5")
    db = storage.connect(db_path)
    assert [r["status"] for r in db.query("SELECT status FROM fetches WHERE kind = 'home' ORDER BY id")] == [503, 503, 200]
    first_wait, second_wait = arrivals[1] - arrivals[0], arrivals[2] - arrivals[1]
    assert 0.5 <= first_wait < 2.5 and 1.0 <= second_wait < 3.0


def test_a_meta_refresh_is_followed(threaded_server, tmp_path):
    """Portals often answer their bare URL with ``<meta http-equiv="refresh">`` to the real page; here
    in GBK and after 3,000 characters of head (6,000 bytes: past a window counted in bytes)."""
    def gbk(body):
        return Response(body.encode("gbk"), content_type="text/html; charset=gbk")

    keywords = "政务公开，信息公开，" * 300
    threaded_server.expect_request("/robots.txt").respond_with_data("")
    threaded_server.expect_request("/").respond_with_response(gbk('<a href="/xxgk/">政务公开</a>'))
    threaded_server.expect_request("/xxgk/").respond_with_response(gbk(
        f'<html><head><meta name="keywords" content="{keywords}">'
        '<META HTTP-EQUIV="Refresh" CONTENT="0; URL=./index.shtml"></head><body>正在跳转</body></html>'))
    threaded_server.expect_request("/xxgk/index.shtml").respond_with_response(gbk(
        PORTAL.replace("utf-8", "gbk")))
    threaded_server.expect_request("/xxgk/tzgg/").respond_with_response(gbk(LIST.replace("utf-8", "gbk").format(
        rows=ROW.format(url="/xxgk/tzgg/t1.html", title="关于开展消费季活动的通知", date="2026-11-02"))))
    threaded_server.expect_request("/xxgk/tzgg/t1.html").respond_with_response(
        gbk(DETAIL.replace("utf-8", "gbk").format(title="关于开展消费季活动的通知", date="2026-11-02")))
    db_path = tmp_path / "gkwatch.db"
    import_registry(tmp_path, [{"id": "qingchuan-swj", "name": "青川市商务局", "level": "市", "kind": "部门",
                                "region_code": "340499", "homepage": threaded_server.url_for("/"),
                                "portal": threaded_server.url_for("/xxgk/")}], db_path)
    result = crawl(db_path)
    assert "Traceback" not in result.stderr
    db = storage.connect(db_path)
    assert [(r["title"], r["published"]) for r in db.query("SELECT title, published FROM items")] == [
        ("关于开展消费季活动的通知", "2026-11-02")]
    assert [r["status"] for r in db.query(
        "SELECT status FROM fetches WHERE url = ? ORDER BY id", [threaded_server.url_for("/xxgk/index.shtml")])] == [200]
