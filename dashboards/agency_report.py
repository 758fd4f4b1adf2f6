"""监测报告: one agency's state on a day, formal enough for an NGO to attach to a letter.

``build_report`` reads a gkwatch database (a plain ``sqlite3`` connection: the CLI's or Datasette's)
and returns an ``AgencyReport``: the agency, the summary, its open findings grouped by rule, each
with its evidence (in the words of the finding page, ``labels.py``), legal citation and since-when,
the score history, the columns and their latest item, the annual reports. The renderers turn it into HTML (one Jinja2 template, A4 print
CSS: the same page for ``gkwatch report`` and Datasette's ``/-/report/<id>``), PDF (that HTML
printed by Chromium) and DOCX (python-docx).

"As of a day" is read from the findings' history (``finding_events``): a finding is open on a day
when its last event up to that day opened, re-opened or escalated it. Its message and evidence are
those of its latest confirmation (``last_seen``), as the database keeps no older copy; the report
says so when that confirmation is later than the day.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from core import clock
from core.taxonomy import column_types
from core.vocabulary import CHECKS, SEVERITIES, check_label, severity_label

from . import labels
from .finding_page import live_url

TEMPLATES = Path(__file__).with_name("templates")
TEMPLATE = "agency_report.html"
FONTS = '"Noto Serif CJK SC", "Source Han Serif SC", "WenQuanYi Micro Hei", serif'

# Annual reports (table reports): the table format the parser recognised, and the file it was in.
REPORT_FORMATS = {"2021": "2021 年格式", "2019": "2019 年试行格式", "pre2019": "2019 年前统计表", "free": "无标准表格"}
REPORT_MEDIA = {"html": "网页", "pdf": "PDF", "docx": "Word", "doc": "Word", "rtf": "RTF", "text": "纯文本"}
# Where the first of a finding's URLs points, by check (the default: the page judged).
PAGE_LABELS = {
    "annual_report_missing": "查找位置", "mandatory_column_missing": "政务公开专栏",
    "art20_category_missing": "政务公开专栏", "publishing_quota": "政务公开专栏",
    "category_imbalance": "政务公开专栏", "broken_link": "无法打开的链接", "item_removed": "被撤下的信息",
    "annual_report_late": "年报页面",
}


class UnknownAgency(LookupError):
    """No agency with this id in the database."""


@dataclass
class FindingEntry:
    id: int
    check: str
    subject: str
    severity: str
    message: str
    page_label: str
    page_url: str | None  # the page the finding is about (where a missing thing was looked for)
    evidence: list[tuple[str, Markup]]
    citation: str
    rule_source: str
    verification: str
    since: str            # the day its current open spell began
    first_seen: str
    recorded_on: str      # the check day its message and evidence are from
    times_reopened: int
    facts: dict           # the evidence as stored, for what other parts of the report derive from it

    @property
    def severity_label(self) -> str:
        return severity_label(self.severity)

    @property
    def duration(self) -> str:
        """Since when, and the day its evidence was recorded."""
        text = f"自{zh_day(self.since)}起"
        if self.first_seen != self.since or self.times_reopened:
            text += f"（首次发现于{zh_day(self.first_seen)}，整改后重新出现 {self.times_reopened} 次）"
        return text + f"；证据记录于{zh_day(self.recorded_on)}的检查"


@dataclass
class RuleGroup:
    check: str
    findings: list[FindingEntry]

    @property
    def label(self) -> str:
        return check_label(self.check)


@dataclass(frozen=True)
class ScoreRow:
    first_day: str
    last_day: str
    runs: int
    score: str
    grade: str

    @property
    def days(self) -> str:
        return self.first_day if self.first_day == self.last_day else f"{self.first_day} 至 {self.last_day}"


@dataclass(frozen=True)
class ColumnRow:
    name: str
    url: str
    type_label: str
    items: int
    latest: str
    problems: str


@dataclass(frozen=True)
class ReportRow:
    year: int
    title: str
    url: str | None
    published: str
    timeliness: str
    format: str


@dataclass
class AgencyReport:
    agency: dict[str, Any]
    as_of: dt.date
    period_from: str | None
    checks_run: int
    generated_at: str
    open_by_severity: list[tuple[str, int]]
    grade: str
    conclusion: str
    groups: list[RuleGroup]
    scores: list[ScoreRow]
    columns: list[ColumnRow]
    reports: list[ReportRow]
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.agency['name']}政务公开监测报告"

    @property
    def open_findings(self) -> int:
        return sum(len(group.findings) for group in self.groups)

    @property
    def period(self) -> str:
        start = f"{zh_day(self.period_from)}至" if self.period_from else ""
        return f"监测期间：{start}{zh_day(self.as_of.isoformat())}（北京时间），共检查 {self.checks_run} 次"


# Building ------------------------------------------------------------------------------------------

def build_report(conn: sqlite3.Connection, agency_id: str, as_of: dt.date | None = None) -> AgencyReport:
    """The report on ``agency_id`` as of ``as_of`` (default: its latest check day, else today)."""
    agency = _agency(conn, agency_id)
    if as_of is None:
        latest = conn.execute("SELECT max(as_of) FROM scorecards WHERE agency_id = ?", [agency_id]).fetchone()[0]
        as_of = dt.date.fromisoformat(latest) if latest else clock.today()
    day = as_of.isoformat()
    findings = open_findings(conn, agency, day)
    cards = conn.execute("SELECT as_of, score, grade, vetoed FROM scorecards WHERE agency_id = ? AND as_of <= ? "
                         "ORDER BY as_of, check_run_id", [agency_id, day]).fetchall()
    counts = {code: sum(f.severity == code for f in findings) for code in reversed(list(SEVERITIES))}
    grade, conclusion = _verdict(cards[-1] if cards else None, counts, as_of)
    now = clock.now()
    report = AgencyReport(
        agency=agency, as_of=as_of, period_from=cards[0][0] if cards else None, checks_run=len(cards),
        generated_at=f"{zh_day(now.date().isoformat())} {now:%H:%M}",
        open_by_severity=[(severity_label(code), n) for code, n in counts.items()],
        grade=grade, conclusion=conclusion,
        groups=[RuleGroup(check, [f for f in findings if f.check == check])
                for check in _ordered({f.check for f in findings})],
        scores=score_history(cards), columns=column_updates(conn, agency_id, day, findings),
        reports=annual_reports(conn, agency_id, day, findings))
    if any(f.recorded_on > day for f in findings):
        report.notes.append(f"部分问题的说明与证据记录于 {zh_day(day)} 之后的检查（见各条「证据记录于」），"
                            "数据库只保留每项问题最近一次确认时的说明。")
    return report


def _agency(conn: sqlite3.Connection, agency_id: str) -> dict[str, Any]:
    row = conn.execute("SELECT a.id, a.name, a.level, a.kind, a.region_code, a.homepage, a.portal, p.name "
                       "FROM agencies a LEFT JOIN agencies p ON p.id = a.parent_id WHERE a.id = ?",
                       [agency_id]).fetchone()
    if row is None:
        raise UnknownAgency(agency_id)
    keys = ("id", "name", "level", "kind", "region_code", "homepage", "portal", "parent")
    return dict(zip(keys, row))


def _ordered(checks: set[str]) -> list[str]:
    """Check ids in the vocabulary's order (a check of a newer rulebook last)."""
    return [c for c in CHECKS if c in checks] + sorted(checks - set(CHECKS))


def open_findings(conn: sqlite3.Connection, agency: dict[str, Any], day: str) -> list[FindingEntry]:
    """The agency's findings open on ``day``: their last event up to that day did not resolve them."""
    rows = conn.execute("""
        WITH history AS (
            SELECT e.finding_id, e.event, e.severity, e.as_of,
                   row_number() OVER (PARTITION BY e.finding_id ORDER BY e.as_of DESC, e.id DESC) AS latest
            FROM finding_events e JOIN findings f ON f.id = e.finding_id
            WHERE f.agency_id = :agency AND e.as_of <= :day)
        SELECT f.id, f.check_name, f.subject, CASE WHEN f.last_seen <= :day THEN f.severity ELSE h.severity END,
               f.message, f.evidence, f.citation, f.first_seen, f.last_seen,
               (SELECT max(as_of) FROM finding_events WHERE finding_id = f.id AND as_of <= :day
                AND event IN ('opened', 'reopened')),
               (SELECT count(*) FROM finding_events WHERE finding_id = f.id AND as_of <= :day AND event = 'reopened')
        FROM history h JOIN findings f ON f.id = h.finding_id
        WHERE h.latest = 1 AND h.event != 'resolved'
        ORDER BY f.check_name, f.subject""", {"agency": agency["id"], "day": day}).fetchall()
    rank = {code: n for n, code in enumerate(reversed(list(SEVERITIES)))}
    entries = [_entry(agency, *row) for row in rows]
    return sorted(entries, key=lambda f: (rank.get(f.severity, len(rank)), f.since))


def _entry(agency: dict, id_, check, subject, severity, message, evidence, citation, first_seen,
           last_seen, since, reopened) -> FindingEntry:
    facts = json.loads(evidence or "{}")
    url = live_url({"subject": subject}, facts, agency)
    return FindingEntry(
        id=id_, check=check, subject=subject, severity=severity, message=message or "",
        page_label=PAGE_LABELS.get(check, "页面"), page_url=url, evidence=report_evidence(facts),
        citation=citation or facts.get("citation") or "", rule_source=facts.get("rule_source") or "",
        verification=labels.label("verification", facts.get("verification")) or "", since=since or first_seen,
        first_seen=first_seen, recorded_on=last_seen, times_reopened=reopened, facts=facts)


# The evidence a letter shows, in the finding page's words and order (dashboards/labels.py): what was
# seen and measured. Left out: the rule (shown apart), the pages (the link above), the crawler's own
# bookkeeping (run numbers, counting rules, excluded visits).
REPORT_KEYS = (
    "navigation_only", "column", "column_type", "column_url", "name", "report_year", "title", "last_item_title",
    "last_item_url", "last_item_date", "published", "deadline", "days_since_update", "threshold_days",
    "days_overdue", "missing_since", "removed_at", "on_pages", "status", "error", "consecutive_failures",
    "last_checked_at", "month", "items", "monthly_quota", "shortfall", "window_days", "crowding_items",
    "crowded_items", "ratio", "min_ratio", "period_from", "period_to", "probes", "failed_probes", "failed_share",
    "veto_share", "timeout_seconds", "failures", "consecutive_slow", "threshold_seconds", "last_elapsed_ms",
    "columns", "detail", "missing", "claimed", "crawled", "tolerance", "site_veto",
)


def report_evidence(facts: dict) -> list[tuple[str, Markup]]:
    """(label, value as HTML) of the evidence a letter shows."""
    return labels.evidence_fields({k: facts[k] for k in REPORT_KEYS if k in facts and facts[k] is not False},
                                  rule=False)


# Summary, scores, columns, reports ---------------------------------------------------------------------

def _verdict(card, counts: dict[str, int], as_of: dt.date) -> tuple[str, str]:
    """(the grade as shown, the summary's sentence) from the latest scorecard up to the day."""
    found = "、".join(f"{severity_label(code)}问题 {n} 项" for code, n in counts.items() if n) or "未发现问题"
    if card is None:
        return "尚未检查", f"截至{zh_day(as_of.isoformat())}，gkwatch 尚未对该机构网站进行检查。"
    day, score, grade, vetoed = card
    if vetoed:
        return (f"{grade}（单项否决）",
                f"截至{zh_day(as_of.isoformat())}，该机构网站存在{found}。按国办秘函〔2019〕19号，"
                f"出现单项否决指标即判定为不合格网站，不再评分；{zh_day(day)}检查结果为不合格（单项否决）。")
    return (f"{grade}（{score:g} 分）",
            f"截至{zh_day(as_of.isoformat())}，该机构网站存在{found}；{zh_day(day)}检查得分 {score:g} 分，"
            f"等级为{grade}。")


def score_history(cards: list[tuple]) -> list[ScoreRow]:
    """One row per run of equal results (a daily check that changes nothing is one row, with its days)."""
    rows: list[ScoreRow] = []
    for day, score, grade, vetoed in cards:
        shown = ("不评分（单项否决）" if vetoed else f"{score:g}", f"{grade}（单项否决）" if vetoed else grade)
        if rows and (rows[-1].score, rows[-1].grade) == shown:
            last = rows[-1]
            rows[-1] = ScoreRow(last.first_day, day, last.runs + 1, last.score, last.grade)
        else:
            rows.append(ScoreRow(day, day, 1, *shown))
    return rows


def column_updates(conn: sqlite3.Connection, agency_id: str, day: str, findings: list[FindingEntry]) -> list[ColumnRow]:
    """Every column found on the agency's portal: its items listed by the day and the newest date."""
    problems: dict[str, list[str]] = {}
    for f in findings:
        if f.page_url:
            problems.setdefault(f.page_url, []).append(check_label(f.check))
    order = {type_: n for n, type_ in enumerate(column_types())}
    rows = conn.execute("""
        SELECT c.name, c.url, c.type, count(i.id), max(i.published)
        FROM columns c LEFT JOIN listings l ON l.column_id = c.id
        LEFT JOIN items i ON i.id = l.item_id AND (i.published IS NULL OR i.published <= :day)
        WHERE c.agency_id = :agency AND c.url LIKE 'http%'
        GROUP BY c.id""", {"agency": agency_id, "day": day}).fetchall()
    rows.sort(key=lambda r: (order.get(r[2], len(order)), r[0] or "", r[1]))
    return [ColumnRow(name or "（未命名）", url, labels.label("column_type", type_), items, (latest or "—")[:10],
                      "、".join(problems.get(url, [])))
            for name, url, type_, items, latest in rows]


def annual_reports(conn: sqlite3.Connection, agency_id: str, day: str, findings: list[FindingEntry]) -> list[ReportRow]:
    """The annual reports found by the day, late or not as the checks judged them (the rulebook's
    deadlines differ by year, level and kind: the findings say which applied), and the years the
    checks found no report for."""
    judged = {(f.check, int(f.subject)): f for f in findings
              if f.check in ("annual_report_missing", "annual_report_late") and f.subject.isdigit()}
    rows = []
    for year, title, url, published, format_, media in conn.execute(
            "SELECT year, title, url, published, format, media FROM reports WHERE agency_id = ? AND year IS NOT NULL "
            "AND (published IS NULL OR published <= ?) ORDER BY year DESC, published, url", [agency_id, day]):
        late = judged.get(("annual_report_late", year))
        rows.append(ReportRow(year, title or url, url, (published or "—")[:10], _lateness(late),
                              "、".join(x for x in (REPORT_MEDIA.get(media), REPORT_FORMATS.get(format_)) if x)))
    listed = {row.year for row in rows}
    for (check, year), f in judged.items():
        facts = f.facts
        if check == "annual_report_missing":
            rows.append(ReportRow(year, "未找到", None, "—", f"未发布（法定期限 {facts.get('deadline')}，"
                                                             f"已逾期 {facts.get('days_overdue')} 天）", "—"))
        elif year not in listed:   # found among the site's items, not (yet) read as a report
            rows.append(ReportRow(year, facts.get("title") or "", f.page_url,
                                  str(facts.get("published") or "—")[:10], _lateness(f), "—"))
    return sorted(rows, key=lambda r: -r.year)


def _lateness(late: FindingEntry | None) -> str:
    if late is None:
        return "未发现逾期"
    return f"逾期 {late.facts.get('days_overdue')} 天（法定期限 {late.facts.get('deadline')}）"


def zh_day(iso_day: str) -> str:
    """2026-11-22 → 2026年11月22日."""
    day = dt.date.fromisoformat(iso_day[:10])
    return f"{day.year}年{day.month}月{day.day}日"


# Rendering -----------------------------------------------------------------------------------------------

def render_html(report: AgencyReport, nav: list[tuple[str, str]] = (), finding_link: str | None = None) -> str:
    """The report as one HTML page (A4 when printed). On a server: ``nav``, (text, link) shown on
    screen only, and ``finding_link``, the address of a finding's own page with ``{}`` for its id."""
    import jinja2

    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                     trim_blocks=True, lstrip_blocks=True)
    environment.filters["zh_number"] = zh_number
    return environment.get_template(TEMPLATE).render(report=report, nav=nav, finding_link=finding_link, fonts=FONTS,
                                                     method=METHOD)


class PrintFailed(RuntimeError):
    """Chromium could not print the page."""


def print_pdf(html: str, path: Path, chromium: str) -> None:
    """Print ``html`` to an A4 PDF at ``path`` with headless Chromium (page numbers in the footer)."""
    from playwright.sync_api import Error, sync_playwright

    footer = ('<div style="width:100%;font-size:8pt;text-align:center;color:#555;font-family:'
              + FONTS.replace('"', "'") + '">第 <span class="pageNumber"></span> 页，共 <span class="totalPages">'
              '</span> 页</div>')
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu",
                                                                                "--disable-dev-shm-usage"])
            try:
                page = browser.new_page()
                page.set_content(html, wait_until="load")
                page.pdf(path=str(path), format="A4", print_background=True, prefer_css_page_size=True,
                         display_header_footer=True, header_template="<span></span>", footer_template=footer)
            finally:
                browser.close()
    except Error as exc:
        raise PrintFailed(str(exc).splitlines()[0]) from None


def render_docx(report: AgencyReport, path: Path) -> None:
    """The same report as a Word document (A4, 宋体 body, 黑体 headings)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(22)
    section.left_margin = section.right_margin = Mm(20)
    for name, east_asian, size in (("Normal", "宋体", 10.5), ("Title", "黑体", 18), ("Heading 1", "黑体", 14),
                                   ("Heading 2", "黑体", 12)):
        style = document.styles[name]
        style.font.size, style.font.color.rgb = Pt(size), RGBColor(0, 0, 0)
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)

    def line(text: str = "", *, bold: str = "", link: str | None = None, align=None):
        paragraph = document.add_paragraph()
        if bold:
            paragraph.add_run(bold).bold = True
        if link:
            _hyperlink(paragraph, text, link)
        else:
            paragraph.add_run(text)
        if align is not None:
            paragraph.alignment = align
        return paragraph

    def table(header: list[str], rows: list[list[str]]):
        grid = document.add_table(rows=1, cols=len(header))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, header):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        for values in rows:
            for cell, text in zip(grid.add_row().cells, values):
                cell.text = str(text)

    title = document.add_heading(report.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    line(report.period, align=WD_ALIGN_PARAGRAPH.CENTER)
    line(f"报告生成：{report.generated_at}（北京时间）", align=WD_ALIGN_PARAGRAPH.CENTER)

    a = report.agency
    document.add_heading("一、基本情况", level=1)
    for label, value in (("机构名称", a["name"]), ("行政层级", a["level"]), ("机构类别", a["kind"]),
                         ("行政区划代码", a["region_code"] or "—"), ("上级机构", a["parent"] or "—")):
        line(value, bold=f"{label}：")
    line(a["homepage"], bold="网站首页：", link=a["homepage"])
    if a["portal"]:
        line(a["portal"], bold="政务公开专栏：", link=a["portal"])

    document.add_heading("二、监测结论", level=1)
    line(report.conclusion)
    line("；".join(f"{label} {n} 项" for label, n in report.open_by_severity), bold="未解决问题：")
    line(report.grade, bold="最近检查等级：")
    for note in report.notes:
        line(note)

    document.add_heading("三、存在的问题", level=1)
    if not report.groups:
        line("截至报告日，未发现未解决的问题。")
    for number, group in enumerate(report.groups, 1):
        document.add_heading(f"（{zh_number(number)}）{group.label}（{len(group.findings)} 项）", level=2)
        for k, f in enumerate(group.findings, 1):
            line(f.message, bold=f"{k}. 【{f.severity_label}】")
            if f.page_url:
                line(f.page_url, bold=f"{f.page_label}：", link=f.page_url)
            for name, value in f.evidence:
                line(labels.text(value), bold=f"{name}：")
            line(f.citation, bold="法律依据：")
            if f.rule_source:
                line(f"{f.rule_source}（{f.verification}）" if f.verification else f.rule_source, bold="规则来源：")
            line(f.duration, bold="存在时间：")

    document.add_heading("四、得分与等级变化", level=1)
    table(["检查日期", "检查次数", "得分", "等级"],
          [[row.days, row.runs, row.score, row.grade] for row in report.scores] or [["—", 0, "—", "尚未检查"]])

    document.add_heading("五、栏目更新情况", level=1)
    table(["栏目", "类型", "信息条数", "最近一条", "问题"],
          [[f"{c.name}\n{c.url}", c.type_label, c.items, c.latest, c.problems or "—"] for c in report.columns])

    document.add_heading("六、政府信息公开工作年度报告", level=1)
    table(["年度", "标题", "发布日期", "是否按期", "格式"],
          [[r.year, f"{r.title}\n{r.url}" if r.url else r.title, r.published, r.timeliness, r.format]
           for r in report.reports] or [["—", "未找到年度报告", "—", "—", "—"]])

    document.add_heading("七、监测方法说明", level=1)
    for paragraph in METHOD:
        line(paragraph)
    _page_numbers(section)
    document.save(str(path))


def _hyperlink(paragraph, text: str, url: str) -> None:
    """A clickable link in a Word paragraph (python-docx has no API for one)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True))
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.append(underline)
    run.append(properties)
    body = OxmlElement("w:t")
    body.text = text
    run.append(body)
    link.append(run)
    paragraph._p.append(link)


def _page_numbers(section) -> None:
    """「第 N 页」 centred in the footer, as a PAGE field Word fills in."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("第 ")
    number = OxmlElement("w:fldSimple")
    number.set(qn("w:instr"), "PAGE")
    paragraph._p.append(number)
    paragraph.add_run(" 页")


def zh_number(n: int) -> str:
    """1 → 一, 12 → 十二, 23 → 二十三 (the numbering of a formal document's parts)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    return ("" if n < 20 else digits[n // 10]) + "十" + (digits[n % 10] if n % 10 else "")


# The method note: the same words in every format.
METHOD = (
    "gkwatch 是社会组织使用的开源监测工具。它按照机构登记的网址，定期抓取该机构网站首页和政府信息公开专栏的各个栏目，"
    "记录每个页面的答复（状态码、用时、是否读取成功），并保存页面原文（WARC 格式）作为证据。抓取遵守 robots.txt，"
    "每个网站同时最多两个请求，并随网站响应速度自动放慢。",
    "检查不访问网络，只依据已抓取的内容，按《中华人民共和国政府信息公开条例》和国务院办公厅秘书局《政府网站与政务新媒体检查指标》"
    "（国办秘函〔2019〕19号）等规定逐项判断；每项结论都注明所依据的规定及其核实程度。",
    "每项结论只依据确实抓取到、识别并读取成功的页面：被反爬虫程序拦截、网站维护、需要登录或连接失败的页面只记录为抓取问题，"
    "不据此认定机构存在问题；一时的连接失败须连续出现 3 次才记为问题（服务器明确答复 404/410 的除外）；"
    "站点无法访问须经一周、每天 20 次以上的访问统计。",
    "「存在时间」为该问题在检查中首次（或整改后再次）出现的日期；问题整改后，下一次抓取读取到更新的页面时即自动记为「已解决」。",
    "如对某项结论有异议，请回复本报告的发送方，注明问题所在的页面链接，并附上该页面的更新记录或截图；"
    "我们将重新抓取核对，确有错误的将予以更正并说明。",
)
