"""The extractors against eleven real government pages and the facts checked in tests/files/real-pages/pages.json."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from extract import date_from_url, extract_detail, extract_links, extract_list


from .conftest import REAL_PAGES, real_pages

LISTS = real_pages("list")
DETAILS = real_pages("detail")
REPORTS = real_pages("report")
PORTALS = real_pages("portal")


def page(name: str) -> str:
    return (REAL_PAGES / name).read_text(encoding="utf-8")


def list_page(name: str):
    return extract_list(page(name), LISTS[name]["url"])


def detail_page(name: str, cases=DETAILS):
    return extract_detail(page(name), cases[name]["url"])


# --- lists: every item and the page count of pages.json ---------------------------------------

@pytest.mark.parametrize("name", sorted(LISTS))
def test_list_items_match_expected_exactly(name):
    assert list_page(name).to_json()["items"] == LISTS[name]["expect"]["items"]


@pytest.mark.parametrize("name", sorted(LISTS))
def test_list_total_pages(name):
    assert list_page(name).total_pages == LISTS[name]["expect"]["total_pages"]


# --- details and reports: the facts of pages.json -------------------------------------------

@pytest.mark.parametrize("name", sorted(DETAILS))
@pytest.mark.parametrize("fact", ["title", "source", "index_no", "doc_no", "attachments"])
def test_detail_facts(name, fact):
    assert detail_page(name).to_json()[fact] == DETAILS[name]["expect"][fact]


@pytest.mark.parametrize("name", sorted(DETAILS))
def test_detail_published_date_and_time(name):
    expect = DETAILS[name]["expect"]
    published = detail_page(name).published
    assert published[:10] == expect["published"]
    # We keep HH:MM; the page may show seconds too.
    assert expect["published_time"].startswith(published.replace("T", " "))
    assert "T" in published


@pytest.mark.parametrize(
    "name,fact",
    [(name, fact) for name in sorted(DETAILS) for fact in ("written", "publisher", "validity")
     if fact in DETAILS[name]["expect"]],
)
def test_detail_optional_facts(name, fact):
    assert getattr(detail_page(name), fact) == DETAILS[name]["expect"][fact]


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_report_pages_title_date_source(name):
    expect = REPORTS[name]["expect"]
    detail = detail_page(name, REPORTS)
    assert detail.title == expect["title"]
    assert detail.published[:10] == expect["published"]
    assert expect["published_time"].startswith(detail.published.replace("T", " "))
    assert detail.source == expect["source"]


def test_detail_to_json_has_exactly_the_agreed_keys():
    assert set(detail_page("pingtan_gwhwj_detail_67534.html").to_json()) == {
        "title", "published", "source", "publisher", "index_no", "doc_no", "attachments", "text",
    }


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


def test_portal_links_include_the_six_subcolumns():
    (name, case), = PORTALS.items()
    links = set(extract_links(page(name), case["url"]))
    for column in case["expect"]["subcolumns"]:
        assert (column["name"], column["url"]) in links


@pytest.mark.parametrize("name", sorted(LISTS))
def test_list_timing_is_reasonable(name):
    """Not a benchmark: catches an accidental quadratic or dateparser-per-string slowdown."""
    import time

    html, url = page(name), LISTS[name]["url"]
    start = time.perf_counter()
    for _ in range(5):
        extract_list(html, url)
    assert (time.perf_counter() - start) / 5 < 0.25
