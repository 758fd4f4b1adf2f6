"""The sandbox's content: every site, column, item and report, built once from the agency specs.

The calendar is fixed (2024-01-01 .. 2030-12-31) and drawn from ``random.Random`` seeded with
strings, so two builds are identical in any process. ``as_of`` never changes the model: it only
filters what a page shows (``Item.visible``, ``Column.open``).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import random
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from . import reports as rep
from . import texts
from .agencies import AGENCIES, CALENDAR_END, LAUNCH, AgencySpec, ColumnSpec
from .fault_sites import FAULT_AGENCIES

CADENCE = {  # days between two items (min, max); every gap stays under the rulebook thresholds
    "news": (7, 13), "notice": (18, 45), "policy": (25, 60), "interpretation": (30, 75),
    "personnel": (60, 200), "planning": (120, 300), "licensing": (20, 60), "penalty": (15, 50),
    "procurement": (20, 50), "other": (25, 60), "interaction": (4, 12),
}
REPLY_DAYS = (1, 45)   # a board answers a message within these many days (19号: within 3 months)
STALE_DAYS = {"news": 14, "notice": 183, "policy": 183, "personnel": 365, "planning": 365}
META_TYPES = {"guide", "system", "org", "leaders", "policy", "notice", "interpretation", "budget", "personnel",
              "planning", "statistics", "licensing", "penalty", "procurement", "annual_report"}
FIRST_REPORT_YEAR = 2014


@dataclass(eq=False)
class Attachment:
    title: str
    ext: str
    path: str = ""
    served: bool = True
    people: tuple["Person", ...] = ()   # residents a PDF lists with their ID and mobile numbers


@dataclass(frozen=True)
class Person:
    """A synthetic resident (``texts.residents``): no real person has the ID number."""
    name: str
    resident_id: str
    mobile: str
    bank_card: str


@dataclass(eq=False)
class Item:
    column: "Column"
    title: str
    published: dt.datetime
    written: dt.date             # 成文日期 / 生成日期: not the publish date
    url_date: dt.date            # the date in the URL: sometimes not the displayed date
    maketime: dt.datetime        # page build time (Maketime meta): a trap, not the publish time
    source: str | None
    publisher: str | None
    doc_no: str | None           # as printed; 「无」 means none
    attachments: list[Attachment] = field(default_factory=list)
    seq: int = 0                 # docid / artid
    path: str = ""
    index_no: str | None = None
    removed_on: dt.date | None = None
    report: "Report | None" = None
    appears: dt.date | None = None      # listed only from this day, later than its date (伪造发稿日期)
    interpretation: "Item | None" = None  # a policy document's 解读
    interprets: "Item | None" = None      # the policy document a 解读 names
    people: tuple[Person, ...] = ()     # residents the page lists with their ID and mobile numbers
    lookalikes: bool = False            # the page shows order, account and date numbers
    replied: dt.date | None = None      # a message's reply (None: never answered)
    board_state: str | None = None      # what a board says of a message it gives no reply date (已转交)

    @property
    def day(self) -> dt.date:
        return self.published.date()

    def visible(self, as_of: dt.date) -> bool:
        """Online on ``as_of``: a column dropped from the portal leaves its documents online."""
        return (self.day <= as_of and (self.appears is None or self.appears <= as_of)
                and self.column.created <= as_of and (self.removed_on is None or as_of < self.removed_on))

    def answered(self, as_of: dt.date) -> bool:
        return self.replied is not None and self.replied <= as_of


@dataclass(eq=False)
class Column:
    spec: ColumnSpec
    site: "Site"
    parent: "Column | None"
    cid: int
    created: dt.date
    children: list["Column"] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)   # newest first
    path: str = ""
    pinned: Item | None = None
    closed: dt.date | None = None
    holder: "Column | None" = None     # a renamed or moved column's earlier version, which holds its items
    successor: "Column | None" = None  # the version that replaces it when it is renamed or moved

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def ctype(self) -> str:
        return self.spec.ctype

    @property
    def documents(self) -> list[Item]:
        """Every item the column lists on some day, newest first (a later version lists its holder's)."""
        return (self.holder or self).items

    def open(self, as_of: dt.date) -> bool:
        return self.created <= as_of and (self.closed is None or as_of < self.closed)

    def on(self, as_of: dt.date) -> "Column | None":
        """The version of this column the portal shows on ``as_of`` (None: dropped)."""
        version = self
        while version.successor is not None and version.successor.created <= as_of:
            version = version.successor
        return version if version.open(as_of) else None

    def listing(self, as_of: dt.date) -> list[Item]:
        """What the column's list shows on ``as_of``: newest first, a pinned item on top."""
        shown = [i for i in self.documents if i.visible(as_of)]
        if self.pinned in shown:
            shown.remove(self.pinned)
            shown.insert(0, self.pinned)
        return shown

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(eq=False)
class Report:
    year: int
    data: rep.ReportData
    item: Item
    media: str                   # html | pdf

    @property
    def published(self) -> dt.date:
        return self.item.day


@dataclass(eq=False)
class Site:
    spec: AgencySpec
    index: int
    host: str
    port: int
    columns: list[Column] = field(default_factory=list)   # top level, portal order
    reports: list[Report] = field(default_factory=list)
    by_path: dict[str, Item] = field(default_factory=dict)
    attachments: dict[str, tuple[Item, Attachment]] = field(default_factory=dict)
    portal_path: str = "/"
    family: object = None
    titles: set[str] = field(default_factory=set)   # keeps titles unique within the site
    column_count: int = 0
    peers: dict[str, "Site"] = field(default_factory=dict)   # every sandbox site by id, for cross-links

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def all_columns(self) -> list[Column]:
        return [c for top in self.columns for c in top.walk()]

    def all_items(self) -> list[Item]:
        return [i for c in self.all_columns() for i in c.items]

    def ctx(self) -> dict:
        s = self.spec
        abbr = s.city[0] + {"commerce": "商", "finance": "财", "government": "政", "town": "镇"}[s.domain]
        return {"name": s.name, "org": s.org, "city": s.city, "domain": s.domain, "abbr": abbr,
                "topics": texts.TOPICS[s.domain], "leaders": s.leaders}


# Addresses: site index i listens on host_base + 1 + i. The first ten agencies are .11–.20; the fault
# sites (faults.py) and their provincial platform hold .21–.41; the agencies after the ten follow them.
FAULT_SITES_FROM = 10
FAULT_ADDRESSES = len(FAULT_AGENCIES) + 1


def host_for(host_base: str, index: int) -> str:
    return str(ipaddress.IPv4Address(host_base) + 1 + index)


def address_index(position: int) -> int:
    """The site index of ``AGENCIES[position]``: .11–.20 for the first ten, .42 onwards after them."""
    return position if position < FAULT_SITES_FROM else position + FAULT_ADDRESSES


@lru_cache(maxsize=8)
def build_sites(port: int, host_base: str = "127.0.0.10") -> tuple[Site, ...]:
    """Every sandbox site; cached because the build is pure."""
    sites = tuple(build_site(spec, address_index(i), port, host_base) for i, spec in enumerate(AGENCIES))
    for site in sites:
        site.peers = {s.spec.id: s for s in sites}
    return sites


def build_site(spec: AgencySpec, index: int, port: int, host_base: str, host: str | None = None) -> Site:
    """One site; ``host`` when its address is not ``host_base`` + 1 + ``index`` (the national sandbox)."""
    from .families import family_for  # families import this module: resolve at call time
    site = Site(spec=spec, index=index, host=host or host_for(host_base, index), port=port)
    site.family = family_for(site)
    for cspec in spec.columns:
        site.columns.append(_column(site, cspec, None))
    _versions(site)
    _distinct_doc_nos(site)
    _interpret(site)
    _assign_ids(site)
    site.family.assign_paths(site)
    for item in site.all_items():
        site.by_path[item.path] = item
        for att in item.attachments:
            site.attachments[att.path] = (item, att)
    return site


def _column(site: Site, cspec: ColumnSpec, parent: Column | None) -> Column:
    col = Column(spec=cspec, site=site, parent=parent, cid=site.column_count, created=cspec.created or LAUNCH,
                 closed=cspec.closed)
    site.column_count += 1
    if parent:
        parent.children.append(col)
    for child in cspec.children:
        _column(site, child, col)
    col.items = _items(site, col)
    _plant(site, col)
    return col


def _rng(site: Site, *parts) -> random.Random:
    return random.Random("/".join([site.spec.id, *map(str, parts)]))


def _items(site: Site, col: Column) -> list[Item]:
    if col.spec.empty or col.ctype == "statutory":
        return []
    if col.ctype == "annual_report":
        return _report_items(site, col)
    rng = _rng(site, col.spec.slug, "items")
    ctx = site.ctx()
    items = []
    for n, day in enumerate(_schedule(col, rng, site.spec.domain)):
        title = _title(site, col, rng, ctx, day, n)
        items.append(_item(site, col, rng, title, day))
    if col.ctype == "interaction":
        _answer(site, col, items)
    items.sort(key=lambda i: i.published, reverse=True)
    return items


def _answer(site: Site, col: Column, messages: list[Item]) -> None:
    """A board answers most messages within ``REPLY_DAYS``; one in ten it marks 已转交 (passed on) and
    never dates a reply: the board says nothing of whether it was answered."""
    rng = _rng(site, col.spec.slug, "replies")
    for message in messages:
        if rng.random() < 0.1:
            message.board_state = "已转交"
        else:
            message.replied = message.day + dt.timedelta(days=rng.randint(*REPLY_DAYS))


def _schedule(col: Column, rng: random.Random, domain: str) -> list[dt.date]:
    start, end = col.created, min(col.spec.until or CALENDAR_END, CALENDAR_END)
    ctype = col.ctype
    if ctype in texts.STATIC_TITLES:
        count = len(texts.STATIC_TITLES[ctype])
        days = [start + dt.timedelta(days=rng.randint(0, 3)) for _ in range(count)]
        if ctype == "guide":
            days[-1] = dt.date(2025, 2, rng.randint(10, 25))
        return sorted(days)
    if ctype == "budget":
        # the old site's latest 决算 is migrated at launch, then 预算 each February and 决算 each August
        days = [start + dt.timedelta(days=rng.randint(0, 3))]
        days += [dt.date(y, m, rng.randint(5, 25)) for y in range(start.year, end.year + 1) for m in (2, 8)]
        return [d for d in days if start <= d <= end]
    if ctype == "statistics":
        days = [dt.date(y, m, rng.randint(10, 20)) for y in range(start.year, end.year + 1) for m in range(1, 13)]
        return [d for d in days if start <= d <= end]
    low, high = col.spec.cadence or CADENCE[ctype]
    if domain == "town" and ctype == "news":
        low = 8
    days, day = [], start + dt.timedelta(days=rng.randint(0, 2))
    while day <= end:
        days.append(day)
        day += dt.timedelta(days=rng.randint(low, high))
    return days


def _title(site: Site, col: Column, rng: random.Random, ctx: dict, day: dt.date, n: int) -> str:
    seen = site.titles
    if col.ctype in texts.STATIC_TITLES:
        title = texts.STATIC_TITLES[col.ctype][n].format(name=site.spec.name)
    else:
        title = texts.title_for(col.ctype, rng, ctx, day, n)
        for _ in range(8):
            if title not in seen:
                break
            title = texts.title_for(col.ctype, rng, ctx, day, n)
        base, k = title, 2
        while title in seen:
            title, k = f"{base}（{k}）", k + 1
    seen.add(title)
    return title


def _item(site: Site, col: Column, rng: random.Random, title: str, day: dt.date) -> Item:
    spec = site.spec
    published = dt.datetime.combine(day, dt.time(rng.randint(8, 18), rng.choice((0, 5, 10, 15, 20, 30, 40, 45))))
    written = day - dt.timedelta(days=rng.randint(0, 12))
    url_date = day
    if spec.cms in ("trs", "hanweb", "haiyun") and rng.random() < 0.15:
        url_date = day + dt.timedelta(days=rng.choice((-3, -2, -1, 1, 2, 4, 7)))
    if col.ctype == "news":
        source = rng.choice((spec.name, "办公室", spec.name))
    else:
        source = spec.name
    doc_no = None
    if col.ctype in META_TYPES:
        doc_no = "无"
        if col.ctype == "policy" or (col.ctype == "notice" and rng.random() < 0.5):
            doc_no = f"{site.ctx()['abbr']}〔{written.year}〕{rng.randint(1, 80)}号"
    item = Item(column=col, title=title, published=published, written=written, url_date=url_date,
                maketime=published + dt.timedelta(minutes=rng.randint(3, 300)), source=source,
                publisher=spec.name if col.ctype in META_TYPES else None, doc_no=doc_no)
    item.attachments = _attachments(rng, col.ctype, title)
    return item


def _attachments(rng: random.Random, ctype: str, title: str) -> list[Attachment]:
    chance = {"notice": 0.35, "policy": 0.4, "procurement": 0.5, "budget": 1.0}.get(ctype, 0)
    if rng.random() >= chance:
        return []
    if ctype == "budget":
        return [Attachment(f"{title}.pdf", "pdf")]
    names = ("申报表", "项目汇总表", "评审细则", "联系人回执", "政策文本")
    count = rng.randint(1, 2)
    return [Attachment(f"附件{k + 1}：{rng.choice(names)}.{ext}", ext)
            for k, ext in enumerate(rng.choice(("doc", "pdf")) for _ in range(count))]


def _plant(site: Site, col: Column) -> None:
    spec = col.spec
    if spec.removed:
        nth, removed_on = spec.removed
        before = [i for i in col.items if i.day < removed_on - dt.timedelta(days=20)]
        before[nth].removed_on = removed_on
    if spec.pinned:
        col.pinned = next(i for i in col.items if i.day < dt.date(2025, 7, 1))
    if spec.broken_attachment:
        target = next(i for i in col.items if i.day < dt.date(2025, 6, 1))
        target.attachments.append(Attachment("附件：报名回执.doc", "doc", served=False))
    rng = _rng(site, spec.slug, "plants")
    if spec.backdated:
        declared, posted = spec.backdated
        late = _item(site, col, rng, _title(site, col, rng, site.ctx(), declared, len(col.items)), declared)
        late.appears = posted
        _add(col, late)
    if spec.uninterpreted:
        # a title no other 解读 can name by chance (no random title is a 细则)
        target = _first_on_or_after(col, spec.uninterpreted)
        topic = rng.choice(site.ctx()["topics"])
        target.title = f"{site.spec.name}关于印发《{site.spec.city}{topic}专项资金管理细则》的通知"
        site.titles.add(target.title)
    if spec.discloses:
        day, where = spec.discloses
        target, people = _first_on_or_after(col, day), tuple(Person(*p) for p in texts.residents(rng, 3))
        topic = rng.choice(site.ctx()["topics"])
        if where == "page":   # a 公示 listing residents in a table, beside order and account numbers
            target.title = f"关于{target.day.year}年度{topic}补贴拟发放人员名单的公示"
            target.people, target.lookalikes = people, True
        else:
            target.title = f"关于{target.day.year}年度{topic}补贴资金发放情况的公示"
            target.attachments.append(Attachment("附件：补贴资金发放明细表.pdf", "pdf", people=people))
        site.titles.add(target.title)
    if spec.lookalikes:
        _first_on_or_after(col, spec.lookalikes).lookalikes = True
    for asked, replied in spec.late_messages:
        message = _item(site, col, rng, _title(site, col, rng, site.ctx(), asked, len(col.items)), asked)
        message.replied = replied
        _add(col, message)


def _first_on_or_after(col: Column, day: dt.date) -> Item:
    """The column's earliest item published on or after ``day``."""
    return min((i for i in col.items if i.day >= day), key=lambda i: i.published)


def _add(col: Column, item: Item) -> None:
    col.items.append(item)
    col.items.sort(key=lambda i: i.published, reverse=True)


def _versions(site: Site) -> None:
    """A renamed or moved column: from its day a new version (new name, same page; or same name, new
    address) replaces it in the portal and lists its items, which keep their addresses."""
    for col in site.all_columns():
        change = col.spec.renamed or col.spec.moved
        if change is None:
            continue
        day, value = change
        renamed = col.spec.renamed is not None
        spec = replace(col.spec, renamed=None, moved=None, created=day, **{"name" if renamed else "slug": value})
        cid = col.cid   # a renamed column keeps its page; a moved one gets the next free id
        if not renamed:
            cid, site.column_count = site.column_count, site.column_count + 1
        version = Column(spec=spec, site=site, parent=col.parent, cid=cid, created=day, holder=col)
        col.closed, col.successor = day, version
        siblings = col.parent.children if col.parent else site.columns
        siblings.insert(siblings.index(col) + 1, version)


_DOC_NO = re.compile(r"(.+〔\d{4}〕)(\d+)号")


def _distinct_doc_nos(site: Site) -> None:
    """No two documents of an agency share a 文号: a repeated draw takes the next free number."""
    used: set[str] = set()
    for item in sorted(site.all_items(), key=lambda i: (i.published, i.title)):
        match = _DOC_NO.fullmatch(item.doc_no or "")
        if match is None:
            continue
        number = int(match.group(2))
        while f"{match.group(1)}{number}号" in used:
            number += 1
        item.doc_no = f"{match.group(1)}{number}号"
        used.add(item.doc_no)


def _interpret(site: Site) -> None:
    """Every policy document gets its 解读, named by its 《》 title or 文号 (国办发〔2016〕80号: 同步解读):
    in the agency's 政策解读 column, up to two days later, when that column is open; else the same day
    beside it in the policy column. A column's ``uninterpreted`` document gets none."""
    readers = [c for c in site.all_columns() if c.ctype == "interpretation"]
    for col in [c for c in site.all_columns() if c.ctype == "policy"]:
        rng = _rng(site, col.spec.slug, "interpretations")
        skipped = _first_on_or_after(col, col.spec.uninterpreted) if col.spec.uninterpreted else None
        for doc in list(col.items):
            if doc is skipped or doc.doc_no in (None, "无"):
                continue
            day = doc.day + dt.timedelta(days=rng.randint(0, 2))
            host = next((c for c in readers if c.open(day)), None)
            if host is None:
                host, day = col, doc.day
            # the last form names the 文号, which no other document has: always free
            title = rng.choice([t for t in texts.interpretation_titles(doc.title, doc.doc_no, site.spec.name)
                                if t not in site.titles])
            site.titles.add(title)
            reading = _item(site, host, rng, title, day)
            if host is col:   # published right after the document it explains
                reading.published = doc.published + dt.timedelta(minutes=30)
                reading.maketime = reading.published + dt.timedelta(minutes=10)
            reading.doc_no, reading.attachments, reading.interprets = "无", [], doc
            doc.interpretation = reading
            _add(host, reading)


def _report_items(site: Site, col: Column) -> list[Item]:
    spec = site.spec
    items, carry = [], [0] * 6
    for year in range(FIRST_REPORT_YEAR, CALENDAR_END.year):
        rng = _rng(site, "report", year)
        data = rep.make_report(year, rng, is_gov=spec.kind == "政府", carry_in=carry,
                               balance_error=year == spec.balance_error_year)
        carry = rep.carry_out(data)
        if year in spec.missing_reports:
            continue
        day = spec.late_reports.get(year) or _report_day(rng, year, spec)
        title = spec.report_title.format(name=spec.name, year=year)
        item = _item(site, col, rng, title, day)
        item.attachments = []
        if day < LAUNCH:  # migrated from the old site: rebuilt when the new site went live
            item.maketime = dt.datetime(2024, 1, 1, 9) + dt.timedelta(minutes=rng.randint(0, 3000))
        media = "pdf" if year == spec.pdf_report_year else "html"
        if media == "pdf":
            item.attachments = [Attachment(f"{title}.pdf", "pdf")]
        report = Report(year=year, data=data, item=item, media=media)
        item.report = report
        site.reports.append(report)
        items.append(item)
    items.sort(key=lambda i: i.published, reverse=True)
    return items


def _report_day(rng: random.Random, year: int, spec: AgencySpec) -> dt.date:
    due = rep.deadline(year, spec.kind, spec.level)
    earliest = dt.date(year + 1, 1, 8)
    return earliest + dt.timedelta(days=rng.randint(0, (due - earliest).days - 3))


def _assign_ids(site: Site) -> None:
    rng = _rng(site, "ids")
    seq = 10000 + site.index * 37000
    items = sorted(site.all_items(), key=lambda i: (i.published, i.title))
    code = f"11{site.spec.region_code}MB{rng.randint(1000000, 9999999)}{rng.choice('0123456789X')}"
    per_year: dict[int, int] = {}
    for item in items:
        seq += rng.randint(1, 9)
        item.seq = seq
        if item.publisher:
            year = item.written.year
            per_year[year] = per_year.get(year, 0) + 1
            item.index_no = f"{code}/{year}-{per_year[year]:05d}"
