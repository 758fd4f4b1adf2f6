import codecs

import pytest

from extract import decode_html, extract_detail

from .conftest import FILES

FIXTURES = FILES / "extract"
TITLE = "关于表彰2023年度优秀志愿者王珺、陈镕等同志的决定"  # 珺 and 镕 are in GBK, not in GB2312


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.mark.parametrize(
    "name,content_type,encoding",
    [
        ("gbk_no_charset.html", None, "gb18030"),
        ("gbk_no_charset.html", "text/html", "gb18030"),
        ("gbk_no_charset.html", "text/html; charset=ISO-8859-1", "gb18030"),  # a server default, not a fact
        ("gb2312_declared_gbk_chars.html", None, "gb18030"),  # gb2312 read as its superset
        ("gb2312_declared_gbk_chars.html", "text/html; charset=GB2312", "gb18030"),
        ("utf8_page.html", "text/html; charset=ISO-8859-1", "utf-8"),
        ("utf8_page.html", "text/html; charset=GBK", "utf-8"),
        ("utf8_page.html", None, "utf-8"),
        ("utf8_declared_gbk_bytes.html", None, "gb18030"),  # declared utf-8, bytes are not
    ],
)
def test_decodes_despite_wrong_or_missing_charsets(name, content_type, encoding):
    text, used = decode_html(fixture_bytes(name), content_type)
    assert used == encoding
    assert f"<title>{TITLE}_某某县人民政府</title>" in text
    assert "\ufffd" not in text


def test_decoded_gbk_page_extracts():
    text, _ = decode_html(fixture_bytes("gb2312_declared_gbk_chars.html"), "text/html; charset=gb2312")
    detail = extract_detail(text, "http://www.example.gov.cn/xxgk/202401/t20240105_1.html")
    assert (detail.title, detail.published, detail.source) == (TITLE, "2024-01-05", "县民政局")


@pytest.mark.parametrize(
    "bom,encoding,expected_name",
    [(codecs.BOM_UTF8, "utf-8", "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le")],
)
def test_byte_order_mark_wins(bom, encoding, expected_name):
    html = f"<html><head><meta charset='gbk'></head><body>{TITLE}</body></html>"
    text, used = decode_html(bom + html.encode(encoding), "text/html; charset=gbk")
    assert (used, text) == (expected_name, html)


def test_xml_declaration_charset_is_honoured():
    xml = f'<?xml version="1.0" encoding="big5"?><datastore><record>臺灣省政府公告</record></datastore>'
    text, used = decode_html(xml.encode("big5"))
    assert (used, text) == ("big5", xml)


def test_damaged_bytes_never_raise():
    body = f"<html><body>{TITLE}</body></html>".encode("gbk") + b"\xff\xfe\x81"
    text, used = decode_html(body, "text/html; charset=utf-8")
    assert used == "gb18030"
    assert TITLE in text


@pytest.mark.parametrize("body", [b"", b"\x00", bytes(range(256)), b"<html>plain ascii</html>"])
def test_odd_input_never_raises(body):
    text, used = decode_html(body, "text/html; charset=no-such-charset")
    assert isinstance(text, str) and used


def test_declared_gb2312_is_reported_as_gb18030_even_when_gb2312_would_do():
    html = '<meta charset="gb2312"><p>关于印发年度工作要点的通知</p>'
    assert decode_html(html.encode("gb2312")) == (html, "gb18030")
