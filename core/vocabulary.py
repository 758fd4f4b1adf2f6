"""gkwatch's one vocabulary: every code the project stores, with the Chinese label a person sees and
the English beside it. Registry, rulebook, config, checks, alerts, the CLI and the Datasette
metadata take their codes and labels from here (tests/test_vocabulary.py holds the metadata and
the rulebook to it). Column types live in ``column_types.yaml`` beside this module, as data a user
edits; ``column_type_label`` reads them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .taxonomy import label as column_type_label

# 行政层级 (administrative levels), from the top.
LEVELS: tuple[str, ...] = ("国务院部门", "省", "市", "县", "乡镇")
# 机构类别: a government (人民政府) or one of its departments.
KINDS: tuple[str, ...] = ("政府", "部门")


@dataclass(frozen=True)
class Label:
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} ({self.en})"


# 严重程度, mildest first: a severity's rank is its index here.
SEVERITIES: dict[str, Label] = {
    "info": Label("提示", "notice"),
    "deduct": Label("扣分", "deduction"),
    "veto": Label("单项否决", "veto"),
}
SEVERITY_RANK: dict[str, int] = {code: rank for rank, code in enumerate(SEVERITIES)}

# 检查项: every check id a finding can carry, in the order a check run writes them.
CHECKS: dict[str, Label] = {
    "site_unreachable": Label("站点无法访问", "site unreachable"),
    "slow_page": Label("页面打开缓慢", "slow page"),
    "homepage_stale": Label("首页不更新", "home page not updated"),
    "column_stale": Label("栏目不更新", "column not updated"),
    "column_empty": Label("空白栏目", "empty column"),
    "mandatory_column_missing": Label("专栏缺少法定一级目录", "mandatory column missing"),
    "art20_category_missing": Label("法定主动公开内容缺项", "Article 20 category missing"),
    "annual_report_missing": Label("年报缺失", "annual report missing"),
    "annual_report_late": Label("年报逾期", "annual report late"),
    "report_balance": Label("年报勾稽不符", "report totals do not balance"),
    "report_sections_missing": Label("年报缺少章节", "report sections missing"),
    "report_sum_mismatch": Label("年报合计不符", "report sum mismatch"),
    "report_impossible_value": Label("年报数值异常", "impossible value in report"),
    "report_claim_mismatch": Label("年报数量不实", "report count not borne out"),
    "broken_link": Label("链接不可用", "broken link"),
    "item_removed": Label("信息被撤下", "item removed"),
    "item_backdated": Label("伪造发稿日期", "back-dated post"),
    "privacy_leak": Label("个人信息泄露", "personal information disclosed"),
    "interpretation_missing": Label("政策文件未解读", "policy document without interpretation"),
    "column_changed": Label("栏目变更", "column changed"),
    "message_unanswered": Label("留言超期未回复", "public message unanswered"),
    "publishing_quota": Label("月度公开数量不足", "monthly quota not met"),
    "category_imbalance": Label("发布不均衡", "publishing imbalance"),
}

# 问题状态 (a finding's status).
FINDING_STATUSES: dict[str, Label] = {
    "open": Label("未解决", "open"),
    "resolved": Label("已解决", "resolved"),
}

# 问题变化 (the transitions a check run writes and alerts send).
EVENTS: dict[str, Label] = {
    "opened": Label("新问题", "new"),
    "escalated": Label("严重程度上升", "escalated"),
    "reopened": Label("重新出现", "re-opened"),
    "resolved": Label("已解决", "resolved"),
}

# 抓取状态 (a crawl run's status; a stopped run is "stopped: <Scrapy's reason>").
CRAWL_STATUSES: dict[str, Label] = {
    "running": Label("进行中", "running"),
    "finished": Label("已完成", "finished"),
    "interrupted": Label("已中断", "interrupted"),
    "stopped": Label("已停止", "stopped"),
    "failed": Label("失败", "failed"),
}

# 页面读取结果: what a fetch of a page came to. Only "read" may carry a finding about the page's
# content or absence; "not_found" (a 404/410 or a soft 404) is the site's own answer that the page
# is gone; the rest is the crawler's own trouble until the rules say otherwise (docs/faults.md).
VERDICTS: dict[str, Label] = {
    "read": Label("已读取", "read"),
    "not_found": Label("页面不存在", "not found (404/410)"),
    "soft_404": Label("错误页（软 404）", "soft 404"),
    "blocked": Label("被反爬虫拦截", "blocked by anti-bot protection"),
    "maintenance": Label("网站维护中", "site in maintenance"),
    "login": Label("需要登录", "login required"),
    "server_error": Label("服务器错误", "server error"),
    "timeout": Label("超时", "timed out"),
    "unreachable": Label("无法连接", "connection failed"),
    "redirect_loop": Label("重定向循环", "redirect loop"),
    "incomplete": Label("内容不完整", "incomplete body"),
    "robots": Label("robots.txt 禁止", "forbidden by robots.txt"),
    # fetched, but not recognised as what it should be (a column page with no records that does not
    # say it has none): the crawler's trouble, never an empty or stale column
    "unrecognised": Label("无法识别的页面", "page not recognised"),
}
# 可访问性: what the 站点无法访问 check made of an agency's visits as of a day (table availability).
AVAILABILITY: dict[str, Label] = {
    "unreachable": Label("无法访问", "unreachable"),
    "reachable": Label("可访问", "reachable"),
    "insufficient": Label("观测不足", "not enough observations"),
}
# 页面类别: what a fetched page was to the crawler (fetches.kind).
PAGE_KINDS: dict[str, Label] = {
    "home": Label("网站首页", "home page"),
    "portal": Label("政务公开专栏首页", "disclosure portal"),
    "column": Label("栏目页", "column page"),
    "api": Label("栏目数据接口", "column data endpoint"),
    "detail": Label("信息详情页", "item page"),
    "report": Label("年报", "annual report"),
    "link": Label("链接", "link"),
    "verify": Label("复核", "verification"),
    "probe404": Label("不存在页面探测", "soft-404 probe"),
    "robots": Label("robots.txt", "robots.txt"),
}
# 核实程度: how well a rule's wording was verified (the rulebook's ``verification``).
VERIFICATIONS: dict[str, Label] = {
    "VERIFIED": Label("已核对原文", "wording read in a full text of the source"),
    "VERIFIED-2nd": Label("据转载或地方文件核对", "read in a reprint, a local document or a real report"),
    "UNVERIFIED": Label("未找到原文，为 gkwatch 的推断", "an inference: no source found"),
}
# Every key a check writes into a finding's evidence, in the order a reader wants them (the page and
# what was seen on it first; the rule last), with its label. Keys under RULE_KEYS describe the rule.
EVIDENCE_KEYS: dict[str, str] = {
    "urls": "相关网页", "page": "页面", "navigation_only": "首页仅为导航入口", "column": "栏目",
    "column_type": "栏目类型", "column_url": "栏目网址", "name": "缺少", "report_year": "年度", "title": "标题",
    "last_item_title": "最近一条信息", "last_item_url": "最近一条信息网址", "last_item_date": "最近一条发布日期",
    "published": "发布日期", "deadline": "法定期限", "days_since_update": "未更新天数", "threshold_days": "规定期限",
    "days_overdue": "超期天数", "missing_since": "从列表中消失于", "removed_at": "确认撤下日期",
    "on_pages": "所在页面", "status": "HTTP 状态码", "error": "错误", "consecutive_failures": "连续失败次数",
    "conclusive": "网站明确答复页面不存在", "last_checked_at": "最近检查时间",
    "month": "月份", "items": "公开条数", "monthly_quota": "每月承诺条数", "shortfall": "差额",
    "window_days": "统计天数", "crowding_items": "动态类信息条数", "crowded_items": "其他信息条数", "ratio": "比例",
    "min_ratio": "最低比例", "by_type": "各类栏目条数",
    "period_from": "监测起", "period_to": "监测止", "period_days": "监测天数", "min_probes_per_day": "每天至少访问",
    "probes": "访问次数", "failed_probes": "打不开次数", "failed_share": "打不开比例", "veto_share": "单项否决比例",
    "timeout_seconds": "超时时限（秒）", "failures": "打不开的原因", "excluded": "不计入的访问",
    "from_crawls": "其中来自抓取", "last_failure": "最近一次打不开",
    "consecutive_slow": "连续缓慢次数", "threshold_seconds": "时限（秒）", "last_elapsed_ms": "最近用时（毫秒）",
    "last_waited_ms": "最近等待（毫秒）", "last_verdict": "最近读取结果", "last_error": "最近错误",
    "last_status": "最近状态码", "last_fetched_at": "最近抓取时间",
    "columns": "不符的栏", "detail": "明细", "missing": "缺少的章节", "claimed": "报告所称主动公开条数",
    "crawled": "网站可见条数", "tolerance": "容差",
    "column_types": "可对应的栏目类型", "name_keywords": "栏目名称关键词", "category": "类别",
    "soft": "非 19 号单项否决指标（依据较弱）", "site_veto": "全站单项否决", "latest_run": "抓取批次",
    "counting": "计数规则",
    "item_title": "信息标题", "item_url": "信息网址", "doc_no": "文号", "declared_date": "所标发布日期",
    "first_listed": "首次出现在列表中", "grace_days": "宽限天数", "first_listed_capture": "首次出现时的存档",
    "walks_without_it": "此前未列出它的翻阅", "days_since": "已过天数", "searched_for": "查找的解读名称",
    "id_cards": "身份证号码个数", "mobiles": "手机号码个数", "numbers": "号码（已遮盖）",
    "change": "变化", "previous_name": "原名称", "compared_runs": "对比的抓取批次", "portal_captures": "专栏页存档",
    "board": "留言板", "message_title": "留言标题", "asked": "留言时间", "replied": "回复时间", "days_waited": "已等待",
    "captures": "检查所依据的存档",
    "rule": "规则", "rule_source": "规则出处", "citation": "依据原文", "verification": "核实程度",
}

# The site itself says the page is not there: a broken link or a removed item.
GONE_VERDICTS = ("not_found", "soft_404")
# The site did not answer as a site should: counted towards 站点无法访问 / 链接不可用 over time.
DOWN_VERDICTS = ("server_error", "timeout", "unreachable", "redirect_loop")


def check_label(check: str) -> str:
    """The Chinese label of a check id; an unknown id (a rulebook of a newer version) as itself."""
    known = CHECKS.get(check)
    return known.zh if known else check


def severity_label(severity: str) -> str:
    return SEVERITIES[severity].zh


__all__ = ["AVAILABILITY", "CHECKS", "CRAWL_STATUSES", "DOWN_VERDICTS", "EVENTS", "EVIDENCE_KEYS", "FINDING_STATUSES", "GONE_VERDICTS", "KINDS",
           "LEVELS", "Label", "PAGE_KINDS", "SEVERITIES", "SEVERITY_RANK", "VERDICTS", "VERIFICATIONS", "check_label",
           "column_type_label", "severity_label"]
