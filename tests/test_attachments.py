"""Attachments read for what they disclose: PDF, DOCX, XLSX, XLS and DOC text, personal numbers found
in each; a broken file is a stated problem, never a crash."""

from __future__ import annotations

import io

import pytest

from extract.attachments import attachment_text
from extract.privacy import find_personal_numbers

from .conftest import FILES

ID_NUMBER, MOBILE = "340102198503120024", "13812345678"   # synthetic; the ID has a valid check character
LINE = f"Applicant ID {ID_NUMBER} phone {MOBILE} order 202611050001234567"


def pdf() -> bytes:
    from fpdf import FPDF

    document = FPDF()
    document.add_page()
    document.set_font("Helvetica", size=12)
    document.cell(text=LINE)
    return bytes(document.output())


def docx() -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph("Penalty decision")
    document.add_table(rows=1, cols=1).rows[0].cells[0].text = LINE
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["name", "id", "phone"])
    book.active.append(["Zhang", ID_NUMBER, int(MOBILE)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xls() -> bytes:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("list")
    for col, value in enumerate(["Zhang", ID_NUMBER, MOBILE]):
        sheet.write(0, col, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("make", [pdf, docx, xlsx, xls], ids=lambda f: f.__name__)
def test_personal_numbers_in_each_format(make):
    text, problem = attachment_text(make())
    assert problem is None
    assert [(d.kind, d.masked) for d in find_personal_numbers(text)] == [
        ("id_card", "3401**********0024"), ("mobile", "138****5678")]


def test_a_real_word_97_document():
    text, problem = attachment_text((FILES / "extract" / "attachments" / "textract_raw_text.doc").read_bytes())
    assert problem is None
    assert text.split()[:5] == ["I", "love", "word", "documents.", "They"]


@pytest.mark.parametrize("body, problem", [
    (b"%PDF-1.4\n garbage", "附件无法读取"),
    (b"PK\x03\x04" + b"\x00" * 40, "附件无法读取"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "附件无法读取"),
    (b"plain words", "不支持的附件格式"),
])
def test_a_broken_file_is_a_problem_not_a_crash(body, problem):
    text, said = attachment_text(body)
    assert text == "" and said.startswith(problem)
