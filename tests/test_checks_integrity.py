"""伪造发稿日期 (item_backdated): an item that appeared after a walk of its column had gone past its
declared date without it — and never from a first walk, a walk that did not reach the date, a delay
within the grace, or a document that was already listed elsewhere."""

from __future__ import annotations

import datetime as dt
import json

from .checkdb import AS_OF, D, check, clean_site, finding, found, new_db

NOTICES, POLICY, NEWS = "/xxgk/fdzdgknr/tzgg/", "/xxgk/fdzdgknr/zcwj/", "/xxgk/fdzdgknr/gzdt/"


def walk(db, site, path: str, at: str, *, oldest: str | None, complete: bool, capture: str | None = None) -> None:
    column = site.url(path)
    run = db["crawl_runs"].insert({"started_at": at, "finished_at": at, "status": "finished",
                                   "agencies": json.dumps([site.id]), "full": 0}).last_pk
    db["walks"].insert({"column_id": site.columns[column], "crawl_run_id": run, "walked_at": at,
                        "items": 20, "oldest": oldest, "complete": int(complete)})
    if capture:
        db["captures"].insert({"agency_id": site.id, "url": column, "kind": "column", "crawl_run_id": run,
                               "captured_at": at, "content_hash": capture, "warc_path": f"{capture[:2]}/{capture}.warc.gz"})


def appeared(db, site, path: str, declared: str, first_seen: str, title: str, *, listed_here: str | None = None) -> str:
    """An item declaring ``declared`` whose first listing anywhere was ``first_seen`` (and, if it
    moved, its listing in this column only from ``listed_here``)."""
    url = site.item(site.url(path), D(declared), title)
    db.execute("UPDATE items SET first_seen = ? WHERE url = ?", [first_seen, url])
    db.execute("UPDATE listings SET first_seen = ? WHERE item_id = (SELECT id FROM items WHERE url = ?)",
               [listed_here or first_seen, url])
    db.conn.commit()
    return url


def test_backdated_items_and_their_look_alikes(tmp_path):
    db = new_db(tmp_path / "g.db")
    site = clean_site(db)
    walk(db, site, NOTICES, "2026-11-01T10:00:00+08:00", oldest=None, complete=True, capture="a1" * 32)
    walk(db, site, POLICY, "2026-11-01T10:05:00+08:00", oldest="2026-10-25", complete=False)
    backdated = appeared(db, site, NOTICES, "2026-10-20", "2026-11-10T09:00:00+08:00", "关于开展安全生产检查的通知")
    appeared(db, site, NOTICES, "2026-10-30", "2026-11-10T09:00:00+08:00", "关于节日值班安排的通知")   # within 3 days
    appeared(db, site, POLICY, "2026-10-20", "2026-11-10T09:00:00+08:00", "关于印发实施办法的通知")    # walk stopped at 10-25
    appeared(db, site, NEWS, "2026-10-20", "2026-11-10T09:00:00+08:00", "局领导调研")                    # no earlier walk
    appeared(db, site, NOTICES, "2026-10-10", "2026-09-30T09:00:00+08:00", "关于转发文件的通知",          # listed elsewhere first
             listed_here="2026-11-10T09:00:00+08:00")
    for path in (NOTICES, POLICY, NEWS):   # the walks that first list them
        walk(db, site, path, "2026-11-10T09:30:00+08:00", oldest="2026-10-10", complete=False)
    site.crawl()

    doc = check(db, AS_OF)
    assert {(c, s) for c, s, _ in found(doc) if c == "item_backdated"} == {("item_backdated", backdated)}
    row = finding(db, "item_backdated", backdated)
    assert row["severity"] == "veto"
    assert row["message"] == ("「关于开展安全生产检查的通知」标注的发布日期为 2026-10-20，但本站在 2026-11-01检查栏目「通知公告」时"
                              "已越过该日期而未见此条，直到 2026-11-10 才首次出现：疑似倒填发稿日期（国办秘函〔2019〕19号）")
    evidence = json.loads(row["evidence"])
    assert evidence["declared_date"] == "2026-10-20"
    assert evidence["walks_without_it"] == [{"walked_at": "2026-11-01", "crawl_run_id": 1,
                                             "reached": "全部页面", "capture_id": 1, "sha256": "a1" * 32}]
    assert evidence["grace_days"] == 3


def test_as_of_before_the_item_appeared_sees_nothing(tmp_path):
    db = new_db(tmp_path / "g.db")
    site = clean_site(db)
    walk(db, site, NOTICES, "2026-11-01T10:00:00+08:00", oldest=None, complete=True)
    appeared(db, site, NOTICES, "2026-10-20", "2026-11-10T09:00:00+08:00", "关于开展安全生产检查的通知")
    walk(db, site, NOTICES, "2026-11-10T09:30:00+08:00", oldest=None, complete=True)
    site.crawl(dt.date(2026, 11, 5))
    assert not [f for f in check(db, dt.date(2026, 11, 5))["findings"] if f["check"] == "item_backdated"]
