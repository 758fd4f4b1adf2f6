"""政府信息公开工作年度报告: parse one report (HTML, PDF, DOCX or plain text) into sections, table
cells and key figures. Judging what the tables say (勾稽关系, sums, impossible values) is the checks'
work (``monitors/checks/report_judge.py``); ``problems`` here say only what could not be read.

A report's ``format`` is the form its tables take, judged from the tables themselves (never from
its year alone):

- "2021": the standard of 国办公开办函〔2021〕30号 (本年制发/本年废止/现行有效, 逾期不补正…);
- "2019": the trial format of 〔2019〕60号 (本年新制作/本年新公开/对外公开总数量…); mixtures of
  both occur and are read alike, into the tables ``active``, ``requests``, ``review_litigation``;
- "pre2019": the old 政府信息公开情况统计表 (rows 统计指标/指标名称, columns 单位/计量单位,
  统计数/数量/本年, 历年累计), read into the table ``statistics``, which the 2019/2021 tables
  never borrow from: such a report is not blamed for their sections and tables;
- "free": no table at all (text only; ``figures`` then come from patterns in the text).

Every table cell becomes ``{"row", "col", "value"}``: labels as printed with whitespace removed,
multi-level headers joined with "/"; a blank cell is ``None``. Where a layout flattens the standard
header (a PDF grid, a table without its 申请人情况 header) the label is completed to the standard
path, so the same report gives the same cells in HTML and PDF. Cells are keyed by their labels,
never by position. A report that cannot be read (scanned PDF, truncated page, neither format) gets
entries in ``problems``; parsing never raises on bad input.

The year is the one its title names; a page without a title gives it in its body (「统计期限自
2014年1月1日」, else the year its first lines name most, 「2014年，本局…」「2014年度」, never a
date's year such as the publish date's).
"""

from __future__ import annotations

import io
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urljoin

TABLES = ("active", "requests", "review_litigation")  # the 2019/2021 tables, always in to_json()
STATISTICS = "statistics"  # the pre-2019 统计表, in to_json() when the report has one

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
    tables: dict = field(default_factory=lambda: {t: [] for t in (*TABLES, STATISTICS)})
    figures: dict = field(default_factory=dict)
    problems: list[dict] = field(default_factory=list)
    text: str = ""

    def to_json(self) -> dict:
        return {"year": self.year, "agency": self.agency, "published": self.published, "format": self.format,
                "sections": list(self.sections),
                "tables": {t: [dict(c) for c in cells] for t, cells in self.tables.items() if t in TABLES or cells},
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
        title = _title_in_text(lines[:15])
    report.title = title
    report.year = is_report_title(title) if title else None
    if report.year is None:
        report.year = _year_in_body(text, lines)
    if title and is_report_title(title):  # the agency is the title's part before the year
        agency = re.split(r"(?:19|20)\d{2}\s*年", title)[0]
        report.agency = agency.strip("《“ ") or None
    if not published and media == "text":
        m = re.search(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})", text[:2000])
        if m:
            published = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    report.published = published
    report.sections = _sections(lines)
    _read_grids(report, grids)
    report.format = _format(report)
    report.figures = statistics_figures(report.tables[STATISTICS]) if report.format == "pre2019" else {}
    report.figures = {**free_figures(text), **report.figures}
    has_tables = report.format != "free"
    if not text.strip() and not has_tables:
        if not any(p["kind"] in ("scanned", "unsupported", "unreadable") for p in report.problems):
            report.problems.append(_problem("empty", "报告无可读文本 (no readable text)"))
        return
    if report.year is None:
        report.problems.append(_problem("no_year", "无法确定报告年度 (report year not found)"))
    if report.format in ("free", "pre2019") and (report.year or 0) >= 2019:  # its year's rules ask for them
        old = "（只有2019年前的统计表）" if report.format == "pre2019" else ""
        report.problems.append(_problem(
            "no_tables", f"未找到统计表格：既非2021格式也非2019试行格式{old} (neither the 2021 nor the 2019 table format)"))
    if has_tables:
        report.problems += completeness(report)


_YEAR_NAMED = re.compile(r"((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)")  # 2014年, not 2014年2月25日


def _year_in_body(text: str, lines: list[str]) -> int | None:
    """The report year of a page without a title: its 统计期限, else the year its first lines
    name most often (「2014年度」「2014年，本局…」); a date's year never counts."""
    m = re.search(r"统计期限自((?:19|20)\d{2})年1月1日", norm(text))
    if m:
        return int(m.group(1))
    years = Counter(int(y) for line in lines[:12] for y in _YEAR_NAMED.findall(line))
    return years.most_common(1)[0][0] if years else None


_NAME_LINE = re.compile(r"^[\u4e00-\u9fff（）()]{2,30}$")  # 「淮安市洪泽区人民政府」: a name, no digits or punctuation


def _title_in_text(lines: list[str]) -> str | None:
    """The report's title among its first lines, with the agency's name when it is printed on the
    line before the year (「淮安市人民政府」 / 「2024年政府信息公开工作年度报告」); else a short
    first line."""
    for k, line in enumerate(lines):
        if is_report_title(line):
            if k and re.match(r"(?:19|20)\d{2}", line) and _NAME_LINE.match(lines[k - 1]):
                return lines[k - 1] + line
            return line
    return lines[0] if lines and len(lines[0]) <= 40 else None  # a heading, not the first paragraph


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
    texts, tables, origins = [], [], itertools.count(10 ** 6)
    try:
        with pdfplumber.open(io.BytesIO(body)) as pdf:
            for page_no, page in enumerate(pdf.pages):
                texts.append(page.extract_text() or "")
                found = page.find_tables()
                for k, table in enumerate(found):
                    tables.append(_PdfTable(_pdf_grid(table, origins), page_no, k == 0, k == len(found) - 1))
    except Exception as exc:
        report.problems.append(_problem("unreadable", f"PDF 无法读取 (unreadable PDF): {type(exc).__name__}: {exc}"))
        return "\n".join(texts), [t.grid for t in tables]
    text = "\n".join(texts)
    if not norm(text):
        report.problems.append(_problem(
            "scanned", "PDF 没有文本层（扫描件），无法提取内容，需人工核查 (scanned PDF: no text layer)"))
    return text, _joined_across_pages(tables)


@dataclass
class _PdfTable:
    grid: list
    page: int
    first_on_page: bool
    last_on_page: bool


def _pdf_grid(table, origins) -> list[list[tuple[str, int]]]:
    """A pdfplumber table as a grid like ``html_grids``: a merged cell (pdfplumber gives its other
    slots as None) repeats its text and origin in every slot its box covers."""
    rows, texts = table.rows, table.extract()
    width = max(len(row.cells) for row in rows)
    lefts, tops = {}, {}
    for r, row in enumerate(rows):
        for c, box in enumerate(row.cells):
            if box is not None:
                lefts.setdefault(c, box[0])
                tops.setdefault(r, box[1])
    grid: dict[tuple[int, int], tuple[str, int]] = {}
    for r, row in enumerate(rows):
        for c, box in enumerate(row.cells):
            if box is None:
                continue
            cell = (norm(texts[r][c]), next(origins))
            right = c + 1
            while right < width and lefts.get(right, box[2]) < box[2] - 1:
                right += 1
            bottom = r + 1
            while bottom < len(rows) and tops.get(bottom, box[3]) < box[3] - 1:
                bottom += 1
            for rr in range(r, bottom):
                for cc in range(c, right):
                    grid.setdefault((rr, cc), cell)
    return [[grid.get((r, c), ("", -1)) for c in range(width)] for r in range(len(rows))]


# A row label that starts a new row: 三、 （四） 2. 第二十条.
_LABEL_START = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．]|第[一二三四五六七八九十]+)")


def _joined_across_pages(tables: list[_PdfTable]) -> list:
    """Grids, a table that a page break cut in two joined again: the first table of a page
    continues the last one of the page before when it has the same width and does not repeat its
    header. The cut runs through cells spanning rows (三、本年度办理结果, （四）无法提供): in the
    continuation's first row, a row label left blank, or a fragment without a numbering of its
    own (「法提供」) after a numbered one (「（四）无」), is the same cell as the one above it."""
    grids: list = []
    previous = None
    for table in tables:
        grid = table.grid
        continued = (previous is not None and grids and table.first_on_page and previous.last_on_page
                     and table.page == previous.page + 1 and grid and grids[-1]
                     and len(grid[0]) == len(grids[-1][0]) and [t for t, _ in grid[0]] != [t for t, _ in grids[-1][0]])
        if continued:
            grids[-1] = _continue(grids[-1], grid)
        else:
            grids.append(grid)
        previous = table
    return grids


def _continue(above: list, below: list) -> list:
    """`below` appended to `above`, the cells the page break cut joined (see _joined_across_pages)."""
    merged: dict[int, int] = {}  # origin in `below` -> the origin above that it continues
    text_of = {origin: text for row in above for text, origin in row}
    for c in range(_label_width(above + below)):
        (text, origin), (upper, upper_origin) = below[0][c], above[-1][c]
        if upper_origin == -1 or origin in merged:
            continue
        if not text:
            merged[origin] = upper_origin
        elif _LABEL_START.match(upper) and not _LABEL_START.match(text):
            merged[origin] = upper_origin
            text_of[upper_origin] = upper + text

    def cell(text: str, origin: int) -> tuple[str, int]:
        origin = merged.get(origin, origin)
        return text_of.get(origin, text), origin

    return [[cell(text, origin) for text, origin in row] for row in above + below]


def _label_width(grid: list) -> int:
    """How many leading columns hold row labels: those before the first number of any row."""
    width = len(grid[0]) if grid else 0
    firsts = [next((c for c, (t, _) in enumerate(row) if t and _UNIT.match(t.replace(",", ""))), width)
              for row in grid]
    numbered = [c for c in firsts if c < width]
    return min(numbered) if numbered else 0


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

# The old 统计表: its header (统计指标/指标名称, 计量单位, 历年累计) or its rows (收到申请数,
# 申请答复数, 主动公开政府信息数); never a table with rows of the 2019/2021 forms.
_STATISTICS_HEADER = re.compile(r"统计指标|指标名称|计量单位|历年累计")
_STATISTICS_ROWS = re.compile(r"收到申请数|申请答复数|申请办结数|主动公开政府信息数|依申请公开情况|行政复议数量|行政诉讼数量")
_NEW_FORMS = re.compile(r"本年新收|上年结转|结转下年度|本年制发|本年新制作|本年新公开|对外公开总数量")


def _classify(grid) -> str | None:
    text = "".join(t for row in grid for t, _ in row)
    if not _NEW_FORMS.search(text) and (_STATISTICS_HEADER.search(text) or len(_STATISTICS_ROWS.findall(text)) >= 2):
        return STATISTICS
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
    """Cells of every table of the standard kinds. A table cut in two (by a page, or by the
    layout) continues with the header and section of its part before (``carried``)."""
    carried: dict[str, object] = {}
    readers = {"requests": _requests, "review_litigation": _review, "active": _active, STATISTICS: _statistics}
    for grid in grids:
        kind = _classify(grid)
        if kind is None:
            continue
        cells = readers[kind](grid, carried.get(kind))
        if cells[1]:
            carried[kind] = cells[1]
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


def _review(grid, _carried=None):
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


def _active(grid, carried=None):
    cells = []
    section, cols = carried or ("", [])
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
                                                and (not first or not cell_value(first)[0])):
            cols = rest  # a header row, its first cell maybe cut off by a page break
            continue
        if cell_value(first)[0]:
            continue
        label = f"{section}/{first}" if section else first
        for col, (text, _) in zip(cols, unique[1:]):
            ok, value = cell_value(text)
            cells.append({"row": label, "col": col, "value": value if ok else None})
    return cells, (section, cols)


_UNIT_WORD = re.compile(r"^(?:条|件|次|个|人|篇|项|人次|万元|元|家|期|份|场|批|天|小时)$")
_SECTION = re.compile(r"^[一二三四五六七八九十]+[、.．]")


def _statistics(grid, _carried=None):
    """The old 统计表: a row per 指标 (label as printed; a label printed twice, like 「（二）被依法纠错数」
    under both 四、行政复议 and 五、行政诉讼, is prefixed with its section), a column per value
    heading (统计数, 本年, 历年累计); the unit column (单位, 计量单位) is neither."""
    width = max(len(r) for r in grid)
    grid = [r + [("", -1)] * (width - len(r)) for r in grid]
    numeric = [any(_is_number(row[c][0]) for row in grid) for c in range(width)]
    if not any(numeric):
        return [], None
    first_value = numeric.index(True)
    header_rows, captions = [], []
    for row in grid:
        if any(_is_number(t) for t, _ in row):
            break
        if len({origin for _, origin in row}) == 1:
            captions.append(row)  # a caption across the table (政府信息公开情况统计表（2014年度）)
        elif any(t and not cell_value(t)[0] for t, _ in row[first_value:]):
            header_rows.append(row)
    body = [row for row in grid if row not in header_rows and row not in captions]
    names = [_join([row[c][0] for row in header_rows]) for c in range(width)]
    units = {c for c in range(width) if not numeric[c] and ("单位" in names[c] or _unit_column(body, c))}
    labels = [c for c in range(first_value) if c not in units]
    columns = [(c, names[c]) for c in range(first_value, width) if c not in units]
    if len({name for _, name in columns}) < len(columns):  # unnamed value columns: by position
        columns = [(c, name or str(k)) for k, (c, name) in enumerate(columns, start=1)]
    rows, section = [], ""
    for row in body:
        label = _join([t for t, _ in _unique([row[c] for c in labels])])
        if not label:
            continue
        if _SECTION.match(label):
            section = label
        rows.append((label, section, row))
    printed = Counter(label for label, _, _ in rows)
    cells, seen = [], set()
    for label, section, row in rows:
        if printed[label] > 1 and section and section != label:
            label = f"{section}/{label}"
        for c, name in columns:
            if (label, name) not in seen:
                seen.add((label, name))
                ok, value = cell_value(row[c][0])
                cells.append({"row": label, "col": name, "value": value if ok else None})
    return cells, None


def _unit_column(rows, c: int) -> bool:
    """A column of unit words (条, 件, 万元), blank or ——, with at least one unit."""
    texts = [row[c][0] for row in rows if row[c][0]]
    return any(_UNIT_WORD.match(t) for t in texts) and all(_UNIT_WORD.match(t) or cell_value(t) == (True, None)
                                                           for t in texts)


def _is_number(text: str) -> bool:
    ok, value = cell_value(text)
    return ok and value is not None


def statistics_figures(cells: list[dict]) -> dict:
    """Key figures of an old 统计表: items published (主动公开政府信息数) and requests received
    (收到申请数), each from its own row only, in the first value column (统计数/本年)."""
    figures = {}
    for key, row in (("active_disclosed", "主动公开政府信息数"), ("requests_received", "收到申请数")):
        values = [c["value"] for c in cells if row in c["row"].split("/")[-1]]
        if values and values[0] is not None:
            figures[key] = values[0]
    return figures


def _format(report: Report) -> str:
    if not any(report.tables[t] for t in TABLES):
        return "pre2019" if report.tables[STATISTICS] else "free"
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
