"""The history a finding is judged on: every capture of a portal or column page (also an unchanged
page answered 304), and every walk of a column with how far it reached."""

from __future__ import annotations

import hashlib
import json

import pytest
from werkzeug import Response

import storage

from .conftest import crawl, import_registry, run_gkwatch

HEAD = '<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
PORTAL = HEAD.format(title="政府信息公开") + '<div class="xxgk-menu"><a href="/xxgk/tzgg/">通知公告</a></div></body></html>'
NOTICES = (HEAD.format(title="通知公告") + '<ul class="list">'
           '<li><a href="/xxgk/tzgg/t1.html">关于开展消费季活动的通知</a><span>2026-11-02</span></li>'
           '<li><a href="/xxgk/tzgg/t2.html">关于报送外贸数据的通知</a><span>2026-10-20</span></li></ul>'
           '<div class="page">共1页</div></body></html>')
DETAIL = ('<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="{title}">'
          '<meta name="PubDate" content="{date} 09:00"></head><body><h1>{title}</h1>'
          '<div class="TRS_Editor"><p>正文。</p></div></body></html>')


def conditional(body: str):
    """A page with an ETag that answers 304 to a request that names it."""
    etag = '"' + hashlib.sha1(body.encode()).hexdigest() + '"'

    def handler(request):
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(body, content_type="text/html; charset=utf-8", headers={"ETag": etag})
    return handler


@pytest.fixture
def site(threaded_server):
    threaded_server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    threaded_server.expect_request("/").respond_with_handler(conditional(HEAD.format(title="首页") + "</body></html>"))
    threaded_server.expect_request("/xxgk/").respond_with_handler(conditional(PORTAL))
    threaded_server.expect_request("/xxgk/tzgg/").respond_with_handler(conditional(NOTICES))
    for path, title, date in (("/xxgk/tzgg/t1.html", "关于开展消费季活动的通知", "2026-11-02"),
                              ("/xxgk/tzgg/t2.html", "关于报送外贸数据的通知", "2026-10-20")):
        threaded_server.expect_request(path).respond_with_data(DETAIL.format(title=title, date=date),
                                                               content_type="text/html; charset=utf-8")
    return threaded_server


def test_every_capture_and_walk_is_kept(site, tmp_path):
    db_path = tmp_path / "gkwatch.db"
    import_registry(tmp_path, [{"id": "qingchuan-swj", "name": "青川市商务局", "level": "市", "kind": "部门",
                                "region_code": "340499", "homepage": site.url_for("/"),
                                "portal": site.url_for("/xxgk/")}], db_path)
    for _ in range(2):
        assert crawl(db_path).returncode == 0
    db = storage.connect(db_path)
    column = site.url_for("/xxgk/tzgg/")
    captures = list(db.query("SELECT crawl_run_id, content_hash, warc_path FROM captures WHERE url = ? "
                             "ORDER BY id", [column]))
    assert [c["crawl_run_id"] for c in captures] == [1, 2]          # the second answer was a 304
    assert captures[0]["content_hash"] == captures[1]["content_hash"] == hashlib.sha256(NOTICES.encode()).hexdigest()
    assert (tmp_path / "gkwatch.db.evidence" / captures[0]["warc_path"]).is_file()
    page = next(db.query("SELECT content_hash FROM pages WHERE url = ?", [column]))
    assert page["content_hash"] == captures[-1]["content_hash"]
    walks = list(db.query("SELECT w.crawl_run_id, w.items, w.oldest, w.complete FROM walks w "
                          "JOIN columns c ON c.id = w.column_id WHERE c.url = ? ORDER BY w.id", [column]))
    assert walks == [{"crawl_run_id": 1, "items": 2, "oldest": "2026-10-20", "complete": 1},
                     {"crawl_run_id": 2, "items": 2, "oldest": "2026-10-20", "complete": 1}]


def test_a_finding_names_the_capture_it_was_judged_on(site, tmp_path):
    db_path = tmp_path / "gkwatch.db"
    import_registry(tmp_path, [{"id": "qingchuan-swj", "name": "青川市商务局", "level": "市", "kind": "部门",
                                "region_code": "340499", "homepage": site.url_for("/"),
                                "portal": site.url_for("/xxgk/")}], db_path)
    assert crawl(db_path).returncode == 0
    report = json.loads(run_gkwatch("check", "--db", db_path, "--as-of", "2027-06-01", "--json").stdout)
    column = site.url_for("/xxgk/tzgg/")
    stale, = [f for f in report["findings"] if f["check"] == "column_stale"]
    db = storage.connect(db_path)
    capture = next(db.query("SELECT id, content_hash, captured_at FROM captures WHERE url = ?", [column]))
    evidence = json.loads(next(db.query("SELECT evidence FROM findings WHERE check_name = 'column_stale'"))["evidence"])
    assert evidence["captures"] == [{"url": column, "capture_id": capture["id"], "sha256": capture["content_hash"],
                                     "captured_at": capture["captured_at"]}]
    assert stale["subject"] == column


def test_a_new_page_level_finding_gets_a_screenshot_of_its_capture(site, tmp_path):
    db_path = tmp_path / "gkwatch.db"
    import_registry(tmp_path, [{"id": "qingchuan-swj", "name": "青川市商务局", "level": "市", "kind": "部门",
                                "region_code": "340499", "homepage": site.url_for("/"),
                                "portal": site.url_for("/xxgk/")}], db_path)
    assert crawl(db_path).returncode == 0
    assert run_gkwatch("check", "--db", db_path, "--as-of", "2027-06-01").returncode in (1, 2)
    db = storage.connect(db_path)
    stale = next(db.query("SELECT id, evidence FROM findings WHERE check_name = 'column_stale'"))
    capture_id = json.loads(stale["evidence"])["captures"][0]["capture_id"]
    shot = next(db.query("SELECT * FROM finding_screenshots WHERE finding_id = ?", [stale["id"]]))
    assert (shot["capture_id"], shot["path"]) == (capture_id, f"screenshots/{stale['id']}-{capture_id}.png")
    png = (tmp_path / "gkwatch.db.evidence" / shot["path"]).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000
    # A second run opens nothing new: no second screenshot.
    run_gkwatch("check", "--db", db_path, "--as-of", "2027-06-01")
    assert db.execute("SELECT count(*) FROM finding_screenshots").fetchone()[0] == db.execute(
        "SELECT count(*) FROM findings WHERE check_name IN ('column_stale', 'column_empty', 'homepage_stale', "
        "'mandatory_column_missing') AND evidence LIKE '%capture_id%'").fetchone()[0]
