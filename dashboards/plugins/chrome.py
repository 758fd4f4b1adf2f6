"""Datasette plugin: the pages in Chinese, and a home page that lists what there is to read.

- ``prepare_jinja2_environment``: Datasette's and datasette-dashboards' own templates patched into
  Chinese (dashboards/chrome.py), and the filters and functions the patches and our templates use.
- ``extra_template_vars``: the home page's dashboards, canned queries and tables with their
  descriptions (templates/index.html); the agency names the dashboards' filters show for ids.
- ``extra_css_urls``: dashboards/static/gkwatch.css (served by ``gkwatch serve`` at /-gkwatch/).
"""

from __future__ import annotations

from urllib.parse import urlencode

from datasette import hookimpl

from dashboards import chrome, labels
from dashboards.serve import STATIC_MOUNT, table_titles

TITLES = table_titles()


def zh(word):
    return chrome.WORDS.get(word, TITLES.get(word, word)) if isinstance(word, str) else word


def titled(table: str) -> str:
    """「检查发现 findings」: a table's Chinese name beside its own."""
    return f"{TITLES[table]} {table}" if table in TITLES else table


def export_url(name: str, url: str) -> str:
    """The exports for people (csvbom, xlsx) take every row the page may show, as Datasette's CSV link does."""
    if name in ("csvbom", "xlsx"):
        return f"{url}{'&' if '?' in url else '?'}{urlencode({'_size': 'max'})}"
    return url


def facet_label(table, column, value):
    kind = labels.code_kind(table, column) if table else None
    return labels.label(kind, value) if kind else value


@hookimpl
def prepare_jinja2_environment(env):
    env.loader = chrome.PatchingLoader(env.loader)
    env.filters.update(zh=zh, zh_description=chrome.zh_description, short_label=chrome.short_label, titled=titled)
    env.globals.update(export_url=export_url, facet_label=facet_label, option_labels={},
                       search_alternatives=chrome.search_alternatives)


@hookimpl
def extra_css_urls():
    return [f"/{STATIC_MOUNT}/gkwatch.css"]


async def _home(datasette, request) -> dict:
    dashboards = [(slug, d["title"], d.get("description", ""))
                  for slug, d in (datasette.plugin_config("datasette-dashboards") or {}).items()]
    databases = []
    for name in datasette.databases:
        if name == "_internal":
            continue
        queries = await datasette.get_canned_queries(name, request.actor if request else None)
        tables = (datasette.metadata(database=name) or {}).get("tables") or {}
        databases.append({"name": name,
                          "queries": [(q["name"], q.get("title") or q["name"], q.get("description", ""))
                                      for q in queries.values()],
                          "tables": [(t, TITLES.get(t, t), meta.get("description", "")) for t, meta in tables.items()]})
    return {"home_dashboards": dashboards, "home_databases": databases}


async def _option_labels(datasette, request) -> dict:
    """For each filter of the dashboard with an ``option_labels`` query (value, label), its labels."""
    config = datasette.plugin_config("datasette-dashboards") or {}
    dashboard = config.get(request.url_vars.get("slug", "")) or {}
    out = {}
    for key, spec in (dashboard.get("filters") or {}).items():
        if spec.get("option_labels"):
            rows = await datasette.execute(spec["db"], spec["option_labels"])
            out[key] = {row[0]: row[1] for row in rows}
    return {"option_labels": out}


@hookimpl
def extra_template_vars(template, request, datasette):
    if template == "index.html":
        return lambda: _home(datasette, request)
    if template == "dashboard_view.html" and request is not None:
        return lambda: _option_labels(datasette, request)
    return {}
