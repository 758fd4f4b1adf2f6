import hashlib

import pytest

from extract import extract_detail, extract_links

from .conftest import FILES

FIXTURES = FILES / "extract"
UCAP_URL = "http://www.gov.cn/zhengce/content/2024-01/05/content_6924471.htm"
TRS_URL = "http://yjj.example.gov.cn/tzgg/202403/t20240305_5521.html"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


# --- UCAP page: U+3000-padded labels in a metadata table, 文号 「无」, Word markup in the body --------

def test_ucap_metadata_table():
    detail = extract_detail(fixture("ucap_detail.html"), UCAP_URL)
    assert detail.to_json() | {"text": None} == {
        "title": "国务院办公厅关于进一步优化政务服务提升行政效能的通知",  # 标　　题, not <title>
        "published": "2024-01-05",  # 发布日期, not 成文日期, Maketime or the hidden copy's date
        "source": None,  # the page shows no 来源 (its ContentSource meta is not shown to readers)
        "publisher": "国务院办公厅",
        "index_no": "000014349/2024-00012",  # 索　引　号 with U+3000; the hidden copy says 2023-00099
        "doc_no": None,  # 发文字号：无
        "attachments": [{
            "title": "国家政务服务事项基本目录（2024年版）",
            "url": "http://www.gov.cn/zhengce/content/2024-01/05/P020240105395123456789.pdf",
        }],
        "text": None, "privacy": [],
    }
    assert (detail.written, detail.validity) == ("2024-01-03", None)


def test_ucap_body_text_without_word_styles_and_conditional_comments():
    text = extract_detail(fixture("ucap_detail.html"), UCAP_URL).text
    assert text.split("\n") == [
        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
        "为进一步优化政务服务、提升行政效能，经国务院同意，现就有关事项通知如下。本通知自2024年2月1日起施行。",
        "附件：国家政务服务事项基本目录（2024年版）",
        "国务院办公厅",
        "2024年1月3日",
        "（此件公开发布）",
    ]


# --- TRS page: commented-out fields and links, attachments inside and beside the body -----------

def test_commented_out_fields_are_ignored_and_attachments_stay_inside_the_article():
    detail = extract_detail(fixture("commented_block_detail.html"), TRS_URL)
    assert detail.to_json() | {"text": None} == {
        "title": "关于做好2024年春季森林防火工作的通知",  # the h1, without the <title> suffix
        "published": "2024-03-05T09:30",  # not the commented-out 2020-01-01, nor Maketime, nor body dates
        "source": "市应急管理局",
        "publisher": None,
        "index_no": None,
        "doc_no": None,
        "attachments": [  # the nav's 政府信息公开指南.pdf is site-wide, not this document's
            {"title": "森林防火检查表.docx", "url": "http://yjj.example.gov.cn/tzgg/202403/P020240305531234567890.docx"},
            {"title": "重点防火区域清单", "url": "http://yjj.example.gov.cn/tzgg/202403/P020240305531234567891.xls"},
        ],
        "text": None, "privacy": [],
    }


def test_body_text_has_no_style_or_script_text():
    text = extract_detail(fixture("commented_block_detail.html"), TRS_URL).text
    assert text.startswith("各区县应急管理局，市森林防火指挥部各成员单位：\n2024年3月1日至5月31日")
    assert "line-height" not in text and "readCount" not in text and "浏览次数" not in text


def test_links_skip_comments_javascript_mailto_and_in_page_anchors():
    html = fixture("commented_block_detail.html") + """
    <a href="javascript:void(0)">收藏</a><a href="mailto:a@b.cn">邮箱</a><a href="#top">顶部</a>
    <a href="../../wzdt/#map">网站地图（重复）</a>"""
    links = extract_links(html, TRS_URL)
    urls = [url for _, url in links]
    assert "http://yjj.example.gov.cn/tzgg/202001/t20200101_1001.html" not in urls  # inside <!-- -->
    # A broken nested comment ends at its first -->, so browsers show this link: so do we.
    assert ("手机版", "http://yjj.example.gov.cn/ewm/index.html") in links
    assert urls.count("http://yjj.example.gov.cn/wzdt/") == 1
    assert not any(url.startswith(("javascript:", "mailto:")) or "#" in url for url in urls)
    assert links[:3] == [
        ("首页", "http://yjj.example.gov.cn/"),
        ("政务公开", "http://yjj.example.gov.cn/zwgk/"),
        ("政府信息公开指南", "http://yjj.example.gov.cn/zwgk/zfxxgkzn/P020230101000000000001.pdf"),
    ]


# --- dates, titles and numbers on simpler pages ------------------------------------------------

def page(body: str, head: str = "") -> str:
    return f"<html><head><title>站点名称</title>{head}</head><body>{body}</body></html>"


def test_no_labelled_or_meta_date_means_no_date_not_the_first_body_date():
    html = page('<div class="content"><h1>关于开展夏季防汛检查的通知</h1>'
                "<p>请于2023年6月15日前完成自查，2023年7月1日起开展抽查。</p></div>")
    assert extract_detail(html, "http://x.gov.cn/a/202306/t20230602_1.html").published is None


def test_htmldate_is_the_last_fallback_for_a_day_the_page_shows():
    head = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2023-06-01T08:00:00+08:00"}</script>'
    html = page('<div class="content"><h1>关于开展夏季防汛检查的通知</h1><span class="time">2023-06-01</span>'
                '<p>2023年7月1日起开展抽查。</p></div>', head)
    assert extract_detail(html, "http://x.gov.cn/a/b.html").published == "2023-06-01"


def test_meta_pubdate_gives_the_time_of_the_day_the_page_shows_and_maketime_never():
    head = '<meta name="Maketime" content="2024-05-02 10:00:00"><meta name="PubDate" content="2024-04-30 09:15">'
    html = page('<div class="info"><span>2024年04月30日</span></div><div class="TRS_Editor"><p>2024年5月1日起施行。</p></div>', head)
    assert extract_detail(html, "http://x.gov.cn/a.html").published == "2024-04-30T09:15"


def test_a_date_only_in_metas_is_no_publish_date():
    """A reader sees no date: the metas' (a build time, a migration's) are not taken for one."""
    head = '<meta name="PubDate" content="2024年04月30日"><meta name="firstpublishedtime" content="2024-04-30-23:59:59">'
    html = page('<div class="TRS_Editor"><p>各有关单位：</p><p>2024年5月1日起施行。</p></div>', head)
    assert extract_detail(html, "http://x.gov.cn/a.html").published is None


def test_labels_padded_with_ensp_and_values_in_the_next_element():
    html = page("""<div class="info"><ul>
      <li>索&ensp;引&ensp;号：<font>11350000003591037R/2024-01234</font></li>
      <li>发文字号：<font>闽政办〔2024〕12号</font></li>
      <li>发布日期：<font>2024-02-06</font></li>
      <li>有&ensp;效&ensp;性：<em>有效</em></li></ul></div>
      <div class="TRS_Editor"><p>各设区市人民政府：</p></div>""")
    detail = extract_detail(html, "http://x.gov.cn/a.html")
    assert (detail.index_no, detail.doc_no, detail.published, detail.validity) == (
        "11350000003591037R/2024-01234", "闽政办〔2024〕12号", "2024-02-06", "有效")


def test_labels_in_table_cells_without_colons():
    html = page("""<table class="xxgk"><tr><th>索引号</th><td>000014672/2024-00087</td><th>文号</th><td>国能发电力〔2024〕9号</td></tr>
      <tr><th>发布日期</th><td>2024年02月08日</td><th>发布机构</th><td>国家能源局</td></tr></table>
      <div class="article-content"><p>各省（自治区、直辖市）能源局：</p></div>""")
    detail = extract_detail(html, "http://x.gov.cn/a.html")
    assert (detail.index_no, detail.doc_no, detail.published, detail.publisher) == (
        "000014672/2024-00087", "国能发电力〔2024〕9号", "2024-02-08", "国家能源局")


def test_several_labels_in_one_line_and_a_label_inside_a_longer_word():
    html = page('<div class="info">发布时间：2024-11-09　来源：中国人大网　【字体：大 中 小】</div>'
                '<div class="info2">办理时间：2020-01-01</div><div class="article-content"><p>正文</p></div>')
    detail = extract_detail(html, "http://x.gov.cn/a.html")
    assert (detail.published, detail.source) == ("2024-11-09", "中国人大网")


def test_doc_no_from_the_first_body_line_only():
    first = page('<h1 class="title">关于某某的批复</h1><div class="TRS_Editor"><p>岚综管综〔2019〕87号</p><p>区规划局：</p></div>')
    later = page('<h1 class="title">关于某某的批复</h1><div class="TRS_Editor"><p>区规划局：</p><p>你局《请示》（岚综实规〔2019〕95号）悉。</p></div>')
    assert extract_detail(first, "http://x.gov.cn/a.html").doc_no == "岚综管综〔2019〕87号"
    assert extract_detail(later, "http://x.gov.cn/a.html").doc_no is None


def test_title_from_the_heading_the_title_element_contains():
    html = ('<html><head><title>关于做好防汛工作的通知_通知公告_某某市水利局</title></head><body>'
            '<div class="header"><h2>某某市水利局</h2></div><div class="box"><h3 class="tit">通知公告</h3>'
            '<h2 class="article-title">关于做好防汛工作的通知</h2><div class="content"><p>各区县：</p></div></div></body></html>')
    assert extract_detail(html, "http://x.gov.cn/a.html").title == "关于做好防汛工作的通知"


def test_hidden_duplicate_body_is_not_the_text():
    html = page('<h1>关于某某的通知</h1><div class="TRS_Editor" style="display:none">旧版本正文</div>'
                '<div class="TRS_Editor"><p>新版本正文</p></div>')
    assert extract_detail(html, "http://x.gov.cn/a.html").text == "新版本正文"


def test_hanweb_markers_delimit_the_body():
    html = page('<div class="con"><p class="con-title">关于某某的通知</p><div class="main-txt"><p>'
                '<!--ZJEG_RSS.content.begin--><meta name="ContentStart"/><p>第一段。</p><p>第二段。</p>'
                '<meta name="ContentEnd"/><!--ZJEG_RSS.content.end--></p></div>'
                '<div class="main-corner"><span>信息来源：办公室</span></div></div>')
    detail = extract_detail(html, "http://x.gov.cn/art/2024/1/5/art_1_2.html")
    assert (detail.text, detail.source) == ("第一段。\n第二段。", "办公室")


def test_content_hash_ignores_markup_and_whitespace_but_not_text():
    one = page('<div class="TRS_Editor"><p>第一段。</p><p>第二段。</p></div>')
    rerendered = page('<div class="TRS_Editor">\n  <p style="x">第一段。</p>\n\n  <div><span>第二段。</span></div></div>')
    edited = page('<div class="TRS_Editor"><p>第一段。</p><p>第二段有改动。</p></div>')
    hashes = [extract_detail(html, "http://x.gov.cn/a.html").content_hash for html in (one, rerendered, edited)]
    assert hashes[0] == hashes[1] != hashes[2]
    assert hashes[0] == hashlib.sha256("第一段。第二段。".encode()).hexdigest()


def test_empty_page_never_raises():
    detail = extract_detail("", "http://x.gov.cn/a.html")
    assert detail.to_json() == {"title": None, "published": None, "source": None, "publisher": None,
                                "index_no": None, "doc_no": None, "attachments": [], "text": "", "privacy": []}


def test_title_and_info_lines_sharing_the_body_container_stay_out_of_text_and_hash():
    def render(views: int) -> str:
        return page(f"""<div class="content"><h1>关于做好春节期间值班工作的通知</h1>
          <p class="info">发布时间：2024-02-05 10:00　来源：县政府办　浏览次数：{views}</p>
          <p>各乡镇人民政府，县直各单位：春节将至，为确保节日期间各项工作正常运转，现就值班工作通知如下。</p>
          <p>一、时间：2024年2月9日至2月17日。</p></div>""")
    first, second = (extract_detail(render(views), "http://x.gov.cn/a.html") for views in (12, 13))
    assert (first.title, first.published, first.source) == ("关于做好春节期间值班工作的通知", "2024-02-05T10:00", "县政府办")
    assert first.text.split("\n") == [
        "各乡镇人民政府，县直各单位：春节将至，为确保节日期间各项工作正常运转，现就值班工作通知如下。",
        "一、时间：2024年2月9日至2月17日。",
    ]
    assert first.content_hash == second.content_hash


def test_labels_in_the_body_text_are_not_metadata():
    html = page('<h1 class="title">关于召开全县安全生产工作会议的通知</h1><div class="TRS_Editor">'
                "<p>各乡镇人民政府，县直有关单位：经研究，决定召开全县安全生产工作会议，现将有关事项通知如下：</p>"
                "<p>时间：2024年3月8日上午9:00</p><p>来源：会议材料由县应急局提供</p></div>")
    detail = extract_detail(html, "http://x.gov.cn/a.html")
    assert (detail.published, detail.source) == (None, None)


def test_site_name_heading_in_the_header_is_not_the_title():
    html = ('<html><head><title>关于做好防汛工作的通知_某某市水利局</title></head><body>'
            '<div class="header"><h1>某某市水利局</h1></div>'
            '<div class="box"><h2 class="art-title">关于做好防汛工作的通知</h2><div class="content"><p>各区县：</p></div></div></body></html>')
    assert extract_detail(html, "http://x.gov.cn/a.html").title == "关于做好防汛工作的通知"


def test_attachment_served_by_a_download_script_is_known_by_its_name():
    html = page('<div class="article"><h1>关于公布名单的通知</h1><div class="TRS_Editor"><p>名单见附件。</p></div>'
                '<div class="fj"><a href="/download.jsp?id=88">附件1：名单.xlsx</a><a href="/a/other.html">上一篇</a></div></div>')
    assert extract_detail(html, "http://x.gov.cn/a/b.html").attachments == [
        {"title": "附件1：名单.xlsx", "url": "http://x.gov.cn/download.jsp?id=88"}
    ]


# --- one label reader for every markup form of a label ----------------------------------------

INDEX, PUBLISHER = "11341100003112345K/2024-00158", "滁州市生态环境局"


@pytest.mark.parametrize("box", [
    f"<table><tr><td>索引号</td><td>{INDEX}</td><td>发布机构</td><td>{PUBLISHER}</td></tr></table>",
    f"<table><tr><th>索引号：</th><td>{INDEX}</td></tr><tr><th>发布机构：</th><td><span>{PUBLISHER}</span></td></tr></table>",
    f"<ul><li><span>索引号：</span>{INDEX}</li><li><span>发布机构：</span>{PUBLISHER}</li></ul>",
    f"<p><strong>索引号</strong>：{INDEX}</p><p><strong>发布机构</strong>：{PUBLISHER}</p>",
    f"<p><b>索引号:</b> {INDEX}</p><p><b>发布机构:</b> {PUBLISHER}</p>",
    f'<div><span class="lab">索引号</span><span class="val">{INDEX}</span></div>'
    f'<div><span class="lab">发布机构</span><span class="val">{PUBLISHER}</span></div>',
    f"<dl><dt>索引号：</dt><dd>{INDEX}</dd><dt>发布机构：</dt><dd>{PUBLISHER}</dd></dl>",
    f"<table><tr><td>索&nbsp;&nbsp;引&nbsp;&nbsp;号</td><td>&nbsp;{INDEX}</td></tr>"
    f"<tr><td>发&nbsp;布&nbsp;机&nbsp;构</td><td>&nbsp;{PUBLISHER}</td></tr></table>",
    f"<p>索　引　号：{INDEX}</p><p>发&ensp;布&ensp;机&ensp;构：{PUBLISHER}</p>",
    f"<p><strong>索&emsp;引&emsp;号</strong>　{INDEX}</p><p><strong>发布机构</strong>　{PUBLISHER}</p>",
    f"<p>索引号：{INDEX}　　发布机构：{PUBLISHER}　　发布日期：2024-03-05</p>",
    f"<p><strong>索引号：</strong>{INDEX} <strong>发布机构：</strong>{PUBLISHER}</p>",
    f"<table><tr><td>索引号：{INDEX}<br>发布机构：{PUBLISHER}</td></tr></table>",
    f"<table><tr><th>索引号</th><th>发布机构</th><th>发布日期</th></tr>"
    f"<tr><td>{INDEX}</td><td>{PUBLISHER}</td><td>2024-03-05</td></tr></table>",
    f"<!--<table><tr><td>索引号</td><td>OLD/2020-00001</td></tr></table>-->"
    f"<table><tr><td>索引号</td><td>{INDEX}</td></tr><tr><td>文号</td><td>无</td>"
    f"<td>发布机构</td><td>{PUBLISHER}</td></tr></table>",
    f"<table><tr><td>文号</td><td>&nbsp;</td><td>索引号</td><td>{INDEX}</td></tr>"
    f"<tr><td>发布机构</td><td>{PUBLISHER}</td><td>文号</td><td>/</td></tr></table>",
], ids=["td-td", "th-td-colon", "li-span", "strong-colon-after", "b-half-width", "span-span", "dt-dd",
        "nbsp-padded", "u3000-ensp-padded", "emsp-no-colon", "pairs-in-one-p", "strong-pairs-in-one-p",
        "pairs-in-one-td", "header-row", "commented-copy-and-doc-no-none", "empty-and-slash-doc-no"])
def test_every_markup_form_of_a_label(box):
    html = page(f'<div class="xxgk">{box}</div><h1>关于开展2024年春季大气污染防治攻坚的通知</h1>'
                '<div class="TRS_Editor"><p>各县（市、区）生态环境分局：</p><p>现就有关事项通知如下。</p></div>')
    detail = extract_detail(html, "http://sthjj.chuzhou.gov.cn/xxgk/202403/t20240305_1.html")
    assert (detail.index_no, detail.publisher, detail.doc_no) == (INDEX, PUBLISHER, None)


def test_strong_labels_in_paragraphs_of_a_real_template():
    """A 信息公开 box written as <p><strong>label</strong>：value</p> pairs, two to a paragraph,
    below a commented-out older copy of the box (another 索引号, 文号「无」)."""
    detail = extract_detail(fixture("strong_labels_detail.html"),
                            "http://www.fengyang.gov.cn/public/6598921/1110983501.html")
    assert detail.to_json() | {"text": None} == {
        "title": "凤阳县人民政府办公室关于印发凤阳县2024年度重点民生工程实施方案的通知",
        "published": "2024-04-12T16:20",  # the day shown; its time from the PubDate meta
        "source": None,
        "publisher": "凤阳县人民政府办公室",
        "index_no": "11341126003134826J/202404-00021",
        "doc_no": "凤政办〔2024〕8号",
        "attachments": [{"title": "凤阳县2024年度重点民生工程实施方案.pdf",
                         "url": "http://www.fengyang.gov.cn/group1/M00/2A/1B/wKgBZ2YZ1.pdf"}],
        "text": None, "privacy": [],
    }
    assert (detail.written, detail.validity) == ("2024-04-10", "有效")


def test_a_related_documents_table_is_no_metadata():
    """标题 | 发布日期 over rows of links is a list of other documents, not this one's labels."""
    related = ('<div class="xgwj"><table><tr><th>标题</th><th>发布日期</th></tr>'
               '<tr><td><a href="/a/1.html">关于印发某某办法的通知</a></td><td>2019-03-01</td></tr>'
               '<tr><td><a href="/a/2.html">关于某某工作的通知</a></td><td>2018-07-15</td></tr></table></div>')
    html = page('<h1 class="title">关于开展2024年春季大气污染防治攻坚的通知</h1><div class="info">发布日期：2024-03-05</div>'
                '<div class="TRS_Editor"><p>各县（市、区）生态环境分局：</p></div>' + related)
    detail = extract_detail(html, "http://x.gov.cn/a.html")
    assert (detail.title, detail.published) == ("关于开展2024年春季大气污染防治攻坚的通知", "2024-03-05")
