"""大汉 Hanweb JCMS: records preloaded in `<datastore>` XML, later ones from jpage's dataproxy.

The column page embeds `<script type="text/xml"><datastore>…<record><![CDATA[<li>…]]></record>`
and configures `$(…).jpage({totalRecord:224, perPage:15, groupSize:3, proxyUrl:…, ajaxParam:…})`;
the dataproxy answers with the same `<datastore>` XML, so both go through `datastore_records`.
"""

from __future__ import annotations

import math
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from .pagination import Pagination

_DATASTORE = re.compile(r"<datastore>(.*?)</datastore>", re.S)
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
_JPAGE_CONFIG = re.compile(r"\.jpage\(\s*\{(.*?)\}\s*\)", re.S)
_NEXTGROUP_LINK = re.compile(r"<nextgroup>.*?href=[\"']([^\"']+)", re.S | re.I)
_JS_PAIR = re.compile(r"(\w+)\s*:\s*(?:'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"|([^,}\s]+))")
_DEFAULT_PROXY = "/module/web/jpage/dataproxy.jsp"
# The dataproxy's own paging parameters; everything else identifies the column.
_RANGE_PARAMS = {"startrecord", "endrecord", "perpage", "page"}


def datastore_records(text: str) -> list[str] | None:
    """The HTML of each `<record>`, or None when the text holds no datastore."""
    m = _DATASTORE.search(text)
    return _RECORD.findall(m.group(1)) if m else None


def records_html(records: list[str]) -> str:
    """One document holding the records, in a container their markup is valid in."""
    container = "table" if records and records[0].lstrip().lower().startswith("<tr") else "div"
    return f"<{container}>{''.join(records)}</{container}>"


def pagination(text: str, url: str, preloaded: int) -> Pagination | None:
    """From a column page's jpage config, else from a dataproxy answer's totals and URL."""
    config = _JPAGE_CONFIG.search(text)
    if config:
        return _jpage_pagination(text, config.group(1), url, preloaded)
    return _answer_pagination(text, url)


def _jpage_pagination(text: str, config: str, url: str, preloaded: int) -> Pagination | None:
    settings = _js_object(config)
    if not settings.get("totalRecord", "").isdigit():
        return None
    total = int(settings["totalRecord"])
    per_page = int(settings.get("perPage", 0) or 15)
    step = per_page * int(settings.get("groupSize", 0) or 1)
    proxy = urljoin(url, settings.get("proxyUrl") or _DEFAULT_PROXY)
    params = _column_params(text, settings.get("ajaxParam", ""), url)
    return Pagination(math.ceil(total / per_page), _ranges(proxy, preloaded + 1, total, step, per_page, params))


def _answer_pagination(text: str, url: str) -> Pagination | None:
    total_records, total_pages = _xml_number(text, "totalrecord"), _xml_number(text, "totalpage")
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    per_page = int(query.get("perpage", 0) or 0)
    if total_pages is None and total_records and per_page:
        total_pages = math.ceil(total_records / per_page)
    if not (query.get("endrecord", "").isdigit() and query.get("startrecord", "").isdigit()):
        return Pagination(total_pages, [])
    start, end = int(query["startrecord"]), int(query["endrecord"])
    if total_records is None and total_pages and per_page:
        total_records = total_pages * per_page
    params = {k: v for k, v in query.items() if k not in _RANGE_PARAMS}
    proxy = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    further = _ranges(proxy, end + 1, total_records or 0, end - start + 1, per_page, params)
    return Pagination(total_pages, further)


def _ranges(proxy: str, first: int, total: int, step: int, per_page: int, params: dict) -> list[str]:
    urls = []
    for start in range(first, total + 1, step):
        query = {"startrecord": start, "endrecord": min(start + step - 1, total), "perpage": per_page}
        urls.append(f"{proxy}?{urlencode({**query, **params})}")
    return urls


def _column_params(text: str, ajax_param: str, url: str) -> dict:
    """The column's form parameters: the `var param_N = {...}` that ajaxParam names, else the
    nextgroup link's query."""
    if ajax_param:
        m = re.search(rf"\b{re.escape(ajax_param)}\s*=\s*\{{(.*?)\}}", text, re.S)
        if m:
            return _js_object(m.group(1))
    m = _NEXTGROUP_LINK.search(text)
    if m:
        query = parse_qsl(urlsplit(urljoin(url, m.group(1))).query)
        return {k: v for k, v in query if k not in _RANGE_PARAMS}
    return {}


def _js_object(body: str) -> dict[str, str]:
    """Flat `key: value` pairs of a JS object literal (nested values are not needed here)."""
    return {m.group(1): next(g for g in m.groups()[1:] if g is not None) for m in _JS_PAIR.finditer(body)}


def _xml_number(text: str, tag: str) -> int | None:
    m = re.search(rf"<{tag}>\s*(\d+)\s*</{tag}>", text, re.I)
    return int(m.group(1)) if m else None
