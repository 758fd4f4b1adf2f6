"""Page chrome: navigation, header, footer, breadcrumbs, share bars, sidebars, link farms."""

from __future__ import annotations

import re

_SUBSTRINGS = re.compile(
    r"nav|menu|header|footer|crumb|share|copyright|sidebar|pagination|pager|pagebar|fenye|"
    r"friendlink|yqlj|dqwz|weizhi", re.I,
)
# Matched as whole class/id tokens only: `top` but not `topic`, `side` but not `inside`.
_TOKENS = frozenset({"top", "head", "foot", "bottom", "side", "position", "location", "links"})
_TAGS = frozenset({"nav", "header", "footer", "aside"})
_ROLES = frozenset({"navigation", "banner", "contentinfo"})  # role=, and Hanweb's ergodic=
_TOKEN_SPLIT = re.compile(r"[\s_-]+")


class ChromeCache:
    """Whether an element sits in page chrome, memoised because many elements share ancestors."""

    def __init__(self):
        self._known: dict = {}

    def __call__(self, element) -> bool:
        if element is None:
            return False
        if element not in self._known:
            self._known[element] = _is_chrome(element) or self(element.getparent())
        return self._known[element]


def _is_chrome(element) -> bool:
    if element.tag in _TAGS or _ROLES & set(element.attrib.values()):
        return True
    names = f"{element.get('class', '')} {element.get('id', '')}"
    return bool(_SUBSTRINGS.search(names)) or bool(_TOKENS & set(_TOKEN_SPLIT.split(names.lower())))
