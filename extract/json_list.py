"""Lists from JSON APIs: find the array of records wherever it is nested, map keys by name; and the
catalogue of 广东 gkmlpt (政府信息公开目录平台), whose columns are a tree of categories in the page's
`window._CONFIG` (`SID: '755041', TREE: [{"id": 721, "name": …, "children": […]}, …]`), each listed
by `api/all/<id>?page=N&sid=<SID>` beside the catalogue page."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin

from core.taxonomy import classify

from .dates import parse_date
from .dom import absolute_url, collapse
from .items import ListItem

# Keys compared lower-cased with `_` removed, best first. A key that names publishing comes before a
# bare `date`: gkmlpt's `date` is the 成文日期, its `display_publish_time` the day it was published.
_TITLE_KEYS = ("title", "doctitle", "articletitle", "infotitle", "name", "subject")
_URL_KEYS = ("url", "link", "docpuburl", "href", "chnldocurl", "docurl", "detailurl", "linkurl", "puburl")
_DATE_KEYS = (
    "pubdate", "publishtime", "publishdate", "displaypublishtime", "docreltime", "pubtime", "docpubtime",
    "publishedat", "releasetime", "releasedate", "date", "createtime", "createdate", "createdat", "time",
)
_TAG = re.compile(r"<[^>]+>")
_BEIJING = dt.timezone(dt.timedelta(hours=8))


def extract_json_list(payload, url: str) -> list[ListItem]:
    """The largest array of title+url records anywhere in `payload` (parsed JSON or its text)."""
    if isinstance(payload, (str, bytes)):
        try:
            payload = json.loads(payload)
        except ValueError:
            return []
    best: list = []
    for array in _arrays(payload):
        items = [item for item in (_item(record, url) for record in array) if item]
        if len(items) > len(best):
            best = items
    return best


def json_records(payload, url: str) -> list[tuple[dict, str]]:
    """(record, its absolute URL) of the records ``extract_json_list`` reads items from, for readers
    of a record's other fields (a message board's times and state)."""
    best: list = []
    for array in _arrays(payload):
        records = [(record, item.url) for record in array if (item := _item(record, url))]
        if len(records) > len(best):
            best = records
    return best


def _arrays(node):
    """Every list in the JSON tree, outermost first."""
    if isinstance(node, list):
        yield node
        children = node
    elif isinstance(node, dict):
        children = node.values()
    else:
        return
    for child in children:
        yield from _arrays(child)


def _item(record, base: str) -> ListItem | None:
    if not isinstance(record, dict):
        return None
    fields = {key.lower().replace("_", ""): value for key, value in record.items()}
    title = _first(fields, _TITLE_KEYS)
    link = _first(fields, _URL_KEYS)
    # The document, not the place it was listed: gkmlpt links post_N.html#<category id>.
    url = urldefrag(absolute_url(str(link), base) or "").url if link else None
    if not (isinstance(title, str) and url):
        return None
    title = collapse(html.unescape(_TAG.sub("", title)))  # search APIs wrap hits in <em>
    return ListItem(title, url, _date(_first(fields, _DATE_KEYS))) if title else None


def _first(fields: dict, keys: tuple):
    for key in keys:
        value = fields.get(key)
        if value not in (None, ""):
            return value
    return None


def _date(value) -> dt.date | None:
    if isinstance(value, str) and value.strip().isdigit():
        digits = value.strip()
        if len(digits) == 8:  # 20240105
            return parse_date(f"{digits[:4]}-{digits[4:6]}-{digits[6:]}")
        value = int(digits)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # Epoch milliseconds or seconds; the page means Beijing time.
        seconds = value / 1000 if value > 1e11 else value
        try:
            return dt.datetime.fromtimestamp(seconds, _BEIJING).date()
        except (OverflowError, OSError, ValueError):
            return None
    return parse_date(value) if isinstance(value, str) else None


_PAGE_COUNT_KEYS = ("totalpage", "totalpages", "pagecount", "pages", "pagetotal")
_RECORD_COUNT_KEYS = ("total", "totalcount", "recordcount", "totalrecord", "totalelements", "count")
_PAGE_SIZE_KEYS = ("pagesize", "perpage", "size", "rows", "limit", "prepage")


def json_total_pages(payload) -> int | None:
    """The page count an API answer states, or derives from its record count and page size. Without
    a page size, the records it holds are taken for one: right on a first page, and on a later one
    more pages than there are, never fewer (a walk then ends on an empty page)."""
    for node in _dicts(payload):
        fields = {key.lower().replace("_", ""): value for key, value in node.items()}
        pages = _int(_first(fields, _PAGE_COUNT_KEYS))
        if pages:
            return pages
        records = _int(_first(fields, _RECORD_COUNT_KEYS))
        size = _int(_first(fields, _PAGE_SIZE_KEYS)) or (records and len(extract_json_list(payload, "")))
        if records is not None and size:
            return max(1, -(-records // size))
    return None


def _dicts(node):
    if isinstance(node, dict):
        yield node
        children = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return
    for child in children:
        if isinstance(child, (dict, list)):
            yield from _dicts(child)


def _int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


# 广东 gkmlpt catalogues ----------------------------------------------------------------------------

_SID = re.compile(r"\bSID\s*:\s*['\"]?(\d+)")
_TREE = re.compile(r"\bTREE\s*:\s*(?=\[)")


@dataclass(frozen=True)
class CatalogueColumn:
    name: str
    url: str              # the catalogue page with the category's id: …/gkmlpt/index#721
    type: str
    parent: str | None    # the parent category's url
    api: str | None       # the first page of its list; None for a category that only holds others


def gkmlpt_catalogue(html_text: str, url: str) -> list[CatalogueColumn]:
    """The categories of a gkmlpt catalogue page, parents before their children; [] for any other page.
    A category with a `jump_url` is a column elsewhere (that URL, listed there)."""
    sid, tree = _SID.search(html_text), _TREE.search(html_text)
    if not (sid and tree):
        return []
    try:
        nodes, _ = json.JSONDecoder().raw_decode(html_text, tree.end())
    except ValueError:
        return []
    page = urldefrag(url).url
    found: list[CatalogueColumn] = []

    def walk(node, parent: str | None) -> None:
        if not isinstance(node, dict) or "id" not in node or not node.get("name"):
            return
        children = [child for child in node.get("children") or [] if isinstance(child, dict)]
        jump = absolute_url(node.get("jump_url"), page)
        column_url = jump or f"{page}#{node['id']}"
        api = None if jump or children else urljoin(page, f"api/all/{node['id']}?page=1&sid={sid.group(1)}")
        name = collapse(str(node["name"]))
        found.append(CatalogueColumn(name, column_url, classify(name), parent, api))
        for child in children:
            walk(child, column_url)

    for node in nodes if isinstance(nodes, list) else []:
        walk(node, None)
    return found


def gkmlpt_column(html_text: str, url: str) -> CatalogueColumn | None:
    """The category a column URL (`index#<id>`) names on its catalogue page, or None."""
    return next((column for column in gkmlpt_catalogue(html_text, url) if column.url == url), None)
