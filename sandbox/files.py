"""Attachment files: .doc (RTF, as many government .doc files really are) and .pdf.

Ordinary attachment PDFs use a core font (fast, ASCII text). The annual report PDF needs Chinese
text that pdfplumber can extract, so it embeds a CJK font found on the machine (Debian package
``fonts-wqy-microhei``); without one it cannot be made and ``MissingFont`` says so.
Every file is deterministic: fixed creation dates, so ETags stay stable across runs.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from . import reports as rep
from .model import Item

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


class MissingFont(RuntimeError):
    pass


def cjk_font() -> str | None:
    return next((p for p in FONT_CANDIDATES if Path(p).exists()), None)


def doc_bytes(title: str, body: str) -> bytes:
    def rtf(text: str) -> str:
        return "".join(c if ord(c) < 128 else f"\\u{ord(c) if ord(c) < 32768 else ord(c) - 65536}?" for c in text)
    return ("{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0 SimSun;}}\\f0\\fs24 "
            f"{rtf(title)}\\par {rtf(body)}\\par }}").encode("ascii")


@lru_cache(maxsize=512)
def plain_pdf(label: str, when: dt.datetime) -> bytes:
    from fpdf import FPDF
    pdf = FPDF()
    pdf.set_creation_date(when.replace(tzinfo=dt.timezone(dt.timedelta(hours=8))))
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, f"Attachment {label}")
    return bytes(pdf.output())


def residents_pdf(title: str, people: tuple, when: dt.datetime) -> bytes:
    """A 发放明细表 as agencies attach them: every resident's ID, mobile and card number in full."""
    from fpdf import FPDF
    font = cjk_font()
    if not font:
        raise MissingFont("缺少中文字体：请安装 Debian 软件包 fonts-wqy-microhei")
    pdf = FPDF(orientation="L")
    pdf.set_creation_date(when.replace(tzinfo=dt.timezone(dt.timedelta(hours=8))))
    pdf.add_font("cjk", fname=font)
    pdf.add_page()
    pdf.set_font("cjk", size=14)
    pdf.multi_cell(0, 10, title.removeprefix("附件：").removesuffix(".pdf"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    with pdf.table(first_row_as_headings=False, line_height=7, col_widths=(14, 30, 70, 45, 75, 30)) as grid:
        for row in [("序号", "姓名", "身份证号码", "联系电话", "银行卡号", "金额（元）")] + [
                (str(k), p.name, p.resident_id, p.mobile, p.bank_card, f"{1200 + 300 * k}.00")
                for k, p in enumerate(people, 1)]:
            cells = grid.row()
            for value in row:
                cells.cell(value)
    return bytes(pdf.output())


_REPORT_PDFS: dict[tuple, bytes] = {}


def report_pdf(item: Item, ctx: dict) -> bytes:
    key = (ctx["name"], item.report.year)
    if key not in _REPORT_PDFS:
        _REPORT_PDFS[key] = _make_report_pdf(item, ctx)
    return _REPORT_PDFS[key]


def _make_report_pdf(item: Item, ctx: dict) -> bytes:
    from fpdf import FPDF
    font = cjk_font()
    if not font:
        raise MissingFont("缺少中文字体：请安装 Debian 软件包 fonts-wqy-microhei")
    pdf = FPDF(orientation="L")
    pdf.set_creation_date(item.maketime.replace(tzinfo=dt.timezone(dt.timedelta(hours=8))))
    pdf.add_font("cjk", fname=font)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.multi_cell(0, 10, item.title, align="C")
    pdf.set_font("cjk", size=9)
    data = item.report.data
    for kind, text in rep.report_paragraphs(data, ctx, 0):
        if kind == "table":
            continue
        pdf.set_x(pdf.l_margin)  # a table leaves the cursor at its right edge
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        table = {"二、主动公开政府信息情况": _active_rows(data), "三、收到和处理政府信息公开申请情况": _request_rows(data)}
        if text.startswith("四、"):
            table = {text: _review_rows(data)}
        if text in table:
            pdf.set_font("cjk", size=7)
            with pdf.table(first_row_as_headings=False, line_height=5) as grid:
                for row in table[text]:
                    cells = grid.row()
                    for cell in row:
                        cells.cell("" if cell is None else f"{cell:g}" if isinstance(cell, float) else str(cell))
            pdf.set_font("cjk", size=9)
    return bytes(pdf.output())


def _active_rows(data: rep.ReportData) -> list[list]:
    rows = []
    for sec, cols, labels in data.sections():
        rows.append([sec] + list(cols[1:]) + [""] * (4 - len(cols)))
        for label in labels:
            values = data.active[(sec, label)]
            rows.append([label] + values + [""] * (3 - len(values)))
    return rows


def _request_rows(data: rep.ReportData) -> list[list]:
    rows = [["项目"] + list(rep.APPLICANTS)]
    for label in data.request_rows():
        rows.append([label.replace(rep.RESULT + "/", "")] + data.requests[label])
    return rows


def _review_rows(data: rep.ReportData) -> list[list]:
    return [[c.replace("/", " ") for c in rep.REVIEW_COLS], list(data.review)]
