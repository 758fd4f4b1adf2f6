"""No full personal number leaves gkwatch (issue #17, 个人信息泄露).

The sandbox publishes synthetic residents (``sandbox.texts.residents``: GB 11643 check characters, the
fictional region 3419xx) in a 公示 page of 淮岭市商务局 and in the PDF a notice of 南屿市外经贸局 attaches,
beside order, contract, account and date numbers; the clean 淮岭市财政局 shows only such look-alikes.
One crawl and one check of those three agencies, then every place gkwatch keeps or sends what it saw:
every table of the SQLite file and its bytes, the WARC evidence (gunzipped), the Datasette pages of the
findings (``gkwatch serve``), the Atom feed, an alert to a webhook on loopback, and ``gkwatch extract
detail``. None may hold a full resident ID or mobile number; the masked forms must be there.
"""

from __future__ import annotations

import gzip
import json
import urllib.request
from pathlib import Path

import pytest

import storage
from sandbox import Sandbox, registry_entries
from sandbox.model import build_sites

from .conftest import REFERENCE_DAY, crawl, import_registry, run_gkwatch
from .test_alerts_delivery import alert, write_config
from .test_serve import serving

AGENCIES = ("sb-huailing-swj", "sb-nanyu-wjmj", "sb-huailing-czj")   # page leak, attachment leak, clean
DB = "privacy"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """(work dir, database, sandbox, manifest, full numbers, masked numbers) after one crawl and one check."""
    work = tmp_path_factory.mktemp("privacy")
    db_path = work / f"{DB}.db"
    with Sandbox(REFERENCE_DAY, port=0) as sandbox:
        import_registry(work, [e for e in registry_entries(sandbox.port) if e["id"] in AGENCIES], db_path)
        crawl(db_path)
        checked = run_gkwatch("check", "--db", db_path, "--as-of", REFERENCE_DAY)
        assert checked.returncode in (1, 2), checked.stdout + checked.stderr
        manifest = sandbox.manifest()
        people = [p for site in build_sites(sandbox.port) if site.spec.id in AGENCIES for item in site.all_items()
                  for p in item.people + tuple(q for a in item.attachments for q in a.people)]
        full = {n for p in people for n in (p.resident_id, p.mobile)}
        masked = {m for d in manifest["defects"] if d["check"] == "privacy_leak" for m in d["detail"]["masked"]}
        assert len(full) == len(masked) == 12
        yield work, db_path, sandbox, manifest, full, masked


def holding(text: str, numbers: set[str]) -> set[str]:
    return {n for n in numbers if n in text}


def test_both_leaks_are_found_and_the_lookalikes_are_not(world):
    _, db_path, _, manifest, _, _ = world
    db = storage.connect(db_path)
    found = {(r["agency_id"], r["subject"]) for r in db.query(
        "SELECT agency_id, subject FROM findings WHERE check_name = 'privacy_leak' AND status = 'open'")}
    assert found == {(d["agency"], d["subject"]) for d in manifest["defects"] if d["check"] == "privacy_leak"}
    assert {a for a, _ in found} == {"sb-huailing-swj", "sb-nanyu-wjmj"}


def test_no_table_and_no_byte_of_the_database_holds_a_full_number(world):
    _, db_path, _, _, full, masked = world
    db = storage.connect(db_path)   # with the search index's tokenizer
    # Every stored table (a virtual table's rows are those of its shadow tables, read here too).
    tables = [name for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'")]
    everything = "\n".join(str(value) for table in tables for row in db.execute(f'SELECT * FROM "{table}"')
                           for value in row)
    db.close()
    assert not holding(everything, full)
    assert holding(everything, masked) == masked
    for path in db_path.parent.glob(f"{db_path.name}*"):   # the file, its WAL and shared memory
        if path.is_file():
            raw = path.read_bytes()
            assert not {n for n in full if n.encode() in raw}, path


def test_no_evidence_file_holds_a_full_number(world):
    _, db_path, _, _, full, _ = world
    files = [p for p in (db_path.parent / f"{db_path.name}.evidence").rglob("*") if p.is_file()]
    assert files
    for path in files:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        assert not {n for n in full if n.encode() in raw}, path


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def test_datasette_pages_and_the_feed_show_only_masked_numbers(world):
    work, db_path, _, manifest, full, masked = world
    db = storage.connect(db_path)
    findings = [r["id"] for r in db.query("SELECT id FROM findings WHERE check_name = 'privacy_leak'")]
    items = [r["id"] for r in db.query("SELECT id FROM items WHERE id IN (SELECT item_id FROM personal_data)")]
    with serving(db_path, work / "serve.log") as base:
        finding_pages = {f"/{DB}/findings/{n}": get(f"{base}/{DB}/findings/{n}") for n in findings}
        others = {path: get(base + path) for path in (
            f"/{DB}/findings?check_name=privacy_leak", f"/{DB}/findings.json?check_name=privacy_leak",
            f"/{DB}/personal_data", f"/{DB}/personal_data.json", f"/{DB}/finding_events.json",
            *(f"/{DB}/items/{n}" for n in items), *(f"/{DB}/items/{n}.json" for n in items),
            f"/{DB}/item_versions.json?item_id__in={','.join(map(str, items))}",
            f"/{DB}/new_findings.atom", "/-/report/sb-huailing-swj", "/-/report/sb-nanyu-wjmj")}
    for path, page in {**finding_pages, **others}.items():
        assert not holding(page, full), path
    for path, page in finding_pages.items():
        assert holding(page, masked), path
    assert holding(others[f"/{DB}/new_findings.atom"], masked) and holding(others[f"/{DB}/personal_data"], masked) == masked


def test_an_alert_carries_only_masked_numbers(world, httpserver):
    work, db_path, _, _, full, masked = world
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    config = write_config(work, f"""
[[subscribers]]
name = "webhook"
notify = ["json://127.0.0.1:{httpserver.port}/hook"]
digest = false
""")
    result = alert(config, "--db", db_path)
    assert result.returncode == 0, result.stdout + result.stderr
    sent = [request.get_data(as_text=True) for request, _ in httpserver.log]
    leaks = [body for body in sent if "个人信息泄露" in json.loads(body)["title"]]
    assert len(leaks) == 2
    assert not holding("\n".join(sent), full) and all(holding(json.loads(body)["message"], masked) for body in leaks)


def test_extract_detail_reports_masked_numbers_and_none_among_lookalikes(world):
    _, _, _, manifest, full, masked = world
    leak = next(d for d in manifest["defects"] if d["check"] == "privacy_leak" and d["agency"] == "sb-huailing-swj")
    result = run_gkwatch("extract", "detail", leak["subject"])
    assert result.returncode == 0, result.stderr
    assert not holding(result.stdout, full)
    privacy = json.loads(result.stdout)["privacy"]
    assert [(p["kind"], p["masked"], p["where"]) for p in privacy] == [
        ("id_card" if "*" * 10 in m else "mobile", m, "page") for m in ordered(leak["detail"]["masked"])]
    clean = next(a for a in manifest["agencies"] if a["id"] == "sb-huailing-czj")
    lookalikes = next(i["url"] for c in clean["columns"] if c["type"] == "procurement" for i in c["items"]
                      if "订单编号" in get(i["url"]))
    assert json.loads(run_gkwatch("extract", "detail", lookalikes).stdout)["privacy"] == []


def ordered(masked: list[str]) -> list[str]:
    """The manifest lists IDs, then mobiles; a page shows each resident's ID, then mobile."""
    half = len(masked) // 2
    return [m for pair in zip(masked[:half], masked[half:]) for m in pair]
