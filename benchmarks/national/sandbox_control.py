"""Start, read and stop the national sandbox (``gkwatch sandbox serve --agencies N``) for a benchmark.

    server = start(14_000, seed=1, as_of=dt.date(2026, 11, 22))
    ... crawl http://127.1.0.1:{server.port}/ onwards ...
    print(stats(server)["max_inflight_per_site"])
    stop(server)

``python benchmarks/national/sandbox_control.py 14000`` measures how long the server takes to answer and
its memory (RSS) then, the figures of README.md.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READY = "沙盒已就绪"


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    agencies: int
    started_in: float       # seconds from launch until its stats URL answered

    @property
    def stats_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/-/sandbox-stats.json"


def start(agencies: int, seed: int = 1, as_of: dt.date | None = None, port: int = 0, *extra: str,
          timeout: float = 60.0) -> Server:
    """Launch the server for ``agencies`` sites (``port`` 0: a free one) and wait until it answers."""
    launched = time.monotonic()
    command = [sys.executable, "-m", "gkwatch", "sandbox", "serve", "--agencies", str(agencies), "--seed", str(seed),
               "--port", str(port), *(["--as-of", as_of.isoformat()] if as_of else []), *extra]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    port = _ready_port(process)
    server = Server(process, port, agencies, 0.0)
    while True:
        try:
            stats(server)
            break
        except OSError:
            if time.monotonic() - launched > timeout:
                stop(server)
                raise TimeoutError(f"沙盒 {timeout:.0f} 秒内未应答 (the sandbox did not answer within {timeout:.0f} s)")
            time.sleep(0.05)
    server.started_in = time.monotonic() - launched
    return server


def _ready_port(process: subprocess.Popen) -> int:
    for line in process.stdout:
        if line.startswith(READY):
            return int(line.split("port ")[1].split(";")[0])
    raise RuntimeError(f"沙盒已退出 (the sandbox exited with {process.wait()})")


def stats(server: Server) -> dict:
    """The server's counters: requests and max in flight per site, builds, memory (national_server)."""
    with urllib.request.urlopen(server.stats_url, timeout=10) as response:
        return json.loads(response.read())


def stop(server: Server) -> int:
    """SIGTERM, then the exit code (0: it closed cleanly)."""
    server.process.terminate()
    try:
        return server.process.wait(timeout=15)
    finally:
        server.process.stdout.close()


def measure(agencies: int) -> dict:
    server = start(agencies, as_of=dt.date(2026, 11, 22))
    try:
        found = stats(server)
        return {"agencies": agencies, "start_seconds": round(server.started_in, 2),
                "rss_mib": round(found["rss_bytes"] / 2**20, 1)}
    finally:
        stop(server)


if __name__ == "__main__":
    for n in map(int, sys.argv[1:] or ["1000", "14000"]):
        print(json.dumps(measure(n)))
