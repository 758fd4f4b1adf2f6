"""Plain table lists on old JSP-style sites: ``list.jsp?cid=N&page=N`` (or ``?page=N``), rows in a
``<table>``, a pager with 首页/上一页/下一页/尾页 and 「共N页」. Dates sit in their own cell, inside the
title cell (「标题（2024-01-05）」), or as ``[MM-DD]`` under year rows, depending on the site.
"""

from __future__ import annotations

from .. import pages
from ..model import Column, Item, Site
from ..pages import Page, View, esc, fmt_day
from . import Family, list_title, month_dir, to_int


class TableCms(Family):
    name = "table"
    page_size = 15
    show_time = False

    def __init__(self, site: Site):
        super().__init__(site)
        self.style = self.variant.get("style", "jsp")
        self.date_cell = self.variant.get("date_cell", "iso")

    def charset_meta(self) -> str:
        if self.variant.get("gbk_meta"):
            return '<meta charset="gb2312">'
        return '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'

    def pubdate_meta(self, item: Item) -> str:
        return f"{item.day.year}年{item.day.month:02d}月{item.day.day:02d}日"

    def assign_paths(self, site: Site) -> None:
        jsp = self.style == "jsp"
        site.portal_path = "/xxgk/index.jsp" if jsp else "/zwgk/"
        for col in site.all_columns():
            col.cid = 10 + col.cid
            self.register(col, f"/xxgk/list.jsp?cid={col.cid}" if jsp else f"/zwgk/{col.spec.slug}/")
            for item in col.items:
                item.path = f"/xxgk/content.jsp?id={item.seq}" if jsp else f"/zwgk/{col.spec.slug}/{item.seq}.html"
                for k, att in enumerate(item.attachments):
                    folder = f"/upload/{month_dir(item.day)}" if jsp else f"/uploadfile/{item.day.year}"
                    att.path = f"{folder}/{item.seq}_{k + 1}.{att.ext}"

    def item_key(self, path: str, query: dict) -> str:
        if path == "/xxgk/content.jsp":
            return f"{path}?id={query.get('id', '')}"
        return path

    def route(self, view: View, path: str, query: dict, form: dict) -> Page | None:
        key = f"{path}?cid={query.get('cid', '')}" if path == "/xxgk/list.jsp" else path
        col = self.column_at(view, key)
        if col is None:
            return None
        page = to_int(query.get("page")) if "page" in query else 1
        return self.leaf_page(view, col, page) if page >= 1 else None

    def page_link(self, col: Column, page: int) -> str:
        return f"{col.path}&page={page}" if self.style == "jsp" else f"{col.path}?page={page}"

    def list_body(self, view: View, col: Column, items: list[Item], page: int, total: int, count: int) -> str:
        rows = self.rows(col, items) or '<tr><td colspan="2">暂无信息</td></tr>'
        header = "<tr><th>标题</th></tr>" if self.date_cell == "in_title" else "<tr><th>标题</th><th>发布日期</th></tr>"
        listing = (f'<table class="list-table" width="100%" border="0" cellspacing="0" cellpadding="5">{header}{rows}'
                   f'</table>')
        if col.ctype == "interaction":   # a 留言 board: a table whose header names each cell
            listing = pages.board_table(view, items)
        return (f'<div class="main w"><div class="column-title">{esc(col.name)}</div>{listing}'
                f'{self.pager(col, page, total, count)}</div>')

    def rows(self, col: Column, items: list[Item]) -> str:
        out, year = [], None
        for item in items:
            link = (f'<a href="{item.path}" target="_blank" title="{esc(item.title)}">{list_title(item.title, 30)}</a>')
            if col.pinned is item:
                link = '<font color="red">[置顶]</font>' + link
            if self.date_cell == "in_title":
                out.append(f"<tr><td>{link}（{item.day.isoformat()}）</td></tr>")
            elif self.date_cell == "short":
                if item.day.year != year:
                    year = item.day.year
                    out.append(f'<tr class="year"><td colspan="2"><b>{year}年</b></td></tr>')
                out.append(f'<tr><td>{link}</td><td class="date">[{item.day:%m-%d}]</td></tr>')
            else:
                out.append(f'<tr><td>{link}</td><td class="date" width="120">{fmt_day(item.day)}</td></tr>')
        return "".join(out)

    def pager(self, col: Column, page: int, total: int, count: int) -> str:
        def link(text: str, target: int, active: bool) -> str:
            return f'<a href="{self.page_link(col, target)}">{text}</a>' if active else f"<span>{text}</span>"
        return (f'<div class="pager">共{count}条记录 共{total}页 当前第{page}页 '
                f'{link("首页", 1, page > 1)} {link("上一页", page - 1, page > 1)} '
                f'{link("下一页", page + 1, page < total)} {link("尾页", total, page < total)}</div>')
