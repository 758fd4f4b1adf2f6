"""`gkwatch agencies discover`: draft registry YAML for every department and subordinate government a
portal links to, so an NGO can cover a whole city or province in minutes, then review by hand."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
import urllib.robotparser
from urllib.parse import urljoin, urlsplit

from pypinyin import lazy_pinyin

from core.config import Config, user_agent
from core.registry import dump
from core.taxonomy import classify
from extract import decode_html, extract_links
from extract.discovery import discover_agencies

from .plumbing import Failed

_PORTAL_TYPES = {"statutory", "guide"}
_PORTAL_WORDS = ("政府信息公开", "信息公开", "政务公开")


def draft_registry(url: str, level: str, region_code: str, parent: str | None, prefix: str, config: Config) -> str:
    fetcher = _PoliteFetcher(config)
    html = fetcher.get(url)
    if html is None:
        raise Failed(f"无法获取门户 (cannot fetch the portal): {url}")
    links = discover_agencies(html, url, level)
    if not links:
        raise Failed(f"{url} 上没有找到部门或下级政府的网站链接 (no department or government site lists found)")
    entries, used = [], set()
    for link in links:
        portal, note = _find_portal(fetcher, link.homepage)
        entry = {
            "id": _unique(_slug(prefix, link.name), used),
            "name": link.name, "level": link.level, "kind": link.kind,
            "region_code": region_code, "homepage": link.homepage, "portal": portal,
            "notes": f"由 gkwatch agencies discover 从 {url} 「{link.block}」生成, 请核对 region_code 与 portal. {note}".strip(),
        }
        if parent and link.kind == "部门":
            entry["parent"] = parent
        entries.append(entry)
    header = f"# 草稿 draft registry from {url}: review every entry before importing\n"
    return header + dump(entries)


def _find_portal(fetcher: "_PoliteFetcher", homepage: str) -> tuple[str, str]:
    html = fetcher.get(homepage)
    if html is None:
        return homepage, "首页无法访问, portal 暂用首页 (homepage unreachable; portal is a placeholder)."
    for text, link in extract_links(html, homepage):
        if classify(text) in _PORTAL_TYPES or any(word in text for word in _PORTAL_WORDS):
            return link, ""
    return homepage, "首页上未找到政府信息公开专栏, portal 暂用首页 (no disclosure portal link found)."


def _slug(prefix: str, name: str) -> str:
    letters = "".join(lazy_pinyin(name, errors="ignore")).lower()
    slug = "".join(ch for ch in letters if ch.isascii() and ch.isalnum())[:48] or "agency"
    return f"{prefix}{slug}"


def _unique(slug: str, used: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in used:
        candidate, n = f"{slug}-{n}", n + 1
    used.add(candidate)
    return candidate


class _PoliteFetcher:
    """One request at a time, robots.txt obeyed, an identifying User-Agent, a pause between hosts' requests."""

    def __init__(self, config: Config):
        self.user_agent = user_agent(config)
        self.timeout, self.delay = config.crawl.timeout, config.crawl.download_delay
        self.robots: dict[str, urllib.robotparser.RobotFileParser] = {}

    def allowed(self, url: str) -> bool:
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        if origin not in self.robots:
            parser = urllib.robotparser.RobotFileParser(urljoin(origin, "/robots.txt"))
            try:
                parser.parse(self._fetch(urljoin(origin, "/robots.txt")).decode("utf-8", "replace").splitlines())
            except (OSError, urllib.error.URLError):
                parser.allow_all = True
            self.robots[origin] = parser
        return self.robots[origin].can_fetch(self.user_agent, url)

    def get(self, url: str) -> str | None:
        try:
            if not self.allowed(url):
                return None
            time.sleep(self.delay)
            request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return decode_html(response.read(), response.headers.get("Content-Type"))[0]
        except (OSError, urllib.error.URLError, ValueError):
            return None

    def _fetch(self, url: str) -> bytes:
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return response.read()
