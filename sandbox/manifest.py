"""Ground truth: what a perfect crawler sees on ``as_of``, and the defects that hold that day.

Defects are computed from the model with the rulebook's rules, not listed by hand, so a planted
defect shows exactly on the days it holds and the clean agency shows none:
- stale: (as_of − newest visible item) > threshold days (news 14, notice/policy 183, personnel/planning 365);
- homepage_stale: the same on the homepage's dated blocks, threshold 14;
- column_empty: a leaf column open on as_of that never had an item;
- annual_report_missing / _late: years from 2014 whose deadline has passed (条例 第四十九条; years ≤ 2018
  and every 政府 (乡镇 too, a local rule) by 03-31, 部门 from 2019 by 01-31);
- report_balance: 一 + 二 ≠ （七）总计 + 四 in some applicant column;
- interpretation_missing: a policy document with a 文号 published more than 30 days ago whose 解读 (naming
  its 《》 title or 文号) is not online;
- privacy_leak: an item whose page or attachment lists residents' ID and mobile numbers;
- message_unanswered: a message asked within 365 days that the board shows unanswered more than 92 days
  after it was asked, or answered later than that (one the board says nothing about is no evidence);
- item_backdated: from the day an item dated more than 3 days earlier first appears in its column;
- column_changed: on the day a portal renames, moves, drops or adds a column (an event, not a state:
  gkwatch reports it for the crawl that first sees it, so a test expects the changes of the days after
  its previous crawl, up to its latest).
Every defect carries the severity monitors/rulebook.yaml gives it by default (no site-level veto is reached).
Robots-disallowed columns are left out of ``columns`` and of the checks: a polite crawler never sees them.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from . import reports as rep
from .agencies import LAUNCH
from .model import FIRST_REPORT_YEAR, STALE_DAYS, Column, Item, Report, Site, build_sites
from .pages import STANDARD, View, homepage_blocks, message_state, robots_paths
from .server import is_down

HOMEPAGE_STALE_DAYS = 14
INTERPRETATION_DAYS = 30     # interpretation_missing's period_days
BACKDATED_GRACE_DAYS = 3     # item_backdated's grace_days
MESSAGE_DAYS, MESSAGE_PERIOD = 92, 365   # message_unanswered's threshold_days and period_days
SEVERITY = {"site_unreachable": "veto", "homepage_stale": "veto", "item_removed": "info", "item_backdated": "veto",
            "interpretation_missing": "info", "column_changed": "info", "message_unanswered": "veto"}  # else deduct
STANDARD_NAMES = {"guide": "政府信息公开指南", "system": "政府信息公开制度", "statutory": "法定主动公开内容",
                  "annual_report": "政府信息公开年报"}


def build_manifest(as_of: dt.date, port: int, host_base: str = "127.0.0.10", faults: bool = False) -> dict:
    """The truth on ``as_of``; ``faults``: with the fault agencies, their true defects, and ``faults``
    (each fault with the verdicts a crawler should record: ``sandbox.faults``)."""
    sites = build_sites(port, host_base)
    manifest = {"as_of": as_of.isoformat(), "port": port,
                "agencies": [_agency(site, as_of) for site in sites],
                "defects": [d for site in sites for d in defects(site, as_of)]}
    if faults:
        from .faults import fault_manifest
        extra = fault_manifest(as_of, port, host_base)
        manifest["agencies"] += extra["agencies"]
        manifest["defects"] += extra["defects"]
        manifest["faults"] = extra["faults"]
    return manifest


def registry_entries(port: int, host_base: str = "127.0.0.10", faults: bool = False) -> list[dict]:
    """Registry mappings for the sandbox agencies (the fields of agencies/*.yaml); ``faults``: the
    fault agencies too."""
    if faults:
        from .faults import fault_registry_entries
        return registry_entries(port, host_base) + fault_registry_entries(port, host_base)
    entries = []
    for site in build_sites(port, host_base):
        spec = site.spec
        entry = {"id": spec.id, "name": spec.name, "level": spec.level, "kind": spec.kind,
                 "region_code": spec.region_code, "homepage": site.url("/"), "portal": site.url(site.portal_path)}
        if spec.parent:
            entry["parent"] = spec.parent
        entry["notes"] = f"沙盒机构（虚构），仿：{spec.model}"
        entries.append(entry)
    return entries


def _agency(site: Site, as_of: dt.date) -> dict:
    spec = site.spec
    return {"id": spec.id, "name": spec.name, "level": spec.level, "kind": spec.kind,
            "region_code": spec.region_code, "homepage": site.url("/"), "portal": site.url(site.portal_path),
            "cms": spec.cms, "encoding": spec.encoding, "clean": spec.clean, "parent": spec.parent,
            "columns": [_column(site, c, as_of) for c in seen_columns(site, as_of)],
            "reports": [_report(site, r) for r in site.reports if r.item.visible(as_of)],
            "broken_links": [{"url": url, "on_page": page} for url, page in broken_links(site, as_of)],
            "robots_disallow": robots_paths(site),
            "slow_pages": [site.url(c.path) for c in seen_columns(site, as_of) if c.spec.slow],
            "down": is_down(site, as_of)}


def seen_columns(site: Site, as_of: dt.date) -> list[Column]:
    return [c for c in site.all_columns() if c.open(as_of) and not c.spec.robots]


def _column(site: Site, col: Column, as_of: dt.date) -> dict:
    return {"name": col.name, "type": col.ctype, "url": site.url(col.path),
            "parent_url": site.url(col.parent.path) if col.parent else None, "js": site.family.list_js(col),
            "items": [_item(site, i, as_of) for i in col.listing(as_of)]}


def _item(site: Site, item: Item, as_of: dt.date) -> dict:
    detail = {"title": item.title, "published": site.family.published_value(item), "source": item.source,
              "publisher": item.publisher, "index_no": item.index_no,
              "doc_no": None if item.doc_no in (None, "无") else item.doc_no,
              "attachments": [{"title": a.title, "url": site.url(a.path)} for a in item.attachments]}
    entry = {"title": item.title, "url": site.url(item.path), "date": item.day.isoformat(), "detail": detail}
    if item.column.ctype == "interaction":   # what the board shows of the message on as_of
        shows, replied = message_state(View(site, as_of), item)
        entry["board"] = {"asked": item.day.isoformat(), "replied": replied or None, "shows": shows}
    return entry


def _report(site: Site, report: Report) -> dict:
    item = report.item
    url = site.url(item.attachments[0].path) if report.media == "pdf" else site.url(item.path)
    return {"year": report.year, "title": item.title, "url": url, "published": item.day.isoformat(),
            "format": report.data.fmt, "media": report.media, "figures": dict(report.data.figures),
            "cells": report.data.cells(), "balance_error": report.data.balance_error}


def broken_links(site: Site, as_of: dt.date) -> list[tuple[str, str]]:
    found = []
    if site.spec.broken_nav:
        found.append((site.url(site.spec.broken_nav), site.url("/")))
    for col in seen_columns(site, as_of):
        for item in col.listing(as_of):
            found += [(site.url(a.path), site.url(item.path)) for a in item.attachments if not a.served]
    return found


# defects ----------------------------------------------------------------------------------------

def defects(site: Site, as_of: dt.date) -> list[dict]:
    found: list[dict] = []

    def add(check: str, subject: str, **detail) -> None:
        severity = SEVERITY.get(check, "deduct")
        if check == "column_stale" and detail["type"] in ("personnel", "planning"):
            severity = "info"
        found.append({"agency": site.spec.id, "check": check, "subject": subject, "severity": severity,
                      "detail": detail})

    home = site.url("/")
    if is_down(site, as_of):
        add("site_unreachable", home, down_from=site.spec.down[0].isoformat(), down_to=site.spec.down[1].isoformat())
    shown = [i.day for _, _, items in homepage_blocks(site, as_of) for i in items]
    last = max(shown, default=None)
    if last is None or (as_of - last).days > HOMEPAGE_STALE_DAYS:
        add("homepage_stale", home, last=last and last.isoformat(), days=last and (as_of - last).days,
            threshold=HOMEPAGE_STALE_DAYS)
    for col in seen_columns(site, as_of):
        _column_defects(site, col, as_of, add)
    present = {c.ctype for c in site.columns if c.open(as_of)}
    for ctype in STANDARD:
        if ctype not in present:
            add("mandatory_column_missing", ctype, name=STANDARD_NAMES[ctype])
    _report_defects(site, as_of, add)
    for url, page in broken_links(site, as_of):
        add("broken_link", url, on_page=page)
    for col in seen_columns(site, as_of):
        if col.spec.slow:
            add("slow_page", site.url(col.path), column=col.name)
    _history_defects(site, as_of, add)
    return found


def _column_defects(site: Site, col: Column, as_of: dt.date, add) -> None:
    url = site.url(col.path)
    if not col.children and col.ctype != "statutory" and not any(i.day <= as_of for i in col.documents):
        add("column_empty", url, name=col.name, type=col.ctype)
    visible = col.listing(as_of)
    if col.ctype in STALE_DAYS and visible:
        last = max(i.day for i in visible)
        days, limit = (as_of - last).days, STALE_DAYS[col.ctype]
        if days > limit:
            add("column_stale", url, name=col.name, type=col.ctype, last=last.isoformat(), days=days, threshold=limit)
    for item in col.items:   # a later version lists the same items: they count once
        if item.removed_on and item.removed_on <= as_of:
            add("item_removed", site.url(item.path), title=item.title, column=url,
                removed_on=item.removed_on.isoformat())
    if col.ctype == "interaction":
        for message in col.listing(as_of):
            _message_defect(site, message, as_of, add)


def _message_defect(site: Site, message: Item, as_of: dt.date, add) -> None:
    waited = ((message.replied if message.answered(as_of) else as_of) - message.day).days
    said = message.answered(as_of) or message.board_state is None   # 已转交 without a date says nothing
    if said and waited > MESSAGE_DAYS and (as_of - message.day).days <= MESSAGE_PERIOD:
        add("message_unanswered", site.url(message.path), title=message.title, asked=message.day.isoformat(),
            replied=message.replied.isoformat() if message.answered(as_of) else None, days=waited)


def _history_defects(site: Site, as_of: dt.date, add) -> None:
    """What the plants of issue #17 make true on as_of: documents without their 解读, pages and
    attachments that list residents, back-dated items, and changes to the portal's columns."""
    for item in site.all_items():
        if not item.visible(as_of):
            continue
        if (item.column.ctype == "policy" and item.doc_no not in (None, "无")
                and (as_of - item.day).days > INTERPRETATION_DAYS
                and not (item.interpretation and item.interpretation.visible(as_of))):
            add("interpretation_missing", site.url(item.path), title=item.title, doc_no=item.doc_no,
                published=item.day.isoformat())
        disclosed = [("页面正文", item.people)] if item.people else []
        disclosed += [(a.title, a.people) for a in item.attachments if a.people]
        if disclosed:
            add("privacy_leak", site.url(item.path), title=item.title,
                id_cards=sum(len(people) for _, people in disclosed), mobiles=sum(len(people) for _, people in disclosed),
                where=[where for where, _ in disclosed],
                masked=[mask_id(p.resident_id) for _, people in disclosed for p in people]
                + [mask_mobile(p.mobile) for _, people in disclosed for p in people])
        if item.appears and (item.appears - item.day).days > BACKDATED_GRACE_DAYS:
            add("item_backdated", site.url(item.path), title=item.title, declared=item.day.isoformat(),
                appeared=item.appears.isoformat())
    for col in site.all_columns():
        _column_change(site, col, as_of, add)


def _column_change(site: Site, col: Column, as_of: dt.date, add) -> None:
    """A column renamed (subject: its page), moved or dropped (its old page), or added (its page) on as_of."""
    new = col.successor
    if new and new.created == as_of:
        change = "renamed" if new.path == col.path else "moved"
        add("column_changed", site.url(col.path), change=change, name=col.name, new_name=new.name,
            new_url=site.url(new.path))
    elif col.closed == as_of and new is None:
        add("column_changed", site.url(col.path), change="gone", name=col.name)
    elif col.holder is None and col.created == as_of > LAUNCH:
        add("column_changed", site.url(col.path), change="added", name=col.name)


def mask_id(number: str) -> str:
    """How gkwatch shows a resident ID number: the region's first four and the last four characters."""
    return number[:4] + "*" * 10 + number[14:]


def mask_mobile(number: str) -> str:
    return number[:3] + "****" + number[7:]


def _report_defects(site: Site, as_of: dt.date, add) -> None:
    spec = site.spec
    by_year = {r.year: r for r in site.reports if r.item.visible(as_of)}
    for year in range(FIRST_REPORT_YEAR, as_of.year):
        due = rep.deadline(year, spec.kind, spec.level)
        if as_of <= due:
            continue
        report = by_year.get(year)
        if report is None:
            add("annual_report_missing", str(year), deadline=due.isoformat())
        elif report.published > due:
            add("annual_report_late", str(year), deadline=due.isoformat(), published=report.published.isoformat())
    for year, report in sorted(by_year.items()):
        columns = unbalanced_columns(report.data)
        if columns:
            add("report_balance", str(year), url=site.url(report.item.path), columns=columns)


def unbalanced_columns(data: rep.ReportData) -> list[str]:
    if data.fmt == "free":
        return []
    r = data.requests
    return [col for k, col in enumerate(rep.REQUEST_COLS)
            if r[rep.NEW][k] + r[rep.CARRIED][k] != r[rep.TOTAL][k] + r[rep.CARRY_OUT][k]]


def write_manifest(path: str | Path, as_of: dt.date, port: int, host_base: str = "127.0.0.10",
                   faults: bool = False) -> None:
    """Write the ground truth for ``as_of`` as UTF-8 JSON."""
    manifest = build_manifest(as_of, port, host_base, faults=faults)
    Path(path).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
