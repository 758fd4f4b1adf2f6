"""The sandbox over real HTTP on loopback: every CMS family (TRS WCM and 海云, Hanweb, plain tables,
JavaScript lists, 广东 gkmlpt, 动易), encodings, JS lists, as_of, validators, the down window, robots,
the slow page, the history plants (message boards, 解读, residents' numbers, a back-dated item, a
portal reorganised), and the manifest against what is actually served."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import json
import math
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import lxml.html
import pdfplumber
import pytest

from sandbox import DEFAULT_PORT, Sandbox, build_manifest, registry_entries
from sandbox.agencies import AGENCIES, HISTORY_DAY

REF = dt.date(2026, 11, 22)
ROOT = Path(__file__).resolve().parent.parent
CHECKS = {"site_unreachable", "homepage_stale", "column_stale", "column_empty", "mandatory_column_missing",
          "annual_report_missing", "annual_report_late", "report_balance", "broken_link", "item_removed", "slow_page",
          "interpretation_missing", "privacy_leak", "message_unanswered"}
GB11643_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
TYPES = {"guide", "system", "statutory", "annual_report", "org", "leaders", "policy", "notice", "news", "budget",
         "personnel", "planning", "licensing", "penalty", "procurement", "interaction", "statistics",
         "interpretation", "other"}


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(as_of=REF, port=0, slow_seconds=0.5) as sb:
        yield sb


@pytest.fixture
def at(sandbox):
    """Move the sandbox's day for one test, and put it back."""
    def move(day: dt.date) -> None:
        sandbox.set_as_of(day)
    yield move
    sandbox.set_as_of(REF)


@pytest.fixture(scope="module")
def manifest(sandbox):
    return sandbox.manifest()


def agency(manifest, agency_id: str) -> dict:
    return next(a for a in manifest["agencies"] if a["id"] == agency_id)


def column(manifest, agency_id: str, ctype: str) -> dict:
    return next(c for c in agency(manifest, agency_id)["columns"] if c["type"] == ctype)


def fetch(url: str, method: str = "GET", data: dict | None = None, headers: dict | None = None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def text(url: str, encoding: str = "utf-8", **kw) -> str:
    status, _, body = fetch(url, **kw)
    assert status == 200, (url, status)
    return body.decode(encoding)


def path_of(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def titles_in(page: str) -> set[str]:
    return {html.unescape(t) for t in re.findall(r"""title=["']([^"']+)["']""", page)}


def listed_titles(ag: dict, col: dict) -> set[str]:
    """Every title a column lists, read the way its CMS family pages it."""
    encoding = "gbk" if ag["encoding"] == "gbk" else "utf-8"
    if ag["cms"] == "gkmlpt":
        return {a["title"] for a in gkmlpt_articles(ag, col)}
    first = text(col["url"], encoding)
    base = col["url"]
    if col["js"] == "endpoint":
        api = urllib.parse.urljoin(base, re.search(r"'(/api/columns/\d+/(?:items|messages)\.json\?page=1)'", first)[1])
        data = json.loads(text(api))
        rows = data["data"]
        for page in range(2, data["totalPage"] + 1):
            rows += json.loads(text(api.replace("page=1", f"page={page}")))["data"]
        return {r.get("DOCTITLE") or r["title"] for r in rows}
    if col["js"] == "render":
        chan = re.search(r'data-chan="(\d+)"', first).group(1)
        api = urllib.parse.urljoin(base, f"/interface/getDocuments?chanId={chan}&pageIndex=1&pageSize=500")
        return {r["title"] for r in json.loads(text(api))["list"]}
    read = link_texts if ag["cms"] == "powereasy" else titles_in
    found = read(first)
    if ag["cms"] == "trs":
        pages = int(re.search(r"createPageHTML\((\d+),", first).group(1))
        ext = re.search(r'createPageHTML\(\d+, 0, "index", "(\w+)"', first).group(1)
        for k in range(1, pages):
            found |= titles_in(text(urllib.parse.urljoin(base, f"index_{k}.{ext}")))
    elif ag["cms"] == "hanweb":
        total = int(re.search(r"totalRecord:(\d+)", first).group(1))
        held = first.count("<record>")
        if total > held:
            proxy = re.search(r"columnid:(\d+),sourceContentType:1,unitid:'(\d+)'", first)
            xml = text(urllib.parse.urljoin(base, "/module/web/jpage/dataproxy.jsp"), method="POST",
                       data={"startrecord": held + 1, "endrecord": total, "perpage": 15,
                             "columnid": proxy.group(1), "unitid": proxy.group(2), "webid": 1})
            found |= titles_in(xml)
    elif ag["cms"] in ("table", "powereasy"):
        page, url = first, base
        while (nxt := re.search(r'<a href="([^"]+)">下一页</a>', page)) and \
                (following := urllib.parse.urljoin(url, html.unescape(nxt.group(1)))) != url:
            page, url = text(following, encoding), following
            found |= read(page)
    elif ag["cms"] == "haiyun" and col["items"][10:]:
        found |= {r["doctitle"] for r in haiyun_records(col, first)}
    return found


def link_texts(page: str) -> set[str]:
    """动易 lists: the link's title attribute is 「标题：…&#xD;点击数：…」, its text is the title."""
    return {html.unescape(t) for t in re.findall(r'<a href="/Item/\d+\.aspx" target="_self" title="[^"]*">([^<]+)</a>', page)}


def haiyun_search(col: dict, page: str) -> tuple[str, dict]:
    """The search API a 海云 column page names and the form its script would POST."""
    api = re.search(r'listApi: \{ url: "([^"]+)" \}', page).group(1)
    form = {"channelid": re.search(r"searchId: (\d+)", page).group(1),
            "classsql": re.search(r'classsql: "" \|\| "(chnlid=\d+)"', page).group(1),
            "prepage": re.search(r"pagebar: \{ prepage: (\d+)", page).group(1)}
    return urllib.parse.urljoin(col["url"], api), form


def haiyun_records(col: dict, page: str) -> list[dict]:
    """Every record the search API gives for pages 2 onwards, POSTed the way the page's script does."""
    api, form = haiyun_search(col, page)
    records, number = [], 2
    while True:
        answer = json.loads(text(api, method="POST", data={**form, "page": number}))
        records += answer["data"]
        if number >= answer["pageCount"]:
            return records
        number += 1


def gkmlpt_articles(ag: dict, col: dict) -> list[dict]:
    """Every article of a gkmlpt category, from the catalogue's API, 100 a page."""
    catalogue = text(ag["portal"])
    sid = re.search(r"SID: '(\d+)'", catalogue).group(1)
    category = urllib.parse.urlsplit(col["url"]).fragment
    articles, number = [], 1
    while True:
        answer = json.loads(text(urllib.parse.urljoin(ag["portal"], f"api/all/{category}?page={number}&sid={sid}")))
        articles += answer["articles"]
        if len(articles) >= answer["total"]:
            return articles
        number += 1


# the manifest -----------------------------------------------------------------------------------

def test_manifest_shape_and_counts(manifest):
    json.dumps(manifest)
    agencies = manifest["agencies"]
    assert len(agencies) == len(AGENCIES) and all(a["id"].startswith("sb-") for a in agencies)
    assert [a["id"] for a in agencies if a["clean"]] == ["sb-huailing-czj"]
    assert {a["cms"] for a in agencies} == {"trs", "hanweb", "table", "js", "haiyun", "gkmlpt", "powereasy"}
    assert {a["level"] for a in agencies} == {"省", "市", "县", "乡镇"}
    columns = [c for a in agencies for c in a["columns"]]
    items = [i for c in columns for i in c["items"]]
    assert 3000 <= len(items) <= 4000
    assert {c["type"] for c in columns} <= TYPES and "other" in {c["type"] for c in columns}
    assert len({i["url"] for i in items}) == len(items)
    assert {d["check"] for d in manifest["defects"]} == CHECKS
    assert {d["severity"] for d in manifest["defects"]} == {"info", "deduct", "veto"}
    assert not [d for d in manifest["defects"] if d["agency"] == "sb-huailing-czj"]


def test_planted_defects_on_reference_days():
    expected = {
        ("sb-fengling-gov", "site_unreachable"), ("sb-xuanlin-swj", "homepage_stale"),
        ("sb-wuxing-swj", "column_stale"), ("sb-nanyu-wjmj", "column_stale"), ("sb-suichuan-jmw", "column_stale"),
        ("sb-yuanchuan-swj", "column_stale"), ("sb-huailing-gov", "column_stale"),
        ("sb-huailing-swj", "column_empty"), ("sb-qingshi-zf", "mandatory_column_missing"),
        ("sb-yuanchuan-swj", "annual_report_missing"), ("sb-wuxing-swj", "annual_report_late"),
        ("sb-suichuan-jmw", "report_balance"), ("sb-nanyu-wjmj", "broken_link"), ("sb-huailing-swj", "broken_link"),
        ("sb-xuanlin-swj", "item_removed"), ("sb-huailing-gov", "slow_page"),
        ("sb-minhai-swt", "column_stale"), ("sb-minhai-swt", "annual_report_late"),
        ("sb-lianchuan-gov", "column_empty"), ("sb-lianchuan-gov", "annual_report_missing"),
        ("sb-shichuan-czj", "column_stale"), ("sb-shichuan-czj", "broken_link"), ("sb-shichuan-czj", "annual_report_late"),
        ("sb-xuanlin-swj", "interpretation_missing"), ("sb-huailing-swj", "privacy_leak"),
        ("sb-nanyu-wjmj", "privacy_leak"), ("sb-huailing-gov", "message_unanswered"),
        ("sb-qingshi-zf", "message_unanswered"), ("sb-yuanchuan-swj", "message_unanswered"),
    }
    for day in (dt.date(2026, 11, 20), dt.date(2026, 11, 21), REF):
        found = {(d["agency"], d["check"]) for d in build_manifest(day, DEFAULT_PORT)["defects"]}
        assert found == expected, day
    stale = {d["detail"]["type"] for d in build_manifest(REF, DEFAULT_PORT)["defects"] if d["check"] == "column_stale"}
    assert stale == {"news", "notice", "policy", "personnel", "planning"}
    history = {(d["agency"], d["check"], d["detail"].get("change")) for d in build_manifest(HISTORY_DAY, DEFAULT_PORT)["defects"]
               if d["check"] in ("item_backdated", "column_changed")}
    assert history == {("sb-wuxing-swj", "item_backdated", None)} | {
        ("sb-shichuan-czj", "column_changed", change) for change in ("renamed", "moved", "gone", "added")}
    later = {(d["agency"], d["check"]) for d in build_manifest(HISTORY_DAY + dt.timedelta(days=1), DEFAULT_PORT)["defects"]}
    assert ("sb-wuxing-swj", "item_backdated") in later and ("sb-shichuan-czj", "column_changed") not in later


def test_defects_follow_the_calendar():
    def checks(day, agency_id):
        return {(d["check"], d["subject"]) for d in build_manifest(day, DEFAULT_PORT)["defects"] if d["agency"] == agency_id}
    assert ("annual_report_missing", "2024") in checks(dt.date(2025, 3, 1), "sb-wuxing-swj")
    assert ("annual_report_late", "2024") in checks(dt.date(2025, 3, 20), "sb-wuxing-swj")
    assert not {c for c in checks(dt.date(2025, 1, 31), "sb-wuxing-swj") if c[1] == "2024"}
    assert ("site_unreachable", f"http://127.0.0.19:{DEFAULT_PORT}/") in checks(REF, "sb-fengling-gov")
    assert "site_unreachable" not in {c for c, _ in checks(dt.date(2026, 11, 26), "sb-fengling-gov")}
    assert "item_removed" not in {c for c, _ in checks(dt.date(2026, 11, 9), "sb-xuanlin-swj")}
    for day in (dt.date(2024, 1, 20), dt.date(2025, 2, 1), dt.date(2027, 4, 1), dt.date(2030, 12, 31)):
        assert not checks(day, "sb-huailing-czj"), day


def test_registry_entries():
    entries = registry_entries(DEFAULT_PORT)
    allowed = {"id", "name", "level", "kind", "region_code", "homepage", "portal", "parent", "render_js", "notes"}
    assert all(set(e) <= allowed and re.fullmatch(r"[1-8]\d{5}", e["region_code"]) for e in entries)
    assert {e["id"]: e.get("parent") for e in entries}["sb-huailing-swj"] == "sb-huailing-gov"
    assert not any("render_js" in e for e in entries)  # the crawler must find script-drawn lists itself
    assert [e["homepage"] for e in entries] == [f"http://127.0.0.{n}:{DEFAULT_PORT}/" for n in (*range(11, 21), 42, 43, 44)]


def test_builds_are_deterministic(manifest, sandbox):
    code = ("import datetime, hashlib, json, sys; from sandbox import build_manifest; "
            f"m = build_manifest(datetime.date(2026, 11, 22), {sandbox.port}); "
            "sys.stdout.write(hashlib.sha1(json.dumps(m, sort_keys=True).encode()).hexdigest())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONHASHSEED": "12345"}, cwd=ROOT)
    assert out.stdout == hashlib.sha1(json.dumps(manifest, sort_keys=True).encode()).hexdigest()


# what is served matches the manifest -----------------------------------------------------------

def test_every_listed_item_is_served_and_listed(manifest):
    for ag in manifest["agencies"]:
        if ag["down"]:
            continue
        for col in ag["columns"]:
            listed = listed_titles(ag, col) if col["items"] else set()
            missing = {i["title"] for i in col["items"]} - listed
            assert not missing, (ag["id"], col["name"], sorted(missing)[:3])
    urls = [i["url"] for a in manifest["agencies"] if not a["down"] for c in a["columns"] for i in c["items"]]
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda u: fetch(u)[0], urls))
    assert statuses == [200] * len(urls)


def test_no_link_is_broken_but_the_planted_ones(manifest):
    hosts = {urllib.parse.urlsplit(a["homepage"]).netloc for a in manifest["agencies"]}
    robots = tuple(urllib.parse.urljoin(a["homepage"], p) for a in manifest["agencies"] for p in a["robots_disallow"])
    seen, frontier, failed = set(), {a["homepage"] for a in manifest["agencies"] if not a["down"]}, set()

    def visit(url):
        try:
            status, headers, body = fetch(url)
        except urllib.error.URLError:  # the agency that is down today
            status, headers, body = None, {}, b""
        if status != 200:
            failed.add(url)
        ctype = headers.get("Content-Type", "")
        if status != 200 or not ctype.startswith("text/html"):
            return []
        page = body.decode("gbk" if ctype == "text/html" else "utf-8")
        return [urllib.parse.urljoin(url, html.unescape(h)).split("#")[0]
                for h in re.findall(r"""(?<![-\w])href=["']([^"'#][^"']*)["']""", page)   # not ms-attr-href
                if not h.startswith("javascript")]

    with ThreadPoolExecutor(8) as pool:
        while frontier:
            seen |= frontier
            found = {u for links in pool.map(visit, sorted(frontier)) for u in links}
            frontier = {u for u in found - seen if urllib.parse.urlsplit(u).netloc in hosts and not u.startswith(robots)}
    down = {a["homepage"] for a in manifest["agencies"] if a["down"]}
    assert len(seen) > 2000
    assert failed == {b["url"] for a in manifest["agencies"] for b in a["broken_links"]} | {
        u for u in seen if any(u.startswith(d) for d in down)}


def test_detail_pages_show_their_metadata(manifest):
    for ag in manifest["agencies"]:
        if ag["down"]:
            continue
        encoding = "gbk" if ag["encoding"] == "gbk" else "utf-8"
        for col in ag["columns"]:
            for item in col["items"][:2]:
                page = html.unescape(text(item["url"], encoding))
                d = item["detail"]
                assert d["title"] in page
                stamp = d["published"].replace("T", " ")
                assert f"时间：{stamp}" in page   # 发布时间：, 海云's 时间：
                assert f"来源：{d['source']}" in page
                for value in (d["index_no"], d["publisher"], d["doc_no"]):
                    assert value is None or value in page
                if d["publisher"] and not d["doc_no"]:   # 「无」 in the box, or (gkmlpt) an empty cell
                    assert re.search(r"文\u3000\u3000号：</(td|th|strong)>\s*<[^>]+>无<|<strong>发文字号</strong>：<font>无<"
                                     r"|<td class=\"first\">文号：</td><td class=\"second\"><span></span>", page)


def test_attachments_reports_and_broken_links(manifest):
    broken = {b["url"] for a in manifest["agencies"] for b in a["broken_links"]}
    assert len(broken) == 3
    for url in broken:
        assert fetch(url)[0] == 404
    attachments = [x for a in manifest["agencies"] if not a["down"] for c in a["columns"] for i in c["items"]
                   for x in i["detail"]["attachments"]]
    assert {x["url"].rsplit(".", 1)[1] for x in attachments} == {"pdf", "doc"}
    for att in attachments:
        status, headers, body = fetch(att["url"])
        if att["url"] in broken:
            continue
        assert status == 200 and body[:5] in (b"%PDF-", b"{\\rtf"), att
    for ag in manifest["agencies"]:
        if not ag["down"]:
            for report in ag["reports"]:
                status, headers, _ = fetch(report["url"], method="HEAD")
                assert status == 200
                assert headers["Content-Type"].startswith("application/pdf" if report["media"] == "pdf" else "text/html")


# CMS families -----------------------------------------------------------------------------------

def test_trs_pager_script_and_index_pages(manifest):
    col = column(manifest, "sb-huailing-swj", "news")
    pages = math.ceil(len(col["items"]) / 20)
    first = text(col["url"])
    assert f'createPageHTML({pages}, 0, "index", "html")' in first
    second = text(col["url"] + "index_1.html")
    assert f'createPageHTML({pages}, 1, "index", "html")' in second
    assert col["items"][20]["title"] in titles_in(second) and col["items"][20]["title"] not in titles_in(first)
    assert fetch(col["url"] + f"index_{pages}.html")[0] == 404
    assert 'class="TRS_Editor"' in text(col["items"][0]["url"])
    shifted = [i for a in manifest["agencies"] if a["cms"] == "trs" for c in a["columns"] for i in c["items"]
               if (m := re.search(r"/t(\d{8})_\d+\.", i["url"])) and m.group(1) != i["date"].replace("-", "")]
    assert shifted, "some TRS URLs carry a date other than the displayed one"
    variant = text(column(manifest, "sb-suichuan-jmw", "news")["url"])
    assert re.search(r'createPageHTML\(\d+, 0, "index", "htm", "", 20\)', variant)
    assert "<ul" not in variant.split('class="position')[1].split('class="footer')[0]  # all-table layout
    long = next((c, i) for c in agency(manifest, "sb-huailing-swj")["columns"] for i in c["items"][:20]
                if len(i["title"]) > 26)
    assert f'title="{long[1]["title"]}">{long[1]["title"][:24]}...</a>' in html.unescape(text(long[0]["url"]))


def test_hanweb_datastore_and_dataproxy(manifest):
    col = column(manifest, "sb-xuanlin-swj", "news")
    page = text(col["url"])
    total = len(col["items"])
    assert f"totalRecord:{total}," in page and "perPage:15" in page and "groupSize:3" in page
    store = re.search(r'<script type="text/xml"><datastore>(.*?)</datastore></script>', page, re.S).group(1)
    assert "<nextgroup>" in store and store.count("<record><![CDATA[") == 45
    params = re.search(r"columnid:(\d+),sourceContentType:1,unitid:'(\d+)'", page)
    form = {"startrecord": 46, "endrecord": 90, "perpage": 15, "columnid": params.group(1),
            "unitid": params.group(2), "webid": 31}
    proxy = urllib.parse.urljoin(col["url"], "/module/web/jpage/dataproxy.jsp")
    posted = text(proxy, method="POST", data=form)
    got = text(proxy + "?" + urllib.parse.urlencode(form))
    assert posted == got and f"<totalrecord>{total}</totalrecord>" in got
    assert f"<totalpage>{math.ceil(total / 15)}</totalpage>" in got
    assert [t for t in re.findall(r"title='([^']+)'", got)] == [i["title"] for i in col["items"][45:90]]
    detail = text(col["items"][0]["url"])
    assert re.search(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$", col["items"][0]["url"])
    body = detail.split("<!--ZJEG_RSS.content.begin-->")[1].split("<!--ZJEG_RSS.content.end-->")[0]
    assert "<p" in body and "相关文章" not in body


def test_table_pages_with_next_and_last(manifest, at):
    col = column(manifest, "sb-nanyu-wjmj", "news")
    pages = math.ceil(len(col["items"]) / 15)
    first = text(col["url"], "gbk")
    assert f"共{pages}页" in first and f'page={pages}">尾页</a>' in first and 'page=2">下一页</a>' in first
    assert "<span>上一页</span>" in first and fetch(col["url"] + f"&page={pages + 1}")[0] == 404
    last = text(col["url"] + f"&page={pages}", "gbk")
    assert "<span>下一页</span>" in last and col["items"][-1]["title"] in titles_in(last)
    town = column(manifest, "sb-qingshi-zf", "news")
    page = text(town["url"] + "?page=2")
    assert re.search(r"\[\d\d-\d\d\]", page) and re.search(r'<tr class="year"><td colspan="2"><b>20\d\d年</b>', page)
    at(dt.date(2026, 11, 1))
    county = column(build_manifest(dt.date(2026, 11, 1), manifest["port"]), "sb-fengling-gov", "notice")
    page = text(county["url"])
    pinned, newest = county["items"][:2]
    assert f'<font color="red">[置顶]</font><a href="{path_of(pinned["url"])}"' in page
    assert re.search(rf'title="{newest["title"]}">[^<]+</a>（{newest["date"]}）</td>', html.unescape(page))
    assert pinned["date"] < newest["date"]


def test_haiyun_static_first_page_then_only_the_search_api(manifest):
    col = column(manifest, "sb-minhai-swt", "news")
    total = len(col["items"])
    first = text(col["url"])
    assert f"pagebar: {{ prepage: 10, recordCount: '{total}'" in first and "channelid: SiteInfo.searchId" in first
    assert 'ms-controller="list"' in first and '<li ms-repeat="list">' in first and 'class="trt-col-19' in first
    static = re.findall(r'<li><a href="\./\d{6}/t\d{8}_\d+\.htm" target="_blank" title="([^"]+)">', first)
    assert [html.unescape(t) for t in static] == [i["title"] for i in col["items"][:10]]
    assert first.count('<div ms-visible="$showStatic(') == 2    # the static records, five by five
    assert fetch(col["url"] + "index_1.htm")[0] == 404          # no static second page
    api, form = haiyun_search(col, first)
    assert fetch(api)[0] == 405                                  # the search API answers POST only
    answer = json.loads(text(api, method="POST", data={**form, "page": 2}))
    assert (answer["total"], answer["pageCount"]) == (total, math.ceil(total / 10))
    assert [r["doctitle"] for r in answer["data"]] == [i["title"] for i in col["items"][10:20]]
    assert [r["chnldocurl"] for r in answer["data"]] == [i["url"] for i in col["items"][10:20]]
    published = dt.datetime.fromtimestamp(answer["data"][0]["docreltime"] / 1000, dt.timezone(dt.timedelta(hours=8)))
    assert f"{published:%Y-%m-%dT%H:%M}" == col["items"][10]["detail"]["published"]
    assert json.loads(text(api, method="POST", data={**form, "page": answer["pageCount"] + 1}))["data"] == []
    notice = column(manifest, "sb-minhai-swt", "notice")["items"][0]
    page = text(notice["url"])
    assert f'<strong>索&ensp;引&ensp;号</strong>：<font>{notice["detail"]["index_no"]}</font>' in page
    assert f'<strong>发文机关</strong>：<font>{notice["detail"]["publisher"]}</font>' in page
    assert '<div class="TRS_Editor">' in page


def test_gkmlpt_catalogue_api_and_posts(manifest):
    ag = agency(manifest, "sb-lianchuan-gov")
    shell = text(ag["portal"])
    sid = re.search(r"SID: '(\d+)'", shell).group(1)
    tree = json.loads(re.search(r"TREE: (\[.*\]),\n  SERVICE_AREA_ID", shell).group(1))
    assert [n["name"] for n in tree] == ["政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报"]
    assert [f"{ag['portal']}#{n['id']}" for n in tree[2]["children"]] == [c["url"] for c in ag["columns"] if c["parent_url"]]
    assert not titles_in(shell) & {i["title"] for c in ag["columns"] for i in c["items"]}   # the shell lists nothing
    news = column(manifest, ag["id"], "news")
    category = urllib.parse.urlsplit(news["url"]).fragment
    api = urllib.parse.urljoin(ag["portal"], f"api/all/{category}?sid={sid}&page=")
    first, second = (json.loads(text(api + str(n))) for n in (1, 2))
    assert first["total"] == second["total"] == len(news["items"]) > 100
    assert first["classify"] == {"id": int(category), "name": "政务动态", "parent": tree[2]["id"],
                                 "post_count": len(news["items"])}
    assert [a["title"] for a in first["articles"] + second["articles"]] == [i["title"] for i in news["items"]]
    assert json.loads(text(api + "0"))["articles"] == first["articles"]          # page=0 is the first page
    article, item = first["articles"][0], news["items"][0]
    assert article["url"] == f"{item['url']}#{category}"
    assert re.fullmatch(r"http://[\d.:]+/gkmlpt/content/\d+/\d+/post_\d+\.html", item["url"])
    assert article["created_at"][:16].replace(" ", "T") == item["detail"]["published"]
    written = [dt.datetime.fromtimestamp(a["date"], dt.timezone(dt.timedelta(hours=8))).date().isoformat()
               for a in first["articles"]]
    assert sum(day != i["date"] for day, i in zip(written, news["items"])) > 50   # `date` is the 成文日期
    assert fetch(api.replace(sid, "1") + "1")[0] == 404
    empty = column(manifest, ag["id"], "licensing")
    assert json.loads(text(api.replace(category, urllib.parse.urlsplit(empty["url"]).fragment) + "1"))["total"] == 0
    policy = column(manifest, ag["id"], "policy")["items"][0]
    page = text(policy["url"])
    assert f'<td class="first">索引号：</td><td class="second"><span>{policy["detail"]["index_no"]}</span>' in page
    assert f'<td class="first">文号：</td><td class="second"><span>{policy["detail"]["doc_no"]}</span>' in page


def test_powereasy_category_pages_and_pe_pager(manifest):
    col = column(manifest, "sb-shichuan-czj", "news")
    pages = math.ceil(len(col["items"]) / 20)
    assert re.fullmatch(r"http://[\d.:]+/Category_\d+/Index\.aspx", col["url"]) and pages > 2
    first = text(col["url"])
    assert "<!--{pe.begin.pagination}-->" in first and '<a href="Index.aspx">上一页</a>' in first
    assert '<a href="Index_2.aspx">下一页</a>' in first and f'<a href="Index_{pages}.aspx">尾页</a>' in first
    assert link_texts(first) == {i["title"] for i in col["items"][:20]}
    item = col["items"][0]
    assert f'<span class="date">{item["date"]}</span><a href="{path_of(item["url"])}" target="_self" title="标题：' in first
    assert first.count('<li class="split"></li>') == 3
    assert text(col["url"].replace("Index.aspx", "Index_1.aspx")) == first
    last = text(col["url"].replace("Index.aspx", f"Index_{pages}.aspx"))
    assert f'<a href="Index_{pages}.aspx">下一页</a>' in last         # the last page's 下一页 is itself
    assert fetch(col["url"].replace("Index.aspx", f"Index_{pages + 1}.aspx"))[0] == 404
    assert re.fullmatch(r"http://[\d.:]+/Item/\d+\.aspx", item["url"]) and 'id="fontzoom"' in text(item["url"])


# encodings and JavaScript ----------------------------------------------------------------------

def test_gbk_site_without_header_charset(manifest):
    status, headers, body = fetch(agency(manifest, "sb-nanyu-wjmj")["homepage"])
    assert status == 200 and headers["Content-Type"] == "text/html"
    assert b'<meta charset="gb2312">' in body
    page = body.decode("gbk")
    assert "陈喆" in page and "林镕" in page
    with pytest.raises(UnicodeDecodeError):
        body.decode("gb2312")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_wrong_latin1_header_over_utf8_body(manifest):
    status, headers, body = fetch(agency(manifest, "sb-suichuan-jmw")["homepage"])
    assert headers["Content-Type"] == "text/html; charset=ISO-8859-1"
    assert "穗川市经济贸易委员会" in body.decode("utf-8") and b"charset=utf-8" in body


def test_js_lists_are_invisible_to_a_plain_fetch(manifest):
    endpoint = column(manifest, "sb-yuanchuan-swj", "news")
    page = text(endpoint["url"])
    assert endpoint["js"] == "endpoint" and not titles_in(page) & {i["title"] for i in endpoint["items"]}
    api = re.search(r"'(/api/columns/\d+/items\.json\?page=1)'", page).group(1)
    data = json.loads(text(urllib.parse.urljoin(endpoint["url"], api)))
    assert data["total"] == len(endpoint["items"])
    assert [r["DOCTITLE"] for r in data["data"]] == [i["title"] for i in endpoint["items"][:20]]
    assert [r["DOCPUBURL"] for r in data["data"]] == [i["url"] for i in endpoint["items"][:20]]
    render = column(manifest, "sb-yuanchuan-swj", "notice")
    page = text(render["url"])
    assert render["js"] == "render" and '<script src="/static/js/list.js">' in page
    assert not any(i["title"] in page for i in render["items"])
    script = text(urllib.parse.urljoin(render["url"], "/static/js/list.js"))
    assert "getDocuments" not in script and "/interface" not in script
    assert listed_titles(agency(manifest, "sb-yuanchuan-swj"), render) == {i["title"] for i in render["items"]}
    trs_endpoint = column(manifest, "sb-suichuan-jmw", "penalty")
    assert trs_endpoint["js"] == "endpoint" and "/items.json?page=1'" in text(trs_endpoint["url"])


# time, validators, availability -----------------------------------------------------------------

def test_as_of_moves_items_columns_and_removals(manifest, at):
    col = column(manifest, "sb-huailing-swj", "news")
    item = col["items"][0]
    day = dt.date.fromisoformat(item["date"])
    at(day - dt.timedelta(days=1))
    assert fetch(item["url"])[0] == 404 and item["title"] not in titles_in(text(col["url"]))
    at(day)
    assert fetch(item["url"])[0] == 200 and item["title"] in titles_in(text(col["url"]))

    removed = next(d for d in manifest["defects"] if d["check"] == "item_removed")
    gone = dt.date.fromisoformat(removed["detail"]["removed_on"])
    notice = column(build_manifest(gone - dt.timedelta(days=1), manifest["port"]), "sb-xuanlin-swj", "notice")
    assert removed["subject"] in {i["url"] for i in notice["items"]}
    assert removed["subject"] not in {i["url"] for i in column(manifest, "sb-xuanlin-swj", "notice")["items"]}
    at(gone - dt.timedelta(days=1))
    assert fetch(removed["subject"])[0] == 200
    at(gone)
    assert fetch(removed["subject"])[0] == 404

    late = column(manifest, "sb-wuxing-swj", "interpretation")
    portal = agency(manifest, "sb-wuxing-swj")["portal"]
    at(dt.date(2026, 5, 31))
    assert fetch(late["url"])[0] == 404 and path_of(late["url"]) not in text(portal)
    assert "interpretation" not in {c["type"] for c in agency(build_manifest(dt.date(2026, 5, 31), 1), "sb-wuxing-swj")["columns"]}
    at(dt.date(2026, 6, 1))
    assert fetch(late["url"])[0] == 200 and path_of(late["url"]) in text(portal)


def test_conditional_requests(manifest, at):
    col = column(manifest, "sb-xuanlin-swj", "policy")
    urls = [col["url"], col["items"][3]["url"], agency(manifest, "sb-xuanlin-swj")["portal"]]
    validators = {}
    for url in urls:
        status, headers, body = fetch(url)
        assert headers["ETag"].strip('"') == hashlib.sha1(body).hexdigest()[:20]
        validators[url] = headers["ETag"], headers["Last-Modified"]
        assert fetch(url, headers={"If-None-Match": headers["ETag"]})[0] == 304
        assert fetch(url, headers={"If-Modified-Since": headers["Last-Modified"]})[0] == 304
        head = fetch(url, method="HEAD")
        assert head[0] == 200 and head[2] == b"" and head[1]["Content-Length"] == str(len(body))
    next_item = column(build_manifest(REF + dt.timedelta(days=120), 1), "sb-xuanlin-swj", "policy")["items"][0]
    assert dt.date.fromisoformat(next_item["date"]) > REF + dt.timedelta(days=1)
    at(REF + dt.timedelta(days=1))
    for url in urls[:2]:
        assert fetch(url, headers={"If-None-Match": validators[url][0]})[0] == 304
        assert fetch(url, headers={"If-Modified-Since": validators[url][1]})[0] == 304
    at(dt.date.fromisoformat(next_item["date"]))
    assert fetch(col["url"], headers={"If-None-Match": validators[col["url"]][0]})[0] == 200
    assert fetch(col["url"], headers={"If-Modified-Since": validators[col["url"]][1]})[0] == 200


def test_site_down_window_refuses_connections(manifest, at):
    home = agency(manifest, "sb-fengling-gov")["homepage"]
    assert agency(manifest, "sb-fengling-gov")["down"]
    with pytest.raises(urllib.error.URLError) as refused:
        fetch(home)
    assert isinstance(refused.value.reason, ConnectionRefusedError)
    for day in (dt.date(2026, 11, 11), dt.date(2026, 11, 26)):
        at(day)
        assert fetch(home)[0] == 200
    at(dt.date(2026, 11, 12))
    with pytest.raises(urllib.error.URLError):
        fetch(home)


def test_robots_slow_page_404_and_log(manifest, sandbox):
    ag = agency(manifest, "sb-suichuan-jmw")
    status, headers, body = fetch(urllib.parse.urljoin(ag["homepage"], "/robots.txt"))
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    disallowed = re.findall(r"^Disallow: (\S+)$", body.decode(), re.M)
    assert disallowed == ag["robots_disallow"] and "/search/" in disallowed
    portal = text(ag["portal"])
    hidden = [p for p in disallowed if p != "/search/"]
    assert hidden and all(f'href="{p}"' in portal for p in hidden)
    assert not [c for c in ag["columns"] if path_of(c["url"]) in disallowed]
    for other in manifest["agencies"]:
        if not other["down"]:
            assert fetch(urllib.parse.urljoin(other["homepage"], "/robots.txt"))[0] == 200
    slow = agency(manifest, "sb-huailing-gov")["slow_pages"][0]
    started = time.monotonic()
    assert fetch(slow)[0] == 200 and time.monotonic() - started >= 0.5
    started = time.monotonic()
    assert fetch(agency(manifest, "sb-huailing-gov")["portal"])[0] == 200 and time.monotonic() - started < 0.5
    sandbox.clear_log()
    status, _, body = fetch(urllib.parse.urljoin(ag["homepage"], "/no/such/page.html?x=1"))
    assert status == 404 and "页面不存在" in body.decode("utf-8")
    host = urllib.parse.urlsplit(ag["homepage"]).hostname
    assert sandbox.request_log == [(host, "GET", "/no/such/page.html?x=1", 404)]


def test_city_government_links_its_departments(manifest):
    gov = agency(manifest, "sb-huailing-gov")
    page = text(gov["homepage"])
    departments = page.split("<h3>市政府部门</h3>")[1].split("</ul>")[0]
    counties = page.split("<h3>区县政府</h3>")[1].split("</ul>")[0]
    children = [a for a in manifest["agencies"] if a["parent"] == "sb-huailing-gov"]
    assert children and all(f'href="{a["homepage"]}"' in departments for a in children)
    assert f'href="{agency(manifest, "sb-fengling-gov")["homepage"]}"' in counties


# annual reports ---------------------------------------------------------------------------------

def test_annual_reports_formats_cells_and_balance(manifest):
    for ag in manifest["agencies"]:
        years = {r["year"]: r for r in ag["reports"]}
        missing = {"sb-yuanchuan-swj": {2022}, "sb-lianchuan-gov": {2021}}.get(ag["id"], set())
        assert set(range(2014, 2026)) - set(years) == missing
        assert all(r["format"] == ("free" if y <= 2018 else "2019" if y <= 2020 else "2021") for y, r in years.items())
    gov = agency(manifest, "sb-huailing-swj")
    r2021 = next(r for r in gov["reports"] if r["year"] == 2023)
    page = text(r2021["url"])
    assert 'rowspan="22"' in page and "（本列数据的勾稽关系为" in page and "<p>商业</p><p>企业</p>" in page
    cells = {(c["row"], c["col"]): c["value"] for c in r2021["cells"]["requests"]}
    assert ("三、本年度办理结果/（三）不予公开/1.属于国家秘密", "申请人情况/法人或其他组织/商业企业") in cells
    assert len(r2021["cells"]["review_litigation"]) == 15 and len(cells) == 25 * 7
    assert "行政诉讼/复议后起诉/总计" in {c["col"] for c in r2021["cells"]["review_litigation"]}
    assert 'rowspan="20"' in text(next(r for r in gov["reports"] if r["year"] == 2020)["url"])
    free = next(r for r in gov["reports"] if r["year"] == 2016)
    assert f"全年主动公开政府信息{free['figures']['active_disclosed']}条" in text(free["url"])
    broken = next(r for r in agency(manifest, "sb-suichuan-jmw")["reports"] if r["balance_error"])
    c = {(x["row"], x["col"]): x["value"] for x in broken["cells"]["requests"]}
    col = "申请人情况/自然人"
    assert (c[("一、本年新收政府信息公开申请数量", col)] + c[("二、上年结转政府信息公开申请数量", col)]
            != c[("三、本年度办理结果/（七）总计", col)] + c[("四、结转下年度继续办理", col)])
    assert [r["year"] for a in manifest["agencies"] for r in a["reports"] if r["balance_error"]] == [2023]


def grid(table) -> list[list[tuple[int, str]]]:
    """The table as a grid of (cell id, text without whitespace), spans expanded."""
    rows: dict[int, dict[int, tuple[int, str]]] = {}
    for r, tr in enumerate(table.iter("tr")):
        c = 0
        for td in tr.iter("td"):
            while c in rows.setdefault(r, {}):
                c += 1
            value = (id(td), re.sub(r"\s", "", td.text_content().replace("\xa0", " ")))
            for dr in range(int(td.get("rowspan", 1))):
                for dc in range(int(td.get("colspan", 1))):
                    rows.setdefault(r + dr, {})[c + dc] = value
            c += int(td.get("colspan", 1))
    return [[row[k] for k in sorted(row)] for _, row in sorted(rows.items())]


def path(cells) -> str:
    labels = []
    for _, label in cells:
        if label and label not in labels:
            labels.append(label)
    return "/".join(labels)


def number(label: str):
    return None if label == "" else float(label) if "." in label else int(label)


def read_report_tables(page: str) -> dict:
    """The three tables read as a parser would: labels joined over header rows and spans."""
    active, requests, review = lxml.html.fromstring(page).xpath("//table")[-3:]
    out = {"active": [], "requests": [], "review_litigation": []}
    section, header = "", []
    for row in grid(active):
        if len({cid for cid, _ in row}) == 1:
            section = row[0][1]
        elif row[0][1] == "信息内容":
            header = row
        else:
            seen = set()
            for k, (cid, value) in enumerate(row[1:], start=1):
                if cid not in seen:
                    seen.add(cid)
                    out["active"].append({"row": f"{section}/{row[0][1]}", "col": header[k][1], "value": number(value)})
    g = grid(requests)
    for row in g[3:]:
        for k in range(3, 10):
            out["requests"].append({"row": path(row[:3]), "col": path([g[0][k], g[1][k], g[2][k]]),
                                    "value": number(row[k][1])})
    g = grid(review)
    out["review_litigation"] = [{"row": "", "col": path([g[0][k], g[1][k], g[2][k]]), "value": number(g[3][k][1])}
                                for k in range(15)]
    return out


def test_report_tables_read_back_to_the_manifest_cells(manifest):
    for ag in manifest["agencies"]:
        if ag["down"]:
            continue
        for report in ag["reports"]:
            if report["format"] != "free" and report["media"] == "html":
                page = text(report["url"], "gbk" if ag["encoding"] == "gbk" else "utf-8")
                assert read_report_tables(page) == report["cells"], (ag["id"], report["year"])


def test_pdf_report_has_extractable_chinese(manifest):
    report = next(r for a in manifest["agencies"] for r in a["reports"] if r["media"] == "pdf")
    status, headers, body = fetch(report["url"])
    assert status == 200, "the PDF report needs a CJK font: apt-get install fonts-wqy-microhei"
    assert headers["Content-Type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        extracted = "".join(page.extract_text() or "" for page in pdf.pages)
    assert report["title"] in extracted.replace("\n", "") and "三、收到和处理政府信息公开申请情况" in extracted


# history plants (issue #17) -------------------------------------------------------------------------

def defect(manifest, check: str, agency_id: str) -> dict:
    return next(d for d in manifest["defects"] if d["check"] == check and d["agency"] == agency_id)


def board(manifest, agency_id: str) -> dict:
    return column(manifest, agency_id, "interaction")


def test_message_boards_as_a_table_labelled_rows_and_a_json_endpoint(manifest, at):
    table = text(board(manifest, "sb-qingshi-zf")["url"])
    assert "<tr><th>留言标题</th><th>留言时间</th><th>回复时间</th><th>办理状态</th></tr>" in table
    late = defect(manifest, "message_unanswered", "sb-qingshi-zf")
    row = re.search(rf'<a href="{re.escape(path_of(late["subject"]))}"[^>]*>[^<]*</a></td>(.*?)</tr>',
                    text(board(manifest, "sb-qingshi-zf")["url"] + "?page=2") + table).group(1)
    assert row == f"<td>{late['detail']['asked']}</td><td>{late['detail']['replied']}</td><td>已回复</td>"
    rows = text(board(manifest, "sb-huailing-gov")["url"])
    never = defect(manifest, "message_unanswered", "sb-huailing-gov")
    assert "<span>状态：已转交</span>" in rows and "<span>状态：办理中</span>" in rows
    assert re.search(rf'href="{re.escape(path_of(never["subject"]))}".*?<span>留言时间：{never["detail"]["asked"]}</span>'
                     r"<span>状态：办理中</span>", rows)
    js = board(manifest, "sb-yuanchuan-swj")
    page = text(js["url"])
    assert js["js"] == "endpoint" and not titles_in(page) & {i["title"] for i in js["items"]}
    api = urllib.parse.urljoin(js["url"], re.search(r"'(/api/columns/\d+/messages\.json\?page=1)'", page)[1])
    letters = [x for n in range(1, 4) for x in json.loads(text(api.replace("page=1", f"page={n}")))["data"]]
    by_url = {x["url"]: x for x in letters}
    assert [x["title"] for x in letters] == [i["title"] for i in js["items"]]
    planted = [d for d in manifest["defects"] if d["check"] == "message_unanswered" and d["agency"] == "sb-yuanchuan-swj"]
    assert len(planted) == 2
    for d in planted:
        letter = by_url[d["subject"]]
        assert letter["createTime"][:10] == d["detail"]["asked"]
        assert (letter["replyTime"][:10] or None, letter["status"]) == (
            d["detail"]["replied"], "已回复" if d["detail"]["replied"] else "办理中")
    assert {x["status"] for x in letters} == {"已回复", "办理中", "已转交"}
    # before its reply the late message shows 办理中 and no date; its page gains the reply that day
    at(dt.date.fromisoformat(late["detail"]["replied"]) - dt.timedelta(days=1))
    assert "答复内容" not in text(late["subject"])
    at(dt.date.fromisoformat(late["detail"]["replied"]))
    assert f"答复时间：{late['detail']['replied']}" in text(late["subject"])


def gb11643_valid(number: str) -> bool:
    total = sum(int(d) * w for d, w in zip(number, GB11643_WEIGHTS))
    return len(number) == 18 and "10X98765432"[total % 11] == number[17]


def test_residents_numbers_are_synthetic_valid_and_beside_lookalikes(manifest):
    page_leak = defect(manifest, "privacy_leak", "sb-huailing-swj")
    page = text(page_leak["subject"])
    ids = re.findall(r"<td>(\d{17}[\dX])</td>", page)
    mobiles = re.findall(r"<td>(1[3-9]\d{9})</td>", page)
    assert len(ids) == len(mobiles) == page_leak["detail"]["id_cards"] == page_leak["detail"]["mobiles"] == 3
    assert all(gb11643_valid(n) and n.startswith("3419") for n in ids)   # 3419: the fictional 淮岭市
    assert ids[0].endswith("X") and page_leak["detail"]["masked"] == [n[:4] + "*" * 10 + n[14:] for n in ids] + [
        m[:3] + "****" + m[7:] for m in mobiles]
    order = re.search(r"订单编号：(\d{18})；合同编号：(\d{18})；", page)
    assert order and order[1].startswith("2026") and gb11643_valid(order[2])   # no province 20; an ID-shaped contract
    assert re.search(r"账号：6217\d{15}，", page)
    attached = defect(manifest, "privacy_leak", "sb-nanyu-wjmj")
    assert attached["detail"]["where"] == ["附件：补贴资金发放明细表.pdf"]
    ag = agency(manifest, "sb-nanyu-wjmj")
    item = next(i for c in ag["columns"] for i in c["items"] if i["url"] == attached["subject"])
    assert not re.search(r"\d{17}[\dX]", text(item["url"], "gbk"))
    status, headers, body = fetch(item["detail"]["attachments"][-1]["url"])
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        extracted = "".join(p.extract_text() or "" for p in pdf.pages)
    ids = re.findall(r"\b(\d{17}[\dX])\b", extracted)
    assert len(ids) == 3 and all(gb11643_valid(n) for n in ids)
    assert [n[:4] + "*" * 10 + n[14:] for n in ids] == attached["detail"]["masked"][:3]
    clean = column(manifest, "sb-huailing-czj", "procurement")
    shown = next(p for i in clean["items"] if "订单编号" in (p := text(i["url"])))
    assert re.search(r"订单编号：\d{18}；合同编号：\d{18}；成交日期：\d{8}", shown)


def test_every_policy_document_has_its_interpretation_but_one(manifest):
    missing = [d["subject"] for d in manifest["defects"] if d["check"] == "interpretation_missing"]
    assert len(missing) == 1
    for ag in manifest["agencies"]:
        readings = [i for c in ag["columns"] for i in c["items"] if c["type"] == "interpretation" or "解读" in i["title"]
                    or "图解" in i["title"]]
        for col in [c for c in ag["columns"] if c["type"] == "policy"]:
            for doc in col["items"]:
                if not doc["detail"]["doc_no"] or doc["url"] in missing:
                    continue
                # by a 《》 title it carries, else by its own title put in 《》, or by its 文号
                named = re.findall(r"《[^《》]+》", doc["title"]) or [f"《{doc['title'].removeprefix(ag['name'])}》"]
                named.append(doc["detail"]["doc_no"])
                assert any(n in r["title"] for r in readings for n in named), (ag["id"], doc["title"])
    # an agency without a 政策解读 column publishes the 解读 beside the document, the same day
    policy = column(manifest, "sb-huailing-swj", "policy")
    doc = next(i for i in policy["items"] if i["detail"]["doc_no"])
    reading = next(i for i in policy["items"] if not i["detail"]["doc_no"] and doc["date"] == i["date"])
    assert doc["detail"]["doc_no"] in text(reading["url"]) and "解读" in reading["title"]


def test_a_backdated_item_and_a_reorganised_portal_on_the_history_day(manifest, at):
    news = column(manifest, "sb-wuxing-swj", "news")
    after = build_manifest(HISTORY_DAY, manifest["port"])
    late = defect(after, "item_backdated", "sb-wuxing-swj")
    assert late["subject"] not in {i["url"] for i in news["items"]} and fetch(late["subject"])[0] == 404
    before = {c["name"]: c["url"] for c in agency(manifest, "sb-shichuan-czj")["columns"]}
    portal = agency(manifest, "sb-shichuan-czj")["portal"]
    at(HISTORY_DAY)
    listed = column(after, "sb-wuxing-swj", "news")["items"][0]
    assert (listed["url"], listed["date"]) == (late["subject"], late["detail"]["declared"])
    assert late["detail"]["declared"] < (REF - dt.timedelta(days=3)).isoformat()   # well before the last walk
    assert late["detail"]["title"] in listed_titles(agency(after, "sb-wuxing-swj"), column(after, "sb-wuxing-swj", "news"))
    now = {c["name"]: c["url"] for c in agency(after, "sb-shichuan-czj")["columns"]}
    changes = {d["detail"]["change"]: d for d in after["defects"] if d["check"] == "column_changed"}
    assert now["工作动态"] == before["财政动态"] == changes["renamed"]["subject"]
    assert now["财政预决算"] != before["财政预决算"] == changes["moved"]["subject"]
    assert "政府采购" not in now and before["政府采购"] == changes["gone"]["subject"]
    assert "优化营商环境" not in before and now["优化营商环境"] == changes["added"]["subject"]
    shown = text(portal)
    assert "财政动态" not in shown and "政府采购" not in shown and path_of(now["优化营商环境"]) in shown
    assert fetch(before["政府采购"])[0] == fetch(before["财政预决算"])[0] == 404
    gone = column(manifest, "sb-shichuan-czj", "procurement")["items"][0]
    assert fetch(gone["url"])[0] == 200            # the dropped column's documents stay online
    moved = column(after, "sb-shichuan-czj", "budget")
    assert [i["url"] for i in moved["items"]] == [i["url"] for i in column(manifest, "sb-shichuan-czj", "budget")["items"]]
