"""The pages' words without a server: Datasette's own templates patched into Chinese (every phrase held
to the pinned Datasette and datasette-dashboards), the labels every code is shown by, and a finding's
evidence and a scorecard's deductions as people read them."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import datasette
import pytest
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader

from core import vocabulary
from dashboards import chrome, labels
from dashboards.finding_page import capture_links, finding_page, live_url, timeline
from monitors import rulebook

from .conftest import ROOT

STOCK = {Path(d).name: d for d in chrome.STOCK_DIRS}


def stock_source(name: str) -> str:
    for directory in chrome.STOCK_DIRS:
        path = Path(directory) / name
        if path.exists():
            return path.read_text(encoding="utf-8")
    raise AssertionError(f"{name} is not a template of the pinned Datasette or datasette-dashboards")


def test_pinned_versions():
    """The patches are written against these versions (pyproject pins datasette <1)."""
    from importlib.metadata import version

    assert datasette.__version__ == "0.65.5"
    assert version("datasette-dashboards") == "0.8.0"


@pytest.mark.parametrize("name", list(chrome.PATCHES))
def test_every_phrase_is_in_the_pinned_template(name):
    source = stock_source(name)
    missing = [old for old, _ in chrome.PATCHES[name] if old not in source]
    assert missing == []
    patched = chrome.patch(name, source)
    assert all(new in patched for _, new in chrome.PATCHES[name])


@pytest.mark.parametrize("name", list(chrome.PATCHES))
def test_patched_templates_compile(name):
    env = Environment(loader=chrome.PatchingLoader(ChoiceLoader([
        FileSystemLoader(str(ROOT / "dashboards" / "templates")),
        PrefixLoader({"default": FileSystemLoader(list(chrome.STOCK_DIRS))}, delimiter=":"),
        FileSystemLoader(list(chrome.STOCK_DIRS))])), autoescape=True, enable_async=True)
    env.filters.update(zh=str, zh_description=str, short_label=str, titled=str, escape_css_string=str,
                       to_css_class=str, escape_sqlite=str, quote_plus=str)
    template = env.get_template(name)
    assert template is not None
    # our own templates are not patched: index.html is ours
    assert "home_dashboards" in env.loader.get_source(env, "index.html")[0]


def test_human_description_in_chinese():
    assert chrome.zh_description('where check_name = "column_stale" and status = "open" sorted by last_seen descending') \
        == '条件：check_name = "column_stale"，且 status = "open"，按 last_seen 降序'
    assert chrome.zh_description('where search matches "年报 and 预算" sorted by published') \
        == '条件：搜索 "年报 and 预算" 按 published 排序'
    assert chrome.zh_description("sorted by id") == "按 id 排序"
    assert chrome.zh_description('where title contains "通知" and id > 5') == '条件：title 包含 "通知"，且 id > 5'


def test_search_alternatives():
    assert chrome.search_alternatives("年报") == ["年度报告"]
    assert chrome.search_alternatives("2023年度报告") == ["2023年报"]
    assert chrome.search_alternatives("通知") == []


def test_short_column_labels():
    assert chrome.short_label("检查项 (check)") == "检查项"
    assert chrome.short_label("对象：栏目网址、年度或链接 (what the finding is about)") == "对象"
    assert chrome.short_label("状态：open 未解决 / resolved 已解决 (status)") == "状态"


# Labels --------------------------------------------------------------------------------------------------

def test_codes_are_shown_by_their_labels():
    assert labels.label("check", "column_stale") == "栏目不更新"
    assert labels.label("severity", "info") == "提示"
    assert labels.label("status", "open") == "未解决"
    assert labels.label("event", "reopened") == "重新出现"
    assert labels.label("verdict", "blocked") == "被反爬虫拦截"
    assert labels.label("page_kind", "portal") == "政务公开专栏首页"
    assert labels.label("column_type", "system") == "政府信息公开制度"
    assert labels.label("crawl_status", "stopped: closespider_timeout") == "已停止：closespider_timeout"
    assert labels.label("verification", "VERIFIED-2nd") == "据转载或地方文件核对"
    assert labels.label("check", None) is None and labels.label("severity", "newer") == "newer"


def test_every_verification_level_of_the_rulebook_has_a_label():
    assert set(vocabulary.VERIFICATIONS) == set(rulebook.VERIFICATIONS)


def test_a_missing_column_is_named_not_coded():
    assert labels.subject_label("mandatory_column_missing", "system", {"name": "政府信息公开制度"}) == "政府信息公开制度"
    assert labels.subject_label("mandatory_column_missing", "system", None) == "政府信息公开制度"
    assert labels.subject_label("column_stale", "http://x.gov.cn/a/", {}) == "http://x.gov.cn/a/"


def _evidence_keys_written_by_the_checks() -> set[str]:
    """Every keyword a check passes to ``rule_fields`` (and the report checks to their ``add``), read
    from monitors/checks/*.py, plus the keys rule_fields itself writes."""
    keys = {"rule_source", "citation", "verification"}
    for path in (ROOT / "monitors" / "checks").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("rule_fields", "add"):
                keys |= {k.arg for k in node.keywords if k.arg}
    return keys - {"ctx"}


def test_every_evidence_key_a_check_writes_has_a_chinese_label():
    keys = _evidence_keys_written_by_the_checks()
    assert {"last_item_title", "last_item_url", "days_overdue", "on_pages", "detail"} <= keys
    assert sorted(keys - set(vocabulary.EVIDENCE_KEYS)) == []


STALE = {
    "citation": "国办秘函〔2019〕19号：「监测时间点前2周内的动态、要闻类栏目」未更新", "column": "新闻动态", "column_type": "news",
    "days_overdue": 31, "days_since_update": 45, "last_item_date": "2026-10-24",
    "last_item_title": "区商务局党组理论学习中心组开展2026年第7次集体学习",
    "last_item_url": "http://127.0.0.18:8700/art/2026/10/24/art_63224_269987.html", "rule": "栏目不更新",
    "rule_source": "国务院办公厅秘书局《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）", "site_veto": [], "soft": False,
    "threshold_days": 14, "urls": ["http://127.0.0.18:8700/col/col63224/index.html"], "verification": "VERIFIED-2nd"}


def test_stale_column_evidence_reads_as_a_list():
    fields = [(name, str(value)) for name, value in labels.evidence_fields(STALE, rule=False)]
    assert fields == [
        ("相关网页", '<ul class="evidence-list"><li><a href="http://127.0.0.18:8700/col/col63224/index.html">'
                    "http://127.0.0.18:8700/col/col63224/index.html</a></li></ul>"),
        ("栏目", "新闻动态"), ("栏目类型", "工作动态"),
        ("最近一条信息", '<a href="http://127.0.0.18:8700/art/2026/10/24/art_63224_269987.html">'
                     "区商务局党组理论学习中心组开展2026年第7次集体学习</a>"),
        ("最近一条发布日期", "2026-10-24"), ("未更新天数", "45 天"), ("规定期限", "14 天"), ("超期天数", "31 天"),
        ("非 19 号单项否决指标（依据较弱）", "否")]
    with_rule = dict(labels.evidence_fields(STALE))
    assert with_rule["核实程度"] == "据转载或地方文件核对" and with_rule["规则"] == "栏目不更新"


def test_report_balance_detail_is_a_table_and_text_is_escaped():
    evidence = {"columns": ["申请人情况/自然人"], "report_year": 2023, "title": "<b>年报</b>",
                "detail": [{"col": "申请人情况/自然人", "new": 7, "carried": 1, "total": 6, "carry_out": 0}]}
    fields = dict(labels.evidence_fields(evidence))
    assert fields["不符的栏"] == "自然人"
    assert fields["标题"] == "&lt;b&gt;年报&lt;/b&gt;"
    assert str(fields["明细"]) == (
        '<table class="evidence-detail"><thead><tr><th>栏</th><th>本年新收</th><th>上年结转</th><th>（七）总计</th>'
        "<th>结转下年度</th></tr></thead><tbody><tr><td>申请人情况/自然人</td><td>7</td><td>1</td><td>6</td><td>0</td>"
        "</tr></tbody></table>")


def test_json_cells_and_their_text():
    cell = str(labels.json_cell("evidence", json.dumps(STALE, ensure_ascii=False)))
    assert cell.startswith('<details class="evidence"><summary>证据 9 项</summary><dl class="evidence">')
    assert '{"' not in cell and "news" not in cell
    text = labels.json_text("evidence", json.dumps(STALE, ensure_ascii=False))
    assert text.splitlines()[:3] == ["相关网页：http://127.0.0.18:8700/col/col63224/index.html", "栏目：新闻动态", "栏目类型：工作动态"]
    assert labels.json_cell("evidence", "not json") is None and labels.json_cell("evidence", "[1]") is None


def test_deductions_read_as_the_19_model():
    vetoed = {"base": 100, "total": 0.0, "items": [], "vetoes": [
        {"check": "homepage_stale", "subject": "http://x/", "message": "首页已 44 天未更新"}]}
    assert labels.json_text("deductions", json.dumps(vetoed)) == "单项否决，不再评分：首页不更新：首页已 44 天未更新"
    deducted = {"base": 100, "total": 12.0, "vetoes": [], "items": [
        {"check": "broken_link", "findings": 1, "points_each": 1, "cap": 10, "points": 1, "verification": "UNVERIFIED"},
        {"check": "column_empty", "findings": 6, "points_each": 2, "cap": 10, "points": 10, "verification": "UNVERIFIED"}]}
    assert labels.json_text("deductions", json.dumps(deducted)) == (
        "满分 100，扣 12 分（各项分值为 gkwatch 暂定，未找到原文）：链接不可用 1 处 × 1 分 = 1 分；"
        "空白栏目 6 处 × 2 分（上限 10 分） = 10 分")
    assert labels.json_text("deductions", json.dumps({"base": 100, "items": [], "vetoes": []})) == "满分 100，未扣分"


# A finding's page --------------------------------------------------------------------------------------------

FINDING = {"id": 5, "agency_id": "sb-wuxing-swj", "check_name": "column_stale",
           "subject": "http://127.0.0.18:8700/col/col63224/index.html", "severity": "deduct", "status": "open",
           "message": "栏目「新闻动态」已 45 天未更新", "evidence": json.dumps(STALE, ensure_ascii=False),
           "rule": "栏目不更新", "citation": STALE["citation"], "observations": 2, "first_seen": "2026-11-20",
           "last_seen": "2026-12-08", "resolved_at": None, "times_reopened": 1}
EVENTS = [{"event": "opened", "severity": "info", "as_of": "2026-11-20"},
          {"event": "escalated", "severity": "deduct", "as_of": "2026-11-27"},
          {"event": "resolved", "severity": "deduct", "as_of": "2026-12-01"},
          {"event": "reopened", "severity": "deduct", "as_of": "2026-12-04"}]
SHA = "d" * 64


def test_finding_page_of_a_stale_column():
    judged = {**FINDING, "evidence": json.dumps({**json.loads(FINDING["evidence"]), "captures": [
        {"url": FINDING["subject"], "capture_id": 7, "sha256": SHA, "captured_at": "2026-12-08T03:55:49+08:00"}]})}
    page = finding_page("demo", judged, {"name": "武兴区商务局", "portal": "http://127.0.0.18:8700/"}, EVENTS,
                        {FINDING["subject"]: {"warc_path": f"ee/{'e' * 64}.warc.gz", "fetched_at": "2026-12-09"}},
                        {7: {"id": 7, "url": FINDING["subject"], "warc_path": f"dd/{SHA}.warc.gz",
                             "captured_at": "2026-12-08T03:55:49+08:00", "content_hash": SHA}})
    assert (page.headline, page.check, page.severity, page.status, page.agency_name) == (
        "栏目「新闻动态」已 45 天未更新", "栏目不更新", "扣分", "未解决", "武兴区商务局")
    assert page.live_url == FINDING["subject"]
    # the capture it was judged on, not the page's latest copy
    assert page.captures == [{"url": FINDING["subject"], "open": "/-/archive/demo/7", "sha256": SHA,
                              "download": f"/-/evidence/demo/dd/{SHA}.warc.gz", "captured_at": "2026-12-08T03:55:49+08:00"}]
    assert [(s.day, s.what, s.severity) for s in page.timeline] == [
        ("2026-11-20", "新问题", "提示"), ("2026-11-27", "严重程度上升", "扣分"), ("2026-12-01", "已解决", "扣分"),
        ("2026-12-04", "重新出现", "扣分"), ("2026-12-08", "最近一次确认", "扣分")]
    assert "相关网页" not in dict(page.facts)   # the subject itself: shown once, as the page
    assert page.verification == "据转载或地方文件核对"


def test_a_late_report_links_to_the_report_and_a_missing_one_to_the_portal():
    late = {**FINDING, "check_name": "annual_report_late", "subject": "2024",
            "evidence": json.dumps({"urls": ["http://127.0.0.18:8700/art/2025/3/20/art_1.html"], "report_year": 2024})}
    missing = {**FINDING, "check_name": "annual_report_missing", "subject": "2022",
               "evidence": json.dumps({"urls": ["http://127.0.0.17:8700/zwgk/"], "report_year": 2022})}
    agency = {"portal": "http://127.0.0.17:8700/zwgk/", "homepage": "http://127.0.0.17:8700/"}
    assert live_url(late, json.loads(late["evidence"]), agency) == "http://127.0.0.18:8700/art/2025/3/20/art_1.html"
    assert live_url(missing, json.loads(missing["evidence"]), agency) == "http://127.0.0.17:8700/zwgk/"


def test_a_capture_is_linked_only_by_its_hash_path():
    broken = {**FINDING, "check_name": "broken_link", "subject": "http://x/a.doc",
              "evidence": json.dumps({"urls": ["http://x/a.doc", "http://x/p.html"], "on_pages": ["http://x/p.html"]})}
    pages = {"http://x/p.html": {"warc_path": f"dd/{SHA}.warc.gz", "fetched_at": "t"}}
    assert capture_links("db", broken, {}, pages)[0]["url"] == "http://x/p.html"   # the page the link is on
    assert capture_links("db", broken, {}, {"http://x/p.html": {"warc_path": "../../etc/passwd"}}) == []
    assert timeline({**FINDING, "status": "resolved"}, EVENTS[:1])[-1].what == "新问题"
