"""`gkwatch report` and /-/report/<id>: an agency's 监测报告 as PDF, Word and HTML, and in Datasette.

One agency (tests/checkdb.py) checked on three days: on 11-02 a stale 商务要闻, a broken link, a 2023
report missing, the 2025 report late, and a second broken link (fixed by 11-12); on 11-12 an empty
政府采购 column; on 11-22 the home page and 工作动态 are stale (the home page a veto)."""

from __future__ import annotations

import asyncio
import re
import subprocess
import urllib.request
from pathlib import Path

import docx
import lxml.html
import pytest
import yaml
from playwright.sync_api import sync_playwright

import storage.records
from core.vocabulary import CHECKS, SEVERITIES
from dashboards.agency_report import build_report
from extract.reports import SECTIONS

from .checkdb import AS_OF, D, check, clean_site, days_before, new_db
from .conftest import ROOT, run_gkwatch
from .test_serve import CHROMIUM_ARGS, serving

AGENCY = "qingchuan-swj"
NAME = "青川市商务局"
FIRST, SECOND = days_before(AS_OF, 20), days_before(AS_OF, 10)
OPEN_ON_22 = ["首页不更新", "栏目不更新", "空白栏目", "年报缺失", "年报逾期", "链接不可用"]


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "gkwatch.db"
    db = new_db(path)
    site = clean_site(db, day=FIRST)
    late, missing = (f"{NAME}{year}年政府信息公开工作年度报告" for year in (2025, 2023))
    db.execute("UPDATE items SET published = '2026-03-10' WHERE title = ?", [late])
    db.execute("DELETE FROM listings WHERE item_id = (SELECT id FROM items WHERE title = ?)", [missing])
    db.execute("DELETE FROM items WHERE title = ?", [missing])
    db.conn.commit()
    for year, published, media in ((2025, "2026-03-10", "html"), (2024, "2025-01-20", "pdf")):
        url = db.execute("SELECT url FROM items WHERE title = ?", [f"{NAME}{year}年政府信息公开工作年度报告"]).fetchone()[0]
        storage.records.upsert_report(db, AGENCY, None, url, {
            "year": year, "title": f"{NAME}{year}年政府信息公开工作年度报告", "published": published, "format": "2021",
            "media": media, "sections": [name for name, _ in SECTIONS], "figures": {}, "tables": {}, "problems": []})
    site.column("news", "商务要闻", "/xxgk/fdzdgknr/swyw/", [D("2026-06-01"), D("2026-05-02")],
                parent="/xxgk/fdzdgknr/", titles=["青川市商务局召开外贸企业座谈会", "青川市商务局开展安全生产检查"])
    broken, fixed = site.url("/xxgk/bszn/index.html"), site.url("/xxgk/old/wsbs.html")
    site.crawl(FIRST, links=[(site.portal, broken, 404), (site.portal, fixed, 404)])
    check(db, FIRST)
    site.column("procurement", "政府采购", "/xxgk/fdzdgknr/zfcg/", parent="/xxgk/fdzdgknr/")
    site.crawl(SECOND, links=[(site.portal, broken, 404), (site.portal, fixed, 200)])
    check(db, SECOND)
    site.crawl(AS_OF, home_latest=days_before(AS_OF, 30).isoformat(), links=[(site.portal, broken, 404)])
    check(db, AS_OF)
    db.close()
    return path


def report(db_path, *args) -> subprocess.CompletedProcess:
    return run_gkwatch("report", "--agency", AGENCY, "--db", db_path, *args)


def test_the_database_holds_what_the_report_is_about(db_path):
    conn = storage.connect(db_path).conn
    open_now = {c for (c,) in conn.execute("SELECT check_name FROM findings WHERE agency_id = ? AND status = 'open'",
                                           [AGENCY])}
    assert sorted(CHECKS[c].zh for c in open_now) == sorted(OPEN_ON_22)
    assert conn.execute("SELECT count(*) FROM findings WHERE status = 'open'").fetchone()[0] == 7


def test_pdf_holds_the_agency_and_every_open_rule(db_path, tmp_path):
    out = tmp_path / "report.pdf"
    result = report(db_path, "--format", "pdf", "-o", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (f"{NAME}政务公开监测报告 · 截至 as of 2026-11-22 · 未解决问题 open findings 7 · "
                                     f"不合格（单项否决）: {out}")
    assert out.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", out, "-"], capture_output=True, text=True, check=True).stdout
    assert f"{NAME}政务公开监测报告" in text
    for label in OPEN_ON_22:
        assert label in text, label
    assert "A4" in subprocess.run(["pdfinfo", out], capture_output=True, text=True, check=True).stdout


def test_docx_holds_the_agency_and_every_open_rule(db_path, tmp_path):
    out = tmp_path / "report.docx"
    assert report(db_path, "-o", out).returncode == 0      # the format from the suffix
    document = docx.Document(str(out))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == f"{NAME}政务公开监测报告"
    groups = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert groups == ["（一）首页不更新（1 项）", "（二）栏目不更新（2 项）", "（三）空白栏目（1 项）",
                      "（四）年报缺失（1 项）", "（五）年报逾期（1 项）", "（六）链接不可用（1 项）"]
    assert "机构名称：青川市商务局" in paragraphs
    assert "未解决问题：单项否决 1 项；扣分 6 项；提示 0 项" in paragraphs
    assert "最近一条信息：青川市商务局召开外贸企业座谈会" in paragraphs
    scores, _, reports = ([[c.text for c in row.cells] for row in table.rows] for table in document.tables)
    assert scores == [["检查日期", "检查次数", "得分", "等级"], ["2026-11-02", "1", "89", "良好"],
                      ["2026-11-12", "1", "88", "良好"], ["2026-11-22", "1", "不评分（单项否决）", "不合格（单项否决）"]]
    assert [row[0] for row in reports[1:]] == ["2025", "2024", "2023"]
    assert [row[2:] for row in reports[1:]] == [
        ["2026-03-10", "逾期 38 天（法定期限 2026-01-31）", "网页、2021 年格式"],
        ["2025-01-20", "未发现逾期", "PDF、2021 年格式"],
        ["—", "未发布（法定期限 2024-01-31，已逾期 1026 天）", "—"]]


# Codes and raw JSON a person must never see: check ids, severities, statuses, verification marks.
CODES = re.compile(r"(?<![A-Za-z_])(" + "|".join([*CHECKS, *SEVERITIES, "open", "resolved", "VERIFIED", "UNVERIFIED"])
                   + r")(?![A-Za-z_])")
JSON = re.compile(r'[{}]|"\w+":|\[\s*"')


def visible_text(html: str) -> str:
    body = lxml.html.fromstring(html).body
    return body.text_content()


def test_html_shows_labels_not_codes_or_json(db_path, tmp_path):
    out = tmp_path / "report.html"
    assert report(db_path, "--format", "html", "-o", out).returncode == 0
    text = visible_text(out.read_text(encoding="utf-8"))
    assert CODES.findall(text) == [] and JSON.findall(text) == []
    for words in ("法律依据", "条例第四十九条", "自2026年11月2日起", "监测期间：2026年11月2日至2026年11月22日（北京时间）",
                  "如对某项结论有异议"):
        assert words in text


def test_as_of_reports_the_findings_open_on_that_day(db_path, tmp_path):
    out = tmp_path / "first.html"
    result = report(db_path, "--as-of", FIRST.isoformat(), "-o", out)
    assert result.returncode == 0, result.stderr
    text = visible_text(out.read_text(encoding="utf-8"))
    assert "截至2026年11月2日，该机构网站存在扣分问题 5 项；2026年11月2日检查得分 89 分，等级为良好。" in text
    assert "空白栏目" not in text and "首页不更新" not in text          # opened on 11-12 and 11-22
    assert "http://swj.qingchuan.example.gov.cn/xxgk/old/wsbs.html" in text   # open then, fixed by 11-12
    conn = storage.connect(db_path).conn
    counts = {day: [(g.label, len(g.findings)) for g in build_report(conn, AGENCY, day).groups]
              for day in (FIRST, SECOND, AS_OF)}
    assert counts == {
        FIRST: [("栏目不更新", 1), ("年报缺失", 1), ("年报逾期", 1), ("链接不可用", 2)],
        SECOND: [("栏目不更新", 1), ("空白栏目", 1), ("年报缺失", 1), ("年报逾期", 1), ("链接不可用", 1)],
        AS_OF: [("首页不更新", 1), ("栏目不更新", 2), ("空白栏目", 1), ("年报缺失", 1), ("年报逾期", 1), ("链接不可用", 1)],
    }
    assert [row.days for row in build_report(conn, AGENCY, SECOND).scores] == ["2026-11-02", "2026-11-12"]


def test_unknown_agency_missing_database_and_no_chromium(db_path, tmp_path):
    unknown = run_gkwatch("report", "--agency", "no-such-agency", "--db", db_path, "-o", tmp_path / "x.pdf")
    assert unknown.returncode == 3
    assert unknown.stderr.strip() == "错误 (error): 数据库中没有这些机构 (unknown agencies): no-such-agency"
    missing = tmp_path / "missing.db"
    result = report(missing, "-o", tmp_path / "x.html")
    assert result.returncode == 3 and "数据库不存在" in result.stderr and not missing.exists()
    config = tmp_path / "gkwatch.toml"
    config.write_text('[crawl]\nchromium = "/nonexistent/chromium"\n', encoding="utf-8")
    result = run_gkwatch("--config", config, "report", "--agency", AGENCY, "--db", db_path, "-o", tmp_path / "x.pdf")
    assert result.returncode == 4 and result.stderr.startswith("错误 (error): Chromium 无法打印 PDF")
    assert not (tmp_path / "x.pdf").exists()


def test_the_datasette_page_and_its_errors(db_path):
    from datasette.app import Datasette

    async def get(*paths):
        datasette = Datasette([str(db_path)], plugins_dir=str(ROOT / "dashboards" / "plugins"))
        return [await datasette.client.get(path) for path in paths]

    page, old, unknown, bad = asyncio.run(get(f"/-/report/{AGENCY}", f"/-/report/{AGENCY}?as_of=2026-11-02",
                                              "/-/report/nobody", f"/-/report/{AGENCY}?as_of=11-02"))
    assert page.status_code == 200 and f"<h1>{NAME}政务公开监测报告</h1>" in page.text
    assert f'href="/-/dashboards/agency?agency={AGENCY}"' in page.text
    assert re.search(r'href="/gkwatch/findings/\d+">问题页面', page.text)
    assert old.status_code == 200 and "截至2026年11月2日" in old.text and "空白栏目" not in visible_text(old.text)
    assert (unknown.status_code, bad.status_code) == (404, 400)
    assert "没有这个机构：nobody" in unknown.text and "日期 11-02 无效" in bad.text


def test_the_agency_dashboard_links_to_the_report(db_path):
    dashboard = yaml.safe_load((ROOT / "dashboards" / "metadata.yml").read_text(encoding="utf-8"))
    query = dashboard["plugins"]["datasette-dashboards"]["agency"]["charts"]["open"]["query"]
    conn = storage.connect(db_path).conn
    assert conn.execute(query, {"agency": AGENCY}).fetchone()[0] == (
        f'7 <a href="/-/report/{AGENCY}" style="font-size: 1rem; font-weight: normal">监测报告 ›</a>')
    assert conn.execute(query, {"agency": ""}).fetchone()[0] == "0"
    assert conn.execute(query, {"agency": '"><script>'}).fetchone()[0] == "0"


def test_the_report_page_in_a_browser(db_path):
    """`gkwatch serve`, the agency dashboard's link followed in Chromium: the report's visible text."""
    with serving(db_path, db_path.with_suffix(".serve.log")) as base:
        with urllib.request.urlopen(f"{base}/-/report/{AGENCY}", timeout=30) as response:
            assert response.status == 200
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1000, "height": 900}, locale="zh-CN")
            page.goto(f"{base}/-/dashboards/agency?agency={AGENCY}")
            page.click("#chart-open a")
            page.wait_for_url(f"{base}/-/report/{AGENCY}")
            text = page.inner_text("body")
            browser.close()
    assert CODES.findall(text) == [] and JSON.findall(text) == []
    assert text.startswith("← 机构看板") and f"{NAME}政务公开监测报告" in text
    assert all(label in text for label in OPEN_ON_22)
