"""Dates as Chinese government pages print them.

Regexes do the common forms; dateparser only sees strings with Latin month names, because it is
slow and a crawl parses thousands of pages.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# Full-width ASCII (０-９, －, ／, ：, ［ …) to half-width, ideographic space to a space.
_HALF_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

_TIME = r"(?:\s*T?\s*(?P<H>\d{1,2})\s*[:时]\s*(?P<M>\d{2})(?:\s*[:分]\s*\d{2}(?:\.\d+)?)?)?"
_FULL_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*"
    r"(?:(?P<sep>[-/.])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})(?!\d)"
    r"|年\s*(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})(?!\d)\s*日?)" + _TIME
)
# A month-day without a year is only trusted when it is the whole text (a list's date cell),
# never inside running text or a title, where `16-10` is a document number.
_SHORT_DATE = re.compile(r"(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})\s*日?" + _TIME)
_WRAPPING = "[]【】()（）〔〕 \t\r\n\xa0"
_LEADING_LABEL = re.compile(r"^[\u4e00-\u9fff]{1,6}\s*[:：]\s*")

_CN_DIGITS = dict(zip("〇零一二三四五六七八九", "00123456789"))
_CN_DATE = re.compile(
    r"(?P<y>[〇零一二三四五六七八九]{4})\s*年\s*(?P<m>[一二三四五六七八九十]{1,2})\s*月"
    r"\s*(?P<d>[一二三四五六七八九十]{1,3})\s*日"
)
_URL_DATES = (
    re.compile(r"/t(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})_\d+"),  # TRS WCM
    re.compile(r"/(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})/(?P<d>\d{2})/c_\d+"),  # Xinhua-style CMS
    re.compile(r"/art/(?P<y>(?:19|20)\d{2})/(?P<m>\d{1,2})/(?P<d>\d{1,2})/art_"),  # Hanweb JCMS
)
_LATIN_MONTH = re.compile(r"[A-Za-z]{3}")
_YEAR = re.compile(r"(?:19|20)\d{2}")


@dataclass(frozen=True)
class DateMatch:
    """A date as written: the year is None for short `01-05` forms."""

    year: int | None
    month: int
    day: int
    hour: int | None = None
    minute: int | None = None

    def to_date(self, year_hint: int | None = None) -> dt.date | None:
        year = self.year or year_hint
        if year is None:
            return None
        try:
            return dt.date(year, self.month, self.day)
        except ValueError:
            return None

    def has_valid_time(self) -> bool:
        return self.hour is not None and self.hour < 24 and self.minute < 60


def _half_width(text: str) -> str:
    return text.translate(_HALF_WIDTH)


def match_date(text: str, *, allow_short: bool = True) -> DateMatch | None:
    """The first possible date written in `text` (full dates anywhere, short dates only alone)."""
    text = _half_width(text)
    for m in _FULL_DATE.finditer(text):
        found = DateMatch(
            int(m["y"]), int(m["m"] or m["m2"]), int(m["d"] or m["d2"]),
            int(m["H"]) if m["H"] else None, int(m["M"]) if m["M"] else None,
        )
        if found.to_date():
            return found
    if "年" in text and "月" in text:
        found = _chinese_numeral_date(text)
        if found:
            return found
    if allow_short:
        alone = _LEADING_LABEL.sub("", text.strip(_WRAPPING)).strip(_WRAPPING)
        m = _SHORT_DATE.fullmatch(alone)
        if m and _valid_month_day(int(m["m"]), int(m["d"])):
            return DateMatch(None, int(m["m"]), int(m["d"]),
                             int(m["H"]) if m["H"] else None, int(m["M"]) if m["M"] else None)
    return None


def parse_date(text: str, *, year_hint: int | None = None) -> dt.date | None:
    """One date in any common form; `01-05` / `1月5日` need `year_hint`; impossible dates give None."""
    if not text:
        return None
    found = match_date(text)
    if found:
        return found.to_date(year_hint)
    return _parse_latin(text)


def parse_datetime(text: str) -> str | None:
    """`YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM` when a time is written (seconds dropped)."""
    if not text:
        return None
    found = match_date(text, allow_short=False)
    day = found.to_date() if found else _parse_latin(text)
    if day is None:
        return None
    if found and found.has_valid_time():
        return f"{day.isoformat()}T{found.hour:02d}:{found.minute:02d}"
    return day.isoformat()


def date_from_url(url: str) -> dt.date | None:
    """The date a CMS writes into document URLs (`t20240105_123`, `/2024-01/05/c_`, `/art/2024/1/5/`)."""
    for pattern in _URL_DATES:
        m = pattern.search(url or "")
        if m:
            try:
                return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                return None
    return None


def full_date_years(text: str) -> list[int]:
    """The year of every full date written in `text`."""
    return [int(m["y"]) for m in _FULL_DATE.finditer(_half_width(text))]


def full_dates(text: str) -> set[dt.date]:
    """Every valid full date written in `text` (2024-01-05, 2024年1月5日, 2024/1/5 …)."""
    found = set()
    for m in _FULL_DATE.finditer(_half_width(text)):
        day = DateMatch(int(m["y"]), int(m["m"] or m["m2"]), int(m["d"] or m["d2"])).to_date()
        if day:
            found.add(day)
    return found


def date_near(month: int, day: int, near: dt.date) -> dt.date | None:
    """The month-day closest to `near`: a `12-31` item whose URL says t20250102 is from 2024."""
    candidates = []
    for year in (near.year - 1, near.year, near.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:
            continue
    return min(candidates, key=lambda d: abs(d - near), default=None)


def _valid_month_day(month: int, day: int) -> bool:
    try:
        dt.date(2000, month, day)  # a leap year, so 02-29 passes here and is checked with the year
    except ValueError:
        return False
    return True


def _chinese_numeral_date(text: str) -> DateMatch | None:
    m = _CN_DATE.search(text)
    if not m:
        return None
    found = DateMatch(int("".join(_CN_DIGITS[c] for c in m["y"])),
                      _chinese_number(m["m"]), _chinese_number(m["d"]))
    return found if found.to_date() else None


def _chinese_number(text: str) -> int:
    """一 .. 三十一, as written in dates."""
    if "十" not in text:
        return int(_CN_DIGITS[text[-1]])
    tens, _, units = text.partition("十")
    return int(_CN_DIGITS[tens] if tens else 1) * 10 + (int(_CN_DIGITS[units]) if units else 0)


def _parse_latin(text: str) -> dt.date | None:
    # Only strings like "Jan 5, 2024" reach dateparser: Chinese forms never need it.
    if len(text) > 64 or not _LATIN_MONTH.search(text) or not _YEAR.search(text):
        return None
    import dateparser  # imported lazily: it takes ~0.5 s to load

    parsed = dateparser.parse(
        text, languages=["en"],
        settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]},
    )
    return parsed.date() if parsed else None
