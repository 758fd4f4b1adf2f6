"""Labelled metadata fields: 索 引 号：…, 发布日期：…, <td>文号</td><td>…</td>, <strong>发布机构</strong>：….

One reader for every markup form of a label. The page is walked in document order and a label is
either text followed by a colon (`索引号：X 发布机构：Y` in one text node; several pairs split at
each label) or a *label element*: an element whose whole text is a label, with or without a colon
(`<td>`, `<th>`, `<dt>`, `<strong>`, `<b>`, `<span>`, `<label>`, `<div>`…). A label element's value
is, in this order:

- the text right after it (`<strong>索引号</strong>：X`, `<li><span>索引号：</span>X</li>`);
- the cell in the same column of the next row, when every cell of its row is a label
  (`<tr><th>索引号</th><th>发布机构</th></tr><tr><td>X</td><td>Y</td></tr>`) and that row is
  one of values, not the first of a list (no links, and no further row of values follows);
- its next sibling element, whole (`<td>文号</td><td><span>岚综</span>〔2019〕87号</td>`,
  `<dt>`/`<dd>`, `<span class="label">`/`<span class="value">`); an empty one means no value,
  never the next label;
- else the next text node (`<p><b>文号：</b></p><p>X</p>`).

Labels may be padded with spaces, &ensp;, &emsp;, &nbsp; or U+3000 between their characters and
wrapped in 【】. Comments are never read (the detail extractor drops them; here their text is
skipped too). The words 时间, 日期, 名称, 标题 are too common to be labels without a colon except in
table cells, definition terms and bold or <label> elements.
"""

from __future__ import annotations

import re
from collections import defaultdict

from lxml import etree

from .dom import collapse

_FIELDS = {
    "title": ("标题", "名称", "文件名称", "信息名称", "文件标题"),
    "published": ("发布日期", "发布时间", "公开日期", "公开时间", "公布日期", "发表时间", "发表日期"),
    "published_loose": ("时间", "日期"),
    "written": ("成文日期", "成文时间", "印发日期", "发文日期", "签发日期", "生成日期"),
    "source": ("信息来源", "文章来源", "稿件来源", "来源单位", "来源"),
    "publisher": ("发布机构", "发文机关", "发文单位", "发布单位", "发文机构", "发布机关", "发布部门", "责任部门",
                  "公开责任部门"),
    "index_no": ("索引号", "信息索引号", "索取号"),
    "doc_no": ("发文字号", "发文文号", "文件编号", "文号", "文件字号", "发文编号"),
    "validity": ("有效性", "时效性", "效力状态", "是否有效"),
    # Read only so that their values do not run into a neighbour's.
    None: ("主题分类", "主题词", "关键词", "关键字", "体裁分类", "组配分类", "服务对象", "内容分类", "信息分类",
           "浏览次数", "点击数", "点击率", "访问量", "浏览量", "阅读次数", "作者", "责任编辑", "编辑",
           "字号", "字体", "分享到", "生效日期", "失效日期", "废止日期", "实施日期", "所属机构", "所属主题",
           "公开方式", "公开范围", "公开时限", "公开形式", "内容概述", "文种", "体裁", "主题"),
}
_FIELD_OF = {label: name for name, labels in _FIELDS.items() for label in labels}
_LOOSE = frozenset({"时间", "日期", "名称", "标题"})  # labels without a colon only in cells
_LABEL_ALTERNATIVES = "|".join(
    r"\s*".join(map(re.escape, label)) for label in sorted(_FIELD_OF, key=len, reverse=True)
)
_COLON = "[:：﹕]"
# Not preceded by another CJK character: 办理时间 is no 时间 label.
_LABEL = re.compile(rf"(?<![\u4e00-\u9fff])[【\[]?(?P<label>{_LABEL_ALTERNATIVES})\s*[】\]]?\s*{_COLON}")
_BARE_LABEL = re.compile(rf"[【\[]?(?P<label>{_LABEL_ALTERNATIVES})\s*[】\]]?\s*{_COLON}?")
_CELLS = frozenset({"td", "th", "dt", "label", "strong", "b"})
_NOT_LABELS = frozenset({"a", "script", "style", "option", "select", "button", "title", "html", "head", "body"})
_LEADING_COLON = re.compile(rf"^[\s{_COLON[1:-1]}]+")
_VALUE_END = re.compile(r"\s*[|丨]")
_MAX_LABEL = 16  # characters of a label element's text: 索　　引　　号：
_MAX_VALUE = 300
_NOTHING = object()
_PROSE = 20  # characters in a text node without a label: the body's text has begun


def labelled_fields(root, body=None, heading=None) -> dict[str, list[str]]:
    """Field name -> values in page order.

    Inside `body` only its leading lines are read (some templates put the 发布日期/来源 line in
    the same container as the text): reading stops at the first line of prose, so a meeting
    notice's 时间：… is never taken for the publish date.
    """
    found: dict[str, list[str]] = defaultdict(list)
    pending = _NOTHING  # the field whose value is the next text node
    done: set = set()  # value elements already read whole
    header_rows: dict = {}
    in_body = in_heading = prose_seen = False
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        start = event == "start"
        if el is body:
            in_body = start
        if el is heading:
            in_heading = start
        if in_body and prose_seen:  # the rest of the body is not read: do not walk into it
            if start:
                walker.skip_subtree()
            continue
        if start:
            if el in done or not isinstance(el.tag, str):  # read already, or a comment
                walker.skip_subtree()
                continue
            label = _label_element(el)
            if label is not None:
                walker.skip_subtree()
                pending = _label_value(el, label, found, done, header_rows)
                continue
            raw = el.text
        else:
            raw = el.tail
        # Whitespace-only text collapses to nothing (str.isspace and the regex's \s agree).
        if not raw or raw.isspace():
            continue
        text = collapse(raw)
        if (in_body and not in_heading and pending is _NOTHING and len(text) >= _PROSE
                and not has_label(text)):
            prose_seen = True
            continue
        pending = _read_text(text, pending, found)
    return found


def has_label(text: str) -> bool:
    return _has_colon(text) and bool(_LABEL.search(text))


def _has_colon(text: str) -> bool:
    """Every label match ends with a colon: text without one needs no regex."""
    return ":" in text or "：" in text or "﹕" in text


def _read_text(text: str, pending, found) -> object:
    """Values in one text: the pending field's value up to the first label, then each label's
    up to the next. Returns the field still waiting for a value (a label at the very end)."""
    if pending is not _NOTHING:
        text = _LEADING_COLON.sub("", text)  # `<strong>索引号</strong>：X`: the colon is the tail's
        if not text:
            return pending
    matches = list(_LABEL.finditer(text)) if _has_colon(text) else []
    if pending is not _NOTHING:
        _keep(found, pending, text[: matches[0].start()] if matches else text)
    pending = _NOTHING
    for this, following in zip(matches, matches[1:] + [None]):
        value = text[this.end(): following.start() if following else len(text)]
        if value.strip():
            _keep(found, _field(this), value)
        elif following is None:
            pending = _field(this)
    return pending


def _label_element(el):
    """The label match when the element's whole text is one label (with or without a colon)."""
    if el.tag in _NOT_LABELS or (el.text is None and not len(el)):
        return None
    text = _short_text(el)
    match = _BARE_LABEL.fullmatch(text) if text else None
    if match is None:
        return None
    bare = re.sub(r"\s+", "", match.group("label"))
    if bare in _LOOSE and el.tag not in _CELLS and not _has_colon(text):
        return None
    return match


def _short_text(el) -> str | None:
    """The element's collapsed text, or None when it is longer than a label can be."""
    parts, length = [], 0
    for piece in el.itertext():
        length += len(piece)
        if length > _MAX_LABEL * 3:  # padding (&nbsp; runs) included
            return None
        parts.append(piece)
    text = collapse("".join(parts))
    return text if 0 < len(text) <= _MAX_LABEL else None


def _label_value(el, label, found, done, header_rows) -> object:
    """Read the value of label element `el`; return the field left pending for the next text."""
    name = _field(label)
    if el.tail and _LEADING_COLON.sub("", el.tail):
        return name  # the text right after it: read as the next text node
    cell = _value_cell_below(el, header_rows)
    if cell is not None:
        done.add(cell)
        return _read_text(collapse(cell.text_content()), name, found)
    sibling = el.getnext()
    while sibling is not None and not isinstance(sibling.tag, str):  # a comment between them
        sibling = sibling.getnext()
    if sibling is None:
        return name
    if _label_element(sibling) is not None:
        return _NOTHING  # an empty value: the next label is not it
    done.add(sibling)
    value = collapse(sibling.text_content())
    return _read_text(value, name, found) if value else _NOTHING


def _value_cell_below(el, header_rows):
    """In a row whose every cell is a label, the cell in the same column of the next row."""
    row = el.getparent()
    if el.tag not in ("td", "th") or row is None or row.tag != "tr":
        return None
    if row not in header_rows:
        header_rows[row] = _columns(row) if _all_labels(row) else None
    columns = header_rows[row]
    if columns is None:
        return None
    below = _next_row(row)
    # A row of values, not the first row of a list (相关文件: 标题 | 发布日期 over rows of links).
    if below is None or below.find(".//a") is not None:
        return None
    after = _next_row(below)
    if after is not None and not _all_labels(after):
        return None
    return _columns(below).get(_column_of(el, columns))


def _next_row(row):
    below = row.getnext()
    while below is not None and below.tag != "tr":
        below = below.getnext()
    return below


def _all_labels(row) -> bool:
    """A header row: two or more cells, every one a label (an empty cell makes it a row of
    label | value pairs whose values are blank)."""
    cells = [cell for cell in row if cell.tag in ("td", "th")]
    return len(cells) >= 2 and all(_label_element(cell) is not None for cell in cells)


def _columns(row) -> dict:
    """Start column -> cell of one row, colspans counted."""
    columns, at = {}, 0
    for cell in row:
        if cell.tag in ("td", "th"):
            columns[at] = cell
            at += _span(cell.get("colspan"))
    return columns


def _column_of(el, columns: dict) -> int | None:
    return next((at for at, cell in columns.items() if cell is el), None)


def _span(value) -> int:
    try:
        return max(1, min(int(str(value).strip()), 50))
    except (TypeError, ValueError):
        return 1


def _field(match) -> str | None:
    return _FIELD_OF[re.sub(r"\s+", "", match.group("label"))]


def _keep(found: dict, name: str | None, value: str) -> None:
    value = collapse(_VALUE_END.split(value, maxsplit=1)[0])
    if name and value and len(value) <= _MAX_VALUE:
        found[name].append(value)
