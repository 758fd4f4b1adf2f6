"""List pages: items, pagination and script-drawn lists, across CMS families."""

from __future__ import annotations

import json
import re

from . import hanweb, trs
from .dom import base_url, parse_html
from .generic_list import extract_records
from .items import ListItem, ListPage
from .json_list import extract_json_list, json_total_pages
from .page_state import says_empty
from .pagination import Pagination, pager_links
from .scripts import data_endpoints, draws_list

_JSON_EMPTY = re.compile(r"\"(?:total\w*|recordcount|count)\"\s*:\s*\"?0(?![\d.])", re.I)  # "total": 0


def extract_list(html: str, url: str) -> ListPage:
    """Items, page count and further page URLs of one list page (HTML, dataproxy XML or JSON)."""
    html = html or ""
    if html.lstrip()[:1] in ("{", "["):
        page = _json_list_page(html, url)
        if page is not None:
            return page
    root = parse_html(html)
    records = hanweb.datastore_records(html)
    if records is not None:
        items = _list_items(parse_html(hanweb.records_html(records)), url)
        paging = hanweb.pagination(html, url, len(records))
    else:
        items = _list_items(root, url)
        paging = trs.wcm_pagination(html, url) or trs.haiyun_pagination(html) or pager_links(root, url)
    if paging is None:
        paging = Pagination(1 if items else None, [])
    scripted = not items and draws_list(html)
    return ListPage(
        items=items,
        total_pages=paging.total_pages,
        next_pages=paging.next_pages,
        scripted=scripted,
        data_endpoints=data_endpoints(root, base_url(root, url)),
        problem=_problem(items, scripted, says_empty(html) if not items else False),
    )


def _problem(items: list[ListItem], scripted: bool, empty: bool) -> str | None:
    """What keeps the list from being read with confidence (see ListPage.problem); ``empty``:
    the page says it lists nothing."""
    if items:
        return None if any(item.date for item in items) else "undated"
    if scripted:
        return "scripted"
    return None if empty else "no_list"


def _list_items(root, url: str) -> list[ListItem]:
    return [ListItem(title, link, date) for title, link, date in extract_records(root, url)]


def _json_list_page(text: str, url: str) -> ListPage | None:
    try:
        payload = json.loads(text)
    except ValueError:
        return None
    items = extract_json_list(payload, url)
    total = json_total_pages(payload)
    return ListPage(items=items, total_pages=total or (1 if items else None),
                    problem=_problem(items, False, bool(_JSON_EMPTY.search(text))))
