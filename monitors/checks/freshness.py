"""Freshness: the homepage (首页不更新) and columns (栏目不更新) by the rulebook's cadence per type.

A column's last update is its newest dated item published on or before as_of that has not been
removed; a column whose items carry no date at all is not updated (2015 普查: 「未注明信息发布时间的
视为不更新」). Site-level vetoes: when an agency has at least ``min_count`` stale columns of a
``site_veto`` group, every stale column of that group becomes a veto finding.
"""

from __future__ import annotations

from collections import defaultdict

from .base import Context, Finding, Outcome, days_between, rule_fields, short_cite


def homepage_stale(ctx: Context) -> Outcome:
    """No new dated item on the homepage for more than ``threshold_days`` (when the homepage shows
    no dates, it is only a navigation entry: then every second-level page counts); the same for the
    portal page when it is a page of its own and shows dates."""
    out = Outcome("homepage_stale")
    rows = ctx.q("""
        SELECT a.id, a.cfg, a.homepage, a.portal, hp.latest_item_date AS home_last,
               pp.latest_item_date AS portal_last, COALESCE(pc.ok, 0) AS portal_ok,
               (SELECT MAX(c.last_pub) FROM _col c WHERE c.agency_id = a.id AND c.current) AS site_last
        FROM _ag a
        LEFT JOIN pages hp ON hp.url = a.homepage
        LEFT JOIN pages pp ON pp.url = a.portal AND a.portal != a.homepage
        LEFT JOIN _cur pc ON pc.agency_id = a.id AND pc.url = a.portal
        WHERE a.fresh AND a.home_ok""")
    for row in rows:
        if row["home_last"] is None and row["id"] not in ctx.recognised:
            continue   # a homepage without dates is judged by the site's columns: none was found
        out.evaluated.add(row["id"])
        spec = ctx.rules(row["cfg"])["checks"]["homepage_stale"]
        if not spec["enabled"]:
            continue
        limit = spec["threshold_days"]
        pages = [("home", row["homepage"], row["home_last"] or row["site_last"], row["home_last"] is None)]
        if row["portal_last"] and row["portal_ok"]:
            pages.append(("portal", row["portal"], row["portal_last"], False))
        for which, url, last, nav_only in pages:
            last = min(last, ctx.day) if last else None
            days = days_between(ctx.day, last) if last else None
            if days is not None and days <= limit:
                continue
            page = "首页" if which == "home" else "政务公开专栏首页"
            where = "（首页仅为导航入口，所有二级页面均）" if nav_only else ""
            if last:
                message = (f"{page}{where}已 {days} 天未更新（最近一条 {last}），超过 {limit} 天即"
                           f"{'单项否决' if which == 'home' else '视为不更新'}（{short_cite(spec)}）")
            else:
                message = f"{page}{where}没有注明日期的信息，视为未更新（{short_cite(spec)}）"
            out.findings.append(Finding(
                row["id"], "homepage_stale", url, spec["severity"] if which == "home" else spec["portal_severity"],
                message, rule_fields(ctx, spec, urls=[url], page=which, navigation_only=nav_only,
                                     last_item_date=last, days_since_update=days, threshold_days=limit,
                                     days_overdue=days - limit if days is not None else None),
                spec["rule"], spec["citation"]))
    return out


def column_stale(ctx: Context) -> Outcome:
    out = Outcome("column_stale", evaluated=set(ctx.fresh), unsettled=ctx.unread_columns())
    params = []
    for cfg in ctx.cfgs():
        spec = ctx.rules(cfg)["checks"]["column_stale"]
        if spec["enabled"]:
            params += [(cfg, type_, rule["threshold_days"], int(spec["undated_is_stale"]))
                       for type_, rule in spec["types"].items()]
    ctx.table("_p_stale", "cfg INT, type TEXT, days INT, undated INT, PRIMARY KEY (cfg, type)", params)
    rows = ctx.q("""
        SELECT c.agency_id, a.cfg, c.id, c.type, c.name, c.url, c.last_pub, p.days AS threshold,
               CAST(julianday(:day) - julianday(c.last_pub) AS INTEGER) AS days,
               last.title AS last_title, last.url AS last_url
        FROM _col c JOIN _ag a ON a.id = c.agency_id JOIN _p_stale p ON p.cfg = a.cfg AND p.type = c.type
        -- the item the column's last update is (what a reader checks first)
        LEFT JOIN items last ON last.id = (SELECT i.id FROM listings l JOIN items i ON i.id = l.item_id
                                           WHERE l.column_id = c.id AND i.published = c.last_pub
                                             AND i.removed_at IS NULL ORDER BY i.id DESC LIMIT 1)
        WHERE c.current AND c.ok AND NOT c.is_site_page
          AND ((c.last_pub IS NOT NULL AND julianday(:day) - julianday(c.last_pub) > p.days)
               OR (c.last_pub IS NULL AND c.has_undated AND p.undated))
        ORDER BY c.agency_id, c.url""", {"day": ctx.day})
    stale_by_agency: dict[str, list] = defaultdict(list)
    for row in rows:
        stale_by_agency[row["agency_id"]].append(row)
    for agency_id, stale in stale_by_agency.items():
        spec = ctx.agency_rules(agency_id)["checks"]["column_stale"]
        vetoes = _site_vetoes(spec, [r["type"] for r in stale])
        for row in stale:
            rule = spec["types"][row["type"]]
            severity = rule.get("severity", spec["severity"])
            hit = [v for v in vetoes if row["type"] in v[1]["types"]]
            if hit:
                severity = "veto"
            if row["last_pub"]:
                message = (f"栏目「{row['name']}」已 {row['days']} 天未更新（最近一条 {row['last_pub']}），"
                           f"超过 {row['threshold']} 天的要求（{short_cite(rule)}）")
            else:
                message = (f"栏目「{row['name']}」的信息均未注明发布日期，视为未更新"
                           f"（{short_cite({'citation': spec.get('undated_citation') or rule['citation']})}）")
            if hit:
                key, veto, count = hit[0]
                message += f"；本站共 {count} 个此类栏目未更新，达到 {veto['min_count']} 个即单项否决（{short_cite(veto)}）"
            out.findings.append(Finding(
                agency_id, "column_stale", row["url"], severity, message,
                rule_fields(ctx, rule, urls=[row["url"]], column=row["name"], column_type=row["type"],
                            last_item_date=row["last_pub"], last_item_title=row["last_title"],
                            last_item_url=row["last_url"], days_since_update=row["days"],
                            threshold_days=row["threshold"],
                            days_overdue=row["days"] - row["threshold"] if row["days"] is not None else None,
                            soft=bool(rule.get("soft")),
                            site_veto=[{"group": k, "count": c, "min_count": v["min_count"], "citation": v["citation"]}
                                       for k, v, c in hit]),
                spec["rule"], rule["citation"]))
    return out


def _site_vetoes(spec: dict, types: list[str]) -> list[tuple[str, dict, int]]:
    """(group, rule, count) of each site_veto group whose stale-column count reaches its minimum."""
    hits = []
    for key, veto in spec["site_veto"].items():
        wanted = veto.get("types")
        count = sum(1 for t in types if wanted is None or t in wanted)
        if count >= veto["min_count"]:
            hits.append((key, {**veto, "types": wanted or types}, count))
    return hits
