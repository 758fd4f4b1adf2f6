"""Response: 解读回应 and 互动回应 — policy documents and their interpretations, and public messages
and their replies (``message_unanswered``, below).

``interpretation_missing`` (政策文件未解读): a policy document — an item listed in a 政策文件 column,
with a 文号, whose title names a policy instrument (办法, 规定, 意见, 方案 … or a 《》 title) — for which
no interpretation has appeared within ``period_days``. An interpretation is an item of the agency in
a 政策解读 column or titled 解读 / 图解 that names the document: by its 文号, by the 《》 title it
carries, or by the document's own title, in the interpretation's title or text. Documents published
before ``since`` (the rule's date) or less than ``period_days`` ago are not judged.
"""

from __future__ import annotations

import re
from collections import defaultdict

from .base import Context, Finding, Outcome, days_between, rule_fields, short_cite

_BOOK_TITLE = re.compile(r"《([^《》]{4,60})》")
_WRAPPER = re.compile(r"^(?:.{0,30}?关于)?(?:印发|转发|发布)?|(?:的)?(?:通知|决定|公告|批复)$")
_NO_DOC_NO = {"", "无", "/", "－", "-", "—"}


def interpretation_missing(ctx: Context) -> Outcome:
    out = Outcome("interpretation_missing", evaluated=set(ctx.fresh))
    specs = {cfg: ctx.rules(cfg)["checks"]["interpretation_missing"] for cfg in ctx.cfgs()}
    ctx.table("_p_interp", "cfg INT PRIMARY KEY, days INT, since TEXT, pattern TEXT",
              [(cfg, s["period_days"], str(s["since"]), s["title_pattern"]) for cfg, s in specs.items() if s["enabled"]])
    policies = ctx.q("""
        SELECT DISTINCT i.agency_id, i.id, i.url, i.title, i.doc_no, i.published, p.days, p.pattern
        FROM items i JOIN _ag a ON a.id = i.agency_id JOIN _p_interp p ON p.cfg = a.cfg
        JOIN listings l ON l.item_id = i.id JOIN columns c ON c.id = l.column_id AND c.type = 'policy'
        WHERE i.removed_at IS NULL AND i.doc_no IS NOT NULL AND i.published >= p.since
          AND julianday(:day) - julianday(i.published) > p.days
        ORDER BY i.agency_id, i.published, i.url""", {"day": ctx.day})
    policies = [row for row in policies
                if row["doc_no"].strip() not in _NO_DOC_NO and re.search(row["pattern"], row["title"])]
    if not policies:
        return out
    # Interpretations, of the agencies that have such documents only: titled 解读/图解 or listed in a
    # 政策解读 column.
    ctx.table("_interp_agencies", "id TEXT PRIMARY KEY", sorted({(row["agency_id"],) for row in policies}))
    interpretations: dict[str, list[str]] = defaultdict(list)
    for row in ctx.q("""
        SELECT i.agency_id, i.title || ' ' || COALESCE(v.text, '') AS words
        FROM items i JOIN _interp_agencies g ON g.id = i.agency_id
        LEFT JOIN item_versions v ON v.id = (SELECT MAX(x.id) FROM item_versions x WHERE x.item_id = i.id)
        WHERE i.removed_at IS NULL AND i.published <= :day
          AND (instr(i.title, '解读') OR instr(i.title, '图解') OR i.id IN (
               SELECT l.item_id FROM columns c JOIN _interp_agencies g2 ON g2.id = c.agency_id
               JOIN listings l ON l.column_id = c.id WHERE c.type = 'interpretation'))""", {"day": ctx.day}):
        interpretations[row["agency_id"]].append(row["words"])
    for row in policies:
        names = _names(row["title"], row["doc_no"])
        if any(any(name in words for name in names) for words in interpretations[row["agency_id"]]):
            continue
        spec = ctx.agency_rules(row["agency_id"])["checks"]["interpretation_missing"]
        days = days_between(ctx.day, row["published"])
        message = (f"政策文件「{row['title']}」（{row['doc_no']}，{row['published']} 发布）已 {days} 天，"
                   f"未见解读材料（超过 {row['days']} 天；{short_cite(spec)}）")
        out.findings.append(Finding(
            row["agency_id"], "interpretation_missing", row["url"], spec["severity"], message,
            rule_fields(ctx, spec, urls=[row["url"]], item_title=row["title"], item_url=row["url"],
                        doc_no=row["doc_no"], published=row["published"], days_since=days,
                        threshold_days=row["days"], searched_for=names),
            spec["rule"], spec["citation"]))
    return out


def _names(title: str, doc_no: str) -> list[str]:
    """What an interpretation of this document would name: its 文号, its 《》 titles, its own title."""
    bare = _WRAPPER.sub("", title).strip("《》 ")
    return list(dict.fromkeys([doc_no.strip(), *_BOOK_TITLE.findall(title), *([bare] if len(bare) >= 6 else [])]))



def message_unanswered(ctx: Context) -> Outcome:
    """互动回应差 (国办秘函〔2019〕19号): a message on a board, asked within ``period_days`` (1 year)
    before as_of, that the board shows unanswered ``threshold_days`` (3 months) after it was asked,
    or answered only later than that. A message the board says nothing about (no state, no reply
    date) is no evidence; a board not read in the latest crawl keeps its findings as they were."""
    out = Outcome("message_unanswered", evaluated=set(ctx.fresh), unsettled=ctx.unread_columns())
    specs = {cfg: ctx.rules(cfg)["checks"]["message_unanswered"] for cfg in ctx.cfgs()}
    ctx.table("_p_messages", "cfg INT PRIMARY KEY, days INT, period INT",
              [(cfg, s["threshold_days"], s["period_days"]) for cfg, s in specs.items() if s["enabled"]])
    rows = ctx.q("""
        SELECT m.agency_id, m.url, m.title, m.asked, m.replied, m.state, c.name AS board, c.url AS board_url,
               p.days AS threshold,
               CAST(julianday(COALESCE(m.replied, :day)) - julianday(m.asked) AS INTEGER) AS waited
        FROM messages m JOIN _ag a ON a.id = m.agency_id JOIN _p_messages p ON p.cfg = a.cfg
        JOIN _col c ON c.id = m.column_id AND c.current AND c.ok
        WHERE m.asked IS NOT NULL AND m.asked <= :day AND julianday(:day) - julianday(m.asked) <= p.period
          AND ((m.state = 'unanswered' AND julianday(:day) - julianday(m.asked) > p.days)
               OR (m.replied IS NOT NULL AND julianday(m.replied) - julianday(m.asked) > p.days))
        ORDER BY m.agency_id, m.asked, m.url""", {"day": ctx.day})
    for row in rows:
        spec = ctx.agency_rules(row["agency_id"])["checks"]["message_unanswered"]
        if row["replied"]:
            what = f"{row['replied']} 才回复，历时 {row['waited']} 天"
        else:
            what = f"至今未回复，已 {row['waited']} 天"
        message = (f"「{row['board']}」的留言「{row['title']}」（{row['asked']}）{what}，"
                   f"超过 {row['threshold']} 天（3个月）未回应（{short_cite(spec)}）")
        out.findings.append(Finding(
            row["agency_id"], "message_unanswered", row["url"], spec["severity"], message,
            rule_fields(ctx, spec, urls=[row["board_url"], row["url"]], board=row["board"], message_title=row["title"],
                        asked=row["asked"], replied=row["replied"], days_waited=row["waited"],
                        threshold_days=row["threshold"]),
            spec["rule"], spec["citation"]))
    return out
