"""Message boards read as their own pages state them: asked, answered (a reply date or a state that
says so), unanswered (a state that says so), unknown (a board that says neither)."""

from __future__ import annotations

from extract.messages import extract_messages, messages_from_json

from .conftest import FILES


def board(name: str, url: str) -> list[dict]:
    return [m.to_json() for m in extract_messages((FILES / "extract" / name).read_text(encoding="utf-8"), url)]


def test_table_board_with_state_and_reply_columns():
    assert board("message_board_table.html", "http://swj.qingchuan.example.gov.cn/hdjl/jzxx/") == [
        {"title": "关于城区农贸市场摊位费收费标准的咨询",
         "url": "http://swj.qingchuan.example.gov.cn/hdjl/jzxx/202611/t20261105_3321.html",
         "asked": "2026-11-05", "replied": "2026-11-09", "state": "answered"},
        {"title": "外贸企业出口退税办理进度", "url": "http://swj.qingchuan.example.gov.cn/hdjl/jzxx/202608/t20260803_3198.html",
         "asked": "2026-08-03", "replied": None, "state": "unanswered"},
        {"title": "电商扶持资金申请条件", "url": "http://swj.qingchuan.example.gov.cn/hdjl/jzxx/202606/t20260612_3107.html",
         "asked": "2026-06-12", "replied": "2026-10-20", "state": "answered"},
    ]


def test_rows_with_labelled_values():
    assert board("message_board_rows.html", "http://www.fengling.example.gov.cn/hdjl/zxts/") == [
        {"title": "村道硬化工程什么时候开工", "url": "http://www.fengling.example.gov.cn/hdjl/zxts/content_81.html",
         "asked": "2026-07-20", "replied": None, "state": "unanswered"},
        {"title": "低保申请需要哪些材料", "url": "http://www.fengling.example.gov.cn/hdjl/zxts/content_80.html",
         "asked": "2026-07-11", "replied": "2026-07-15", "state": "answered"},
        {"title": "镇卫生院周末是否有门诊", "url": "http://www.fengling.example.gov.cn/hdjl/zxts/content_79.html",
         "asked": "2026-06-30", "replied": None, "state": "unknown"},
    ]


def test_an_ordinary_list_is_not_a_board():
    html = ('<html><body><table><tr><th>标题</th><th>发布日期</th></tr>'
            '<tr><td><a href="/t1.html">关于开展消费季活动的通知</a></td><td>2026-11-02</td></tr></table></body></html>')
    assert extract_messages(html, "http://x.gov.cn/tzgg/") == []


def test_a_board_drawn_from_its_json_endpoint():
    payload = {"code": 200, "total": 3, "data": [
        {"id": 9, "title": "小区门口路灯不亮", "url": "/hdjl/jzxx/9.html", "createTime": "2026-08-01 09:12:00",
         "replyTime": "", "status": "办理中"},
        {"id": 8, "title": "菜市场摊位租金", "url": "/hdjl/jzxx/8.html", "createTime": "2026-07-20 10:00:00",
         "replyTime": "2026-07-22 16:30:00", "status": "已回复"},
        {"id": 7, "title": "办事大厅周末开放吗", "url": "/hdjl/jzxx/7.html", "createTime": "2026-07-02 08:00:00",
         "replyTime": "", "status": 1},
    ]}
    assert [m.to_json() for m in messages_from_json(payload, "http://127.0.0.19/api/letters")] == [
        {"title": "小区门口路灯不亮", "url": "http://127.0.0.19/hdjl/jzxx/9.html", "asked": "2026-08-01",
         "replied": None, "state": "unanswered"},
        {"title": "菜市场摊位租金", "url": "http://127.0.0.19/hdjl/jzxx/8.html", "asked": "2026-07-20",
         "replied": "2026-07-22", "state": "answered"},
        {"title": "办事大厅周末开放吗", "url": "http://127.0.0.19/hdjl/jzxx/7.html", "asked": "2026-07-02",
         "replied": None, "state": "unknown"},   # a state code in numbers says nothing we can read
    ]
