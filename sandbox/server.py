"""The sandbox's HTTP side: one threaded server per agency, each on its own loopback address.

Agency ``i`` listens on ``host_base + 1 + i`` (127.0.0.11, .12, …), all on one port. A site that
is down on ``as_of`` has no listener at all (connection refused); ``set_as_of`` opens and closes
listeners as days pass. Responses carry ETag / Last-Modified and answer 304 to a matching
conditional request; every request is logged in ``request_log``.

``faults=True`` also serves the fault agencies (``sandbox.faults``) on the addresses after the ten,
and the provincial platform one of them moves a column to; their requests go through the faults
first (``faults.serve``). Their once-only faults (a 503, a 20-second outage) happen after ``start``
and again after ``arm_faults``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import signal
import socketserver
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from . import pages
from .agencies import AGENCIES
from .files import MissingFont
from .model import Site, address_index, build_sites, host_for
from .pages import Page, View

BEIJING = dt.timezone(dt.timedelta(hours=8))
SERVER_NAMES = {"trs": "Apache", "hanweb": "Hanweb/JCMS", "table": "Apache-Coyote/1.1", "js": "nginx",
                "haiyun": "nginx", "gkmlpt": "nginx", "powereasy": "Microsoft-IIS/7.5"}


def is_down(site: Site, as_of: dt.date) -> bool:
    window = site.spec.down
    return bool(window and window[0] <= as_of <= window[1])


class Sandbox:
    """Every sandbox site served on loopback; ``with Sandbox(as_of) as sb:`` starts and stops it."""

    def __init__(self, as_of: dt.date, port: int = 0, host_base: str = "127.0.0.10", slow_seconds: float = 20.0,
                 faults: bool = False, fault_slow_seconds: float = 8.0, outage_seconds: float = 20.0):
        self._as_of = as_of
        self.port = port
        self.host_base = host_base
        self.slow_seconds = slow_seconds
        self.sites: tuple[Site, ...] = ()
        self._servers: dict[int, _Server] = {}
        self._lock = threading.Lock()
        self._log: list[tuple[str, str, str, int]] = []
        self.faults = faults
        self.fault_slow_seconds, self.outage_seconds = fault_slow_seconds, outage_seconds
        self.runtime = None   # faults.FaultRuntime when faults
        self._stopped = False

    # lifecycle ----------------------------------------------------------------------------------
    def start(self) -> "Sandbox":
        with self._lock:
            self._stopped = False
            if self.port == 0:
                self.port = self._free_port()
            self.sites = build_sites(self.port, self.host_base)
            if self.faults:
                from .faults import FaultRuntime
                self.runtime = FaultRuntime(self, self.fault_slow_seconds, self.outage_seconds)
                self.sites += self.runtime.sites
                self.runtime.arm()
            try:
                self._sync()
            except OSError:  # a taken port: release what did bind, then tell the caller
                for index in list(self._servers):
                    self._close(index)
                raise
        return self

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            if self.runtime:
                self.runtime.stop()
            for index in list(self._servers):
                self._close(index)

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # time ---------------------------------------------------------------------------------------
    @property
    def as_of(self) -> dt.date:
        return self._as_of

    @as_of.setter
    def as_of(self, day: dt.date) -> None:
        self.set_as_of(day)

    def set_as_of(self, day: dt.date) -> None:
        with self._lock:
            self._as_of = day
            if self.sites:
                self._sync()
        if self.runtime:
            self.runtime.prepare(day)

    # observation --------------------------------------------------------------------------------
    @property
    def request_log(self) -> list[tuple[str, str, str, int]]:
        """(host, method, path with query, status) of every request, oldest first (a snapshot)."""
        with self._lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    def log(self, entry: tuple[str, str, str, int]) -> None:
        with self._lock:
            self._log.append(entry)

    def manifest(self) -> dict:
        from .manifest import build_manifest
        return build_manifest(self.as_of, self.port, self.host_base, faults=self.faults)

    def urls(self) -> list[tuple[str, str, bool]]:
        """(name, homepage, down on as_of) of every agency."""
        return [(site.spec.name, site.url("/"), self._down(site)) for site in self.sites]

    # faults -------------------------------------------------------------------------------------
    @property
    def fault_log(self) -> list[tuple[str, str, str, str, str]]:
        """(host, method, path, fault id, what) of every answer a fault gave (faults=True)."""
        return self.runtime.log if self.runtime else []

    def arm_faults(self) -> None:
        """Begin a fault run now: the once-only faults (the portal's 503, the 20-second outage) happen
        again from this moment (``start`` arms them too; call this right before the first crawl)."""
        with self._lock:
            if self.runtime:
                self.runtime.arm()
                self._sync()

    def outage_remaining(self) -> float:
        """Seconds until the fault site that is down comes back (0 when it is up)."""
        return self.runtime.outage_remaining() if self.runtime else 0.0

    def _down(self, site: Site) -> bool:
        return is_down(site, self._as_of) or bool(self.runtime and self.runtime.down(site))

    def _resync(self) -> None:
        with self._lock:
            if not self._stopped:
                self._sync()

    # listeners ----------------------------------------------------------------------------------
    def _free_port(self) -> int:
        """A port free on every agency address: bind the first anywhere, then the rest on that port."""
        hosts = [host_for(self.host_base, address_index(i)) for i in range(len(AGENCIES))]
        if self.faults:
            from .faults import fault_hosts
            hosts += fault_hosts(self.host_base)
        for _ in range(50):
            probes = []
            try:
                probes.append(_probe(hosts[0], 0))
                port = probes[0].server_address[1]
                probes += [_probe(h, port) for h in hosts[1:]]
                return port
            except OSError:
                continue
            finally:
                for probe in probes:
                    probe.server_close()
        raise OSError("找不到在所有沙盒地址上都空闲的端口 (no port free on every sandbox address)")

    def _sync(self) -> None:
        faulty = {s.index for s in self.runtime.sites} if self.runtime else set()
        for site in self.sites:
            listening = site.index in self._servers
            if self._down(site) and listening:
                self._close(site.index)
            elif not self._down(site) and not listening:
                self._listen(site.index, site.host, site, _FaultHandler if site.index in faulty else _Handler)
        if self.runtime and "platform" not in self._servers:
            self._listen("platform", self.runtime.platform_host, self.runtime.platform.site, _FaultHandler,
                         platform=True)

    def _listen(self, key, host: str, site: Site, handler, platform: bool = False) -> None:
        server = _Server((host, self.port), self, site, handler)
        server.platform = platform
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                  name=f"sandbox-{'platform' if platform else site.spec.id}", daemon=True)
        thread.start()
        self._servers[key] = server

    def _close(self, index) -> None:
        server = self._servers.pop(index)
        server.shutdown()
        server.server_close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    platform = False

    def __init__(self, address, sandbox: Sandbox | None, site: Site | None, handler=None):
        self.sandbox, self.site = sandbox, site
        super().__init__(address, handler or _Handler)

    def server_bind(self) -> None:
        # HTTPServer would resolve the address's FQDN: a needless (and possibly slow) lookup here
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address) -> None:
        # A crawler that gave up on the slow page hangs up: that is the point, not an error.
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


def _probe(host: str, port: int) -> _Server:
    return _Server((host, port), None, None)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes: with Nagle's algorithm the body waited for the
    # client's delayed ACK, 40 ms on every reused connection. Real servers (nginx) set it too.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format, *args) -> None:  # the sandbox keeps its own request_log
        pass

    def version_string(self) -> str:
        return SERVER_NAMES.get(self.server.site.spec.cms, "nginx")

    def do_GET(self) -> None:
        self._serve("GET", {})

    def do_HEAD(self) -> None:
        self._serve("HEAD", {})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        self._serve("POST", dict(parse_qsl(raw, keep_blank_values=True)))

    def _serve(self, method: str, form: dict) -> None:
        self._answer(method, self._resolve(form))

    def _resolve(self, form: dict) -> Page:
        split = urlsplit(self.path)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        return resolve(self.server.site, self.server.sandbox.as_of, split.path, query, form)

    def _answer(self, method: str, page: Page) -> None:
        """Send ``page``: ETag and Last-Modified, 304 to a matching conditional request."""
        sandbox, site = self.server.sandbox, self.server.site
        if page.slow:
            time.sleep(sandbox.slow_seconds)
        body, ctype = encode(site, page)
        etag, modified = validators(body, page)
        status = page.status
        if status == 200 and not_modified(self.headers, etag, modified):
            status = 304
        # before answering: a client may look right after
        sandbox.log((self.server.server_address[0], method, self.path, status))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", email.utils.format_datetime(modified, usegmt=True))
        self.end_headers()
        if method != "HEAD" and status != 304:
            self.wfile.write(body)


class _FaultHandler(_Handler):
    """A fault site's (or the platform's) requests: its faults may answer first (``faults.serve``)."""
    fault_server_name: str | None = None

    def version_string(self) -> str:
        return self.fault_server_name or super().version_string()

    def _serve(self, method: str, form: dict) -> None:
        from .faults import serve
        self.fault_server_name = None
        serve(self, method, form)


def resolve(site: Site, as_of: dt.date, path: str, query: dict, form: dict) -> Page:
    """The site's page for a request on ``as_of`` (its 404 page when it has none)."""
    view = View(site, as_of)
    try:
        return site.family.resolve(view, path, query, form) or pages.not_found(site)
    except MissingFont as exc:
        return Page(str(exc), view.modified, ctype="text/plain", status=500)
    except Exception as exc:  # a bug must show up as a 500 in the log, not as a dropped connection
        return Page(f"服务器内部错误：{exc!r}", view.modified, ctype="text/plain", status=500)


def validators(body: bytes, page: Page) -> tuple[str, dt.datetime]:
    """The page's ETag and Last-Modified (UTC)."""
    etag = f'"{hashlib.sha1(body).hexdigest()[:20]}"'
    return etag, page.modified.replace(tzinfo=BEIJING).astimezone(dt.timezone.utc)


def not_modified(headers, etag: str, modified: dt.datetime) -> bool:
    """Whether a conditional request's headers (If-None-Match first, else If-Modified-Since) match."""
    match = headers.get("If-None-Match")
    if match is not None:
        return match.strip() == "*" or etag in [tag.strip() for tag in match.split(",")]
    since = headers.get("If-Modified-Since")
    if since:
        try:
            return modified <= email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def encode(site: Site, page: Page) -> tuple[bytes, str]:
    """Bytes and Content-Type; HTML follows the site's (sometimes wrong) encoding conventions."""
    if isinstance(page.body, bytes):
        return page.body, page.ctype
    if page.ctype != "text/html":
        return page.body.encode("utf-8"), f"{page.ctype}; charset=utf-8"
    if site.spec.encoding == "gbk":
        return page.body.encode("gbk"), "text/html"  # no charset in the header: only the page's meta says gb2312
    header = site.spec.variant.get("header_charset", "utf-8")
    return page.body.encode("utf-8"), f"text/html; charset={header}"


def serve_until_stopped(as_of: dt.date, port: int, host_base: str = "127.0.0.10", slow_seconds: float = 20.0,
                        faults: bool = False) -> None:
    """Serve every sandbox site (and the fault sites, with ``faults``) until Ctrl-C or SIGTERM,
    printing each agency's address."""
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    sandbox = Sandbox(as_of=as_of, port=port, host_base=host_base, slow_seconds=slow_seconds, faults=faults).start()
    try:
        print(f"沙盒已启动 (sandbox up), 模拟日期 as of {as_of.isoformat()}, 端口 port {sandbox.port}")
        for name, url, down in sandbox.urls():
            print(f"  {url}  {name}{'  （按计划停机 down on this date）' if down else ''}")
        print("按 Ctrl-C 停止 (press Ctrl-C to stop)", flush=True)
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
        signal.signal(signal.SIGTERM, previous)
