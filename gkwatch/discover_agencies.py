"""`gkwatch agencies discover`: draft registry YAML for every department and subordinate government a
portal links to, so an NGO can cover a whole city or province in minutes, then review by hand.

A department shares its government's region code (``--region-code``); a subordinate government (a
county or district of a city) has its own, read from its homepage's 政府网站标识码 (SiteIDCode: the
site's 6-digit region code and a 4-digit number, required on every page by 《政府网站发展指引》). A
code its homepage does not give is left empty, never guessed: the entry does not validate until a
person fills it in."""

from __future__ import annotations

import re
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


# <meta name="SiteIDCode" content="3419220001">, or the footer's 网站标识码：3419220001
_SITE_CODE = (re.compile(r"""<meta\s[^>]*name=["']?SiteIDCode["']?[^>]*content=["']?\s*(\d{10})""", re.I),
              re.compile(r"""<meta\s[^>]*content=["']?\s*(\d{10})["']?[^>]*name=["']?SiteIDCode""", re.I),
              re.compile(r"网站标识码\s*[：:]?\s*(\d{10})"))
_REGION_CODE = re.compile(r"^[1-8]\d{5}$")


def draft_registry(url: str, level: str, region_code: str, parent: str | None, prefix: str,
                   config: Config) -> tuple[str, list[str]]:
    """(registry YAML, names of the governments whose region code is unknown and left empty)."""
    fetcher = _PoliteFetcher(config)
    html = fetcher.get(url)
    if html is None:
        raise Failed(f"无法获取门户 (cannot fetch the portal): {url}")
    links = discover_agencies(html, url, level)
    if not links:
        raise Failed(f"{url} 上没有找到部门或下级政府的网站链接 (no department or government site lists found)")
    entries, used, unknown = [], set(), []
    for link in links:
        html = fetcher.get(link.homepage)
        portal, notes = _find_portal(html, link.homepage)
        code = region_code
        if link.kind == "政府":    # a subordinate government: its own code, or none
            code = site_region_code(html or "") or ""
            if not code:
                unknown.append(link.name)
                notes.append("首页未给出网站标识码, region_code 未知, 已留空, 请填写 "
                             "(region code unknown: its homepage gives no SiteIDCode; fill it in).")
        entry = {
            "id": _unique(_slug(prefix, link.name), used),
            "name": link.name, "level": link.level, "kind": link.kind,
            "region_code": code, "homepage": link.homepage, "portal": portal,
            "notes": " ".join([f"由 gkwatch agencies discover 从 {url} 「{link.block}」生成, 请核对 region_code 与 portal.",
                               *notes]),
        }
        if parent and link.kind == "部门":
            entry["parent"] = parent
        entries.append(entry)
    header = f"# 草稿 draft registry from {url}: review every entry before importing\n"
    return header + dump(entries), unknown


def site_region_code(html: str) -> str | None:
    """The region code of a government site: the first 6 digits of its 政府网站标识码."""
    for pattern in _SITE_CODE:
        found = pattern.search(html)
        if found and _REGION_CODE.match(found.group(1)[:6]):
            return found.group(1)[:6]
    return None


def _find_portal(html: str | None, homepage: str) -> tuple[str, list[str]]:
    """(the disclosure portal a homepage links to, notes); the homepage stands in when there is none."""
    if html is None:
        return homepage, ["首页无法访问, portal 暂用首页 (homepage unreachable; portal is a placeholder)."]
    for text, link in extract_links(html, homepage):
        if classify(text) in _PORTAL_TYPES or any(word in text for word in _PORTAL_WORDS):
            return link, []
    return homepage, ["首页上未找到政府信息公开专栏, portal 暂用首页 (no disclosure portal link found)."]


def _slug(prefix: str, name: str) -> str:
    """``prefix-pinyin`` within the registry's 64 characters (``prefix`` already a valid id start)."""
    head = f"{prefix.rstrip('-')}-" if prefix else ""
    letters = "".join(lazy_pinyin(name, errors="ignore")).lower()
    slug = "".join(ch for ch in letters if ch.isascii() and ch.isalnum())[:min(48, 60 - len(head))] or "agency"
    return head + slug


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
