"""Crawling the whole sandbox: every column with its type, every item with its exact title, URL and
date, in every CMS family (TRS 海云's search API and 广东 gkmlpt's catalogue API included), the GBK site
and the JavaScript-drawn columns, every message board's messages, residents' numbers only masked; then
a day later (the sandbox's history day) only what changed, and the history kept: walks, captures, a
back-dated item's late arrival, a portal's renamed, moved, dropped and added columns."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest

import storage
from sandbox import Sandbox, registry_entries
from sandbox.agencies import HISTORY_DAY

from .conftest import DOWNLOAD_TIMEOUT_MS, REFERENCE_DAY, SLOW_SECONDS, crawl, import_registry


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(REFERENCE_DAY, port=0, slow_seconds=SLOW_SECONDS) as sb:
        yield sb


@pytest.fixture(scope="module")
def crawled(sandbox, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("crawl")
    db_path = tmp / "gkwatch.db"
    import_registry(tmp, registry_entries(sandbox.port), db_path)
    sandbox.clear_log()
    crawl(db_path)
    return db_path, sandbox.manifest(), list(sandbox.request_log)


def live_agencies(manifest):
    return [a for a in manifest["agencies"] if not a["down"]]


def by_agency(db, sql):
    rows = {}
    for row in db.query(sql):
        rows.setdefault(row["agency_id"], set()).add(tuple(v for k, v in row.items() if k != "agency_id"))
    return rows


def test_manifest_covers_every_cms_family_and_encoding(crawled):
    _, manifest, _ = crawled
    families = {a["cms"] for a in live_agencies(manifest)}
    assert families == {"trs", "hanweb", "table", "js", "haiyun", "gkmlpt", "powereasy"}
    assert "gbk" in {a["encoding"] for a in live_agencies(manifest)}
    assert {c["js"] for a in manifest["agencies"] for c in a["columns"]} >= {"none", "endpoint", "render"}


def test_every_column_found_with_its_canonical_type_and_parent(crawled):
    db_path, manifest, _ = crawled
    db = storage.connect(db_path)
    found = by_agency(db, "SELECT c.agency_id, c.url, c.type, p.url AS parent FROM columns c "
                          "LEFT JOIN columns p ON p.id = c.parent_id")
    for agency in live_agencies(manifest):
        expected = {(c["url"], c["type"], c["parent_url"]) for c in agency["columns"]}
        assert found.get(agency["id"]) == expected, agency["id"]


def test_every_item_found_with_exact_title_url_and_date(crawled):
    db_path, manifest, _ = crawled
    db = storage.connect(db_path)
    found = by_agency(db, "SELECT i.agency_id, c.url AS column_url, i.url, i.title, i.published "
                          "FROM items i JOIN columns c ON c.id = i.column_id")
    total = 0
    for agency in live_agencies(manifest):
        # A page slower than the download timeout is recorded as a timeout (see below), not read.
        expected = {(c["url"], i["url"], i["title"], i["date"]) for c in agency["columns"] for i in c["items"]
                    if c["url"] not in agency["slow_pages"]}
        total += len(expected)
        assert found.get(agency["id"], set()) == expected, agency["id"]
    assert total > 1500
    assert db.execute("SELECT count(*) FROM items WHERE detail_fetched_at IS NULL").fetchone()[0] == 0


def test_detail_metadata_matches_the_manifest(crawled):
    db_path, manifest, _ = crawled
    db = storage.connect(db_path)
    stored = {r["url"]: r for r in db.query("SELECT url, source, publisher, index_no, doc_no, published, published_time FROM items")}
    mismatches = Counter()
    checked = 0
    for agency in live_agencies(manifest):
        for column in agency["columns"]:
            for item in column["items"] if column["url"] not in agency["slow_pages"] else []:
                detail, row = item["detail"], stored[item["url"]]
                checked += 1
                for key in ("source", "publisher", "index_no", "doc_no"):
                    if detail.get(key) != row[key]:
                        mismatches[(agency["cms"], key)] += 1
                if detail["published"] != (row["published_time"] or row["published"]):
                    mismatches[(agency["cms"], "published")] += 1
    assert checked > 1500 and not mismatches, mismatches


def test_down_site_is_recorded_as_connection_refused(crawled):
    db_path, manifest, _ = crawled
    db = storage.connect(db_path)
    [down] = [a for a in manifest["agencies"] if a["down"]]
    rows = list(db.query("SELECT status, error FROM fetches WHERE url = ? AND kind = 'home'", [down["homepage"]]))
    assert rows and all(r["status"] is None and "ConnectionRefused" in r["error"] for r in rows)


def test_robots_disallowed_pages_are_never_fetched(crawled):
    db_path, manifest, log = crawled
    db = storage.connect(db_path)
    forbidden = [(a, path) for a in manifest["agencies"] for path in a["robots_disallow"]]
    assert forbidden
    for agency, path in forbidden:
        host = urlsplit(agency["homepage"]).hostname
        assert not [entry for entry in log if entry[0].split(":")[0] == host and entry[2].startswith(path)]
    recorded = [r["url"] for r in db.query("SELECT url FROM fetches WHERE error LIKE 'robots.txt%'")]
    assert any(urlsplit(url).path.startswith(path) for _, path in forbidden for url in recorded)


def test_slow_page_times_out_and_is_recorded(crawled):
    db_path, manifest, _ = crawled
    db = storage.connect(db_path)
    slow = [url for a in manifest["agencies"] for url in a["slow_pages"]]
    assert slow
    for url in slow:
        [row] = db.query("SELECT status, error, elapsed_ms FROM fetches WHERE url = ?", [url])
        assert row["status"] is None and "Timeout" in row["error"] and row["elapsed_ms"] >= DOWNLOAD_TIMEOUT_MS - 100


def test_broken_links_are_recorded_with_404(crawled):
    db_path, manifest, _ = crawled
    db = storage.connect(db_path)
    broken = [link for a in manifest["agencies"] for link in a["broken_links"]]
    assert broken
    for link in broken:
        statuses = {r["status"] for r in db.query("SELECT status FROM fetches WHERE url = ?", [link["url"]])}
        assert statuses == {404}, link
        assert db.execute("SELECT count(*) FROM links WHERE url = ? AND page_url = ?",
                          [link["url"], link["on_page"]]).fetchone()[0] == 1


def test_portal_and_column_pages_are_kept_as_evidence(crawled):
    db_path, _, _ = crawled
    db = storage.connect(db_path)
    pages = list(db.query("SELECT url, kind, warc_path FROM pages"))
    assert {p["kind"] for p in pages} >= {"home", "portal", "column"}
    root = db_path.parent / f"{db_path.name}.evidence"
    assert all((root / p["warc_path"]).exists() for p in pages)
    assert len({p["warc_path"] for p in pages}) <= len(pages)


@pytest.fixture(scope="module")
def next_day(crawled, sandbox):
    """The crawl of the next day, the sandbox's history day: (items before it, its manifest, its requests)."""
    db_path, _, _ = crawled
    assert HISTORY_DAY == REFERENCE_DAY + dt.timedelta(days=1)
    items_before = storage.connect(db_path)["items"].count
    sandbox.set_as_of(HISTORY_DAY)
    sandbox.clear_log()
    try:
        crawl(db_path)
        return items_before, sandbox.manifest(), list(sandbox.request_log)
    finally:
        sandbox.set_as_of(REFERENCE_DAY)


def test_a_day_later_only_changes_are_fetched_and_only_new_items_added(crawled, next_day):
    db_path, before, _ = crawled
    db = storage.connect(db_path)
    items_before, after, log = next_day
    old_urls = {i["url"] for a in before["agencies"] for c in a["columns"] for i in c["items"]}
    new_items = {i["url"] for a in live_agencies(after) for c in a["columns"] for i in c["items"]} - old_urls
    assert new_items, "the sandbox publishes something on the next day"
    assert db["items"].count == items_before + len(new_items)
    assert db.execute("SELECT count(*) - count(DISTINCT agency_id || url) FROM items").fetchone()[0] == 0

    run = db.execute("SELECT max(id) FROM crawl_runs").fetchone()[0]
    details = {r["url"] for r in db.query("SELECT url FROM fetches WHERE crawl_run_id = ? AND kind = 'detail'", [run])}
    assert details == new_items
    statuses = Counter(r["status"] for r in db.query(
        "SELECT status FROM fetches WHERE crawl_run_id = ? AND kind IN ('column', 'portal', 'home')", [run]))
    assert statuses[304] > 3 * statuses[200], statuses
    assert len(log) < 0.2 * len(crawled[2])


def test_a_day_later_the_history_is_kept(crawled, next_day):
    """The back-dated item: absent from the first walk of its column, which went past its date, listed
    by the second. The reorganised portal: a column renamed in place, one moved, one dropped (its old
    address checked: 404), one added. Every column page walked is captured in each run."""
    db_path, before, _ = crawled
    _, after, _ = next_day
    db = storage.connect(db_path)
    first, second = (r[0] for r in db.execute("SELECT id FROM crawl_runs ORDER BY id"))
    [late] = [d for d in after["defects"] if d["check"] == "item_backdated"]
    item = next(db.query("SELECT i.first_seen, i.published, c.id AS column_id FROM items i "
                         "JOIN columns c ON c.id = i.column_id WHERE i.url = ?", [late["subject"]]))
    assert item["published"] == late["detail"]["declared"]
    walks = {r["crawl_run_id"]: r for r in db.query("SELECT * FROM walks WHERE column_id = ?", [item["column_id"]])}
    assert walks[first]["complete"] or walks[first]["oldest"] <= item["published"]
    assert walks[first]["walked_at"] < item["first_seen"] and second in walks
    columns = {r["url"]: r for r in db.query("SELECT * FROM columns WHERE agency_id = 'sb-shichuan-czj'")}
    changes = {d["detail"]["change"]: d for d in after["defects"] if d["check"] == "column_changed"}
    renamed = columns[changes["renamed"]["subject"]]
    assert (renamed["name"], renamed["previous_name"], renamed["renamed_run"]) == ("工作动态", "财政动态", second)
    moved = changes["moved"]
    assert columns[moved["subject"]]["last_run"] == first and columns[moved["detail"]["new_url"]]["first_run"] == second
    assert columns[moved["detail"]["new_url"]]["name"] == columns[moved["subject"]]["name"] == "财政预决算"
    gone = changes["gone"]["subject"]
    assert columns[gone]["last_run"] == first
    assert [(r["kind"], r["status"]) for r in db.query(
        "SELECT kind, status FROM fetches WHERE url = ? AND crawl_run_id = ?", [gone, second])] == [("verify", 404)]
    assert columns[changes["added"]["subject"]]["first_run"] == second
    portal = next(a["portal"] for a in after["agencies"] if a["id"] == "sb-shichuan-czj")
    captured = {r["crawl_run_id"]: r["content_hash"] for r in db.query("SELECT * FROM captures WHERE url = ?", [portal])}
    assert set(captured) == {first, second} and captured[first] != captured[second]


def board_state(shown: dict) -> str:
    """A board's words as gkwatch records them (extract/messages.py): a reply date or 已回复 is an answer,
    办理中 is none, 已转交 says nothing."""
    return {"已回复": "answered", "办理中": "unanswered", "已转交": "unknown"}[shown["shows"]]


@pytest.mark.parametrize("agency_id", ["sb-huailing-gov", "sb-qingshi-zf", "sb-yuanchuan-swj"])
def test_message_boards_are_read_message_by_message(crawled, next_day, agency_id):
    """The labelled-rows board (TRS), the table board (plain table CMS) and the JSON-drawn board (集约化
    platform): every message with when it was asked, when answered, and the state the board shows —
    as of the latest crawl (the next day's: messages keep the state the board shows last)."""
    db_path, _, _ = crawled
    _, manifest, _ = next_day
    db = storage.connect(db_path)
    board = next(c for a in manifest["agencies"] if a["id"] == agency_id for c in a["columns"] if c["type"] == "interaction")
    expected = {(i["url"], i["title"], i["board"]["asked"], i["board"]["replied"], board_state(i["board"]))
                for i in board["items"]}
    stored = {(r["url"], r["title"], r["asked"], r["replied"], r["state"]) for r in db.query(
        "SELECT m.* FROM messages m JOIN columns c ON c.id = m.column_id WHERE c.url = ?", [board["url"]])}
    assert len(expected) > 40 and stored == expected


def test_residents_numbers_are_stored_masked_and_nothing_else(crawled):
    """Three residents on a page and three in a PDF attachment, each with an ID and a mobile number;
    the order, contract, account and date numbers beside them, and the clean agency's, are nobody's."""
    db_path, manifest, _ = crawled
    db = storage.connect(db_path)
    leaks = [d for d in manifest["defects"] if d["check"] == "privacy_leak"]
    expected = {(d["subject"], "id_card" if "*" * 10 in m else "mobile", m,
                 "page" if d["detail"]["where"] == ["页面正文"] else d["detail"]["where"][0])
                for d in leaks for m in d["detail"]["masked"]}
    stored = {(r["url"], r["kind"], r["masked"], r["found_in"]) for r in db.query(
        "SELECT i.url, p.kind, p.masked, p.found_in FROM personal_data p JOIN items i ON i.id = p.item_id")}
    assert len(expected) == 12 and stored == expected


def test_removed_item_becomes_a_candidate_and_its_404_is_recorded(sandbox, tmp_path):
    [agency] = [a for a in registry_entries(sandbox.port) if a["id"] == "sb-xuanlin-swj"]
    db_path = tmp_path / "gkwatch.db"
    import_registry(tmp_path, [agency], db_path)
    sandbox.set_as_of(dt.date(2026, 11, 9))
    try:
        crawl(db_path)
        removed = [d["subject"] for d in sandbox.manifest()["defects"] if d["check"] == "item_removed"]
        assert removed == []
        sandbox.set_as_of(REFERENCE_DAY)
        removed = [d["subject"] for d in sandbox.manifest()["defects"]
                   if d["check"] == "item_removed" and d["agency"] == "sb-xuanlin-swj"]
        crawl(db_path)
    finally:
        sandbox.set_as_of(REFERENCE_DAY)
    db = storage.connect(db_path)
    assert len(removed) == 1
    assert [r["url"] for r in db.query("SELECT url FROM items WHERE missing_since IS NOT NULL")] == removed
    run = db.execute("SELECT max(id) FROM crawl_runs").fetchone()[0]
    assert [(r["kind"], r["status"]) for r in db.query(
        "SELECT kind, status FROM fetches WHERE url = ? AND crawl_run_id = ?", [removed[0], run])] == [("verify", 404)]


def test_script_drawn_columns_are_read_from_their_endpoint_or_rendered(crawled):
    db_path, manifest, log = crawled
    db = storage.connect(db_path)
    scripted = {c["url"]: c["js"] for a in live_agencies(manifest) for c in a["columns"] if c["js"] != "none"}
    assert set(scripted.values()) == {"endpoint", "render"}
    stored = {r["url"]: r["js"] for r in db.query("SELECT url, js FROM columns WHERE js != 'none'")}
    assert stored == scripted
    # Only the column pages that needed it went through the browser (an HTML fetch, then a render).
    column_fetches = Counter(r["url"] for r in db.query(
        "SELECT url FROM fetches WHERE kind = 'column' AND status = 200 AND crawl_run_id = 1"))
    assert {url for url, n in column_fetches.items() if n > 1} == {u for u, js in scripted.items() if js == "render"}
    # Drawn once: the following pages come from the data request Chromium saw the page make (its
    # first page fetched again to prove it is the list's), up to the last its answers count.
    drawn = [c for a in live_agencies(manifest) for c in a["columns"] if c["js"] == "render"]
    stats = json.loads(db.execute("SELECT stats FROM crawl_runs WHERE id = 1").fetchone()[0])
    assert stats["playwright/page_count"] == len(drawn) == 1
    data_pages = [parse_qs(urlsplit(r["url"]).query)["pageIndex"] for r in db.query(
        "SELECT url FROM fetches WHERE kind = 'api' AND status = 200 AND crawl_run_id = 1 AND url LIKE ?",
        [f"http://{urlsplit(drawn[0]['url']).netloc}/interface/getDocuments?%"])]
    assert data_pages == [[str(n)] for n in range(1, math.ceil(len(drawn[0]["items"]) / 20) + 1)]


def test_search_and_catalogue_apis_are_followed_without_a_browser(crawled):
    """TRS 海云: page 1 is static, pages 2 to the last its answer counts are POSTed to the search
    API. 广东 gkmlpt: each category is read from the catalogue's API, 100 a page (a size its answers do
    not state: the first page's length is taken for it)."""
    db_path, manifest, log = crawled
    db = storage.connect(db_path)
    haiyun = next(a for a in live_agencies(manifest) if a["cms"] == "haiyun")
    host = urlsplit(haiyun["homepage"]).hostname
    posts = [entry for entry in log if entry[0] == host and entry[1] == "POST"]
    assert {(entry[2], entry[3]) for entry in posts} == {("/mhdzapp/search", 200)}
    assert len(posts) == sum(math.ceil(len(c["items"]) / 10) - 1 for c in haiyun["columns"] if len(c["items"]) > 10)
    assert not [entry for entry in log if entry[0] == host and "index_1" in entry[2]]
    gkmlpt = next(a for a in live_agencies(manifest) if a["cms"] == "gkmlpt")
    host = urlsplit(gkmlpt["homepage"]).hostname
    read = Counter(urlsplit(entry[2]).path for entry in log if entry[0] == host and "/gkmlpt/api/" in entry[2])
    expected = {f"/gkmlpt/api/all/{urlsplit(c['url']).fragment}": max(1, math.ceil(len(c["items"]) / 100))
                for c in gkmlpt["columns"] if c["js"] == "endpoint"}
    assert read == expected and max(read.values()) == 2
    # the catalogue page is fetched once for itself and once for each category (index#<id>): its columns
    fetched = {r["url"] for r in db.query("SELECT url FROM fetches WHERE kind = 'column' AND crawl_run_id = 1 "
                                          "AND url LIKE ?", [f"{gkmlpt['portal']}#%"])}
    assert fetched == {c["url"] for c in gkmlpt["columns"]}


def test_annual_reports_are_found_parsed_and_stored(crawled):
    db_path, manifest, _ = crawled
    db = storage.connect(db_path)
    stored = {(r["agency_id"], r["url"]): r for r in db.query(
        "SELECT r.agency_id, r.url, r.year, r.format, (SELECT count(*) FROM report_cells c WHERE c.report_id = r.id) AS cells "
        "FROM reports r")}
    expected = {(a["id"], r["url"]): r for a in live_agencies(manifest) for r in a["reports"]}
    assert len(expected) > 90
    assert set(stored) == set(expected)
    for key, report in expected.items():
        row = stored[key]
        assert (row["year"], row["format"]) == (report["year"], report["format"]), key
        assert row["cells"] == sum(len(cells) for cells in report["cells"].values()), key
