"""Labelled metadata fields: 索 引 号：…, 发布日期：…, <td>文号</td><td>…</td>.

The page's text nodes are read in order. A label followed by a colon takes the rest of its text
node up to the next label, or the next text node when that rest is empty (`<li>发文机关：<font>…`);
a bare label in a table cell takes the next text node. Labels may be padded with spaces,
&ensp; or U+3000 between their characters.
"""

from __future__ import annotations

import re
from collections import defaultdict

from lxml import etree

from .dom import collapse

_FIELDS = {
    "title": ("标题", "名称", "文件名称"),
    "published": ("发布日期", "发布时间", "公开日期", "公布日期", "发表时间", "发表日期"),
    "published_loose": ("时间", "日期"),
    "written": ("成文日期", "成文时间", "印发日期"),
    "source": ("信息来源", "文章来源", "稿件来源", "来源单位", "来源"),
    "publisher": ("发布机构", "发文机关", "发文单位", "发布单位", "发文机构"),
    "index_no": ("索引号",),
    "doc_no": ("发文字号", "发文文号", "文件编号", "文号"),
    "validity": ("有效性", "时效性", "效力状态"),
    # Read only so that their values do not run into a neighbour's.
    None: ("主题分类", "主题词", "关键词", "体裁分类", "组配分类", "服务对象", "内容分类", "信息分类",
           "浏览次数", "点击数", "点击率", "访问量", "浏览量", "阅读次数", "作者", "责任编辑", "编辑",
           "字号", "字体", "分享到", "生效日期", "失效日期", "废止日期", "实施日期", "所属机构"),
}
_FIELD_OF = {label: name for name, labels in _FIELDS.items() for label in labels}
_LABEL_ALTERNATIVES = "|".join(
    r"\s*".join(map(re.escape, label)) for label in sorted(_FIELD_OF, key=len, reverse=True)
)
# Not preceded by another CJK character: 办理时间 is no 时间 label.
_LABEL = re.compile(rf"(?<![\u4e00-\u9fff])[【\[]?(?P<label>{_LABEL_ALTERNATIVES})\s*[】\]]?\s*[:：]")
_BARE_LABEL = re.compile(rf"(?P<label>{_LABEL_ALTERNATIVES})\s*[:：]?")
_LABEL_CELLS = frozenset({"td", "th", "dt", "label", "strong", "b"})
_VALUE_END = re.compile(r"\s*[|丨]")
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
    for text, owner in _text_nodes(root, body, heading):
        if pending is not _NOTHING:
            name, pending = pending, _NOTHING
            if not (_has_colon(text) and _LABEL.match(text)):
                _keep(found, name, text)
                continue
        matches = list(_LABEL.finditer(text)) if _has_colon(text) else []
        if not matches:
            bare = _BARE_LABEL.fullmatch(text) if owner in _LABEL_CELLS else None
            if bare:
                pending = _field(bare)
            continue
        for this, following in zip(matches, matches[1:] + [None]):
            value = text[this.end(): following.start() if following else len(text)]
            if value.strip():
                _keep(found, _field(this), value)
            elif following is None:
                pending = _field(this)
    return found


def _text_nodes(root, body, heading):
    """(collapsed text, tag of the element it belongs to) for the non-empty text nodes to read."""
    in_body = in_heading = prose_seen = False
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        if el is body:
            in_body = event == "start"
        if el is heading:
            in_heading = event == "start"
        start = event == "start"
        if in_body and prose_seen:  # the rest of the body is not read: do not walk into it
            if start:
                walker.skip_subtree()
            continue
        if start:
            raw = el.text if isinstance(el.tag, str) else None  # not comments
        else:
            raw = el.tail
        # Whitespace-only text collapses to nothing (str.isspace and the regex's \s agree).
        if not raw or raw.isspace():
            continue
        text = collapse(raw)
        if start:
            owner = el.tag
        else:
            parent = el.getparent()
            owner = parent.tag if parent is not None else None
        if in_body and not in_heading and len(text) >= _PROSE and not (_has_colon(text) and _LABEL.search(text)):
            prose_seen = True
            continue
        yield text, owner


def has_label(text: str) -> bool:
    return _has_colon(text) and bool(_LABEL.search(text))


def _has_colon(text: str) -> bool:
    """Every label match ends with a colon: text without one needs no regex."""
    return ":" in text or "：" in text


def _field(match) -> str | None:
    return _FIELD_OF[re.sub(r"\s+", "", match.group("label"))]


def _keep(found: dict, name: str | None, value: str) -> None:
    value = collapse(_VALUE_END.split(value, maxsplit=1)[0])
    if name and value and len(value) <= _MAX_VALUE:
        found[name].append(value)
