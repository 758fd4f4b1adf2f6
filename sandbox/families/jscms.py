"""A JavaScript-drawn 集约化 platform: static homepage and portal, but every column page is an empty
container that script fills from a JSON API (the URL literal in an inline script, or built piecewise
by an external ``list.js`` that only a real browser runs).
"""

from __future__ import annotations

from ..model import Site
from ..pages import Page, View
from . import Family


class JsPlatform(Family):
    name = "js"

    def assign_paths(self, site: Site) -> None:
        site.portal_path = "/zwgk/index.html"
        for col in site.all_columns():
            col.cid = 300 + col.cid * 5
            self.register(col, f"/zwgk/{col.spec.slug}/index.html")
            for item in col.items:
                d = item.day
                item.path = f"/zwgk/{col.spec.slug}/content/{d.year}/{d.month:02d}/{item.seq}.html"
                for k, att in enumerate(item.attachments):
                    att.path = f"/files/{d.year}/{item.seq}_{k + 1}.{att.ext}"

    def portal_aliases(self) -> tuple[str, ...]:
        return (self.site.portal_path, "/zwgk/")

    def route(self, view: View, path: str, query: dict, form: dict) -> Page | None:
        if path.endswith("/"):
            path += "index.html"
        col = self.column_at(view, path)
        return self.leaf_page(view, col, 1) if col else None
