"""Detail pages: title, dates, source, 索引号/文号, attachments and body text.

Order of trust: what the page shows, labelled (发布日期：…, 索 引 号：…, see labels.py), then the
standard <meta> set, then htmldate for the date. Never "the first date on the page": bodies are
full of dates. A field the page does not show is None, whatever the <meta> says (ContentSource is
often the site's name, or the title again).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from copy import deepcopy
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml import etree

from .chrome import ChromeCache
from .dates import full_dates, parse_datetime
from .dom import absolute_url, base_url, collapse, drop, is_element, is_hidden, parse_fresh, visible_text
from .labels import has_label, labelled_fields
from .privacy import find_personal_numbers, mask_text

_ZJEG_BODY = re.compile(r"<!--\s*ZJEG_RSS\.content\.begin\s*-->(.*?)<!--\s*ZJEG_RSS\.content\.end\s*-->", re.S)
# Body containers by class or id token, most specific first.
_BODY_MARKERS = (
    "trs_editor", "trs_ueditor", "ucap-content", "article-content", "article_content",
    "articlecontent", "main-txt", "zoom", "pages_content", "detail-content", "details-content",
    "news_content", "news-content", "con_text", "art_con", "wz_content", "bt_content", "content", "text",
)
_BLOCK_TAGS = frozenset({
    "p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
    "section", "article", "blockquote", "pre", "dd", "dt", "dl", "center", "hr",
})
_NOT_CONTENT = ("script", "style", "noscript", "template", "iframe", "object", "embed", "select", "button", "xml")
_ATTACHMENT = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|zip|rar|7z|wps|et|ofd)$", re.I)
_DOC_NO = re.compile(r"[\u4e00-\u9fff]{1,15}\s*[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*第?\s*\d+\s*号")
_NO_VALUE = {"无", "暂无", "-", "－", "—", "/", "／", "空"}
_PUBLISHED_META = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time",
                   "dcterms.issued", "dc.date.issued", "publishtime")  # never Maketime: the build time
_TITLE_MARKER = re.compile(r"title", re.I)
_BLOCK_HEADING = re.compile(r"相关|推荐|热点|热门|猜你|更多|延伸阅读")
_SUBTITLE_MARKER = re.compile(r"sub|sec|small|second", re.I)
# Pre-selections, in document order: only these elements can pass the per-element tests below
# (a body marker or *title* is a class or id; an element without either carries none).
_MAYBE_HIDDEN = etree.XPath("//*[@style or @hidden]")
_MARKED = etree.XPath("//h1 | //h2 | //h3 | //*[@class] | //*[@id]")  # a union: document order
_ZJEG_BEGIN = "ZJEG_RSS.content.begin"


@dataclass
class Detail:
    title: str | None
    published: str | None  # YYYY-MM-DD or YYYY-MM-DDTHH:MM
    source: str | None
    publisher: str | None
    index_no: str | None
    doc_no: str | None
    attachments: list[dict] = field(default_factory=list)  # [{"title", "url"}]
    text: str = ""
    written: str | None = None  # 成文日期
    validity: str | None = None  # 有效性
    content_hash: str = ""  # sha256 of the body text without whitespace: re-renders hash equal
    # Personal numbers the page shows, masked ({"kind", "masked", "where": "page"}); title and text
    # carry them masked too, so nothing downstream ever holds a full number.
    privacy: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "title": self.title, "published": self.published, "source": self.source,
            "publisher": self.publisher, "index_no": self.index_no, "doc_no": self.doc_no,
            "attachments": [dict(a) for a in self.attachments], "text": self.text, "privacy": list(self.privacy),
        }


def extract_detail(html: str, url: str) -> Detail:
    root = parse_fresh(html)  # cleaned below: a tree of its own
    metas = _metas(root)
    page_title = collapse(" ".join(root.xpath("//head/title//text()")))
    marked_body = _between_markers(root) if _ZJEG_BEGIN in (html or "") else None
    _clean(root)
    marked_elements = _MARKED(root)  # the tree is not modified from here on
    body = marked_body if marked_body is not None else _body_element(root, marked_elements)
    marked = _ZJEG_BODY.search(html or "")
    # Between Hanweb's markers the text is exact; the container around them may hold more.
    body_text_root = _clean(parse_fresh(marked.group(1))) if marked else body
    text = _text(body_text_root) if body_text_root is not None else ""
    heading = _heading(page_title, body, marked_elements, metas)
    if heading is not None and body is not None and body in heading.iterancestors():
        text = _without_header(text, collapse(heading.text_content()))
    fields = labelled_fields(root, body, heading)
    title = _title(metas, fields, heading)
    privacy = [found.to_json("page") for found in find_personal_numbers(f"{title or ''}\n{text}")]
    if privacy:
        title, text = title and mask_text(title), mask_text(text)
    return Detail(
        title=title,
        published=_published(fields, metas, html, url, lambda: full_dates(visible_text(root))),
        source=_first(fields, "source"),
        publisher=_first(fields, "publisher"),
        index_no=_first(fields, "index_no"),
        doc_no=_first(fields, "doc_no") or _doc_no_in_body(text),
        attachments=_attachments(root, body, heading, base_url(root, url)),
        text=text,
        written=parse_datetime(_first(fields, "written") or ""),
        validity=_first(fields, "validity"),
        content_hash=hashlib.sha256(re.sub(r"\s+", "", text).encode()).hexdigest(),
        privacy=privacy,
    )


def _metas(root) -> dict[str, str]:
    """Non-empty <meta name|property> values, lower-cased names, first occurrence kept."""
    metas: dict[str, str] = {}
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        content = collapse(meta.get("content"))
        if name and content and name not in metas:
            metas[name] = content
    return metas


def _between_markers(root):
    """The element around Hanweb's <!--ZJEG_RSS.content.begin/end--> markers, if present."""
    begin = root.xpath("//comment()[contains(., 'ZJEG_RSS.content.begin')]")
    end = root.xpath("//comment()[contains(., 'ZJEG_RSS.content.end')]")
    return _common_ancestor(begin[0], end[0]) if begin and end else None


def _clean(root):
    """Drop what is never content: scripts, styles, comments (incl. MS-Word conditionals), hidden copies."""
    drop(root.xpath("//comment() | //processing-instruction()"))
    drop(el for el in root.iter(*_NOT_CONTENT))
    drop(el for el in _MAYBE_HIDDEN(root) if is_hidden(el))
    return root


def _body_element(root, marked_elements):
    """The article body: a known CMS container, else the element holding the most paragraph text."""
    marked = defaultdict(list)
    for el in marked_elements:
        for token in _tokens(el).intersection(_BODY_MARKERS):
            marked[token].append(el)
    for marker in _BODY_MARKERS:
        found = [el for el in marked.get(marker, ()) if el.text_content().strip()]
        if found:
            return max(found, key=lambda el: len(el.text_content()))
    return max(root.iter("div", "td", "article", "section"), key=_paragraph_text_length, default=None)


def _tokens(el) -> set[str]:
    return set(f"{el.get('class', '')} {el.get('id', '')}".lower().split())


def _paragraph_text_length(el) -> int:
    length = len((el.text or "").strip())
    for child in el:
        if child.tag in ("p", "br", "span", "font", "strong", "b"):
            length += len(child.text_content().strip()) if is_element(child) else 0
        length += len((child.tail or "").strip())
    return length


def _text(element) -> str:
    """Visible text with a line per block element, spaces collapsed, empty lines dropped."""
    parts: list[str] = []

    def walk(el):
        block = el.tag in _BLOCK_TAGS
        if block:
            parts.append("\n")
        parts.append(el.text or "")
        for child in el:
            if is_element(child):
                walk(child)
            parts.append(child.tail or "")
        if block:
            parts.append("\n")

    walk(element)
    lines = (collapse(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _without_header(text: str, heading: str) -> str:
    """Drop the heading and the 发布日期/来源 lines that precede the text in a broad container,
    so that view counters in them cannot change the content hash."""
    lines = text.split("\n")
    if heading not in lines[:3]:
        return text
    lines = lines[lines.index(heading) + 1:]
    while lines and has_label(lines[0]):
        lines.pop(0)
    return "\n".join(lines)


def _heading(page_title: str, body, marked_elements, metas: dict):
    """The article's own heading: h1-h3, a *title* element, or a bold first line of the body (a
    公报 prints its title so), best when <title> or the ArticleTitle meta holds it; never the
    site's or the column's name (SiteName, ColumnName), nor a block's (相关稿件, 热点推荐)."""
    chrome = ChromeCache()
    names_of_place = {metas.get("sitename"), metas.get("columnname")}
    meta_title = metas.get("articletitle", "")
    title_key = _key(page_title)
    best, best_score = None, 0.0
    lead = _lead_line(body)
    for el in marked_elements + ([lead] if lead is not None else []):
        if el is body:
            continue
        names = f"{el.get('class', '')} {el.get('id', '')}"
        titled = bool(_TITLE_MARKER.search(names)) and not _SUBTITLE_MARKER.search(names)
        if el.tag not in ("h1", "h2", "h3") and not titled and el is not lead:
            continue
        text = _shown_heading(el)
        if (not 4 <= len(text) <= 200 or text in names_of_place or _BLOCK_HEADING.match(text)
                or el.find(".//a") is not None or chrome(el)):
            continue
        score = {"h1": 3, "h2": 2, "h3": 1}.get(el.tag, 0) + (2 if titled else 0) + min(len(text), 50) / 50
        if _key(text) in title_key:
            score += 10
        if _most_of(text, meta_title):
            score += 10
        if el is lead and score < 10:
            continue  # a bold first line is the title only when <title> or the meta says so
        if score > best_score:
            best, best_score = el, score
    return best


def _lead_line(body):
    """The body's first bold element when nothing precedes it: a title printed in the body."""
    if body is None:
        return None
    start = body.text_content().lstrip()[:40]
    for el in body.iter("strong", "b"):
        text = el.text_content().strip()
        return el if text and start.startswith(text[:20]) else None
    return None


def _shown_heading(el) -> str:
    """A heading's text as shown: lines broken with <br> joined again, without a space."""
    if el.find(".//br") is None:
        return collapse(el.text_content())
    copy = deepcopy(el)
    for br in copy.iter("br"):
        br.tail = "\u2029" + (br.tail or "")  # a mark no page text holds
    return collapse(re.sub(r"\s*\u2029\s*", "", copy.text_content()))


def _key(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def _most_of(shown: str | None, meta: str | None) -> bool:
    """A heading that is the ArticleTitle meta, or most of it (the meta may add the 文号)."""
    return bool(shown and meta and shown in meta and 2 * len(shown) >= len(meta))


def _title(metas: dict, fields: dict, heading) -> str | None:
    """The labelled 标题/名称, else the heading the page shows, else the ArticleTitle meta. The meta
    wins over a heading that is not part of it (a site name taken for the heading); a heading
    that is most of it is what readers see (the meta may add the 文号: 「…公开表(金罚决字〔2024〕36号)」)."""
    labelled = _first(fields, "title")
    if labelled:
        return labelled
    shown = _shown_heading(heading) if heading is not None else None
    meta = metas.get("articletitle")
    return meta if meta and not _most_of(shown, meta) else shown


def _published(fields: dict, metas: dict, html: str, url: str, shown_days) -> str | None:
    """A labelled 发布日期 first, else the only date the box shows (成文日期/发文日期 without a
    发布日期), else a <meta> date or htmldate's, but only when the page shows that day (an
    unlabelled `2022-04-17` under the title): a date no reader sees is no publish date (metas
    carry the build or migration time). A time from another source showing the same day
    completes the day."""
    labelled = fields.get("published", []) + fields.get("published_loose", []) or fields.get("written", [])
    in_metas = [c for c in (parse_datetime(metas[name]) for name in _PUBLISHED_META if name in metas) if c]
    candidates = ([c for c in map(parse_datetime, labelled) if c]
                  or [c for c in in_metas if dt.date.fromisoformat(c[:10]) in shown_days()])
    if not candidates:
        found = _htmldate(html, url)
        return found if found and dt.date.fromisoformat(found[:10]) in shown_days() else None
    day = candidates[0][:10]
    with_time = [c for c in candidates + in_metas if c.startswith(day) and "T" in c]
    return with_time[0] if with_time else candidates[0]


def _htmldate(html: str, url: str) -> str | None:
    from htmldate import find_date  # heavy import, only for pages without labels or metas

    try:
        found = find_date(html, url=url, original_date=True, extensive_search=False)
    except Exception:  # htmldate parses arbitrary markup; a failure just means no date
        return None
    return parse_datetime(found) if found else None


def _first(fields: dict, name: str) -> str | None:
    for value in fields.get(name, []):
        if value not in _NO_VALUE:
            return value
    return None


def _doc_no_in_body(text: str) -> str | None:
    """Documents print their 文号 on a line of its own at the top: 岚综委干〔2025〕64号."""
    for line in text.split("\n")[:3]:
        m = _DOC_NO.fullmatch(line.replace(" ", ""))
        if m:
            return m.group(0)
    return None


def _attachments(root, body, heading, base: str) -> list[dict]:
    """File links inside the article (body, heading and what lies between, e.g. 附件下载 blocks)."""
    scope = _common_ancestor(heading, body) if heading is not None and body is not None else body
    if scope is None or scope.tag in ("html", "body"):
        scope = body if body is not None else root
    found, seen = [], set()
    for a in scope.iter("a"):
        link = absolute_url(a.get("href"), base)
        name = collapse(a.text_content()) or collapse(a.get("title"))
        # A file by its URL, or by its name when a download script serves it (download.jsp?id=…).
        if not link or link in seen or not (_ATTACHMENT.search(urlsplit(link).path) or _ATTACHMENT.search(name)):
            continue
        seen.add(link)
        found.append({"title": name or urlsplit(link).path.rsplit("/", 1)[-1], "url": link})
    return found


def _common_ancestor(a, b):
    ancestors_of_a = {a, *a.iterancestors()}
    return next((el for el in (b, *b.iterancestors()) if el in ancestors_of_a), None)
