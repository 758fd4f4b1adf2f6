"""List pages: items, pagination and script-drawn lists, across CMS families."""

from __future__ import annotations

import json

from . import hanweb, trs
from .dom import base_url, parse_html
from .generic_list import extract_records
from .items import ListItem, ListPage
from .json_list import extract_json_list, json_total_pages
from .pagination import Pagination, pager_links
from .scripts import data_endpoints, draws_list


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
    return ListPage(
        items=items,
        total_pages=paging.total_pages,
        next_pages=paging.next_pages,
        scripted=not items and draws_list(html),
        data_endpoints=data_endpoints(root, base_url(root, url)),
    )


def _list_items(root, url: str) -> list[ListItem]:
    return [ListItem(title, link, date) for title, link, date in extract_records(root, url)]


def _json_list_page(text: str, url: str) -> ListPage | None:
    try:
        payload = json.loads(text)
    except ValueError:
        return None
    items = extract_json_list(payload, url)
    return ListPage(items=items, total_pages=json_total_pages(payload) or (1 if items else None))
