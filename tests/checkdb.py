"""Small, realistic gkwatch databases for the check tests: an agency, its columns and items, and
crawl runs with the fetches, pages and links the crawler writes. ``clean_site`` builds an agency
with no defect at all on ``AS_OF``; each test then plants exactly one.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import storage
from core.clock import iso
from monitors.run_checks import run_checks

AS_OF = dt.date(2026, 11, 22)
D = dt.date.fromisoformat


def days_before(day: dt.date, n: int) -> dt.date:
    return day - dt.timedelta(days=n)


def every(last: dt.date, step: int, count: int) -> list[dt.date]:
    """``count`` dates ``step`` days apart, the newest on ``last``."""
    return [last - dt.timedelta(days=step * k) for k in range(count)]


@dataclass
class Site:
    db: object
    id: str = "qingchuan-swj"
    name: str = "青川市商务局"
    level: str = "市"
    kind: str = "部门"
    host: str = "http://swj.qingchuan.example.gov.cn"
    portal_path: str = "/xxgk/"
    quota: int | None = None
    columns: dict[str, int] = field(default_factory=dict)   # url -> id
    seq: int = 0

    def __post_init__(self):
        self.db["agencies"].insert({
            "id": self.id, "name": self.name, "level": self.level, "kind": self.kind, "region_code": "340499",
            "homepage": self.home, "portal": self.portal, "render_js": 0, "obey_robots": 1,
            "monthly_quota": self.quota, "requires_internet": 0, "imported_at": iso(), "updated_at": iso(),
        })

    @property
    def home(self) -> str:
        return self.host + "/"

    @property
    def portal(self) -> str:
        return self.host + self.portal_path

    def url(self, path: str) -> str:
        return self.host + path

    def column(self, type_: str, name: str, path: str, dates=(), parent: str | None = None,
               titles: list[str] | None = None, undated: int = 0) -> str:
        url = self.url(path)
        self.columns[url] = self.db["columns"].insert({
            "agency_id": self.id, "type": type_, "name": name, "url": url,
            "parent_id": self.columns[self.url(parent)] if parent else None, "js": "none", "explicit": 0,
            "discovered_at": iso(), "last_seen": iso(),
        }).last_pk
        self.items(url, dates, titles)
        for _ in range(undated):
            self.item(url, None, f"{name}（无日期）{self.seq}")
        return url

    def items(self, column_url: str, dates, titles: list[str] | None = None) -> list[str]:
        return [self.item(column_url, day, titles[k] if titles else None) for k, day in enumerate(dates)]

    def item(self, column_url: str, day: dt.date | None, title: str | None = None) -> str:
        self.seq += 1
        stamp = day.strftime("%Y%m") if day else "000000"
        url = f"{column_url.rstrip('/')}/{stamp}/t{stamp}_{self.seq:05d}.html"
        item_id = self.db["items"].insert({
            "agency_id": self.id, "column_id": self.columns[column_url], "url": url,
            "title": title or f"关于做好商务工作的通知（{self.seq}）", "published": day.isoformat() if day else None,
            "first_seen": iso(), "last_seen": iso(), "content_hash": f"h{self.seq}",
        }).last_pk
        self.list_in(column_url, item_id)
        return url

    def list_in(self, column_url: str, item_id: int) -> None:
        """The item is listed in that column too (one document in several columns)."""
        self.db["listings"].insert({"column_id": self.columns[column_url], "item_id": item_id,
                                    "first_seen": iso(), "last_seen": iso()})

    def crawl(self, day: dt.date = AS_OF, *, down: bool = False, home_ms: int = 180, home_status: int = 200,
              home_latest: str | None = "auto", portal_latest: str | None = None, skip: tuple[str, ...] = (),
              status: dict[str, int] | None = None, elapsed: dict[str, int] | None = None,
              errors: dict[str, str] | None = None, links: list[tuple[str, str, int | None]] = (),
              verify: dict[str, int] | None = None, robots: tuple[str, ...] = (),
              verdicts: dict[str, str] | None = None) -> int:
        """One finished crawl run, as the crawler records it: fetches for the homepage, portal and every
        column (status 200 unless told otherwise), HEADs of ``links`` (page, url, status), removal
        checks ``verify`` (url → status), and the pages' newest dates. ``verdicts`` (url → verdict) says
        what a fetch that answered came to where it was not simply read (blocked, soft_404 …)."""
        status, elapsed, errors, verify = status or {}, elapsed or {}, errors or {}, verify or {}
        verdicts = verdicts or {}
        db = self.db
        run = db["crawl_runs"].insert({"started_at": iso(), "finished_at": iso(), "status": "finished",
                                        "agencies": json.dumps([self.id]), "full": 0}).last_pk

        def fetch(url, kind, method="GET", code=200, ms=150, error=None):
            db["fetches"].insert({"crawl_run_id": run, "agency_id": self.id, "url": url, "kind": kind,
                                  "method": method, "status": None if error else code, "error": error,
                                  "elapsed_ms": ms, "bytes": None if error else 20480, "fetched_at": iso(),
                                  "verdict": verdicts.get(url) or verdict_of(code, error)})

        if down:
            for url, kind in ((self.home, "home"), (self.portal, "portal")):
                for _ in range(2):  # the retry
                    fetch(url, kind, ms=2, error="DownloadConnectionRefusedError: Connection was refused by "
                                                  "other side: 111: Connection refused.")
            return run
        fetch(self.home, "home", code=home_status, ms=home_ms)
        fetch(self.portal, "portal", code=status.get(self.portal, 200), ms=elapsed.get(self.portal, 160))
        newest = self.newest(day)
        self.page(self.home, "home", newest if home_latest == "auto" else home_latest)
        self.page(self.portal, "portal", portal_latest)
        for url in self.columns:
            if url in skip:
                continue
            if url in robots:
                fetch(url, "column", ms=0, error="robots.txt 禁止抓取 (forbidden by robots.txt)")
                continue
            fetch(url, "column", code=status.get(url, 200), ms=elapsed.get(url, 140), error=errors.get(url))
        for page, url, code in links:
            db["links"].upsert({"agency_id": self.id, "page_url": page, "url": url, "text": "附件",
                                "first_seen": iso(), "last_seen": iso()}, pk=("agency_id", "page_url", "url"))
            fetch(url, "link", method="HEAD", code=code or 0, ms=40,
                  error=None if code else "DownloadConnectionRefusedError: refused")
        for url, code in verify.items():
            fetch(url, "verify", method="HEAD", code=code, ms=30)
        return run

    def page(self, url: str, kind: str, latest: str | None) -> None:
        self.db["pages"].upsert({"url": url, "agency_id": self.id, "kind": kind, "latest_item_date": latest,
                                 "content_hash": "x", "fetched_at": iso(), "changed_at": iso()}, pk="url")

    def newest(self, day: dt.date) -> str | None:
        row = self.db.execute("SELECT MAX(published) FROM items WHERE agency_id = ? AND published <= ?",
                              [self.id, day.isoformat()]).fetchone()
        return row[0]

    def missing(self, url: str) -> None:
        """The crawler no longer finds ``url`` on its column's list."""
        self.db.execute("UPDATE items SET missing_since = ? WHERE url = ?", [iso(), url])
        self.db.conn.commit()

    def relisted(self, url: str) -> None:
        """``url`` is on its column's list again (what records.upsert_listing does)."""
        self.db.execute("UPDATE items SET missing_since = NULL, removed_at = NULL WHERE url = ?", [url])
        self.db.conn.commit()


def verdict_of(status: int | None, error: str | None) -> str:
    """What the crawler records for an answer that is simply what its status says."""
    if error:
        return ("robots" if error.startswith("robots.txt") else
                "timeout" if "imeout" in error or "timed out" in error else "unreachable")
    if status in (404, 410):
        return "not_found"
    return "read" if 200 <= (status or 0) < 400 else "server_error"


def clean_site(db, day: dt.date = AS_OF, **kw) -> Site:
    """A 部门 (unless told otherwise) with the four 专栏 sub-columns, the 第二十条 columns its level and
    kind require, fresh content in every column with a cadence, and every annual report on time."""
    site = Site(db, **kw)
    site.column("guide", "政府信息公开指南", "/xxgk/zn/", [D("2024-01-03"), D("2025-02-15")])
    site.column("system", "政府信息公开制度", "/xxgk/zd/", [D("2024-01-03")])
    site.column("statutory", "法定主动公开内容", "/xxgk/fdzdgknr/")
    site.column("org", "机构职能", "/xxgk/fdzdgknr/jgzn/", [D("2024-01-04")], parent="/xxgk/fdzdgknr/")
    site.column("leaders", "领导信息", "/xxgk/fdzdgknr/ldxx/", [D("2024-01-03")], parent="/xxgk/fdzdgknr/")
    site.column("policy", "政策文件", "/xxgk/fdzdgknr/zcwj/", every(days_before(day, 10), 40, 20),
                parent="/xxgk/fdzdgknr/")
    site.column("notice", "通知公告", "/xxgk/fdzdgknr/tzgg/", every(days_before(day, 5), 30, 20),
                parent="/xxgk/fdzdgknr/")
    site.column("news", "工作动态", "/xxgk/fdzdgknr/gzdt/", every(days_before(day, 3), 7, 60),
                parent="/xxgk/fdzdgknr/")
    site.column("budget", "部门预决算", "/xxgk/fdzdgknr/bmyjs/",
                [dt.date(y, m, 15) for y in (2024, 2025, 2026) for m in (2, 8) if dt.date(y, m, 15) <= day],
                parent="/xxgk/fdzdgknr/")
    if site.kind == "政府" and site.level != "乡镇":
        site.column("planning", "发展规划", "/xxgk/fdzdgknr/fzgh/", every(days_before(day, 30), 200, 4),
                    parent="/xxgk/fdzdgknr/")
    years = range(2014, day.year)
    site.column("annual_report", "政府信息公开年报", "/xxgk/nb/", [dt.date(y + 1, 1, 20) for y in years],
                titles=[f"{site.name}{y}年政府信息公开工作年度报告" for y in years])
    return site


def found(doc: dict, status: str = "open") -> set[tuple[str, str, str]]:
    """(check, subject, severity) of the document's findings with ``status``."""
    return {(f["check"], f["subject"], f["severity"]) for f in doc["findings"] if f["status"] == status}


def check(db, day: dt.date = AS_OF, **kw) -> dict:
    return run_checks(db, day, **kw)


def finding(db, check_name: str, subject: str) -> dict:
    rows = list(db.query("SELECT * FROM findings WHERE check_name = ? AND subject = ?", [check_name, subject]))
    return rows[0] if rows else None


def new_db(path) -> object:
    return storage.connect(path)
