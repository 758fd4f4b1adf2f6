"""Pages every sandbox site has, whatever its CMS: homepage, portal, detail, search, 404, robots.

A ``View`` is one request's look at a site on ``as_of``. It also records the newest thing it showed,
which becomes the page's Last-Modified, so unchanged pages keep their validators day after day.
"""

from __future__ import annotations

import datetime as dt
import html
import random
from dataclasses import dataclass

from . import reports as rep
from . import texts
from .agencies import LAUNCH
from .model import META_TYPES, Column, Item, Site

STANDARD = ("guide", "system", "statutory", "annual_report")


@dataclass
class Page:
    body: str | bytes
    modified: dt.datetime
    ctype: str = "text/html"
    status: int = 200
    slow: bool = False


class View:
    def __init__(self, site: Site, as_of: dt.date):
        self.site, self.as_of = site, as_of
        self.modified = dt.datetime.combine(LAUNCH, dt.time(8, 30))

    def mark(self, when: dt.datetime | dt.date) -> None:
        if not isinstance(when, dt.datetime):
            when = dt.datetime.combine(when, dt.time(0, 0))
        self.modified = max(self.modified, when)

    def listing(self, col: Column, cutoff: dt.date | None = None) -> list[Item]:
        """The column's list on as_of; a frozen block (``cutoff``) stops at that day but never links removed items."""
        items = [i for i in col.listing(self.as_of) if cutoff is None or i.day <= cutoff]
        for item in items:
            self.mark(item.maketime)
        for item in col.documents:
            if item.removed_on and item.removed_on <= self.as_of:
                self.mark(item.removed_on)
        return items

    def children(self, col: Column | None) -> list[Column]:
        cols = self.site.columns if col is None else col.children
        shown = [c for c in cols if c.open(self.as_of)]
        for c in shown:
            self.mark(c.created)
        return shown

    def page(self, body: str, **kw) -> Page:
        return Page(body=body, modified=self.modified, **kw)


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def short(title: str, limit: int = 26) -> str:
    return title if len(title) <= limit else title[:limit - 2] + "..."


def fmt_day(day: dt.date, style: str = "iso") -> str:
    if style == "cn":
        return f"{day.year}年{day.month:02d}月{day.day:02d}日"
    if style == "bracket":
        return f"[{day.isoformat()}]"
    return day.isoformat()


def find_type(site: Site, ctype: str, as_of: dt.date) -> Column | None:
    """The first column of that type the portal shows on ``as_of``."""
    return next((c for c in site.all_columns() if c.ctype == ctype and not c.spec.robots and c.open(as_of)), None)


def homepage_blocks(site: Site, as_of: dt.date, view: View | None = None) -> list[tuple[str, Column, list[Item]]]:
    """The dated blocks of the homepage; a frozen homepage stops at its freeze day."""
    view = view or View(site, as_of)
    blocks = []
    for ctype, heading, count in (("news", "最新动态", 8), ("notice", "通知公告", 6), ("policy", "政策文件", 5)):
        col = find_type(site, ctype, as_of)
        if col:
            blocks.append((heading, col, view.listing(col, site.spec.homepage_frozen)[:count]))
    return blocks


# layout -----------------------------------------------------------------------------------------

def layout(view: View, *, title: str, body: str, crumbs: list[tuple[str, str]], column: Column | None = None,
           item: Item | None = None) -> str:
    site, fam = view.site, view.site.family
    spec = site.spec
    metas = [f'<meta name="SiteName" content="{esc(spec.name)}">',
             f'<meta name="SiteDomain" content="{site.host}">',
             f'<meta name="SiteIDCode" content="{spec.site_code}">']
    if column:
        metas += [f'<meta name="ColumnName" content="{esc(column.name)}">',
                  f'<meta name="ColumnType" content="{esc(column.name)}">']
    if item:
        metas += [f'<meta name="ArticleTitle" content="{esc(item.title)}">',
                  f'<meta name="PubDate" content="{fam.pubdate_meta(item)}">',
                  f'<meta name="ContentSource" content="{esc(item.source or spec.name)}">']
    metas.append(f'<meta name="Maketime" content="{view.modified:%Y-%m-%d %H:%M:%S}">')
    metas += fam.extra_meta(view, column, item)
    crumb_html = " &gt; ".join(f'<a href="{href}">{esc(text)}</a>' for text, href in crumbs)
    return f"""<!DOCTYPE html>
<html>
<head>
{fam.charset_meta()}
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{esc(title)}</title>
{chr(10).join(metas)}
<link rel="stylesheet" type="text/css" href="/css/style.css">
</head>
<body>
<div class="topbar"><div class="w"><span>欢迎访问{esc(spec.name)}网站</span>
<a href="javascript:void(0);" id="wza">无障碍浏览</a> <a href="javascript:void(0);" id="zzms">长者模式</a></div></div>
<div class="header w"><div class="logo"><a href="/"><span class="site-name">{esc(spec.name)}</span></a></div>
<form class="search" action="/search/" method="get"><input type="text" name="q" placeholder="请输入关键字">
<button type="submit">搜索</button></form></div>
{_nav(view)}
<div class="position w">当前位置：{crumb_html}</div>
{body}
{_footer(site)}
</body>
</html>
"""


def _nav(view: View) -> str:
    site = view.site
    links = [("首页", "/"), ("政务公开", site.portal_path)]
    for ctype, text in (("news", "新闻动态"), ("notice", "通知公告")):
        col = find_type(site, ctype, view.as_of)
        if col:
            links.append((text, col.path))
    if site.spec.broken_nav:
        links.append(("互动交流", site.spec.broken_nav))
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for text, href in links)
    return f'<div class="nav"><ul class="w">{items}</ul></div>'


def _footer(site: Site) -> str:
    spec, rng = site.spec, random.Random(site.spec.id + "/footer")
    province = {"33": "浙", "34": "皖", "35": "闽", "44": "粤", "53": "滇", "51": "蜀"}.get(spec.region_code[:2], "皖")
    return f"""<div class="footer"><div class="w">
<div class="links">相关链接：<select onchange="if(this.value){{window.open(this.value);}}">
<option value="">---中央政府网站---</option><option value="http://www.gov.cn/">中国政府网</option>
<option value="">---省市政府网站---</option><option value="http://www.ah.gov.cn/">省人民政府</option>
</select></div>
<p>主办单位：{esc(spec.name)}　承办：{esc(spec.name)}办公室　地址：{spec.city}政务中心{rng.randint(2, 9)}号楼</p>
<p>网站标识码：{spec.site_code}　<a href="javascript:void(0);">{province}ICP备{rng.randint(10000000, 99999999)}号</a>
　{province}公网安备 {spec.region_code}0200{rng.randint(1000, 9999)}号</p>
<p>联系电话：0{rng.randint(550, 599)}-{rng.randint(2000000, 8999999)}　建议使用1920×1080分辨率浏览本站</p>
</div></div>"""


def crumbs_for(site: Site, col: Column | None) -> list[tuple[str, str]]:
    chain = []
    while col is not None:
        chain.insert(0, (col.name, col.path))
        col = col.parent
    return [("首页", "/"), ("政务公开", site.portal_path)] + chain


def item_list(view: View, items: list[Item], style: str = "iso", limit: int = 26) -> str:
    rows = "".join(f'<li><a href="{it.path}" target="_blank" title="{esc(it.title)}">{esc(short(it.title, limit))}</a>'
                   f'<span class="date">{fmt_day(it.day, style)}</span></li>' for it in items)
    return f'<ul class="list">{rows}</ul>' if rows else '<p class="empty">暂无信息</p>'


# homepage, portal, container --------------------------------------------------------------------

def homepage(view: View) -> Page:
    site = view.site
    style = site.family.date_style
    parts = []
    for heading, col, items in homepage_blocks(site, view.as_of, view):
        parts.append(f'<div class="block"><div class="block-title"><h3>{heading}</h3>'
                     f'<a class="more" href="{col.path}">更多&gt;&gt;</a></div>{item_list(view, items, style)}</div>')
    parts.append(_leaders_block(site))
    parts.append(f'<div class="zwgk-entry"><a href="{site.portal_path}"><h3>政府信息公开</h3></a>'
                 f'<p>政府信息公开指南、政府信息公开制度、法定主动公开内容、政府信息公开年报</p></div>')
    for heading, ids in (("市政府部门", site.spec.departments), ("区县政府", site.spec.counties)):
        if ids:
            links = "".join(f'<li><a href="{site.peers[i].url("/")}" target="_blank">{esc(site.peers[i].spec.name)}</a></li>'
                            for i in ids)
            parts.append(f'<div class="block link-block"><h3>{heading}</h3><ul>{links}</ul></div>')
    body = f'<div class="main w">{"".join(parts)}</div>'
    return view.page(layout(view, title=site.spec.name, body=body, crumbs=[("首页", "/")]))


def _leaders_block(site: Site) -> str:
    spec = site.spec
    if spec.kind == "部门":
        head = {"委": "主任", "厅": "厅长"}.get(spec.org[-1], "局长")
        deputy = "副" + head
    else:
        place = spec.city[-1]   # 市长, 县长, 区长, 镇长
        head, deputy = f"{place}长", f"副{place}长"
    people = [f"<li>{head}：{spec.leaders[0]}</li>"] + [f"<li>{deputy}：{name}</li>" for name in spec.leaders[1:]]
    return f'<div class="block leaders"><h3>领导之窗</h3><ul>{"".join(people)}</ul></div>'


def portal(view: View) -> Page:
    site = view.site
    nav = "".join(f'<li><a href="{c.path}" title="{esc(c.name)}"><em>{esc(c.name)}</em></a></li>'
                  for c in view.children(None))
    statutory = next((c for c in site.columns if c.ctype == "statutory"), None)
    grid = ""
    if statutory:
        grid = "".join(f'<li><a href="{c.path}">{esc(c.name)}</a></li>' for c in view.children(statutory))
        grid = f'<div class="fdzdgk"><h3><a href="{statutory.path}">法定主动公开内容</a></h3><ul>{grid}</ul></div>'
    latest = []
    for col in site.all_columns():
        if col.ctype not in STANDARD and not col.spec.robots and col.open(view.as_of):
            latest += view.listing(col)[:3]
    latest.sort(key=lambda i: i.published, reverse=True)
    body = f"""<div class="main w"><div class="zwgk-left"><h1>政府信息公开专栏</h1><ul class="zwgk-nav">{nav}</ul></div>
<div class="zwgk-right">{grid}
<div class="block"><h3>最新公开</h3>{item_list(view, latest[:10], site.family.date_style)}</div>
<div class="block"><h3>依申请公开</h3><p>公民、法人或者其他组织可以向{esc(site.spec.name)}申请获取政府信息。</p>
<p><a href="/search/">站内检索</a></p></div></div></div>"""
    crumbs = [("首页", "/"), ("政务公开", site.portal_path)]
    return view.page(layout(view, title=f"政府信息公开_{site.spec.name}", body=body, crumbs=crumbs))


def container(view: View, col: Column) -> Page:
    """A column that only holds sub-columns (法定主动公开内容)."""
    blocks = []
    for child in view.children(col):
        items = view.listing(child)[:3] if child.spec.js == "none" and not child.spec.robots else []
        blocks.append(f'<div class="sub-column"><h3><a href="{child.path}">{esc(child.name)}</a></h3>'
                      f'{item_list(view, items, view.site.family.date_style) if items else ""}</div>')
    body = f'<div class="main w"><h2 class="column-title">{esc(col.name)}</h2>{"".join(blocks)}</div>'
    return column_page(view, col, body)


def column_page(view: View, col: Column, body: str, **kw) -> Page:
    title = f"{col.name}_{view.site.spec.name}"
    return view.page(layout(view, title=title, body=body, crumbs=crumbs_for(view.site, col), column=col), **kw)


def search(view: View) -> Page:
    body = ('<div class="main w"><form action="/search/" method="get"><input type="text" name="q">'
            '<button type="submit">检索</button></form><p>请输入关键词进行检索。</p></div>')
    return view.page(layout(view, title=f"站内检索_{view.site.spec.name}", body=body, crumbs=[("首页", "/")]))


def not_found(site: Site) -> Page:
    fam = site.family
    body = f"""<!DOCTYPE html>
<html><head>{fam.charset_meta()}<title>404 页面不存在</title></head>
<body><div class="error-page"><h1>404</h1><p>抱歉，您访问的页面不存在或已被删除！</p>
<p><a href="/">返回{esc(site.spec.name)}首页</a></p></div></body></html>
"""
    return Page(body=body, modified=dt.datetime.combine(LAUNCH, dt.time(8, 30)), status=404)


def robots(site: Site) -> Page:
    lines = ["User-agent: *"]
    disallow = robots_paths(site)
    lines += [f"Disallow: {p}" for p in disallow] or ["Disallow:"]
    return Page(body="\n".join(lines) + "\n", modified=dt.datetime.combine(LAUNCH, dt.time(8, 30)),
                ctype="text/plain")


def robots_paths(site: Site) -> list[str]:
    return list(site.spec.robots_extra) + [c.path for c in site.all_columns() if c.spec.robots]


STYLESHEET = """body{font-family:"Microsoft YaHei",SimSun,sans-serif;margin:0;color:#333;font-size:14px}
a{color:#333;text-decoration:none}a:hover{color:#c00}.w{width:1200px;margin:0 auto}
.topbar{background:#f2f2f2;line-height:30px;font-size:12px}.header{height:90px;display:flex;align-items:center;justify-content:space-between}
.site-name{font-size:30px;color:#b50000;font-weight:bold}.nav{background:#b50000}.nav ul{list-style:none;padding:0;display:flex}
.nav li a{display:block;color:#fff;padding:0 28px;line-height:44px;font-size:16px}.position{line-height:40px;font-size:13px}
.list{list-style:none;padding:0}.list li{line-height:34px;border-bottom:1px dashed #ddd;display:flex;justify-content:space-between}
.block,.sub-column{margin:10px 0}.block h3,.column-title{border-bottom:2px solid #b50000;line-height:36px;margin:0}
.xxgk-info{width:100%;border:1px solid #ddd;background:#f9f9f9;margin:10px 0}.xxgk-info td{padding:6px}
.article-title{text-align:center;font-size:24px}.info{text-align:center;color:#888}.info span{margin:0 10px}
.footer{background:#eee;margin-top:30px;padding:20px 0;text-align:center;font-size:12px}
"""


# detail -----------------------------------------------------------------------------------------

def detail(view: View, item: Item) -> Page:
    site, fam = view.site, view.site.family
    col = item.column.on(view.as_of)   # None: its column was dropped, the page stays
    view.mark(item.maketime)
    rng = random.Random(f"{site.spec.id}/body/{item.seq}")
    meta = fam.info_box(item) if item.column.ctype in META_TYPES else ""
    info = fam.info_line(item)
    content = fam.wrap_body(_body_html(view, item, rng) + attachments_html(item))
    older = [i for i in col.listing(view.as_of) if i.published < item.published][:4] if col else []
    for shown in older:  # only what the sidebar shows dates the page: newer items leave it unchanged
        view.mark(shown.maketime)
    for gone in col.documents if col else []:
        if gone.removed_on and gone.removed_on <= view.as_of and gone.published < item.published:
            view.mark(gone.removed_on)
    related = ""
    if older:
        related = f'<div class="related"><h4>相关文章</h4>{item_list(view, older, fam.date_style, 22)}</div>'
    body = f"""<div class="main w"><div class="article">{meta}
<h1 class="article-title">{esc(item.title)}</h1>
{_doc_no_line(item)}{info}
{content}
</div>
<div class="sidebar">{related}</div></div>"""
    title = f"{item.title}_{site.spec.name}"
    return view.page(layout(view, title=title, body=body, crumbs=crumbs_for(site, col), column=col, item=item))


def info_line(site: Site, item: Item) -> str:
    """The line under the title: publishing time, source, font size buttons."""
    return (f'<div class="info"><span class="time">发布时间：{site.family.published_text(item)}</span>'
            f'<span class="source">来源：{esc(item.source or site.spec.name)}</span>'
            f'<span class="font">字号：<a href="javascript:void(0);">[大]</a> <a href="javascript:void(0);">[中]</a>'
            f' <a href="javascript:void(0);">[小]</a></span></div>')


def _doc_no_line(item: Item) -> str:
    if item.doc_no and item.doc_no != "无":
        return f'<div class="doc-no">{esc(item.doc_no)}</div>'
    return ""


def info_box(site: Site, item: Item) -> str:
    """The 信息公开 metadata block; labels padded with &ensp; or U+3000 as real templates do."""
    written_label = "成文日期" if item.column.ctype == "policy" else "生成日期"
    fields = [("索&ensp;引&ensp;号", item.index_no), ("发布机构", item.publisher),
              (written_label, fmt_day(item.written)), ("发布日期", fmt_day(item.day)),
              ("名　　称", item.title), ("文　　号", item.doc_no or "无"),
              ("主题分类", {"policy": "综合政务\\其他", "budget": "财政、金融、审计"}.get(item.column.ctype, "综合政务"))]
    if site.family.info_style == "li":
        lis = "".join(f"<li><strong>{label}：</strong><span>{esc(value)}</span></li>" for label, value in fields)
        return f'<div class="xxgk-info"><ul>{lis}</ul></div>'
    rows = []
    for k in range(0, len(fields), 2):
        pair = fields[k:k + 2]
        cells = "".join(f'<td class="label">{label}：</td><td class="value">{esc(value)}</td>' for label, value in pair)
        if len(pair) == 1:
            cells = cells.replace('<td class="value">', '<td class="value" colspan="3">')
        rows.append(f"<tr>{cells}</tr>")
    # An old template left a field inside a comment: parsers must ignore it.
    return (f'<table class="xxgk-info" cellspacing="0" cellpadding="0">{"".join(rows)}'
            f'<!--<tr><td>发布机构：{esc(site.spec.org)}办公室（旧）</td></tr>--></table>')


def attachments_html(item: Item) -> str:
    if not item.attachments:
        return ""
    links = "".join(f'<p><a href="{a.path}" target="_blank">{esc(a.title)}</a></p>' for a in item.attachments)
    return f'<div class="attachments"><p>附件：</p>{links}</div>'


def _body_html(view: View, item: Item, rng: random.Random) -> str:
    site = view.site
    if item.report:
        return report_body(site, item)
    if item.column.ctype == "interaction":
        return message_body(view, item, rng)
    paragraphs = texts.body_paragraphs(rng, item.column.ctype, site.ctx(), item.title, item.day)
    if item.interprets:
        doc = item.interprets
        paragraphs.insert(0, f"为便于社会公众理解和执行{_named(doc.title)}（{doc.doc_no}），现就有关内容解读如下。")
    if item.lookalikes:
        paragraphs[-1:-1] = texts.lookalike_paragraphs(rng, item.day)
    html_ = "".join(f'<p style="text-indent:2em;">{esc(p)}</p>' for p in paragraphs)
    if item.people:
        html_ += residents_table(item.people)
    if item.column.ctype == "policy" and item.seq % 3 == 0:
        # Word-pasted bodies bring their own conditional comments and styles
        html_ = ('<!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View></w:WordDocument></xml><![endif]-->'
                 '<style>p.MsoNormal{margin:0pt;font-family:仿宋_GB2312;}</style>') + html_
    signature = f'<p style="text-align:right;">{esc(site.spec.name)}</p><p style="text-align:right;">{texts.cn_date(item.written)}</p>'
    return html_ + (signature if item.column.ctype != "news" else "")


def _named(title: str) -> str:
    """How a 解读 names its document: by the 《》 title it carries, else its own title in 《》."""
    start, end = title.find("《"), title.find("》")
    return title[start:end + 1] if 0 <= start < end else f"《{title}》"


def residents_table(people) -> str:
    """A 公示 list of residents as agencies publish them: ID and mobile numbers in full (the leak)."""
    rows = "".join(f"<tr><td>{k}</td><td>{esc(p.name)}</td><td>{p.resident_id}</td><td>{p.mobile}</td>"
                   f"<td>{p.bank_card}</td><td>{1200 + 300 * k}.00</td></tr>" for k, p in enumerate(people, 1))
    return ('<table class="MsoTableGrid" border="1" cellspacing="0" style="border-collapse:collapse;">'
            "<tr><td>序号</td><td>姓名</td><td>身份证号码</td><td>联系电话</td><td>银行卡号</td><td>补贴金额（元）</td></tr>"
            f"{rows}</table>")


def message_body(view: View, item: Item, rng: random.Random) -> str:
    """A message's page: what was asked, and the reply once the board has one."""
    ctx = view.site.ctx()
    asked = "".join(f'<p style="text-indent:2em;">{esc(p)}</p>' for p in texts.message_paragraphs(rng, ctx, item.title))
    body = f'<div class="letter"><h4>留言内容</h4>{asked}</div>'
    if item.answered(view.as_of):
        view.mark(item.replied)
        reply = "".join(f'<p style="text-indent:2em;">{esc(p)}</p>' for p in texts.reply_paragraphs(rng, ctx, item.title))
        body += (f'<div class="reply"><h4>答复内容</h4><p>答复单位：{esc(view.site.spec.name)}　'
                 f'答复时间：{item.replied.isoformat()}</p>{reply}</div>')
    return body


def message_state(view: View, message: Item) -> tuple[str, str]:
    """(state, reply date) as the board shows a message on as_of: a date and 已回复 once answered."""
    if message.answered(view.as_of):
        view.mark(message.replied)
        return "已回复", message.replied.isoformat()
    return message.board_state or "办理中", ""


def board_table(view: View, messages: list[Item]) -> str:
    """A board as a table whose header names what each cell is (留言标题 | 留言时间 | 回复时间 | 办理状态)."""
    rows = []
    for m in messages:
        state, replied = message_state(view, m)
        rows.append(f'<tr><td class="title"><a href="{m.path}" target="_blank" title="{esc(m.title)}">{esc(short(m.title, 30))}'
                    f'</a></td><td>{m.day.isoformat()}</td><td>{replied}</td><td>{state}</td></tr>')
    return ('<table class="board-table" width="100%" border="0" cellspacing="0" cellpadding="5">'
            '<tr><th>留言标题</th><th>留言时间</th><th>回复时间</th><th>办理状态</th></tr>'
            f'{"".join(rows) or "<tr><td colspan=4>暂无留言</td></tr>"}</table>')


def board_rows(view: View, messages: list[Item]) -> str:
    """A board as rows of labelled values (「留言时间：…」「状态：已回复」)."""
    rows = []
    for m in messages:
        state, replied = message_state(view, m)
        when = f'<span class="reply">回复时间：{replied}</span>' if replied else ""
        rows.append(f'<li><a href="{m.path}" target="_blank" title="{esc(m.title)}">{esc(short(m.title))}</a>'
                    f'<p class="meta"><span>留言时间：{m.day.isoformat()}</span>{when}<span>状态：{state}</span></p></li>')
    return f'<ul class="board-list">{"".join(rows) or "<li>暂无留言</li>"}</ul>'


def report_body(site: Site, item: Item) -> str:
    report = item.report
    if report.media == "pdf":
        return (f'<p style="text-indent:2em;">现将{esc(item.title)}予以公布，全文详见附件。</p>')
    blocks = rep.report_paragraphs(report.data, site.ctx(), site.index)
    out = []
    for kind, text in blocks:
        if kind == "h":
            out.append(f'<p style="text-indent:2em;"><strong>{text}</strong></p>')
        elif kind == "p":
            out.append(f'<p style="text-indent:2em;">{esc(text)}</p>')
        else:
            out.append(text)
    return "".join(out)
