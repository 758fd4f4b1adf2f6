"""政策文件未解读 (interpretation_missing): a policy document with a 文号 and no interpretation naming
it within the period; found by its 文号, its 《》 title or its own title, in an interpretation's title or text."""

from __future__ import annotations

import datetime as dt
import json

from .checkdb import AS_OF, check, clean_site, finding, found, new_db

POLICY = "/xxgk/fdzdgknr/zcwj/"


def policy(db, site, title: str, doc_no: str | None, day: str) -> str:
    url = site.item(site.url(POLICY), dt.date.fromisoformat(day), title)
    db.execute("UPDATE items SET doc_no = ? WHERE url = ?", [doc_no, url])
    db.conn.commit()
    return url


def test_policies_with_and_without_interpretations(tmp_path):
    db = new_db(tmp_path / "g.db")
    site = clean_site(db)
    interp = site.column("interpretation", "政策解读", "/xxgk/fdzdgknr/zcjd/", parent="/xxgk/fdzdgknr/")
    missing = policy(db, site, "青川市商务局关于印发《青川市外贸企业扶持办法》的通知", "青商〔2026〕12号", "2026-09-01")
    policy(db, site, "青川市商务局关于印发《青川市电商发展专项资金管理办法》的通知", "青商〔2026〕13号", "2026-09-02")
    site.item(interp, dt.date(2026, 9, 5), "《青川市电商发展专项资金管理办法》政策解读")
    policy(db, site, "青川市商务局关于进一步促进消费的实施意见", "青商〔2026〕14号", "2026-09-03")
    by_number = site.item(site.url(POLICY), dt.date(2026, 9, 6), "图解：促消费新政")   # names the 文号 in its text only
    db.execute("INSERT INTO item_versions (item_id, content_hash, text, first_seen) "
               "SELECT id, 'x', '近日，我局印发青商〔2026〕14号文件，现解读如下。', '2026-09-06' FROM items WHERE url = ?", [by_number])
    policy(db, site, "青川市商务局关于印发《青川市家电以旧换新实施方案》的通知", "青商〔2026〕20号", "2026-11-10")  # 12 days: not yet
    policy(db, site, "关于张三同志任职的通知", "青商〔2026〕15号", "2026-09-04")                               # not a policy
    policy(db, site, "青川市商务局关于印发《展会补贴办法》的通知", "无", "2026-09-04")                             # no 文号
    policy(db, site, "青川市商务局关于印发《老办法》的通知", "青商〔2015〕3号", "2015-06-01")                       # before the rule
    site.crawl()

    doc = check(db, AS_OF)
    assert {s for c, s, _ in found(doc) if c == "interpretation_missing"} == {missing}
    row = finding(db, "interpretation_missing", missing)
    assert row["severity"] == "info"
    assert row["message"] == ("政策文件「青川市商务局关于印发《青川市外贸企业扶持办法》的通知」（青商〔2026〕12号，2026-09-01 发布）"
                              "已 82 天，未见解读材料（超过 30 天；国办发〔2016〕80号）")
    assert json.loads(row["evidence"])["searched_for"] == ["青商〔2026〕12号", "青川市外贸企业扶持办法"]
