"""留言超期未回复 (message_unanswered) on a real crawl of two message boards, a table and labelled rows:
what each board says of its messages is stored, and only messages it shows unanswered for more than
3 months (or answered later than that) within the year become findings."""

from __future__ import annotations

import json

import pytest
from werkzeug import Response

import storage

from .conftest import FILES, crawl, import_registry, run_gkwatch

PORTAL = ('<html><head><meta charset="utf-8"><title>政府信息公开</title></head><body><ul class="xxgk-menu">'
          '<li><a href="/hdjl/jzxx/">局长信箱</a></li><li><a href="/hdjl/zxts/">政务咨询</a></li></ul></body></html>')


@pytest.fixture
def site(threaded_server):
    def html(body):
        return Response(body, content_type="text/html; charset=utf-8")

    threaded_server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    threaded_server.expect_request("/").respond_with_response(html('<html><body><a href="/xxgk/">政务公开</a></body></html>'))
    threaded_server.expect_request("/xxgk/").respond_with_response(html(PORTAL))
    for path, name in (("/hdjl/jzxx/", "message_board_table.html"), ("/hdjl/zxts/", "message_board_rows.html")):
        threaded_server.expect_request(path).respond_with_response(
            html((FILES / "extract" / name).read_text(encoding="utf-8")))
    threaded_server.expect_request("/hdjl/").respond_with_response(html("<html><body>互动交流</body></html>"))
    threaded_server.expect_request("/wzdt/").respond_with_response(html("<html><body>网站地图</body></html>"))
    return threaded_server


def test_boards_and_late_or_missing_replies(site, tmp_path):
    db_path = tmp_path / "gkwatch.db"
    import_registry(tmp_path, [{"id": "qingchuan-swj", "name": "青川市商务局", "level": "市", "kind": "部门",
                                "region_code": "340499", "homepage": site.url_for("/"),
                                "portal": site.url_for("/xxgk/")}], db_path)
    assert crawl(db_path).returncode == 0
    db = storage.connect(db_path)
    stored = {r["title"]: (r["asked"], r["replied"], r["state"]) for r in db.query("SELECT * FROM messages")}
    assert stored == {
        "关于城区农贸市场摊位费收费标准的咨询": ("2026-11-05", "2026-11-09", "answered"),
        "外贸企业出口退税办理进度": ("2026-08-03", None, "unanswered"),
        "电商扶持资金申请条件": ("2026-06-12", "2026-10-20", "answered"),
        "村道硬化工程什么时候开工": ("2026-07-20", None, "unanswered"),
        "低保申请需要哪些材料": ("2026-07-11", "2026-07-15", "answered"),
        "镇卫生院周末是否有门诊": ("2026-06-30", None, "unknown"),
    }
    report = json.loads(run_gkwatch("check", "--db", db_path, "--as-of", "2026-11-22", "--json").stdout)
    late = {f["message"] for f in report["findings"] if f["check"] == "message_unanswered"}
    assert late == {
        "「局长信箱」的留言「外贸企业出口退税办理进度」（2026-08-03）至今未回复，已 111 天，超过 92 天（3个月）未回应（国办秘函〔2019〕19号）",
        "「局长信箱」的留言「电商扶持资金申请条件」（2026-06-12）2026-10-20 才回复，历时 130 天，超过 92 天（3个月）未回应（国办秘函〔2019〕19号）",
        "「政务咨询」的留言「村道硬化工程什么时候开工」（2026-07-20）至今未回复，已 125 天，超过 92 天（3个月）未回应（国办秘函〔2019〕19号）",
    }
