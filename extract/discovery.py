"""Column discovery: which links on a portal or column page are 政务公开 columns.

A link is a column when its URL has the shape of a column (a directory, ``index.html``,
``/col/colNNN/``, ``list.jsp?cid=…``) rather than of a document or a pager, and its name maps
to a known column type, or it sits in the page body or under the page's path (then, if its name
is unknown, as ``other``). Names are typed by the taxonomy in ``core/column_types.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from core.taxonomy import OTHER, classify, normalise

from .chrome import ChromeCache
from .dom import absolute_url, base_url, collapse, parse_html

_COLUMN_FILE = re.compile(r"^(index|list|default|more|column|channel|node)([_-]?[a-z]+)?\.(s?html?|jsp|aspx?|php)$", re.I)
_COLUMN_QUERY = re.compile(
    r"(^|&)(cid|columnid|column_id|chnlid|channelid|catid|classid|lmid|colid|categoryid|typeid|nodeid)=", re.I
)
_HANWEB_COLUMN = re.compile(r"/col/col\d+/", re.I)
_PAGER = re.compile(r"(index|list|default)_\d+\.s?html?$|[?&](page|pageno|pageindex|cur_page|pagenum|p)=\d+", re.I)
_FUNCTION_PAGE = re.compile(r"search|sousuo|jsearch|was5|login|sitemap|wzdt|rss", re.I)  # tools, not columns
_DOCUMENT = re.compile(r"\.(pdf|docx?|xlsx?|wps|ofd|zip|rar|jpe?g|png|gif)$", re.I)
_DIRECTORY_PAGE = re.compile(r"^$|^(index|default)\.(s?html?|jsp|aspx?|php)$", re.I)
_GENERIC_NAMES = {"更多", "more", "查看更多", "首页", "返回", "返回首页", "上一页", "下一页", "尾页", "末页", "网站首页"}


@dataclass(frozen=True)
class ColumnLink:
    name: str
    url: str
    type: str
    in_chrome: bool = False  # only in navigation, header, footer or breadcrumbs, never in the page body


def looks_like_column(url: str) -> bool:
    parts = urlsplit(url)
    if _PAGER.search(url) or _DOCUMENT.search(parts.path) or _FUNCTION_PAGE.search(parts.path):
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


def under(url: str, column_url: str) -> bool:
    """Whether ``url`` lives below a column's directory (/xxgk/fdzdgknr/tzgg/ under /xxgk/fdzdgknr/).
    A column named by its query (list.jsp?cid=12) has no directory of its own."""
    column = urlsplit(column_url)
    if not _DIRECTORY_PAGE.match(column.path.rsplit("/", 1)[-1]):
        return False
    path, scope = urlsplit(url).path, scope_of(column_url)
    return urlsplit(url).netloc == column.netloc and path.startswith(scope) and path != scope


def discover_columns(html: str, page_url: str, *, exclude: set[str] = frozenset()) -> list[ColumnLink]:
    """Columns linked from a portal or column page, in page order, each URL once."""
    root = parse_html(html)
    base, in_chrome = base_url(root, page_url), ChromeCache()
    host = urlsplit(page_url).netloc
    found: dict[str, ColumnLink] = {}
    for anchor in root.iter("a"):
        url = absolute_url(anchor.get("href"), base)
        name = collapse(anchor.text_content()) or collapse(anchor.get("title"))
        if (
            not url or url in exclude or url.split("#")[0] == page_url
            or urlsplit(url).netloc != host or not looks_like_column(url)
            or not normalise(name) or normalise(name).lower() in _GENERIC_NAMES
        ):
            continue
        chrome = in_chrome(anchor)
        if url in found:
            if not chrome and found[url].in_chrome:  # also linked from the body: not only navigation
                found[url] = ColumnLink(found[url].name, url, found[url].type, in_chrome=False)
            continue
        type_ = classify(name)
        # Unknown names are kept (as `other`) when they sit in the page body or under its path;
        # navigation to unknown places (政务服务, 互动交流平台 …) is not a disclosure column.
        if type_ != OTHER or not chrome or under(url, page_url):
            found[url] = ColumnLink(name=name, url=url, type=type_, in_chrome=chrome)
    return list(found.values())


def preview_blocks(html: str, page_url: str, column_urls: set[str], item_urls: set[str]) -> int:
    """How many blocks of the page are a column link followed by items: a container page
    (法定主动公开内容) previews each sub-column's latest items; a list page with a side menu has
    one run of column links and one list."""
    root = parse_html(html)
    base, blocks, previous = base_url(root, page_url), 0, None
    for anchor in root.iter("a"):
        url = absolute_url(anchor.get("href"), base)
        kind = "column" if url in column_urls else "item" if url in item_urls else None
        if kind == "item" and previous == "column":
            blocks += 1
        previous = kind or previous
    return blocks


# Registry bootstrap ----------------------------------------------------------------------------

_BLOCK_TITLE = re.compile(r"(部门|委办局|直属|区县|县区|县市区|县（市、区）|乡镇|街道|镇街)(网站|政府|单位|链接|导航)?")
_COUNTY_BLOCK = re.compile(r"区县|县区|县市区|县（市、区）")
_TOWN_BLOCK = re.compile(r"乡镇|街道|镇街")


@dataclass(frozen=True)
class AgencyLink:
    name: str
    homepage: str
    kind: str   # 政府 / 部门
    level: str  # 国务院部门 / 省 / 市 / 县 / 乡镇
    block: str  # the heading of the link block it was found under


def discover_agencies(html: str, page_url: str, parent_level: str) -> list[AgencyLink]:
    """Sites listed in a government portal's 「市政府部门」「区县政府」「乡镇街道」 link blocks and
    部门网站 drop-downs, typed by the block they sit in."""
    from lxml import html as lxml_html
    from urllib.parse import urljoin

    tree = lxml_html.fromstring(html)
    found: dict[str, AgencyLink] = {}
    for heading in tree.iter():
        if not isinstance(heading.tag, str) or heading.tag in ("a", "option", "script", "style"):
            continue
        title = normalise(heading.text or "")
        if not title or len(title) > 12 or not _BLOCK_TITLE.search(title):
            continue
        block = _block_of(heading)
        if block is None:
            continue
        kind, level = _kind_and_level(title, parent_level)
        for element in block.iter("a", "option"):
            target = element.get("href") if element.tag == "a" else element.get("value")
            name = " ".join(element.text_content().split())
            url = urljoin(page_url, target or "")
            if not name or not url.startswith(("http://", "https://")) or url in found:
                continue
            if urlsplit(url).netloc == urlsplit(page_url).netloc and urlsplit(url).path not in ("", "/"):
                continue  # a page of the portal itself, not another site's homepage
            found[url] = AgencyLink(name=name, homepage=url, kind=kind, level=level, block=title)
    return list(found.values())


def _block_of(heading):
    """The smallest ancestor of a block heading that holds links of its own."""
    for ancestor in heading.iterancestors():
        if len(ancestor.xpath(".//a[@href] | .//option[@value]")) >= 2:
            return ancestor
    return None


def _kind_and_level(title: str, parent_level: str) -> tuple[str, str]:
    if _TOWN_BLOCK.search(title):
        return "政府", "乡镇"
    if _COUNTY_BLOCK.search(title):
        return "政府", "县"
    return "部门", parent_level
