"""Pagination that every CMS shares: 下一页/尾页 links, 「共N页」「页次：1/N」「共M条 每页K条」, `?page=N`,
and the page count a pager script is given (`maxPageNum = 199`, `var pageCount = 12`) when the
pager itself is drawn by it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .dom import absolute_url, base_url, collapse, visible_text

_NEXT = re.compile(r"^(?:下一?页|后一页|下一頁|next|next page|›|>|>>|»)$", re.I)
_LAST = re.compile(r"^(?:尾页|末页|最后一?页|last|last page|»»|>\|)$", re.I)
_DECORATION = " <>«»‹›[]【】"
# 共5页, 共有5页, 1/5页, 页次：1/5, 总页数：5
_PAGE_COUNT = re.compile(r"共\s*有?\s*(\d+)\s*页|(?<!\d)\d+\s*/\s*(\d+)\s*页|页次\s*[:：]?\s*\d+\s*/\s*(\d+)"
                         r"|总页数\s*[:：]?\s*(\d+)")
# 共224条 每页15条: the count from the records (when no page count is printed)
_RECORDS = re.compile(r"共\s*有?\s*(\d+)\s*条(?:记录|信息|数据)?\D{0,12}?每页\s*(\d+)\s*条")
_PAGE_PARAM = re.compile(r"[?&](?:page|pageno|pageindex|curpage|cur_page|pagenum|currentpage|p|pn)=(\d+)", re.I)
_TRS_STATIC_PAGE = re.compile(r"_(\d+)\.s?html?$")  # index_4.html is the fifth page
_SCRIPT_PAGE_COUNT = re.compile(
    r"\b(?:maxPageNum|maxPage|pageCount|pageTotal|totalPages?|countPage)\s*[=:]\s*['\"]?(\d+)", re.I)


@dataclass
class Pagination:
    total_pages: int | None = None
    next_pages: list[str] = field(default_factory=list)


def pager_links(root, url: str) -> Pagination | None:
    """下一页/尾页 links and 「共N页」 counts; None when the page shows no pager at all."""
    base = base_url(root, url)
    next_url = last_url = None
    numbered: dict[int, str] = {}
    for a in root.iter("a"):
        text = collapse(a.text_content()) or collapse(a.get("title"))
        words = (text, text.strip(_DECORATION))  # 下一页>> as well as a bare >>
        if next_url is None and any(_NEXT.match(w) for w in words):
            next_url = absolute_url(a.get("href"), base)
        elif last_url is None and any(_LAST.match(w) for w in words):
            last_url = absolute_url(a.get("href"), base)
        elif text.isdigit():
            target = absolute_url(a.get("href"), base)
            if target and _page_number(target) == int(text):
                numbered.setdefault(int(text), target)
    total = _page_count(root) or _page_number(last_url) or _script_page_count(root)
    if next_url == url:  # the last page links 下一页 to itself
        next_url = None
    if len(numbered) >= 2:  # a bare 1 2 3 … pager: every later page it shows, in order
        current = _page_number(url) or 1
        return Pagination(total or max(numbered), [numbered[n] for n in sorted(numbered) if n > current])
    if total is None and next_url is None and last_url is None:
        return None
    return Pagination(total, [next_url] if next_url else [])


def _page_count(root) -> int | None:
    text = visible_text(root)
    m = _PAGE_COUNT.search(text)
    if m:
        return int(next(group for group in m.groups() if group))
    m = _RECORDS.search(text)
    return max(1, -(-int(m.group(1)) // int(m.group(2)))) if m and int(m.group(2)) else None


def _script_page_count(root) -> int | None:
    """The largest page count a script assigns (`var maxPageNum=0; … maxPageNum = 199;`)."""
    counts = [int(m.group(1)) for script in root.iter("script") for m in _SCRIPT_PAGE_COUNT.finditer(script.text or "")]
    return max(counts) if counts and max(counts) > 0 else None


def _page_number(url: str | None) -> int | None:
    if not url:
        return None
    m = _PAGE_PARAM.search(url)
    if m:
        return int(m.group(1))
    m = _TRS_STATIC_PAGE.search(url.split("?")[0])
    return int(m.group(1)) + 1 if m else None
