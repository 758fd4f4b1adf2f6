"""Annual reports (政府信息公开工作年度报告): the real 平潭 2023 report (2021 template) cell for cell, the
2013 地税局 free-text report, seeds 001 (宣城 2015) and 004 (广州 2009), scanned PDFs, truncated pages,
title recognition, storage, and `gkwatch extract report`."""

from __future__ import annotations

import json

import pytest

from extract import is_report_title, parse_report, report_requests
from extract.reports import REQUEST_COLS, REVIEW_COLS
from monitors.checks.report_judge import judge
from monitors.checks.reports import report_timeliness
from monitors.rulebook import load

from .conftest import FILES, REAL_PAGES, real_pages, run_gkwatch, seed

REPORTS = real_pages("report")
PINGTAN = {"file": "pingtan_annual_report_2023.html", **REPORTS["pingtan_annual_report_2023.html"]}
DISHUI = {"file": "pingtan_dishui_annual_report_2013.html", **REPORTS["pingtan_dishui_annual_report_2013.html"]}
CONTRACT_KEYS = ["year", "agency", "published", "format", "sections", "tables", "figures", "problems"]
SIX = ["总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况",
       "存在的主要问题及改进情况", "其他需要报告的事项"]


def parse_file(name: str, url: str):
    return parse_report((REAL_PAGES / name).read_bytes(), url)


@pytest.fixture(scope="module")
def pingtan():
    return parse_file(PINGTAN["file"], PINGTAN["url"]).to_json()


def matching(cells: list[dict], rows: list[str], cols: list[str]) -> list[dict]:
    return [c for c in cells if all(r in c["row"] for r in rows) and all(k in c["col"] for k in cols)]


@pytest.mark.parametrize("table, rows, cols, value", PINGTAN["expect"]["cells"],
                         ids=lambda v: "/".join(v) if isinstance(v, list) else str(v))
def test_pingtan_2023_every_expected_cell(pingtan, table, rows, cols, value):
    hits = matching(pingtan["tables"][table], rows, cols)
    assert [c["value"] for c in hits] == [value], hits


def test_pingtan_2023_report_fields_and_table_shapes(pingtan):
    expect = PINGTAN["expect"]
    assert list(pingtan) == CONTRACT_KEYS
    assert (pingtan["year"], pingtan["published"], pingtan["format"]) == (2023, "2024-03-08", "2021")
    assert pingtan["agency"] == "平潭综合实验区"
    assert pingtan["sections"] == SIX
    assert pingtan["problems"] == []
    tables = pingtan["tables"]
    assert len(tables["requests"]) == 25 * 7 and {c["col"] for c in tables["requests"]} == set(REQUEST_COLS)
    assert [c["col"] for c in tables["review_litigation"]] == list(REVIEW_COLS)
    assert {c["row"] for c in tables["review_litigation"]} == {""}
    active = {(c["row"], c["col"]): c["value"] for c in tables["active"]}
    assert active == {
        ("第二十条第（一）项/规章", "本年制发件数"): 0, ("第二十条第（一）项/规章", "本年废止件数"): 0,
        ("第二十条第（一）项/规章", "现行有效件数"): 0,
        ("第二十条第（一）项/行政规范性文件", "本年制发件数"): 77, ("第二十条第（一）项/行政规范性文件", "本年废止件数"): 132,
        ("第二十条第（一）项/行政规范性文件", "现行有效件数"): 470,
        ("第二十条第（五）项/行政许可", "本年处理决定数量"): 2629,
        ("第二十条第（六）项/行政处罚", "本年处理决定数量"): 1330, ("第二十条第（六）项/行政强制", "本年处理决定数量"): 54,
        ("第二十条第（八）项/行政事业性收费", "本年收费金额（单位：万元）"): 5949.088667,
    }
    row = "三、本年度办理结果/（三）不予公开/4.保护第三方合法权益"
    assert [c["value"] for c in tables["requests"] if c["row"] == row] == [1, 0, 0, 0, 0, 0, 1]
    assert pingtan["figures"]["active_disclosed"] == 13561
    assert len(expect["cells"]) == 36


def test_dishui_2013_free_text_figures():
    report = parse_file(DISHUI["file"], DISHUI["url"]).to_json()
    assert (report["year"], report["published"], report["format"]) == (2013, "2014-02-25", "free")
    assert report["agency"] == "平潭综合实验区地方税务局"
    assert report["tables"] == {"active": [], "requests": [], "review_litigation": []}
    assert report["figures"] == {"active_disclosed": 45, "requests_received": 0, "reviews": 0, "fees_wan_yuan": 1}
    assert report["problems"] == []


def test_seed_001_xuancheng_2015_on_time():
    report = parse_report(seed("001").read_bytes(), "https://www.xuancheng.gov.cn/").to_json()
    assert (report["year"], report["agency"], report["published"], report["format"]) == (
        2015, "宣城市商务局", "2016-01-13", "free")
    # 「2015年,我局网站发布信息1389条」「未发生因政府信息公开申请行政复议、提起行政诉讼的情况」
    assert report["figures"] == {"active_disclosed": 1389, "reviews": 0, "lawsuits": 0}
    rules = load().for_agency({"id": "xuancheng-swj", "level": "市", "kind": "部门"})
    timing = report_timeliness(rules, report["year"], report["published"])
    assert timing["deadline"] == "2016-03-31" and timing["on_time"] is True and timing["days_late"] == 0


def test_seed_004_guangzhou_2009_late_under_the_2007_rule():
    report = parse_report(seed("004").read_bytes(), "https://www.gz.gov.cn/").to_json()
    assert (report["year"], report["agency"], report["published"], report["format"]) == (
        2009, "市经贸委", "2010-10-18", "free")
    # 「广州经贸网发布信息总量10711篇，公开政务信息共3121篇」; no request or 复议/诉讼 figure is stated
    assert report["figures"] == {"active_disclosed": 3121}
    rules = load().for_agency({"id": "gz-jmw", "level": "市", "kind": "部门"})
    timing = report_timeliness(rules, report["year"], report["published"])
    assert timing == {"deadline": "2010-03-31", "on_time": False, "days_late": 201,
                      "citation": timing["citation"]}
    assert "第三十一条" in timing["citation"]


def scanned_pdf() -> bytes:
    from fpdf import FPDF
    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(200, 200, 200)
    pdf.rect(20, 20, 170, 250, style="F")   # a "scan": drawing only, no text layer
    return bytes(pdf.output())


def test_scanned_pdf_is_a_problem_not_a_crash():
    report = parse_report(scanned_pdf(), "http://example.gov.cn/nb/2023.pdf").to_json()
    assert list(report) == CONTRACT_KEYS
    assert report["format"] == "free" and report["tables"] == {"active": [], "requests": [], "review_litigation": []}
    assert [p["kind"] for p in report["problems"]] == ["scanned"]
    assert "扫描件" in report["problems"][0]["message"]


def test_garbage_and_empty_bodies_never_crash():
    for body in (b"", b"%PDF-1.4 garbage", b"PK\x03\x04 not a zip", b"\xd0\xcf\x11\xe0old doc"):
        report = parse_report(body, "http://example.gov.cn/x").to_json()
        assert list(report) == CONTRACT_KEYS and report["problems"], body


def test_truncated_html_is_a_problem():
    html = (REAL_PAGES / PINGTAN["file"]).read_bytes()
    cut = html[:html.index("（五）不予处理".encode())]
    report = parse_report(cut, PINGTAN["url"]).to_json()
    kinds = [p["kind"] for p in report["problems"]]
    assert "truncated" in kinds and "table_incomplete" in kinds
    missing = next(p for p in report["problems"] if p["kind"] == "table_incomplete")["missing"]
    assert missing == ["（七）总计", "结转下年度"]
    # what was there is still read, cell for cell
    assert matching(report["tables"]["requests"], ["本机关不掌握"], ["自然人"])[0]["value"] == 31


TRIAL = """<html><body><div class="content">
<p>某某区城市管理局2019年政府信息公开工作年度报告</p>
<p>一、总体情况</p><p>二、主动公开政府信息情况</p>
<table>
<tr><td colspan="4">第二十条第（一）项</td></tr>
<tr><td>信息内容</td><td>本年新<br>制作数量</td><td>本年新<br/>公开数量</td><td>对外公开总数量</td></tr>
<tr><td>规章</td><td>&nbsp;</td><td>0</td><td>0</td></tr>
<tr><td>规范性文件</td><td>3</td><td>3件</td><td>41</td></tr>
<tr><td colspan="4">第二十条第（八）项</td></tr>
<tr><td>信息内容</td><td>上一年项目数量</td><td colspan="2">本年增/减</td></tr>
<tr><td>行政事业性收费</td><td>2</td><td colspan="2">-1</td></tr>
<tr><td colspan="4">第二十条第（九）项</td></tr>
<tr><td>信息内容</td><td>采购项目数量</td><td colspan="2">采购总金额</td></tr>
<tr><td>政府集中采购</td><td>4</td><td colspan="2">251000元</td></tr>
</table>
<p>三、收到和处理政府信息公开申请情况</p><p>四、政府信息公开行政复议、行政诉讼情况</p>
<p>五、存在的主要问题及改进情况</p><p>六、其他需要报告的事项</p>
</div></body></html>"""


def test_trial_format_labels_units_and_blanks():
    report = parse_report(TRIAL.encode(), "http://example.gov.cn/nb/2019.html").to_json()
    assert report["year"] == 2019 and report["format"] == "2019"
    assert report["tables"]["active"] == [
        {"row": "第二十条第（一）项/规章", "col": "本年新制作数量", "value": None},
        {"row": "第二十条第（一）项/规章", "col": "本年新公开数量", "value": 0},
        {"row": "第二十条第（一）项/规章", "col": "对外公开总数量", "value": 0},
        {"row": "第二十条第（一）项/规范性文件", "col": "本年新制作数量", "value": 3},
        {"row": "第二十条第（一）项/规范性文件", "col": "本年新公开数量", "value": 3},
        {"row": "第二十条第（一）项/规范性文件", "col": "对外公开总数量", "value": 41},
        {"row": "第二十条第（八）项/行政事业性收费", "col": "上一年项目数量", "value": 2},
        {"row": "第二十条第（八）项/行政事业性收费", "col": "本年增/减", "value": -1},
        {"row": "第二十条第（九）项/政府集中采购", "col": "采购项目数量", "value": 4},
        {"row": "第二十条第（九）项/政府集中采购", "col": "采购总金额", "value": 251000},
    ]
    assert report["sections"] == SIX
    kinds = [p["kind"] for p in report["problems"]]
    assert kinds == ["table_incomplete", "table_missing"]   # no 表三 rows, no 表四


def unbalanced(record: dict, negative: float) -> dict:
    """A copy of a parsed report whose 自然人 total no longer adds up and with a negative 予以公开 count."""
    broken = json.loads(json.dumps(record))
    for cell in broken["tables"]["requests"]:
        if cell["row"].endswith("（七）总计") and cell["col"] == "申请人情况/自然人":
            cell["value"] = 82
        if cell["row"] == "三、本年度办理结果/（一）予以公开" and cell["col"].endswith("/商业企业"):
            cell["value"] = negative
    return broken


def test_judge_balance_sums_and_impossible_values(pingtan):
    assert judge(pingtan) == []
    broken = unbalanced(pingtan, negative=-1)
    problems = {p["kind"]: p for p in judge(broken)}
    assert problems["balance"]["columns"] == ["申请人情况/自然人"]
    assert problems["balance"]["detail"] == [
        {"col": "申请人情况/自然人", "new": 80, "carried": 0, "total": 82, "carry_out": 0}]
    assert problems["impossible_value"]["detail"] == [
        {"table": "requests", "row": "三、本年度办理结果/（一）予以公开", "col": "申请人情况/法人或其他组织/商业企业",
         "value": -1}]
    mismatches = {(m["row"], m["col"]) for m in problems["sum_mismatch"]["detail"]}
    assert ("三、本年度办理结果/（七）总计", "申请人情况/总计") in mismatches
    assert ("三、本年度办理结果/（一）予以公开", "申请人情况/总计") in mismatches


@pytest.mark.parametrize("title, year", [
    ("宣城市商务局2015年度政务公开工作报告", 2015),
    ("市经贸委2009年政府信息公开年报", 2009),
    ("平潭综合实验区2023年度政府信息公开工作年度报告", 2023),
    ("平潭综合实验区地方税务局2013年信息公开年度报告", 2013),
    ("政府信息公开工作年度报告（2019年）", 2019),
    ("关于做好2023年度政府信息公开工作年度报告编制工作的通知", None),
    ("2023年工作总结", None),
    ("", None),
])
def test_is_report_title(title, year):
    assert is_report_title(title) == year


def test_report_requests_page_or_attachment():
    page = {"url": "http://a.gov.cn/nb/t1.html", "title": "某局2022年政府信息公开工作年度报告",
            "text": "现将某局2022年政府信息公开工作年度报告予以公布，全文详见附件。",
            "attachments": [{"title": "年报.pdf", "url": "/nb/P1.pdf"}]}
    assert report_requests(page, page["title"], "annual_report") == ["http://a.gov.cn/nb/P1.pdf"]
    full = {**page, "text": "一、总体情况" + "主动公开政府信息情况，收到申请。" * 60, "attachments": []}
    assert report_requests(full, full["title"], "news") == ["http://a.gov.cn/nb/t1.html"]
    assert report_requests({**page, "title": "关于开展检查的通知"}, "关于开展检查的通知", "notice") == []
    assert report_requests({**page, "title": "2023年年报"}, "2023年年报", "annual_report") == ["http://a.gov.cn/nb/P1.pdf"]
    assert report_requests({**page, "title": "2023年年报"}, "2023年年报", "news") == []
    assert report_requests({**page, "title": "年报目录"}, "年报目录", "annual_report") == []


def test_upsert_report_replaces_cells_and_feeds_the_wide_views(tmp_path, pingtan):
    import storage
    from storage.records import upsert_report
    from tests.checkdb import clean_site

    db = storage.connect(tmp_path / "gk.db")
    site = clean_site(db)
    record = parse_file(PINGTAN["file"], PINGTAN["url"]).record()
    first = upsert_report(db, site.id, None, PINGTAN["url"], record)
    assert db.execute("SELECT count(*) FROM report_cells WHERE report_id = ?", [first]).fetchone()[0] == 200
    record["tables"]["requests"] = record["tables"]["requests"][:7]
    assert upsert_report(db, site.id, None, PINGTAN["url"], record) == first
    assert db.execute("SELECT count(*) FROM report_cells WHERE report_id = ?", [first]).fetchone()[0] == 32
    assert db.execute("SELECT count(*) FROM reports").fetchone()[0] == 1
    wide = db.execute('SELECT row, 自然人, 商业企业, 总计 FROM report_requests_wide').fetchall()
    assert wide == [("一、本年新收政府信息公开申请数量", 80, 1, 81)]
    review = db.execute('SELECT 复议_结果维持, 直诉_总计, 复议后诉_其他结果 FROM report_review_wide').fetchall()
    assert review == [(1, 5, 1)]
    active = db.execute("SELECT 本年制发件数, 现行有效件数 FROM report_active_wide "
                        "WHERE row = '第二十条第（一）项/行政规范性文件'").fetchall()
    assert active == [(77, 470)]


def test_report_totals_follow_every_change_of_cells_year_and_level(tmp_path, pingtan):
    """report_totals (what the 年报 dashboard sums) equals summing report_cells afresh after each change:
    a new report, its cells replaced, its year changed, its agency moved to another level."""
    import storage
    from storage.records import upsert_report
    from tests.checkdb import clean_site

    db = storage.connect(tmp_path / "gk.db")
    site = clean_site(db)
    fresh_sum = ("SELECT r.year, a.level, c.table_name, c.row, c.col, count(*), total(c.value) FROM report_cells c "
                 "JOIN reports r ON r.id = c.report_id JOIN agencies a ON a.id = r.agency_id "
                 "GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5")
    totals = ("SELECT year, level, table_name, row, col, reports, value FROM report_totals "
              "ORDER BY 1, 2, 3, 4, 5")
    record = parse_file(PINGTAN["file"], PINGTAN["url"]).record()
    upsert_report(db, site.id, None, PINGTAN["url"], record)
    upsert_report(db, site.id, None, site.url("/nb/2022.html"), {**record, "year": 2022})
    assert db.execute(totals).fetchall() == db.execute(fresh_sum).fetchall()
    assert db.execute("SELECT reports, value FROM report_totals WHERE table_name = 'requests' AND year = 2023 "
                      "AND row = '三、本年度办理结果/（七）总计' AND col = '申请人情况/总计'").fetchall() == [(1, 81.0)]

    record["tables"]["requests"] = record["tables"]["requests"][:7]
    upsert_report(db, site.id, None, PINGTAN["url"], {**record, "year": 2021})
    assert db.execute(totals).fetchall() == db.execute(fresh_sum).fetchall()
    assert db.execute("SELECT DISTINCT year FROM report_totals ORDER BY 1").fetchall() == [(2021,), (2022,)]

    db.execute("UPDATE agencies SET level = '省' WHERE id = ?", [site.id])
    db.conn.commit()
    assert db.execute(totals).fetchall() == db.execute(fresh_sum).fetchall()
    assert {level for (level,) in db.execute("SELECT DISTINCT level FROM report_totals")} == {"省"}


def test_cli_extract_report_prints_the_contract():
    result = run_gkwatch("extract", "report", REAL_PAGES / PINGTAN["file"], "--url", PINGTAN["url"])
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert list(out) == CONTRACT_KEYS
    assert (out["year"], out["format"], out["published"]) == (2023, "2021", "2024-03-08")
    assert matching(out["tables"]["requests"], ["（七）总计"], ["总计"])[0]["value"] == 81
    text = run_gkwatch("extract", "report", seed("001"))
    assert text.returncode == 0, text.stderr
    assert json.loads(text.stdout)["figures"]["active_disclosed"] == 1389


def test_docx_report_tables_read_like_the_pdf():
    """A DOCX report (python-docx) laid out like the sandbox PDF: flattened headers, completed to the
    standard label paths."""
    import io
    import random

    import docx

    from sandbox import files
    from sandbox import reports as rep

    data = rep.make_report(2023, random.Random(7), is_gov=True, carry_in=[1, 0, 0, 0, 0, 0], balance_error=False)
    document = docx.Document()
    document.add_paragraph("青川市人民政府2023年政府信息公开工作年度报告")
    for kind, text in rep.report_paragraphs(data, {"name": "青川市人民政府", "org": "青川市人民政府"}, 0):
        if kind != "table":
            document.add_paragraph(text)
        rows = {"二、主动公开政府信息情况": files._active_rows(data), "三、收到和处理政府信息公开申请情况": files._request_rows(data)}
        if text.startswith("四、"):
            rows = {text: files._review_rows(data)}
        if text in rows:
            table = document.add_table(rows=0, cols=len(rows[text][0]))
            for values in rows[text]:
                cells = table.add_row().cells
                for cell, value in zip(cells, values):
                    cell.text = "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
    out = io.BytesIO()
    document.save(out)
    report = parse_report(out.getvalue(), "http://example.gov.cn/nb/2023.docx").to_json()
    assert (report["year"], report["format"], report["agency"]) == (2023, "2021", "青川市人民政府")
    assert report["sections"] == SIX and report["problems"] == []
    expected = data.cells()
    for table in expected:
        assert report["tables"][table] == [{**c, "value": c["value"]} for c in expected[table]], table


def test_claim_against_the_crawl_and_sections_missing(tmp_path):
    """report_claim_mismatch: the report's 主动公开 count against the items gkwatch crawled for that year
    (tolerance max(20, 50%) in the rulebook); report_sections_missing for a tabled report without 五/六."""
    import storage
    from storage.records import upsert_report
    from tests.checkdb import check, clean_site, finding, found

    db = storage.connect(tmp_path / "gk.db")
    site = clean_site(db)
    crawled = db.execute("SELECT count(*) FROM items WHERE agency_id = ? AND published LIKE '2025%'",
                         [site.id]).fetchone()[0]
    assert crawled > 0
    claim = parse_report(seed("001").read_bytes(), "x").record()          # 「网站发布信息1389条」
    claim.update(year=2025, published="2026-01-20")
    upsert_report(db, site.id, None, site.url("/xxgk/nb/2025.html"), claim)
    crawled_2024 = db.execute("SELECT count(*) FROM items WHERE agency_id = ? AND published LIKE '2024%'",
                              [site.id]).fetchone()[0]
    fine = {**claim, "year": 2024, "figures": {"active_disclosed": crawled_2024 + 20}}   # within tolerance
    upsert_report(db, site.id, None, site.url("/xxgk/nb/2024.html"), fine)
    tabled = parse_file(PINGTAN["file"], PINGTAN["url"]).record()
    tabled.update(year=2023, sections=tabled["sections"][:4], figures={})
    upsert_report(db, site.id, None, site.url("/xxgk/nb/2023.html"), tabled)
    site.crawl()
    reports = {f for f in found(check(db)) if f[0].startswith("report_")}
    assert reports == {("report_claim_mismatch", "2025", "info"), ("report_sections_missing", "2023", "deduct")}
    evidence = json.loads(finding(db, "report_claim_mismatch", "2025")["evidence"])
    assert (evidence["claimed"], evidence["crawled"], evidence["tolerance"]) == (1389, crawled, 694.5)
    missing = json.loads(finding(db, "report_sections_missing", "2023")["evidence"])["missing"]
    assert missing == ["存在的主要问题及改进情况", "其他需要报告的事项"]


def test_a_2019_or_later_report_without_tables_is_in_neither_format():
    text = seed("001").read_text(encoding="utf-8").replace("宣城市商务局2015年度", "宣城市商务局2023年度", 1)
    report = parse_report(text.encode(), "x").to_json()
    assert (report["year"], report["format"]) == (2023, "free")
    assert [p["kind"] for p in report["problems"]] == ["no_tables"]
    assert "既非2021格式也非2019试行格式" in report["problems"][0]["message"]


# --- reports before 2019: the old 统计表, judged by its own form ---------------------------------

MINGGUANG_URL = "http://www.mingguang.gov.cn/xxgk/zfxxgknb/201503/t20150320_1.html"


def parse_fixture(name: str, url: str) -> dict:
    return parse_report((FILES / "extract" / name).read_bytes(), url).to_json()


def test_a_2014_statistics_table_is_the_pre2019_form_not_the_2019_template():
    """The 国办 统计表 of 2014–2018 (统计指标 | 单位 | 统计数): read cell for cell into `statistics`,
    never into the 2019/2021 tables, and nothing of those templates is missed in it."""
    report = parse_fixture("report_2014_statistics_table.html", MINGGUANG_URL)
    assert (report["year"], report["format"], report["agency"], report["published"]) == (
        2014, "pre2019", "明光市民政局", "2015-03-20")
    assert report["problems"] == [] and judge(report) == []
    assert list(report["tables"]) == ["active", "requests", "review_litigation", "statistics"]
    assert report["tables"]["active"] == report["tables"]["requests"] == report["tables"]["review_litigation"] == []
    cells = {(c["row"], c["col"]): c["value"] for c in report["tables"]["statistics"]}
    assert len(cells) == len(report["tables"]["statistics"]) == 65
    assert {col for _, col in cells} == {"统计数"}  # the 单位 column is no value column
    assert {row: value for (row, _), value in cells.items() if row.startswith(("（一）收到申请数", "1．当面", "3．网络"))} == {
        "（一）收到申请数": 5, "1．当面申请数": 3, "3．网络申请数": 2}
    # printed twice (under 四 and 五): each named with its section
    assert [(row, value) for (row, _), value in cells.items() if "被依法纠错数" in row or "其他情形数" in row] == [
        ("四、行政复议数量/（二）被依法纠错数", 0), ("四、行政复议数量/（三）其他情形数", 0),
        ("五、行政诉讼数量/（二）被依法纠错数", 0), ("五、行政诉讼数量/（三）其他情形数", 0)]
    assert cells[("四、行政复议数量", "统计数")] == 1
    assert cells[("一、主动公开情况", "统计数")] is None  # ——
    assert cells[("5．其他方式回应事件数", "统计数")] is None  # left blank
    assert cells[("（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）", "统计数")] == 1.5
    assert cells[("（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "统计数")] == 312
    assert report["figures"] == {"active_disclosed": 312, "requests_received": 5, "reviews": 1}


def test_an_older_table_with_cumulative_columns_in_a_page_without_title():
    """指标名称 | 计量单位 | 本年 | 历年累计 (2008–2013), on a page with an empty <title> and no
    heading: the year is the one the body names (2012年，本局…), not its publish year (2013)."""
    report = parse_fixture("report_2012_cumulative_no_title.html",
                           "http://tjj.example.gov.cn/xxgk/xxgknb/201303/t20130328_1.html")
    assert (report["year"], report["format"], report["agency"], report["published"]) == (2012, "pre2019", None, "2013-03-28")
    assert report["problems"] == [] and judge(report) == []
    assert report["tables"]["requests"] == []  # its 不予公开数 row is not the 2019 table's 不予公开
    cells = {(c["row"], c["col"]): c["value"] for c in report["tables"]["statistics"]}
    assert len(cells) == 44 and {col for _, col in cells} == {"本年", "历年累计"}
    assert (cells[("（一）收到申请数", "本年")], cells[("（一）收到申请数", "历年累计")]) == (4, 31)
    assert (cells[("不予公开数", "本年")], cells[("不予公开数", "历年累计")]) == (1, 4)
    assert cells[("针对本机关政府信息公开事务的行政诉讼数", "历年累计")] is None
    # the requests received: its own row, this year's column; not 已答复数, not 历年累计
    assert report["figures"] == {"active_disclosed": 186, "requests_received": 4}


def test_the_year_of_a_report_without_title_is_never_a_dates_year():
    body = ("<html><body><div class='content'><p>发布时间：2016年3月30日</p><p>一、概述</p>"
            "<p>2015年，我办认真贯彻《条例》，2015年度主动公开信息120条。</p>"
            "<p>2016年，我办将继续做好公开工作。</p></div></body></html>").encode()
    assert parse_report(body, "http://x.gov.cn/nb/1.html").year == 2015


@pytest.mark.parametrize("scan_from", [0, 10_000], ids=["one-pass-over-cells", "report-by-report"])
def test_streamed_report_contents_find_what_loading_every_cell_found(tmp_path, monkeypatch, scan_from):
    """report_contents streams each chosen report's cells into judge() and counts the crawl in one
    grouped pass; its findings are exactly those of loading every report's cells at once (ORDER BY
    cell id), choosing copies by a per-report count(*) and counting the crawl agency by agency.
    Cells are streamed in one pass over report_cells for many reports, report by report for a few."""
    import dataclasses

    import storage
    from monitors import rulebook
    from monitors.checks import Context, prepare
    from monitors.checks import reports as module
    from storage.records import upsert_report
    from tests.checkdb import AS_OF, clean_site

    monkeypatch.setattr(module, "_SCAN_FROM", scan_from)
    db = storage.connect(tmp_path / "gk.db")
    sites = [clean_site(db), clean_site(db, kind="政府", level="县", id="qingchuan-gov", name="青川县人民政府")]
    record = parse_file(PINGTAN["file"], PINGTAN["url"]).record()
    broken = unbalanced(record, negative=-1.5)
    for cell in broken["tables"]["review_litigation"][:3]:
        cell["value"] = (cell["value"] or 0) + 7
    fewer = {**broken, "tables": {t: rows[: len(rows) // 2] for t, rows in broken["tables"].items()}}
    claim = parse_report(seed("001").read_bytes(), "x").record()
    for site in sites:
        # 2023: the full copy beats an earlier URL with fewer cells; 2022: equal copies, earliest URL wins
        upsert_report(db, site.id, None, site.url("/nb/2023-a.html"), {**fewer, "year": 2023, "published": "2024-01-10"})
        upsert_report(db, site.id, None, site.url("/nb/2023-b.html"), {**broken, "year": 2023, "published": "2024-01-10"})
        upsert_report(db, site.id, None, site.url("/nb/2022-b.html"), {**record, "year": 2022, "published": "2023-01-10"})
        upsert_report(db, site.id, None, site.url("/nb/2022-a.html"), {**broken, "year": 2022, "published": "2023-01-10"})
        upsert_report(db, site.id, None, site.url("/nb/2025.html"), {**claim, "year": 2025, "published": "2026-01-20"})
        upsert_report(db, site.id, None, site.url("/nb/2024.html"),
                      {**record, "year": 2024, "sections": record["sections"][:4], "published": "2025-01-20",
                       "figures": {"active_disclosed": 3}})
        site.crawl()
    # re-parsed later: the 2023-a copy's cells now come after every other report's
    upsert_report(db, sites[0].id, None, sites[0].url("/nb/2022-a.html"), {**broken, "year": 2022, "published": "2023-01-10"})
    # cells not written together (not by upsert_report): every other cell of one report moved to the end
    split = db.execute("SELECT id FROM reports WHERE url = ?", [sites[1].url("/nb/2023-b.html")]).fetchone()[0]
    db.execute("UPDATE report_cells SET id = id + 1000000 WHERE report_id = ? AND id % 2 = 0", [split])
    db.conn.commit()

    def loaded_reports(ctx, tables=True):
        rows = ctx.q("""
            SELECT r.id, r.agency_id, r.year, r.url, r.title, r.format, r.sections, r.figures,
                   (SELECT count(*) FROM report_cells c WHERE c.report_id = r.id) AS cells
            FROM reports r WHERE r.agency_id IN (SELECT id FROM temp._rep_ag) AND r.year IS NOT NULL
              AND (r.published IS NULL OR r.published <= :day)
            ORDER BY r.agency_id, r.year, cells DESC, r.url""", {"day": ctx.day}) if ctx.fresh and not \
            ctx.table("_rep_ag", "id TEXT PRIMARY KEY", [(a,) for a in sorted(ctx.fresh)]) else []
        chosen = {}
        for row in rows:
            chosen.setdefault((row["agency_id"], row["year"]), {
                "id": row["id"], "url": row["url"], "title": row["title"], "format": row["format"],
                "sections": json.loads(row["sections"] or "[]"), "figures": json.loads(row["figures"] or "{}"),
                "tables": {}})
        ids = {r["id"]: r for r in chosen.values()}
        for cell in ctx.q("SELECT report_id, table_name, row, col, value FROM report_cells ORDER BY id"):
            if cell["report_id"] in ids:
                value = cell["value"]
                value = int(value) if value is not None and float(value).is_integer() else value
                ids[cell["report_id"]]["tables"].setdefault(cell["table_name"], []).append(
                    {"row": cell["row"], "col": cell["col"], "value": value})
        return chosen

    def judged_one_by_one(ctx, reports):
        return {r["id"]: {p["kind"]: p for p in judge(r)} for r in reports.values() if judge(r)}

    def crawled_agency_by_agency(ctx, agency_ids):
        out = {}
        for agency_id in sorted(agency_ids):
            first = ctx.q("SELECT min(i.published) AS d FROM items i LEFT JOIN columns c ON c.id = i.column_id "
                          "WHERE i.agency_id = ? AND i.published IS NOT NULL "
                          "AND coalesce(c.type, '') != 'annual_report'", [agency_id])[0]["d"]
            counts = {int(r["y"]): r["n"] for r in ctx.q(
                "SELECT substr(published, 1, 4) AS y, count(*) AS n FROM items WHERE agency_id = ? "
                "AND published IS NOT NULL GROUP BY y", [agency_id])}
            out[agency_id] = (first, counts)
        return out

    def contents():
        ctx = Context(conn=db.conn, as_of=AS_OF, rulebook=rulebook.default())
        prepare(ctx)
        claims = {a for (a, _), r in module.parsed_reports(ctx).items() if "active_disclosed" in r["figures"]}
        crawled = module._crawled_per_year(ctx, claims)
        assert crawled == crawled_agency_by_agency(ctx, claims) and len(crawled) == 2
        streamed = module.judged_reports(ctx, module.parsed_reports(ctx))
        assert streamed == judged_one_by_one(ctx, loaded_reports(ctx)) and len(streamed) == 4
        def without_tables(reports):
            return {key: {f: v for f, v in report.items() if f != "tables"} for key, report in reports.items()}
        assert without_tables(module.parsed_reports(ctx)) == without_tables(loaded_reports(ctx))
        return [dataclasses.asdict(f) for o in module.report_contents(ctx) for f in o.findings]

    fast = contents()
    with monkeypatch.context() as m:
        m.setattr(module, "parsed_reports", loaded_reports)
        m.setattr(module, "judged_reports", judged_one_by_one)
        m.setattr(module, "_crawled_per_year", crawled_agency_by_agency)
        slow = contents()
    assert fast == slow
    kinds = {(f["agency_id"], f["check"], f["subject"]) for f in fast}
    for site in sites:
        assert {(site.id, c, y) for c, y in [("report_balance", "2023"), ("report_sum_mismatch", "2023"),
                                               ("report_impossible_value", "2023"), ("report_balance", "2022"),
                                               ("report_claim_mismatch", "2025"),
                                               ("report_sections_missing", "2024")]} <= kinds
    assert all(f["evidence"]["urls"] for f in fast)


def test_a_report_is_judged_again_only_when_its_cells_or_the_judge_change(tmp_path, monkeypatch):
    import monitors.checks.report_judge as judge_module
    import storage
    from monitors import rulebook
    from monitors.checks import Context, prepare
    from monitors.checks import reports as module
    from storage.records import upsert_report
    from tests.checkdb import AS_OF, clean_site

    db = storage.connect(tmp_path / "gk.db")
    site = clean_site(db)
    record = parse_file(PINGTAN["file"], PINGTAN["url"]).record()
    broken = unbalanced(record, negative=-1.5)
    upsert_report(db, site.id, None, site.url("/nb/2023.html"), {**broken, "year": 2023, "published": "2024-01-10"})
    upsert_report(db, site.id, None, site.url("/nb/2022.html"), {**record, "year": 2022, "published": "2023-01-10"})
    site.crawl()
    db.conn.commit()
    ids = {year: db.execute("SELECT id FROM reports WHERE year = ?", [year]).fetchone()[0] for year in (2022, 2023)}
    streamed = []
    real_stream = module._stream_tables

    def recording_stream(ctx, report_ids):
        streamed.append(sorted(report_ids))
        yield from real_stream(ctx, report_ids)

    monkeypatch.setattr(module, "_stream_tables", recording_stream)

    def judged():
        ctx = Context(conn=db.conn, as_of=AS_OF, rulebook=rulebook.default())
        prepare(ctx)
        result = {report_id: sorted(problems) for report_id, problems in module.judged_reports(
            ctx, module.parsed_reports(ctx)).items()}
        for sql, rows in ctx.writes:   # what run_checks stores with the run's findings
            db.conn.executemany(sql, rows)
        db.conn.commit()
        return result

    found = {ids[2023]: ["balance", "impossible_value", "sum_mismatch"]}
    assert judged() == found and streamed.pop() == sorted(ids.values())
    assert {row[0] for row in db.execute("SELECT judged_with FROM report_judgements")} == {judge_module.JUDGE_VERSION}
    assert judged() == found and streamed.pop() == []  # nothing read again
    # parsed again: the same cells keep their judgement, other cells are judged again
    upsert_report(db, site.id, None, site.url("/nb/2022.html"), {**record, "year": 2022, "published": "2023-01-10"})
    upsert_report(db, site.id, None, site.url("/nb/2023.html"), {**record, "year": 2023, "published": "2024-01-10"})
    assert judged() == {} and streamed.pop() == [ids[2023]]
    # a changed judge judges everything again
    monkeypatch.setattr(judge_module, "JUDGE_VERSION", "another-judge")
    assert judged() == {} and streamed.pop() == sorted(ids.values())


def test_an_old_statistics_table_in_a_report_for_2019_or_later_lacks_its_years_tables():
    """Judged by the rules of its own year: from 2019 the 〔2019〕60号/〔2021〕30号 tables are due."""
    page = (FILES / "extract" / "report_2014_statistics_table.html").read_text(encoding="utf-8").replace("2014年", "2020年")
    report = parse_report(page.encode(), MINGGUANG_URL).to_json()
    assert (report["year"], report["format"]) == (2020, "pre2019")
    assert [p["kind"] for p in report["problems"]] == ["no_tables"]
    assert "只有2019年前的统计表" in report["problems"][0]["message"]
