"""`gkwatch check` as cron runs it: --json, and exit codes 0 (nothing open), 1 (open), 2 (new since
the last run), 3 (bad input), in a subprocess."""

from __future__ import annotations

import json

import storage

from .checkdb import AS_OF, clean_site, days_before, new_db
from .conftest import run_gkwatch


def make_db(db_path):
    db = new_db(db_path)
    site = clean_site(db)
    site.crawl()
    db.close()
    return site


def stale(db_path, site, days=20):
    db = new_db(db_path)
    news = site.url("/xxgk/bmdt/")
    site.db = db
    site.column("news", "部门动态", "/xxgk/bmdt/", [days_before(AS_OF, days)])
    site.crawl()
    db.close()
    return news


def test_gkwatch_check_exit_codes(db_path):
    site = make_db(db_path)
    day = ["--as-of", AS_OF.isoformat(), "--db", db_path]
    clean = run_gkwatch("check", *day, "--json")
    assert clean.returncode == 0, clean.stderr
    document = json.loads(clean.stdout)
    assert document["findings"] == [] and document["summary"]["open"] == {"veto": 0, "deduct": 0, "info": 0}
    news = stale(db_path, site)
    first = run_gkwatch("check", *day, "--json")
    assert first.returncode == 2, first.stderr
    [entry] = json.loads(first.stdout)["findings"]
    assert {k: entry[k] for k in ("agency", "check", "subject", "severity", "status", "first_seen")} == {
        "agency": site.id, "check": "column_stale", "subject": news, "severity": "deduct", "status": "open",
        "first_seen": AS_OF.isoformat()}
    assert entry["message"].startswith("栏目「部门动态」已 20 天未更新") and entry["new"] is True
    again = run_gkwatch("check", *day, "--json")
    assert again.returncode == 1 and json.loads(again.stdout)["findings"][0]["new"] is False
    assert run_gkwatch("check", *day, "--severity", "veto").returncode == 0
    assert run_gkwatch("check", *day, "--severity", "info").returncode == 1
    text = run_gkwatch("check", *day)
    assert text.returncode == 1 and "栏目「部门动态」已 20 天未更新" in text.stdout and "评分 scorecards" in text.stdout
    assert run_gkwatch("check", *day, "--agency", "nobody").returncode == 3
    assert run_gkwatch("check", *day, "--as-of", "2026-13-01").returncode == 3
    assert run_gkwatch("check", *day, "--rulebook", db_path.parent / "none.yaml").returncode == 3
    helptext = run_gkwatch("check", "--help")
    assert helptext.returncode == 0 and "退出码 Exit codes" in helptext.stdout and "2  check: 有本次新出现的问题" in helptext.stdout


def test_check_json_findings_carry_id_evidence_citation_and_link(db_path):
    site = make_db(db_path)
    news = stale(db_path, site)
    result = run_gkwatch("check", "--as-of", AS_OF.isoformat(), "--db", db_path, "--json", env={"GKWATCH_CONFIG": ""})
    [entry] = [f for f in json.loads(result.stdout)["findings"] if f["check"] == "column_stale"]
    row = storage.connect(db_path).execute(
        "SELECT id, evidence FROM findings WHERE check_name = 'column_stale' AND subject = ?", [news]).fetchone()
    assert entry["id"] == row[0] and entry["evidence"] == json.loads(row[1])
    assert entry["evidence"]["days_since_update"] == 20 and entry["evidence"]["last_item_date"] == "2026-11-02"
    assert entry["citation"] == "国办秘函〔2019〕19号：「监测时间点前2周内的动态、要闻类栏目」未更新"
    assert entry["evidence"]["rule_source"] == "国务院办公厅秘书局《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）"
    # no public address in the config: a link relative to the Datasette server
    assert entry["link"] == f"/gkwatch/findings/{row[0]}"
    config = db_path.parent / "gkwatch.toml"
    config.write_text('[alert]\ndatasette_url = "https://gkwatch.example.org/"\n', encoding="utf-8")
    published = run_gkwatch("--config", config, "check", "--as-of", AS_OF.isoformat(), "--db", db_path, "--json")
    assert [f["link"] for f in json.loads(published.stdout)["findings"] if f["id"] == row[0]] == [
        f"https://gkwatch.example.org/gkwatch/findings/{row[0]}"]
    text = run_gkwatch("check", "--as-of", AS_OF.isoformat(), "--db", db_path, env={"GKWATCH_CONFIG": ""})
    assert f"[扣分 deduct] {site.id} 栏目不更新 column_stale {news}" in text.stdout
    assert f"    /gkwatch/findings/{row[0]}\n" in text.stdout


def test_a_vetoed_agency_is_shown_as_veto_without_a_score(db_path):
    site = make_db(db_path)
    db = new_db(db_path)
    site.db = db
    site.crawl(home_latest="2026-10-01")     # the home page not updated for 7 weeks: 单项否决
    db.close()
    day = ["--as-of", AS_OF.isoformat(), "--db", db_path]
    document = json.loads(run_gkwatch("check", *day, "--json").stdout)
    assert [f["check"] for f in document["findings"] if f["severity"] == "veto"] == ["homepage_stale"]
    assert document["summary"]["scorecards"][site.id] == {"score": None, "grade": "单项否决", "vetoed": True}
    text = run_gkwatch("check", *day).stdout
    [line] = [line for line in text.splitlines() if line.startswith(f"  {site.id}")]
    assert line.split() == [site.id, "单项否决", "veto"]
    assert "100.0" not in text and "不合格" not in text
