"""A small database with findings in two agencies, for the alert tests (built on tests/checkdb.py)."""

from __future__ import annotations

from .checkdb import AS_OF, D, check, clean_site, new_db

NEWS = "/xxgk/fdzdgknr/gzdt/"


def stale(db, site) -> str:
    news = site.url(NEWS)
    db.execute("DELETE FROM items WHERE column_id = ? AND published > '2026-11-01'", [site.columns[news]])
    db.conn.commit()
    return news


def two_agencies(path):
    """青川市商务局 (市, 340499) and 凤岭县人民政府 (县, 340522), each with a stale 工作动态 column,
    checked on AS_OF: two opened column_stale findings."""
    db = new_db(path)
    city = clean_site(db)
    county = clean_site(db, id="fengling-gov", name="凤岭县人民政府", level="县", kind="政府",
                        host="http://www.fengling.example.gov.cn")
    db.execute("UPDATE agencies SET region_code = '340522' WHERE id = 'fengling-gov'")
    db.conn.commit()
    for site in (city, county):
        stale(db, site)
        site.crawl()
    check(db)
    return db, city, county


def fix(db, site, day=D("2026-11-23")):
    """New news on ``day``, crawled and checked: the site's column_stale finding resolves."""
    site.item(site.url(NEWS), day, "召开外贸企业座谈会")
    site.crawl(day)
    return check(db, day)


__all__ = ["AS_OF", "two_agencies", "fix", "stale"]
