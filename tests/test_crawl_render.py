"""`render_js: true` in the registry: every column page goes through Chromium (scrapy-playwright on
the system browser), and what it reads is exactly what the plain crawl reads."""

from __future__ import annotations

import storage
from sandbox import Sandbox, registry_entries

from .conftest import REFERENCE_DAY, crawl, import_registry


def test_registry_render_js_renders_every_column_page(tmp_path):
    db_path = tmp_path / "gkwatch.db"
    with Sandbox(REFERENCE_DAY, port=0) as sandbox:
        [agency] = [e for e in registry_entries(sandbox.port) if e["id"] == "sb-qingshi-zf"]
        import_registry(tmp_path, [{**agency, "render_js": True}], db_path)
        crawl(db_path)
        [truth] = [a for a in sandbox.manifest()["agencies"] if a["id"] == "sb-qingshi-zf"]
    db = storage.connect(db_path)
    assert {(r["url"], r["type"], r["js"]) for r in db.query("SELECT url, type, js FROM columns")} == {
        (c["url"], c["type"], "render") for c in truth["columns"]}
    assert {(r["url"], r["title"], r["published"]) for r in db.query("SELECT url, title, published FROM items")} == {
        (i["url"], i["title"], i["date"]) for c in truth["columns"] for i in c["items"]}
    rendered = db.execute("SELECT count(*) FROM fetches WHERE kind = 'column' AND status = 200").fetchone()[0]
    assert rendered >= len(truth["columns"])
