"""The text of an item's attachment (PDF, Word, Excel), read to find what it discloses.

By the file's own bytes, not its name: PDF (pdfplumber), a ZIP-based Office file (DOCX with
python-docx, XLSX with openpyxl), an OLE2 file (XLS with xlrd; DOC with antiword, the Debian
package, when installed). A file that cannot be read gives "" and says why: an attachment that was
not read proves nothing about what it contains.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

from .reports import detect_media

ATTACHMENT_TYPES = ("pdf", "doc", "docx", "xls", "xlsx", "wps", "et")


def attachment_text(body: bytes, url: str = "", content_type: str | None = None) -> tuple[str, str | None]:
    """(text, problem): the attachment's text, or "" and why it could not be read."""
    media = detect_media(body, url, content_type)
    try:
        if media == "pdf":
            return _pdf(body), None
        if media == "docx":   # any ZIP: DOCX or XLSX by what it holds
            names = set(zipfile.ZipFile(io.BytesIO(body)).namelist())
            if "xl/workbook.xml" in names:
                return _xlsx(body), None
            if "word/document.xml" in names:
                return _docx(body), None
            return "", "不是 Office 文档的压缩包 (a ZIP that is not an Office file)"
        if media == "doc":    # OLE2: an Excel workbook or a Word document
            return _ole(body)
    except Exception as exc:   # a broken or hostile file is the crawler's trouble, never a crash
        return "", f"附件无法读取 (unreadable attachment): {type(exc).__name__}: {exc}"[:300]
    return "", f"不支持的附件格式 (unsupported attachment): {media}"


def _pdf(body: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(body)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def _docx(body: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(body))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _xlsx(body: bytes) -> str:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    return "\n".join("\t".join("" if v is None else str(v) for v in row)
                     for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))


def _ole(body: bytes) -> tuple[str, str | None]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=body)
    except xlrd.XLRDError:   # not a workbook: a Word document
        return _doc(body)
    return "\n".join("\t".join(str(v) for v in sheet.row_values(r)) for sheet in book.sheets()
                     for r in range(sheet.nrows)), None


def _doc(body: bytes) -> tuple[str, str | None]:
    antiword = shutil.which("antiword")
    if not antiword:
        return "", "未安装 antiword，无法读取 .doc 附件 (antiword missing)"
    done = subprocess.run([antiword, "-m", "UTF-8.txt", "-"], input=body, capture_output=True, timeout=60)
    if done.returncode:
        return "", f"antiword 无法读取 (antiword failed): {done.stderr.decode('utf-8', 'replace')[:200]}"
    return done.stdout.decode("utf-8", "replace"), None
