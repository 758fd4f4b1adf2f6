"""TRS pagers: WCM's `createPageHTML(...)` script, and TRS 海云's list config with its search API.

A 海云 column page (provincial 集约化 site groups) is static for its first page only; its script
pages through the site group's search API:

    var pageChnlInfo = {classsql: "" || "chnlid=653", recordCount: '127', prepage: 15, …};
    listModel({listArgs: {channelid: SiteInfo.searchId, classsql: pageChnlInfo.classsql, …},
               listApi: {url: "/fjdzapp/search"}, pagebar: {recordCount: pageChnlInfo.recordCount, …}})

`haiyun_search_api` reads that call, resolving the references to other objects of the page, into
the form a browser POSTs for each later page.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from .pagination import Pagination

# createPageHTML(56, 0, "index", "html"), also createPage(...), pageControl(...), extra trailing
# arguments, and variables instead of numbers: createPageHTML(countPage, currentPage, ...).
_CREATE_PAGE = re.compile(
    r"(?:createPageHTML|createPage|pageControl)\s*\(\s*([\w.]+)\s*,\s*([\w.]+)\s*,"
    r"\s*['\"]([\w.-]+)['\"]\s*,\s*['\"](\w+)['\"]"
)
_COUNT_PAGE = re.compile(r"var\s+countPage\s*=\s*['\"]?(\d+)")
_RECORD_COUNT = re.compile(r"recordCount\s*:\s*['\"]?(\d+)")
_PER_PAGE = re.compile(r"prepage\s*:\s*['\"]?(\d+)")
_STATIC_PAGE_NAME = re.compile(r"/([\w-]+)\.(s?html?)$")


def wcm_pagination(html: str, url: str) -> Pagination | None:
    """TRS WCM static pages: page k (0-based) of a column is `index_k.html` beside `index.html`."""
    m = _CREATE_PAGE.search(html)
    if m:
        total, current = _number(m.group(1), html), _number(m.group(2), html) or 0
        name, ext = m.group(3), m.group(4)
    else:
        count = _COUNT_PAGE.search(html)
        if not count:
            return None
        total, current = int(count.group(1)), _number("currentPage", html) or 0
        # The call is in an external script: take the file name from the page's own URL.
        own = _STATIC_PAGE_NAME.search(url.split("?")[0])
        name, ext = (own.group(1).split("_")[0], own.group(2)) if own else (None, None)
    if total is None:
        return None
    if not name:
        return Pagination(total, [])
    return Pagination(total, [urljoin(url, f"{name}_{k}.{ext}") for k in range(current + 1, total)])


def haiyun_pagination(html: str) -> Pagination | None:
    """TRS 海云: later pages come from a POST search API (`haiyun_search_api`): no URL, only the count."""
    if "recordCount" not in html:
        return None
    pages = _haiyun_pages(_without_comments(html))
    return Pagination(pages, []) if pages else None


@dataclass(frozen=True)
class SearchApi:
    """A search API that serves a column's later pages as POSTed forms (TRS 海云)."""
    url: str
    form: dict[str, str]   # everything but the page number
    pages: int | None      # the column's page count, from its record count

    def page(self, number: int) -> dict[str, str]:
        return {**self.form, "page": str(number)}


def haiyun_search_api(html: str, url: str) -> SearchApi | None:
    """The search API a TRS 海云 column page lists through, with the form of its `listArgs` (every
    member that resolves to a value) and `prepage`; None when the page configures none."""
    if "listApi" not in html:
        return None
    script = _without_comments(html)
    api = re.search(r"listApi\s*:\s*\{\s*url\s*:\s*(['\"])([^'\"]+)\1", script)
    args = _object(script, "listArgs")
    if not api or args is None:
        return None
    form = {key: value for key, expression in _members(args).items()
            if (value := _resolve(expression, script)) is not None}
    per_page = _resolve(_members(_object(script, "pagebar") or "").get("prepage", ""), script)
    if "channelid" not in form or not (per_page or "").isdigit():
        return None
    return SearchApi(urljoin(url, api.group(2)), {**form, "prepage": per_page}, _haiyun_pages(script))


def _haiyun_pages(script: str) -> int | None:
    """The page count from the pager config's record count and page size (resolved like the form),
    else from the first `recordCount:` and `prepage:` literals."""
    pagebar = _members(_object(script, "pagebar") or "")
    count, per_page = (_resolve(pagebar.get(key, ""), script) for key in ("recordCount", "prepage"))
    if not (count or "").isdigit() or not (per_page or "").isdigit():
        found_count, found_size = _RECORD_COUNT.search(script), _PER_PAGE.search(script)
        if not (found_count and found_size):
            return None
        count, per_page = found_count.group(1), found_size.group(1)
    return math.ceil(int(count) / int(per_page)) if int(per_page) else None


# JavaScript object literals, read just enough: `name = {…}` or `name: {…}`, members `key: expression`.
_LINE_COMMENT = re.compile(r"(?<![:'\"\\\w/])//[^\n]*")   # not the // of https:// inside a string
_TOKEN = re.compile(r"'([^']*)'|\"([^\"]*)\"|(-?\d+(?:\.\d+)?)\b|([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)")
_KEYWORDS = {"true", "false", "null", "undefined"}


def _without_comments(html: str) -> str:
    return _LINE_COMMENT.sub("", html)


def _object(script: str, name: str) -> str | None:
    """The text inside the braces of the last object literal assigned to `name`."""
    found = None
    for m in re.finditer(rf"(?<![\w.$]){re.escape(name)}\s*[:=]\s*\{{", script):
        found = _balanced(script, m.end() - 1)
    return found


def _balanced(text: str, start: int) -> str | None:
    depth, quote = 0, None
    for k in range(start, len(text)):
        char = text[k]
        if quote:
            quote = None if char == quote and text[k - 1] != "\\" else quote
        elif char in "'\"":
            quote = char
        elif char in "{[(":
            depth += 1
        elif char in "}])":
            depth -= 1
            if depth == 0:
                return text[start + 1:k]
    return None


def _members(body: str) -> dict[str, str]:
    """`key: expression` pairs at the top level of an object literal's text."""
    members, key, depth, quote, start = {}, None, 0, None, 0
    for k, char in enumerate(body + ","):
        if quote:
            quote = None if char == quote and body[k - 1] != "\\" else quote
        elif char in "'\"":
            quote = char
        elif char in "{[(":
            depth += 1
        elif char in "}])":
            depth -= 1
        elif depth == 0 and char == ":" and key is None:
            key, start = body[start:k].strip().strip("'\""), k + 1
        elif depth == 0 and char == ",":
            if key:
                members[key] = body[start:k].strip()
            key, start = None, k + 1
    return members


def _resolve(expression: str, script: str, depth: int = 0) -> str | None:
    """The value of a simple expression: literals, `a || b` (the first non-empty), and references
    to members of the page's other object literals (`SiteInfo.searchId`)."""
    for m in _TOKEN.finditer(expression):
        text, other, number, name = m.groups()
        value = text if text is not None else other if other is not None else number
        if name and name not in _KEYWORDS and "." in name and depth < 3:
            owner, _, member = name.rpartition(".")
            body = _object(script, owner.rpartition(".")[2])
            value = _resolve(_members(body).get(member, ""), script, depth + 1) if body is not None else None
        if value:
            return value
    return None


def _number(argument: str, html: str) -> int | None:
    if argument.isdigit():
        return int(argument)
    m = re.search(rf"\b{re.escape(argument)}\s*=\s*['\"]?(\d+)", html)
    return int(m.group(1)) if m else None
