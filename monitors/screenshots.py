"""Screenshots of the page a page-level finding rests on, taken by Chromium when the finding opens.

What is drawn is the archived capture the finding was judged on (its WARC body, personal numbers
already masked), never the live site: a check does not fetch. Scripts are off and every request the
page would make is refused, so the picture is of the capture itself (text and layout; its images and
style sheets were not kept). Files: ``<db>.evidence/screenshots/<finding id>-<capture id>.png``,
listed in table ``finding_screenshots``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from core.clock import iso
from extract import decode_html
from storage.evidence import evidence_dir, load

# Findings about a whole page: what a reader wants to see with their own eyes.
PAGE_LEVEL = ("homepage_stale", "column_stale", "column_empty", "mandatory_column_missing")


def take_screenshots(conn: sqlite3.Connection, db_path: str | Path, document: dict, chromium: str) -> int:
    """A screenshot for each page-level finding this check run opened (``new`` in its document)
    that names a capture; returns how many were taken."""
    wanted = []
    for finding in document["findings"]:
        captures = (finding.get("evidence") or {}).get("captures") or []
        if finding.get("new") and finding["check"] in PAGE_LEVEL and captures:
            wanted.append((finding["id"], captures[0]["capture_id"]))
    if not wanted:
        return 0
    from playwright.sync_api import sync_playwright   # only when there is something to draw

    root = evidence_dir(db_path)
    (root / "screenshots").mkdir(parents=True, exist_ok=True)
    taken = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
        context.route("**/*", lambda route: route.abort())   # nothing is fetched: the capture is all there is
        try:
            for finding_id, capture_id in wanted:
                row = conn.execute("SELECT warc_path FROM captures WHERE id = ?", [capture_id]).fetchone()
                if not row or not (root / row[0]).is_file():
                    continue
                headers, body = load(root, row[0])
                content_type = next((v for k, v in headers if k.lower() == "content-type"), None)
                page = context.new_page()
                page.set_content(decode_html(body, content_type)[0], wait_until="domcontentloaded")
                relative = f"screenshots/{finding_id}-{capture_id}.png"
                page.screenshot(path=str(root / relative), full_page=True)
                page.close()
                taken.append((finding_id, capture_id, relative, iso()))
        finally:
            browser.close()
    with conn:
        conn.executemany("INSERT OR REPLACE INTO finding_screenshots (finding_id, capture_id, path, taken_at) "
                         "VALUES (?, ?, ?, ?)", taken)
    return len(taken)

