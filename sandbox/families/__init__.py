"""CMS families: how a site lays out its URLs, lists, pagers and detail bodies.

``Family`` answers the routes every site shares (robots, homepage, portal, details, attachments,
JSON list APIs); each subclass adds its own column pages and pagers.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from abc import ABC, abstractmethod

from .. import files, pages
from ..model import Column, Item, Site
from ..pages import Page, View, esc, short


class Family(ABC):
    name = ""
    date_style = "iso"
    info_style = "table"
    page_size = 20
    show_time = True

    def __init__(self, site: Site):
        self.site = site
        self.variant = site.spec.variant
        self.col_by_path: dict[str, list[Column]] = {}   # a renamed column's versions share their page

    # text conventions ---------------------------------------------------------------------------
    def charset_meta(self) -> str:
        return '<meta charset="utf-8">'

    def extra_meta(self, view: View, column: Column | None, item: Item | None) -> list[str]:
        return []

    def pubdate_meta(self, item: Item) -> str:
        return f"{item.published:%Y-%m-%d %H:%M}"

    def published_text(self, item: Item) -> str:
        return f"{item.published:%Y-%m-%d %H:%M}" if self.show_time else item.day.isoformat()

    def published_value(self, item: Item) -> str:
        """The manifest's ``published``: with the time when the detail page shows one."""
        return f"{item.published:%Y-%m-%dT%H:%M}" if self.show_time else item.day.isoformat()

    def wrap_body(self, inner: str) -> str:
        return f'<div class="article-content" id="zoom">{inner}</div>'

    def info_box(self, item: Item) -> str:
        """The 信息公开 metadata block of a detail page."""
        return pages.info_box(self.site, item)

    def info_line(self, item: Item) -> str:
        return pages.info_line(self.site, item)

    def list_js(self, col: Column) -> str:
        """How the column's list reaches a browser (the manifest's ``js``): none, endpoint or render."""
        return col.spec.js

    # URLs ---------------------------------------------------------------------------------------
    @abstractmethod
    def assign_paths(self, site: Site) -> None:
        """Set the portal, column, item and attachment paths (and public column ids)."""

    def portal_aliases(self) -> tuple[str, ...]:
        return (self.site.portal_path,)

    def register(self, col: Column, path: str) -> None:
        col.path = path
        self.col_by_path.setdefault(path, []).append(col)

    def item_key(self, path: str, query: dict) -> str:
        return path

    def pages_of(self, count: int) -> int:
        return max(1, math.ceil(count / self.page_size))

    # routing ------------------------------------------------------------------------------------
    def resolve(self, view: View, path: str, query: dict, form: dict) -> Page | None:
        site = self.site
        if path == "/robots.txt":
            return pages.robots(site)
        if path == "/css/style.css":
            return Page(pages.STYLESHEET, view.modified, ctype="text/css")
        if path in ("/", "/index.html", "/index.htm", "/index.shtml", "/index.jsp"):
            return pages.homepage(view)
        if path in self.portal_aliases():
            return self.portal(view)
        if path == "/search/":
            return pages.search(view)
        if path in site.attachments:
            return _attachment(view, *site.attachments[path])
        item = site.by_path.get(self.item_key(path, query))
        if item is not None:
            return pages.detail(view, item) if item.visible(view.as_of) else None
        if path.startswith("/api/columns/") or path in ("/interface/getDocuments", "/static/js/list.js"):
            return _js_api(view, path, query)
        return self.route(view, path, query, form)

    def portal(self, view: View) -> Page:
        return pages.portal(view)

    def route(self, view: View, path: str, query: dict, form: dict) -> Page | None:
        return None

    def column_at(self, view: View, path: str) -> Column | None:
        return next((col for col in self.col_by_path.get(path, ()) if col.open(view.as_of)), None)

    def leaf_page(self, view: View, col: Column, page: int) -> Page | None:
        """Common entry for a column's page ``page`` (1-based): containers, JS lists, slow pages."""
        if col.ctype == "statutory":
            return pages.container(view, col) if page == 1 else None
        if col.spec.js != "none":
            return js_column(view, col) if page == 1 else None
        items = view.listing(col)
        total = self.pages_of(len(items))
        if page > total:
            return None
        chunk = items[(page - 1) * self.page_size: page * self.page_size]
        body = self.list_body(view, col, chunk, page, total, len(items))
        return pages.column_page(view, col, body, slow=col.spec.slow and page == 1)

    def list_body(self, view: View, col: Column, items: list[Item], page: int, total: int, count: int) -> str:
        pager = " ".join(f'<a href="?page={n}">{n}</a>' for n in range(1, total + 1))
        return (f'<div class="main w"><h2 class="column-title">{esc(col.name)}</h2>'
                f'{pages.item_list(view, items, self.date_style)}<div class="pager">{pager}</div></div>')


def _attachment(view: View, item: Item, att) -> Page | None:
    if not att.served or not item.visible(view.as_of):
        return None
    view.mark(item.maketime)
    if item.report and att.ext == "pdf":
        data = files.report_pdf(item, view.site.ctx())
    elif att.people:
        data = files.residents_pdf(att.title, att.people, item.maketime)
    elif att.ext == "pdf":
        data = files.plain_pdf(f"{item.seq}-{att.path.rsplit('/', 1)[-1]}", item.maketime)
    else:
        data = files.doc_bytes(att.title, item.title)
    ctype = "application/pdf" if att.ext == "pdf" else "application/msword"
    return Page(data, view.modified, ctype=ctype)


# JavaScript-drawn lists -------------------------------------------------------------------------

def js_column(view: View, col: Column) -> Page:
    """An empty container filled by script: inline fetch of a literal URL, or an external list.js; a
    message board draws its table from its own endpoint."""
    if col.ctype == "interaction":
        script = _BOARD_JS.replace("__URL__", f"/api/columns/{col.cid}/messages.json?page=1")
        body = (f'<div class="main w"><h2 class="column-title">{esc(col.name)}</h2><div class="board-box">'
                f'<table class="board-table" width="100%"><thead><tr><th>留言标题</th><th>留言时间</th><th>回复时间</th>'
                f'<th>办理状态</th></tr></thead><tbody id="letter-list"></tbody></table>'
                f'<div id="letter-pager" class="pager"></div></div><script>{script}</script></div>')
    elif col.spec.js == "endpoint":
        script = _ENDPOINT_JS.replace("__URL__", f"/api/columns/{col.cid}/items.json?page=1")
        body = (f'<div class="main w"><h2 class="column-title">{esc(col.name)}</h2><div class="list-box">'
                f'<ul id="doc-list" class="list"></ul><div id="doc-pager" class="pager"></div></div>'
                f'<script>{script}</script></div>')
    else:
        body = (f'<div class="main w"><h2 class="column-title">{esc(col.name)}</h2>'
                f'<div id="list-app" data-chan="{col.cid}"><noscript>请开启浏览器的JavaScript功能</noscript></div>'
                f'<script src="/static/js/list.js"></script></div>')
    return pages.column_page(view, col, body)


_ENDPOINT_JS = """
(function () {
  var url = '__URL__';
  var m = location.search.match(/page=(\\d+)/);
  if (m) { url = url.replace('page=1', 'page=' + m[1]); }
  fetch(url).then(function (r) { return r.json(); }).then(function (d) {
    var html = '';
    d.data.forEach(function (x) {
      html += '<li><a href="' + x.DOCPUBURL + '" target="_blank" title="' + x.DOCTITLE + '">' + x.DOCTITLE +
              '</a><span class="date">' + x.PUBDATE.substring(0, 10) + '</span></li>';
    });
    document.getElementById('doc-list').innerHTML = html;
    var pager = '';
    for (var i = 1; i <= d.totalPage; i++) { pager += '<a href="?page=' + i + '">' + i + '</a> '; }
    document.getElementById('doc-pager').innerHTML = pager;
  });
})();
"""

_BOARD_JS = """
(function () {
  var url = '__URL__';
  var m = location.search.match(/page=(\\d+)/);
  if (m) { url = url.replace('page=1', 'page=' + m[1]); }
  fetch(url).then(function (r) { return r.json(); }).then(function (d) {
    var html = '';
    d.data.forEach(function (x) {
      html += '<tr><td><a href="' + x.url + '" target="_blank" title="' + x.title + '">' + x.title + '</a></td><td>' +
              x.createTime.substring(0, 10) + '</td><td>' + (x.replyTime || '').substring(0, 10) + '</td><td>' +
              x.status + '</td></tr>';
    });
    document.getElementById('letter-list').innerHTML = html;
    var pager = '';
    for (var i = 1; i <= d.totalPage; i++) { pager += '<a href="?page=' + i + '">' + i + '</a> '; }
    document.getElementById('letter-pager').innerHTML = pager;
  });
})();
"""

LIST_JS = """(function () {
  var box = document.getElementById('list-app');
  if (!box) { return; }
  var chan = box.getAttribute('data-chan'), size = 20;
  var m = location.search.match(/page=(\\d+)/), page = m ? parseInt(m[1], 10) : 1;
  var api = ['/inter', 'face', '/get', 'Docu', 'ments'].join('') + '?' + ['chan', 'Id='].join('') + chan +
            '&pageIndex=' + page + '&pageSize=' + size;
  fetch(api).then(function (r) { return r.json(); }).then(function (d) {
    var html = '<ul class="list">';
    d.list.forEach(function (x) {
      html += '<li><a href="' + x.url + '" target="_blank" title="' + x.title + '">' + x.title + '</a>' +
              '<span class="date">' + x.publishTime + '</span></li>';
    });
    html += '</ul><div class="pager">';
    for (var i = 1; i <= Math.max(1, Math.ceil(d.count / size)); i++) { html += '<a href="?page=' + i + '">' + i + '</a> '; }
    box.innerHTML = html + '</div>';
  });
})();
"""


def _js_api(view: View, path: str, query: dict) -> Page | None:
    if path == "/static/js/list.js":
        return Page(LIST_JS, view.modified, ctype="application/javascript")
    by_cid = {c.cid: c for c in view.site.all_columns() if c.spec.js != "none" and c.open(view.as_of)}
    if path == "/interface/getDocuments":
        col = by_cid.get(to_int(query.get("chanId")))
        if col is None:
            return None
        page, size = max(1, to_int(query.get("pageIndex")) or 1), to_int(query.get("pageSize")) or 20
        items = view.listing(col)
        rows = [{"id": i.seq, "title": i.title, "url": i.path, "publishTime": i.day.isoformat()}
                for i in items[(page - 1) * size: page * size]]
        return json_page(view, {"result": True, "count": len(items), "pageIndex": page, "list": rows})
    parts = path.split("/")  # /api/columns/<cid>/items.json (a board: messages.json)
    col = by_cid.get(to_int(parts[3])) if len(parts) == 5 else None
    if col is None or parts[4] != ("messages.json" if col.ctype == "interaction" else "items.json"):
        return None
    page, size = max(1, to_int(query.get("page")) or 1), 20
    items = view.listing(col)
    if col.ctype == "interaction":
        return json_page(view, {"code": 200, "total": len(items), "totalPage": max(1, math.ceil(len(items) / size)),
                                "data": [_letter(view, i) for i in items[(page - 1) * size: page * size]]})
    rows = [{"DOCID": i.seq, "DOCTITLE": i.title, "DOCPUBURL": view.site.url(i.path),
             "PUBDATE": f"{i.published:%Y-%m-%d %H:%M:%S}"} for i in items[(page - 1) * size: page * size]]
    return json_page(view, {"code": 0, "msg": "success", "total": len(items), "page": page, "pageSize": size,
                        "totalPage": max(1, math.ceil(len(items) / size)), "data": rows})


def _letter(view: View, message: Item) -> dict:
    state, replied = pages.message_state(view, message)
    return {"id": message.seq, "title": message.title, "url": view.site.url(message.path),
            "createTime": f"{message.published:%Y-%m-%d %H:%M:%S}",
            "replyTime": f"{replied} 16:30:00" if replied else "", "status": state}


def json_page(view: View, payload: dict) -> Page:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return Page(body, view.modified, ctype="application/json")


def to_int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def family_for(site: Site) -> Family:
    from .gkmlpt import Gkmlpt
    from .haiyun import Haiyun
    from .hanweb import Hanweb
    from .jscms import JsPlatform
    from .powereasy import PowerEasy
    from .table import TableCms
    from .trs import Trs
    return {"trs": Trs, "hanweb": Hanweb, "table": TableCms, "js": JsPlatform, "haiyun": Haiyun, "gkmlpt": Gkmlpt,
            "powereasy": PowerEasy}[site.spec.cms](site)


def list_title(title: str, limit: int = 26) -> str:
    return esc(short(title, limit))


def month_dir(day: dt.date) -> str:
    return f"{day.year}{day.month:02d}"
