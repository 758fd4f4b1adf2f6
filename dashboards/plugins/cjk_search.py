"""Datasette plugin: the ``cjk_char`` full-text tokenizer on every connection Datasette opens, so that
``items_fts`` (and with it ``/<db>/items?_search=年报``) can be queried. Loaded by ``gkwatch serve`` with
``--plugins-dir`` (dashboards/serve.py)."""

from datasette import hookimpl

from storage import search


@hookimpl
def prepare_connection(conn):
    search.register(conn)
