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


def column_changed(ctx: Context) -> Outcome:
    """栏目变更 (info): how the portal's column inventory changed between the agency's last two crawl
    runs that read its portal (``columns.first_run``, ``last_run``, ``renamed_run``): columns added,
    renamed (same URL, new name), moved (same name, new URL)
    or gone (no longer linked, and the old address answers 404 / a soft 404 or redirects elsewhere).
    A column only unlinked, its page still there, is not reported. Evidence: the two captures of the
    portal page. A mandatory column that disappears is mandatory_column_missing's."""
    out = Outcome("column_changed", evaluated=set(ctx.fresh))
    pairs = ctx.q("""
        SELECT a.id AS agency_id, a.cfg, a.portal, r2.id AS run2, r2.started_at AS start2,
               r1.id AS run1, r1.started_at AS start1
        FROM _ag a JOIN crawl_runs r2 ON r2.id = a.latest_run
        JOIN crawl_runs r1 ON r1.id = (SELECT MAX(o.run_id) FROM _obs o WHERE o.agency_id = a.id
                                       AND o.run_id < a.latest_run AND o.portal_read)
        WHERE a.fresh""")
    for pair in pairs:
        spec = ctx.agency_rules(pair["agency_id"])["checks"]["column_changed"]
        if not spec["enabled"]:
            continue
        columns = ctx.q("""
            SELECT c.id, c.name, c.url, c.type, c.previous_name, c.renamed_run, c.first_run, c.last_run,
                   (SELECT f.verdict FROM fetches f WHERE f.crawl_run_id = :run2 AND f.url = c.url
                    AND f.kind = 'verify' ORDER BY f.id DESC LIMIT 1) AS verdict,
                   (SELECT f.url FROM fetches f WHERE f.crawl_run_id = :run2 AND f.redirected_from = c.url
                    AND f.kind = 'verify' ORDER BY f.id DESC LIMIT 1) AS redirected_to
            FROM columns c WHERE c.agency_id = :agency AND c.explicit = 0
              AND (c.first_run = :run2 OR c.renamed_run = :run2 OR c.last_run = :run1)
            ORDER BY c.id""", {**pair, "agency": pair["agency_id"]})
        added = {c["name"]: c for c in columns if c["first_run"] == pair["run2"]}
        captures = _portal_captures(ctx, pair)
        for column in columns:
            if column["first_run"] == pair["run2"]:
                continue   # reported with what it replaced (moved) or below (added)
            if column["renamed_run"] == pair["run2"]:
                change = ("renamed", f"栏目「{column['previous_name']}」更名为「{column['name']}」（地址未变）")
            elif column["name"] in added:
                new = added.pop(column["name"])
                change = ("moved", f"栏目「{column['name']}」地址由 {column['url']} 变为 {new['url']}")
            elif column["verdict"] in ("not_found", "soft_404") or (
                    column["redirected_to"] and column["redirected_to"] != column["url"]):
                how = "已跳转至其他页面" if column["redirected_to"] else "原地址已不存在"
                change = ("gone", f"栏目「{column['name']}」已从专栏撤下（{how}）")
            else:
                continue   # only unlinked: its page is still there
            out.findings.append(_change(ctx, spec, pair, column, *change, captures))
        for column in added.values():
            out.findings.append(_change(ctx, spec, pair, column, "added", f"新增栏目「{column['name']}」", captures))
    return out


def _portal_captures(ctx: Context, pair) -> list[dict]:
    return [dict(row) for row in ctx.q("""
        SELECT crawl_run_id, id AS capture_id, content_hash AS sha256, captured_at FROM captures
        WHERE url = :portal AND crawl_run_id IN (:run1, :run2) ORDER BY id""", dict(pair))]


def _change(ctx: Context, spec: dict, pair, column, kind: str, what: str, captures: list[dict]) -> Finding:
    message = f"{what}（{pair['start1'][:10]} 与 {pair['start2'][:10]} 两次抓取的专栏页对比）"
    return Finding(pair["agency_id"], "column_changed", column["url"], spec["severity"], message,
                   rule_fields(ctx, spec, urls=[column["url"], pair["portal"]], change=kind, column=column["name"],
                               column_type=column["type"], previous_name=column["previous_name"] if kind == "renamed" else None,
                               compared_runs=[pair["run1"], pair["run2"]], portal_captures=captures),
                   spec["rule"], spec["citation"])
