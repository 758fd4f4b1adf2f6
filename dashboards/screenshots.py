"""Full-page screenshots of the pages people read, for the README and docs/screenshots/.

    python -m dashboards.screenshots --db demo-data/gkwatch-demo.db --out docs/screenshots [--agency ID]

Serves the database with `gkwatch serve` on a free port and opens in headless Chromium (1280 px wide;
Debian's /usr/bin/chromium, with fonts-wqy-microhei for the Chinese) the home page (``home.png``),
each dashboard of dashboards/metadata.yml (``<dashboard>.png``, waiting for every chart) and the page
of one finding of each check kind in the database (``finding-<check>.png``). The agency dashboard is
shown for ``--agency`` (default: the agency with the most open findings). Fails if a page raises a
JavaScript error. tests/test_pages_browser.py opens the same pages (``pages``).
"""

from __future__ import annotations

import argparse
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"]
DRAWN = {"vega-lite": "svg, canvas", "vega": "svg, canvas", "metric": "p", "table": "table", "markdown": "p"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def busiest_agency(db_path: Path) -> str | None:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT agency_id FROM findings WHERE status = 'open' GROUP BY agency_id "
                           "ORDER BY count(*) DESC, agency_id LIMIT 1").fetchone()
        return row[0] if row else None
    finally:
        conn.close()


def serve(db_path: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "gkwatch", "serve", "--db", str(db_path), "--port", str(port)],
                              cwd=HERE.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=5):
                return server
        except (ConnectionError, urllib.error.URLError):
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise SystemExit("gkwatch serve did not start:\n" + (server.stderr.read() if server.stderr else ""))
            time.sleep(0.3)


def finding_per_check(db_path: Path) -> dict[str, int]:
    """One finding of each check kind in the database (an open one if there is), by check id."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return dict(conn.execute("SELECT check_name, min(id) FROM findings WHERE status = 'open' GROUP BY check_name "
                                 "UNION ALL SELECT check_name, min(id) FROM findings GROUP BY check_name "
                                 "HAVING sum(status = 'open') = 0 ORDER BY 1").fetchall())
    finally:
        conn.close()


def pages(db_path: Path, agency: str | None) -> list[tuple[str, str, str | None]]:
    """(name, path, dashboard slug or None) of every page shown: the home page, each dashboard, and a
    finding of each check kind."""
    dashboards = yaml.safe_load((HERE / "metadata.yml").read_text(encoding="utf-8"))["plugins"]["datasette-dashboards"]
    out = [("home", "/", None)]
    out += [(slug, f"/-/dashboards/{slug}{f'?agency={agency}' if slug == 'agency' and agency else ''}", slug)
            for slug in dashboards]
    out += [(f"finding-{check}", f"/{db_path.stem}/findings/{finding}", None)
            for check, finding in finding_per_check(db_path).items()]
    return out


def open_page(page, base: str, path: str, dashboard: str | None) -> None:
    """Open a page and wait until it is drawn (a dashboard: every chart)."""
    page.goto(base + path)
    if dashboard:
        charts = yaml.safe_load((HERE / "metadata.yml").read_text(encoding="utf-8"))["plugins"][
            "datasette-dashboards"][dashboard]["charts"]
        for chart_slug, chart in charts.items():
            page.wait_for_selector(f"#chart-{chart_slug} {DRAWN[chart['library']]}", state="attached", timeout=30_000)
    page.wait_for_load_state("networkidle")
    if dashboard:
        page.wait_for_timeout(500)  # vega's resize to the container


def take(base: str, out: Path, db_path: Path, agency: str | None, width: int = 1280) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900}, device_scale_factor=1, locale="zh-CN")
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        for name, path, dashboard in pages(db_path, agency):
            open_page(page, base, path, dashboard)
            if errors:
                raise SystemExit(f"{name}: JavaScript errors: {errors}")
            file = out / f"{name}.png"
            page.screenshot(path=str(file), full_page=True)
            saved.append(file)
            print(f"{page.title()} ({path}): {file}")
        browser.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="截图 Full-page screenshots of the home page, every dashboard and a finding of each check")
    parser.add_argument("--db", type=Path, required=True, help="数据库 (a crawled and checked gkwatch database)")
    parser.add_argument("--out", type=Path, default=HERE.parent / "docs" / "screenshots", help="输出目录 (output)")
    parser.add_argument("--agency", help="机构看板所示机构 id (agency for the 机构 dashboard)")
    parser.add_argument("--width", type=int, default=1280)
    args = parser.parse_args(argv)
    port = free_port()
    server = serve(args.db.resolve(), port)
    try:
        take(f"http://127.0.0.1:{port}", args.out, args.db.resolve(), args.agency or busiest_agency(args.db), args.width)
    finally:
        server.terminate()
        server.wait(timeout=15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
