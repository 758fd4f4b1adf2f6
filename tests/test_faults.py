"""No false finding from the crawler's own trouble: the sandbox's fault agencies (``Sandbox(as_of,
faults=True)``, sandbox/faults.py), crawled and checked on the three fault days like an operator
would; for every fault, what the crawl recorded for its URLs (``fetches.verdict``, against the
manifest's expectation) and which findings the checks raised on its agency (none but the true ones).

The first tests need no crawl: the fault sites are clean without their faults, and each fault
answers as real sites do (a plain client never passes a challenge, Chromium does). The rest share
one run (module fixture): three crawls and three checks, about a minute and a half.
"""

from __future__ import annotations

import sqlite3
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import storage
from monitors.run_checks import run_checks
from sandbox import Sandbox, build_manifest, registry_entries
from sandbox.agencies import AGENCIES
from sandbox.fault_sites import FAULT_AGENCIES, FAULT_DAYS
from sandbox.faults import FAULT_CLASSES, build_fault_sites, fault_manifest, fault_registry_entries

from .conftest import SLOW_SECONDS, crawl, import_registry

FAULT_IDS = [cls.id for _, classes in FAULT_CLASSES for cls in classes]
BLOCK_CHECKS = ("site_unreachable", "broken_link", "slow_page", "column_empty", "column_stale",
                "mandatory_column_missing", "annual_report_missing", "item_removed")


# the sandbox side, no crawl ------------------------------------------------------------------------

def test_twenty_fault_agencies_with_at_least_twenty_faults_on_their_own_addresses():
    manifest = fault_manifest(FAULT_DAYS[0], 8700)
    assert len(FAULT_AGENCIES) == 20 and len(manifest["faults"]) >= 20
    assert len(set(FAULT_IDS)) == len(FAULT_IDS)
    hosts = [a["homepage"].split("/")[2].split(":")[0] for a in manifest["agencies"]]
    assert hosts == [f"127.0.0.{21 + k}" for k in range(20)]
    for fault in manifest["faults"]:
        assert fault["title"] and fault["kind"] and fault["agency"] in {a.id for a in FAULT_AGENCIES}
        for entry in fault["expect"]:
            assert set(entry["verdicts"]) <= {"read", "not_found", "soft_404", "blocked", "maintenance", "login",
                                              "server_error", "timeout", "unreachable", "redirect_loop",
                                              "incomplete", "robots"}


def test_the_usual_sandbox_is_unchanged_unless_faults_are_asked_for():
    plain = build_manifest(FAULT_DAYS[2], 8700)
    assert "faults" not in plain and len(plain["agencies"]) == len(AGENCIES)
    assert len(registry_entries(8700)) == len(AGENCIES)
    both = build_manifest(FAULT_DAYS[2], 8700, faults=True)
    assert both["agencies"][:len(AGENCIES)] == plain["agencies"]
    assert both["defects"][:len(plain["defects"])] == plain["defects"]
    assert len(both["agencies"]) == len(registry_entries(8700, faults=True)) == len(AGENCIES) + len(FAULT_AGENCIES)


@pytest.mark.parametrize("day", FAULT_DAYS)
def test_without_their_faults_the_fault_sites_are_clean(day):
    """Every defect of a fault agency is a true finding one of its faults declares: the content
    itself (columns, dates, reports) has none, so any other finding is the crawler's trouble."""
    from sandbox.manifest import defects

    declared = {(f["agency"], x["check"], x["subject"]) for f in fault_manifest(day, 8700)["faults"] for x in f["findings"]}
    for site in build_fault_sites(8700):
        content = {(d["agency"], d["check"], d["subject"]) for d in defects(site, day)}
        assert content <= declared, content - declared
    assert {d["check"] for d in fault_manifest(day, 8700)["defects"]} <= {"broken_link", "item_removed"}


@pytest.fixture(scope="module")
def live():
    with Sandbox(FAULT_DAYS[0], port=0, faults=True, fault_slow_seconds=1.0, outage_seconds=3.0) as sandbox:
        yield sandbox


def fetch(url: str, cookie: str | None = None, method: str = "GET"):
    request = urllib.request.Request(url, method=method, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=15) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fault(manifest: dict, fault_id: str) -> dict:
    return next(f for f in manifest["faults"] if f["id"] == fault_id)


def test_a_plain_client_never_passes_the_challenges(live):
    manifest = live.manifest()
    home = fault(manifest, "ruishu-site")["expect"][0]["url"]
    status, headers, body = fetch(home)
    assert status == 412 and b"$_ts" in body and b"r='m'" in body and len(body) < 3000
    server_cookie = headers["Set-Cookie"].split(";")[0]
    assert server_cookie.split("=")[0].endswith("S")
    assert fetch(home, cookie=server_cookie)[0] == 412          # the server's own cookie is not enough
    jsl = fault(manifest, "jiasule-site")["expect"][0]["url"]
    status, headers, body = fetch(jsl)
    assert status == 521 and b"__jsl_clearance" in body and "__jsluid_h" in headers["Set-Cookie"]
    assert fetch(jsl, cookie=headers["Set-Cookie"].split(";")[0])[0] == 521
    portal_only = fault(manifest, "ruishu-portal")["expect"]
    assert fetch(portal_only[0]["url"])[0] == 200 and fetch(portal_only[1]["url"])[0] == 412


def test_chromium_passes_the_ruishu_challenge_and_is_served_for_a_while(live):
    from playwright import sync_api as playwright   # `make test` installs Debian's chromium

    assert Path("/usr/bin/chromium").exists(), "make system-deps installs chromium"
    manifest = live.manifest()
    home = fault(manifest, "ruishu-site")["expect"][0]["url"]
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            page = browser.new_page()
            first = page.goto(home)
            assert first.status == 412
            page.wait_for_function("document.title.indexOf('云梁市人民政府') >= 0", timeout=15000)
            cookies = {c["name"]: c["value"] for c in page.context.cookies()}
            again = page.goto(home.rstrip("/") + "/zwgk/")
            assert again.status == 200 and "政府信息公开" in page.content()
        finally:
            browser.close()
    name = next(n for n in cookies if n.endswith("T"))
    assert 8 <= len(name) <= 16 and name.isalpha()
    status, _, body = fetch(home, cookie=f"{name}={cookies[name]}")   # the earned cookie serves plain requests
    assert status == 200 and "云梁市人民政府".encode() in body


def test_each_fault_answers_like_a_real_site(live):
    manifest = live.manifest()
    url = {f["id"]: f["expect"][0]["url"] for f in manifest["faults"] if f["expect"]}
    status, headers, body = fetch(url["waf-block"])
    assert status == 403 and "网站防火墙" in body.decode() and "您的访问已被拦截" in body.decode()
    status, _, body = fetch(url["maintenance"])
    assert status == 200 and "系统维护中" in body.decode()
    status, _, body = fetch(url["soft404-column"])
    assert status == 200 and "您访问的页面不存在或已被删除" in body.decode() and 'content="3;url=/"' in body.decode()
    probe = url["soft404-column"].rsplit("/", 3)[0] + "/no-such-page-4711.html"
    assert fetch(probe)[0] == 200
    status, headers, _ = fetch(url["redirect-loop"])
    assert status == 302
    back = fetch(headers["Location"])
    assert back[0] == 302 and back[1]["Location"] == url["redirect-loop"]
    status, _, body = fetch(url["login-column"])
    assert status == 200 and "用户登录" in body.decode() and 'type="password"' in body.decode()
    status, headers, body = fetch(url["charset-lie"])
    assert headers["Content-Type"] == "text/html; charset=utf-8" and b'charset=gbk' in body
    assert "梧川市商务局" in body.decode("gbk")
    status, headers, _ = fetch(url["platform-redirect"])
    assert status == 302 and headers["Location"].startswith("http://127.0.0.41:")
    status, _, body = fetch(url["large-page"])
    assert status == 200 and len(body) > 20_000_000
    with pytest.raises((ConnectionError, urllib.error.URLError, OSError)):
        fetch(url["reset-mid-body"])
    with pytest.raises(Exception, match="IncompleteRead|incomplete"):
        fetch(url["truncated-body"])
    listed = fault(manifest, "duplicate-listing")["expect"]
    item = listed[0]["url"].split(":", 2)[2].split("/", 1)[1]
    for column in listed[1:]:
        assert f"/{item}".encode() in fetch(column["url"])[2]


def test_once_only_faults_happen_once_per_run(live):
    live.arm_faults()
    portal = fault(live.manifest(), "portal-503-once")["expect"][0]["url"]
    assert fetch(portal)[0] == 503 and fetch(portal)[0] == 200
    home = fault(live.manifest(), "down-20s")["expect"][0]["url"]
    with pytest.raises(urllib.error.URLError):
        fetch(home)
    time.sleep(live.outage_remaining() + 0.5)
    assert fetch(home)[0] == 200
    slow = fault(live.manifest(), "slow-home")["expect"][0]["url"]
    started = time.monotonic()
    assert fetch(slow)[0] == 200 and time.monotonic() - started >= 1.0


def test_the_waf_blocks_a_fast_client_with_200(live):
    home = fault(live.manifest(), "waf-rate")["expect"][0]["url"]
    answers = [fetch(home) for _ in range(25)]
    assert all(status == 200 for status, _, _ in answers)
    assert "网站防火墙" in answers[-1][2].decode() and "网站防火墙" not in answers[0][2].decode()


# the crawl ---------------------------------------------------------------------------------------

@dataclass
class FaultRun:
    db_path: Path
    runs: list[int] = field(default_factory=list)
    manifests: list[dict] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)
    fault_logs: list[list] = field(default_factory=list)
    request_logs: list[list] = field(default_factory=list)

    def conn(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.db_path)
        conn.row_factory = sqlite3.Row
        return conn


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Three days, one crawl and one check each, like an operator (the outage over before the second)."""
    tmp = tmp_path_factory.mktemp("faults")
    result = FaultRun(tmp / "gkwatch.db")
    with Sandbox(FAULT_DAYS[0], port=0, faults=True, fault_slow_seconds=SLOW_SECONDS) as sandbox:
        import_registry(tmp, fault_registry_entries(sandbox.port), result.db_path)
        sandbox.arm_faults()
        for k, day in enumerate(FAULT_DAYS):
            sandbox.set_as_of(day)
            if k == 1:
                time.sleep(sandbox.outage_remaining() + 0.5)
            faults, requests = len(sandbox.fault_log), len(sandbox.request_log)
            crawl(result.db_path)
            db = storage.connect(result.db_path)
            result.runs.append(db.execute("SELECT MAX(id) FROM crawl_runs").fetchone()[0])
            result.checks.append(run_checks(db, day))
            db.close()
            result.manifests.append(sandbox.manifest())
            result.fault_logs.append(sandbox.fault_log[faults:])
            result.request_logs.append(sandbox.request_log[requests:])
    return result


def recorded(conn, url: str, run_id: int) -> set[str] | None:
    """The verdicts a crawl recorded for ``url``: its GET answers (a HEAD cannot see a body), redirect
    hops aside; None when it did not fetch it."""
    columns = {r[1] for r in conn.execute("PRAGMA table_info(fetches)")}
    assert "verdict" in columns, "fetches has no verdict column yet"
    rows = conn.execute("SELECT verdict, status, method FROM fetches WHERE url = ? AND crawl_run_id = ?",
                        [url, run_id]).fetchall()
    if not rows:
        return None
    if any(r["method"] != "HEAD" for r in rows):
        rows = [r for r in rows if r["method"] != "HEAD"]
    final = [r for r in rows if not (r["status"] and 300 <= r["status"] < 400 and r["verdict"] in (None, "read"))]
    return {r["verdict"] for r in (final or rows)}


def gets(log: list, url: str) -> int:
    host, path = url.split("/")[2].split(":")[0], "/" + url.split("/", 3)[3]
    return sum(1 for e in log if e[0] == host and e[1] == "GET" and e[2] == path and (len(e) < 5 or e[4] != "changed"))


def expectations(run: FaultRun, fault_id: str):
    """(crawl index, expectation) of a fault on each crawl's day; a dynamic fault's URLs from the
    sandbox's fault log (those whose every GET it answered)."""
    for k, manifest in enumerate(run.manifests):
        entry = fault(manifest, fault_id)
        for e in entry["expect"]:
            if e["crawls"] == "all" or (e["crawls"] == "first") == (k == 0):
                yield k, e
        if entry.get("dynamic"):
            verdict = {"waf-rate": "blocked", "soft404-unknown": "soft_404"}[fault_id]
            known = {e["url"] for f in manifest["faults"] if f["agency"] == entry["agency"] for e in f["expect"]}
            urls = {f"http://{h}:{manifest['port']}{p}" for h, m, p, fid, what in run.fault_logs[k]
                    if fid == fault_id and m == "GET" and what != "changed"}
            for url in sorted(urls - known):
                if gets(run.request_logs[k], url) == gets(run.fault_logs[k], url):
                    yield k, {"url": url, "verdicts": [verdict], "required": True, "crawls": "all"}


@pytest.mark.parametrize("fault_id", FAULT_IDS)
def test_the_crawl_records_what_the_fault_was(run, fault_id):
    conn = run.conn()
    wrong = []
    for k, e in expectations(run, fault_id):
        got = recorded(conn, e["url"], run.runs[k])
        if got is None:
            if e["required"]:
                wrong.append(f"crawl {k + 1}: {e['url']} not fetched; want {e['verdicts']}")
            continue
        if not got <= set(e["verdicts"]):
            wrong.append(f"crawl {k + 1}: {e['url']} recorded {sorted(got)}; want {e['verdicts']}")
        elif "read" in got and "blocked" in e["verdicts"] and gets(run.request_logs[k], e["url"]) <= gets(run.fault_logs[k], e["url"]):
            wrong.append(f"crawl {k + 1}: {e['url']} recorded read, but the sandbox only ever answered its challenge")
    conn.close()
    assert not wrong, "\n".join(wrong)


def agency_findings(run: FaultRun, agency: str) -> list[tuple[int, str, str]]:
    return [(k, f["check"], f["subject"]) for k, doc in enumerate(run.checks) for f in doc["findings"]
            if f["agency"] == agency and f["status"] == "open"]


@pytest.mark.parametrize("fault_id", FAULT_IDS)
def test_no_finding_from_the_fault_only_the_true_ones(run, fault_id):
    agency = fault(run.manifests[-1], fault_id)["agency"]
    false = []
    for k, check, subject in agency_findings(run, agency):
        truth = {(d["check"], d["subject"]) for d in run.manifests[k]["defects"] if d["agency"] == agency}
        if (check, subject) not in truth:
            false.append(f"day {FAULT_DAYS[k]}: {check} {subject}")
    assert not false, f"false findings on {agency}:\n" + "\n".join(sorted(set(false)))
    last = {(c, s) for k, c, s in agency_findings(run, agency) if k == len(run.checks) - 1}
    missed = [f"{x['check']} {x['subject']}" for x in fault(run.manifests[-1], fault_id)["findings"]
              if (x["check"], x["subject"]) not in last]
    assert not missed, f"true findings of {fault_id} not raised: {missed}"


def stored(run: FaultRun, agency: str) -> dict[str, str]:
    conn = run.conn()
    rows = dict(conn.execute("SELECT url, title FROM items WHERE agency_id = ?", [agency]).fetchall())
    conn.close()
    return rows


def column_items(manifest: dict, url: str) -> dict[str, str]:
    column = next(c for a in manifest["agencies"] for c in a["columns"] if c["url"] == url)
    return {i["url"]: i["title"] for i in column["items"]}


def test_the_malformed_list_gives_all_eight_items(run):
    entry = fault(run.manifests[-1], "malformed-list")
    wanted = column_items(run.manifests[-1], entry["expect"][0]["url"])
    assert len(wanted) == 8
    have = stored(run, entry["agency"])
    assert {u: have.get(u) for u in wanted} == wanted


def test_a_document_in_three_columns_is_stored_once(run):
    entry = fault(run.manifests[-1], "duplicate-listing")
    url = entry["expect"][0]["url"]
    for column in entry["expect"][1:]:
        assert url in column_items(run.manifests[-1], column["url"])
    conn = run.conn()
    title = conn.execute("SELECT title FROM items WHERE url = ?", [url]).fetchone()[0]
    assert conn.execute("SELECT COUNT(*) FROM items WHERE agency_id = ? AND (url = ? OR title = ?)",
                        [entry["agency"], url, title]).fetchone()[0] == 1
    conn.close()


def test_titles_survive_the_lying_charset(run):
    agency = fault(run.manifests[-1], "charset-lie")["agency"]
    wanted = {i["url"]: i["title"] for a in run.manifests[-1]["agencies"] if a["id"] == agency
              for c in a["columns"] for i in c["items"]}
    have = stored(run, agency)
    assert have.keys() >= wanted.keys()
    garbled = {u: have[u] for u, t in wanted.items() if have[u] != t and not t.startswith(have[u].rstrip(".…"))}
    assert not garbled


def test_the_column_on_the_provincial_platform_keeps_its_documents(run):
    entry = fault(run.manifests[-1], "platform-redirect")
    wanted = column_items(run.manifests[-1], entry["expect"][0]["url"])
    assert wanted and all(u.startswith(entry["expect"][1]["url"].split("/site/")[0]) for u in wanted)
    have = stored(run, entry["agency"])
    assert wanted.keys() <= have.keys()


def test_the_twenty_megabyte_page_is_read_whole_or_not_at_all(run):
    """Read: its details stored, the whole title; not read in time (the crawl's own 5 s timeout on a
    busy machine): the item stays as listed, nothing of the page stored."""
    entry = fault(run.manifests[0], "large-page")
    url = entry["expect"][0]["url"]
    conn = run.conn()
    row = conn.execute("SELECT title, detail_fetched_at FROM items WHERE url = ?", [url]).fetchone()
    read = any("read" in (recorded(conn, url, r) or set()) for r in run.runs)
    conn.close()
    title = column_items(run.manifests[0], url.rsplit("/", 1)[0] + "/").get(url)
    assert row is not None and title
    if read:
        assert row["detail_fetched_at"] and row["title"] == title
    else:
        assert row["detail_fetched_at"] is None


def test_recovered_sites_lose_nothing(run):
    """The portal that answered 503 once and the site that was down 20 s: every item stored by the last crawl."""
    for fault_id in ("portal-503-once", "down-20s", "slow-home"):
        agency = next(a for a in run.manifests[-1]["agencies"] if a["id"] == fault(run.manifests[-1], fault_id)["agency"])
        wanted = {i["url"] for c in agency["columns"] for i in c["items"]}
        assert wanted <= stored(run, agency["id"]).keys(), fault_id
