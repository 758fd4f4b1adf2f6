"""A list drawn in Chromium is drawn once: its following pages are read from the data request the
browser saw the page make, once that request proves to give the drawn page's items; when the
first paged request is something else (a 热点 box), the following pages are drawn too."""

from __future__ import annotations

import json

import pytest
from werkzeug import Response

import storage

from .conftest import crawl, import_registry

PORTAL = """<html><head><meta charset="utf-8"><title>政府信息公开</title></head><body>
<div class="xxgk-menu"><a href="/xxgk/tzgg/">通知公告</a></div></body></html>"""
# The list is drawn by script from /data/list.json (a URL the script assembles, so no extractor can
# read it from the page: only a browser finds it); the page may first fetch its 热点 box.
DRAWN = """<html><head><meta charset="utf-8"><title>通知公告</title></head><body>
<div class="xxgk-menu"><a href="/xxgk/">政务公开</a></div><div id="hot"></div><div id="list-app"></div>
<script>
(async function () {{
  var m = location.search.match(/page=(\\d+)/), page = m ? parseInt(m[1], 10) : 1;
  var data = ['/da', 'ta/'].join('');
  if ({hot_first}) {{ await (await fetch(data + 'hot.json?page=1')).json(); }}
  var d = await (await fetch(data + 'list.json?page=' + page)).json();
  var html = '<ul>';
  d.list.forEach(function (x) {{ html += '<li><a href="' + x.url + '">' + x.title + '</a><span>' + x.date + '</span></li>'; }});
  html += '</ul><div class="pager"><a href="?page=1">1</a> <a href="?page=2">2</a></div>';
  document.getElementById('list-app').innerHTML = html;
}})();
</script></body></html>"""
DETAIL = """<html><head><meta charset="utf-8"></head><body><h1>{title}</h1>
<div class="info">发布时间：{date}</div><div class="TRS_Editor"><p>{title}。正文。</p></div></body></html>"""
ITEMS = [("/xxgk/tzgg/t1.html", "关于开展消费季活动的通知", "2026-11-02"),
         ("/xxgk/tzgg/t2.html", "关于报送外贸数据的通知", "2026-10-20"),
         ("/xxgk/tzgg/t3.html", "关于组织参加展会的通知", "2026-09-14")]
PAGES = {1: ITEMS[:2], 2: ITEMS[2:], 3: []}
HOT = [("/xxgk/gzdt/h1.html", "市领导调研商贸工作", "2026-11-10")]


def records(rows):
    return [{"title": title, "url": url, "date": date} for url, title, date in rows]


def serve(server, hot_first: bool):
    def html(body):
        return Response(body, content_type="text/html; charset=utf-8")

    def data(rows):
        return Response(json.dumps({"list": records(rows)}, ensure_ascii=False), content_type="application/json")

    server.expect_request("/robots.txt").respond_with_data("")
    server.expect_request("/").respond_with_response(html('<a href="/xxgk/">政务公开</a>'))
    server.expect_request("/xxgk/").respond_with_response(html(PORTAL))
    server.expect_request("/xxgk/tzgg/").respond_with_response(html(DRAWN.format(hot_first="true" if hot_first else "false")))
    server.expect_request("/data/hot.json").respond_with_response(data(HOT))
    for page, rows in PAGES.items():
        server.expect_request("/data/list.json", query_string=f"page={page}").respond_with_response(data(rows))
    for url, title, date in ITEMS + HOT:
        server.expect_request(url).respond_with_response(html(DETAIL.format(title=title, date=date)))


@pytest.mark.parametrize("hot_first, drawn_pages, data_pages", [
    (False, ["/xxgk/tzgg/"], ["1", "2", "3"]),  # page 1 proves the request; 3 comes back empty
    (True, ["/xxgk/tzgg/", "/xxgk/tzgg/?page=2"], []),  # the hot box is not the list: page 2 is drawn
])
def test_a_drawn_list_is_followed_through_its_own_data_request(threaded_server, tmp_path, hot_first, drawn_pages, data_pages):
    site = threaded_server
    serve(site, hot_first)
    db_path = tmp_path / "gkwatch.db"
    import_registry(tmp_path, [{"id": "qingchuan-swj", "name": "青川市商务局", "level": "市", "kind": "部门",
                                "region_code": "340499", "homepage": site.url_for("/"),
                                "portal": site.url_for("/xxgk/")}], db_path)
    crawl(db_path)
    db = storage.connect(db_path)
    assert {(r["url"], r["title"], r["published"]) for r in db.query("SELECT url, title, published FROM items")} == {
        (site.url_for(url), title, date) for url, title, date in ITEMS}
    assert [r["js"] for r in db.query("SELECT js FROM columns")] == ["render"]
    stats = json.loads(db.execute("SELECT stats FROM crawl_runs").fetchone()[0])
    assert stats["playwright/page_count"] == len(drawn_pages)
    column_fetches = [r["url"] for r in db.query("SELECT url FROM fetches WHERE kind = 'column' ORDER BY id")]
    # Each drawn page: fetched as HTML (page 1 only: it showed no list), then drawn.
    assert column_fetches == [site.url_for("/xxgk/tzgg/")] + [site.url_for(p) for p in drawn_pages]
    followed = [r["url"] for r in db.query("SELECT url FROM fetches WHERE kind = 'api' ORDER BY id")]
    assert followed == [site.url_for("/data/list.json") + f"?page={n}" for n in data_pages] + (
        [site.url_for("/data/hot.json") + "?page=1"] if hot_first else [])
