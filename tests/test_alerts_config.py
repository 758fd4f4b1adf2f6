"""Alert configuration: subscriber filters, an invalid notification URL named before anything is
sent, secrets from the environment, bad values named by key; finding_events from the lifecycle."""

from __future__ import annotations

import pytest

from core.config import ConfigError, Subscriber, load
from monitors.alerts import run_alerts

from .alertdb import fix, two_agencies
from .conftest import run_gkwatch
from .test_alerts_delivery import write_config


def would_send(db, path, **filters) -> list[str]:
    sub = Subscriber(name="s", notify=["json://127.0.0.1:9/x"], digest=False, **filters)
    result = run_alerts(db, path, [sub], "http://127.0.0.1:8001", dry_run=True)
    return sorted(m["title"].split("：")[1].split(" · ")[0] for m in result.messages)


def test_subscriber_filters(tmp_path):
    path = tmp_path / "gkwatch.db"
    db, _, _ = two_agencies(path)
    both = ["凤岭县人民政府", "青川市商务局"]
    assert would_send(db, path) == both
    assert would_send(db, path, agencies=["qingchuan-swj"]) == ["青川市商务局"]
    assert would_send(db, path, regions=["3405"]) == ["凤岭县人民政府"]
    assert would_send(db, path, regions=["34"]) == both
    assert would_send(db, path, levels=["市"]) == ["青川市商务局"]
    assert would_send(db, path, levels=["省"]) == []
    assert would_send(db, path, min_severity="deduct") == both
    assert would_send(db, path, min_severity="veto") == []
    assert would_send(db, path, levels=["县"], regions=["340499"]) == []


def test_lifecycle_writes_one_event_per_transition(tmp_path):
    db, city, _ = two_agencies(tmp_path / "gkwatch.db")
    from .checkdb import check
    check(db)                                                      # a second run: no transition
    fix(db, city)
    rows = [(r["finding_id"], r["event"], r["severity"], r["as_of"], r["check_run_id"])
            for r in db.query("SELECT * FROM finding_events ORDER BY id")]
    assert rows == [(1, "opened", "deduct", "2026-11-22", 1), (2, "opened", "deduct", "2026-11-22", 1),
                    (2, "resolved", "deduct", "2026-11-23", 3)]


def test_invalid_url_is_named_before_anything_is_sent(tmp_path, httpserver):
    two_agencies(tmp_path / "gkwatch.db")
    config = write_config(tmp_path, f"""
[[subscribers]]
name = "good"
notify = ["json://127.0.0.1:{httpserver.port}/hook"]

[[subscribers]]
name = "钉钉群"
notify = ["json://127.0.0.1:{httpserver.port}/ok", "nosuchservice://abc"]
""")
    result = run_gkwatch("--config", config, "alert")
    assert result.returncode == 3
    assert result.stderr.strip() == ("错误 (error): subscribers[2] 钉钉群: notify[2]: 无效的通知地址 "
                                     "(invalid notification URL), scheme 'nosuchservice'")
    assert not httpserver.log


@pytest.mark.parametrize("text,message", [
    ('[schedule]\ncrawl = "0 25 * * *"', "schedule.crawl: cron 表达式无效 (bad cron expression) '0 25 * * *'"),
    ('[schedule]\ncheck = "* * *"', "schedule.check: cron 表达式无效"),
    ('[schedule]\ncrawl_every = "x"', "schedule.crawl_every: 未知配置项 (unknown key)"),
    ('[[subscribers]]\nname = "a"\nnotify = "json://x"', "subscribers[1].notify: 取值类型错误 (wrong type)"),
    ('[[subscribers]]\nname = "a"', "subscribers[1].notify: 必填 (required)"),
    ('[[subscribers]]\nname = "a"\nnotify = ["json://x"]\nmin_severity = "high"',
     "subscribers[1].min_severity: 取值 'high' 无效, 应为 info / deduct / veto"),
    ('[[subscribers]]\nname = "a"\nnotify = ["json://x"]\nlevels = ["地级市"]', "subscribers[1].levels: 取值 '地级市' 无效"),
    ('[[subscribers]]\nname = "a"\nnotify = ["dingtalk://${GKWATCH_NO_SUCH_SECRET}"]',
     "subscribers[1].notify[1]: 环境变量 GKWATCH_NO_SUCH_SECRET 未设置"),
    ('[alert]\ndatasette_url = 8001', "alert.datasette_url: 取值类型错误"),
])
def test_bad_values_are_named_by_key(tmp_path, text, message):
    config = tmp_path / "gkwatch.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load(config)
    assert message in str(info.value) and str(config) in str(info.value)


def test_secrets_come_from_the_environment(tmp_path, monkeypatch):
    config = tmp_path / "gkwatch.toml"
    config.write_text('[[subscribers]]\nname = "a"\nnotify = ["dingtalk://${GK_TOKEN}/"]\n', encoding="utf-8")
    monkeypatch.setenv("GK_TOKEN", "abc123")
    assert load(config).subscribers[0].notify == ["dingtalk://abc123/"]
    result = run_gkwatch("--config", config, "alert", "--db", tmp_path / "none.db", env={"GK_TOKEN": ""})
    assert result.returncode == 3 and "数据库不存在" in result.stderr


def test_events_for_every_transition_escalation_included(tmp_path):
    from monitors import findings as lifecycle
    from monitors.checks.base import Finding, Outcome

    from .checkdb import Site, new_db

    db = new_db(tmp_path / "gkwatch.db")
    Site(db)

    def run(day, severity=None, run_id=None):
        found = [Finding("qingchuan-swj", "slow_page", "http://slow.invalid/", severity, "慢", {}, "slow_page", "c")] if severity else []
        with db.conn:
            lifecycle.apply(db.conn, day, [Outcome("slow_page", found, {"qingchuan-swj"})], run_id)

    run("2026-11-01", "info")
    run("2026-11-02", "info")          # unchanged: no event
    run("2026-11-03", "deduct")        # escalated
    run("2026-11-04", "info")          # lowered: no event
    run("2026-11-05")                  # resolved
    run("2026-11-06", "veto")          # reopened
    assert [(r["event"], r["severity"], r["as_of"]) for r in db.query("SELECT * FROM finding_events ORDER BY id")] == [
        ("opened", "info", "2026-11-01"), ("escalated", "deduct", "2026-11-03"), ("resolved", "info", "2026-11-05"),
        ("reopened", "veto", "2026-11-06")]


def test_a_large_digest_is_split(tmp_path, monkeypatch):
    import monitors.alerts as alerts

    path = tmp_path / "gkwatch.db"
    db, _, _ = two_agencies(path)
    monkeypatch.setattr(alerts, "DIGEST_MAX", 1)
    sub = Subscriber(name="s", notify=["json://127.0.0.1:9/x"])
    titles = [m["title"] for m in run_alerts(db, path, [sub], "http://datasette.invalid", dry_run=True).messages]
    assert titles == ["【政务公开监测】告警汇总：1 条变化 · 1 个机构"] * 2
