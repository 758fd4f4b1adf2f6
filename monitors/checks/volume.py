"""Volume: months below the agency's own publishing quota (seed 001: 「每月公开信息不少于100条」),
and 工作动态 crowding out 政策法规、行政执法、财务预决算 (the imbalance seed 001 admits).

Counts are of items by their publication date, over every column of the agency. Only whole months
before as_of's month are judged, and only months the crawl covers (starting on or after the
agency's oldest dated item), so a site crawled for the first time is not blamed for history the
crawler never walked back to.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from .base import Context, Finding, Outcome, rule_fields, short_cite


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def publishing_quota(ctx: Context) -> Outcome:
    out = Outcome("publishing_quota", evaluated=set(ctx.fresh))
    quotas: dict[str, tuple[int, int]] = {}
    for agency_id in ctx.fresh:
        spec = ctx.agency_rules(agency_id)["checks"]["publishing_quota"]
        quota = spec["monthly_quota"] or ctx.agencies[agency_id]["monthly_quota"]
        if spec["enabled"] and quota:
            quotas[agency_id] = (quota, spec["months"])
    if not quotas:
        return out
    end = _month_start(ctx.as_of)
    start = _month_start(ctx.as_of, max(m for _, m in quotas.values()))
    ctx.table("_quota", "agency_id TEXT PRIMARY KEY", [(a,) for a in quotas])
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for agency_id, month, count in ctx.q("""
            SELECT c.agency_id, substr(i.published, 1, 7), COUNT(*)
            FROM _quota q JOIN columns c ON c.agency_id = q.agency_id JOIN items i ON i.column_id = c.id
            WHERE i.published >= ? AND i.published < ?
            GROUP BY c.agency_id, substr(i.published, 1, 7)""", [start.isoformat(), end.isoformat()]):
        counts[agency_id][month] = count
    oldest = dict(ctx.q("""
        SELECT c.agency_id, MIN((SELECT i.published FROM items i WHERE i.column_id = c.id AND i.published > ''
                                 ORDER BY i.published LIMIT 1))
        FROM _quota q JOIN columns c ON c.agency_id = q.agency_id GROUP BY c.agency_id"""))
    for agency_id, (quota, months) in sorted(quotas.items()):
        spec = ctx.agency_rules(agency_id)["checks"]["publishing_quota"]
        if not oldest.get(agency_id):
            continue
        for back in range(months, 0, -1):
            month = _month_start(ctx.as_of, back)
            if month.isoformat() < oldest[agency_id]:
                continue
            key = month.strftime("%Y-%m")
            count = counts[agency_id].get(key, 0)
            if count >= quota:
                continue
            message = (f"{month.year} 年 {month.month} 月仅公开 {count} 条信息，少于本机关承诺的每月 {quota} 条"
                       f"（{short_cite(spec)}）")
            out.findings.append(Finding(
                agency_id, "publishing_quota", key, spec["severity"], message,
                rule_fields(ctx, spec, urls=[ctx.agencies[agency_id]["portal"]], month=key, items=count,
                            monthly_quota=quota, shortfall=quota - count),
                spec["rule"], spec["citation"]))
    return out


def category_imbalance(ctx: Context) -> Outcome:
    out = Outcome("category_imbalance", evaluated=set(ctx.fresh))
    wanted: dict[str, dict] = {}
    for agency_id in ctx.fresh:
        spec = ctx.agency_rules(agency_id)["checks"]["category_imbalance"]
        if spec["enabled"]:
            wanted[agency_id] = spec
    if not wanted:
        return out
    types = sorted({t for s in wanted.values() for t in s["crowding_types"] + s["crowded_types"]})
    window = max(s["window_days"] for s in wanted.values())
    ctx.table("_imb", "agency_id TEXT PRIMARY KEY", [(a,) for a in wanted])
    ctx.table("_imb_types", "type TEXT PRIMARY KEY", [(t,) for t in types])
    counts: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    since = (ctx.as_of - dt.timedelta(days=window)).isoformat()
    # One window for everybody (the usual case): count by type; else by day, cut per agency below.
    # CROSS JOIN keeps the order agencies → their columns → the (column_id, published) index, which
    # covers the count; left to itself SQLite took the items_published index for the window's date
    # range and looked every item up for its column (≈ 2 M random reads at 10 M items: 7–10 s → 1.9 s).
    by = "i.published" if len({s["window_days"] for s in wanted.values()}) > 1 else f"'{ctx.day}'"
    for agency_id, type_, published, count in ctx.q(f"""
            SELECT c.agency_id, c.type, {by}, COUNT(*)
            FROM _imb q CROSS JOIN columns c ON c.agency_id = q.agency_id CROSS JOIN items i ON i.column_id = c.id
            WHERE c.type IN (SELECT type FROM _imb_types) AND i.published > ? AND i.published <= ?
            GROUP BY c.agency_id, c.type, {by}""", [since, ctx.day]):
        counts[agency_id][type_][published] = count
    for agency_id, spec in sorted(wanted.items()):
        start = (ctx.as_of - dt.timedelta(days=spec["window_days"])).isoformat()

        def total(kinds: list[str]) -> int:
            return sum(n for t in kinds for day, n in counts[agency_id][t].items() if day > start)

        crowding, crowded = total(spec["crowding_types"]), total(spec["crowded_types"])
        if crowding < spec["min_crowding_items"] or crowded >= spec["min_ratio"] * crowding:
            continue
        ratio = crowded / crowding
        message = (f"近 {spec['window_days']} 天发布工作动态类信息 {crowding} 条，政策法规、行政执法、财务预决算类合计仅 "
                   f"{crowded} 条（{ratio:.1%}，低于 {spec['min_ratio']:.0%}），信息发布不均衡（{short_cite(spec)}）")
        by_type = {t: total([t]) for t in spec["crowding_types"] + spec["crowded_types"]}
        out.findings.append(Finding(
            agency_id, "category_imbalance", agency_id, spec["severity"], message,
            rule_fields(ctx, spec, urls=[ctx.agencies[agency_id]["portal"]], window_days=spec["window_days"],
                        crowding_items=crowding, crowded_items=crowded, ratio=round(ratio, 4),
                        min_ratio=spec["min_ratio"], by_type=by_type),
            spec["rule"], spec["citation"]))
    return out
