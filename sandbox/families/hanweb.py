"""大汉 Hanweb JCMS: ``/col/col<colid>/index.html`` holding its first three pages of records in a
``<script type="text/xml"><datastore>`` with a jpage config; later records from
``/module/web/jpage/dataproxy.jsp`` (POST form or GET query); details ``/art/Y/M/D/art_<colid>_<artid>.html``
with the body between ``ZJEG_RSS.content`` comments.
"""

from __future__ import annotations

import hashlib
import math
import re
from urllib.parse import quote

from ..model import Column, Item, Site
from ..pages import Page, View, esc
from . import Family, list_title, to_int

PROXY = "/module/web/jpage/dataproxy.jsp"
GROUP = 3  # pages per datastore group


class Hanweb(Family):
    name = "hanweb"
    page_size = 15
    info_style = "li"

    def charset_meta(self) -> str:
        return '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />'

    def extra_meta(self, view: View, column: Column | None, item: Item | None) -> list[str]:
        metas = [f"<meta name='WebId' content='{self.variant['webid']}'>",
                 f'<meta name="i_webid" content="{self.variant["webid"]}">']
        if column:
            metas.append(f'<meta name="i_columnid" content="{column.cid}">')
        metas.append(f'<meta name="i_articleid" content="{item.seq if item else 0}">')
        metas.append(f'<meta name="pagetype" content="{1 if item else 2}">')
        if item:
            metas.append(f'<meta name="url" content="{self.site.url(item.path)}">')
        return metas

    def wrap_body(self, inner: str) -> str:
        return (f'<div class="main-txt"><!--ZJEG_RSS.content.begin--><meta name="ContentStart"/>{inner}'
                f'<meta name="ContentEnd"/><!--ZJEG_RSS.content.end--></div>')

    def assign_paths(self, site: Site) -> None:
        base = self.variant["colbase"]
        site.portal_path = f"/col/col{base}/index.html"
        for col in site.all_columns():
            col.cid = base + 3 * (col.cid + 1)
            self.register(col, f"/col/col{col.cid}/index.html")
            for item in col.items:
                d = item.url_date
                item.path = f"/art/{d.year}/{d.month}/{d.day}/art_{col.cid}_{item.seq}.html"
                for k, att in enumerate(item.attachments):
                    digest = hashlib.md5(f"{site.spec.id}/{item.seq}/{k}".encode()).hexdigest()
                    att.path = f"/attach/0/{digest}.{att.ext}"

    def portal_aliases(self) -> tuple[str, ...]:
        return (self.site.portal_path, self.site.portal_path.removesuffix("index.html"))

    def unit_id(self, col: Column) -> int:
        return 700000 + col.cid * 7

    def route(self, view: View, path: str, query: dict, form: dict) -> Page | None:
        if path == PROXY:
            return self.dataproxy(view, {**query, **form})
        match = re.fullmatch(r"/col/col(\d+)/(index\.html)?", path)
        col = self.column_at(view, f"/col/col{match.group(1)}/index.html") if match else None
        return self.leaf_page(view, col, 1) if col else None

    def list_body(self, view: View, col: Column, items: list[Item], page: int, total: int, count: int) -> str:
        every = view.listing(col)
        unit, webid = self.unit_id(col), self.variant["webid"]
        webname = quote(quote(self.site.spec.name))
        nextgroup = (f'<a href="{PROXY}?page=1&webid={webid}&path=/&columnid={col.cid}&unitid={unit}'
                     f'&webname={webname}&permissiontype=0"></a>')
        records = "\n".join(_record(i) for i in every[:self.page_size * GROUP])
        config = (f"themeName:'lucidity',showMode:'full',totalRecord:{len(every)},openCookies:false,"
                  f"dataBefore:'<ul class=\\'jgdj_list\\'>',dataAfter:'</ul>',groupSize:{GROUP},"
                  f"proxyUrl:'{PROXY}',perPage:{self.page_size},barPosition:'bottom',ajaxParam:param_{unit}")
        siblings = view.children(col.parent) if col.parent else view.children(None)
        nav = "".join(f'<li id="{esc(c.name)}"><div> <a href="{c.path}">{esc(c.name)}</a> </div></li>' for c in siblings)
        return f"""<div class="con w clearfix"><div class="con-left" ergodic="navigation">
<div class="con-left-title"><span>{esc(col.parent.name if col.parent else "政府信息公开")}</span></div>
<ul class="con-leftn-list">{nav}</ul></div>
<div class="con-right" ergodic="view"><div class="con-right-title">{esc(col.name)}</div>
<div id="{unit}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[{nextgroup}]]></nextgroup>
<recordset>
{records}
</recordset>
</datastore></script></div>
<script>var param_{unit} = {{col:1,webid:{webid},path:'/',columnid:{col.cid},sourceContentType:1,unitid:'{unit}',webname:'{webname}',permissiontype:0}};
$(function(){{$('#{unit}').jpage({{{config},dataStore:$('#{unit}').children('script').html()}});}});</script>
</div></div>"""

    def dataproxy(self, view: View, params: dict) -> Page:
        col = next((c for c in self.site.all_columns() if str(c.cid) == str(params.get("columnid"))
                    and c.open(view.as_of) and c.spec.js == "none" and c.ctype != "statutory"), None)
        items = view.listing(col) if col else []
        per = to_int(params.get("perpage")) or self.page_size
        start = to_int(params.get("startrecord"))
        end = to_int(params.get("endrecord")) or start + per - 1
        if not start:
            page = max(1, to_int(params.get("page")) or 1)
            start, end = (page - 1) * per + 1, page * per
        chunk = items[max(start, 1) - 1: max(end, 0)]
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n<nextgroup><![CDATA[]]></nextgroup>\n'
                f"<totalrecord>{len(items)}</totalrecord>\n<totalpage>{max(1, math.ceil(len(items) / per))}</totalpage>\n"
                f"<recordset>\n" + "\n".join(_record(i) for i in chunk) + "\n</recordset>\n</datastore>\n")
        return Page(body, view.modified, ctype="text/xml")


def _record(item: Item) -> str:
    return (f'<record><![CDATA[\n<li class="clearfix"><a href=\'{item.path}\' title=\'{esc(item.title)}\' target="_blank">'
            f'{list_title(item.title)}</a><span class="bt-data-time">{item.day.isoformat()}</span></li>]]></record>')
