"""故障站点 (fault sites): what the sandbox's fault agencies do wrong, and what an honest crawler records.

Each fault is a ``Fault`` bound to one site of ``fault_sites.FAULT_AGENCIES``. A running sandbox
(``Sandbox(as_of, faults=True)``) asks the site's faults about every request: ``before`` may answer
instead of the site (a challenge, a block page, a redirect, a broken body), ``after`` may change what
the site answered (a soft 404 for a 404, a malformed list, a lying charset). Without a running
sandbox the same objects give the truth (``fault_manifest``): the URLs a fault shows on, the verdict
(``core.vocabulary.VERDICTS``) a crawler should record for each, the true findings the fault is
(a redirect-looping column *is* a broken link), and the columns whose items a crawler cannot see.

Expectations (``expect``) are per URL, for a crawl on ``as_of``: ``verdicts``, what the crawl may
record for the URL's GET answers (redirect hops aside; a HEAD cannot see a body): each verdict it
records must be one of these (``blocked`` and ``read`` side by side: a real browser may pass that
challenge, and then the page was really served); ``crawls`` (``all``; or ``first``/``later``: the
first crawl after the sandbox started, or the ones after it, for faults that happen once and for
detail pages, fetched when an item is first listed); ``required`` (the crawler must have fetched the
URL; otherwise only: if it did). Two faults are ``dynamic``: which URLs the 云锁 WAF blocks depends on
the crawler's pace, which URLs get the soft-404 site's error page on what it asks for; the sandbox's
``fault_log`` says which answers a fault gave.

The fault kinds, after the field notes on blocked, broken and in-maintenance pages:
瑞数 (412 + ``$_ts`` script that sets a cookie and reloads; whole site, portal only, two columns),
加速乐 (521 + ``__jsl_clearance``), 安全狗 block page (403), 云锁 CC block page (200, after too many
requests), a 503 on the portal's first request, 「系统维护中」 with 200 for days, a 20-second outage
(connection refused), an 8-second homepage, a malformed list, soft 404s (a column link, a removed
item, a listed item, any unknown path; 200 with a 3-second refresh to the homepage), a redirect loop,
one document in three columns, a connection reset mid-body, a 20 MB page, a lying charset, a column
moved to a provincial platform on another host, a login wall, a body shorter than its Content-Length.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
import random
import re
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlsplit

from . import pages
from .fault_sites import FAULT_AGENCIES, MAINTENANCE, REMOVED_ON
from .model import FAULT_SITES_FROM, Column, Item, Site, build_site, host_for
from .pages import Page, View, esc, fmt_day

OFFSET = FAULT_SITES_FROM        # fault agency k is site index OFFSET + k (127.0.0.21 + k)
SECRET = b"gkwatch-sandbox-faults"
CHALLENGE_TTL = 600.0           # seconds a passed challenge's cookie keeps serving pages
WAF_WINDOW, WAF_LIMIT = 10.0, 20   # 云锁 CC: more than 20 requests in 10 s from one address → blocked
LARGE_BYTES = 20 * 1024 * 1024
FAULT_CHECKS_NEVER = ("site_unreachable", "broken_link", "slow_page", "column_empty", "column_stale",
                      "mandatory_column_missing", "annual_report_missing", "item_removed", "homepage_stale",
                      "art20_category_missing")


# answers ------------------------------------------------------------------------------------------

@dataclass
class Reply:
    """An answer a fault gives instead of the site's page."""
    status: int
    body: bytes = b""
    ctype: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    cut: tuple[str, int] | None = None   # ("reset" | "truncate", bytes sent before the connection ends)
    delay: float = 0.0
    server: str | None = None
    what: str = ""                       # for the fault log


@dataclass
class Req:
    handler: object
    method: str
    path: str
    query: dict
    form: dict
    view: View
    client: str

    @property
    def cookies(self) -> dict[str, str]:
        jar = SimpleCookie()
        try:
            jar.load(self.handler.headers.get("Cookie") or "")
        except CookieError:
            return {}
        return {name: morsel.value for name, morsel in jar.items()}


# the fault base -----------------------------------------------------------------------------------

class Fault:
    id = ""
    kind = ""          # a short code of what happens
    title = ""         # 中文: what a person would see

    def __init__(self, site: Site, runtime: "FaultRuntime | None" = None):
        self.site, self.runtime = site, runtime
        self.lock = threading.Lock()

    # serving
    def arm(self) -> None:
        """A new sandbox run begins (the sandbox started): once-only faults happen again."""

    def prepare(self, as_of: dt.date) -> None:
        """The sandbox moved to ``as_of``: make ahead of time what is slow to make."""

    def before(self, req: Req) -> Reply | None:
        return None

    def after(self, req: Req, page: Page) -> Page | Reply:
        return page

    # truth
    def url(self, path: str) -> str:
        return self.site.url(path)

    @property
    def home(self) -> str:
        return self.site.url("/")

    @property
    def portal(self) -> str:
        return self.site.url(self.site.portal_path)

    def expect(self, as_of: dt.date) -> list[dict]:
        return []

    def defects(self, as_of: dt.date) -> list[dict]:
        """True findings this fault is on ``as_of`` (manifest ``defects`` shape)."""
        return []

    def hidden(self, as_of: dt.date) -> list[str] | None:
        """Column URLs whose items a crawler cannot be expected to store; None: the whole site's."""
        return []

    def entry(self, as_of: dt.date) -> dict:
        expect = self.expect(as_of)
        hidden = self.hidden(as_of)
        return {"id": self.id, "agency": self.site.spec.id, "kind": self.kind, "title": self.title,
                "urls": list(dict.fromkeys(e["url"] for e in expect)), "expect": expect,
                "findings": [{"check": d["check"], "subject": d["subject"]} for d in self.defects(as_of)],
                "hidden_columns": hidden, "hides_site": hidden is None}

    # helpers
    def column(self, ctype: str) -> Column:
        return next(c for c in self.site.all_columns() if c.ctype == ctype)

    def defect(self, check: str, subject: str, **detail) -> dict:
        return {"agency": self.site.spec.id, "check": check, "subject": subject, "detail": detail}


def expect(url: str, *verdicts: str, crawls: str = "all", required: bool = True, note: str = "") -> dict:
    entry = {"url": url, "verdicts": list(verdicts), "crawls": crawls, "required": required}
    if note:
        entry["note"] = note
    return entry


def _html_reply(status: int, body: str, **kw) -> Reply:
    return Reply(status, body.encode("utf-8"), **kw)


# anti-bot challenges --------------------------------------------------------------------------------

def _token(site: Site, issued: int) -> str:
    mac = hmac.new(SECRET, f"{site.spec.id}/{issued}".encode(), hashlib.sha256).hexdigest()[:24]
    return f"{issued}{mac}"


def _token_ok(site: Site, value: str | None) -> bool:
    if not value or len(value) < 11 or not value[:10].isdigit():
        return False
    issued = int(value[:10])
    return time.time() - issued <= CHALLENGE_TTL and hmac.compare_digest(value, _token(site, issued))


def _js_chars(text: str, key: int) -> str:
    """A string as a reversed, XOR-ed list of char codes (how the challenge scripts hide their values)."""
    return ",".join(str(ord(c) ^ key) for c in reversed(text))


class Ruishu(Fault):
    """瑞数 (River Security) dynamic protection: 412, a body of <meta> and obfuscated scripts with a
    ``$_ts`` object and ``r='m'`` attributes; the script sets a cookie (random letters ending in T)
    and reloads. A client that runs it (a real browser) is served normally for a while; a plain client
    never passes (the server's own Set-Cookie, ending in S, is not enough)."""
    kind = "anti_bot_412"

    def __init__(self, site, runtime=None, scope: str = "site", columns: tuple[str, ...] = ()):
        super().__init__(site, runtime)
        self.scope, self.column_types = scope, columns
        rng = random.Random(site.spec.id + "/ruishu")
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        stem = "".join(rng.choice(letters) for _ in range(rng.randint(7, 15)))
        self.cookie_name, self.server_cookie = stem + "T", stem + "S"
        self.meta_id = "".join(rng.choice(letters) for _ in range(22))
        self.nsd = rng.randint(10000, 99999)
        self.cd = "".join(rng.choice(letters + "0123456789._") for _ in range(180))
        self.key = rng.randint(11, 97)

    def guarded(self, path: str) -> bool:
        if self.scope == "site":
            return True
        if self.scope == "portal":
            return path in self.site.family.portal_aliases()
        return any(path.startswith(p) for p in self.column_prefixes())

    def column_prefixes(self) -> list[str]:
        return [self.column(t).path.rsplit("/", 1)[0] + "/" for t in self.column_types]

    def before(self, req):
        if not self.guarded(req.path) or _token_ok(self.site, req.cookies.get(self.cookie_name)):
            return None
        token = _token(self.site, int(time.time()))
        rng = random.Random()
        seed = base64.b64encode(bytes(rng.getrandbits(8) for _ in range(96))).decode()
        body = f"""<!DOCTYPE html><html><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta http-equiv="Cache-Control" content="no-cache, no-store, must-revalidate">
<meta http-equiv="Pragma" content="no-cache"><meta http-equiv="Expires" content="0">
<meta id="{self.meta_id}" content="{seed}" r='m'>
<script type="text/javascript" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts={{}};$_ts.nsd={self.nsd};$_ts.cd="{self.cd}";$_ts.lcd=[{self.key},{len(token)}];</script>
<script type="text/javascript" r='m'>(function(_$a,_$b){{var _$c=[{_js_chars(token, self.key)}],_$d='',_$e;for(_$e=_$c.length-1;_$e>=0;_$e--){{_$d+=String.fromCharCode(_$c[_$e]^$_ts.lcd[0]);}}var _$f=[{_js_chars(self.cookie_name, self.key)}],_$g='';for(_$e=_$f.length-1;_$e>=0;_$e--){{_$g+=String.fromCharCode(_$f[_$e]^$_ts.lcd[0]);}}_$a.cookie=_$g+'='+_$d+'; path=/';_$b.replace(_$b.href);}})(document,location);</script>
</head><body></body></html>"""
        server_value = hashlib.md5(f"{self.site.spec.id}/{time.time()}".encode()).hexdigest()
        return _html_reply(412, body, server="waf", what="瑞数挑战页", headers=[
            ("Set-Cookie", f"{self.server_cookie}={server_value}; path=/; HttpOnly"),
            ("Cache-Control", "no-cache, no-store")])

    def expect(self, as_of):
        if self.scope == "site":
            return [expect(self.home, "blocked", "read", note="浏览器执行挑战脚本后可读取"),
                    expect(self.portal, "blocked", "read", required=False)]
        if self.scope == "portal":
            return [expect(self.home, "read"), expect(self.portal, "blocked", "read")]
        return [expect(self.url(self.column(t).path), "blocked", "read") for t in self.column_types]

    def hidden(self, as_of):
        if self.scope == "columns":
            return [self.url(self.column(t).path) for t in self.column_types]
        return None


class RuishuSite(Ruishu):
    id, title = "ruishu-site", "瑞数动态防护：整站答 HTTP 412 挑战页（$_ts 脚本设置 Cookie 后刷新）"


class RuishuPortal(Ruishu):
    id, title = "ruishu-portal", "瑞数动态防护：仅政务公开专栏首页答 412 挑战页"

    def __init__(self, site, runtime=None):
        super().__init__(site, runtime, scope="portal")


class RuishuColumns(Ruishu):
    id, title = "ruishu-columns", "瑞数动态防护：仅政策文件、通知公告两个栏目答 412 挑战页"

    def __init__(self, site, runtime=None):
        super().__init__(site, runtime, scope="columns", columns=("policy", "notice"))


class Jiasule(Fault):
    """加速乐 (Knownsec Jiasule / 创宇盾): 521 with a script that sets ``__jsl_clearance`` and reloads;
    ``__jsluid_h`` set by the server."""
    id, kind = "jiasule-site", "anti_bot_521"
    title = "加速乐：整站答 HTTP 521，脚本写入 __jsl_clearance Cookie 后刷新"

    def before(self, req):
        match = re.fullmatch(r"(\d{10})\.\d{3}\|0\|([0-9a-f]{24})", req.cookies.get("__jsl_clearance") or "")
        if match and _token_ok(self.site, match.group(1) + match.group(2)):
            return None
        issued = int(time.time())
        token = _token(self.site, issued)
        value = f"{token[:10]}.{random.randint(100, 999)}|0|"
        rest = token[10:]
        key = 23
        body = ("<html><body><script>document.cookie='__jsl_clearance=" + value + "'+(function(){var _1=["
                + _js_chars(rest, key) + "],_2='';for(var _3=_1.length-1;_3>=0;_3--){_2+=String.fromCharCode(_1[_3]^"
                + str(key) + ");}return _2;})()+';max-age=3600;path=/';location.href=location.pathname+location.search"
                "</script></body></html>")
        uid = hashlib.md5(f"{req.client}/{issued}".encode()).hexdigest()
        return _html_reply(521, body, server="jsl", what="加速乐挑战页", headers=[
            ("Set-Cookie", f"__jsluid_h={uid}; max-age=31536000; path=/; HttpOnly")])

    def expect(self, as_of):
        return [expect(self.home, "blocked", "read", note="浏览器执行脚本后可读取"),
                expect(self.portal, "blocked", "read", required=False)]

    def hidden(self, as_of):
        return None


# WAF block pages ----------------------------------------------------------------------------------

def waf_page(brand: str) -> str:
    if brand == "safedog":
        return """<!DOCTYPE html><html><head><meta charset="utf-8"><title>网站防火墙</title>
<style>body{font-family:"Microsoft YaHei";background:#f6f6f6}.box{width:680px;margin:80px auto;background:#fff;padding:30px}</style>
</head><body><div class="box" id="safedog-waf"><h2>网站防火墙</h2><h3>您的访问已被拦截</h3>
<p>可能原因：您提交的内容包含危险的攻击请求</p>
<p>如何解决：</p><ul><li>检查提交内容；</li><li>如网站托管，请联系空间提供商；</li><li>普通网站访客，请联系网站管理员；</li></ul>
<p class="powered">Powered by <a href="http://www.safedog.cn/" target="_blank">safedog</a> 网站安全狗</p></div></body></html>"""
    return """<!DOCTYPE html><html><head><meta charset="utf-8"><title>网站防火墙</title></head>
<body><div class="yunsuo_wrap"><h1>网站防火墙</h1><p class="tip">您的访问已被拦截</p>
<p>当前访问疑似 CC 攻击，已被网站管理员设置为拦截。请稍后再试。</p>
<p>如您是网站管理员，请登录云锁查看拦截日志。</p>
<script>var yunsuo_session_verify = "c0a3f4e8d7";</script><p>Powered by 云锁</p></div></body></html>"""


class WafBlock(Fault):
    id, kind = "waf-block", "waf_403"
    title = "安全狗网站防火墙：整站答 HTTP 403「网站防火墙 · 您的访问已被拦截」"

    def before(self, req):
        return _html_reply(403, waf_page("safedog"), server="Safedog", what="安全狗拦截页")

    def expect(self, as_of):
        return [expect(self.home, "blocked"), expect(self.portal, "blocked", required=False)]

    def hidden(self, as_of):
        return None


class WafRate(Fault):
    """云锁 CC protection: an address that made more than WAF_LIMIT requests in the last WAF_WINDOW
    seconds gets the block page, with status 200, until it slows down."""
    id, kind = "waf-rate", "waf_200"
    title = "云锁 CC 防护：10 秒内超过 20 次请求即以 HTTP 200 返回「网站防火墙」拦截页"

    def arm(self):
        with self.lock:
            self.recent: dict[str, list[float]] = {}

    def before(self, req):
        now = time.monotonic()
        with self.lock:
            recent = [t for t in getattr(self, "recent", {}).get(req.client, []) if now - t < WAF_WINDOW]
            recent.append(now)
            self.recent = {**getattr(self, "recent", {}), req.client: recent}
            blocked = len(recent) > WAF_LIMIT
        return _html_reply(200, waf_page("yunsuo"), what="云锁拦截页") if blocked else None

    def expect(self, as_of):
        return [expect(self.home, "read", "blocked", note="上一次抓取的请求仍在 10 秒窗口内时，首页也会被拦截")]

    def entry(self, as_of):
        return {**super().entry(as_of), "dynamic": "抓取过快时任何页面都可能是拦截页：沙盒 fault_log 中由本故障"
                "答复的每个请求（该网址在本次抓取中的全部 GET 都被拦截时）都应记为 blocked"}

    def hidden(self, as_of):
        return None


# errors, maintenance, outages, slowness ------------------------------------------------------------

class ServerErrorOnce(Fault):
    id, kind = "portal-503-once", "server_error_once"
    title = "政务公开专栏首页对本次运行的第一次请求答 HTTP 503，之后恢复"

    def arm(self):
        with self.lock:
            self.served = False

    def before(self, req):
        if req.path not in self.site.family.portal_aliases() or req.method == "HEAD":
            return None
        with self.lock:
            if getattr(self, "served", True):
                return None
            self.served = True
        body = ("<html><head><title>503 Service Temporarily Unavailable</title></head><body><center>"
                "<h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>")
        return _html_reply(503, body, server="nginx", what="503", headers=[("Retry-After", "30")])

    def expect(self, as_of):
        return [expect(self.portal, "server_error", crawls="first"), expect(self.portal, "read", crawls="later")]


class Maintenance(Fault):
    id, kind = "maintenance", "maintenance"
    title = f"整站「系统维护中」（HTTP 200），{MAINTENANCE[0]:%m-%d} 至 {MAINTENANCE[1]:%m-%d}"

    def active(self, as_of: dt.date) -> bool:
        return MAINTENANCE[0] <= as_of <= MAINTENANCE[1]

    def before(self, req):
        if not self.active(req.view.as_of):
            return None
        end = MAINTENANCE[1] + dt.timedelta(days=1)
        body = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>系统维护中</title></head>
<body><div class="weihu" style="text-align:center;margin-top:120px"><h1>系统维护中</h1>
<p>为提供更好的服务，{esc(self.site.spec.name)}网站正在进行系统升级维护，暂停访问。</p>
<p>预计恢复时间：{end.year}年{end.month}月{end.day}日 08:00。给您带来不便，敬请谅解！</p></div></body></html>"""
        return _html_reply(200, body, what="维护页")

    def expect(self, as_of):
        if not self.active(as_of):
            return [expect(self.home, "read")]
        return [expect(self.home, "maintenance"), expect(self.portal, "maintenance", required=False)]

    def hidden(self, as_of):
        return None if self.active(as_of) else []


class Outage(Fault):
    """Nothing listens for ``seconds`` after the sandbox starts (the runtime closes the listener)."""
    id, kind = "down-20s", "outage"
    title = "服务器停机约 20 秒（连接被拒绝），随后恢复"

    def expect(self, as_of):
        return [expect(self.home, "unreachable", crawls="first"), expect(self.home, "read", crawls="later")]


class SlowHome(Fault):
    id, kind = "slow-home", "slow_home"
    title = "首页 8 秒后才答（抓取超时 5 秒；规则的门槛是 15 秒）"

    def before(self, req):
        if req.path in ("/", "/index.jsp", "/index.html") and req.method != "HEAD":
            seconds = self.runtime.slow_seconds if self.runtime else 8.0
            time.sleep(seconds)
        return None

    def expect(self, as_of):
        return [expect(self.home, "timeout"), expect(self.portal, "read")]


# malformed and misleading pages --------------------------------------------------------------------

class MalformedList(Fault):
    """The notice list as an old template writes it: ``<li><a><b><font>title</a></b></font><span>``,
    with stray ``</div>``s; a browser still shows every item."""
    id, kind = "malformed-list", "malformed_html"
    title = "通知公告列表标签嵌套错乱（<a><b><font>标题</a></b></font>）并有多余的 </div>"

    def after(self, req, page):
        col = self.column("notice")
        if req.path not in (col.path, col.path + "index.html") or page.status != 200:
            return page
        view = View(self.site, req.view.as_of)
        items = view.listing(col)
        siblings = "".join(f'<li><a href="{c.path}">{esc(c.name)}</a></li>' for c in view.children(col.parent))
        rows = "\n".join(f'<li><a href="./{i.path[len(col.path):]}" target="_blank"><b><font color="#333333">'
                         f'{esc(i.title)}</a></b></font><span>{fmt_day(i.day)}</span></li>' for i in items)
        body = (f'<div class="main w"><div class="left-nav"><h3>{esc(col.parent.name)}</h3>'
                f'<ul>{siblings}</ul></div></div></div>\n'
                f'<div class="list_con"><h2 class="column-title">{esc(col.name)}</h2></div>\n'
                f'<ul class="list">\n{rows}\n</ul></div></div></div>\n</div>')
        return pages.column_page(view, col, body)

    def expect(self, as_of):
        return [expect(self.url(self.column("notice").path), "read")]


def soft_404_page(site: Site) -> str:
    return f"""<!DOCTYPE html>
<html><head>{site.family.charset_meta()}
<meta http-equiv="refresh" content="3;url=/">
<title>提示信息_{esc(site.spec.name)}</title></head>
<body><div class="error-page" style="text-align:center;margin-top:100px">
<h2>抱歉，您访问的页面不存在或已被删除！</h2>
<p><span id="sec">3</span> 秒后自动返回<a href="/">{esc(site.spec.name)}首页</a></p></div>
<script>var s=3;setInterval(function(){{if(s>0){{s--;document.getElementById('sec').innerHTML=s;}}}},1000);</script>
</body></html>
"""


class Soft404Fault(Fault):
    def soft(self, req) -> Reply:
        return _html_reply(200, soft_404_page(self.site), what="软404")


class SoftUnknown(Soft404Fault):
    """Every page the site does not have answers its error page with 200 (a random-path probe sees it)."""
    id, kind = "soft404-unknown", "soft_404"
    title = "不存在的路径一律以 HTTP 200 返回「您访问的页面不存在或已被删除」（3 秒后跳回首页）"

    def after(self, req, page):
        return self.soft(req) if page.status == 404 else page

    def expect(self, as_of):
        return []   # dynamic: every URL the site answered with its error page (the fault log), see entry()

    def entry(self, as_of):
        return {**super().entry(as_of), "dynamic": "本站任何不存在的路径（如随机路径探测）都以 200 返回错误页："
                "沙盒 fault_log 中由本故障答复的每个请求都应记为 soft_404"}


def inject_link(page: Page, site: Site, req: Req, name: str, href: str) -> Page:
    """A column link more in the portal's 法定主动公开内容 grid and on the container page."""
    statutory = next(c for c in site.columns if c.ctype == "statutory")
    body = page.body
    if page.status != 200 or not isinstance(body, str):
        return page
    if req.path in site.family.portal_aliases():
        body = re.sub(r'(<div class="fdzdgk">.*?<ul>.*?)(</ul></div>)',
                      lambda m: m.group(1) + f'<li><a href="{href}">{esc(name)}</a></li>' + m.group(2), body,
                      count=1, flags=re.S)
    elif req.path in (statutory.path, statutory.path + "index.html", statutory.path.removesuffix("index.html")):
        title = f'<h2 class="column-title">{esc(statutory.name)}</h2>'
        block = f'<div class="sub-column"><h3><a href="{href}">{esc(name)}</a></h3></div>'
        body = body.replace(title, title + block, 1)
    else:
        return page
    return Page(body, page.modified, ctype=page.ctype, status=page.status)


class SoftColumn(Soft404Fault):
    """A 人事信息 link in the 法定主动公开内容 grid to a column the site no longer has: the error page,
    with 200 (from SoftUnknown). A true broken link."""
    id, kind = "soft404-column", "soft_404"
    title = "栏目链接「人事信息」以 HTTP 200 返回「您访问的页面不存在或已被删除」并 3 秒后跳回首页"
    path = "/zwgk/fdzdgknr/rsxx/"

    def after(self, req, page):
        return inject_link(page, self.site, req, "人事信息", self.path)

    def expect(self, as_of):
        return [expect(self.url(self.path), "soft_404")]

    def defects(self, as_of):
        return [self.defect("broken_link", self.url(self.path), on_page=self.portal)]


class SoftRemoved(Soft404Fault):
    """A notice taken down on REMOVED_ON: its URL then answers the error page with 200. A true removal."""
    id, kind = "soft404-removed", "soft_404"
    title = f"通知公告中的一条信息于 {REMOVED_ON:%m-%d} 撤下，原网址以 HTTP 200 返回「页面不存在」"

    def item(self) -> Item:
        return next(i for i in self.column("notice").items if i.removed_on)

    def expect(self, as_of):
        item = self.item()
        if as_of < item.removed_on:
            return [expect(self.url(item.path), "read", crawls="first", note="首次列出时读取详情")]
        return [expect(self.url(item.path), "soft_404", required=as_of == item.removed_on,
                       note="从列表消失的当天复查原网址")]

    def defects(self, as_of):
        item = self.item()
        if as_of < item.removed_on:
            return []
        return [self.defect("item_removed", self.url(item.path), title=item.title)]


class SoftDetail(Soft404Fault):
    """A news item still listed whose page answers the error page with 200: the list links a dead page."""
    id, kind = "soft404-detail", "soft_404"
    title = "工作动态列表中的一条信息，详情页以 HTTP 200 返回「页面不存在」"

    def item(self) -> Item:
        col = self.column("news")
        return [i for i in col.items if i.day < dt.date(2026, 11, 1)][2]

    def before(self, req):
        return self.soft(req) if req.path == self.item().path else None

    def expect(self, as_of):
        url = self.url(self.item().path)
        return [expect(url, "soft_404", crawls="first"), expect(url, "soft_404", crawls="later", required=False)]

    def defects(self, as_of):
        col = self.column("news")
        return [self.defect("broken_link", self.url(self.item().path), on_page=self.url(col.path))]


class RedirectLoop(Fault):
    """A 政策解读 link whose URL redirects to its folder, which redirects back (A → B → A)."""
    id, kind = "redirect-loop", "redirect_loop"
    title = "栏目「政策解读」重定向循环：/col/colN/index.html → /col/colN/ → /col/colN/index.html"

    @property
    def a(self) -> str:
        return f"/col/col{self.site.spec.variant['colbase'] + 150}/index.html"

    @property
    def b(self) -> str:
        return self.a.removesuffix("index.html")

    def before(self, req):
        if req.path in (self.a, self.b):
            target = self.url(self.b if req.path == self.a else self.a)
            return Reply(302, b"", ctype="text/html", headers=[("Location", target)], what="重定向")
        return None

    def after(self, req, page):
        return inject_link(page, self.site, req, "政策解读", self.a)

    def expect(self, as_of):
        return [expect(self.url(self.a), "redirect_loop")]

    def defects(self, as_of):
        return [self.defect("broken_link", self.url(self.a), on_page=self.portal)]


class DuplicateListing(Fault):
    """One policy document listed, under the same URL, in 政策文件, 通知公告 and 重点领域信息公开
    (arranged when the site is built: ``cross_list``)."""
    id, kind = "duplicate-listing", "duplicate"
    title = "同一文件（同一网址）同时列在政策文件、通知公告和重点领域信息公开三个栏目"

    def item(self) -> Item:
        return shared_item(self.site)

    def expect(self, as_of):
        url = self.url(self.item().path)
        return [expect(url, "read", crawls="first", note="详情只在首次列出时抓取"),
                *[expect(self.url(self.column(t).path), "read") for t in ("policy", "notice", "other")]]


def shared_item(site: Site) -> Item:
    policy = next(c for c in site.all_columns() if c.ctype == "policy")
    return next(i for i in policy.items if i.day < dt.date(2026, 11, 1) and i.interprets is None)


def cross_list(site: Site) -> None:
    item = shared_item(site)
    for col in site.all_columns():
        if col.ctype in ("notice", "other") and item not in col.items:
            col.items.append(item)
            col.items.sort(key=lambda i: i.published, reverse=True)


# broken bodies ----------------------------------------------------------------------------------------

class BrokenBody(Fault):
    """The notice list's first page: headers with the full Content-Length, part of the body, then the
    connection ends (``mode``: ``reset`` = RST, ``truncate`` = an orderly close)."""
    mode = "reset"

    def after(self, req, page):
        col = self.column("notice")
        if req.path not in (col.path, col.path + "index.html") or req.query.get("page", "1") != "1" \
                or page.status != 200 or req.method == "HEAD":
            return page
        from .server import encode
        body, ctype = encode(self.site, page)
        keep = len(body) * 2 // 5 if self.mode == "reset" else len(body) - 600
        return Reply(200, body, ctype=ctype, cut=(self.mode, keep), what=self.mode)

    def expect(self, as_of):
        return [expect(self.url(self.column("notice").path), "incomplete")]

    def hidden(self, as_of):
        return [self.url(self.column("notice").path)]


class ResetMidBody(BrokenBody):
    id, kind, mode = "reset-mid-body", "connection_reset", "reset"
    title = "通知公告列表页传到 40% 时连接被重置（RST）"


class TruncatedBody(BrokenBody):
    id, kind, mode = "truncated-body", "truncated", "truncate"
    title = "通知公告列表页正文比 Content-Length 短 600 字节（连接随即关闭）"


class LargePage(Fault):
    """A policy document whose body embeds a pasted image as a data: URL: the page is 20 MB. Its bytes
    are made once a day and kept, so that it is served as fast as any page (the fault is its size)."""
    id, kind = "large-page", "large_page"
    title = "一篇政策文件正文嵌入 base64 图片，页面约 20 MB"

    def item(self) -> Item:
        return next(i for i in self.column("policy").items if i.day < dt.date(2026, 11, 1) and i.interprets is None)

    def after(self, req, page):
        item = self.item()
        if self.site.family.item_key(req.path, req.query) != item.path or page.status != 200:
            return page
        with self.lock:
            cached = getattr(self, "cached", None)
            if cached is None or cached[0] != (req.view.as_of, page.modified):
                from .server import encode
                marker = '<div class="attachments">'
                if marker not in page.body:
                    marker = '<p style="text-align:right;">'
                image = f'<p style="text-align:center;"><img src="data:image/png;base64,{_large_blob()}" width="600"></p>'
                big = Page(page.body.replace(marker, image + marker, 1), page.modified, ctype=page.ctype)
                body, ctype = encode(self.site, big)
                cached = self.cached = ((req.view.as_of, page.modified), Page(body, page.modified, ctype=ctype))
        return cached[1]

    def prepare(self, as_of):
        item = self.item()
        view = View(self.site, as_of)
        page = self.site.family.resolve(view, item.path, {}, {})
        if page is not None:
            self.after(Req(None, "GET", item.path, {}, {}, view, ""), page)

    def expect(self, as_of):
        return [expect(self.url(self.item().path), "read", "timeout", "incomplete", crawls="first",
                       note="沙盒 0.2 秒内即可送完；抓取忙时 20 MB 可能超过抓取自己的超时（timeout）或大小上限"
                            "（incomplete），如实记录即可，截断的正文不得记为 read")]


@lru_cache(maxsize=1)
def _large_blob() -> str:
    raw = random.Random("gkwatch/large-page").randbytes(LARGE_BYTES * 3 // 4)
    return base64.b64encode(raw).decode("ascii")


class CharsetLie(Fault):
    """Every HTML page: header ``charset=utf-8``, meta ``charset=gbk``, body in GBK."""
    id, kind = "charset-lie", "charset_lie"
    title = "编码说谎：响应头 charset=utf-8，meta 为 gbk，正文实为 GBK"

    def after(self, req, page):
        if page.ctype != "text/html" or not isinstance(page.body, str):
            return page
        body = page.body.replace('<meta charset="gb2312">',
                                 '<meta http-equiv="Content-Type" content="text/html; charset=gbk">')
        return Page(body.encode("gbk"), page.modified, ctype="text/html; charset=utf-8", status=page.status)

    def expect(self, as_of):
        return [expect(self.home, "read"), expect(self.portal, "read"),
                expect(self.url(self.column("notice").path), "read")]


class LoginWall(Fault):
    """The 通知公告 column answers only a login form (200)."""
    id, kind = "login-column", "login"
    title = "通知公告栏目只有一个「用户登录」表单（HTTP 200）"

    def prefix(self) -> str:
        return self.column("notice").path.removesuffix("index.html")

    def before(self, req):
        if not req.path.startswith(self.prefix()):
            return None
        body = f"""<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>用户登录</title></head><body><div class="login-box" style="width:360px;margin:100px auto">
<h3>用户登录</h3><form action="/module/login/login.jsp" method="post">
<p><input type="text" name="loginname" placeholder="用户名"></p>
<p><input type="password" name="password" placeholder="密码"></p>
<p><input type="text" name="code" placeholder="验证码"><img src="/module/login/validatecode.jsp" alt="验证码"></p>
<p><button type="submit">登 录</button></p></form>
<p>本栏目仅限{esc(self.site.spec.name)}内部人员访问，请登录后查看。</p></div></body></html>"""
        return _html_reply(200, body, what="登录页")

    def expect(self, as_of):
        return [expect(self.url(self.column("notice").path), "login")]

    def hidden(self, as_of):
        return [self.url(self.column("notice").path)]


class PlatformRedirect(Fault):
    """政策文件 moved to the province's 集约化 platform (another host): the column's URL and anything
    under it answer 302 to the platform, the site's pages link its documents there."""
    id, kind = "platform-redirect", "cross_host_redirect"
    title = "政策文件栏目 302 跳转到省级集约化平台（另一主机），文件也在平台上"

    @property
    def prefix(self) -> str:
        return f"/site/{self.site.spec.site_code}"

    @property
    def col(self) -> Column:
        return self.column("policy")

    def platform_url(self, path: str) -> str:
        host = platform_host(self.site_host_base())
        return f"http://{host}:{self.site.port}{self.prefix}{path}"

    def site_host_base(self) -> str:
        return str(ipaddress.IPv4Address(self.site.host) - 1 - self.site.index)

    def before(self, req):
        if req.path.startswith(self.col.path):
            query = urlsplit(req.handler.path).query
            target = self.platform_url(req.path) + (f"?{query}" if query else "")
            return Reply(302, b"", ctype="text/html", headers=[("Location", target)], what="跳转平台")
        return None

    def after(self, req, page):
        if not isinstance(page.body, str) or page.ctype != "text/html":
            return page
        folder = re.escape(self.col.path)
        body = re.sub(rf'href="({folder}[^"]+)"', lambda m: f'href="{self.platform_url(m.group(1))}"', page.body)
        return Page(body, page.modified, ctype=page.ctype, status=page.status)

    def on_platform(self, req) -> Page | None:
        """The platform's answer: the column's pages and documents, its links to the rest of the
        agency's site pointing back there."""
        if not req.path.startswith(self.prefix + self.col.path):
            return None
        path = req.path[len(self.prefix):]
        page = self.site.family.resolve(req.view, path, req.query, req.form)
        if page is None:
            return None
        if isinstance(page.body, str) and page.ctype == "text/html":
            def link(m):
                attr, target = m.group(1), m.group(2)
                if target.startswith(self.col.path):
                    return f'{attr}="{self.prefix}{target}"'
                return f'{attr}="{self.site.url(target)}"'
            body = re.sub(r'(href|src|action)="(/[^"]*)"', link, page.body)
            page = Page(body, page.modified, ctype=page.ctype, status=page.status)
        return page

    def expect(self, as_of):
        return [expect(self.url(self.col.path), "read", note="302 到平台"),
                expect(self.platform_url(self.col.path), "read")]


# the registry of faults ----------------------------------------------------------------------------

FAULT_CLASSES: tuple[tuple[str, tuple[type[Fault], ...]], ...] = (
    ("sb-f-yunliang-gov", (RuishuSite,)),
    ("sb-f-yunliang-swj", (RuishuPortal,)),
    ("sb-f-yunliang-czj", (RuishuColumns,)),
    ("sb-f-boyang-gov", (Jiasule,)),
    ("sb-f-boyang-swj", (WafBlock,)),
    ("sb-f-boyang-czj", (WafRate,)),
    ("sb-f-jiangyu-gov", (ServerErrorOnce,)),
    ("sb-f-jiangyu-swj", (Maintenance,)),
    ("sb-f-jiangyu-czj", (Outage,)),
    ("sb-f-tongxi-gov", (SlowHome,)),
    ("sb-f-tongxi-swj", (MalformedList,)),
    ("sb-f-tongxi-czj", (SoftColumn, SoftRemoved, SoftDetail, SoftUnknown)),
    ("sb-f-fengpu-gov", (RedirectLoop,)),
    ("sb-f-fengpu-swj", (DuplicateListing,)),
    ("sb-f-fengpu-czj", (ResetMidBody,)),
    ("sb-f-tanling-zf", (LargePage,)),
    ("sb-f-wuchuan-swj", (CharsetLie,)),
    ("sb-f-wuchuan-czj", (PlatformRedirect,)),
    ("sb-f-wuchuan-gov", (LoginWall,)),
    ("sb-f-zhiwan-zf", (TruncatedBody,)),
)
assert [a for a, _ in FAULT_CLASSES] == [s.id for s in FAULT_AGENCIES]


@lru_cache(maxsize=8)
def build_fault_sites(port: int, host_base: str = "127.0.0.10") -> tuple[Site, ...]:
    """The fault agencies' sites (cached: the build is pure), on the addresses after the sandbox's."""
    sites = tuple(build_site(spec, OFFSET + k, port, host_base) for k, spec in enumerate(FAULT_AGENCIES))
    for site in sites:
        site.peers = {s.spec.id: s for s in sites}
        if site.spec.id == "sb-f-fengpu-swj":
            cross_list(site)
    return sites


def platform_host(host_base: str = "127.0.0.10") -> str:
    """The provincial platform's address: the one after the last fault agency's."""
    return host_for(host_base, OFFSET + len(FAULT_AGENCIES))


def fault_hosts(host_base: str = "127.0.0.10") -> list[str]:
    return [host_for(host_base, OFFSET + k) for k in range(len(FAULT_AGENCIES))] + [platform_host(host_base)]


def faults_of(sites: tuple[Site, ...], runtime: "FaultRuntime | None" = None) -> dict[str, list[Fault]]:
    by_id = {s.spec.id: s for s in sites}
    return {agency: [cls(by_id[agency], runtime) for cls in classes] for agency, classes in FAULT_CLASSES}


# the truth ----------------------------------------------------------------------------------------

def fault_manifest(as_of: dt.date, port: int, host_base: str = "127.0.0.10") -> dict:
    """The fault agencies (manifest shape), their true defects, and the faults with what to record."""
    from .manifest import _agency, defects

    sites = build_fault_sites(port, host_base)
    faults = faults_of(sites)
    agencies, found, entries = [], [], []
    for site in sites:
        agency = _agency(site, as_of)
        for fault in faults[site.spec.id]:
            if isinstance(fault, PlatformRedirect):
                for col in agency["columns"]:
                    if col["url"] == site.url(fault.col.path):
                        for item in col["items"]:
                            item["url"] = fault.platform_url(urlsplit(item["url"]).path)
            found += fault.defects(as_of)
            entries.append(fault.entry(as_of))
        agency["faults"] = [f.id for f in faults[site.spec.id]]
        agency["broken_links"] += [{"url": d["subject"], "on_page": d["detail"]["on_page"]}
                                   for f in faults[site.spec.id] for d in f.defects(as_of)
                                   if d["check"] == "broken_link"]
        agencies.append(agency)
        found += [d for d in defects(site, as_of)]
    unique = {(d["agency"], d["check"], d["subject"]): d for d in found}
    return {"agencies": agencies, "defects": list(unique.values()), "faults": entries}


def fault_registry_entries(port: int, host_base: str = "127.0.0.10") -> list[dict]:
    """Registry mappings of the fault agencies only."""
    entries = []
    for site in build_fault_sites(port, host_base):
        spec = site.spec
        entries.append({"id": spec.id, "name": spec.name, "level": spec.level, "kind": spec.kind,
                        "region_code": spec.region_code, "homepage": site.url("/"),
                        "portal": site.url(site.portal_path), "notes": f"沙盒故障机构（虚构）：{spec.model}"})
    return entries


# the running side ---------------------------------------------------------------------------------

class FaultRuntime:
    """The faults of a running sandbox: their state (once-only answers, request rates, the outage),
    and a log of every answer a fault gave: (host, method, path, fault id, what)."""

    def __init__(self, sandbox, slow_seconds: float = 8.0, outage_seconds: float = 20.0):
        self.sandbox = sandbox
        self.slow_seconds, self.outage_seconds = slow_seconds, outage_seconds
        self.sites = build_fault_sites(sandbox.port, sandbox.host_base)
        self.faults = faults_of(self.sites, self)
        self.by_index = {site.index: self.faults[site.spec.id] for site in self.sites}
        self.platform = next(f for fs in self.faults.values() for f in fs if isinstance(f, PlatformRedirect))
        self.platform_host = platform_host(sandbox.host_base)
        self.outage_site = next(f.site for fs in self.faults.values() for f in fs if isinstance(f, Outage))
        self.outage_until = 0.0
        self.timer: threading.Timer | None = None
        self._log: list[tuple[str, str, str, str, str]] = []
        self._lock = threading.Lock()

    def arm(self) -> None:
        """A new run: the 503 comes once more, the rate windows empty, the outage starts now."""
        for faults in self.faults.values():
            for fault in faults:
                fault.arm()
        self.prepare(self.sandbox.as_of)
        self.outage_until = time.monotonic() + self.outage_seconds
        if self.timer:
            self.timer.cancel()
        self.timer = threading.Timer(self.outage_seconds + 0.05, self.sandbox._resync)
        self.timer.daemon = True
        self.timer.start()

    def stop(self) -> None:
        if self.timer:
            self.timer.cancel()

    def prepare(self, as_of: dt.date) -> None:
        for faults in self.faults.values():
            for fault in faults:
                fault.prepare(as_of)

    def down(self, site: Site) -> bool:
        return site is self.outage_site and time.monotonic() < self.outage_until

    def outage_remaining(self) -> float:
        return max(0.0, self.outage_until - time.monotonic())

    @property
    def log(self) -> list[tuple[str, str, str, str, str]]:
        with self._lock:
            return list(self._log)

    def note(self, host: str, method: str, path: str, fault: Fault, what: str) -> None:
        with self._lock:
            self._log.append((host, method, path, fault.id, what))


def serve(handler, method: str, form: dict) -> None:
    """Answer one request to a fault site (or the platform): the site's faults first, then the site."""
    from urllib.parse import parse_qsl

    server = handler.server
    sandbox, site = server.sandbox, server.site
    runtime: FaultRuntime = sandbox.runtime
    split = urlsplit(handler.path)
    query = dict(parse_qsl(split.query, keep_blank_values=True))
    req = Req(handler, method, split.path, query, form, View(site, sandbox.as_of), handler.client_address[0])
    if getattr(server, "platform", False):
        page = runtime.platform.on_platform(req) or _platform_404()
        handler._answer(method, page)
        return
    faults = runtime.by_index[site.index]
    for fault in faults:
        reply = fault.before(req)
        if reply is not None:
            runtime.note(site.host, method, handler.path, fault, reply.what)
            send(handler, method, reply)
            return
    page = handler._resolve(form)
    for fault in faults:
        changed = fault.after(req, page)
        if isinstance(changed, Reply):
            runtime.note(site.host, method, handler.path, fault, changed.what)
            send(handler, method, changed)
            return
        if changed is not page:
            runtime.note(site.host, method, handler.path, fault, "changed")
            page = changed
    handler._answer(method, page)


def _platform_404() -> Page:
    body = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>404</title></head><body>'
            '<h1>404 Not Found</h1><p>省政府网站集约化平台</p></body></html>')
    return Page(body, dt.datetime(2024, 1, 1, 8, 30), status=404)


def send(handler, method: str, reply: Reply) -> None:
    """Write a fault's answer, cutting the body short (orderly close or RST) when it says so."""
    if reply.delay:
        time.sleep(reply.delay)
    sandbox, site = handler.server.sandbox, handler.server.site
    sandbox.log((handler.server.server_address[0], method, handler.path, reply.status))
    handler.fault_server_name = reply.server
    handler.send_response(reply.status)
    handler.send_header("Content-Type", reply.ctype)
    handler.send_header("Content-Length", str(len(reply.body)))
    for name, value in reply.headers:
        handler.send_header(name, value)
    handler.end_headers()
    if method == "HEAD":
        return
    if reply.cut is None:
        handler.wfile.write(reply.body)
        return
    mode, keep = reply.cut
    handler.wfile.write(reply.body[:keep])
    handler.wfile.flush()
    handler.close_connection = True
    if mode == "reset":
        time.sleep(0.2)   # let the part arrive before the reset
        conn = handler.connection
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.rfile.close()
        conn.close()      # with SO_LINGER 0: an RST, not a FIN


__all__ = ["FAULT_CLASSES", "Fault", "FaultRuntime", "build_fault_sites", "fault_hosts", "fault_manifest",
           "fault_registry_entries", "platform_host", "serve"]
