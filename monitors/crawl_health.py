"""Crawl health for operators: what the crawler could not read, per agency (``crawl_health``, a view
over ``fetches``), sent to subscribers flagged ``operator = true`` once per crawl run. It is the
crawler's own trouble — blocked by anti-bot protection, pages in maintenance or error pages,
robots.txt refusals, sites not reached — and never an agency's finding (docs/faults.md)."""

from __future__ import annotations

from core.vocabulary import VERDICTS

# Agencies whose portal was not read, or with this share of fetches not read, are listed.
TROUBLE_SHARE = 0.2


def latest_run(conn) -> int | None:
    row = conn.execute("SELECT MAX(id) FROM crawl_runs WHERE finished_at IS NOT NULL").fetchone()
    return row[0] if row else None


def troubled_agencies(conn, run_id: int) -> list[dict]:
    """The agencies of crawl run ``run_id`` that an operator should look at, worst first."""
    cursor = conn.execute("""
        SELECT h.*, a.name FROM crawl_health h JOIN agencies a ON a.id = h.agency_id
        WHERE h.crawl_run_id = ? AND (NOT h.portal_read OR h.blocked OR h.robots OR h.trouble_share >= ?)
        ORDER BY h.portal_read, h.trouble_share DESC, h.agency_id""", [run_id, TROUBLE_SHARE])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def health_message(conn, run_id: int, datasette_link: str) -> tuple[str, str] | None:
    """The operator message about crawl run ``run_id``; None when nothing needs a look."""
    rows = troubled_agencies(conn, run_id)
    if not rows:
        return None
    title = f"【政务公开监测·运维】抓取 #{run_id}：{len(rows)} 个机构未能正常读取"
    lines = ["以下为抓取程序自身遇到的问题，不是对机构的检查结论 (the crawler's own trouble, not findings)："]
    for row in rows:
        parts = [] if row["portal_read"] else ["专栏首页未读取，本次不作检查结论"]
        for key, label in (("blocked", VERDICTS["blocked"].zh), ("not_read", "维护/登录/不完整/无法识别"),
                           ("gone", "页面不存在"), ("robots", VERDICTS["robots"].zh), ("errors", "连接或服务器错误")):
            if row[key]:
                parts.append(f"{label} {row[key]}")
        lines.append(f"■ {row['name']}（{row['agency_id']}）：{'；'.join(parts)}；"
                     f"未读取 {row['trouble_share']:.0%}（共 {row['fetches']} 次请求）")
    lines.append(f"详情：{datasette_link}")
    return title, "\n".join(lines)


def pending_run(conn, subscriber: str, channel: str) -> int | None:
    """The latest finished crawl run, unless it was already delivered to this channel."""
    run_id = latest_run(conn)
    if run_id is None:
        return None
    sent = conn.execute("SELECT 1 FROM health_alerts WHERE crawl_run_id = ? AND subscriber = ? AND channel = ? "
                        "AND status = 'sent'", [run_id, subscriber, channel]).fetchone()
    return None if sent else run_id


def record(conn, run_id: int, subscriber: str, channel: str, ok: bool, error: str | None, now: str) -> None:
    with conn:
        conn.execute("""
            INSERT INTO health_alerts (crawl_run_id, subscriber, channel, status, attempts, last_error,
                                       first_tried_at, sent_at)
            VALUES (?, ?, ?, ?, 1, ?, ?, ?)
            ON CONFLICT (crawl_run_id, subscriber, channel) DO UPDATE SET
                status = excluded.status, attempts = health_alerts.attempts + 1,
                last_error = excluded.last_error, sent_at = excluded.sent_at""",
                     [run_id, subscriber, channel, "sent" if ok else "failed", error, now, now if ok else None])
