"""`gkwatch check` as cron runs it: --json, and exit codes 0 (nothing open), 1 (open), 2 (new since
the last run), 3 (bad input), in a subprocess."""

from __future__ import annotations

import json

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
