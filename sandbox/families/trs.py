"""TRS WCM static sites: ``index.html``, ``index_1.html``… with a ``createPageHTML`` pager script,
detail pages ``./YYYYMM/tYYYYMMDD_<docid>.html`` (the URL date may differ from the displayed one),
bodies in ``div.TRS_Editor``. One agency uses the all-table layout and ``.htm`` pages.
"""

from __future__ import annotations

import re

from .. import pages
from ..model import Column, Item, Site
from ..pages import View, esc, fmt_day
from . import Family, list_title, month_dir

_PAGER_FUNCTION = """<script>
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {
  if (_nPageCount == null || _nPageCount <= 1) { return; }
  var n = _nCurrIndex || 0;
  document.write("共" + _nPageCount + "页&nbsp;");
  if (n == 0) { document.write("<span>首页</span>&nbsp;<span>上一页</span>&nbsp;"); }
  else {
    document.write("<a href=\\"" + _sPageName + "." + _sPageExt + "\\">首页</a>&nbsp;");
    var prev = n - 1 == 0 ? _sPageName + "." + _sPageExt : _sPageName + "_" + (n - 1) + "." + _sPageExt;
    document.write("<a href=\\"" + prev + "\\">上一页</a>&nbsp;");
  }
  if (n + 1 >= _nPageCount) { document.write("<span>下一页</span>&nbsp;<span>尾页</span>"); }
  else {
    document.write("<a href=\\"" + _sPageName + "_" + (n + 1) + "." + _sPageExt + "\\">下一页</a>&nbsp;");
    document.write("<a href=\\"" + _sPageName + "_" + (_nPageCount - 1) + "." + _sPageExt + "\\">尾页</a>");
  }
}
</script>"""


class Trs(Family):
    name = "trs"
    page_size = 20

    def __init__(self, site: Site):
        super().__init__(site)
        self.suffix = self.variant.get("suffix", "html")
        self.date_style = self.variant.get("date_fmt", "iso")
        self.pager = self.variant.get("pager", 'createPageHTML({pages}, {cur}, "index", "html")')

    def charset_meta(self) -> str:
        if self.variant.get("header_charset"):
            return '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        return '<meta charset="UTF-8">'

    def extra_meta(self, view: View, column: Column | None, item: Item | None) -> list[str]:
        metas = []
        if column:
            metas.append(f'<meta name="ChnlId" content="{column.cid}">')
        if item:
            metas += [f'<meta name="DocId" content="{item.seq}">',
                      f'<meta name="Url" content="{self.site.url(item.path)}">']
        return metas

    def pubdate_meta(self, item: Item) -> str:
        return f"{item.published:%Y-%m-%d %H:%M:%S}"

    def wrap_body(self, inner: str) -> str:
        return f'<div class="TRS_Editor"><div class="Custom_UnionStyle">{inner}</div></div>'

    def assign_paths(self, site: Site) -> None:
        site.portal_path = "/zwgk/"
        for col in site.all_columns():
            col.cid = 1100 + col.cid * 13
            base = col.parent.path if col.parent else site.portal_path
            self.register(col, f"{base}{col.spec.slug}/")
            for item in col.items:
                stamp = item.url_date
                item.path = f"{col.path}{month_dir(stamp)}/t{stamp:%Y%m%d}_{item.seq}.{self.suffix}"
                for k, att in enumerate(item.attachments):
                    att.path = f"{col.path}{month_dir(stamp)}/P0{stamp:%Y%m%d}{item.seq}{k + 1:02d}.{att.ext}"

    def portal_aliases(self) -> tuple[str, ...]:
        return (self.site.portal_path, f"{self.site.portal_path}index.{self.suffix}")

    def route(self, view: View, path: str, query: dict, form: dict):
        folder, _, leaf = path.rpartition("/")
        col = self.column_at(view, folder + "/")
        if col is None:
            return None
        if leaf in ("", f"index.{self.suffix}"):
            return self.leaf_page(view, col, 1)
        match = re.fullmatch(rf"index_([1-9]\d*)\.{self.suffix}", leaf)
        return self.leaf_page(view, col, int(match.group(1)) + 1) if match else None

    def list_body(self, view: View, col: Column, items: list[Item], page: int, total: int, count: int) -> str:
        script = self.pager.format(pages=total, cur=page - 1)
        pager = f'<div class="page">{_PAGER_FUNCTION}<script>{script};</script></div>'
        if self.variant.get("layout") == "table":
            rows = "".join(f'<tr><td class="title" width="85%"><a href="./{_rel(col, i)}" target="_blank" '
                           f'title="{esc(i.title)}">{list_title(i.title, 24)}</a></td>'
                           f'<td class="date" width="15%">{fmt_day(i.day, self.date_style)}</td></tr>' for i in items)
            rows = rows or '<tr><td colspan="2">暂无信息</td></tr>'
            listing = f'<table width="100%" cellpadding="4" cellspacing="0" border="0">{rows}</table>'
            if col.ctype == "interaction":   # a 信箱 shows each letter's state, in this layout too
                listing = pages.board_rows(view, items)
            return (f'<table width="1000" align="center" cellpadding="0" cellspacing="0" border="0"><tr>'
                    f'<td width="220" valign="top">{_side_table(view, col)}</td><td valign="top">'
                    f'<table width="100%" cellpadding="0" cellspacing="0" class="list-title"><tr><td>{esc(col.name)}</td></tr></table>'
                    f'{listing}'
                    f'<table width="100%"><tr><td align="center">{pager}</td></tr></table></td></tr></table>')
        rows = "".join(f'<li><a href="./{_rel(col, i)}" target="_blank" title="{esc(i.title)}">{list_title(i.title)}</a>'
                       f'<span>{fmt_day(i.day, self.date_style)}</span></li>' for i in items)
        rows = rows or '<li class="empty">暂无信息</li>'
        listing = f'<ul class="list">{rows}</ul>'
        if col.ctype == "interaction":   # a 信箱: each letter's time and state as labelled values
            listing = pages.board_rows(view, items)
        return (f'<div class="main w"><div class="left-nav">{_side_list(view, col)}</div>'
                f'<div class="list_con"><h2 class="column-title">{esc(col.name)}</h2>'
                f'{listing}{pager}</div></div>')


def _rel(col: Column, item: Item) -> str:
    return item.path[len(col.path):]


def _siblings(view: View, col: Column) -> list[Column]:
    return view.children(col.parent) if col.parent else view.children(None)


def _side_list(view: View, col: Column) -> str:
    on = ' class="on"'
    links = "".join(f'<li{on if c is col else ""}><a href="{c.path}">{esc(c.name)}</a></li>'
                    for c in _siblings(view, col))
    return f'<h3>{esc(col.parent.name if col.parent else "政府信息公开")}</h3><ul>{links}</ul>'


def _side_table(view: View, col: Column) -> str:
    rows = "".join(f'<tr><td height="30"><a href="{c.path}">{esc(c.name)}</a></td></tr>' for c in _siblings(view, col))
    return f'<table width="100%" cellpadding="0" cellspacing="0">{rows}</table>'
