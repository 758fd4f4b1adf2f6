"""The writes and reads the other rooms share: agencies, crawl runs, columns, items, fetches, pages.

Every write is an upsert keyed by a natural key (agency id, column URL, item URL, page URL), so a
crawl that is killed and re-run stores nothing twice.
"""

from __future__ import annotations

import json
from typing import Iterable

import sqlite_utils

from gkwatch.clock import iso


def upsert_agencies(db: sqlite_utils.Database, agencies: Iterable) -> int:
    """Registry agencies (``gkwatch.registry.Agency``) and their explicit columns, in one transaction."""
    stamp, count = iso(), 0
    with db.conn:
        for agency in agencies:
            existing = db.execute("SELECT imported_at FROM agencies WHERE id = ?", [agency.id]).fetchone()
            db["agencies"].upsert(
                {**agency.as_row(), "imported_at": existing[0] if existing else stamp, "updated_at": stamp}, pk="id"
            )
            db.execute("UPDATE columns SET explicit = 0 WHERE agency_id = ?", [agency.id])
            for column in agency.columns:
                db.execute(
                    "INSERT INTO columns (agency_id, url, name, type, js, explicit, discovered_at, last_seen) "
                    "VALUES (?, ?, ?, ?, 'none', 1, ?, ?) ON CONFLICT (agency_id, url) DO UPDATE SET "
                    "name = excluded.name, type = excluded.type, explicit = 1",
                    [agency.id, column.url, column.name, column.type, stamp, stamp],
                )
            count += 1
    return count


def agencies(db: sqlite_utils.Database, ids: Iterable[str] | None = None) -> list[dict]:
    rows = list(db.query("SELECT * FROM agencies ORDER BY id"))
    wanted = set(ids or [])
    return [row for row in rows if not wanted or row["id"] in wanted]


def start_crawl_run(db: sqlite_utils.Database, agency_ids: list[str], full: bool) -> int:
    """A new crawl run; runs still marked running were cut off (killed or crashed)."""
    with db.conn:
        db.execute("UPDATE crawl_runs SET status = 'interrupted' WHERE status = 'running'")
        return db["crawl_runs"].insert({
            "started_at": iso(), "status": "running", "agencies": json.dumps(agency_ids),
            "full": int(full), "pages": 0, "items_new": 0, "items_seen": 0, "errors": 0,
        }).last_pk


def finish_crawl_run(db: sqlite_utils.Database, run_id: int, status: str, counts: dict, stats: dict) -> None:
    with db.conn:
        db["crawl_runs"].update(run_id, {
            "finished_at": iso(), "status": status, **counts,
            "stats": json.dumps(stats, ensure_ascii=False, default=str),
        })


def record_fetch(db: sqlite_utils.Database, fetch: dict) -> None:
    with db.conn:
        db["fetches"].insert({"fetched_at": iso(), **fetch})


def upsert_column(db: sqlite_utils.Database, column: dict) -> int:
    """Insert or refresh a column; returns its id. The first discovery time is kept."""
    stamp = iso()
    with db.conn:
        row = db.execute(
            "SELECT id FROM columns WHERE agency_id = ? AND url = ?", [column["agency_id"], column["url"]]
        ).fetchone()
        if row:
            db["columns"].update(row[0], {**column, "last_seen": stamp})
            return row[0]
        return db["columns"].insert({**column, "discovered_at": stamp, "last_seen": stamp}).last_pk


def known_item_urls(db: sqlite_utils.Database, agency_id: str) -> dict[str, bool]:
    """URL → whether its detail page was already fetched, for one agency."""
    return {
        url: fetched is not None
        for url, fetched in db.execute(
            "SELECT url, detail_fetched_at FROM items WHERE agency_id = ?", [agency_id]
        )
    }


def upsert_listing(db: sqlite_utils.Database, listing: dict) -> bool:
    """An item seen on a list page; returns True when it is new. A reappearing item is no
    longer a removal candidate."""
    stamp = iso()
    with db.conn:
        row = db.execute(
            "SELECT id FROM items WHERE agency_id = ? AND url = ?", [listing["agency_id"], listing["url"]]
        ).fetchone()
        if row:
            db["items"].update(row[0], {
                "title": listing["title"], "last_seen": stamp, "missing_since": None, "removed_at": None,
                **({"published": listing["published"]} if listing.get("published") else {}),
            })
            return False
        db["items"].insert({**listing, "first_seen": stamp, "last_seen": stamp})
        return True


def store_detail(db: sqlite_utils.Database, agency_id: str, url: str, detail: dict,
                 attachments: list[dict], text: str) -> None:
    stamp = iso()
    with db.conn:
        row = db.execute("SELECT id, published FROM items WHERE agency_id = ? AND url = ?", [agency_id, url]).fetchone()
        if not row:
            return
        item_id, listed_date = row
        fields = {key: detail.get(key) for key in ("source", "publisher", "index_no", "doc_no", "content_hash")}
        published = detail.get("published")
        fields["published_time"] = published if published and "T" in published else None
        # The date shown on the list is the truth; the detail page fills it in when the list has none.
        fields["published"] = listed_date or (published[:10] if published else None)
        if detail.get("title"):
            fields["title"] = detail["title"]
        db["items"].update(item_id, {**fields, "detail_fetched_at": stamp})
        db["item_versions"].insert(
            {"item_id": item_id, "content_hash": detail["content_hash"], "text": text, "first_seen": stamp},
            ignore=True,
        )
        for attachment in attachments:
            db["attachments"].insert({"item_id": item_id, **attachment}, ignore=True)


def mark_missing(db: sqlite_utils.Database, column_id: int, seen_urls: set[str],
                 oldest_date_seen: str | None) -> list[str]:
    """Items of a column not listed this run (within the date range the run covered) become
    removal candidates; returns their URLs."""
    rows = db.execute(
        "SELECT id, url, published FROM items WHERE column_id = ? AND removed_at IS NULL",
        [column_id],
    ).fetchall()
    missing = [
        (item_id, url) for item_id, url, published in rows
        if url not in seen_urls and (oldest_date_seen is None or (published or "") >= oldest_date_seen)
    ]
    stamp = iso()
    with db.conn:
        for item_id, _ in missing:
            db.execute("UPDATE items SET missing_since = COALESCE(missing_since, ?) WHERE id = ?", [stamp, item_id])
    return [url for _, url in missing]


def column_walked(db: sqlite_utils.Database, column_id: int) -> None:
    with db.conn:
        db.execute("UPDATE columns SET walked_at = ? WHERE id = ?", [iso(), column_id])


def walked_columns(db: sqlite_utils.Database, agency_id: str, since: str) -> set[str]:
    """Columns walked to their last page since ``since``."""
    return {url for (url,) in db.execute(
        "SELECT url FROM columns WHERE agency_id = ? AND walked_at >= ?", [agency_id, since])}


def removal_candidates(db: sqlite_utils.Database, agency_ids: list[str], since: str) -> list[tuple[str, str]]:
    """(agency id, URL) of items that went missing from their lists since ``since``."""
    marks = ",".join("?" * len(agency_ids))
    return db.execute(
        f"SELECT agency_id, url FROM items WHERE missing_since >= ? AND removed_at IS NULL "
        f"AND agency_id IN ({marks}) ORDER BY id", [since, *agency_ids]).fetchall()


def upsert_links(db: sqlite_utils.Database, agency_id: str, page_url: str, links: list[tuple[str, str]]) -> None:
    stamp = iso()
    with db.conn:
        for text, url in links:
            db.execute(
                "INSERT INTO links (agency_id, page_url, url, text, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (agency_id, page_url, url) DO UPDATE SET last_seen = excluded.last_seen, text = excluded.text",
                [agency_id, page_url, url, text, stamp, stamp],
            )


def page_state(db: sqlite_utils.Database, url: str) -> dict | None:
    rows = list(db.query("SELECT * FROM pages WHERE url = ?", [url]))
    return rows[0] if rows else None


def save_page(db: sqlite_utils.Database, page: dict) -> None:
    stamp = iso()
    with db.conn:
        previous = page_state(db, page["url"])
        changed = previous is None or previous["content_hash"] != page["content_hash"]
        db["pages"].upsert(
            {**page, "fetched_at": stamp, "changed_at": stamp if changed else previous["changed_at"]}, pk="url"
        )
