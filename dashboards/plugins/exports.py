"""Datasette plugin: exports for people, on every table and query page beside Datasette's own.

- ``.csvbom`` 「CSV（Excel）」: UTF-8 with a byte-order mark, so that Excel on Windows reads the Chinese
  (without it, it guesses GBK and shows mojibake); CRLF line ends.
- ``.xlsx`` 「Excel（XLSX）」: a workbook written with openpyxl.

Both show what the HTML page shows — labels, not codes, and evidence as text (dashboards/labels.py)
— for the rows the page may show (``_size=max``: up to Datasette's max_returned_rows). Scraped text
is untrusted: a cell that Excel would read as a formula (=, +, -, @) is kept as text.
"""

from __future__ import annotations

import csv
import io
import json
import re

from datasette import hookimpl
from datasette.utils.asgi import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from dashboards import labels

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def people_value(table: str | None, column: str, value, row: dict):
    """A cell as a person reads it: the label of a code, evidence as text, a linked row's label."""
    if isinstance(value, dict) and "label" in value:   # ?_labels=on: a foreign key with its label
        value = value["label"] or value.get("value")
    kind = labels.code_kind(table, column)
    if kind:
        return labels.label(kind, value)
    json_kind = labels.JSON_COLUMNS.get((table, column)) or (None if table else labels.JSON_COLUMNS.get((None, column)))
    if json_kind:
        shown = labels.json_text(json_kind, value)
        return value if shown is None else shown
    if table == "findings" and column == "subject" and row.get("check_name"):
        evidence = row.get("evidence")
        return labels.subject_label(row["check_name"], value, json.loads(evidence) if isinstance(evidence, str) else None)
    return value


def people_rows(table, columns, rows) -> list[list]:
    out = []
    for row in rows:
        values = dict(zip(columns, (row[i] for i in range(len(columns)))))
        out.append([people_value(table, c, v, values) for c, v in values.items()])
    return out


def _name(table, query_name, database) -> str:
    return table or query_name or database


def _attachment(name: str, extension: str) -> dict:
    return {"Content-Disposition": f'attachment; filename="{name}.{extension}"'}


def render_csv_bom(datasette, columns, rows, table, query_name, database):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in people_rows(table, columns, rows):
        writer.writerow(["'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v for v in row])
    body = "\ufeff" + buffer.getvalue()
    return Response(body.encode("utf-8"), content_type="text/csv; charset=utf-8",
                    headers=_attachment(_name(table, query_name, database), "csv"))


def _title(datasette, database, table, query_name) -> str:
    if query_name:
        query = ((datasette.metadata(database=database) or {}).get("queries") or {}).get(query_name) or {}
        title = query.get("title") or query_name
    else:
        title = (datasette.metadata(database=database, table=table) or {}).get("description") or table or database
    return _SHEET_UNSAFE.sub(" ", title.split(" · ")[0])[:31] or "gkwatch"


def render_xlsx(datasette, columns, rows, table, query_name, database):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_title(datasette, database, table, query_name))
    sheet.append(columns)
    for row in people_rows(table, columns, rows):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"   # never a formula, whatever the text starts with
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return Response(buffer.getvalue(),
                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers=_attachment(_name(table, query_name, database), "xlsx"))


def _has_columns(columns) -> bool:
    return bool(columns)


@hookimpl
def register_output_renderer():
    return [
        {"extension": "csvbom", "render": render_csv_bom, "can_render": _has_columns},
        {"extension": "xlsx", "render": render_xlsx, "can_render": _has_columns},
    ]
