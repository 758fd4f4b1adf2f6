"""Crawl health for operators: the crawler's own trouble per agency (``crawl_health``), in Datasette's
canned query and sent once per crawl run to subscribers flagged ``operator`` — never to the others,
and never as a finding."""

from __future__ import annotations

from monitors import crawl_health

from .checkdb import check, clean_site, new_db
from .test_alerts_delivery import alert, write_config

BLOCKED_PORTAL = "专栏首页未读取，本次不作检查结论"


def troubled_db(path):
    """青川 read as usual; 凤岭's portal behind an anti-bot wall and a column in maintenance."""
    db = new_db(path)
    city = clean_site(db)
    county = clean_site(db, id="fengling-gov", name="凤岭县人民政府", level="县", kind="政府",
                        host="http://www.fengling.example.gov.cn")
    city.crawl()
    news = county.url("/xxgk/fdzdgknr/gzdt/")
    county.crawl(status={county.portal: 412}, verdicts={county.portal: "blocked", news: "maintenance"})
    return db, city, county


def test_the_view_counts_what_each_agency_fetch_came_to(db_path):
    db, city, county = troubled_db(db_path)
    rows = {r["agency_id"]: r for r in db.query("SELECT * FROM crawl_health")}
    assert rows[city.id]["portal_read"] == 1 and rows[city.id]["blocked"] == 0
    assert rows[city.id]["trouble_share"] == 0.0
    county_row = rows[county.id]
    assert (county_row["portal_read"], county_row["blocked"], county_row["not_read"], county_row["read"]) == (0, 1, 1, 11)
    assert [r["agency_id"] for r in crawl_health.troubled_agencies(db.conn, county_row["crawl_run_id"])] == [county.id]
    assert check(db)["findings"] == []                      # trouble is never a finding


def test_an_operator_gets_the_crawl_trouble_once_and_a_reader_never(tmp_path, httpserver):
    troubled_db(tmp_path / "gkwatch.db")
    httpserver.expect_request("/ops", method="POST").respond_with_data("ok")
    httpserver.expect_request("/ngo", method="POST").respond_with_data("ok")
    base = f"127.0.0.1:{httpserver.port}"
    config = write_config(tmp_path, f"""
[[subscribers]]
name = "运维"
notify = ["json://{base}/ops"]
operator = true

[[subscribers]]
name = "监督组织"
notify = ["json://{base}/ngo"]
""")
    assert alert(config).returncode == 0
    ops = [r.get_json() for r, _ in httpserver.log if r.path == "/ops"]
    assert [p["title"] for p in ops] == ["【政务公开监测·运维】抓取 #2：1 个机构未能正常读取"]
    assert ops[0]["message"].splitlines()[1] == (
        f"■ 凤岭县人民政府（fengling-gov）：{BLOCKED_PORTAL}；被反爬虫拦截 1；维护/登录/不完整/无法识别 1；"
        "未读取 15%（共 13 次请求）")   # 11 columns + home + portal; 2 not read
    assert not [r for r, _ in httpserver.log if r.path == "/ngo"]   # no findings, and no trouble for readers
    assert alert(config).returncode == 0
    assert len([r for r, _ in httpserver.log if r.path == "/ops"]) == 1   # once per run


def test_operator_must_be_true_or_false(tmp_path):
    config = write_config(tmp_path, """
[[subscribers]]
name = "运维"
notify = ["json://127.0.0.1:9/ops"]
operator = "yes"
""")
    result = alert(config)
    assert result.returncode == 3 and "operator" in result.stderr
