"""Lists drawn by script: whether a page has one, and which data URLs its inline scripts name."""

from __future__ import annotations

import re

from .dom import absolute_url

# Requests from script, and the template syntaxes that bind their answers into the page.
_DRAWS_LIST = re.compile(
    r"\bfetch\s*\(|XMLHttpRequest|\$\.(?:ajax|get|post|getJSON)\s*\(|\baxios\b|"
    r"\bms-(?:repeat|for)\b|\bv-for\s*=|\bng-repeat\s*=|new\s+Vue\s*\(|createApp\s*\(|"
    r"angular\.module|\{\{[^{}]+\}\}|"
    # An external script drawing into an app container, or a page asking for JavaScript.
    r"<noscript\b|\bid\s*=\s*[\"'][\w-]*app\b|\bdata-(?:chan|channel|column|colid)\s*=",
)
_STRING_LITERAL = re.compile(r"""(['"])((?:https?:)?/[^'"\s<>]*|\.\.?/[^'"\s<>]*)\1""")
_ENDPOINT_HINT = re.compile(
    r"\.(?:json|xml|jsp|do|action|ashx|aspx|php)\b|/api/|search|query|list|getDocuments|"
    r"dataproxy|interface|/data/", re.I,
)
# Named in the same scripts but never lists: accounts, counters, share buttons.
_NOT_DATA = re.compile(r"login|logout|regist|passport|sso|oauth|captcha|visit|hits|share|weather", re.I)
_ASSET = re.compile(r"\.(?:js|css|png|jpe?g|gif|svg|ico|woff2?|ttf|s?html?)(?:[?#]|$)", re.I)
_DATA_SCRIPT_TYPES = ("text/xml", "text/template", "text/html", "text/x-template")


def draws_list(html: str) -> bool:
    return bool(_DRAWS_LIST.search(html))


def data_endpoints(root, base: str) -> list[str]:
    """Absolute URLs of JSON/XML list endpoints written literally in inline scripts."""
    found = []
    for script in root.iter("script"):
        if script.get("src") or script.get("type", "").lower() in _DATA_SCRIPT_TYPES:
            continue
        for _, literal in _STRING_LITERAL.findall(script.text or ""):
            path = literal.split("?")[0]
            if _ENDPOINT_HINT.search(path) and not _ASSET.search(path) and not _NOT_DATA.search(path):
                url = absolute_url(literal, base)
                if url and url not in found:
                    found.append(url)
    return found
