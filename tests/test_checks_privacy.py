"""个人信息泄露 (privacy_leak): an item whose page or attachment shows ID or mobile numbers, shown
masked; a page put right or taken down resolves it; the full number is never stored."""

from __future__ import annotations

import json

from storage import records

from .checkdb import AS_OF, check, clean_site, finding, found, new_db

NOTICES = "/xxgk/fdzdgknr/tzgg/"
ID_MASKED, MOBILE_MASKED = "3401**********0024", "138****5678"


def detail(privacy: list[dict]) -> dict:
    return {"title": "关于行政处罚决定书的公示", "published": "2026-11-02T09:00", "content_hash": "v1",
            "privacy": privacy}


def test_a_page_and_an_attachment_with_personal_numbers(tmp_path):
    db = new_db(tmp_path / "g.db")
    site = clean_site(db)
    url = site.item(site.url(NOTICES), AS_OF, "关于行政处罚决定书的公示")
    records.store_detail(db, site.id, url, detail([
        {"kind": "id_card", "masked": ID_MASKED, "where": "page"},
        {"kind": "mobile", "masked": MOBILE_MASKED, "where": "page"},
    ]), [], "正文")
    records.store_privacy(db, site.id, url, "处罚决定书.pdf", [{"kind": "id_card", "masked": "3201**********001X"}])
    site.crawl()
    check(db, AS_OF)
    row = finding(db, "privacy_leak", url)
    assert row["message"] == ("「关于行政处罚决定书的公示」在页面正文、附件「处罚决定书.pdf」中公开了 2 个身份证号码、1 个手机号码"
                              f"（{ID_MASKED}、{MOBILE_MASKED}、3201**********001X，此处已遮盖），"
                              "涉及个人隐私，应作去标识化处理（条例第十五条）")
    evidence = json.loads(row["evidence"])
    assert (evidence["id_cards"], evidence["mobiles"]) == (2, 1)
    assert evidence["numbers"][2] == {"kind": "身份证号码", "masked": "3201**********001X", "where": "处罚决定书.pdf"}

    # The agency masks the numbers: the page and its attachment are read again without them, and the
    # finding resolves.
    records.store_detail(db, site.id, url, {**detail([]), "content_hash": "v2"}, [], "正文")
    records.store_privacy(db, site.id, url, "处罚决定书.pdf", [])
    site.crawl()
    doc = check(db, AS_OF)
    assert not [f for f in found(doc) if f[0] == "privacy_leak"]
    assert db.execute("SELECT count(*) FROM personal_data").fetchone()[0] == 0


def test_the_clean_site_has_none(tmp_path):
    db = new_db(tmp_path / "g.db")
    clean_site(db).crawl()
    assert not [f for f in check(db, AS_OF)["findings"] if f["check"] == "privacy_leak"]
