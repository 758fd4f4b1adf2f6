"""Small lxml helpers shared by the list, detail and link extractors."""

from __future__ import annotations

import re
from collections import OrderedDict
from functools import lru_cache
from urllib.parse import urljoin

import lxml.html
from lxml import etree

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_SPACES = re.compile(r"\s+")
_NOT_A_PAGE = re.compile(r"^(?:javascript|mailto|tel|about|data):|^#", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


# The spider hands one page's text to several extractors (list, links, columns): they share
# one parse. A few entries, because callbacks are generators and interleave.
_TREES: OrderedDict[str, lxml.html.HtmlElement] = OrderedDict()
_TREES_KEPT = 4


def parse_html(text: str) -> lxml.html.HtmlElement:
    """The document root, shared by every caller reading the same text: never modify it
    (``parse_fresh`` gives a tree of one's own). Never raises on empty or odd input."""
    key = text or ""
    root = _TREES.get(key)
    if root is not None:
        _TREES.move_to_end(key)
        return root
    root = _TREES[key] = parse_fresh(key)
    if len(_TREES) > _TREES_KEPT:
        _TREES.popitem(last=False)
    return root


def parse_fresh(text: str) -> lxml.html.HtmlElement:
    """A new document root, free to modify; never raises on empty or odd input."""
    # lxml refuses str input that carries an encoding declaration (dataproxy XML answers do).
    text = _XML_DECLARATION.sub("", text or "")
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html><body></body></html>")


def base_url(root: lxml.html.HtmlElement, url: str) -> str:
    """The URL relative links resolve against: the page URL, or its `<base href>`."""
    for href in root.xpath("//base/@href"):
        if href.strip():
            return urljoin(url, href.strip())
    return url


def absolute_url(href: str | None, base: str) -> str | None:
    """`href` made absolute, or None for javascript:, mailto:, in-page `#` links and empty ones."""
    href = _SPACES.sub("", href or "")  # templates leave newlines and tabs inside href values
    if not href or _NOT_A_PAGE.match(href):
        return None
    if href.startswith(("http://", "https://")):
        return href  # already absolute: skip urljoin, the hot spot on link-heavy pages
    return _join(base, href)


@lru_cache(maxsize=8192)
def _join(base: str, href: str) -> str:
    """urljoin, memoised: a page's links are resolved by several extractors, and a site's
    navigation links recur on every one of its pages."""
    return urljoin(base, href)


def collapse(text: str | None) -> str:
    """Runs of whitespace (including U+3000 and &nbsp;) to one space, ends trimmed."""
    return _SPACES.sub(" ", text or "").strip()


def visible_text(root) -> str:
    """The document's text without script and style contents, text nodes joined by spaces."""
    return " ".join(root.xpath("//text()[not(parent::script) and not(parent::style)]"))


def is_element(node) -> bool:
    """True for tags; False for comments and processing instructions, whose .tag is not a str."""
    return isinstance(node.tag, str)


def is_hidden(el: lxml.html.HtmlElement) -> bool:
    return bool(_HIDDEN_STYLE.search(el.get("style", ""))) or el.get("hidden") is not None


def drop(elements) -> None:
    """Remove elements but keep their tail text (the words after them belong to the parent)."""
    for el in list(elements):
        if el.getparent() is not None:
            el.drop_tree()
