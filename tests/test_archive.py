"""Archived captures replayed with pywb: the capture a finding names opens at its own time, marked as
an archived copy (北京时间), with every script stopped and personal numbers masked."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import storage
from crawlers.evidence import store
from dashboards.archive import replay_path

URL = "http://swj.qingchuan.example.gov.cn/xxgk/tzgg/"
ID_NUMBER = "340102198503120024"   # synthetic, with a valid GB 11643 check character
PAGE = ("<html><head><meta charset='utf-8'><title>通知公告</title>"
        "<script>document.title = 'script ran'</script></head><body><ul>"
        "<li><a href='t1.html'>关于开展消费季活动的通知</a><span>{date}</span></li></ul>"
        f"<p>联系人身份证 {ID_NUMBER}</p></body></html>")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def replayer(tmp_path):
    db_path = tmp_path / "gkwatch.db"
    db = storage.connect(db_path)
    captures = []
    for day, captured_at in (("2026-10-02", "2026-10-02T09:00:00+08:00"), ("2026-11-02", "2026-11-02T09:00:00+08:00")):
        digest, path = store(Path(f"{db_path}.evidence"), URL, 200, [("Content-Type", "text/html; charset=utf-8")],
                             PAGE.format(date=day).encode())
        captures.append({"url": URL, "captured_at": captured_at, "content_hash": digest,
                         "id": db["captures"].insert({"url": URL, "kind": "column", "captured_at": captured_at,
                                                      "content_hash": digest, "warc_path": path}).last_pk})
    db.conn.commit()
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "dashboards.archive", str(db_path), "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield base, captures
    process.terminate()
    process.wait(10)


def test_each_capture_replays_as_it_was_kept(replayer):
    base, captures = replayer
    for capture, day in zip(captures, ("2026-10-02", "2026-11-02")):
        with urllib.request.urlopen(base + replay_path(capture), timeout=10) as answer:
            headers, body = answer.headers, answer.read().decode("utf-8")
        assert "script-src 'none'" in headers["Content-Security-Policy"]
        assert f"<span>{day}</span>" in body                      # this capture, not the other
        assert "&#x5b58;&#x6863;&#x526f;&#x672c;" in body          # 存档副本
        assert capture["captured_at"][:10] + " 09:00:00" in body  # 北京时间, as captured
        assert capture["content_hash"] in body
        assert ID_NUMBER not in body and "3401**********0024" in body


def test_scripts_do_not_run_in_a_browser(replayer):
    from playwright.sync_api import sync_playwright

    base, captures = replayer
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()
        page.goto(base + replay_path(captures[1]))
        assert page.title() == "通知公告"
        assert "存档副本 · Archived copy" in page.inner_text("#gkwatch-archived")
        browser.close()
