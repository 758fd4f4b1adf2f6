"""Column discovery: which links on a portal or column page are 政务公开 columns.

A link is a column when its URL has the shape of a column (a directory, ``index.html``,
``/col/colNNN/``, ``list.jsp?cid=…``) rather than of a document or a pager, and it either sits
under the page's own path or its name maps to a known column type. Names are typed by the
taxonomy in ``monitors/column_types.yaml``; anything unknown under the page's path is kept as
``other``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from monitors.taxonomy import OTHER, classify, normalise

from .extract import extract_links

_COLUMN_FILE = re.compile(r"^(index|list|default|more|column|channel|node)([_-]?[a-z]+)?\.(s?html?|jsp|aspx?|php)$", re.I)
_COLUMN_QUERY = re.compile(
    r"(^|&)(cid|columnid|column_id|chnlid|channelid|catid|classid|lmid|colid|categoryid|typeid|nodeid)=", re.I
)
_HANWEB_COLUMN = re.compile(r"/col/col\d+/", re.I)
_PAGER = re.compile(r"(index|list|default)_\d+\.s?html?$|[?&](page|pageno|pageindex|cur_page|pagenum|p)=\d+", re.I)
_DOCUMENT = re.compile(r"\.(pdf|docx?|xlsx?|wps|ofd|zip|rar|jpe?g|png|gif)$", re.I)
_GENERIC_NAMES = {"更多", "more", "查看更多", "首页", "返回", "返回首页", "上一页", "下一页", "尾页", "末页", "网站首页"}


@dataclass(frozen=True)
class ColumnLink:
    name: str
    url: str
    type: str


def looks_like_column(url: str) -> bool:
    parts = urlsplit(url)
    if _PAGER.search(url) or _DOCUMENT.search(parts.path):
        return False
    last = parts.path.rsplit("/", 1)[-1]
    return (
        parts.path.endswith("/") or not parts.path
        or bool(_COLUMN_FILE.match(last)) or bool(_HANWEB_COLUMN.search(parts.path))
        or bool(_COLUMN_QUERY.search(parts.query))
    )


def scope_of(url: str) -> str:
    """The directory a column page lives in: /xxgk/index.html → /xxgk/."""
    path = urlsplit(url).path or "/"
    return path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"


def discover_columns(html: str, page_url: str, *, exclude: set[str] = frozenset()) -> list[ColumnLink]:
    """Columns linked from a portal or column page, in page order, each URL once."""
    host, scope = urlsplit(page_url).netloc, scope_of(page_url)
    found: dict[str, ColumnLink] = {}
    for text, url in extract_links(html, page_url):
        name = text.strip()
        if (
            url in found or url in exclude or url.split("#")[0] == page_url
            or urlsplit(url).netloc != host or not looks_like_column(url)
            or not normalise(name) or normalise(name).lower() in _GENERIC_NAMES
        ):
            continue
        type_ = classify(name)
        under_page = urlsplit(url).path.startswith(scope) and urlsplit(url).path != scope
        if under_page or type_ != OTHER:
            found[url] = ColumnLink(name=name, url=url, type=type_)
    return list(found.values())
