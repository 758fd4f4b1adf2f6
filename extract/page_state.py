"""Is this the page, or something standing in for it? A pure look at one HTTP answer (status,
headers, the first bytes of the body) that says what the fetch came to (``core.vocabulary.VERDICTS``):
``read`` only when nothing marks it as an anti-bot challenge, a WAF block, a soft 404, a maintenance
notice or a login wall. The rules, with the fingerprints they rest on, are in docs/faults.md.

Fingerprints are searched as bytes in the page's UTF-8 and GBK spellings, in the first ``HEAD_BYTES``
of the body: no page is decoded for this (it runs on every response of the crawl). Error pages are
small; a long page that merely mentions 「页面不存在」 in its text is not one (``ERROR_PAGE_BYTES``).
"""

from __future__ import annotations

import re

HEAD_BYTES = 16 * 1024
ERROR_PAGE_BYTES = 12 * 1024   # a soft 404 / maintenance / block page is short; a real page is not


def _spellings(*phrases: str) -> dict[bool, tuple[bytes, ...]]:
    """The phrases lower-cased, spelt in UTF-8 (``True``) and in GBK (``False``), without those that
    hold a shorter one (it finds them too): they are searched in a page's lower-cased bytes, in the
    page's own encoding, and no page is decoded for this (it runs on every answer of a crawl)."""
    kept = [p.lower() for p in phrases if not any(q != p and q in p for q in phrases)]
    return {utf8: tuple(dict.fromkeys(p.encode("utf-8" if utf8 else "gbk") for p in kept)) for utf8 in (True, False)}


# Anti-bot challenges (script-only bodies that set a cookie and reload) and WAF block pages.
CHALLENGE_STATUSES = {202, 400, 403, 412, 418, 429, 503, 521}
_CHALLENGE_MARKS = (
    b"$_ts", b"r='m'", b'r="m"',                    # 瑞数 (River Security)
    b"__jsl_clearance", b"__jsluid",                # 加速乐 (Jiasule / 创宇盾)
    b"yunsuo_session_verify", b"security_session_verify", b"safedog",   # 云锁, 安全狗
    b"_guard/auto.js", b"cf-chl", b"challenge-platform", b"acw_sc__v2", b"acw_tc",
)
_BLOCK_TEXT = _spellings("网站防火墙", "您的访问已被拦截", "访问被拒绝", "您的请求已被拦截", "访问已被拦截",
                         "安全狗", "云锁", "非法请求", "疑似黑客攻击", "请开启JavaScript", "请启用JavaScript",
                         "Web Application Firewall", "Request blocked", "Just a moment...", "Attention Required")
_SOFT_404_TEXT = _spellings("页面不存在", "页面已被删除", "您访问的页面不存在", "找不到该页面", "找不到页面",
                            "页面未找到", "无法找到该页", "信息不存在", "文章不存在", "该信息已被删除",
                            "您要访问的页面不存在", "页面走丢", "页面出错", "Page Not Found", "404 Not Found",
                            "The page you requested")
_MAINTENANCE_TEXT = _spellings("系统维护中", "网站维护中", "网站升级", "系统升级", "暂停访问", "正在维护",
                               "维护期间", "网站正在建设", "under maintenance")
_LOGIN_TEXT = _spellings("请登录", "用户登录", "登录后", "统一身份认证")
_ANY_ERROR_TEXT = {utf8: _BLOCK_TEXT[utf8] + _SOFT_404_TEXT[utf8] + _MAINTENANCE_TEXT[utf8] for utf8 in (True, False)}
# A title that is an error code and little else: 「404」「404 - 页面不存在」「403 Forbidden」「错误 404」.
_ERROR_TITLE = re.compile(rb"^\s*(?:\xe9\x94\x99\xe8\xaf\xaf\s*)?(40[34])(?:\s|$|[-:.,|_]|\s*not found|\s*forbidden)", re.I)
_PASSWORD_INPUT = re.compile(rb"<input[^>]+type\s*=\s*[\"']?password", re.I)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.I | re.S)
_SCRIPT = re.compile(rb"<script\b", re.I)
_TAGS = re.compile(rb"<(script|style)\b.*?</\1\s*>|<[^>]+>", re.I | re.S)


def classify(status: int, body: bytes, headers: dict[str, str] | None = None) -> str:
    """The verdict on one answer: ``read``, ``not_found``, ``soft_404``, ``blocked``, ``maintenance``,
    ``login``, ``server_error`` or ``incomplete``. ``headers``: lower-case names → values."""
    headers = headers or {}
    head = body[:HEAD_BYTES]
    small = len(body) <= ERROR_PAGE_BYTES
    # A page of ordinary size that answered 200 is judged by its title alone (most answers of a
    # crawl: 3 µs); challenge, error and block pages are small or come with their own status.
    suspect = small or status >= 300 or status in CHALLENGE_STATUSES
    lowered = head.lower() if suspect else b""
    if suspect and _is_challenge(status, head, lowered, headers):
        return "blocked"
    if status in (404, 410):
        return "not_found"
    if status >= 400:
        return "blocked" if status == 403 and _mentions(lowered, _BLOCK_TEXT[_is_utf8(head)]) else "server_error"
    if status >= 300:
        return "read"   # a redirect that was not followed: the middleware records where it led
    title = _title(head)
    utf8 = _is_utf8(head)
    if title is not None and _ERROR_TITLE.match(title):
        return "blocked" if _ERROR_TITLE.match(title).group(1) == b"403" else "soft_404"   # 「404」「403 Forbidden」 at 200
    if (small and _mentions(lowered, _ANY_ERROR_TEXT[utf8])
            or title is not None and _mentions(title.lower(), _ANY_ERROR_TEXT[utf8])):
        where = (title if not small and title is not None else _visible(head)).lower()
        if _mentions(where, _BLOCK_TEXT[utf8]):
            return "blocked"
        if _mentions(where, _MAINTENANCE_TEXT[utf8]):
            return "maintenance"
        if _mentions(where, _SOFT_404_TEXT[utf8]):
            return "soft_404"
    if small and _PASSWORD_INPUT.search(head) and _mentions(_visible(head).lower(), _LOGIN_TEXT[utf8]):
        return "login"
    if _truncated(body, headers):
        return "incomplete"
    return "read"


def _is_challenge(status: int, head: bytes, lowered: bytes, headers: dict[str, str]) -> bool:
    """A script-only page that would run in a browser to earn a cookie, or a WAF's block page."""
    if any(mark in lowered for mark in _CHALLENGE_MARKS):
        return status in CHALLENGE_STATUSES or len(_visible(head).strip()) < 200
    if status in (412, 521) and (not head or _SCRIPT.search(head) and len(_visible(head).strip()) < 200):
        return True   # 瑞数 and 加速乐 answer 412 / 521 with a body of scripts and no text (HEAD: none)
    return status in (403, 405, 503) and "waf" in headers.get("server", "").lower()


_NOT_CJK = re.compile(r"[^\u4e00-\u9fff]+")


def error_page_signature(body: bytes) -> str:
    """What stays the same on a site's error page whatever was asked for: its title and the Chinese
    text of its first part, without the URL, numbers and markup that change with the request.
    Compared with the answer to a path that cannot exist (the classic soft-404 test)."""
    head = body[:HEAD_BYTES]
    text = (_title(head) or b"") + b"|" + _visible(head)
    for encoding in ("utf-8", "gb18030"):
        try:
            decoded = text.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        decoded = text.decode("utf-8", "replace")
    return _NOT_CJK.sub("", decoded)[:400] + f"|{len(body) // 2048}"


def _truncated(body: bytes, headers: dict[str, str]) -> bool:
    length = headers.get("content-length")
    if length and length.isdigit() and not headers.get("content-encoding"):
        return len(body) < int(length)
    return False


def _title(head: bytes) -> bytes | None:
    match = _TITLE.search(head)
    return match.group(1) if match else None


def _visible(head: bytes) -> bytes:
    return _TAGS.sub(b" ", head)


def _is_utf8(head: bytes) -> bool:
    """Whether the page's first bytes are UTF-8 (else it is taken for GBK, the other encoding of
    Chinese government sites); a character cut by the end of ``head`` does not count."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3
    return True


def _mentions(lowered: bytes, phrases: tuple[bytes, ...]) -> bool:
    return any(p in lowered for p in phrases)


# A list that says it has nothing: the only ground for calling a column empty. A column page with
# no records that does not say so was not understood (``unrecognised``), and proves nothing.
_EMPTY_LIST = re.compile(
    r"暂\s*无\s*(?:相关|任何)?\s*(?:信息|数据|内容|记录|文章|文件|公开信息)|没有(?:找到)?(?:相关|任何)?(?:信息|数据|内容|记录)"
    r"|查无(?:相关)?(?:信息|数据|记录)|无相关(?:信息|数据|记录)|无(?:数据|记录)(?![\u4e00-\u9fff])|共\s*0\s*(?:条|篇|页)|(?:记录|信息|文章)(?:总?数|共)\s*[:：]?\s*0\s*(?:条|篇)?(?!\d)"
    r"|<totalrecord>\s*0\s*</totalrecord>|(?:recordCount|totalRecord)\s*[:=]\s*['\"]?0['\"]?(?!\d)")


def says_empty(html: str) -> bool:
    """Whether a list page states that it lists nothing (「暂无信息」, 「共0条」, a pager config of 0 records)."""
    return bool(_EMPTY_LIST.search(_TAGS_TEXT.sub(" ", html))) or bool(_EMPTY_LIST.search(html))


_TAGS_TEXT = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]+>|&nbsp;", re.I | re.S)
