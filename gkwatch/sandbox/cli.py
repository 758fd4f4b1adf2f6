"""Plain functions behind `gkwatch sandbox serve` and `gkwatch sandbox manifest` (the click wiring is
in gkwatch/cli.py)."""

from __future__ import annotations

import datetime as dt
import json
import signal
import threading
from pathlib import Path

from . import build_manifest
from .server import Sandbox


def serve(as_of: dt.date, port: int, host_base: str = "127.0.0.10", slow_seconds: float = 20.0) -> None:
    """Serve every sandbox site until Ctrl-C or SIGTERM, printing each agency's address."""
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    sandbox = Sandbox(as_of=as_of, port=port, host_base=host_base, slow_seconds=slow_seconds).start()
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


def write_manifest(path: str | Path, as_of: dt.date, port: int, host_base: str = "127.0.0.10") -> None:
    """Write the ground truth for ``as_of`` as UTF-8 JSON."""
    manifest = build_manifest(as_of, port, host_base)
    Path(path).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
