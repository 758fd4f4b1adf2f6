"""The pages people read, in headless Chromium against `gkwatch serve` over the crawled and checked
sandbox (`gkwatch demo --once`): a finding's page of each check kind present, the home page and every
dashboard show labels, not codes, and no raw JSON; a finding's page shows its evidence, rule,
history and links (the last item of a stale column, the report of a late one, the archived capture);
tables fit 1280 px; the search page says it searches for a phrase; the screenshots are drawn."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import re
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import sync_playwright
from warcio.archiveiterator import ArchiveIterator

import storage
from core import vocabulary
from dashboards import screenshots

from .conftest import ROOT, run_gkwatch
from .test_serve import CHROMIUM_ARGS, free_port, serving

DB = "pages"
# Codes a person must never read as a value: a cell, a definition, a metric, a chart's label, an option.
SHORT_CODES = {*vocabulary.SEVERITIES, *vocabulary.FINDING_STATUSES, *vocabulary.EVENTS, *vocabulary.VERDICTS,
               *vocabulary.PAGE_KINDS, *vocabulary.VERIFICATIONS, "news", "notice", "system", "guide", "policy"}
CHECK_ID = re.compile(r"\b(%s)\b" % "|".join(map(re.escape, vocabulary.CHECKS)))
VALUE_ELEMENTS = "td, dd, dt, li, p, span, strong, option, text, a, h1, h2, h3, summary, time, legend"
# Where a table's columns are named as in the database (headings, the filter form, facets): names, not values.
COLUMN_NAMES = "th, form.filters, .facet-info-name, .column-descriptions"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("pages")
    db_path = work / f"{DB}.db"
    demo = run_gkwatch("demo", "--once", "--db", db_path, "--sandbox-port", free_port(), cwd=work)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert db(db_path)["findings"].count > 0, demo.stdout + demo.stderr
    with serving(db_path, work / "serve.log") as base:
        yield base, db_path


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=screenshots.CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    yield page
    context.close()


def db(db_path):
    return storage.connect(db_path)


def codes_shown(page) -> list[str]:
    """What a person would read as a code: a check id anywhere, raw JSON, or an element whose whole
    text is a status, severity, event, verdict or type code."""
    text = page.inner_text("body")
    found = CHECK_ID.findall(text) + (['{"'] if '{"' in text else [])
    values = page.locator(VALUE_ELEMENTS).evaluate_all(f"""els => els
        .filter(e => e.offsetParent !== null || e.tagName === 'text')
        .filter(e => !e.closest('{COLUMN_NAMES}'))
        .map(e => e.textContent.trim())""")
    return found + sorted({v for v in values if v in SHORT_CODES})


# A finding's page ------------------------------------------------------------------------------------------

def test_a_finding_page_of_each_check_kind(site, page):
    base, db_path = site
    shown = [p for p in screenshots.pages(db_path, None) if p[0].startswith("finding-")]
    kinds = {name.removeprefix("finding-") for name, _, _ in shown}
    assert {"column_stale", "column_empty", "homepage_stale", "mandatory_column_missing", "annual_report_missing",
            "annual_report_late", "report_balance", "broken_link", "item_backdated", "privacy_leak",
            "interpretation_missing", "message_unanswered", "column_changed"} <= kinds
    for name, path, _ in shown:
        finding = db(db_path)["findings"].get(int(path.rsplit("/", 1)[1]))
        evidence = json.loads(finding["evidence"])
        assert page.goto(base + path).status == 200
        assert page.locator("h1.finding-headline").inner_text() == finding["message"], name
        kicker = page.locator(".finding-kicker").inner_text()
        assert vocabulary.CHECKS[finding["check_name"]].zh in kicker
        assert vocabulary.SEVERITIES[finding["severity"]].zh in kicker
        assert vocabulary.FINDING_STATUSES[finding["status"]].zh in kicker
        rule = page.locator(".finding-rule").inner_text()
        assert finding["citation"] in rule and vocabulary.VERIFICATIONS[evidence["verification"]].zh in rule
        assert page.locator(".finding-evidence dt").count() >= 4
        assert "新问题" in page.locator(".finding-history").inner_text()
        live = page.locator(".finding-links a").first.get_attribute("href")
        assert live == (finding["subject"] if finding["subject"].startswith("http") else evidence["urls"][0]), name
        assert codes_shown(page) == [], name
        assert page.errors == []


def test_a_stale_column_shows_its_last_item(site, page):
    base, db_path = site
    finding = next(db(db_path).query("SELECT * FROM findings WHERE check_name = 'column_stale' AND severity = 'deduct'"))
    last = next(db(db_path).query(
        "SELECT i.title, i.url, i.published FROM listings l JOIN items i ON i.id = l.item_id "
        "JOIN columns c ON c.id = l.column_id WHERE c.url = ? AND c.agency_id = ? ORDER BY i.published DESC, i.id DESC LIMIT 1",
        [finding["subject"], finding["agency_id"]]))
    page.goto(f"{base}/{DB}/findings/{finding['id']}")
    link = page.locator(".finding-evidence dd a", has_text=last["title"])
    assert link.count() == 1 and link.get_attribute("href") == last["url"]
    evidence = page.locator(".finding-evidence").inner_text()
    assert f"最近一条发布日期\t{last['published']}" in evidence or f"最近一条发布日期\n{last['published']}" in evidence


def test_a_late_report_links_to_the_report(site, page):
    base, db_path = site
    finding = next(db(db_path).query("SELECT f.*, a.portal FROM findings f JOIN agencies a ON a.id = f.agency_id "
                                     "WHERE f.check_name = 'annual_report_late'"))
    report = next(db(db_path).query("SELECT url FROM reports WHERE agency_id = ? AND year = ?",
                                    [finding["agency_id"], int(finding["subject"])]))
    page.goto(f"{base}/{DB}/findings/{finding['id']}")
    live = page.locator(".finding-links a").first.get_attribute("href")
    assert live == report["url"] != finding["portal"]
    late = {r["url"] for r in db(db_path).query(
        "SELECT r.url FROM findings f JOIN reports r ON r.agency_id = f.agency_id AND r.year = CAST(f.subject AS INTEGER) "
        "WHERE f.check_name = 'annual_report_late'")}
    rows = json.loads(urllib.request.urlopen(f"{base}/{DB}/annual_reports_missing_or_late.json?agency=&_shape=array").read())
    assert {r["网址"] for r in rows if r["检查项"] == "annual_report_late"} == late   # the reports, not the portals


def test_the_archived_capture_downloads_as_the_page_was_read(site, page):
    base, db_path = site
    finding = next(db(db_path).query("SELECT * FROM findings WHERE check_name = 'column_stale'"))
    page.goto(f"{base}/{DB}/findings/{finding['id']}")
    href = page.locator(".finding-links a[download]").get_attribute("href")
    sha = re.fullmatch(rf"/-/evidence/{DB}/[0-9a-f]{{2}}/([0-9a-f]{{64}})\.warc\.gz", href)[1]
    with urllib.request.urlopen(base + href) as response:
        assert response.headers["Content-Type"] == "application/warc"
        assert "attachment" in response.headers["Content-Disposition"]
        body = response.read()
    assert body[:2] == b"\x1f\x8b"
    record = next(r for r in ArchiveIterator(io.BytesIO(body)) if r.rec_type == "response")
    assert record.rec_headers.get_header("WARC-Target-URI") == finding["subject"]
    assert hashlib.sha256(record.content_stream().read()).hexdigest() == sha
    for bad in (f"/-/evidence/{DB}/00/{'0' * 64}.warc.gz", f"/-/evidence/{DB}/../../etc/passwd"):
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(base + bad)
        assert error.value.code == 404
    assert gzip.decompress(body).startswith(b"WARC/1")


def test_a_finding_page_prints_without_the_site_chrome(site, page):
    base, db_path = site
    page.goto(f"{base}/{DB}/findings/1")
    page.emulate_media(media="print")
    assert not page.locator("header").is_visible() and not page.locator("footer").is_visible()
    assert page.locator(".finding-evidence").is_visible() and page.locator(".finding-history").is_visible()
    assert not page.locator(".finding-more").is_visible()


# The home page and the dashboards ------------------------------------------------------------------------

def test_home_page_lists_the_dashboards_and_the_canned_queries(site, page):
    base, _ = site
    page.goto(base + "/")
    metadata = screenshots.yaml.safe_load((screenshots.HERE / "metadata.yml").read_text(encoding="utf-8"))
    for slug, dashboard in metadata["plugins"]["datasette-dashboards"].items():
        link = page.locator(f".home-list a[href='/-/dashboards/{slug}']")
        assert link.inner_text() == dashboard["title"]
        assert link.locator("xpath=../following-sibling::dd[1]").inner_text() == dashboard["description"]
    for name, query in metadata["databases"]["gkwatch"]["queries"].items():
        link = page.locator(f".home-list a[href='/{DB}/{name}']")
        assert link.inner_text() == query["title"]
        assert link.locator("xpath=../following-sibling::dd[1]").inner_text() == query["description"]
    assert page.locator("header .gk-nav a[href='/-/dashboards']").inner_text() == "仪表盘"
    assert codes_shown(page) == [] and page.errors == []


@pytest.mark.parametrize("slug", ["overview", "agency", "region", "health", "reports"])
def test_dashboard_shows_labels_not_codes(site, page, slug):
    base, db_path = site
    name, path, dashboard = next(p for p in screenshots.pages(db_path, screenshots.busiest_agency(db_path)) if p[0] == slug)
    screenshots.open_page(page, base, path, dashboard)
    assert codes_shown(page) == []
    assert set(page.locator("input[type=submit]").evaluate_all("els => els.map(e => e.value)")) <= {"应用"}
    assert page.locator("header .crumbs").inner_text().startswith("首页 / 仪表盘")
    assert page.errors == []


def test_agency_dashboard_shows_a_long_name_whole(site, page):
    base, db_path = site
    agency = next(db(db_path).query("SELECT id, name FROM agencies ORDER BY length(name) DESC LIMIT 1"))
    screenshots.open_page(page, base, f"/-/dashboards/agency?agency={agency['id']}", "agency")
    card = page.locator("#chart-name p")
    assert card.inner_text() == agency["name"]
    assert card.evaluate("p => p.scrollWidth <= p.clientWidth && p.parentElement.scrollWidth <= p.parentElement.clientWidth")
    assert page.locator("select#agency option:checked").inner_text() == f"{agency['name']}（{agency['id']}）"
    assert page.locator("#chart-findings a[href^='/pages/findings/']").count() > 0


# Search and tables -------------------------------------------------------------------------------------------

def test_search_says_it_matches_a_phrase_and_suggests_the_other_word(site, page):
    base, _ = site
    page.goto(f"{base}/{DB}/items?_search=" + urllib.parse.quote("年报"))
    hint = page.locator(".search-hint")
    assert "「年报」只找到含有这几个连续字的信息" in hint.inner_text()
    other = hint.locator("a", has_text="年度报告")
    assert urllib.parse.unquote(other.get_attribute("href")).endswith("_search=年度报告")
    other.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("table.rows-and-columns tbody tr").count() > 0
    assert "「年报」" in page.locator(".search-hint").inner_text()   # and back


@pytest.mark.parametrize("path", [
    f"/{DB}/findings", f"/{DB}/items?_search=%E5%B9%B4%E6%8A%A5", f"/{DB}/items", f"/{DB}/agencies",
    f"/{DB}/search_items?q=%E5%B9%B4%E6%8A%A5", f"/{DB}/stale_columns?agency=", f"/{DB}/report_balance_errors?agency=",
    f"/{DB}/agency_scores?agency=", f"/{DB}/new_findings"])
def test_tables_fit_1280_px_and_titles_are_not_squeezed(site, page, path):
    base, _ = site
    page.goto(base + path)
    fit = page.evaluate("""() => { const w = document.querySelector('.table-wrapper');
        const t = document.querySelector('table.rows-and-columns');
        return [t.scrollWidth, w.clientWidth, document.documentElement.scrollWidth]; }""")
    assert fit[0] <= fit[1] and fit[2] <= 1280, fit
    titles = page.locator("td[data-column='title'], td[data-column='标题'], td[data-column='说明']")
    if titles.count():
        assert titles.first.evaluate("td => td.getBoundingClientRect().width") >= 150   # ~10 characters
    assert codes_shown(page) == []


def test_screenshots_of_every_page(site, tmp_path):
    """`python -m dashboards.screenshots`, as the README says to redraw docs/screenshots/."""
    _, db_path = site
    done = subprocess.run([sys.executable, "-m", "dashboards.screenshots", "--db", str(db_path), "--out", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    names = [f"{name}.png" for name, _, _ in screenshots.pages(db_path, None)]
    assert sorted(p.name for p in tmp_path.glob("*.png")) == sorted(names)
    for png in (tmp_path / name for name in names):
        head = png.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(head[16:20], "big") == 1280


def test_a_stale_column_finding_opens_the_capture_it_was_judged_on(site, page):
    base, db_path = site
    stale = next(f for f in db(db_path).query(
        "SELECT id, evidence FROM findings WHERE check_name = 'column_stale' AND status = 'open' ORDER BY id"))
    judged_on, = json.loads(stale["evidence"])["captures"]
    page.goto(f"{base}/{DB}/findings/{stale['id']}")
    page.wait_for_load_state("load")
    assert page.locator(".finding-screenshot img").evaluate("img => img.naturalWidth") > 600   # drawn when it opened
    with page.expect_navigation():
        page.click("a.capture-open")
    archived = page.inner_text("#gkwatch-archived")
    assert "存档副本 · Archived copy" in archived
    moment = dt.datetime.fromisoformat(judged_on["captured_at"]).strftime("%Y-%m-%d %H:%M:%S")
    assert f"{moment}（北京时间）" in archived and judged_on["sha256"] in archived
    assert judged_on["url"] in page.url and not page.url.startswith(base)   # replayed by pywb, not Datasette
    assert page.title() != ""
