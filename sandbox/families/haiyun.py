"""TRS 海云 on a provincial 集约化 site group (Fujian-style): ``trt-*`` grid classes and avalon
``ms-controller`` / ``ms-repeat`` templates. A column's first page is static: its newest ``prepage``
records, in groups of five, beside an empty ``ms-repeat`` template. Every later page comes only from
the site group's search API, POSTed (``channelid``, ``classsql=chnlid=N``, ``page``, ``prepage``) and
answered in JSON (``data`` with ``docreltime`` in epoch milliseconds, ``total``, ``pageCount``); a GET
is refused. The record count sits in the page's ``pagebar`` config. Details
``./YYYYMM/tYYYYMMDD_<docid>.htm`` carry the 信息公开 box as ``<strong>索引号</strong>：value``.
"""

from __future__ import annotations

import datetime as dt
import json
import math

from ..model import Column, Item, Site
from ..pages import Page, View, esc, fmt_day
from . import Family, json_page, month_dir, to_int

_BEIJING = dt.timezone(dt.timedelta(hours=8))


class Haiyun(Family):
    name = "haiyun"

    def __init__(self, site: Site):
        super().__init__(site)
        self.page_size = self.variant["prepage"]
        self.search_path = f"/{self.variant['app']}/search"

    def extra_meta(self, view: View, column: Column | None, item: Item | None) -> list[str]:
        metas = [f'<meta name="SiteId" content="{self.site.index}">']
        if column:
            metas.append(f'<meta name="ColumnId" content="{column.cid}">')
        if item:
            metas.append(f'<meta name="ArticleId" content="{item.seq}">')
        return metas

    def wrap_body(self, inner: str) -> str:
        return f'<div class="article_area" id="detailCont"><div class="TRS_Editor">{inner}</div></div>'

    def info_box(self, item: Item) -> str:
        fields = [("索&ensp;引&ensp;号", item.index_no, 12), ("主题分类", "综合政务", 12),
                  ("发文机关", item.publisher, 12), ("成文日期", fmt_day(item.written), 12),
                  ("标&ensp;&ensp;&ensp;&ensp;题", item.title, 24), ("发文字号", item.doc_no or "无", 12),
                  ("发布日期", fmt_day(item.day), 12), ("有&ensp;效&ensp;性", "有效", 12)]
        lis = "".join(f'<li class="trt-col-{width} trt-col-sm-24"><strong>{label}</strong>：<font>{esc(value)}</font></li>'
                      for label, value, width in fields)
        return f'<div class="index_box shadow_base pad_base"><ul class="trt-row">{lis}</ul></div>'

    def info_line(self, item: Item) -> str:
        return (f'<div class="article_extend pad_base"><div class="trt-row"><div class="trt-col-16 trt-col-sm-24">'
                f'<span class="article_source">来源：{esc(item.source or self.site.spec.name)}</span>'
                f'<span class="article_time bf-pass">时间：{self.published_text(item)}</span></div>'
                f'<div class="trt-col-8 function_icon none_sm"><span class="SLB_none" ms-click="$addfont()">'
                f'<i class="trt-iconfont trt-icon-zitifangda"></i></span></div></div></div>')

    def assign_paths(self, site: Site) -> None:
        site.portal_path = "/zwgk/"
        for col in site.all_columns():
            col.cid = 600 + col.cid * 7   # the chnlid the search API knows the column by
            base = col.parent.path if col.parent else site.portal_path
            self.register(col, f"{base}{col.spec.slug}/")
            for item in col.items:
                stamp = item.url_date
                item.path = f"{col.path}{month_dir(stamp)}/t{stamp:%Y%m%d}_{item.seq}.htm"
                for k, att in enumerate(item.attachments):
                    att.path = f"{col.path}{month_dir(stamp)}/P0{stamp:%Y%m%d}{item.seq}{k + 1:02d}.{att.ext}"

    def portal_aliases(self) -> tuple[str, ...]:
        return (self.site.portal_path, f"{self.site.portal_path}index.htm")

    def route(self, view: View, path: str, query: dict, form: dict) -> Page | None:
        if path == self.search_path:
            return self.search(view, form)
        folder, _, leaf = path.rpartition("/")
        col = self.column_at(view, folder + "/")
        if col is None or leaf not in ("", "index.htm"):
            return None  # no static page beyond the first
        return self.leaf_page(view, col, 1)

    def list_body(self, view: View, col: Column, items: list[Item], page: int, total: int, count: int) -> str:
        groups = "".join(
            f'<div ms-visible="$showStatic({k + 1})"><ul>{"".join(self._static_row(col, i) for i in items[k:k + 5])}'
            f'</ul><div class="border_b_dashed mar_t_small mar_b_small"></div></div>'
            for k in range(0, len(items), 5))
        siblings = view.children(col.parent) if col.parent else view.children(None)
        on = ' class="active"'
        nav = "".join(f'<li{on if c is col else ""}><a href="{c.path}" title="{esc(c.name)}">{esc(c.name)}</a></li>'
                      for c in siblings)
        config = self._config(col, count)
        return f"""<div class="w trt-row mar_t_base">
<div class="trt-col-5 trt-col-sm-24"><div class="left_menu"><h3>{esc(col.parent.name if col.parent else "政府信息公开")}</h3>
<ul class="left_menu_list">{nav}</ul></div></div>
<div class="trt-col-19 trt-col-sm-24"><div class="list_head"><span class="list_name">{esc(col.name)}</span></div>
<div class="list_base list_base_date_01 mar_t_base" ms-controller="list" role="viewlist" des="{esc(col.name)}">
<div ms-visible="showStatic">{groups}</div>
<div ms-visible="!showStatic">
<ul ms-if="list.length==0"><div ms-if="!error" style="text-align:center;padding:30px"><img src="/images/loading.gif" /></div>
<div ms-if="error" style="text-align:center;padding:30px">暂无数据</div></ul>
<ul ms-if="list.length>0"><li ms-repeat="list"><a ms-attr-title="el.doctitle_cp" ms-attr-href="el.chnldocurl" target="_blank" ms-text="el.doctitle|html|showkey"></a>
<span ms-text="el.docreltime | date2('yyyy-MM-dd')" class="bf-pass"></span></li></ul>
</div></div>
<div class="page_base mar_t_base" ms-controller="list_pagebar" ms-include-src="pgTemp"></div>
</div></div>
{config}"""

    def _static_row(self, col: Column, item: Item) -> str:
        return (f'<li><a href="./{item.path[len(col.path):]}" target="_blank" title="{esc(item.title)}">{esc(item.title)}</a>'
                f'<em id="rel_{item.seq}"></em><span class="bf-pass">{item.day.isoformat()}</span></li>')

    def _config(self, col: Column, count: int) -> str:
        site = self.site
        return f"""<script>
var SiteInfo = {{
  siteId: {site.index},
  siteName: '{esc(site.spec.name)}',
  searchId: {self.variant["search_id"]}, //默认的文档检索频道的ID
  projectPath: '/'
}};
var pageChnlInfo = {{
  quickMode: "动静结合",
  maxStaticIndex: 1,
  classsql: "" || "chnlid={col.cid}",
  sortfield: '-docorderpri,-docreltime',
  cache: true
}};
</script>
<script src="/images/model.min.js"></script>
<script>
require(['list2.trsapi'], function (listModel) {{
  listModel({{
    quickMode: pageChnlInfo.quickMode,
    maxStaticIndex: pageChnlInfo.maxStaticIndex,
    listArgs: {{
      channelid: SiteInfo.searchId,
      classsql: pageChnlInfo.classsql,
      sortfield: pageChnlInfo.sortfield || '-docorderpri,-docreltime',
      classcol: 'publishyear',
      classsort: 0
    }},
    cache: pageChnlInfo.cache || true,
    listApi: {{ url: "{self.search_path}" }},
    pagebar: {{ prepage: {self.page_size}, recordCount: '{count}', pgTemp: 'pgBar_pt.html', pgCountMode: 'recordCount' }}
  }});
}});
</script>"""

    def search(self, view: View, form: dict) -> Page:
        """The site group's document search: POST only, one column's page of records as JSON."""
        if not form:
            refusal = json.dumps({"success": False, "msg": "请求方式不正确"}, ensure_ascii=False)
            return Page(refusal, view.modified, ctype="application/json", status=405)
        chnlid = str(form.get("classsql", "")).removeprefix("chnlid=")
        col = next((c for c in self.site.all_columns() if str(c.cid) == chnlid and c.open(view.as_of)
                    and c.ctype != "statutory"), None)
        wanted = str(form.get("channelid")) == str(self.variant["search_id"])
        items = view.listing(col) if col is not None and wanted else []
        page, size = max(1, to_int(form.get("page")) or 1), to_int(form.get("prepage")) or 15
        rows = [{"docid": i.seq, "chnlid": col.cid, "doctitle": i.title, "doctitle_cp": i.title,
                 "chnldocurl": self.site.url(i.path), "docreltime": _epoch_ms(i.published),
                 "publishyear": str(i.day.year), "docorderpri": 0}
                for i in items[(page - 1) * size: page * size]]
        return json_page(view, {"success": True, "total": len(items), "page": page, "prepage": size,
                            "pageCount": math.ceil(len(items) / size), "data": rows})


def _epoch_ms(moment: dt.datetime) -> int:
    return int(moment.replace(tzinfo=_BEIJING).timestamp() * 1000)
