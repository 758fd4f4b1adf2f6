"""Pure extraction functions for government pages: no Scrapy, no network.

The spider and CLI import everything from here.
"""

from .dates import date_from_url, parse_date, parse_datetime
from .detail import Detail, extract_detail
from .encoding import decode_html
from .items import ListItem, ListPage
from .json_list import extract_json_list
from .links import extract_links
from .lists import extract_list
from .reports import Report, is_report_title, parse_report, report_requests

__all__ = [
    "Detail", "ListItem", "ListPage", "date_from_url", "decode_html", "extract_detail",
    "extract_json_list", "extract_links", "extract_list", "is_report_title", "parse_date", "parse_datetime",
    "parse_report", "Report", "report_requests",
]
