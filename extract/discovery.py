"""Column discovery: which links on a portal or column page are 政务公开 columns, and how they nest.

A page is read as a person reads it. Its links are first sorted: documents (dated paths, files,
long titles), pagers, tools (search, login) and links that lead nowhere are not columns. Then:

- **the disclosure navigation** is found by what it holds: the smallest blocks with links to at
  least two of the four standard sub-columns (指南, 制度, 法定主动公开内容, 年报), whatever their
  markup or class names (side menus are often classed like site navigation). Every link there is
  a column, on another host too (政府采购 → the province's ccgp site) and whatever its URL's shape;
- **blocks of other agencies' sites** (市政府部门, 县区, 友情链接: most names end in 局, 委员会,
  人民政府, 办公室, 乡, 镇, 街道 …) are not columns, wherever they sit;
- **site-wide navigation** (header, footer, breadcrumbs, top tabs: see ``chrome.py``) is kept apart
  (``in_chrome``): the crawler follows the disclosure-typed ones, ``page_columns`` leaves them out;
- elsewhere in the body, links of the site with a column's URL shape, or whose name is a known
  column type, are columns (an unknown name as ``other``).

Nesting is read from the markup (``parent_of``): a column's parent is the link heading the list it
sits in — ``li > a + ul``, ``dt`` over ``dd``, a heading over a list, a tree menu's branch. A
catalogue tree embedded as JSON (广东 gkmlpt's ``TREE``) is read as such. Each URL is reported
once (copies in broken comments, the same link in two menus), in page order, with the name it
has outside the site navigation. Names are typed by ``core/column_types.yaml``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from urllib.parse import urldefrag, urljoin, urlsplit

from core.taxonomy import OTHER, classify, normalise

from .chrome import ChromeCache
from .dom import absolute_url, base_url, collapse, is_element, parse_html

_COLUMN_FILE = re.compile(r"^(index|list|default|more|column|channel|node)([_-]?[a-z]+)?\.(s?html?|jsp|aspx?|php)$", re.I)
_COLUMN_QUERY = re.compile(
    r"(^|&)(cid|columnid|column_id|chnlid|channelid|catid|classid|lmid|colid|categoryid|typeid|nodeid)=", re.I
)
_HANWEB_COLUMN = re.compile(r"/col/col\d+/", re.I)
_PAGER = re.compile(r"(index|list|default)_\d+\.s?html?$|[?&](page|pageno|pageindex|cur_page|pagenum|p)=\d+", re.I)
_FUNCTION_PAGE = re.compile(r"search|sousuo|jsearch|was5|login|sitemap|wzdt|rss", re.I)  # tools, not columns
_DOCUMENT = re.compile(r"\.(pdf|docx?|xlsx?|wps|ofd|zip|rar|jpe?g|png|gif)$", re.I)
# Pages of one document: TRS t20240105_123.html, Hanweb /art/2024/1/5/art_12_34.html, a month
# folder (/202401/…), gkmlpt post_123.html, content_123.htm, numeric file names (动易 /Item/123456.aspx),
# a page file other than a list's with a numeric id (content.jsp?id=158095, detail.aspx?id=7).
_DOCUMENT_PAGE = re.compile(
    r"/t\d{8}_\d+|/art/\d{4}/|/art_\d+_\d+|/(19|20)\d{2}-?[01]\d(-?[0-3]\d)?/[^/]+$|/post_\d+|/content_\d+"
    r"|/\d{5,}\.(s?html?|aspx?|jsp|php)$",
    re.I,
)
_DOCUMENT_ID = re.compile(r"(^|&)(id|docid|articleid|infoid|newsid|itemid|contentid)=\d+", re.I)
_DIRECTORY_PAGE = re.compile(r"^$|^(index|default)\.(s?html?|jsp|aspx?|php)$", re.I)
_GENERIC_NAMES = {
    "更多", "more", "查看更多", "首页", "返回", "返回首页", "上一页", "下一页", "尾页", "末页", "网站首页",
    "登录", "注册", "注销", "繁体版", "简体版", "english", "移动版", "手机版", "无障碍浏览", "长者模式",
    "网站地图", "联系我们", "关于我们", "使用帮助", "隐私保护", "网站声明", "打印", "关闭", "收藏",
}
_TEMPLATE = re.compile(r"\{\{|\$\{|<%")   # unrendered avalon/Vue/JSP placeholders
# A document's title, not a column's name: 关于…, a number (〔2024〕3号, 第5期), a year with more
# words than a year's sub-column has (2023年度 is one: 年报 → 2023年度).
_DOCUMENT_TITLE = re.compile(r"关于|〔|第.{1,5}[号期]|(?<!\d)(19|20)\d{2}(年|-).{4,}|.{3,}(?<!\d)(19|20)\d{2}(年|-)")
# Longer names are document titles, not columns (the longest real column names run to ~20).
_LONGEST_NAME = 24
STANDARD_TYPES = ("guide", "system", "statutory", "annual_report")
# An agency (or a place) rather than a column: other agencies' site lists.
_AGENCY_NAME = re.compile(
    r"(人民政府|政府|委员会|管委会|办公室|办公厅|办事处|局|厅|委|署|院|中心|街道|镇|乡|公司)(网站|网|门户)?$"
)
_AGENCY_SHARE = 0.6
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "dt", "caption", "legend"})
_INLINE = frozenset({"a", "span", "strong", "b", "em", "font", "p", "i", "label"})
_TITLE_CLASS = re.compile(r"tit|title|hd|head|caption|name|bt", re.I)
_STATE_CLASSES = frozenset({"on", "cur", "current", "active", "hover", "selected", "select", "first", "last",
                            "odd", "even", "clearfix", "clearflx", "open", "show", "hide", "fl", "fr"})
_TRAILING_DIGITS = re.compile(r"\d+$")
_BROKEN_NAME = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
# Levels between a link and the heading of its list: a picture list's a > h3 > div > div > li > ul > div …
_MAX_CLIMB = 12
_CATALOGUE = re.compile(r"[\"']?TREE[\"']?\s*[:=]\s*(?=\[)")


@dataclass(frozen=True)
class ColumnLink:
    name: str
    url: str
    type: str
    in_chrome: bool = False  # only in navigation, header, footer or breadcrumbs, never in the page body
    parent: str | None = None       # the name of the column (or menu branch) it is nested under
    parent_url: str | None = None   # that column's URL, when it has one


@dataclass(eq=False)
class _Link:
    element: object
    name: str
    url: str
    type: str
    is_page: bool = False      # the page's own entry in its menu
    document: bool = False     # a document's page (a 指南 may be one): a column only in the menu
    region: bool = False       # inside the disclosure navigation
    chrome: bool = False
    agencies: bool = False     # inside a block of other agencies' sites
    parent: "_Link | str | None" = None


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


def site_of(url: str) -> str:
    """The registered site a URL belongs to: zfcg.pingtan.gov.cn and www.pingtan.gov.cn are one
    site (pingtan.gov.cn); an IP address is its own."""
    host = (urlsplit(url).hostname or "").lower()
    if not host or host.replace(".", "").isdigit():
        return host
    labels = host.split(".")
    keep = 3 if host.endswith((".gov.cn", ".com.cn", ".org.cn", ".edu.cn", ".net.cn")) else 2
    return ".".join(labels[-keep:])


def discover_columns(html: str, page_url: str, *, exclude: set[str] = frozenset()) -> list[ColumnLink]:
    """Columns linked from a portal or column page, in page order, each URL once: the disclosure
    navigation and the body's columns, then (``in_chrome``) site navigation whose name is a
    disclosure column type."""
    root = parse_html(html)
    page = urldefrag(page_url).url
    links = _candidate_links(root, base_url(root, page_url), page, exclude)
    in_chrome = ChromeCache()
    for link in links:
        link.chrome = in_chrome(link.element)
    _mark_agency_blocks(links)
    _mark_regions(links)
    by_element = {link.element: link for link in links}
    for link in links:
        link.parent = parent_of(link.element, by_element)
    _drop_portal_titles(links)
    _inherit_region(links)
    found = _catalogue_columns(html, page)
    navigation = bool(found) or any(link.region for link in links)
    found += [link for link in links if _kept(link, page, navigation)]
    return _merge(found)


def page_columns(html: str, page_url: str) -> list[dict]:
    """The contract of ``gkwatch extract columns``: the page's own columns (site navigation left
    out), ``{"name", "url", "type", "parent"}`` with the parent's name or None."""
    return [{"name": c.name, "url": c.url, "type": c.type, "parent": c.parent}
            for c in discover_columns(html, page_url) if not c.in_chrome]


# Links ---------------------------------------------------------------------------------------------

def _candidate_links(root, base: str, page: str, exclude) -> list[_Link]:
    """Every link that could be a column: a name of a column's length, a target that is no
    document, pager, tool or the page itself."""
    links = []
    for anchor in root.iter("a"):
        url = absolute_url(anchor.get("href"), base)
        if not url or not url.startswith(("http://", "https://")) or url in exclude:
            continue
        name = _name_of(anchor)
        key = normalise(name).lower()
        if (not key or key in _GENERIC_NAMES or _TEMPLATE.search(name) or len(key) > _LONGEST_NAME
                or _DOCUMENT_TITLE.search(key)):
            continue
        type_, document = classify(name), _not_a_column(url)
        if document and type_ not in STANDARD_TYPES:
            continue
        links.append(_Link(anchor, name, url, type_, is_page=urldefrag(url).url == page, document=document))
    return links


def _name_of(anchor) -> str:
    """The link's text (its title, its image's alt when it has none); a name broken over lines
    (政府信息<br>公开指南) joined again."""
    name = (collapse(anchor.text_content()) or collapse(anchor.get("title"))
            or collapse(" ".join(anchor.xpath(".//img/@alt"))))
    return _BROKEN_NAME.sub("", name)


def _not_a_column(url: str) -> bool:
    parts = urlsplit(url)
    last = parts.path.rsplit("/", 1)[-1]
    return bool(_PAGER.search(url) or _DOCUMENT.search(parts.path) or _DOCUMENT_PAGE.search(parts.path)
                or _FUNCTION_PAGE.search(parts.path)
                or (last and not _COLUMN_FILE.match(last) and _DOCUMENT_ID.search(parts.query)))


def _counts(links: list[_Link], key) -> dict:
    """For every element, the values of ``key`` of the links inside it."""
    inside: dict = {}
    for link in links:
        value = key(link)
        for element in link.element.iterancestors():
            inside.setdefault(element, []).append(value)
    return inside


def _mark_regions(links: list[_Link]) -> None:
    """The disclosure navigation: the smallest blocks holding two or more of the standard
    sub-columns, each grown to the whole menu around it; in the page body if there are such
    blocks there, else wherever they are (a side menu classed like site navigation)."""
    by_element = {link.element: link for link in links}
    for candidates in ([link for link in links if not link.chrome], links):
        standard = [link for link in candidates if link.type in STANDARD_TYPES]
        kinds = _counts(standard, lambda link: link.type)
        regions = {element for element, types in kinds.items() if len(set(types)) >= 2}
        smallest = regions - {ancestor for element in regions for ancestor in element.iterancestors()}
        if smallest:
            menus = {_whole_menu(element, by_element) for element in smallest}
            for link in links:
                link.region = any(ancestor in menus for ancestor in link.element.iterancestors())
            return


def _whole_menu(element, by_element: dict):
    """The largest block around ``element`` that adds only disclosure columns to it: a menu drawn
    in parts (指南 and 制度 in one box, the 法定主动公开内容 branch in another, 依申请公开 below).
    A document, another agency's site or a run of unknown names (site navigation) ends it."""
    while True:
        parent = element.getparent()
        if parent is None or parent.tag in ("body", "html"):
            return element
        added = [a for a in parent.iter("a") if not _leads_nowhere(a) and element not in a.iterancestors()
                 and normalise(_name_of(a)).lower() not in _GENERIC_NAMES | {""}]
        columns = [by_element.get(a) for a in added]
        if None in columns or any(link.agencies or link.document for link in columns):
            return element
        if sum(link.type != OTHER for link in columns) * 2 < len(columns):
            return element
        element = parent


def _leads_nowhere(anchor) -> bool:
    href = (anchor.get("href") or "").strip().lower()
    return not href or href.startswith(("javascript", "#", "mailto:", "tel:"))


def _mark_agency_blocks(links: list[_Link]) -> None:
    """Links in blocks most of whose links name agencies or places (other agencies' sites)."""
    names = _counts(links, lambda link: _is_agency(link.name))
    for link in links:
        if not _is_agency(link.name):
            continue
        for ancestor in link.element.iterancestors():
            flags = names[ancestor]
            if len(flags) >= 3:
                link.agencies = sum(flags) / len(flags) >= _AGENCY_SHARE
                break


def _is_agency(name: str) -> bool:
    key = normalise(name)
    return len(key) >= 3 and bool(_AGENCY_NAME.search(key)) and classify(key) == OTHER


def _kept(link: _Link, page: str, navigation: bool) -> bool:
    """Whether a link is one of the page's columns. With disclosure navigation on the page, the
    page's columns are that navigation's tree; without, the body's column links."""
    if link.agencies and link.type not in STANDARD_TYPES:
        return False
    if link.region:
        return True
    if link.is_page or link.document or site_of(link.url) != site_of(page):
        return False
    if link.chrome:
        return link.type != OTHER and looks_like_column(link.url)
    return not navigation and (looks_like_column(link.url) or link.type != OTHER)


def _drop_portal_titles(links: list[_Link]) -> None:
    """The four standard sub-columns are the top of the 政府信息公开 专栏 (国办公开办函〔2019〕61号):
    what heads a list holding them (政府信息公开目录, a portal's title) is the 专栏 itself, no parent."""
    titles = [link.parent for link in links if link.type in STANDARD_TYPES and link.parent is not None]
    for link in links:
        if any(link.parent is title or isinstance(title, str) and link.parent == title for title in titles):
            link.parent = None


def _inherit_region(links: list[_Link]) -> None:
    """A column nested under a column of the disclosure navigation belongs to it, also where the
    page draws that branch apart from the menu (法定主动公开内容 → 机构职能 … in a grid)."""
    navigation = {_url_key(link.url) for link in links if link.region}
    for link in links:
        node, seen = link, set()
        while isinstance(node, _Link) and id(node) not in seen and not link.region:
            seen.add(id(node))
            link.region = _url_key(node.url) in navigation
            node = node.parent


def _merge(found: list) -> list[ColumnLink]:
    """One column per URL and per name under a parent, in page order: its name and nesting where
    it shows outside the site navigation, its parent the nearest kept one."""
    kept = {id(link) for link in found}
    by_url: dict[str, list] = {}
    for link in found:
        by_url.setdefault(_url_key(link.url), []).append(link)
    position = {id(link): n for n, link in enumerate(found)}
    columns = []
    for copies in by_url.values():
        body = [c for c in copies if not _chrome_of(c)] or copies
        first = body[0]
        parent = next((p for p in (_parent_name(c, kept) for c in body) if p[0]), (None, None))
        columns.append((position[id(first)], ColumnLink(first.name, first.url, first.type, in_chrome=_chrome_of(first),
                                                        parent=parent[0], parent_url=parent[1])))
    named: dict[tuple, ColumnLink] = {}
    for _, column in sorted(columns, key=lambda pair: pair[0]):
        # One name under one parent is one column: a stale copy of a menu (a broken comment) may
        # point one of its entries elsewhere.
        named.setdefault((column.in_chrome, normalise(column.name), column.parent), column)
    return _drop_self_parents(list(named.values()))


def _chrome_of(link) -> bool:
    return link.in_chrome if isinstance(link, ColumnLink) else link.chrome and not link.region


def _parent_name(link, kept: set[int]) -> tuple[str | None, str | None]:
    if isinstance(link, ColumnLink):
        return link.parent, link.parent_url
    node = link.parent
    while isinstance(node, _Link) and id(node) not in kept:
        node = node.parent
    if isinstance(node, _Link):
        return node.name, node.url
    return node, None


def _drop_self_parents(columns: list[ColumnLink]) -> list[ColumnLink]:
    return [replace(c, parent=None, parent_url=None) if c.parent_url and _url_key(c.parent_url) == _url_key(c.url)
            else c for c in columns]


def _url_key(url: str) -> str:
    """Two spellings of one column's URL (…/x/, …/x/index.html) are one column; a fragment that
    names a catalogue node (gkmlpt index#123) is kept."""
    base, fragment = urldefrag(url)
    base = re.sub(r"/(index|default)\.(s?html?|jsp|aspx?|php)$", "/", base, flags=re.I)
    return f"{base}#{fragment}" if fragment.isdigit() else base


# Nesting -------------------------------------------------------------------------------------------

def parent_of(anchor, by_element: dict) -> "_Link | str | None":
    """The column heading the list an anchor sits in: the link (or, for a branch with no page of
    its own, the name) just before the anchor's list, at the nearest level that has one.

    Walking up from the anchor, at each level the siblings before it are read backwards, past its
    peers (elements of its own kind: the other items of its list) and empty ones (icons, arrows).
    The first other element is the list's heading if it is heading-like (a heading, an inline
    element, a small title-classed block with at most one link) and holds one column link; a
    heading without a link, or a block of links, means the list has no parent on this page."""
    node = anchor
    for _ in range(_MAX_CLIMB):
        parent = node.getparent()
        if parent is None:
            return None
        kind = _kind(node)
        for sibling in reversed(_before(parent, node)):
            if _kind(sibling) == kind:
                continue  # a peer: another item of the same list
            anchors = [a for a in _anchors(sibling) if normalise(_name_of(a)).lower() not in _GENERIC_NAMES]
            if len(anchors) > 1:
                return None  # another block of links: this list stands on its own
            if not anchors and not normalise(sibling.text_content()):
                continue  # an icon, an arrow, a spacer
            if not _heading_like(sibling):
                return None
            if anchors and anchors[0] in by_element:
                return by_element[anchors[0]]
            name = _name_of(anchors[0]) if anchors else collapse(sibling.text_content())
            # A heading with no page of its own (a branch toggle, a title): a parent by name only
            # when it names a column type (法定主动公开内容), not the portal's own title.
            return name if classify(name) != OTHER and len(normalise(name)) <= _LONGEST_NAME else None
        node = parent
    return None


def _before(parent, node) -> list:
    siblings = []
    for child in parent:
        if child is node:
            return siblings
        if is_element(child) and child.tag not in ("script", "style", "br", "img", "input"):
            siblings.append(child)
    return siblings


def _anchors(element) -> list:
    return [element] if element.tag == "a" else list(element.iter("a"))


def _kind(element) -> tuple:
    tokens = element.get("class", "").split()
    return element.tag, frozenset(_TRAILING_DIGITS.sub("", t) for t in tokens if t.lower() not in _STATE_CLASSES)


def _heading_like(element) -> bool:
    """A heading, an inline element, or a small block that is a title (by its class or a heading inside)."""
    if element.tag in _HEADINGS or element.tag in _INLINE:
        return True
    if len(normalise(element.text_content())) > _LONGEST_NAME + 8 or element.find(".//li") is not None:
        return False
    if _TITLE_CLASS.search(f"{element.get('class', '')} {element.get('id', '')}"):
        return True
    return any(is_element(child) and child.tag in _HEADINGS for child in element.iterdescendants())


# Catalogues embedded as JSON -------------------------------------------------------------------------

def _catalogue_columns(html: str, page: str) -> list[ColumnLink]:
    """A catalogue tree in the page's scripts: 广东 gkmlpt's ``TREE: [{"id", "name", "children",
    "jump_url"}]``; each node's column is its jump_url or the catalogue page's ``#id``."""
    columns: list[ColumnLink] = []
    for match in _CATALOGUE.finditer(html):
        try:
            tree, _ = json.JSONDecoder().raw_decode(html, match.end())
        except ValueError:
            continue
        if isinstance(tree, list):
            _walk_catalogue(tree, page, None, columns)
    return columns


def _walk_catalogue(nodes: list, page: str, parent: ColumnLink | None, out: list[ColumnLink]) -> None:
    for node in nodes:
        if not isinstance(node, dict) or not collapse(str(node.get("name") or "")):
            continue
        name = collapse(str(node["name"]))
        url = urljoin(page, node["jump_url"]) if node.get("jump_url") else f"{page}#{node.get('id')}"
        column = ColumnLink(name, url, classify(name), parent=parent and parent.name,
                            parent_url=parent and parent.url)
        out.append(column)
        _walk_catalogue(node.get("children") or [], page, column, out)


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
