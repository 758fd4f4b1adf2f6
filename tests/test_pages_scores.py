"""Scores as published, and the exports for people, on a small database served by `gkwatch serve`:
four check runs on one day count a vetoed agency once per run (not four times for the day), a vetoed
agency reads 「单项否决」 without a score, and every table and query downloads as CSV that Excel reads
(UTF-8 with BOM) and as XLSX, with labels, not codes."""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
from datasette_dashboards import replace_opts_in_query
from openpyxl import load_workbook

import storage
from dashboards.serve import metadata_for

from .test_serve import serving

DB = "scores"
DAY = "2026-12-08"
RUNS = 4   # four check runs on one day
AGENCIES = [  # id, name, level, score, grade, vetoed
    ("qc-zf", "青川市人民政府", "市", 100.0, "不合格", 1),   # vetoed: 单项否决, whatever its score
    ("qc-swj", "青川市对外贸易经济合作局（口岸办）", "市", 52.0, "不合格", 0),   # failing on points
    ("qc-czj", "青川市财政局", "市", 96.0, "优秀", 0),
    ("bn-swj", "北宁县商务局", "县", 84.0, "良好", 0),
]
HOSTILE_MESSAGE = '=HYPERLINK("http://evil.example/","点我")'
STALE_EVIDENCE = {"urls": ["http://127.0.0.11/zwgk/tzgg/"], "column": "通知公告", "column_type": "notice",
                  "last_item_date": "2026-04-11", "last_item_title": "关于开展2026年“双随机”抽查的通知",
                  "last_item_url": "http://127.0.0.11/zwgk/tzgg/202604/t20260411_1.html", "days_since_update": 241,
                  "threshold_days": 183, "days_overdue": 58, "rule": "栏目不更新", "verification": "VERIFIED-2nd",
                  "rule_source": "国办秘函〔2019〕19号", "citation": "国办秘函〔2019〕19号：通知公告类栏目6个月未更新"}


def build(path) -> None:
    db = storage.connect(path)
    for agency_id, name, level, *_ in AGENCIES:
        db["agencies"].insert({"id": agency_id, "name": name, "level": level, "kind": "部门", "region_code": "340400",
                               "homepage": f"http://{agency_id}.example.gov.cn/", "portal": f"http://{agency_id}.example.gov.cn/zwgk/"})
    for run in range(1, RUNS + 1):
        db["check_runs"].insert({"id": run, "as_of": DAY, "started_at": f"{DAY}T0{run}:00:00+08:00",
                                 "finished_at": f"{DAY}T0{run}:01:00+08:00", "agencies": '"all"'})
        for agency_id, _, _, score, grade, vetoed in AGENCIES:
            deductions = ({"base": 100, "total": 0.0, "items": [], "vetoes": [
                {"check": "homepage_stale", "subject": "http://qc-zf.example.gov.cn/", "message": "首页已 44 天未更新"}]}
                if vetoed else {"base": 100, "total": 100 - score, "vetoes": [], "items": [
                    {"check": "column_stale", "findings": 1, "points_each": 100 - score, "cap": 100 - score,
                     "points": 100 - score, "verification": "UNVERIFIED"}]})
            db["scorecards"].insert({"check_run_id": run, "agency_id": agency_id, "as_of": DAY, "score": score,
                                     "grade": grade, "vetoed": vetoed, "deductions": json.dumps(deductions, ensure_ascii=False),
                                     "created_at": f"{DAY}T0{run}:01:00+08:00"})
    db["findings"].insert_all([
        {"id": 1, "agency_id": "qc-zf", "check_name": "homepage_stale", "subject": "http://qc-zf.example.gov.cn/",
         "severity": "veto", "status": "open", "message": "首页已 44 天未更新（最近一条 2026-10-25），超过 14 天即单项否决",
         "evidence": json.dumps({"urls": ["http://qc-zf.example.gov.cn/"], "page": "home", "days_overdue": 30},
                                ensure_ascii=False),
         "rule": "首页不更新", "citation": "国办秘函〔2019〕19号", "observations": 4, "first_seen": DAY, "last_seen": DAY},
        {"id": 2, "agency_id": "qc-swj", "check_name": "column_stale", "subject": "http://127.0.0.11/zwgk/tzgg/",
         "severity": "deduct", "status": "open", "message": HOSTILE_MESSAGE,
         "evidence": json.dumps(STALE_EVIDENCE, ensure_ascii=False), "rule": "栏目不更新",
         "citation": "国办秘函〔2019〕19号", "observations": 4, "first_seen": DAY, "last_seen": DAY},
        {"id": 3, "agency_id": "qc-swj", "check_name": "mandatory_column_missing", "subject": "system",
         "severity": "info", "status": "resolved", "message": "政府信息公开专栏缺少「政府信息公开制度」栏目",
         "evidence": json.dumps({"urls": ["http://qc-swj.example.gov.cn/zwgk/"], "name": "政府信息公开制度"},
                                ensure_ascii=False),
         "rule": "政府信息公开专栏缺少法定一级目录", "citation": "国办公开办函〔2019〕61号", "observations": 1,
         "first_seen": DAY, "last_seen": DAY, "resolved_at": DAY}])
    db.conn.commit()
    db.close()


class Site:
    def __init__(self, base: str, db_path):
        self.base, self.db_path = base, db_path

    def get(self, path: str) -> tuple[int, dict, bytes]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=30) as response:
                return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()

    def chart(self, dashboard: str, chart: str, **filters) -> list[dict]:
        """A chart's rows as datasette-dashboards fetches them: its query, the filters' [[ ]] parts
        kept or dropped, through Datasette's JSON API."""
        spec = metadata_for(str(self.db_path))["plugins"]["datasette-dashboards"][dashboard]["charts"][chart]
        sql = replace_opts_in_query(spec["query"], filters)
        status, _, body = self.get(f"/{DB}.json?" + urllib.parse.urlencode({"sql": sql, **filters, "_shape": "objects"}))
        assert status == 200, body
        return json.loads(body)["rows"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("scores")
    db_path = work / f"{DB}.db"
    build(db_path)
    with serving(db_path, work / "serve.log") as base:
        yield Site(base, db_path)


# Overview: per check run, not per day ------------------------------------------------------------------

def test_vetoed_agencies_of_the_latest_run(site):
    assert site.chart("overview", "vetoed") == [{"n": 1}]   # was 4: every scorecard of the day


def test_grades_of_the_latest_run(site):
    assert {r["等级"]: r["机构数"] for r in site.chart("overview", "grades")} == {"不合格": 2, "优秀": 1, "良好": 1}


def test_failing_agencies_per_check_run(site):
    """Vetoed or below 60, counted once in each of the day's four runs (was one point of 8)."""
    rows = site.chart("overview", "trend-score")
    assert [(r["检查"], r["不合格机构"]) for r in rows] == [(f"{DAY} #{run}", 2) for run in range(1, RUNS + 1)]
    assert {r["平均得分"] for r in rows} == {round((52 + 96 + 84) / 3, 1)}   # the vetoed agency is not scored


def test_grades_by_level_of_the_latest_run(site):
    rows = site.chart("region", "grades-by-level")
    assert sorted((r["层级"], r["等级"], r["机构数"]) for r in rows) == [
        ("县", "良好", 1), ("市", "不合格", 2), ("市", "优秀", 1)]
    assert [r["机构数"] for r in site.chart("region", "grades-by-level", level="县")] == [1]


def test_agency_cards_of_a_vetoed_agency(site):
    assert site.chart("agency", "grade", agency="qc-zf") == [{"grade": "单项否决"}]   # was 「不合格（单项否决）」
    assert site.chart("agency", "score", agency="qc-zf") == [{"score": "—"}]          # was 100.0
    assert site.chart("agency", "score", agency="qc-swj") == [{"score": 52.0}]
    history = site.chart("agency", "score-history", agency="qc-zf")
    assert [(r["检查"], r["得分"], r["等级"]) for r in history] == [(f"{DAY} #{run}", None, "单项否决") for run in range(1, 5)]


def test_agency_scores_query_shows_a_veto_without_a_score(site):
    status, _, body = site.get(f"/{DB}/agency_scores.json?agency=qc-zf&_shape=array")
    rows = json.loads(body)
    assert status == 200 and len(rows) == RUNS
    assert {(r["等级"], r["得分"]) for r in rows} == {("单项否决", None)}   # was 「不合格 100.0」
    status, _, page = site.get(f"/{DB}/agency_scores?agency=qc-zf")
    html = page.decode("utf-8")
    assert "单项否决，不再评分" in html and "100.0" not in html and '{&#34;' not in html and '{"' not in html


def test_agency_filter_lists_names(site):
    status, _, page = site.get("/-/dashboards/agency")
    html = page.decode("utf-8")
    assert status == 200
    assert '<option value="qc-swj" >青川市对外贸易经济合作局（口岸办）（qc-swj）</option>' in html


# Exports ---------------------------------------------------------------------------------------------------

def test_export_links_on_every_table_and_query(site):
    for path in (f"/{DB}/findings", f"/{DB}/stale_columns?agency="):
        html = site.get(path)[2].decode("utf-8")
        assert "导出：" in html and ">CSV（Excel）</a>" in html and ">Excel（XLSX）</a>" in html
        assert ".csvbom?" in html and "_size=max" in html


def test_csv_for_excel_has_a_bom_and_labels(site):
    status, headers, body = site.get(f"/{DB}/findings.csvbom?_size=max")
    assert status == 200 and headers["content-type"] == "text/csv; charset=utf-8"
    assert headers["content-disposition"] == 'attachment; filename="findings.csv"'
    assert body.startswith(b"\xef\xbb\xbf") and b"\r\n" in body
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    by_id = {r["id"]: r for r in rows}
    assert (by_id["1"]["check_name"], by_id["1"]["severity"], by_id["1"]["status"]) == ("首页不更新", "单项否决", "未解决")
    assert (by_id["3"]["subject"], by_id["3"]["status"], by_id["3"]["severity"]) == ("政府信息公开制度", "已解决", "提示")
    assert by_id["2"]["message"] == "'" + HOSTILE_MESSAGE   # not a formula in Excel
    assert by_id["2"]["evidence"].splitlines()[:4] == [
        "相关网页：http://127.0.0.11/zwgk/tzgg/", "栏目：通知公告", "栏目类型：通知公告",
        "最近一条信息：关于开展2026年“双随机”抽查的通知"]
    assert '{"' not in body.decode("utf-8-sig")


def test_csv_for_excel_of_a_canned_query(site):
    status, headers, body = site.get(f"/{DB}/agency_scores.csvbom?agency=qc-zf&_size=max")
    assert status == 200 and body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == RUNS and {(r["等级"], r["得分"], r["扣分明细"]) for r in rows} == {
        ("单项否决", "", "单项否决，不再评分：首页不更新：首页已 44 天未更新")}


def test_xlsx_opens_with_labels_and_text(site):
    status, headers, body = site.get(f"/{DB}/findings.xlsx?_size=max")
    assert status == 200
    assert headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(body))
    sheet = book.active
    assert sheet.title == "检查发现"
    rows = list(sheet.iter_rows(values_only=True))
    header, data = rows[0], {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
    assert header[:4] == ("id", "agency_id", "check_name", "subject")
    assert data[1]["check_name"] == "首页不更新" and data[1]["severity"] == "单项否决"
    assert data[2]["message"] == HOSTILE_MESSAGE   # kept as text, exactly
    assert sheet.cell(row=[r[0] for r in rows].index(2) + 1, column=header.index("message") + 1).data_type == "s"
    assert data[3]["subject"] == "政府信息公开制度"


def test_xlsx_of_a_canned_query(site):
    status, _, body = site.get(f"/{DB}/agency_scores.xlsx?agency=&_size=max")
    sheet = load_workbook(io.BytesIO(body)).active
    assert status == 200 and sheet.title == "机构评分"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("机构", "层级", "区划代码") and len(rows) == 1 + RUNS * len(AGENCIES)
    vetoed = [r for r in rows[1:] if r[0] == "青川市人民政府"]
    assert {(r[rows[0].index("等级")], r[rows[0].index("得分")]) for r in vetoed} == {("单项否决", None)}
