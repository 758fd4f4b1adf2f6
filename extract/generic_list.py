"""The generic list extractor: repeated link + date records, whatever the markup.

Every link is climbed up to its record (the largest element that holds no other document link,
or its li/tr). Records inside navigation, header, footer, breadcrumbs and share bars are
dropped; the rest are grouped by container, structure and look, and the group that looks most
like a document list wins. A table or list whose header row names its title and date columns
(名称 | 索引号 | 发布机构 | 发布日期) is the list, however short; otherwise dates count for more
than links: a record with its own date is a document, an undated link to a column page
(`…/zcwj/`, `index.html`, `/col/col123/`) is navigation, and a group counts for more the more of
its records are dated. So two dated rows outweigh a side menu of twenty column links, and a
related-links block (相关链接/友情链接/热点) counts for little.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

import lxml.html

from .chrome import ChromeCache
from .dates import DateMatch, date_from_url, date_near, full_date_years, match_date
from .dom import absolute_url, base_url, collapse, is_element, visible_text

_RECORD_TAGS = frozenset({"li", "tr"})  # a link's li or row is its record, whatever else it holds
_PAGER_TEXT = re.compile(
    r"^(?:首页|上一?页|下一?页|尾页|末页|最后一?页|前一页|后一页|第?\d+页?|[<>«»‹›]+|\.\.\.|…|"
    r"更多.*|more.*|go|跳转|确定)$", re.I,
)
_OTHER_BLOCK_HEADING = re.compile(r"相关链接|友情链接|相关文章|相关阅读|相关新闻|推荐阅读|热点|热门|排行|猜你")
_SHORT_TEXT = 24  # a date cell or `[01-05]`, not a summary
_YEAR_HEADING = re.compile(r"^\s*((?:19|20)\d\d)\s*年?\s*$")
# A link to a column (a directory, its index or list page, Hanweb's /col/colN/), not to a document.
_COLUMN_PATH = re.compile(r"(?:^|/)(?:(?:index|default|list\w*)\.\w+)?$|/col/col\d+/", re.I)
# A list table's header row: a title column and a date column.
_TITLE_HEADER = re.compile(r"标题|名称|题名|文件名|信息名称|主题")
_DATE_HEADER = re.compile(r"日期|时间")
_TITLE_POINTS, _MENU_POINTS, _DATE_POINTS = 2, 0.3, 4
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")


@dataclass
class Record:
    element: lxml.html.HtmlElement
    anchor: lxml.html.HtmlElement
    title: str
    url: str
    written: DateMatch | None = None  # the date as printed, maybe without a year


def extract_records(root: lxml.html.HtmlElement, url: str) -> list[tuple[str, str, dt.date | None]]:
    """(title, absolute URL, date) of the page's main list, in page order, URLs unique."""
    chrome = ChromeCache()
    # Judged by their containers: a pinned record's own class="top" is not a header.
    records = [r for r in _records(root, base_url(root, url)) if not chrome(r.element.getparent())]
    for record in records:
        record.written = _written_date(record)
    main = _main_group(records)
    if not main or (len(main) == 1 and main[0].written is None):
        return []  # a lone undated link is no list
    year_hint = _year_hint(main, root)
    headings = _year_headings(root, main) if year_hint is None else {}
    built = _build_date(root) if year_hint is None else None
    items, seen = [], set()
    for record in main:
        if record.url not in seen:
            seen.add(record.url)
            items.append((record.title, record.url, _record_date(record, headings.get(record.element) or year_hint, built)))
    return items


def _main_group(records: list[Record]) -> list[Record]:
    """Records of the best-scoring group of look-alike containers, in page order.

    Containers (a ul, a table…) join one group when they sit at the same place in the page
    structure and their records look alike (dated or not, real titles or menu words): the
    15 <ul>s of a paged static list or the panels of a tabbed list merge, a sidebar menu
    laid out like the list does not. A container's li or tr rows are its list: other records
    beside them (a breadcrumb that a stray `</div>` left in the same <div>) are not. Runs that
    broken markup split apart join again (see ``_continued``).
    """
    by_container: dict = defaultdict(list)
    for record in records:
        by_container[_container(record)].append(record)
    paths: dict = {}
    key_of = {
        container: (_signature(members[0].element, paths), _shape(members))
        for container, members in by_container.items()
    }
    joined: dict = {}  # union-find over group keys: a key's representative

    def representative(key):
        while joined.get(key, key) != key:
            key = joined[key]
        return key

    for before, after in zip(records, records[1:]):
        if _continued(before, after):
            first, second = representative(key_of[_container(before)]), representative(key_of[_container(after)])
            if first != second:
                joined[second] = first
    groups: dict[tuple, list[Record]] = defaultdict(list)
    for record in records:
        groups[representative(key_of[_container(record)])].append(record)
    return max(groups.values(), key=lambda group: (_declared_list(group), _group_score(group)), default=[])


def _container(record: Record) -> tuple:
    """The element holding the record, and whether the record is one of its li/tr rows."""
    tag = record.element.tag
    return record.element.getparent(), tag if tag in _RECORD_TAGS else None


def _continued(before: Record, after: Record) -> bool:
    """Two records in a row that a browser shows as one list although their containers differ.

    Stray tags split a list and leave its parts nested in one another: a stray `</div>` closes
    the <ul> early and the li after it land in the <div> around it; a `<div>` left open in
    the <ul> takes in the li after it, one level deeper each time it recurs. So: li (or tr)
    records next to each other (no other record between), both dated or both not, whose
    containers are different but one holds the other. Only rows: other blocks (a logo's
    <div>, a sub-column's) nest in one another on every page without being one list.
    """
    tag = before.element.tag
    if tag not in _RECORD_TAGS or tag != after.element.tag or (before.written is None) != (after.written is None):
        return False
    first, second = before.element.getparent(), after.element.getparent()
    if first is None or second is None or first is second:
        return False
    return _holds(first, second) or _holds(second, first)


def _holds(outer, inner) -> bool:
    return any(ancestor is outer for ancestor in inner.iterancestors())


def _shape(records: list[Record]) -> tuple[bool, bool]:
    dated = sum(1 for r in records if r.written) * 2 >= len(records)
    titled = sum(len(r.title) for r in records) >= 8 * len(records)
    return dated, titled


def _records(root, base: str) -> list[Record]:
    anchors = []
    for a in root.iter("a"):
        url = absolute_url(a.get("href"), base)
        title = _anchor_title(a) if url else ""
        if title and not _PAGER_TEXT.match(title):
            anchors.append((a, url, title))
    urls_below: dict = defaultdict(set)
    for a, url, _ in anchors:
        for ancestor in a.iterancestors():
            urls_below[ancestor].add(url)
    by_element: dict = {}
    for a, url, title in anchors:
        element = _record_element(a, urls_below)
        known = by_element.get(element)
        # A record may hold a [栏目] link or an icon link besides its title: the longest title wins.
        if known is None or len(title) > len(known.title):
            by_element[element] = Record(element, a, title, url)
    return list(by_element.values())


def _record_element(a, urls_below):
    """The largest element around the link that holds no other link, up to its li/tr."""
    node = a
    while node.tag not in _RECORD_TAGS:
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html") or len(urls_below[parent]) > 1:
            break
        node = parent
    if node.tag in _RECORD_TAGS:
        return node
    # <li><a>[栏目]</a><a>title</a><span>date</span></li>: the li is still the record.
    for depth, ancestor in enumerate(node.iterancestors()):
        if depth > 2:
            break
        if ancestor.tag in _RECORD_TAGS and len(urls_below[ancestor]) <= 3:
            return ancestor
    return node


def _anchor_title(a) -> str:
    """The link text, or its title attribute when the text is cut (`…`, `...`, or just short)."""
    text = collapse(" ".join(_title_fragments(a)))
    attribute = collapse(a.get("title"))
    stem = text.rstrip(".…。 ")
    if attribute and len(attribute) > len(stem) and attribute.startswith(stem):
        return attribute
    return text or attribute


def _title_fragments(element):
    """The anchor's text without date-only parts (<a><p>title</p><span>2024-01-05</span></a>),
    at any depth (<a><table><tr><td>title</td><td>2024-01-05</td></tr></table></a>)."""
    if element.text:
        yield element.text
    for child in element:
        if is_element(child):
            text = child.text_content()
            if len(child) and match_date(text) and not _is_date_only(text):
                yield from _title_fragments(child)  # a date somewhere inside: leave out its own element
            elif not _is_date_only(text):
                yield text
        if child.tail:
            yield child.tail


def _is_date_only(text: str) -> bool:
    text = text.strip()
    return 0 < len(text) <= _SHORT_TEXT and match_date(text) is not None


def _signature(element, paths: dict) -> tuple:
    """Where a record sits: the tag path from the root, plus its container's class.

    Records' own classes are left out (zebra rows alternate them). `paths` memoises the path
    per container.
    """
    parent = element.getparent()
    if parent is None:
        return (element.tag,)
    if parent not in paths:
        paths[parent] = tuple(el.tag for el in parent.iterancestors())
    return (element.tag, parent.tag, paths[parent], parent.get("class", ""))


def _group_score(group: list[Record]) -> float:
    dated = sum(1 for r in group if r.written)
    score = sum(_record_points(r) for r in group) * (0.5 + dated / len(group))
    return score * 0.1 if _under_other_heading(group[0].element) else score


def _record_points(record: Record) -> float:
    """A real title (8 characters or more) counts unless it is an undated link to a column page;
    a date of its own counts twice as much."""
    document = record.written is not None or not _COLUMN_PATH.search(urlsplit(record.url).path)
    titled = len(record.title) >= 8 and document
    return (_TITLE_POINTS if titled else _MENU_POINTS) + (_DATE_POINTS if record.written else 0)


def _declared_list(group: list[Record]) -> bool:
    """Rows (or items) under a header row that names a title column and a date column: in the
    same table before them, in a header table right above it, or a header <li> of the same list."""
    first = group[0].element
    if first.tag not in _RECORD_TAGS:
        return False
    return any(_names_title_and_date(row) for row in _rows_before(first))


def _rows_before(first):
    if first.tag == "li":
        yield from first.itersiblings(preceding=True)
        return
    table = next((el for el in first.iterancestors() if el.tag == "table"), None)
    if table is None:
        return
    for row in table.iter("tr"):
        if row is first:
            break
        yield row
    above = table.getprevious()
    while above is not None and not is_element(above):
        above = above.getprevious()
    if above is not None:
        yield from (above.iter("tr") if above.tag == "table" else [above])


def _names_title_and_date(row) -> bool:
    if not is_element(row) or row.find(".//a") is not None:
        return False
    text = collapse(row.text_content())
    return len(text) <= 60 and bool(_TITLE_HEADER.search(text)) and bool(_DATE_HEADER.search(text))


def _under_other_heading(element) -> bool:
    """A block titled 相关链接/友情链接/热点…: its heading precedes the list near its container."""
    for container in list(element.iterancestors())[:3]:
        for sibling in container.itersiblings(preceding=True):
            text = sibling.text_content() if is_element(sibling) else ""
            if text.strip():
                if len(text) < 40 and _OTHER_BLOCK_HEADING.search(text):
                    return True
                break
    return False


def _written_date(record: Record) -> DateMatch | None:
    """The record's own date: inside it but outside the title, else in the text that follows
    it up to the next link (<dt><a>…</a></dt><dd>date</dd>, bare links in a run)."""
    return _first_date(_fragments_outside_title(record)) or _first_date(_fragments_after(record.element))


def _first_date(fragments) -> DateMatch | None:
    """Short fragments (a date cell, `[01-05]`) before long ones (a summary that mentions dates)."""
    fragments = [t for t in fragments if t.strip()]
    for text in sorted(fragments, key=lambda t: len(t.strip()) > _SHORT_TEXT):
        found = match_date(text)
        if found:
            return found
    return None


def _fragments_outside_title(record: Record):
    anchor = record.anchor
    yield from _date_only_parts(anchor)
    title_part = set(anchor.iterdescendants())
    for el in record.element.iter():
        if el in title_part:
            continue
        if is_element(el) and el is not anchor:
            yield el.text or ""
        if el is not record.element:
            yield el.tail or ""


def _fragments_after(element):
    yield element.tail or ""
    for sibling in element.itersiblings():
        if not is_element(sibling):
            yield sibling.tail or ""
            continue
        if sibling.tag == "a" or sibling.find(".//a") is not None:
            return
        yield sibling.text_content()
        yield sibling.tail or ""


def _date_only_parts(anchor):
    """Dates drawn inside the link, in their own element (<a><p>title</p><span>date</span></a>)."""
    for el in anchor.iterdescendants():
        if is_element(el) and _is_date_only(el.text_content()):
            yield el.text_content()


def _year_hint(group: list[Record], root) -> int | None:
    """For `[01-05]` dates: the year most full dates of the list (else of the page) carry."""
    if all(r.written is None or r.written.year for r in group):
        return None
    years = Counter(r.written.year for r in group if r.written and r.written.year)
    if not years:
        years = Counter(full_date_years(visible_text(root)))
    return years.most_common(1)[0][0] if years else None


def _year_headings(root, group: list[Record]) -> dict:
    """Lists grouped under year rows (<tr><td colspan=2>2026年</td></tr>): each record's year is
    the nearest year heading before it."""
    elements, year, years = {r.element for r in group}, None, {}
    for element in root.iter():
        if element in elements:
            years[element] = year
        elif is_element(element) and len(element) <= 2 and element.tag not in ("a", "script", "style"):
            m = _YEAR_HEADING.match(element.text_content())
            if m:
                year = int(m.group(1))
    return {element: y for element, y in years.items() if y}


def _build_date(root) -> dt.date | None:
    """The page's build time (Maketime): not an item date, but it bounds a year-less `[12-30]`."""
    for name in ("Maketime", "maketime", "MakeTime"):
        for content in root.xpath(f"//meta[@name='{name}']/@content"):
            m = _ISO_DAY.match(content.strip())
            if m:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None


def _record_date(record: Record, year_hint: int | None, built: dt.date | None = None) -> dt.date | None:
    written = record.written
    if written is None:
        return None
    if written.year:
        return written.to_date()
    url_date = date_from_url(record.url)
    if url_date:
        return date_near(written.month, written.day, url_date)
    if year_hint is None and built is not None:
        near = date_near(written.month, written.day, built)
        # A list is never dated after the page was built: 12-30 on a January build is last year's.
        return near.replace(year=near.year - 1) if near and near > built else near
    return written.to_date(year_hint)
