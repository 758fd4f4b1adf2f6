"""`gkwatch alert` delivering for real over loopback: an SMTP server (aiosmtpd) receives a Chinese
digest e-mail; a local HTTP receiver gets json:// webhooks and DingTalk-format messages; a receiver
that fails once gets the message on the next run; across three runs nothing is sent twice."""

from __future__ import annotations

import email
import json
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from werkzeug.wrappers import Response

from .alertdb import fix, two_agencies
from .conftest import run_gkwatch

CITY_NEWS = "http://swj.qingchuan.example.gov.cn/xxgk/fdzdgknr/gzdt/"
COUNTY_NEWS = "http://www.fengling.example.gov.cn/xxgk/fdzdgknr/gzdt/"
STALE = "栏目「工作动态」已 24 天未更新（最近一条 2026-10-29），超过 14 天的要求（国办秘函〔2019〕19号）"
CITATION = "国办秘函〔2019〕19号：「监测时间点前2周内的动态、要闻类栏目」未更新"
EVIDENCE = ("栏目：工作动态；栏目类型：工作动态 (news)；超期天数：10；未更新天数：24；最近一条发布日期：2026-10-29；"
            "最近一条信息：{title}；最近一条信息网址：{url}；规定期限：14；相关网页：{column}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_config(tmp_path, subscribers: str, extra: str = "") -> str:
    path = tmp_path / "gkwatch.toml"
    path.write_text(f'database = "gkwatch.db"\n[alert]\ndatasette_url = "http://127.0.0.1:8001/"\n{extra}\n'
                    + subscribers, encoding="utf-8")
    return str(path)


def alert(config, *args, env=None):
    result = run_gkwatch("--config", config, "alert", *args, env=env, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture
def smtp():
    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, received
    controller.stop()


@pytest.fixture
def site_db(tmp_path):
    db, city, county = two_agencies(tmp_path / "gkwatch.db")
    return db, city, county


def test_smtp_receives_a_chinese_digest_grouped_by_agency(tmp_path, site_db, smtp):
    port, received = smtp
    config = write_config(tmp_path, f"""
[[subscribers]]
name = "监督组织"
notify = ["mailto://127.0.0.1:{port}?from=gkwatch@example.org&to=ngo@example.org"]
digest = true
""")
    result = alert(config)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(received) == 1 and received[0].rcpt_tos == ["ngo@example.org"]
    message = email.message_from_bytes(received[0].content, policy=policy.default)
    assert message["Subject"] == "【政务公开监测】告警汇总：2 条变化 · 2 个机构"
    db = site_db[0]
    # the newest item of each news column, as the fixture made it: what the stale finding names
    last = {url: next(db.query("SELECT i.title, i.url FROM items i JOIN columns c ON c.id = i.column_id "
                               "WHERE c.url = ? ORDER BY i.published DESC, i.id DESC LIMIT 1", [url]))
            for url in (COUNTY_NEWS, CITY_NEWS)}
    body = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n").strip()
    assert body == "\n".join([
        "新问题 2 · 严重程度上升 0 · 重新出现 0 · 已解决 0",
        "",
        "■ 凤岭县人民政府（fengling-gov）",
        f"1. [新问题·扣分] 栏目不更新：{COUNTY_NEWS}",
        f"   对象：{COUNTY_NEWS}",
        f"   说明：{STALE}",
        f"   证据：{EVIDENCE.format(column=COUNTY_NEWS, **last[COUNTY_NEWS])}",
        f"   依据：{CITATION}（规则 栏目不更新）",
        "   首次发现：2026-11-22 · 检查日期：2026-11-22",
        "   链接：http://127.0.0.1:8001/gkwatch/findings/1",
        "",
        "■ 青川市商务局（qingchuan-swj）",
        f"1. [新问题·扣分] 栏目不更新：{CITY_NEWS}",
        f"   对象：{CITY_NEWS}",
        f"   说明：{STALE}",
        f"   证据：{EVIDENCE.format(column=CITY_NEWS, **last[CITY_NEWS])}",
        f"   依据：{CITATION}（规则 栏目不更新）",
        "   首次发现：2026-11-22 · 检查日期：2026-11-22",
        "   链接：http://127.0.0.1:8001/gkwatch/findings/2",
    ])
    db = site_db[0]
    rows = list(db.query("SELECT event_id, subscriber, channel, status, attempts, sent_at IS NOT NULL AS sent "
                         "FROM alerts ORDER BY event_id"))
    assert [(r["subscriber"], r["channel"], r["status"], r["attempts"], r["sent"]) for r in rows] == [
        ("监督组织", "notify[1]:mailto", "sent", 1, 1)] * 2
    assert "127.0.0.1" not in json.dumps(rows)   # the channel is a name, never the URL


def test_json_webhook_per_finding_and_dingtalk_digest(tmp_path, site_db, httpserver):
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    httpserver.expect_request("/robot/send", method="POST").respond_with_json({"errcode": 0, "errmsg": "ok"})
    base = f"127.0.0.1:{httpserver.port}"
    config = write_config(tmp_path, f"""
[[subscribers]]
name = "webhook"
notify = ["json://{base}/hook"]
digest = false

[[subscribers]]
name = "钉钉群"
notify = ["dingtalkhook://{base}/robot/send?access_token=${{DINGTALK_TOKEN}}"]
""")
    result = alert(config, env={"DINGTALK_TOKEN": "t0ken"})
    assert result.returncode == 0, result.stdout + result.stderr
    hooks = [r for r, _ in httpserver.log if r.path == "/hook"]
    assert len(hooks) == 2
    payloads = [r.get_json() for r in hooks]
    assert [p["title"] for p in payloads] == ["【政务公开监测】新问题：凤岭县人民政府 · 栏目不更新",
                                              "【政务公开监测】新问题：青川市商务局 · 栏目不更新"]
    assert payloads[1]["message"].splitlines()[:5] == [
        "新问题（扣分）", "机构：青川市商务局（qingchuan-swj）", "检查：栏目不更新（column_stale）",
        f"对象：{CITY_NEWS}", f"说明：{STALE}"]
    assert payloads[1]["message"].endswith("链接：http://127.0.0.1:8001/gkwatch/findings/2")
    dings = [r for r, _ in httpserver.log if r.path == "/robot/send"]
    assert len(dings) == 1 and dings[0].args["access_token"] == "t0ken"
    ding = dings[0].get_json()
    assert ding["msgtype"] == "markdown"
    assert ding["markdown"]["title"] == "【政务公开监测】告警汇总：2 条变化 · 2 个机构"
    assert ding["markdown"]["text"].startswith("#### 【政务公开监测】告警汇总：2 条变化 · 2 个机构\n\n"
                                               "新问题 2 · 严重程度上升 0 · 重新出现 0 · 已解决 0  \n")
    assert "■ 凤岭县人民政府（fengling-gov）" in ding["markdown"]["text"]


def test_a_receiver_failing_once_gets_it_next_run_and_nothing_is_sent_twice(tmp_path, site_db, httpserver):
    db, city, _ = site_db
    calls = []

    def flaky(request):
        calls.append(request.get_json())
        return Response("down", status=500) if len(calls) == 1 else Response("ok")

    httpserver.expect_request("/hook", method="POST").respond_with_handler(flaky)
    config = write_config(tmp_path, f"""
[[subscribers]]
name = "ngo"
notify = ["json://127.0.0.1:{httpserver.port}/hook"]
""")
    first = alert(config)
    assert first.returncode == 4 and "发送失败 failed: ngo notify[1]:json" in first.stderr
    assert [(r["status"], r["attempts"], r["sent_at"]) for r in db.query("SELECT * FROM alerts")] == [("failed", 1, None)] * 2
    assert all("500" in r["last_error"] for r in db.query("SELECT * FROM alerts"))
    second = alert(config)
    assert second.returncode == 0, second.stderr
    assert len(calls) == 2 and calls[0] == calls[1]
    assert [(r["status"], r["attempts"]) for r in db.query("SELECT * FROM alerts")] == [("sent", 2)] * 2
    third = alert(config)
    assert third.returncode == 0 and len(calls) == 2           # nothing twice

    fix(db, city)                                              # the city's finding resolves
    fourth = alert(config)
    assert fourth.returncode == 0 and len(calls) == 3
    assert calls[2]["title"] == "【政务公开监测】告警汇总：1 条变化 · 1 个机构"
    assert calls[2]["message"].startswith("新问题 0 · 严重程度上升 0 · 重新出现 0 · 已解决 1\n\n■ 青川市商务局")
    assert alert(config).returncode == 0 and len(calls) == 3


def test_dry_run_sends_and_records_nothing(tmp_path, site_db, httpserver):
    config = write_config(tmp_path, f"""
[[subscribers]]
name = "ngo"
notify = ["json://127.0.0.1:{httpserver.port}/hook"]
""")
    result = alert(config, "--dry-run", "--per-finding")
    assert result.returncode == 0
    assert result.stdout.count("【政务公开监测】新问题：") == 2
    assert not httpserver.log and site_db[0]["alerts"].count == 0


def test_notify_flag_replaces_subscribers(tmp_path, site_db, httpserver):
    httpserver.expect_request("/x", method="POST").respond_with_data("ok")
    config = write_config(tmp_path, "")
    result = alert(config, "--notify", f"json://127.0.0.1:{httpserver.port}/x", "--per-finding")
    assert result.returncode == 0, result.stderr
    assert len(httpserver.log) == 2
    assert {r["subscriber"] for r in site_db[0].query("SELECT * FROM alerts")} == {"cli"}
