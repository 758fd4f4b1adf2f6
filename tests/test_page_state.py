"""extract.page_state: what an answer came to, from its status, headers and first bytes. Bodies are
written the way the protection services and CMSs serve them (docs/faults.md lists the fingerprints)."""

from __future__ import annotations

import pytest

from extract.page_state import classify, error_page_signature

from .conftest import FILES, REAL_PAGES

RUISHU = (b'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
          b'<meta id="9DhefwqGPrzGxEp9hPaoag" content="nFfhQvFu3N0zH3KEF0qtkX0m3nWf0K3BzEl3a...">'
          b'<script type="text/javascript" r=\'m\'>$_ts=window[\'$_ts\'];if(!$_ts)$_ts={};$_ts.nsd=58329;'
          b'$_ts.cd="qnhtrrAlqGqcEqAqDGWtSl7tgVWRW";</script>'
          b'<script type="text/javascript" charset="utf-8" src="/4QbVtADbnLVIc/d.FxJzG50F.dfe1675.js" r=\'m\'>'
          b'</script></head><body><script type="text/javascript" r=\'m\'>$_ts.lcd();</script></body></html>')
JIASULE = (b"<html><body><script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')+('e')+('a')"
           b"+('r')+('a')+('n')+('c')+('e')+('=')+(+new Date())+'|0|'+'4f1a...';"
           b"location.href=location.pathname+location.search</script></body></html>")
SAFEDOG = ("<html><head><title>网站防火墙</title></head><body><div class='main'><h1>您的访问已被拦截</h1>"
           "<p>可能原因：您提交的内容包含危险的攻击请求</p><p>如网站管理员认为误拦截，请联系安全狗</p>"
           "</div></body></html>").encode("gbk")
YUNSUO = (b"<html><head><title></title></head><body><script>var yunsuo_session_verify='b1c3';"
          b"window.location.href='/?security_verify_data=313932302c31303830';</script></body></html>")
SOFT_404 = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>页面不存在 - 某市人民政府</title>"
            "<meta http-equiv='refresh' content='5;url=/'></head><body><div class='err'>"
            "<p>抱歉！您访问的页面不存在或已被删除。</p><p>5 秒后返回<a href='/'>首页</a></p></div></body></html>"
            ).encode("utf-8")
MAINTENANCE = ("<html><head><meta charset='gbk'><title>系统维护中</title></head><body><center>"
               "<h2>网站系统维护中，暂停访问，给您带来不便敬请谅解！</h2></center></body></html>").encode("gbk")
LOGIN = ("<html><head><title>用户登录 - 统一身份认证平台</title></head><body><form action='/login' method='post'>"
         "用户名 <input name='u'> 密码 <input type='password' name='p'><button>登录</button></form>"
         "</body></html>").encode("utf-8")


@pytest.mark.parametrize("status,body,headers,verdict", [
    (412, RUISHU, {}, "blocked"),
    (202, RUISHU, {}, "blocked"),
    (521, JIASULE, {}, "blocked"),
    (200, SAFEDOG, {}, "blocked"),
    (403, SAFEDOG, {}, "blocked"),
    (200, YUNSUO, {}, "blocked"),
    (412, b"", {}, "blocked"),                       # HEAD of a 瑞数 site: no body at all
    (200, SOFT_404, {}, "soft_404"),
    (200, MAINTENANCE, {}, "maintenance"),
    (200, LOGIN, {}, "login"),
    (404, SOFT_404, {}, "not_found"),
    (410, b"", {}, "not_found"),
    (500, b"<h1>Internal Server Error</h1>", {}, "server_error"),
    (403, b"<h1>Forbidden</h1>", {}, "server_error"),
    (301, b"", {"location": "/xxgk/"}, "read"),
    (200, b"<html>" + b"x" * 5000, {"content-length": "90000"}, "incomplete"),
    (200, b"<html>" + b"x" * 5000, {"content-length": "90000", "content-encoding": "gzip"}, "read"),
])
def test_what_stands_in_for_a_page(status, body, headers, verdict):
    assert classify(status, body, headers) == verdict


def test_every_real_page_and_saved_list_is_read():
    pages = sorted(REAL_PAGES.glob("*.html")) + sorted((FILES / "extract").glob("*.html"))
    assert len(pages) >= 25
    assert {page.name: classify(200, page.read_bytes()) for page in pages} == {page.name: "read" for page in pages}


def test_a_long_page_that_mentions_a_missing_page_is_read():
    body = ("<html><head><title>关于网站改版的通知</title></head><body>" + "<p>正文内容。</p>" * 3000
            + "<p>改版期间如遇页面不存在，请从首页进入。</p></body></html>").encode("utf-8")
    assert classify(200, body) == "read"


def test_one_site_error_page_has_one_signature_whatever_was_asked():
    first = SOFT_404.replace(b"</div>", b"<p>/xxgk/zcwj/t20261101_1234.html</p></div>")
    second = SOFT_404.replace(b"</div>", b"<p>/gkwatch-9f2c1a-404.html</p></div>")
    assert error_page_signature(first) == error_page_signature(second)
    column = (REAL_PAGES / "shandong_nyj_tzgg_list_hanweb.html").read_bytes()
    assert error_page_signature(column) != error_page_signature(first)


@pytest.mark.parametrize("title,verdict", [
    ("404", "soft_404"), ("404 - 页面不存在", "soft_404"), ("错误 404", "soft_404"), ("403 Forbidden", "blocked"),
    ("Just a moment...", "blocked"), ("4040 周年活动", "read"), ("2024年政府信息公开工作年度报告", "read"),
])
def test_a_long_page_whose_title_is_an_error(title, verdict):
    body = f"<html><head><title>{title}</title></head><body>{'<p>正文内容。</p>' * 3000}</body></html>"
    assert classify(200, body.encode("utf-8")) == verdict


def test_an_empty_answer_where_a_page_should_be_is_not_read():
    from types import SimpleNamespace

    from scrapy.http import HtmlResponse, Request

    from crawlers.middlewares import FetchLogMiddleware

    log = FetchLogMiddleware(SimpleNamespace())
    request = Request("http://127.0.0.1/xxgk/tzgg/", meta={"gk": {"kind": "column"}})
    assert log.verdict(request, HtmlResponse(request.url, status=200, body=b" \n", request=request)) == "incomplete"
    page = (REAL_PAGES / "pingtan_rsrm_list.html").read_bytes()
    assert log.verdict(request, HtmlResponse(request.url, status=200, body=page, request=request)) == "read"
    head = Request(request.url, method="HEAD", meta=request.meta)
    assert log.verdict(head, HtmlResponse(request.url, status=200, body=b"", request=head,
                                          headers={"Content-Length": "48211"})) == "read"
