"""广东 gkmlpt (政府信息公开目录平台): the catalogue page ``/gkmlpt/index`` is a script shell whose
columns are a tree of categories in ``window._CONFIG.TREE``; a category is ``index#<id>`` in the
browser, and its list comes from ``/gkmlpt/api/all/<id>?page=N&sid=<SID>`` as JSON (``articles``, 100
a page, with ``total`` and the category in ``classify``). An article's ``date`` is its 成文日期 (epoch
seconds), ``created_at`` and ``display_publish_time`` its publishing time; its ``url`` names the
category after a ``#``. Details ``/gkmlpt/content/<a>/<b>/post_<id>.html`` open with the gkmlpt
metadata table (索引号 | 分类, 发布机构 | 成文日期, 名称, 文号 | 发布日期, 主题词; no 文号 is an empty cell).
"""

from __future__ import annotations

import datetime as dt
import json
import re

from .. import pages
from ..model import Column, Item, Site
from ..pages import Page, View, esc, fmt_day
from . import Family, json_page, to_int

_BEIJING = dt.timezone(dt.timedelta(hours=8))
_API = re.compile(r"/gkmlpt/api/all/(\d+)")


class Gkmlpt(Family):
    name = "gkmlpt"
    page_size = 100   # articles per API page

    def info_box(self, item: Item) -> str:
        cells = [[("索引号", item.index_no), ("分类", "综合政务")],
                 [("发布机构", item.publisher), ("成文日期", fmt_day(item.written))],
                 [("名称", item.title)],
                 [("文号", "" if item.doc_no in (None, "无") else item.doc_no), ("发布日期", fmt_day(item.day))],
                 [("主题词", "")]]
        rows = []
        for row in cells:
            span = ' colspan="3"' if len(row) == 1 else ""
            rows.append("<tr>" + "".join(f'<td class="first">{label}：</td><td class="second"{span}><span>{esc(value)}'
                                         f'</span></td>' for label, value in row) + "</tr>")
        return f'<div class="classify"><table class="table-classify"><tbody>{"".join(rows)}</tbody></table></div>'

    def list_js(self, col: Column) -> str:
        return "none" if col.children or col.ctype == "statutory" else "endpoint"

    def assign_paths(self, site: Site) -> None:
        site.portal_path = "/gkmlpt/index"
        for col in site.all_columns():
            col.cid = self.variant["catbase"] + col.cid * 7
            self.register(col, f"{site.portal_path}#{col.cid}")
            for item in col.items:
                item.path = f"/gkmlpt/content/{item.seq // 1_000_000}/{item.seq // 1000}/post_{item.seq}.html"
                for k, att in enumerate(item.attachments):
                    att.path = f"/attachment/0/{item.seq // 10_000}/{item.seq // 10}/{item.seq}{k + 1}.{att.ext}"

    def portal(self, view: View) -> Page:
        """The catalogue: a shell the platform's script draws from ``window._CONFIG``."""
        spec = self.site.spec
        tree = json.dumps([self._node(view, c) for c in view.children(None)], ensure_ascii=False)
        body = f"""<div class="gkml-main w"><div id="app"><noscript>您的浏览器未开启JavaScript，无法浏览政府信息公开目录。</noscript></div></div>
<script>
window._CONFIG = {{
  SID: '{self.variant["sid"]}',
  SITE_NAME: '{esc(spec.name)}',
  APP_URL: '',
  TREE: {tree},
  SERVICE_AREA_ID: {spec.region_code},
  IS_MOBILE: false
}};
</script>
<script src="/gkmlpt/gkml/pc/js/chunk-vendors.js"></script>
<script src="/gkmlpt/gkml/pc/js/index.js"></script>"""
        crumbs = [("首页", "/"), ("政府信息公开", self.site.portal_path)]
        return view.page(pages.layout(view, title=f"政府信息公开目录_{spec.name}", body=body, crumbs=crumbs))

    def _node(self, view: View, col: Column) -> dict:
        return {"id": col.cid, "name": col.name, "parent": col.parent.cid if col.parent else 0,
                "children": [self._node(view, c) for c in view.children(col)]}

    def route(self, view: View, path: str, query: dict, form: dict) -> Page | None:
        match = _API.fullmatch(path)
        if not match or query.get("sid") != self.variant["sid"]:
            return None
        col = next((c for c in self.site.all_columns() if c.cid == int(match.group(1)) and c.open(view.as_of)), None)
        if col is None:
            return None
        page = max(1, to_int(query.get("page")))   # page=0 is the first page too
        items = view.listing(col)
        chunk = items[(page - 1) * self.page_size: page * self.page_size]
        return json_page(view, {
            "classify": {"id": col.cid, "name": col.name, "parent": col.parent.cid if col.parent else 0,
                         "post_count": len(items)},
            "articles": [self._article(col, i) for i in chunk], "total": len(items)})

    def _article(self, col: Column, item: Item) -> dict:
        written = dt.datetime.combine(item.written, dt.time(0, 0))
        return {"id": item.seq, "title": item.title, "url": f"{self.site.url(item.path)}#{col.cid}",
                "created_at": f"{item.published:%Y-%m-%d %H:%M:%S}", "display_publish_time": _epoch(item.published),
                "date": _epoch(written), "publisher": item.publisher or "", "identifier": item.index_no or "",
                "document_number": "" if item.doc_no in (None, "无") else item.doc_no,
                "classify_main_name": col.name, "attachment": [{"name": a.title, "url": self.site.url(a.path)}
                                                                for a in item.attachments],
                "is_expired": 0, "is_abolished": 0}


def _epoch(moment: dt.datetime) -> int:
    return int(moment.replace(tzinfo=_BEIJING).timestamp())
