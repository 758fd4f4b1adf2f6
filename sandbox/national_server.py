"""The national sandbox's HTTP side: every agency of a ``national.World`` from one asyncio process.

One listening socket serves them all: it is bound to 0.0.0.0 on the port with SO_BINDTODEVICE "lo",
so the kernel gives it only connections that arrive on loopback (a connection to the machine's own
network address is refused, as from another machine), and the handler drops any peer outside
127.0.0.0/8 should the option be refused (it needs Linux ≥ 5.7 or CAP_NET_RAW). The address a client
connected to (``getsockname`` of the accepted connection) says which agency it asked:
``national.index_of``. Chosen over one socket per address because it needs one descriptor whatever N
(14,000 listeners need RLIMIT_NOFILE above 14,000; the hard limit is often 4096) and starts in no time;
the price: an address of no agency is accepted and closed rather than refused, and the port is taken on
every address (so not 8700, the hand-made sandbox's). RLIMIT_NOFILE is still raised to its hard limit:
a crawl keeps thousands of connections open.

Pages are made on request, as the hand-made server makes them (``server.resolve``, ETag / Last-Modified,
304 to a matching conditional request); an agency's site is built when it is first asked for and kept in
a small LRU (``World.site``). Faults (``national.FAULT_KINDS``) answer before or after the site; the slow
ones wait with ``asyncio.sleep``, so a slow agency holds up no other.

Per agency it counts the requests served and the largest number ever in flight at once (from the
handler's start until its answer is written). ``http://127.0.0.1:PORT/-/sandbox-stats.json`` shows them
(127.0.0.1 is no agency's address): ``agencies``, ``seed``, ``as_of``, ``port``, ``requests``,
``inflight``, ``max_inflight_per_site`` (the largest over all agencies), ``site_builds``,
``cached_sites``, ``rss_bytes``, ``max_rss_bytes``, ``uptime_seconds`` and ``sites`` ({agency id:
{"host", "requests", "max_inflight"}} for every agency asked at least once).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import ipaddress
import json
import os
import resource
import signal
import socket
import time
from array import array
from urllib.parse import parse_qsl, urlsplit

from aiohttp import web

from .faults import Reply, Req
from .national import World, agency_id, host, index_of
from .pages import Page, View
from .server import SERVER_NAMES, encode, not_modified, resolve, validators

CONTROL_HOST = "127.0.0.1"
STATS_PATH = "/-/sandbox-stats.json"
HOME_PATHS = ("/", "/index.html", "/index.htm", "/index.shtml", "/index.jsp")
LOOPBACK = ipaddress.IPv4Network("127.0.0.0/8")


class NationalSandbox:
    """``await start()`` listens; ``await stop()`` closes. ``port=0`` takes a free port."""

    def __init__(self, world: World, as_of: dt.date, port: int, slow_seconds: float = 20.0,
                 slow_home_seconds: float = 8.0):
        self.world, self.as_of, self.port = world, as_of, port
        self.slow_seconds, self.slow_home_seconds = slow_seconds, slow_home_seconds
        n = world.n
        self.requests, self.inflight, self.max_inflight = array("L", bytes(8 * n)), array("L", bytes(8 * n)), \
            array("L", bytes(8 * n))
        self.started = time.monotonic()
        self.bound_to_loopback = False
        self._server: asyncio.AbstractServer | None = None
        self._web: web.Server | None = None

    async def start(self) -> "NationalSandbox":
        _raise_open_files()
        sock = self._listen()
        self.port = sock.getsockname()[1]
        self.world.port = self.port
        self._web = web.Server(self._handle, access_log=None)
        self._server = await asyncio.get_running_loop().create_server(self._web, sock=sock, backlog=4096)
        return self

    async def stop(self) -> None:
        if self._server:
            self._server.close()
            await self._web.shutdown(1.0)
            await self._server.wait_closed()

    def _listen(self) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"lo")
            self.bound_to_loopback = True
        except (PermissionError, OSError):
            pass   # the handler still turns away every peer outside 127.0.0.0/8
        sock.bind(("0.0.0.0", self.port))
        sock.listen(4096)
        sock.setblocking(False)
        return sock

    # requests -----------------------------------------------------------------------------------
    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        local = request.transport.get_extra_info("sockname")[0] if request.transport else None
        if request.remote is None or ipaddress.IPv4Address(request.remote) not in LOOPBACK:
            return _hang_up(request)
        if local == CONTROL_HOST:
            return self._control(request)
        index = index_of(local or "", self.world.n)
        if index is None:
            return _hang_up(request)
        self.requests[index] += 1
        self.inflight[index] += 1
        self.max_inflight[index] = max(self.max_inflight[index], self.inflight[index])
        try:
            response = await self._answer(index, request)
            await response.prepare(request)   # written here, so the count covers sending it
            await response.write_eof()
            return response
        finally:
            self.inflight[index] -= 1

    async def _answer(self, index: int, request: web.BaseRequest) -> web.StreamResponse:
        site = self.world.site(index)
        split = urlsplit(request.raw_path)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        form = dict(parse_qsl(await request.text(), keep_blank_values=True)) if request.method == "POST" else {}
        if request.method not in ("GET", "HEAD", "POST"):
            return web.Response(status=501, headers={"Server": SERVER_NAMES[site.spec.cms]})
        fault = self.world.fault(index, site)
        req = Req(None, request.method, split.path, query, form, View(site, self.as_of), request.remote)
        reply = fault.before(req) if fault else None
        if reply is not None:
            return _reply(reply, site.spec.cms)
        if fault and fault.kind == "slow_home" and split.path in HOME_PATHS and request.method != "HEAD":
            await asyncio.sleep(self.slow_home_seconds)
        page = resolve(site, self.as_of, split.path, query, form)
        if page.slow:
            await asyncio.sleep(self.slow_seconds)
        answer = fault.after(req, page) if fault else page
        if isinstance(answer, Reply):
            return _reply(answer, site.spec.cms)
        return _page(site, answer, request.headers)

    def _control(self, request: web.BaseRequest) -> web.Response:
        if request.path != STATS_PATH:
            return web.Response(status=404, text="404\n")
        return web.Response(body=json.dumps(self.stats(), ensure_ascii=False).encode("utf-8"),
                            headers={"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"})

    def stats(self) -> dict:
        built = self.world.site.cache_info()
        sites = {agency_id(i): {"host": host(i), "requests": self.requests[i], "max_inflight": self.max_inflight[i]}
                 for i in range(self.world.n) if self.requests[i]}
        return {"agencies": self.world.n, "seed": self.world.seed, "as_of": self.as_of.isoformat(), "port": self.port,
                "requests": sum(self.requests), "inflight": sum(self.inflight),
                "max_inflight_per_site": max(self.max_inflight, default=0), "site_builds": built.misses,
                "cached_sites": built.currsize, "rss_bytes": _rss(),
                "max_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                "uptime_seconds": round(time.monotonic() - self.started, 3), "sites": sites}


def _page(site, page: Page, headers) -> web.Response:
    """The site's page with its validators; 304 when the request's match (aiohttp drops the body)."""
    body, ctype = encode(site, page)
    etag, modified = validators(body, page)
    status = 304 if page.status == 200 and not_modified(headers, etag, modified) else page.status
    return web.Response(status=status, body=None if status == 304 else body,
                        headers={"Content-Type": ctype, "ETag": etag, "Server": SERVER_NAMES[site.spec.cms],
                                 "Last-Modified": email.utils.format_datetime(modified, usegmt=True)})


def _reply(reply: Reply, cms: str) -> web.Response:
    headers = {"Content-Type": reply.ctype, "Server": reply.server or SERVER_NAMES[cms], **dict(reply.headers)}
    return web.Response(status=reply.status, body=reply.body, headers=headers)


def _hang_up(request: web.BaseRequest) -> web.Response:
    """No agency here: close the connection without an answer."""
    if request.transport:
        request.transport.close()
    return web.Response(status=421)


def _raise_open_files() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def serve_until_stopped(n: int, seed: int, as_of: dt.date, port: int, slow_seconds: float = 20.0,
                        slow_home_seconds: float = 8.0, cache_sites: int = 64) -> None:
    """Serve ``n`` national agencies until Ctrl-C or SIGTERM; print where, then ``沙盒已就绪`` (ready)."""
    asyncio.run(_serve(World(n, seed, port, cache_sites), as_of, port, slow_seconds, slow_home_seconds))


async def _serve(world: World, as_of: dt.date, port: int, slow_seconds: float, slow_home_seconds: float) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    sandbox = await NationalSandbox(world, as_of, port, slow_seconds, slow_home_seconds).start()
    print(f"全国模拟沙盒 (national sandbox): {world.n} 个机构 agencies, seed {world.seed}, "
          f"模拟日期 as of {as_of.isoformat()}")
    print(f"  http://{host(0)}:{sandbox.port}/ … http://{host(world.n - 1)}:{sandbox.port}/")
    print(f"  统计 stats: http://{CONTROL_HOST}:{sandbox.port}{STATS_PATH}")
    if not sandbox.bound_to_loopback:
        print("  注意: 未能绑定到 lo, 非本机的连接将被立即关闭 (SO_BINDTODEVICE refused: non-loopback peers are dropped)")
    print(f"沙盒已就绪 (ready) port {sandbox.port}; 按 Ctrl-C 停止 (press Ctrl-C to stop)", flush=True)
    try:
        await stop.wait()
    finally:
        await sandbox.stop()
