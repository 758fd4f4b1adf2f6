"""政府信息公开工作年度报告: parse one report (HTML, PDF, DOCX or plain text) into sections, table
cells and key figures. Judging what the tables say (勾稽关系, sums, impossible values) is the checks'
work (``monitors/checks/report_judge.py``); ``problems`` here say only what could not be read.

Two table formats are read, in any year: the 2021 standard (国办公开办函〔2021〕30号) and the 2019 trial
format (〔2019〕60号); mixtures of both occur. Every table cell becomes ``{"row", "col", "value"}``: labels
as printed with whitespace removed, multi-level headers joined with "/"; a blank cell is ``None``.
Where a layout flattens the standard header (a PDF grid, a table without its 申请人情况 header) the
label is completed to the standard path, so the same report gives the same cells in HTML and PDF.
Cells are keyed by their labels, never by position. Pre-2019 free-text reports give ``figures``
extracted with patterns. A report that cannot be read (scanned PDF, truncated page, neither format)
gets entries in ``problems``; parsing never raises on bad input.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

TABLES = ("active", "requests", "review_litigation")

# The six section headings of the 2021 format (and 2019): canonical name → patterns accepted.
SECTIONS = (
    ("总体情况", re.compile(r"总体情况|概述|基本情况")),
    ("主动公开政府信息情况", re.compile(r"主动公开")),
    ("收到和处理政府信息公开申请情况", re.compile(r"收到和处理.*申请|依申请公开")),
    ("政府信息公开行政复议、行政诉讼情况", re.compile(r"行政复议.*行政诉讼|复议.*诉讼")),
    ("存在的主要问题及改进情况", re.compile(r"存在的?主要问题|存在问题|问题及改进")),
    ("其他需要报告的事项", re.compile(r"其他需要报告")),
)
_HEADING = re.compile(r"^\s*([一二三四五六七八九十]{1,2})\s*[、.．]\s*(\S.{0,40})$")

RESULT = "三、本年度办理结果"
APPLICANT_COLS = {
    "自然人": "申请人情况/自然人", "商业企业": "申请人情况/法人或其他组织/商业企业",
    "科研机构": "申请人情况/法人或其他组织/科研机构", "社会公益组织": "申请人情况/法人或其他组织/社会公益组织",
    "法律服务机构": "申请人情况/法人或其他组织/法律服务机构", "其他": "申请人情况/法人或其他组织/其他",
    "总计": "申请人情况/总计",
}
REQUEST_COLS = tuple(APPLICANT_COLS.values())
REVIEW_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
REVIEW_GROUPS = ("行政复议", "行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉")
REVIEW_COLS = tuple(f"{g}/{r}" for g in REVIEW_GROUPS for r in REVIEW_RESULTS)

_UNIT = re.compile(r"^([-－—+]?\d+(?:\.\d+)?)(?:万元|元|件|条|个|项|次|人次|篇)?$")
_BLANK = {"", "/", "／", "-", "－", "—", "——", "\\"}
_WS = re.compile(r"[\s\u3000\xa0\u200b\ufeff]+")
_NOTE = "勾稽关系"


def norm(text: str | None) -> str:
    return _WS.sub("", text or "")


def cell_value(text: str) -> tuple[bool, float | int | None]:
    """(is a value cell, value): blank → (True, None); 251000元 → 251000; 5949.088667 → float."""
    t = norm(text).replace(",", "").replace("，", "")
    if t in _BLANK:
        return True, None
    m = _UNIT.match(t)
    if not m:
        return False, None
    s = m.group(1).replace("－", "-").replace("—", "-")
    number = float(s)
    return True, int(number) if "." not in s else number


# report year in a title -----------------------------------------------------------------------

_TITLE = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?.{0,30}?(?:政府信息公开|政务公开|信息公开).{0,12}?(?:年报|年度报告|工作报告|报告)")
_TITLE2 = re.compile(r"(?:政府信息公开|政务公开|信息公开).{0,12}?(?:年报|年度报告|工作报告).{0,4}?[（(]?((?:19|20)\d{2})\s*年?")


def is_report_title(title: str | None) -> int | None:
    """The report year a title names, if it is a 政府信息公开/政务公开 annual report, else None.
    「宣城市商务局2015年度政务公开工作报告」→ 2015; 「政府信息公开年报（2019年）」→ 2019."""
    t = norm(title)
    if not t or re.search(r"通知|报送|编制|征集|做好|要点", t):
        return None
    m = _TITLE.search(t) or _TITLE2.search(t)
    return int(m.group(1)) if m else None


# the result -----------------------------------------------------------------------------------

@dataclass
class Report:
    url: str
    year: int | None = None
    agency: str | None = None
    title: str | None = None
    published: str | None = None
    format: str = "free"
    media: str = "html"
    sections: list[str] = field(default_factory=list)
    tables: dict = field(default_factory=lambda: {t: [] for t in TABLES})
    figures: dict = field(default_factory=dict)
    problems: list[dict] = field(default_factory=list)
    text: str = ""

    def to_json(self) -> dict:
        return {"year": self.year, "agency": self.agency, "published": self.published, "format": self.format,
                "sections": list(self.sections), "tables": {t: [dict(c) for c in self.tables[t]] for t in TABLES},
                "figures": dict(self.figures), "problems": [dict(p) for p in self.problems]}

    def record(self) -> dict:
        """``to_json()`` plus title, media and url: what ``storage.records.upsert_report`` stores."""
        return {**self.to_json(), "title": self.title, "media": self.media, "url": self.url}

    def cell(self, table: str, row: str, col: str):
        for c in self.tables[table]:
            if c["row"] == row and c["col"] == col:
                return c["value"]
        return None


def _problem(kind: str, message: str, **detail) -> dict:
    return {"kind": kind, "message": message, **detail}


def parse_report(body: bytes, url: str, content_type: str | None = None) -> Report:
    """Parse one annual report; never raises on malformed input (problems say what went wrong)."""
    report = Report(url=url)
    try:
        _parse(report, body or b"", url, content_type)
    except Exception as exc:  # a parser bug on odd input must not stop a crawl
        report.problems.append(_problem("unreadable", f"无法解析报告 (cannot parse): {type(exc).__name__}: {exc}"))
    return report


def detect_media(body: bytes, url: str = "", content_type: str | None = None) -> str:
    head = body[:1024].lstrip()
    ct = (content_type or "").lower()
    if head.startswith(b"%PDF") or "pdf" in ct:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if re.search(rb"<(?:!doctype|html|body|table|p|div|meta|head|span|br)\b", body[:50000], re.I):
        return "html"   # a Content-Type saying html is not enough: plain-text pages are served as text/html
    return "text"


def _parse(report: Report, body: bytes, url: str, content_type: str | None) -> None:
    media = report.media = detect_media(body, url, content_type)
    grids: list[list[list[tuple[str, int]]]] = []
    title = published = None
    if media == "html":
        from .detail import extract_detail
        from .encoding import decode_html
        html = decode_html(body, content_type)[0]
        detail = extract_detail(html, url)
        title, published = detail.title, (detail.published or "")[:10] or None
        text = detail.text
        grids = html_grids(html)
        low = html.lower()
        if "<html" in low and "</html>" not in low:
            report.problems.append(_problem("truncated", "页面不完整：缺少 </html>，报告可能被截断 (truncated page)"))
    elif media == "pdf":
        text, grids = _pdf(body, report)
    elif media == "docx":
        text, grids = _docx(body, report)
    elif media == "doc":
        report.problems.append(_problem("unsupported", "旧版 Word .doc 文件暂不支持解析 (binary .doc not supported)"))
        text = ""
    elif media == "rtf":
        text = _rtf_text(body)
    else:
        from .encoding import decode_html
        text = decode_html(body, content_type)[0]
    report.text = text
    lines = [norm(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not title:
        title = next((line for line in lines[:15] if is_report_title(line)), lines[0] if lines else None)
    report.title = title
    report.year = is_report_title(title) if title else None
    if report.year is None:
        m = re.search(r"统计期限自((?:19|20)\d{2})年1月1日", norm(text))
        report.year = int(m.group(1)) if m else None
    if title and report.year:
        agency = re.split(r"(?:19|20)\d{2}\s*年", title)[0]
        report.agency = agency.strip("《“ ") or None
    if not published and media == "text":
        m = re.search(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})", text[:2000])
        if m:
            published = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    report.published = published
    report.sections = _sections(lines)
    _read_grids(report, grids)
    report.figures = free_figures(text)
    has_tables = any(report.tables[t] for t in TABLES)
    report.format = _format(report) if has_tables else "free"
    if not text.strip() and not has_tables:
        if not any(p["kind"] in ("scanned", "unsupported", "unreadable") for p in report.problems):
            report.problems.append(_problem("empty", "报告无可读文本 (no readable text)"))
        return
    if report.year is None:
        report.problems.append(_problem("no_year", "无法确定报告年度 (report year not found)"))
    if not has_tables and (report.year or 0) >= 2019:
        report.problems.append(_problem(
            "no_tables", "未找到统计表格：既非2021格式也非2019试行格式 (neither the 2021 nor the 2019 table format)"))
    if has_tables:
        report.problems += completeness(report)


# grids ----------------------------------------------------------------------------------------

def html_grids(html: str) -> list[list[list[tuple[str, int]]]]:
    """Every innermost <table> as a grid of (text, origin id): rowspan/colspan cells repeat their
    text and origin in every slot they cover."""
    from .dom import parse_fresh
    root = parse_fresh(html)
    grids = []
    origin = 0
    for table in root.iter("table"):
        if table.find(".//table") is not None:
            continue
        grid: dict[tuple[int, int], tuple[str, int]] = {}
        rows = [tr for tr in table.iter("tr")]
        for r, tr in enumerate(rows):
            c = 0
            for td in tr:
                if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                    continue
                while (r, c) in grid:
                    c += 1
                origin += 1
                text = norm(td.text_content())
                rs, cs = _span(td.get("rowspan")), _span(td.get("colspan"))
                for dr in range(rs):
                    for dc in range(cs):
                        grid.setdefault((r + dr, c + dc), (text, origin))
                c += cs
        if not grid:
            continue
        height = max(r for r, _ in grid) + 1
        width = max(c for _, c in grid) + 1
        grids.append([[grid.get((r, c), ("", -1)) for c in range(width)] for r in range(height)])
    return grids


def _span(value) -> int:
    try:
        return max(1, min(int(str(value).strip()), 200))
    except (TypeError, ValueError):
        return 1


def _pdf(body: bytes, report: Report):
    try:
        import pdfplumber
    except ImportError:
        report.problems.append(_problem("unsupported", "未安装 pdfplumber，无法解析 PDF (pdfplumber missing)"))
        return "", []
    texts, grids, origin = [], [], 10 ** 6
    try:
        with pdfplumber.open(io.BytesIO(body)) as pdf:
            for page in pdf.pages:
                texts.append(page.extract_text() or "")
                for table in page.extract_tables():
                    grid = []
                    for row in table:
                        cells = []
                        for cell in row:
                            origin += 1
                            cells.append((norm(cell), origin))
                        grid.append(cells)
                    grids.append(grid)
    except Exception as exc:
        report.problems.append(_problem("unreadable", f"PDF 无法读取 (unreadable PDF): {type(exc).__name__}: {exc}"))
        return "\n".join(texts), grids
    text = "\n".join(texts)
    if not norm(text):
        report.problems.append(_problem(
            "scanned", "PDF 没有文本层（扫描件），无法提取内容，需人工核查 (scanned PDF: no text layer)"))
    return text, grids


def _docx(body: bytes, report: Report):
    try:
        import docx  # python-docx
    except ImportError:
        report.problems.append(_problem("unsupported", "未安装 python-docx，无法解析 DOCX (python-docx missing)"))
        return "", []
    try:
        document = docx.Document(io.BytesIO(body))
    except Exception as exc:
        report.problems.append(_problem("unreadable", f"DOCX 无法读取 (unreadable DOCX): {exc}"))
        return "", []
    text = "\n".join(p.text for p in document.paragraphs)
    grids, origin = [], 2 * 10 ** 6
    for table in document.tables:
        grid = []
        for row in table.rows:
            cells, seen = [], {}
            for cell in row.cells:  # merged cells repeat the same _tc: one origin per _tc
                key = cell._tc   # lxml elements hash by identity; the dict keeps them alive
                if key not in seen:
                    origin += 1
                    seen[key] = origin
                cells.append((norm(cell.text), seen[key]))
            grid.append(cells)
        # vertically merged cells (vMerge) repeat their text: python-docx gives the same _tc only
        # within a row, so those read as repeated labels, which the label join de-duplicates.
        grids.append(grid)
    return text, grids


def _rtf_text(body: bytes) -> str:
    raw = body.decode("latin-1")
    raw = re.sub(r"\\u(-?\d+)\??", lambda m: chr(int(m.group(1)) % 65536), raw)
    raw = re.sub(r"\\par[d]?\b ?", "\n", raw)
    raw = re.sub(r"\\[a-z]+-?\d* ?|[{}]", "", raw)
    return raw


# tables ---------------------------------------------------------------------------------------

def _classify(grid) -> str | None:
    text = "".join(t for row in grid for t, _ in row)
    if re.search(r"本年新收|上年结转|予以公开|不予公开|无法提供|不予处理|结转下年度", text):
        return "requests"
    if "复议" in text and ("诉讼" in text or "起诉" in text) and re.search(r"维持|纠正", text):
        return "review_litigation"
    if re.search(r"第二十条|规范性文件|行政许可|行政处罚|行政事业性收费|政府集中采购", text):
        return "active"
    return None


def _unique(cells) -> list[tuple[str, int]]:
    out, seen = [], set()
    for text, origin in cells:
        if origin in seen and origin != -1:
            continue
        seen.add(origin)
        out.append((text, origin))
    return out


def _join(labels: list[str]) -> str:
    parts = []
    for label in labels:
        if label and _NOTE not in label and (not parts or parts[-1] != label):
            parts.append(label)
    return "/".join(parts)


def _read_grids(report: Report, grids) -> None:
    headers: dict[str, list[str] | None] = {}
    for grid in grids:
        kind = _classify(grid)
        if kind == "requests":
            cells = _requests(grid, headers.get(kind))
        elif kind == "review_litigation":
            cells = _review(grid)
        elif kind == "active":
            cells = _active(grid)
        else:
            continue
        if kind == "requests" and cells[1]:
            headers[kind] = cells[1]
        seen = {(c["row"], c["col"]) for c in report.tables[kind]}
        for c in cells[0]:
            if (c["row"], c["col"]) not in seen:
                seen.add((c["row"], c["col"]))
                report.tables[kind].append(c)


def _requests(grid, previous_cols):
    width = max(len(r) for r in grid)
    grid = [r + [("", -1)] * (width - len(r)) for r in grid]
    nvals = min(7, width - 1)
    first = width - nvals
    # header rows: until the first row whose label mentions a request row
    header_rows, data_rows = [], []
    for row in grid:
        label = "".join(t for t, _ in row[:first])
        if not data_rows and not re.search(r"本年新收|上年结转|办理结果|予以公开|公开|提供|处理|总计|结转|[（(][一二三四五六七][)）]|^\d", label):
            header_rows.append(row)
        elif not data_rows and re.search(r"申请人情况|自然人", "".join(t for t, _ in row[first:])):
            header_rows.append(row)
        else:
            data_rows.append(row)
    cols = []
    for j in range(first, width):
        path = _join([row[j][0] for row in header_rows])
        leaf = path.split("/")[-1] if path else ""
        leaf = {"其他组织": "其他"}.get(leaf, leaf)
        cols.append(APPLICANT_COLS.get(leaf, path))
    if not any(cols) and previous_cols and len(previous_cols) == nvals:
        cols = list(previous_cols)
    if not any(cols) and nvals == 7:
        cols = list(REQUEST_COLS)
    cells = []
    for row in data_rows:
        labels = [t for t, o in _unique(row[:first])]
        path = _join([p for label in labels for p in label.split("/")])
        if not path:
            continue
        if path.startswith(("（", "(")) and not path.startswith(("（本列",)):
            path = f"{RESULT}/{path}"
        for j, (text, _) in enumerate(row[first:]):
            ok, value = cell_value(text)
            cells.append({"row": path, "col": cols[j] or str(j), "value": value if ok else None})
    return cells, cols


def _review(grid):
    width = max(len(r) for r in grid)
    grid = [r + [("", -1)] * (width - len(r)) for r in grid]
    data = [r for r in grid if sum(1 for t, _ in r if t and cell_value(t)[0]) >= max(5, width // 2)]
    header = [r for r in grid if r not in data]
    cells = []
    for row in data:
        start = width - 15 if width >= 15 else 0
        label = _join([t for t, _ in _unique(row[:start])])
        for j in range(start, width):
            path = _join([h[j][0] for h in header])
            col = _review_col(path) or path
            ok, value = cell_value(row[j][0])
            cells.append({"row": label, "col": col, "value": value if ok else None})
    return cells, None


def _review_col(path: str) -> str | None:
    p = norm(path)
    group = ("行政诉讼/复议后起诉" if "复议后起诉" in p else "行政诉讼/未经复议直接起诉" if "未经复议" in p
             else "行政复议" if "复议" in p else None)
    result = next((r for r in REVIEW_RESULTS if p.endswith(r) or p.endswith(r[-2:])), None)
    return f"{group}/{result}" if group and result else None


def _active(grid):
    cells = []
    section, cols = "", []
    for row in grid:
        unique = _unique(row)
        texts = [t for t, _ in unique]
        if not any(texts):
            continue
        first = texts[0]
        if "第二十条" in first or re.match(r"^第[一二三四五六七八九十]+[项条]", first):
            section = first
            rest = [t for t in texts[1:] if t]
            if rest and not all(cell_value(t)[0] for t in rest):
                cols = rest
            continue
        rest = [t for t in texts[1:] if t]
        if first in ("信息内容", "项目", "内容") or (rest and not any(cell_value(t)[0] for t in rest)
                                                and not cell_value(first)[0]):
            cols = rest
            continue
        if cell_value(first)[0]:
            continue
        label = f"{section}/{first}" if section else first
        for col, (text, _) in zip(cols, unique[1:]):
            ok, value = cell_value(text)
            cells.append({"row": label, "col": col, "value": value if ok else None})
    return cells, None


def _format(report: Report) -> str:
    labels = " ".join(c["row"] + " " + c["col"] for t in TABLES for c in report.tables[t])
    if re.search(r"本年制发|本年废止|现行有效|本年处理决定|逾期不补正|缴纳费用", labels):
        return "2021"
    if re.search(r"新制作|新公开|对外公开总数量|上一年项目数量|政府集中采购", labels):
        return "2019"
    return "2021" if (report.year or 0) >= 2021 else "2019"


def _sections(lines: list[str]) -> list[str]:
    found = []
    for line in lines:
        m = _HEADING.match(line)
        if not m or len(line) > 40:
            continue
        for name, pattern in SECTIONS:
            if name not in found and pattern.search(m.group(2)):
                found.append(name)
                break
    return found


# figures from free text -------------------------------------------------------------------------

_N = r"(\d[\d,，]*)"
_FIGURES = (
    ("active_disclosed", (
        rf"(?:新增|全年|共|累计)?主动公开(?:政府信息|信息|各类信息|政务信息)?(?:共计|共|总计)?{_N}(?:条|篇|件)",
        rf"公开政务信息(?:共计|共)?{_N}(?:条|篇)",
        rf"网站(?:共)?发布(?:各类)?信息{_N}(?:条|篇)",
    )),
    ("requests_received", (
        rf"(?:受理|收到|新收)(?:政府信息公开|信息公开)?申请(?:共计|共)?{_N}件",
        rf"(?:受理|收到)(?:依申请公开|申请公开)(?:政府信息|信息)?(?:共计|共)?{_N}件",
    )),
    ("requests_answered", (rf"答复(?:申请)?{_N}件",)),
    ("reviews", (rf"行政复议(?:案件)?{_N}件", rf"复议{_N}件")),
    ("lawsuits", (rf"行政诉讼(?:案件)?{_N}件", rf"诉讼{_N}件")),
    ("fees_wan_yuan", (rf"信息公开(?:费用|经费)(\d+(?:\.\d+)?)万元",)),
)
_NO_REQUESTS = re.compile(r"(?:未|没有)(?:收到|受理|发生)(?:过)?(?:任何)?(?:政府信息公开|信息公开|依申请公开)?申请")
_NO_REVIEW = re.compile(r"(?:未|没有|无)(?:发生|出现|收到)?(?:因)?(?:政府信息公开)?(?:工作|申请)?(?:而)?(?:被)?(?:申请|提起)?行政复议")


def free_figures(text: str) -> dict:
    """Key figures stated in a report's text: items published, requests received/answered,
    复议/诉讼 counts, or their explicit absence (0)."""
    t = norm(text)
    figures: dict = {}
    for key, patterns in _FIGURES:
        for pattern in patterns:
            m = re.search(pattern, t)
            if m:
                s = m.group(1).replace(",", "").replace("，", "")
                figures[key] = float(s) if "." in s else int(s)
                break
    if "requests_received" not in figures and _NO_REQUESTS.search(t):
        figures["requests_received"] = 0
    if "reviews" not in figures and _NO_REVIEW.search(t):
        figures["reviews"] = 0
    if "lawsuits" not in figures and re.search(r"(?:未|没有|无)(?:发生|出现)?[^。；]{0,30}?行政复议、?(?:或)?(?:提起)?行政诉讼", t):
        figures["lawsuits"] = 0
    return figures


# what the parser could not find ---------------------------------------------------------------

REQUIRED_REQUEST_ROWS = ("本年新收", "上年结转", "（七）总计", "结转下年度")


def completeness(report: Report) -> list[dict]:
    """Parts of its own format a report lacks: sections, required rows, whole tables (a cut-off page
    or a layout the parser does not know)."""
    problems = []
    if report.format in ("2019", "2021"):
        missing = [name for name, _ in SECTIONS if name not in report.sections]
        if missing:
            problems.append(_problem("sections_missing", "缺少章节：" + "、".join(missing), missing=missing))
        rows = {c["row"] for c in report.tables["requests"]}
        absent = [k for k in REQUIRED_REQUEST_ROWS if not any(k in r for r in rows)]
        if absent:
            problems.append(_problem("table_incomplete", "申请情况表缺少行：" + "、".join(absent)
                                     + "（报告可能被截断或格式不符）", missing=absent))
        for table, name in (("active", "二、主动公开"), ("review_litigation", "四、复议诉讼")):
            if not report.tables[table]:
                problems.append(_problem("table_missing", f"缺少表格：{name}", table=table))
    return problems


# crawl integration ------------------------------------------------------------------------------

_DOC_LINK = re.compile(r"\.(pdf|docx?|wps)(?:$|[?#])", re.I)


def report_requests(detail_json: dict, item_title: str | None, column_type: str | None) -> list[str]:
    """URLs to fetch for an annual report, given its detail page's ``Detail.to_json()`` (with
    ``url`` added, or relative attachment URLs already absolute), the list title and the column
    type. [] when the item is not a report. The detail page itself when it holds the tables or the
    report text; else its PDF/DOC/DOCX attachments (a report page that only says 「详见附件」)."""
    titles = [t for t in (item_title, detail_json.get("title")) if t]
    if column_type == "annual_report":   # in a 年报 column any title naming a year will do (「2023年年报」)
        if not any(re.search(r"(?:19|20)\d{2}\s*年", norm(t)) for t in titles):
            return []
    elif not any(is_report_title(t) for t in titles):
        return []
    base = detail_json.get("url") or ""
    files = [urljoin(base, a["url"]) for a in detail_json.get("attachments") or []
             if a.get("url") and _DOC_LINK.search(a["url"])]
    text = norm(detail_json.get("text"))
    holds_report = (len(text) > 600 and bool(re.search(r"主动公开|申请|行政复议", text))) or "本年新收" in text
    urls = []
    if holds_report or not files:
        if base:
            urls.append(base)
    urls += [u for u in files if u not in urls]
    return urls
