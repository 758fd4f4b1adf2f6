"""Page chrome: navigation, header, footer, breadcrumbs, share bars, sidebars, link farms.

Breadcrumbs, share bars, pagers and link farms are chrome wherever they sit. Class names that say
header, footer, nav, menu, top … mark chrome only for the page's outer layout blocks: deep in the
content the same words name a block's title bar (``zwgk_l_top``) or a tab strip (``tabs_header``).
"""

from __future__ import annotations

import re

from .dom import is_element

_ANYWHERE = re.compile(r"crumb|share|copyright|pagination|pager|pagebar|fenye|friendlink|yqlj|dqwz|weizhi", re.I)
_SUBSTRINGS = re.compile(r"nav|menu|header|footer|sidebar", re.I)
# Matched as whole class/id tokens only: `top` but not `topic`, `side` but not `inside`.
_TOKENS = frozenset({"top", "head", "foot", "bottom", "side", "links"})
_TOKENS_ANYWHERE = frozenset({"position", "location"})   # 当前位置: breadcrumbs
_TAGS = frozenset({"nav", "header", "footer", "aside"})
_ROLES = frozenset({"navigation", "banner", "contentinfo"})  # role=, and Hanweb's ergodic=
_TOKEN_SPLIT = re.compile(r"[\s_-]+")
# How many layout blocks may enclose site chrome: body > wrapper > header > menu is 2 (the wrapper
# and the header split the page); a content block's title bar sits 3 and more deep.
_OUTER_LAYOUT = 2
_EMPTY_TAGS = frozenset({"script", "style", "link", "meta", "input", "br", "img", "noscript"})


class ChromeCache:
    """Whether an element sits in page chrome, memoised because many elements share ancestors."""

    def __init__(self):
        self._known: dict = {}
        self._splits: dict = {}

    def __call__(self, element) -> bool:
        if element is None:
            return False
        if element not in self._known:
            self._known[element] = self._is_chrome(element) or self(element.getparent())
        return self._known[element]

    def _is_chrome(self, element) -> bool:
        if element.tag in _TAGS or _ROLES & set(element.attrib.values()):
            return True
        names = f"{element.get('class', '')} {element.get('id', '')}"
        tokens = set(_TOKEN_SPLIT.split(names.lower()))
        if _ANYWHERE.search(names) or _TOKENS_ANYWHERE & tokens:
            return True
        named = bool(_SUBSTRINGS.search(names)) or bool(_TOKENS & tokens)
        return named and self._depth(element) <= _OUTER_LAYOUT

    def _depth(self, element) -> int:
        """How many enclosing blocks split the page into parts (have two or more non-empty children)."""
        return sum(1 for ancestor in element.iterancestors()
                   if ancestor.tag not in ("body", "html") and self._splits_page(ancestor))

    def _splits_page(self, element) -> bool:
        if element not in self._splits:
            parts = sum(1 for child in element if is_element(child) and child.tag not in _EMPTY_TAGS
                        and (len(child) or (child.text or "").strip()))
            self._splits[element] = parts >= 2
        return self._splits[element]
