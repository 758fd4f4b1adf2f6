"""Integrity: what only a crawler with history sees (弄虚作假, 国办秘函〔2019〕19号).

``item_backdated`` (伪造发稿日期): an item first listed after an earlier walk of its column that had
gone past the item's declared date without it. A walk counts only when the column's page was read
(walks are recorded for read pages only), when it was made more than ``grace_days`` after the
declared date (CMS publishing delays), and when it reached that date: it walked the column to its last
page, or down to items as old as the declared date. The item's first listing anywhere on the site is
used, so a document that moved between columns is not taken for a new one. Days are those the crawl
runs observed (``crawl_runs.as_of``: today, or ``gkwatch crawl --as-of`` for a sandbox whose days pass
faster than the clock); the order of walks is the order of their runs.
"""

from __future__ import annotations

from collections import defaultdict

from .base import Context, Finding, Outcome, rule_fields, short_cite


def item_backdated(ctx: Context) -> Outcome:
    out = Outcome("item_backdated", evaluated=set(ctx.fresh))
    grace = {cfg: ctx.rules(cfg)["checks"]["item_backdated"]["grace_days"] for cfg in ctx.cfgs()
             if ctx.rules(cfg)["checks"]["item_backdated"]["enabled"]}
    ctx.table("_p_backdated", "cfg INT PRIMARY KEY, grace INT", list(grace.items()))
    # Days are the days the crawl runs observed (crawl_runs.as_of); the order of walks is their runs'.
    # Only a column that was walked can show a backdated item: the search starts from the walked
    # columns (their first walk from the (column_id, walked_at) index) and goes through their listings
    # to the items, in that order (CROSS JOIN); it used to read every item of the database first
    # (a scan of the 10 M-item table: 9–15 s, whether or not any column had been walked).
    rows = ctx.q("""
        WITH walked AS (SELECT column_id, MIN(walked_at) AS first_walk FROM walks GROUP BY column_id),
        firsts AS (
            SELECT i.id AS item_id, MIN(w.crawl_run_id) AS first_run
            FROM walked k CROSS JOIN listings l ON l.column_id = k.column_id CROSS JOIN items i ON i.id = l.item_id
            CROSS JOIN _ag a ON a.id = i.agency_id CROSS JOIN _p_backdated p ON p.cfg = a.cfg
            CROSS JOIN walks w ON w.column_id = l.column_id
            WHERE i.published IS NOT NULL AND i.removed_at IS NULL AND julianday(w.walked_at) >= julianday(i.first_seen)
              -- cheap first: only items that appeared later than their date, after their column's first walk
              AND julianday(i.first_seen) - julianday(i.published) > p.grace
              AND i.first_seen > k.first_walk
            GROUP BY i.id)
        SELECT i.agency_id, i.id AS item_id, i.url, i.title, i.published, f.first_run,
               COALESCE(fr.as_of, substr(fr.started_at, 1, 10)) AS first_day,
               c.name AS column_name, c.url AS column_url, p.grace,
               w.crawl_run_id, COALESCE(r.as_of, substr(r.started_at, 1, 10)) AS walk_day, w.walked_at, w.oldest,
               w.complete, cap.id AS capture_id, cap.content_hash
        FROM firsts f JOIN items i ON i.id = f.item_id
        JOIN crawl_runs fr ON fr.id = f.first_run
        JOIN _ag a ON a.id = i.agency_id JOIN _p_backdated p ON p.cfg = a.cfg
        JOIN listings l ON l.item_id = i.id JOIN columns c ON c.id = l.column_id
        JOIN walks w ON w.column_id = l.column_id AND w.crawl_run_id < f.first_run
        JOIN crawl_runs r ON r.id = w.crawl_run_id
        LEFT JOIN captures cap ON cap.id = (SELECT MAX(x.id) FROM captures x
                                            WHERE x.url = c.url AND x.crawl_run_id = w.crawl_run_id)
        WHERE COALESCE(fr.as_of, substr(fr.started_at, 1, 10)) <= :day
          AND julianday(COALESCE(r.as_of, substr(r.started_at, 1, 10))) - julianday(i.published) > p.grace
          AND (w.complete OR w.oldest <= i.published)
        ORDER BY i.agency_id, i.url, w.crawl_run_id""", {"day": ctx.day})
    missed: dict[tuple[str, int], list] = defaultdict(list)
    for row in rows:
        missed[(row["agency_id"], row["item_id"])].append(row)
    for (agency_id, item_id), walks in missed.items():
        spec = ctx.agency_rules(agency_id)["checks"]["item_backdated"]
        item = walks[0]
        message = (f"「{item['title']}」标注的发布日期为 {item['published']}，但本站在 {item['walk_day']}"
                   f"{'等 ' + str(len(walks)) + ' 次' if len(walks) > 1 else ''}检查栏目「{item['column_name']}」时"
                   f"已越过该日期而未见此条，直到 {item['first_day']} 才首次出现：疑似倒填发稿日期（{short_cite(spec)}）")
        out.findings.append(Finding(
            agency_id, "item_backdated", item["url"], spec["severity"], message,
            rule_fields(ctx, spec, urls=[item["url"], item["column_url"]], item_title=item["title"],
                        item_url=item["url"], declared_date=item["published"], column=item["column_name"],
                        column_url=item["column_url"], first_listed=item["first_day"], grace_days=item["grace"],
                        first_listed_capture=_first_listing(ctx, item["column_url"], item["first_run"]),
                        walks_without_it=[{"walked_at": w["walk_day"], "crawl_run_id": w["crawl_run_id"],
                                           "reached": "全部页面" if w["complete"] else w["oldest"],
                                           "capture_id": w["capture_id"], "sha256": w["content_hash"]}
                                          for w in walks]),
            spec["rule"], spec["citation"]))
    return out


def _first_listing(ctx: Context, column_url: str, run_id: int) -> dict | None:
    """The capture of the column page on which the item was first listed."""
    row = ctx.conn.execute("SELECT id, content_hash, captured_at FROM captures WHERE url = ? AND crawl_run_id = ? "
                           "ORDER BY id LIMIT 1", [column_url, run_id]).fetchone()
    return {"capture_id": row[0], "sha256": row[1], "captured_at": row[2]} if row else None
