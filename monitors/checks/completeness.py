"""Completeness: blank columns (空白栏目), the 专栏's four mandatory sub-columns, and the 条例第二十条
categories (and, where enabled, 第二十一条 areas) each backed by a column with content.

Only an agency whose portal the latest crawl read is judged, and only columns it read count: a
column that answered with an error is a broken link (see links.py), a column robots.txt keeps us
out of is never called blank, and one that was blocked or in maintenance keeps its findings as they
were, as do the categories it might have backed.
"""

from __future__ import annotations

from collections import defaultdict

from .base import Context, Finding, Outcome, rule_fields, short_cite


def column_empty(ctx: Context) -> Outcome:
    """A leaf column that answered in the latest observation and never listed a single item."""
    out = Outcome("column_empty", evaluated=set(ctx.fresh), unsettled=ctx.unread_columns())
    excluded = [(cfg, t) for cfg in ctx.cfgs() for t in ctx.rules(cfg)["checks"]["column_empty"]["exclude_types"]]
    ctx.table("_p_empty", "cfg INT, type TEXT, PRIMARY KEY (cfg, type)", excluded)
    rows = ctx.q("""
        SELECT c.agency_id, c.type, c.name, c.url FROM _col c JOIN _ag a ON a.id = c.agency_id
        WHERE c.current AND c.ok AND NOT c.has_items AND NOT c.container AND NOT c.is_site_page
          AND NOT EXISTS (SELECT 1 FROM _p_empty p WHERE p.cfg = a.cfg AND p.type = c.type)
        ORDER BY c.agency_id, c.url""")
    by_agency: dict[str, list] = defaultdict(list)
    for row in rows:
        by_agency[row["agency_id"]].append(row)
    for agency_id, blank in by_agency.items():
        spec = ctx.agency_rules(agency_id)["checks"]["column_empty"]
        if not spec["enabled"]:
            continue
        for row in blank:
            hits = []
            for key, veto in spec["site_veto"].items():
                count = sum(1 for r in blank if not veto.get("types") or r["type"] in veto["types"])
                if count >= veto["min_count"] and (not veto.get("types") or row["type"] in veto["types"]):
                    hits.append((key, veto, count))
            message = f"栏目「{row['name']}」是空白栏目：自开设以来没有任何信息（{short_cite(spec)}）"
            if hits:
                _, veto, count = hits[0]
                message += f"；本站共 {count} 个空白栏目，达到 {veto['min_count']} 个即单项否决（{short_cite(veto)}）"
            out.findings.append(Finding(
                agency_id, "column_empty", row["url"], "veto" if hits else spec["severity"], message,
                rule_fields(ctx, spec, urls=[row["url"]], column=row["name"], column_type=row["type"],
                            site_veto=[{"group": k, "count": c, "min_count": v["min_count"], "citation": v["citation"]}
                                       for k, v, c in hits]),
                spec["rule"], spec["citation"]))
    return out


def _may_back(ctx: Context, url: str, category: dict) -> bool:
    [(type_, name)] = ctx.q("SELECT type, name FROM _col WHERE url = ? LIMIT 1", [url]) or [(None, "")]
    return type_ in category["column_types"] or any(word in name for word in category["name_keywords"])


def mandatory_column_missing(ctx: Context) -> Outcome:
    """A required sub-column type (指南、制度、法定主动公开内容、年报) with no column the latest crawl reached."""
    out = Outcome("mandatory_column_missing", evaluated=set(ctx.recognised))
    required = [(cfg, type_) for cfg in ctx.cfgs()
                for type_, rule in ctx.rules(cfg)["checks"]["mandatory_column_missing"]["columns"].items()
                if rule["required"] and ctx.rules(cfg)["checks"]["mandatory_column_missing"]["enabled"]]
    ctx.table("_p_mand", "cfg INT, type TEXT, PRIMARY KEY (cfg, type)", required)
    rows = ctx.q("""
        SELECT a.id, p.type FROM _ag a JOIN _p_mand p ON p.cfg = a.cfg
        WHERE a.fresh AND NOT EXISTS (SELECT 1 FROM _col c WHERE c.agency_id = a.id AND c.type = p.type AND c.current)
        ORDER BY a.id, p.type""")
    rows = [row for row in rows if row[0] in ctx.recognised]
    for agency_id, type_ in rows:
        spec = ctx.agency_rules(agency_id)["checks"]["mandatory_column_missing"]
        rule = spec["columns"][type_]
        message = f"政府信息公开专栏缺少「{rule['name']}」栏目（{short_cite(spec)}）"
        out.findings.append(Finding(
            agency_id, "mandatory_column_missing", type_, spec["severity"], message,
            rule_fields(ctx, rule, urls=[ctx.agencies[agency_id]["portal"]], column_type=type_, name=rule["name"]),
            spec["rule"], rule["citation"]))
    return out


def _may_back(ctx: Context, url: str, category: dict) -> bool:
    [(type_, name)] = ctx.q("SELECT type, name FROM _col WHERE url = ? LIMIT 1", [url]) or [(None, "")]
    return type_ in category["column_types"] or any(word in name for word in category["name_keywords"])


def art20_category_missing(ctx: Context) -> Outcome:
    """A required 第二十条 category (or enabled 第二十一条 area) with no column that has content on
    as_of, by column type or by a keyword in the column's name."""
    out = Outcome("art20_category_missing", evaluated=set(ctx.recognised))
    unread = ctx.unread_columns()
    cats, types, words = [], [], []
    for cfg in ctx.cfgs():
        spec = ctx.rules(cfg)["checks"]["art20_category_missing"]
        if not spec["enabled"]:
            continue
        for key, category in spec["categories"].items():
            if category["required"]:
                cats.append((cfg, key))
                types += [(cfg, key, t) for t in category["column_types"]]
                words += [(cfg, key, w) for w in category["name_keywords"]]
    ctx.table("_p_cat", "cfg INT, key TEXT, PRIMARY KEY (cfg, key)", cats)
    ctx.table("_p_cat_type", "cfg INT, key TEXT, type TEXT", types, index="cfg, key, type")
    ctx.table("_p_cat_kw", "cfg INT, key TEXT, word TEXT", words, index="cfg, key")
    rows = ctx.q("""
        SELECT a.id, p.key FROM _ag a JOIN _p_cat p ON p.cfg = a.cfg
        WHERE a.fresh AND NOT EXISTS (
            SELECT 1 FROM _col c WHERE c.agency_id = a.id AND c.current AND c.ok AND c.has_content AND (
                EXISTS (SELECT 1 FROM _p_cat_type t WHERE t.cfg = a.cfg AND t.key = p.key AND t.type = c.type)
                OR EXISTS (SELECT 1 FROM _p_cat_kw w WHERE w.cfg = a.cfg AND w.key = p.key
                           AND instr(c.name, w.word) > 0)))
        ORDER BY a.id, p.key""")
    for agency_id, key in rows:
        if agency_id not in ctx.recognised:
            continue
        spec = ctx.agency_rules(agency_id)["checks"]["art20_category_missing"]
        category = spec["categories"][key]
        if any(a == agency_id and _may_back(ctx, url, category) for a, url in unread):
            out.unsettled.add((agency_id, key))   # a column that may hold it could not be read
            continue
        message = f"未找到有内容的「{category['name']}」栏目（{short_cite(category)}）"
        out.findings.append(Finding(
            agency_id, "art20_category_missing", key, spec["severity"], message,
            rule_fields(ctx, category, urls=[ctx.agencies[agency_id]["portal"]], category=key, name=category["name"],
                        column_types=category["column_types"], name_keywords=category["name_keywords"]),
            spec["rule"], category["citation"]))
    return out


def _may_back(ctx: Context, url: str, category: dict) -> bool:
    [(type_, name)] = ctx.q("SELECT type, name FROM _col WHERE url = ? LIMIT 1", [url]) or [(None, "")]
    return type_ in category["column_types"] or any(word in name for word in category["name_keywords"])
