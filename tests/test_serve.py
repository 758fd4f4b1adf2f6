"""`gkwatch serve` as the public meets it, over the crawled and checked sandbox (`gkwatch demo --once`, run
once for this module): every canned query answers with the defects the sandbox planted, the Atom feed of
new findings parses, nothing can be written, robots are turned away, and in headless Chromium every
dashboard draws its charts without a JavaScript error and scraped text stays text."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import sync_playwright

import storage
from sandbox import build_manifest
from sandbox.agencies import AGENCIES

from .conftest import ROOT, run_gkwatch

# The file's stem is the database's name in Datasette's URLs.
DB = "sandbox"  # not "gkwatch": the dashboards follow the served file's name
XSS_URL = "http://127.0.0.1/xss.html"
XSS_TITLE = "<script>alert(1)</script>"
METADATA = yaml.safe_load((ROOT / "dashboards" / "metadata.yml").read_text(encoding="utf-8"))
QUERIES = METADATA["databases"]["gkwatch"]["queries"]
DASHBOARDS = METADATA["plugins"]["datasette-dashboards"]
ATOM = "{http://www.w3.org/2005/Atom}"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Site:
    """The served sandbox database: its path, the demo's output, the manifest's defects, the server's URL."""

    def __init__(self, db_path: Path, demo: subprocess.CompletedProcess, defects: set, base: str):
        self.db_path, self.demo, self.defects, self.base = db_path, demo, defects, base

    def db(self):
        return storage.connect(self.db_path)

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=30) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")

    def rows(self, query: str, **params) -> list[dict]:
        status, body = self.get(f"/{DB}/{query}.json?_shape=array&" + urllib.parse.urlencode(params))
        assert status == 200, body
        return json.loads(body)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    """`gkwatch demo --once` (sandbox, crawl, checks), one item titled as a script, then `gkwatch serve`."""
    work = tmp_path_factory.mktemp("serve")
    db_path = work / f"{DB}.db"
    sandbox_port = free_port()
    demo = run_gkwatch("demo", "--once", "--db", db_path, "--sandbox-port", sandbox_port, cwd=work)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    as_of = dt.date.fromisoformat(re.search(r"as of (\d{4}-\d\d-\d\d)", demo.stdout)[1])
    defects = {(d["agency"], d["check"], d["subject"]) for d in build_manifest(as_of, sandbox_port)["defects"]}
    db = storage.connect(db_path)
    agency, column = db.execute("SELECT agency_id, column_id FROM items LIMIT 1").fetchone()
    db["items"].insert({"agency_id": agency, "column_id": column, "url": XSS_URL, "title": XSS_TITLE,
                        "published": as_of.isoformat()})
    db.conn.commit()
    db.close()

    with serving(db_path, work / "serve.log") as base:
        yield Site(db_path, demo, defects, base)


@contextlib.contextmanager
def serving(db_path: Path, log_path: Path, env: dict | None = None):
    """`gkwatch serve` (and its archive replayer) on free ports until the block ends; its base URL."""
    port = free_port()
    with log_path.open("w") as log:
        server = subprocess.Popen([sys.executable, "-m", "gkwatch", "serve", "--db", str(db_path), "--port", str(port),
                                   "--archive-port", str(free_port())],
                                  cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/-/versions.json", timeout=5):
                    break
            except urllib.error.HTTPError:  # up, but asking for a password
                break
            except (ConnectionError, urllib.error.URLError):
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    pytest.fail("gkwatch serve did not start:\n" + log_path.read_text(encoding="utf-8"))
                time.sleep(0.3)
        try:
            yield base
        finally:
            server.terminate()
            server.wait(timeout=15)


# The pipeline ------------------------------------------------------------------------------------------

def test_demo_once_crawls_and_checks_the_sandbox(site):
    assert f"数据库 database: {site.db_path}" in site.demo.stdout
    assert "Traceback" not in site.demo.stderr
    db = site.db()
    assert db["agencies"].count == len(AGENCIES)
    assert db["columns"].count > 100 and db["items"].count > 1800
    stored = re.search(rf"已存储 stored: agencies {len(AGENCIES)} · columns (\d+) · items (\d+)", site.demo.stdout)
    assert stored and (int(stored[1]), int(stored[2])) == (db["columns"].count, db["items"].count - 1)  # + script
    assert db["scorecards"].count == len(AGENCIES)
    assert db["reports"].count > 50


# Canned queries ----------------------------------------------------------------------------------------

def test_canned_queries_find_the_planted_defects(site):
    """The findings the sandbox planted that a first crawl can see (a down site needs 3 observations)."""
    defects = site.defects
    rows = {query: site.rows(query, agency="") for query in (
        "stale_columns", "empty_columns", "missing_columns", "annual_reports_missing_or_late",
        "report_balance_errors", "removed_items", "agency_scores")}
    assert {r["栏目网址"] for r in rows["stale_columns"]} == {s for _, c, s in defects if c == "column_stale"}
    assert {r["栏目网址"] for r in rows["empty_columns"]} == {s for _, c, s in defects if c == "column_empty"}
    missing_names = {json.loads(e)["name"] for (e,) in site.db().execute(
        "SELECT evidence FROM findings WHERE check_name = 'mandatory_column_missing'")}
    assert {r["缺少"] for r in rows["missing_columns"] if r["检查项"] == "mandatory_column_missing"} == missing_names
    assert len(missing_names) == len({s for _, c, s in defects if c == "mandatory_column_missing"})
    assert {(r["检查项"], r["年度"]) for r in rows["annual_reports_missing_or_late"]} == {
        (c, s) for _, c, s in defects if c in ("annual_report_missing", "annual_report_late")}
    assert {r["年度"] for r in rows["report_balance_errors"]} == {s for _, c, s in defects if c == "report_balance"}
    assert rows["removed_items"] == []  # removal needs a second crawl
    assert len(rows["agency_scores"]) == len(AGENCIES)
    vetoed = site.db().execute("SELECT count(*) FROM scorecards WHERE vetoed").fetchone()[0]
    assert vetoed and [(r["等级"], r["得分"]) for r in rows["agency_scores"] if r["等级"] == "单项否决"] == [
        ("单项否决", None)] * vetoed   # a vetoed agency has no score (19号 does not score it)


def test_canned_queries_filter_by_agency(site):
    agency, url = next((a, s) for a, c, s in site.defects if c == "column_stale")
    rows = site.rows("stale_columns", agency=agency)
    assert url in {r["栏目网址"] for r in rows}
    assert {r["机构"] for r in rows} == {site.db()["agencies"].get(agency)["name"]}
    overview = site.rows("agency_overview", agency=agency)
    assert {r["类别"] for r in overview} == {"问题 finding", "栏目 column", "最新信息 item"}


def test_search_items_finds_titles_with_the_word(site):
    hits = site.rows("search_items", q="年报")
    assert hits and all("年报" in r["标题"] for r in hits)
    assert len(hits) == site.db().execute("SELECT count(*) FROM items WHERE title LIKE '%年报%'").fetchone()[0]


def test_every_row_of_every_canned_query_links_to_a_page(site):
    """Each canned query returns a URL column on every row, which Datasette shows as a link."""
    agency = next(a for a, c, _ in site.defects if c == "column_stale")
    params = {"search_items": {"q": "年报"}, "agency_overview": {"agency": agency}}
    for query in QUERIES:
        rows = site.rows(query, **params.get(query, {"agency": ""}))
        for row in rows:
            assert any(isinstance(v, str) and v.startswith("http") for v in row.values()), (query, row)


def test_no_canned_query_writes():
    assert all(not q.get("write") for q in QUERIES.values())


# Atom feed ---------------------------------------------------------------------------------------------

def test_atom_feed_of_new_findings(site):
    status, body = site.get(f"/{DB}/new_findings.atom")
    assert status == 200, body
    feed = ET.fromstring(body)
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}title").text == QUERIES["new_findings"]["title"]
    entries = feed.findall(f"{ATOM}entry")
    db = site.db()
    opened = db.execute("SELECT count(*) FROM finding_events WHERE event IN ('opened', 'reopened')").fetchone()[0]
    assert opened == db["findings"].count and len(entries) == min(opened, 200)   # the newest 200
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("tag:gkwatch,") for i in ids)
    names = {name for (name,) in db.execute("SELECT name FROM agencies")}
    for entry in entries:
        title = entry.find(f"{ATOM}title").text
        assert re.match(r"【(单项否决|扣分|提示)】", title) and any(name in title for name in names), title
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", entry.find(f"{ATOM}updated").text)
        assert entry.find(f"{ATOM}link").get("href").startswith("http://127.0.0.")
        assert "出处" in entry.find(f"{ATOM}content").text
    # Every planted stale column among the newest events is in the feed, linked to the column.
    links = {e.find(f"{ATOM}link").get("href") for e in entries}
    newest = {s for (s,) in db.execute("SELECT f.subject FROM finding_events e JOIN findings f ON f.id = e.finding_id "
                                       "WHERE e.event IN ('opened', 'reopened') ORDER BY e.id DESC LIMIT 200")}
    stale = {s for _, c, s in site.defects if c == "column_stale"} & newest
    assert stale and stale <= links
    # a missing column is named in the feed, not coded
    assert all("对象 subject：system<" not in e.find(f"{ATOM}content").text for e in entries)


# Safe public serving -----------------------------------------------------------------------------------

def test_sql_cannot_write(site):
    before = site.db()["items"].count
    for sql in ("DELETE FROM items", "UPDATE items SET title = 'x'", "DROP TABLE items",
                "INSERT INTO agencies (id, name, level, kind, homepage) VALUES ('x', 'x', 'x', 'x', 'x')"):
        status, body = site.get(f"/{DB}.json?" + urllib.parse.urlencode({"sql": sql}))
        assert status == 400 and "Statement must be a SELECT" in body, (sql, status, body)
    request = urllib.request.Request(site.base + f"/{DB}/stale_columns", data=b"agency=", method="POST")
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(request, timeout=10)
    assert site.db()["items"].count == before


def test_robots_are_turned_away(site):
    assert site.get("/robots.txt") == (200, "User-agent: *\nDisallow: /")


def test_script_title_is_escaped_in_html(site):
    status, page = site.get(f"/{DB}/items?url=" + urllib.parse.quote(XSS_URL, safe=""))
    assert status == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and XSS_TITLE not in page


def test_dashboard_databases_follow_the_served_file_name():
    """dashboards/serve.py renames the `gkwatch` database for the dashboards' charts and filters too."""
    from dashboards.serve import metadata_for

    metadata = metadata_for("/somewhere/other-name.db")
    dbs = {part["db"] for dashboard in metadata["plugins"]["datasette-dashboards"].values()
           for kind in ("charts", "filters") for part in dashboard.get(kind, {}).values() if "db" in part}
    assert dbs == {"other-name"}
    assert set(metadata["databases"]) == {"other-name"}
    links = [c["query"] for d in metadata["plugins"]["datasette-dashboards"].values()
             for c in d.get("charts", {}).values() if "findings/" in c.get("query", "")]   # to a finding's page
    assert links and all('href="/other-name/findings/' in q and "/gkwatch/" not in q for q in links)


def test_atom_feed_before_the_first_finding(tmp_path):
    """A feed subscribed to on a new database is valid and empty (datasette-atom alone answers 500)."""
    db_path = tmp_path / "fresh.db"
    storage.connect(db_path).close()
    with serving(db_path, tmp_path / "serve.log") as base:
        with urllib.request.urlopen(f"{base}/fresh/new_findings.atom", timeout=30) as response:
            status, body = response.status, response.read().decode("utf-8")
    assert status == 200
    feed = ET.fromstring(body)
    assert feed.find(f"{ATOM}title").text == QUERIES["new_findings"]["title"]
    assert feed.findall(f"{ATOM}entry") == []
    assert dt.datetime.fromisoformat(feed.find(f"{ATOM}updated").text).utcoffset() == dt.timedelta(hours=8)


def test_password_when_a_hash_is_set(site, tmp_path):
    """GKWATCH_PASSWORD_HASH puts every page, the JSON API and the feed behind HTTP Basic auth."""
    from datasette_auth_passwords.utils import hash_password

    env = {**os.environ, "GKWATCH_PASSWORD_HASH": hash_password("correct horse battery staple", iterations=1000),
           "GKWATCH_USER": "ngo"}
    with serving(site.db_path, tmp_path / "serve.log", env) as base:
        def status(path: str, user: str | None = None, password: str = "") -> int:
            request = urllib.request.Request(base + path)
            if user:
                token = base64.b64encode(f"{user}:{password}".encode()).decode()
                request.add_header("Authorization", f"Basic {token}")
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return response.status
            except urllib.error.HTTPError as exc:
                return exc.code

        feed = f"/{DB}/new_findings.atom"
        assert [status(feed), status("/-/dashboards"), status(f"/{DB}/items.json")] == [401, 401, 401]
        assert status(feed, "ngo", "wrong") == 401
        assert status(feed, "ngo", "correct horse battery staple") == 200
        assert status(f"/{DB}/items.json", "ngo", "correct horse battery staple") == 200


# In the browser ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    assert Path("/usr/bin/chromium").exists(), "Chromium is not installed: make system-deps (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A page that records JavaScript errors (uncaught exceptions and console errors) and dialogs."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors, page.dialogs = [], []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


CHART_DRAWN = {"vega-lite": "svg, canvas", "vega": "svg, canvas", "metric": "p", "table": "table",
               "markdown": "p"}


def wait_for_charts(page, slug: str) -> None:
    charts = DASHBOARDS[slug]["charts"]
    for chart_slug, chart in charts.items():
        page.wait_for_selector(f"#chart-{chart_slug} {CHART_DRAWN[chart['library']]}", state="attached",
                               timeout=20_000)
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("slug", list(DASHBOARDS))
def test_dashboard_draws_every_chart(site, page, slug):
    response = page.goto(f"{site.base}/-/dashboards/{slug}")
    assert response.status == 200
    assert page.locator("h1").inner_text() == DASHBOARDS[slug]["title"]
    wait_for_charts(page, slug)
    assert page.errors == []
    for chart_slug, chart in DASHBOARDS[slug]["charts"].items():
        if chart["library"] in ("vega-lite", "vega"):  # a drawn chart has marks, not just an empty frame
            assert page.locator(f"#chart-{chart_slug} svg .mark-group, #chart-{chart_slug} canvas").count() > 0


def test_agency_dashboard_for_the_chosen_agency(site, page):
    agency = next(a for a, c, _ in site.defects if c == "column_stale")
    name = site.db()["agencies"].get(agency)["name"]
    page.goto(f"{site.base}/-/dashboards/agency")
    wait_for_charts(page, "agency")
    options = page.locator("select#agency option").all_inner_texts()
    assert f"{name}（{agency}）" in options and len(options) == len(AGENCIES) + 1  # the blank choice and the agencies
    page.select_option("select#agency", agency)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"agency=" + re.escape(agency)))
    wait_for_charts(page, "agency")
    assert page.locator("#chart-name p").inner_text() == name
    assert page.locator("#chart-score-history svg path.mark-line, #chart-score-history svg .mark-symbol").count() > 0
    findings = page.locator("#chart-findings tbody tr")
    assert findings.count() == site.db().execute("SELECT count(*) FROM findings WHERE agency_id = ?",
                                                 [agency]).fetchone()[0]
    assert page.locator("#chart-columns tbody a[href^='http']").count() > 5
    assert page.errors == []


def test_reports_dashboard_lists_the_sandbox_reports(site, page):
    page.goto(f"{site.base}/-/dashboards/reports")
    wait_for_charts(page, "reports")
    db = site.db()
    assert page.locator("#chart-count p").inner_text() == str(db["reports"].count)
    links = page.locator("#chart-list tbody a")
    assert links.count() == db["reports"].count  # fewer than the list's 200
    assert {links.nth(i).get_attribute("href") for i in range(links.count())} == {
        url for (url,) in db.execute("SELECT url FROM reports")}
    assert page.errors == []


@pytest.mark.parametrize("query", list(QUERIES))
def test_canned_query_page_shows_linked_rows(site, page, query):
    agency = next(a for a, c, _ in site.defects if c == "column_stale")
    params = {"search_items": {"q": "年报"}, "agency_overview": {"agency": agency}}.get(query, {"agency": ""})
    expected = len(site.rows(query, **params))
    page.goto(f"{site.base}/{DB}/{query}?" + urllib.parse.urlencode(params))
    rows = page.locator("table.rows-and-columns > tbody > tr")   # (evidence cells hold tables of their own)
    assert rows.count() == expected  # a canned query's page shows all its rows (up to max_returned_rows)
    assert expected > 0 or query == "removed_items"  # removal needs a second crawl
    for i in range(rows.count()):
        assert rows.nth(i).locator("a[href^='http']").count() > 0, (query, rows.nth(i).inner_text())
    assert page.errors == []


def test_search_box_finds_the_annual_reports(site, page):
    """Datasette's own table search (`?_search=`, the items_fts index with its one-character tokenizer)."""
    expected = site.db().execute("SELECT count(*) FROM items WHERE instr(title, '年报')").fetchone()[0]
    assert expected >= 10
    response = page.goto(f"{site.base}/{DB}/items?_search=%E5%B9%B4%E6%8A%A5&_size=max")
    assert response.status == 200
    assert page.locator("h3").first.inner_text().startswith(f"共 {expected:,} 行"), page.locator("h3").first.inner_text()
    titles = page.locator("table.rows-and-columns td.col-title").all_inner_texts()
    assert len(titles) == expected and all("年报" in t for t in titles)


def test_script_title_renders_as_text(site, page):
    for path in (f"/{DB}/items?url=" + urllib.parse.quote(XSS_URL, safe=""),
                 f"/{DB}/search_items?q=" + urllib.parse.quote("<script>")):
        page.goto(site.base + path)
        page.wait_for_load_state("networkidle")
        cell = page.get_by_text(XSS_TITLE, exact=True)
        assert cell.count() == 1 and cell.is_visible()
    assert page.dialogs == [] and page.errors == []
