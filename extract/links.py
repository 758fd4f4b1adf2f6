"""Every link on a page, for broken-link checks and column discovery."""

from __future__ import annotations

from urllib.parse import urldefrag

from .dom import absolute_url, base_url, collapse, parse_html


def extract_links(html: str, url: str) -> list[tuple[str, str]]:
    """(text, absolute URL) per distinct target, first text kept; no javascript:/mailto:/# links.

    Links inside HTML comments are not links; hidden ones are, since they can break too.
    """
    root = parse_html(html)
    base = base_url(root, url)
    links, seen = [], set()
    for a in root.iter("a", "area"):
        target = absolute_url(a.get("href"), base)
        if not target:
            continue
        target = urldefrag(target).url
        if target in seen:
            continue
        seen.add(target)
        text = collapse(a.text_content()) or collapse(a.get("title")) or collapse(" ".join(a.xpath(".//img/@alt")))
        links.append((text, target))
    return links
