"""Links: broken links on portal and column pages (the documents they list included) and attachments of items (a nav link that 404s is
stored as a column whose fetches fail: it is a broken link, not a blank column), and items removed
from their column (listed before, gone from the list, and their URL now answers 404/410).

A 404 or 410, a soft 404 (a page saying it is not there) or a redirect loop is the site's definite
answer, so one observation confirms it; any other failure (5xx, refused connections) must repeat in
``observations.min_failing`` consecutive observations. Timeouts are slow_page's business; a link
the crawler could not look at (robots.txt, an anti-bot wall, maintenance) is no observation at all. A broken link stays a finding while it is still linked: fetched
in the agency's latest observation, or an attachment of an item that is not removed.
"""

from __future__ import annotations

from core.vocabulary import VERDICTS

from .base import Context, Finding, Outcome, rule_fields, run_outcomes, short_cite, streaks

_FAILING = "verdict IN ('not_found', 'soft_404', 'server_error', 'unreachable', 'redirect_loop')"
_CONCLUSIVE = ("not_found", "soft_404", "redirect_loop")
# Fetches whose failure is a broken link: links checked, column and portal links, and the documents
# a list links to (a listed document whose page is gone is a dead link on that list).
LINK_KINDS = ("link", "column", "api", "portal", "detail")


def broken_link(ctx: Context) -> Outcome:
    out = Outcome("broken_link", evaluated=set(ctx.fresh))
    conn = ctx.conn
    conn.execute("DROP TABLE IF EXISTS temp._bl")
    conn.execute(f"""
        CREATE TEMP TABLE _bl AS
        SELECT DISTINCT f.agency_id, f.url FROM fetches f JOIN _ag a ON a.id = f.agency_id
        WHERE a.fresh AND f.kind IN {LINK_KINDS} AND f.url != a.homepage
          AND f.crawl_run_id IN (SELECT id FROM _runs)
          AND f.verdict IN ('not_found', 'soft_404', 'server_error', 'unreachable', 'redirect_loop')
          AND NOT COALESCE(f.method = 'HEAD' AND f.status IN (405, 501), 0)""")
    run_outcomes(ctx, "_bl", LINK_KINDS)
    for row in streaks(ctx, _FAILING):
        if not row["streak"]:
            continue
        agency_id, url = row["agency_id"], row["url"]
        rules = ctx.agency_rules(agency_id)
        spec, obs = rules["checks"]["broken_link"], rules["observations"]
        conclusive = row["status"] in obs["conclusive_statuses"] or row["verdict"] in _CONCLUSIVE
        if not spec["enabled"] or not (conclusive or row["streak"] >= obs["min_failing"]):
            continue
        latest = ctx.agencies[agency_id]
        still_linked = ctx.q("""
            SELECT 1 WHERE EXISTS (SELECT 1 FROM fetches f JOIN _ag a ON a.id = f.agency_id
                                   WHERE f.url = :url AND f.agency_id = :agency AND f.crawl_run_id = a.latest_run)
                        OR EXISTS (SELECT 1 FROM links l JOIN items i ON i.agency_id = l.agency_id AND i.url = l.page_url
                                   WHERE l.url = :url AND l.agency_id = :agency AND i.removed_at IS NULL)""",
                           {"url": url, "agency": agency_id})
        if not still_linked:
            continue
        pages = [r[0] for r in ctx.q("SELECT page_url FROM links WHERE agency_id = ? AND url = ? ORDER BY page_url LIMIT 5",
                                     [agency_id, url])]
        column = ctx.q("SELECT name FROM columns WHERE agency_id = ? AND url = ?", [agency_id, url])
        answer = (VERDICTS[row["verdict"]].zh if row["verdict"] in ("soft_404", "redirect_loop") else
                  f"HTTP {row['status']}" if row["status"] else (row["error"] or "").split(":")[0])
        what = f"栏目「{column[0]['name']}」的链接" if column and row["kind"] == "column" else "链接"
        where = f"，所在页面 {pages[0]}" if pages else (f"，见 {latest['portal']}" if column else "")
        message = f"{what}无法打开（{answer}）：{url}{where}（{short_cite(spec)} 链接可用性）"
        out.findings.append(Finding(
            agency_id, "broken_link", url, spec["severity"], message,
            rule_fields(ctx, spec, urls=[url, *pages], on_pages=pages, status=row["status"], error=row["error"],
                        consecutive_failures=row["streak"], conclusive=conclusive, last_checked_at=row["fetched_at"],
                        latest_run=row["latest_run"]),
            spec["rule"], spec["citation"], row["streak"]))
    return out


def item_removed(ctx: Context) -> Outcome:
    """An item the crawler found missing from its column's list whose URL now answers 404/410 (or a
    soft 404: a page saying it is not there); the
    removal is recorded in ``items.removed_at`` (the crawler clears it if the item comes back)."""
    out = Outcome("item_removed", evaluated=set(ctx.fresh))
    conn = ctx.conn
    conn.execute("DROP TABLE IF EXISTS temp._missing")
    conn.execute("""
        CREATE TEMP TABLE _missing AS
        SELECT i.agency_id, i.url FROM items i INDEXED BY items_missing
        WHERE i.missing_since IS NOT NULL AND i.removed_at IS NULL
          AND i.agency_id IN (SELECT id FROM _ag WHERE fresh)""")
    run_outcomes(ctx, "_missing", ("verify",))
    confirmed = []
    for row in streaks(ctx, _FAILING):
        obs = ctx.agency_rules(row["agency_id"])["observations"]
        if row["streak"] and (row["status"] in obs["conclusive_statuses"] or row["verdict"] in ("soft_404",)):
            confirmed.append((row["failing_since"], row["agency_id"], row["url"]))
    # Recorded with the run's findings (ctx.write); this run reads them from _removed_now.
    ctx.write("UPDATE items SET removed_at = ? WHERE agency_id = ? AND url = ? AND removed_at IS NULL "
              "AND missing_since IS NOT NULL", confirmed)
    ctx.table("_removed_now", "removed_at TEXT, agency_id TEXT, url TEXT", confirmed)
    # CROSS JOIN: from the few removals confirmed now to their items; SQLite otherwise went through every
    # item of every fresh agency (the outer agency filter pushed into this arm) to probe _removed_now
    # (7–8 s at 10 M items → 0.03 s).
    rows = ctx.q("""
        WITH removed AS (
            SELECT id, removed_at FROM items INDEXED BY items_removed WHERE removed_at IS NOT NULL
            UNION ALL
            SELECT i.id, r.removed_at FROM _removed_now r CROSS JOIN items i ON i.agency_id = r.agency_id AND i.url = r.url)
        SELECT i.agency_id, i.url, i.title, i.published, i.missing_since, x.removed_at, c.name AS column_name,
               c.url AS column_url,
               (SELECT f.status FROM fetches f WHERE f.url = i.url AND f.agency_id = i.agency_id AND f.kind = 'verify'
                ORDER BY f.id DESC LIMIT 1) AS status,
               (SELECT f.verdict FROM fetches f WHERE f.url = i.url AND f.agency_id = i.agency_id AND f.kind = 'verify'
                ORDER BY f.id DESC LIMIT 1) AS verdict
        FROM removed x JOIN items i ON i.id = x.id LEFT JOIN columns c ON c.id = i.column_id
        WHERE (i.published IS NULL OR i.published <= :day)
          AND i.agency_id IN (SELECT id FROM _ag WHERE fresh)
        ORDER BY i.agency_id, i.url""", {"day": ctx.day})
    for row in rows:
        spec = ctx.agency_rules(row["agency_id"])["checks"]["item_removed"]
        if not spec["enabled"]:
            continue
        date = f"（发布于 {row['published']}）" if row["published"] else ""
        column = f"栏目「{row['column_name']}」" if row["column_name"] else "栏目"
        answer = (VERDICTS["soft_404"].zh if row["verdict"] == "soft_404" else
                  f"HTTP {row['status']}" if row["status"] else "无法访问")
        message = (f"已公开的信息「{row['title']}」{date}已从{column}列表撤下，原网址返回 {answer}；"
                   f"修改、废止、失效的文件应在原文上作出标注（{short_cite(spec)}）")
        out.findings.append(Finding(
            row["agency_id"], "item_removed", row["url"], spec["severity"], message,
            rule_fields(ctx, spec, urls=[row["url"]] + ([row["column_url"]] if row["column_url"] else []),
                        title=row["title"], published=row["published"], column=row["column_name"],
                        column_url=row["column_url"], missing_since=row["missing_since"], removed_at=row["removed_at"],
                        status=row["status"]),
            spec["rule"], spec["citation"]))
    return out
