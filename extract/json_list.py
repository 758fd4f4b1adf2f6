"""Lists from JSON APIs: find the array of records wherever it is nested, map keys by name."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

from .dates import parse_date
from .dom import absolute_url, collapse
from .items import ListItem

# Keys compared lower-cased with `_` removed, best first.
_TITLE_KEYS = ("title", "doctitle", "articletitle", "infotitle", "name", "subject")
_URL_KEYS = ("url", "link", "docpuburl", "href", "chnldocurl", "docurl", "detailurl", "linkurl", "puburl")
_DATE_KEYS = (
    "date", "pubdate", "publishtime", "publishdate", "docreltime", "pubtime", "docpubtime",
    "releasetime", "releasedate", "createtime", "createdate", "time", "publishedat", "createdat",
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
    url = absolute_url(str(link), base) if link else None
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
    """The page count an API answer states, or derives from its record count and page size."""
    for node in _dicts(payload):
        fields = {key.lower().replace("_", ""): value for key, value in node.items()}
        pages = _int(_first(fields, _PAGE_COUNT_KEYS))
        if pages:
            return pages
        records, size = _int(_first(fields, _RECORD_COUNT_KEYS)), _int(_first(fields, _PAGE_SIZE_KEYS))
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
