"""动易 PowerEasy SiteFactory (ASP.NET): every node is ``/Category_<id>/Index.aspx``, its page k
``Index_k.aspx`` (``Index_1.aspx`` is the first page too), articles ``/Item/<id>.aspx``, uploads under
``/UploadFiles/Article/``. Lists are the ``pe100`` 通用信息列表: ``<li><span class="date">`` rows, a
spacer ``<li class="split">`` after every fifth, the link's ``title`` holding 「标题：…&#xD;点击数：…&#xD;
发表时间：…」 rather than the title; the pager sits between ``{pe.begin.pagination}`` comments, with
首页/上一页 linking the first page to itself and 下一页/尾页 the last page.
"""

from __future__ import annotations

import random
import re

from ..model import Column, Item, Site
from ..pages import Page, View, esc, fmt_day
from . import Family

_NODE = re.compile(r"/Category_(\d+)/(?:Index(?:_([1-9]\d*))?\.aspx)?")


class PowerEasy(Family):
    name = "powereasy"
    page_size = 20

    def charset_meta(self) -> str:
        return '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />'

    def extra_meta(self, view: View, column: Column | None, item: Item | None) -> list[str]:
        return ['<meta name="Generator" content="PowerEasy SiteFactory" />']

    def wrap_body(self, inner: str) -> str:
        return f'<div class="article_content" id="fontzoom">{inner}</div>'

    def info_box(self, item: Item) -> str:
        """The 信息公开 table of the site's article template: labels in <th>."""
        rows = [(("索 引 号", item.index_no), ("信息分类", "财政信息")),
                (("发布机构", item.publisher), ("发文日期", fmt_day(item.written))),
                (("文\u3000\u3000号", item.doc_no or "无"), ("发布日期", fmt_day(item.day))),
                (("标\u3000\u3000题", item.title),)]
        cells = ("".join(f'<th>{label}：</th><td{" colspan=3" if len(row) == 1 else ""}>{esc(value)}</td>'
                         for label, value in row) for row in rows)
        return f'<table class="xxgk_table" width="100%" border="1">{"".join(f"<tr>{c}</tr>" for c in cells)}</table>'

    def assign_paths(self, site: Site) -> None:
        base = self.variant["catbase"]
        site.portal_path = f"/Category_{base}/Index.aspx"
        for col in site.all_columns():
            col.cid = base + 1 + col.cid
            self.register(col, f"/Category_{col.cid}/Index.aspx")
            for item in col.items:
                item.path = f"/Item/{item.seq}.aspx"
                d = item.day
                for k, att in enumerate(item.attachments):
                    att.path = f"/UploadFiles/Article/{d.year}/{d.month}/{d:%Y%m%d}{item.seq}{k + 1}.{att.ext}"

    def portal_aliases(self) -> tuple[str, ...]:
        return (self.site.portal_path, self.site.portal_path.replace("Index.aspx", "Index_1.aspx"))

    def route(self, view: View, path: str, query: dict, form: dict) -> Page | None:
        match = _NODE.fullmatch(path)
        col = self.column_at(view, f"/Category_{match.group(1)}/Index.aspx") if match else None
        return self.leaf_page(view, col, int(match.group(2) or 1)) if col else None

    def list_body(self, view: View, col: Column, items: list[Item], page: int, total: int, count: int) -> str:
        rows = []
        for k, item in enumerate(items):
            if k and k % 5 == 0:
                rows.append('<li class="split"></li>')
            last = ' class="last"' if k == len(items) - 1 else ""
            hits = random.Random(f"{self.site.spec.id}/hits/{item.seq}").randint(30, 900)
            tooltip = f"标题：{esc(item.title)}&#xD;点击数：{hits}&#xD;发表时间：{item.day:%Y年%m月%d日}"
            rows.append(f'<li{last}><span class="date">{item.day.isoformat()}</span>'
                        f'<a href="{item.path}" target="_self" title="{tooltip}">{esc(item.title)}</a></li>')
        listing = "".join(rows) or '<li class="last">暂无信息</li>'
        siblings = view.children(col.parent) if col.parent else view.children(None)
        nav = "".join(f'<li><a href="{c.path}" target="_self">{esc(c.name)}</a></li>' for c in siblings)
        return f"""<div id="mainContent" class="siteWidth clearfix">
<div class="leftSide"><div class="subNav"><h3>{esc(col.parent.name if col.parent else "信息公开")}</h3><ul>{nav}</ul></div></div>
<div class="rightSide"><div class="listTitle"><span>{esc(col.name)}</span></div>
<!-- 正文内容 S --><ul class="listNews">
{listing}
          
                    </ul>
                    <div class="page"><span id="pe100_page_通用信息列表_普通式" class="pagecss">{self.pager(page, total)}</span></div>
                    <!-- 正文内容 E -->
</div></div>"""

    def pager(self, page: int, total: int) -> str:
        """The pe100 pager: up to eleven numbers around the current page, the current one in <b>."""
        def name(n: int) -> str:
            return "Index.aspx" if n == 1 else f"Index_{n}.aspx"
        first = max(1, min(page - 5, total - 10))
        numbers = " ".join(f'<b><a href="{name(n)}">{n}</a></b>' if n == page else f'<a href="{name(n)}">{n}</a>'
                           for n in range(first, min(total, first + 10) + 1))
        return (f'<!--{{pe.begin.pagination}}-->\n <a href="Index.aspx">首页</a>\n'
                f' <a href="{name(max(1, page - 1))}">上一页</a>\n {numbers} \n'
                f'<a href="{name(min(total, page + 1))}">下一页</a>\n <a href="{name(total)}">尾页</a>\n'
                f' <!--{{pe.end.pagination}}-->')
