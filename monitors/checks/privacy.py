"""Privacy: personal information an agency published (个人信息泄露, 条例第十五条).

``privacy_leak``: an item whose page or attachment shows resident ID numbers (GB 11643: province,
birth date and check character all valid) or mobile numbers, found by ``extract.privacy`` when the
crawler read it. Only masked numbers are stored (table ``personal_data``), and only those the page
still shows: a page put right, or taken down, resolves its finding.
"""

from __future__ import annotations

from collections import defaultdict

from .base import Context, Finding, Outcome, rule_fields, short_cite

KIND_NAMES = {"id_card": "身份证号码", "mobile": "手机号码"}


def privacy_leak(ctx: Context) -> Outcome:
    out = Outcome("privacy_leak", evaluated=set(ctx.fresh))
    rows = ctx.q("""
        SELECT i.agency_id, i.id AS item_id, i.url, i.title, p.kind, p.masked, p.found_in
        FROM personal_data p JOIN items i ON i.id = p.item_id JOIN _ag a ON a.id = i.agency_id
        WHERE i.removed_at IS NULL AND (i.published IS NULL OR i.published <= :day)
        ORDER BY i.agency_id, i.url, p.id""", {"day": ctx.day})
    by_item: dict[tuple[str, int], list] = defaultdict(list)
    for row in rows:
        by_item[(row["agency_id"], row["item_id"])].append(row)
    for (agency_id, _), found in by_item.items():
        spec = ctx.agency_rules(agency_id)["checks"]["privacy_leak"]
        if not spec["enabled"]:
            continue
        item = found[0]
        counts = {kind: sum(1 for r in found if r["kind"] == kind) for kind in KIND_NAMES}
        places = list(dict.fromkeys("页面正文" if r["found_in"] == "page" else f"附件「{r['found_in']}」" for r in found))
        what = "、".join(f"{n} 个{KIND_NAMES[kind]}" for kind, n in counts.items() if n)
        examples = "、".join(r["masked"] for r in found[:3]) + ("等" if len(found) > 3 else "")
        message = (f"「{item['title']}」在{'、'.join(places)}中公开了 {what}（{examples}，此处已遮盖），"
                   f"涉及个人隐私，应作去标识化处理（{short_cite(spec)}）")
        out.findings.append(Finding(
            agency_id, "privacy_leak", item["url"], spec["severity"], message,
            rule_fields(ctx, spec, urls=[item["url"]], item_title=item["title"], item_url=item["url"],
                        id_cards=counts["id_card"], mobiles=counts["mobile"],
                        numbers=[{"kind": KIND_NAMES[r["kind"]], "masked": r["masked"],
                                  "where": "页面正文" if r["found_in"] == "page" else r["found_in"]} for r in found]),
            spec["rule"], spec["citation"]))
    return out
