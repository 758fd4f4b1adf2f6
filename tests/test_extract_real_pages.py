"""The list, detail and report extractors against the real government pages of tests/files/real-pages
and the facts people wrote in pages.json by reading them: every expected value, exactly (portal
pages: tests/test_extract_columns.py)."""

import re
from functools import cache
from urllib.parse import parse_qs, urlsplit

import pytest

from extract import date_from_url, decode_html, extract_detail, extract_list, parse_report


from .conftest import REAL_PAGES, real_pages

LISTS = real_pages("list")
DETAILS = real_pages("detail")
REPORTS = real_pages("report")
DETAIL_FACTS = ("title", "source", "publisher", "index_no", "doc_no", "attachments")


def page(name: str) -> str:
    """The page's text, decoded as the crawler decodes it (a page may be GBK, or carry a BOM)."""
    return decode_html((REAL_PAGES / name).read_bytes())[0]


# Each page is extracted once for all its tests (a PDF report takes a second).
@cache
def list_page(name: str):
    return extract_list(page(name), LISTS[name]["url"])


@cache
def detail_page(name: str, kind: str = "detail"):
    return extract_detail(page(name), real_pages(kind)[name]["url"])


@cache
def report(name: str):
    return parse_report((REAL_PAGES / name).read_bytes(), REPORTS[name]["url"] or "")


# --- lists: every item and the page count ------------------------------------------------------

@pytest.mark.parametrize("name", sorted(LISTS))
def test_list_items_match_expected_exactly(name):
    assert list_page(name).to_json()["items"] == LISTS[name]["expect"]["items"]


@pytest.mark.parametrize("name", sorted(LISTS))
def test_list_total_pages(name):
    assert list_page(name).total_pages == LISTS[name]["expect"]["total_pages"]


@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_real_list_is_read_with_confidence(name):
    assert list_page(name).problem is None


# --- details: the facts the page shows ----------------------------------------------------------

@pytest.mark.parametrize(
    "name,fact", [(name, fact) for name in sorted(DETAILS) for fact in DETAIL_FACTS if fact in DETAILS[name]["expect"]],
)
def test_detail_facts(name, fact):
    assert detail_page(name).to_json()[fact] == DETAILS[name]["expect"][fact]


@pytest.mark.parametrize("name", sorted(DETAILS))
def test_detail_published_date_and_time(name):
    expect = DETAILS[name]["expect"]
    published = detail_page(name).published
    assert ((published or "")[:10] or None) == expect["published"]  # None: the page shows no date
    if expect.get("published_time"):  # the time, where the page shows one: we keep HH:MM
        assert "T" in published
        assert expect["published_time"].startswith(published.replace("T", " "))


@pytest.mark.parametrize(
    "name,fact",
    [(name, fact) for name in sorted(DETAILS) for fact in ("written", "validity")
     if fact in DETAILS[name]["expect"]],
)
def test_detail_optional_facts(name, fact):
    assert getattr(detail_page(name), fact) == DETAILS[name]["expect"][fact]


def test_detail_to_json_has_exactly_the_agreed_keys():
    assert set(detail_page("pingtan_gwhwj_detail_67534.html").to_json()) == {
        "title", "published", "source", "publisher", "index_no", "doc_no", "attachments", "text", "privacy",
    }


# --- annual reports: year, date, format and every expected cell ----------------------------------

@pytest.mark.parametrize(
    "name,fact", [(name, fact) for name in sorted(REPORTS) for fact in ("year", "published", "format", "title")
                  if fact in REPORTS[name]["expect"]],
)
def test_report_facts(name, fact):
    parsed = report(name)
    assert (parsed.title if fact == "title" else parsed.to_json()[fact]) == REPORTS[name]["expect"][fact]


def _report_cells():
    for name in sorted(REPORTS):
        for number, (table, rows, cols, value) in enumerate(REPORTS[name]["expect"].get("cells", []), start=1):
            yield pytest.param(name, table, rows, cols, value, id=f"{name}-cell{number}")


@pytest.mark.parametrize("name,table,rows,cols,value", list(_report_cells()))
def test_report_cell(name, table, rows, cols, value):
    """The one cell whose row and column labels contain the expected label parts has the value
    (None: the cell is printed blank)."""
    cells = report(name).to_json()["tables"].get(table, [])
    hits = [c for c in cells if all(r in c["row"] for r in rows) and all(k in c["col"] for k in cols)]
    assert [c["value"] for c in hits] == [value], hits


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_report_is_judged_by_its_own_format(name):
    """No report is blamed for sections or tables of a template it does not follow, and an old
    statistics table never fills the 2019/2021 tables."""
    parsed = report(name).to_json()
    kinds = {p["kind"] for p in parsed["problems"]}
    if parsed["format"] in ("pre2019", "free"):
        assert not kinds & {"sections_missing", "table_incomplete", "table_missing"}
        assert parsed["tables"]["requests"] == parsed["tables"]["active"] == parsed["tables"]["review_litigation"] == []


@pytest.mark.parametrize("name", sorted(name for name in REPORTS if name.endswith(".html")))
def test_report_pages_title_date_source(name):
    expect = REPORTS[name]["expect"]
    detail = detail_page(name, "report")
    assert detail.title == expect["title"]
    assert detail.published[:10] == expect["published"]
    if expect.get("published_time"):
        assert expect["published_time"].startswith(detail.published.replace("T", " "))
    assert detail.source == expect.get("source")


# --- traps named in the pages' notes ---------------------------------------------------------

def test_hanweb_list_has_45_preloaded_records_and_15_pages():
    listing = list_page("shandong_nyj_tzgg_list_hanweb.html")
    assert len(listing.items) == 45
    assert listing.total_pages == 15  # ceil(totalRecord 224 / perPage 15)


def test_hanweb_list_next_pages_are_dataproxy_ranges_after_the_preloaded_45():
    listing = list_page("shandong_nyj_tzgg_list_hanweb.html")
    queries = [parse_qs(urlsplit(url).query) for url in listing.next_pages]
    assert all(urlsplit(url).path == "/module/web/jpage/dataproxy.jsp" for url in listing.next_pages)
    assert all(url.startswith("http://nyj.shandong.gov.cn/") for url in listing.next_pages)
    assert [(q["startrecord"][0], q["endrecord"][0]) for q in queries] == [
        ("46", "90"), ("91", "135"), ("136", "180"), ("181", "224"),
    ]
    for q in queries:
        assert (q["perpage"], q["columnid"], q["unitid"], q["webid"]) == (["15"], ["59960"], ["745545"], ["355"])


def test_hanweb_list_dates_are_the_records_own_not_the_build_time():
    items = list_page("shandong_nyj_tzgg_list_hanweb.html").items
    assert items[0].date.isoformat() == "2026-09-18"
    assert "2026-09-20" not in {item.date.isoformat() for item in items}  # Maketime 2026-09-20 18:11


def test_hanweb_detail_ignores_maketime():
    detail = detail_page("shandong_nyj_article_hanweb.html")
    assert detail.published == "2026-09-20T19:05"  # Maketime says 2026-09-21 12:05:46


@pytest.mark.parametrize(
    "name,published,body_dates",
    [
        ("nea_energy_law_detail.html", "2024-11-09", ["2024年11月8日", "2025年1月1日"]),
        ("mee_weekly_news_detail_20220417.html", "2022-04-17", ["4月12日", "2022年3月23日", "2022年7月1日"]),
    ],
)
def test_detail_body_dates_are_not_the_publish_date(name, published, body_dates):
    detail = detail_page(name)
    assert all(date in detail.text for date in body_dates)  # they are in the body ...
    assert detail.published[:10] == published  # ... and not taken as the date


def test_pingtan_list_url_dates_differ_from_displayed_dates():
    items = {item.url: item for item in list_page("pingtan_rsrm_list.html").items}
    item = items["https://www.pingtan.gov.cn/zwgk/zfxxgk/fdzdgknr/zkly/rsrm/202602/t20260205_105072.htm"]
    assert date_from_url(item.url).isoformat() == "2026-02-05"
    assert item.date.isoformat() == "2025-08-05"


def test_pingtan_list_keeps_page_order_even_when_dates_are_not_sorted():
    dates = [item.date.isoformat() for item in list_page("pingtan_rsrm_list.html").items[:5]]
    assert dates == ["2025-08-05", "2025-08-05", "2025-08-05", "2025-05-07", "2025-06-27"]


def test_pingtan_list_75_static_items_9_pages_and_its_search_api():
    listing = list_page("pingtan_rsrm_list.html")
    assert len(listing.items) == 75
    assert listing.total_pages == 9  # ceil(recordCount 127 / prepage 15)
    assert listing.next_pages == []  # later pages come only from a POST search API
    assert listing.data_endpoints == ["https://www.pingtan.gov.cn/fjdzapp/search"]
    assert not listing.scripted


def test_pingtan_detail_url_date_is_not_the_publish_date():
    detail = detail_page("pingtan_rsrm_detail_105071.html")
    assert date_from_url(DETAILS["pingtan_rsrm_detail_105071.html"]["url"]).isoformat() == "2026-02-05"
    assert detail.published == "2025-08-05T14:59"


def test_pingtan_detail_title_is_not_the_title_element():
    assert detail_page("pingtan_rsrm_detail_105071.html").title == "平潭综合实验区党工委关于林良明等同志任职的通知"


def test_pingtan_gwhwj_written_date_is_not_the_publish_date():
    detail = detail_page("pingtan_gwhwj_detail_67534.html")
    assert (detail.written, detail.published[:10]) == ("2019-05-23", "2019-05-24")


def test_nea_tabbed_list_has_93_unique_urls_of_95_links_across_six_hosts():
    html = page("nea_law_column_tabbed_list.html")
    assert len(re.findall(r"<li><a href=", html)) == 95
    items = list_page("nea_law_column_tabbed_list.html").items
    assert len(items) == len({item.url for item in items}) == 93
    assert {urlsplit(item.url).netloc for item in items} == {
        "www.nea.gov.cn", "zfxxgk.nea.gov.cn", "www.ndrc.gov.cn", "zfxxgk.ndrc.gov.cn", "www.gov.cn", "www.mee.gov.cn",
    }


def test_nea_tabbed_list_collapses_whitespace_between_co_issuers():
    titles = {item.title for item in list_page("nea_law_column_tabbed_list.html").items}
    assert "国家能源局 财政部 国土资源部 环境保护部关于印发《煤矿充填开采工作指导意见》的通知" in titles


@pytest.mark.parametrize("name", sorted(LISTS))
def test_list_timing_is_reasonable(name):
    """Not a benchmark: catches an accidental quadratic or dateparser-per-string slowdown."""
    import time

    html, url = page(name), LISTS[name]["url"]
    start = time.perf_counter()
    for _ in range(5):
        extract_list(html, url)
    assert (time.perf_counter() - start) / 5 < 0.25
