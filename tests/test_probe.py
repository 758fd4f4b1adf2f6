"""`gkwatch probe` against real loopback servers: a site that is up, down (a closed port), slower than
the probe's timeout, behind an anti-bot challenge (412, a 加速乐 page, a WAF), refusing HEAD, or closed by
robots.txt; each stored with its verdict, politely. Then a week of probes, 20 a day, and the
站点无法访问 check on them: only the site that failed is called unreachable, not the blocked one."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from werkzeug import Response

import storage
from core.clock import TZ
from core.config import Config, load, user_agent
from crawlers.probe import probe_all, store, targets
from monitors.run_checks import run_checks
from monitors.scheduler import JOBS, build_scheduler, commands

from .conftest import run_gkwatch
from .test_crawl_failures import free_port

CHALLENGE = b'<html><head><script>var $_ts=window["$_ts"];$_ts.nsd=12345;</script></head><body></body></html>'
JSL = b"<html><script>document.cookie=('__jsl_clearance=1700000000.1|0|abc');location.href=location.pathname</script></html>"


def add_agency(db, agency_id: str, homepage: str, obey_robots: int = 1) -> None:
    db["agencies"].insert({"id": agency_id, "name": f"测试机构{agency_id}", "level": "县", "kind": "部门",
                           "region_code": "340499", "homepage": homepage, "portal": homepage, "render_js": 0,
                           "obey_robots": obey_robots, "requires_internet": 0})


@pytest.fixture
def sites(threaded_server, db_path):
    """One loopback server with a home page per behaviour, and one agency for each (plus a closed port)."""
    server = threaded_server

    def slow(_request):
        time.sleep(3)
        return Response("<html>慢</html>", content_type="text/html; charset=utf-8")

    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n")
    server.expect_request("/up/").respond_with_data("<html>首页</html>", content_type="text/html")
    server.expect_request("/slow/").respond_with_handler(slow)
    server.expect_request("/challenge/").respond_with_data(CHALLENGE, status=412, content_type="text/html")
    server.expect_request("/nohead/", method="HEAD").respond_with_data("", status=405)
    server.expect_request("/nohead/", method="GET").respond_with_data("<html>首页</html>", content_type="text/html")
    server.expect_request("/jsl/", method="HEAD").respond_with_data("", status=405)
    server.expect_request("/jsl/", method="GET").respond_with_data(JSL, content_type="text/html")
    server.expect_request("/broken/").respond_with_data("Bad Gateway", status=502)
    server.expect_request("/waf/").respond_with_data("<html><title>网站防火墙</title>您的访问已被拦截</html>".encode(),
                                                     status=403, content_type="text/html; charset=utf-8")
    server.expect_request("/private/").respond_with_data("<html>不许看</html>", content_type="text/html")
    server.expect_request("/private/ours/").respond_with_data("<html>许可</html>", content_type="text/html")
    db = storage.connect(db_path)
    homes = {"a-up": server.url_for("/up/"), "b-down": f"http://127.0.0.1:{free_port()}/",
             "c-slow": server.url_for("/slow/"), "d-challenge": server.url_for("/challenge/"),
             "e-nohead": server.url_for("/nohead/"), "f-jsl": server.url_for("/jsl/"),
             "g-broken": server.url_for("/broken/"), "h-robots": server.url_for("/private/"),
             "j-waf": server.url_for("/waf/")}
    for agency_id, home in homes.items():
        add_agency(db, agency_id, home)
    add_agency(db, "i-exempt", server.url_for("/private/ours/"), obey_robots=0)   # the registry says why
    db.close()
    return server, homes


def test_each_outcome_is_stored_with_its_verdict(sites, db_path, tmp_path):
    server, homes = sites
    config = tmp_path / "gkwatch.toml"
    config.write_text('[crawl]\ncontact = "probe-test@gkwatch.invalid"\n', encoding="utf-8")
    began = time.monotonic()
    result = run_gkwatch("--config", config, "probe", "--db", db_path, "--timeout", "1")
    assert result.returncode == 0, result.stdout + result.stderr       # failed sites are data, not an error
    assert time.monotonic() - began < 30
    db = storage.connect(db_path)
    rows = {r["agency_id"]: r for r in db.query("SELECT * FROM probes")}
    got = {a: (r["method"], r["status"], r["verdict"]) for a, r in rows.items()}
    assert got == {
        "a-up": ("HEAD", 200, "read"),
        "b-down": ("HEAD", None, "unreachable"),
        "c-slow": ("HEAD", None, "timeout"),
        "d-challenge": ("HEAD", 412, "blocked"),
        "e-nohead": ("GET", 200, "read"),
        "f-jsl": ("GET", 200, "blocked"),
        "g-broken": ("HEAD", 502, "server_error"),
        "h-robots": (None, None, "robots"),
        "i-exempt": ("HEAD", 200, "read"),
        "j-waf": ("GET", 403, "blocked"),
    }
    assert rows["c-slow"]["timeout_ms"] == 1000 and 1000 <= rows["c-slow"]["elapsed_ms"] < 2900
    assert rows["c-slow"]["error"].startswith("TimeoutError: 1 秒内未响应")
    assert "Connection refused" in rows["b-down"]["error"]
    assert rows["h-robots"]["error"].startswith("robots.txt")
    assert all(r["probed_at"].endswith("+08:00") and r["url"] == homes.get(a, r["url"]) for a, r in rows.items())
    # politely: robots.txt read once for the site, its disallow obeyed, the crawl's User-Agent
    paths = [(request.method, request.path) for request, _ in server.log]
    assert paths.count(("GET", "/robots.txt")) == 1
    assert ("HEAD", "/private/") not in paths and ("GET", "/private/") not in paths
    assert ("HEAD", "/private/ours/") in paths
    assert ("GET", "/up/") not in paths                                    # one HEAD, no body fetched
    agents = {request.headers.get("User-Agent") for request, _ in server.log}
    assert agents == {user_agent(load(config))} and "probe-test@gkwatch.invalid" in agents.pop()
    lines = result.stdout.strip().splitlines()
    assert lines[-1].startswith("探测 probe ") and "机构 agencies 10" in lines[-1] and "被反爬虫拦截 blocked 3" in lines[-1]


def test_bad_input_exits_3(sites, db_path, tmp_path):
    assert run_gkwatch("probe", "--db", db_path, "--agency", "no-such").returncode == 3
    assert run_gkwatch("probe", "--db", db_path, "--timeout", "0").returncode == 3
    assert run_gkwatch("probe", "--db", tmp_path / "none.db").returncode == 3
    result = run_gkwatch("probe", "--db", db_path, "--agency", "a-up", "--timeout", "2")
    assert result.returncode == 0 and result.stdout.startswith("a-up  已读取 read")


def test_a_week_of_probes_finds_the_site_that_is_down_and_not_the_blocked_one(sites, db_path):
    """20 probes a day for a week (stamped on those days): the closed port failed every one (a veto),
    the 412 challenge was blocked every time (not enough observations: no finding), the site that
    answered is reachable. Old probes are dropped after keep_days."""
    _, homes = sites
    db = storage.connect(db_path)
    found = [t for t in targets(db) if t.agency_id in ("a-up", "b-down", "d-challenge")]
    as_of = dt.date(2026, 11, 22)
    for day in range(7, 0, -1):
        for k in range(20):
            moment = dt.datetime.combine(as_of - dt.timedelta(days=day), dt.time(0, 15), TZ) + k * dt.timedelta(minutes=70)
            store(db, probe_all(found, config=Config(), timeout=2, at=moment))
    doc = run_checks(db, as_of)
    opened = {(f["agency"], f["check"], f["severity"]) for f in doc["findings"] if f["status"] == "open"}
    assert opened == {("b-down", "site_unreachable", "veto")}
    message = next(f["message"] for f in doc["findings"] if f["agency"] == "b-down")
    assert message.startswith("2026-11-15 至 2026-11-21 的 7 天里网站首页每天访问 20 次以上（共 140 次），"
                              "140 次打不开（100.0%）：无法连接 140 次；达到 5% 的单项否决标准（国办秘函〔2019〕19号）"), message
    status = {r["agency_id"]: (r["status"], r["probes"], r["blocked"])
              for r in db.query("SELECT * FROM availability WHERE as_of = '2026-11-22'")}
    assert {a: status[a] for a in ("a-up", "b-down", "d-challenge")} == {
        "a-up": ("reachable", 140, 0), "b-down": ("unreachable", 140, 0), "d-challenge": ("insufficient", 0, 140)}
    assert status["c-slow"] == ("insufficient", 0, 0)                    # never probed
    assert store(db, [], keep_days=30, today=dt.date(2026, 12, 17)) == 3 * 20 * 2   # 11-15 and 11-16


def test_the_probe_job_is_scheduled_48_times_a_day_by_default(tmp_path):
    assert Config().schedule.probe == "*/30 * * * *" and "probe" in JOBS
    steps = commands("probe", "/d/g.db", None, {"probe": ["--timeout", "30"]})
    assert [c[c.index("--db") - 1:] for c in steps] == [["probe", "--db", "/d/g.db", "--timeout", "30"]]
    config = tmp_path / "gkwatch.toml"
    config.write_text('[schedule]\nprobe = ""\nprobe_args = ["--timeout", "30"]\n', encoding="utf-8")
    _, wanted = build_scheduler(str(tmp_path / "g.db"), load(config), str(config))
    assert "probe" not in wanted and load(config).schedule.probe_args == ["--timeout", "30"]
    scheduler, wanted = build_scheduler(str(tmp_path / "g.db"), Config(), None)
    assert "probe" in wanted
    trigger = next(job.trigger for job in scheduler.get_jobs() if job.id == "probe")
    day = dt.datetime(2026, 11, 22, tzinfo=TZ)
    fires, moment = [], trigger.get_next_fire_time(None, day)
    while moment < day + dt.timedelta(days=1):
        fires.append(moment)
        moment = trigger.get_next_fire_time(moment, moment + dt.timedelta(seconds=1))
    assert len(fires) == 48
