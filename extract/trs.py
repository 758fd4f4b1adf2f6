"""TRS pagers: WCM's `createPageHTML(...)` script and 海云's `recordCount`/`prepage` config."""

from __future__ import annotations

import math
import re
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
    """TRS 海云: later pages come from a POST search API, so only the count is knowable."""
    count, per_page = _RECORD_COUNT.search(html), _PER_PAGE.search(html)
    if not (count and per_page and int(per_page.group(1))):
        return None
    return Pagination(math.ceil(int(count.group(1)) / int(per_page.group(1))), [])


def _number(argument: str, html: str) -> int | None:
    if argument.isdigit():
        return int(argument)
    m = re.search(rf"\b{re.escape(argument)}\s*=\s*['\"]?(\d+)", html)
    return int(m.group(1)) if m else None
