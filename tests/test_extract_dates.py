import datetime as dt

import pytest

from extract import date_from_url, parse_date, parse_datetime

JAN5 = dt.date(2024, 1, 5)


@pytest.mark.parametrize(
    "text",
    [
        "2024-01-05",
        "2024/1/5",
        "2024年1月5日",
        "2024 年 01 月 05 日",
        "2024.01.05",
        "[2024-01-05]",
        "（2024-01-05）",
        "2024-01-05 10:30",
        "2024-01-05 10:30:59",
        "2024-1-5",
        "２０２４－０１－０５",  # full-width digits and hyphens
        "２０２４年１月５日",
        "发布日期：2024-01-05",
        "发布时间：2024年01月05日 10时30分",
        "二〇二四年一月五日",
        "Jan 5, 2024",
    ],
)
def test_full_dates(text):
    assert parse_date(text) == JAN5


@pytest.mark.parametrize("text", ["01-05", "[01-05]", "1月5日", "【01/05】", "01.05"])
def test_short_dates_take_the_year_hint(text):
    assert parse_date(text, year_hint=2024) == JAN5


@pytest.mark.parametrize("text", ["01-05", "[01-05]", "1月5日"])
def test_short_dates_without_a_year_are_unknown(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    "text,year_hint",
    [
        ("2024-02-30", None),
        ("2023-02-29", None),
        ("2024-13-01", None),
        ("2024-00-10", None),
        ("2024年1月32日", None),
        ("02-29", 2023),
        ("16-10", 2024),  # a document number in a title, not October 16th nor month 16
        ("2017年工作要点", 2024),  # a year is no date
        ("2024年1月", None),
        ("关于16-10号地块挂牌出让的公告", 2024),  # short forms only count when they are the whole text
        ("20240105", None),  # only in URLs, through date_from_url
        ("第12期", 2024),
        ("", None),
    ],
)
def test_rejections(text, year_hint):
    assert parse_date(text, year_hint=year_hint) is None


def test_leap_day_is_valid_in_a_leap_year():
    assert parse_date("02-29", year_hint=2024) == dt.date(2024, 2, 29)


def test_first_valid_date_wins_over_an_impossible_one():
    assert parse_date("2024-02-30 更正为 2024-03-01") == dt.date(2024, 3, 1)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2024-01-05", "2024-01-05"),
        ("2024-01-05 10:30", "2024-01-05T10:30"),
        ("2024-01-05 08:25:35", "2024-01-05T08:25"),  # seconds dropped
        ("2024年01月05日 9:05", "2024-01-05T09:05"),
        ("2024-01-05T10:30:00+08:00", "2024-01-05T10:30"),
        ("2024-01-05 25:30", "2024-01-05"),  # an impossible time is left out
        ("01-05", None),
        ("无", None),
    ],
)
def test_parse_datetime(text, expected):
    assert parse_datetime(text) == expected


@pytest.mark.parametrize(
    "url,expected",
    [
        ("http://www.mee.gov.cn/ywdt/hjywnews/202204/t20220417_974894.shtml", dt.date(2022, 4, 17)),
        ("./202401/t20240105_5502.html", JAN5),
        ("https://www.nea.gov.cn/2024-11/09/c_1310787187.htm", dt.date(2024, 11, 9)),
        ("http://nyj.shandong.gov.cn/art/2026/9/18/art_59960_10313595.html", dt.date(2026, 9, 18)),
        ("http://www.example.gov.cn/202401/t20240231_1.html", None),
        ("http://www.example.gov.cn/content_20240105.html", None),
    ],
)
def test_date_from_url(url, expected):
    assert date_from_url(url) == expected
