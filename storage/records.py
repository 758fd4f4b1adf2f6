"""The writes and reads the other rooms share: agencies, crawl runs, columns, items, fetches, pages.

Every write is an upsert keyed by a natural key (agency id, column URL, item URL, page URL), so a
crawl that is killed and re-run stores nothing twice.
"""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from typing import Iterable

import sqlite_utils

from core.clock import iso, today

# The crawl writes a row per fetch, listing and detail: plain SQL on the connection, since
# sqlite_utils' Table.insert/update/upsert re-read the table's schema (PRAGMA table_info) on every
# call. Same statements, same effects; names come from this module, never from data.
_STATEMENTS: dict[tuple, str] = {}


# Group commit (the crawler turns it on): committing costs more than a small record's writes, so a
# crawl commits every COMMIT_RECORDS records or COMMIT_SECONDS, whichever comes first. Each
# record stays atomic (a savepoint); a killed crawl loses at most the uncommitted last records,
# and re-running stores them once (every write is a keyed upsert). Without it, each call commits.
COMMIT_RECORDS = 50
COMMIT_SECONDS = 1.0
_BATCH = "_gkwatch_group_commit"


class _Batch:
    def __init__(self, records: int, seconds: float):
        self.records, self.seconds = records, seconds
        self.pending, self.since = 0, 0.0


def group_commits(db: sqlite_utils.Database, records: int = COMMIT_RECORDS, seconds: float = COMMIT_SECONDS) -> None:
    """Commit this handle's record writes in groups from now on (until ``end_group_commits``)."""
    db.__dict__[_BATCH] = _Batch(records, seconds)


def commit(db: sqlite_utils.Database) -> None:
    """Commit what is pending (a no-op when nothing is)."""
    if db.conn.in_transaction:
        db.conn.commit()
    batch = db.__dict__.get(_BATCH)
    if batch is not None:
        batch.pending = 0


def end_group_commits(db: sqlite_utils.Database) -> None:
    commit(db)
    db.__dict__.pop(_BATCH, None)


@contextmanager
def _write(db: sqlite_utils.Database, *, one_statement: bool = False):
    """One record's writes: all or nothing, committed now or with its group. A record written by
    one statement needs no savepoint (a statement is atomic); the savepoint pair costs more than
    a small insert."""
    conn = db.conn
    batch = db.__dict__.get(_BATCH)
    if batch is None:
        with conn:
            yield
        return
    if not conn.in_transaction:
        # The write lock first (waiting up to busy_timeout for it): a group that read before taking it
        # would fail at its first write, whatever the timeout, if a check or an import committed meanwhile.
        conn.execute("BEGIN IMMEDIATE")
        batch.pending, batch.since = 0, time.monotonic()
    if one_statement:
        yield
    else:
        conn.execute("SAVEPOINT gkwatch_record")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK TO gkwatch_record")
            conn.execute("RELEASE gkwatch_record")
            raise
        conn.execute("RELEASE gkwatch_record")
    batch.pending += 1
    if batch.pending >= batch.records or time.monotonic() - batch.since >= batch.seconds:
        commit(db)


def _names(columns) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def _insert(db: sqlite_utils.Database, table: str, row: dict, *, ignore: bool = False) -> int:
    """INSERT [OR IGNORE] one row; returns its rowid."""
    key = ("insert", table, tuple(row), ignore)
    sql = _STATEMENTS.get(key)
    if sql is None:
        verb = "INSERT OR IGNORE" if ignore else "INSERT"
        sql = _STATEMENTS[key] = f'{verb} INTO "{table}" ({_names(row)}) VALUES ({", ".join("?" * len(row))})'
    return db.conn.execute(sql, list(row.values())).lastrowid


def _update(db: sqlite_utils.Database, table: str, row_id: int, updates: dict) -> None:
    """UPDATE one row by its integer primary key ``id``."""
    key = ("update", table, tuple(updates))
    sql = _STATEMENTS.get(key)
    if sql is None:
        sets = ", ".join(f'"{c}" = ?' for c in updates)
        sql = _STATEMENTS[key] = f'UPDATE "{table}" SET {sets} WHERE id = ?'
    db.conn.execute(sql, [*updates.values(), row_id])


def _upsert(db: sqlite_utils.Database, table: str, row: dict, pk: str) -> None:
    """Insert, or set the given columns of the row with the same ``pk`` (the others are kept)."""
    key = ("upsert", table, tuple(row), pk)
    sql = _STATEMENTS.get(key)
    if sql is None:
        sets = ", ".join(f'"{c}" = excluded."{c}"' for c in row if c != pk)
        sql = _STATEMENTS[key] = (
            f'INSERT INTO "{table}" ({_names(row)}) VALUES ({", ".join("?" * len(row))}) '
            f'ON CONFLICT ("{pk}") DO UPDATE SET {sets}'
        )
    db.conn.execute(sql, list(row.values()))


def upsert_agencies(db: sqlite_utils.Database, agencies: Iterable) -> int:
    """Registry agencies (``core.registry.Agency``) and their explicit columns, in one transaction."""
    stamp, count = iso(), 0
    if not db.conn.in_transaction:
        db.conn.execute("BEGIN IMMEDIATE")  # the write lock first: nothing read before it can go stale
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


# What a registry entry sets (the registry's own names where they differ: parent, robots.obey, robots.reason).
AGENCY_FIELDS = {"name": "name", "level": "level", "kind": "kind", "region_code": "region_code",
                 "homepage": "homepage", "portal": "portal", "parent_id": "parent", "render_js": "render_js",
                 "obey_robots": "robots.obey", "robots_reason": "robots.reason", "monthly_quota": "monthly_quota",
                 "requires_internet": "requires_internet"}


def agency_changes(db: sqlite_utils.Database, agencies: Iterable) -> dict[str, list[tuple[str, object, object]]]:
    """For each registry agency already in the database whose entry differs from what is stored:
    [(registry field, stored value, new value)], explicit columns as ``columns`` (removed, added).
    New and unchanged agencies are not listed."""
    changes: dict[str, list[tuple[str, object, object]]] = {}
    names = ", ".join(AGENCY_FIELDS)
    for agency in agencies:
        stored = db.conn.execute(f"SELECT {names} FROM agencies WHERE id = ?", [agency.id]).fetchone()
        if stored is None:
            continue
        row = agency.as_row()
        found = [(field, old, row[column]) for (column, field), old in zip(AGENCY_FIELDS.items(), stored)
                 if old != row[column]]
        before = set(db.conn.execute("SELECT url, name, type FROM columns WHERE agency_id = ? AND explicit = 1",
                                     [agency.id]).fetchall())
        after = {(c.url, c.name, c.type) for c in agency.columns}
        if before != after:
            found.append(("columns", sorted(before - after), sorted(after - before)))
        if found:
            changes[agency.id] = found
    return changes


def agencies(db: sqlite_utils.Database, ids: Iterable[str] | None = None) -> list[dict]:
    rows = list(db.query("SELECT * FROM agencies ORDER BY id"))
    wanted = set(ids or [])
    return [row for row in rows if not wanted or row["id"] in wanted]


def start_crawl_run(db: sqlite_utils.Database, agency_ids: list[str], full: bool, as_of: str | None = None) -> int:
    """A new crawl run observing the sites on ``as_of`` (default: today); runs still marked running
    were cut off (killed or crashed)."""
    with db.conn:
        db.execute("UPDATE crawl_runs SET status = 'interrupted' WHERE status = 'running'")
        return db["crawl_runs"].insert({
            "started_at": iso(), "as_of": as_of or today().isoformat(), "status": "running",
            "agencies": json.dumps(agency_ids),
            "full": int(full), "pages": 0, "items_new": 0, "items_seen": 0, "errors": 0,
        }).last_pk


def finish_crawl_run(db: sqlite_utils.Database, run_id: int, status: str, counts: dict, stats: dict) -> None:
    with db.conn:
        db["crawl_runs"].update(run_id, {
            "finished_at": iso(), "status": status, **counts,
            "stats": json.dumps(stats, ensure_ascii=False, default=str),
        })


def items_stored_by_run(db: sqlite_utils.Database, run_id: int) -> dict[str, int]:
    """Items of the run's agencies stored (seen, and first seen) since the run started: the run's
    counts when its own tally was lost with the writer process."""
    seen, new = db.execute(
        "SELECT count(*), count(CASE WHEN i.first_seen >= r.started_at THEN 1 END) "
        "FROM crawl_runs r JOIN items i ON i.last_seen >= r.started_at "
        "AND i.agency_id IN (SELECT value FROM json_each(r.agencies)) WHERE r.id = ?", [run_id]).fetchone()
    return {"gkwatch/items_seen": seen, "gkwatch/items_new": new}


def record_fetch(db: sqlite_utils.Database, fetch: dict) -> None:
    """One fetch, stamped (``fetched_at``) by the crawler when it happened, not when it is written."""
    with _write(db, one_statement=True):
        _insert(db, "fetches", fetch)


def record_verdict(db: sqlite_utils.Database, change: dict) -> None:
    """A page fetched and read, then not recognised by its parser: its fetch of this run says so
    (``{"crawl_run_id", "url", "verdict"}``; written after the fetch itself, by the same writer)."""
    with _write(db, one_statement=True):
        db.conn.execute(
            "UPDATE fetches SET verdict = :verdict WHERE id = (SELECT MAX(id) FROM fetches"
            " WHERE crawl_run_id = :crawl_run_id AND url = :url AND verdict = 'read')", change)


def upsert_column(db: sqlite_utils.Database, column: dict, crawl_run_id: int | None = None) -> int:
    """Insert or refresh a column seen by crawl run ``crawl_run_id``; returns its id. The first
    discovery (time and run) is kept, a rename remembered; a record that names no parent keeps the one
    stored (its parent's page may not have been read yet in this run)."""
    stamp = iso()
    with _write(db, one_statement=True):  # a read, then one write
        row = db.conn.execute(
            "SELECT id, name FROM columns WHERE agency_id = ? AND url = ?", [column["agency_id"], column["url"]]
        ).fetchone()
        if row:
            renamed = {"previous_name": row[1], "renamed_run": crawl_run_id} if column["name"] != row[1] else {}
            kept = {k: v for k, v in column.items() if k != "parent_id" or v is not None}
            _update(db, "columns", row[0], {**kept, **renamed, "last_seen": stamp, "last_run": crawl_run_id})
            return row[0]
        return _insert(db, "columns", {**column, "discovered_at": stamp, "last_seen": stamp,
                                       "first_run": crawl_run_id, "last_run": crawl_run_id})


def known_item_urls(db: sqlite_utils.Database, agency_id: str) -> dict[str, bool]:
    """URL → whether its detail page was already fetched, for one agency."""
    return {
        url: fetched is not None
        for url, fetched in db.execute(
            "SELECT url, detail_fetched_at FROM items WHERE agency_id = ?", [agency_id]
        )
    }


def upsert_listing(db: sqlite_utils.Database, listing: dict) -> bool:
    """An item seen on a list page; returns True when it is new. The item is listed in that column
    (``listings``) whichever column listed it first; a reappearing item is no longer a removal
    candidate."""
    stamp = iso()
    column_id = listing.get("column_id")
    with _write(db):
        row = db.conn.execute(
            "SELECT id FROM items WHERE agency_id = ? AND url = ?", [listing["agency_id"], listing["url"]]
        ).fetchone()
        if row:
            item_id = row[0]
            _update(db, "items", item_id, {
                "title": listing["title"], "last_seen": stamp, "missing_since": None, "removed_at": None,
                **({"published": listing["published"]} if listing.get("published") else {}),
            })
        else:
            item_id = _insert(db, "items", {**listing, "first_seen": stamp, "last_seen": stamp})
        if column_id is not None:
            db.conn.execute("INSERT INTO listings (column_id, item_id, first_seen, last_seen) VALUES (?, ?, ?, ?) "
                            "ON CONFLICT (column_id, item_id) DO UPDATE SET last_seen = excluded.last_seen",
                            [column_id, item_id, stamp, stamp])
        return row is None


def store_detail(db: sqlite_utils.Database, agency_id: str, url: str, detail: dict,
                 attachments: list[dict], text: str) -> None:
    stamp = iso()
    with _write(db):
        row = db.conn.execute(
            "SELECT id, published FROM items WHERE agency_id = ? AND url = ?", [agency_id, url]).fetchone()
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
        _update(db, "items", item_id, {**fields, "detail_fetched_at": stamp})
        _insert(db, "item_versions",
                {"item_id": item_id, "content_hash": detail["content_hash"], "text": text, "first_seen": stamp},
                ignore=True)
        for attachment in attachments:
            _insert(db, "attachments", {"item_id": item_id, **attachment}, ignore=True)
        _replace_personal_data(db, item_id, "page", detail.get("privacy") or [], stamp)


def store_privacy(db: sqlite_utils.Database, agency_id: str, item_url: str, where: str, found: list[dict]) -> None:
    """The personal numbers (masked) an item's attachment ``where`` holds."""
    with _write(db):
        row = db.conn.execute("SELECT id FROM items WHERE agency_id = ? AND url = ?", [agency_id, item_url]).fetchone()
        if row:
            _replace_personal_data(db, row[0], where, found, iso())


def _replace_personal_data(db, item_id: int, where: str, found: list[dict], stamp: str) -> None:
    """What one page or attachment shows now: numbers no longer in it are gone, those still in it keep
    their first_seen."""
    now = {(f["kind"], f["masked"]) for f in found}
    kept = db.conn.execute("SELECT id, kind, masked FROM personal_data WHERE item_id = ? AND found_in = ?",
                           [item_id, where])
    for row_id, kind, masked in kept.fetchall():
        if (kind, masked) not in now:
            db.conn.execute("DELETE FROM personal_data WHERE id = ?", [row_id])
    for kind, masked in sorted(now):
        _insert(db, "personal_data", {"item_id": item_id, "kind": kind, "masked": masked, "found_in": where,
                                      "first_seen": stamp}, ignore=True)


def mark_missing(db: sqlite_utils.Database, column_id: int, seen_urls: set[str],
                 oldest_date_seen: str | None) -> list[str]:
    """Items listed in a column and not listed there this run (within the date range the run
    covered) become removal candidates; returns their URLs."""
    rows = db.execute(
        "SELECT i.id, i.url, i.published FROM listings l JOIN items i ON i.id = l.item_id "
        "WHERE l.column_id = ? AND i.removed_at IS NULL",
        [column_id],
    ).fetchall()
    missing = [
        (item_id, url) for item_id, url, published in rows
        if url not in seen_urls and (oldest_date_seen is None or (published or "") >= oldest_date_seen)
    ]
    stamp = iso()
    with _write(db):
        for item_id, _ in missing:
            db.execute("UPDATE items SET missing_since = COALESCE(missing_since, ?) WHERE id = ?", [stamp, item_id])
    return [url for _, url in missing]


def column_walked(db: sqlite_utils.Database, column_id: int) -> None:
    with _write(db, one_statement=True):
        db.execute("UPDATE columns SET walked_at = ? WHERE id = ?", [iso(), column_id])


def walked_columns(db: sqlite_utils.Database, agency_id: str, since: str) -> set[str]:
    """Columns walked to their last page since ``since`` whose listed documents were all asked for:
    a crawl killed after walking a column may have left details unread deep in it, which only
    another walk reaches (a detail the site says is gone does not hold a column open)."""
    return {url for (url,) in db.execute(
        "SELECT c.url FROM columns c WHERE c.agency_id = ? AND c.walked_at >= ? AND NOT EXISTS ("
        "SELECT 1 FROM listings l JOIN items i ON i.id = l.item_id WHERE l.column_id = c.id "
        "AND i.detail_fetched_at IS NULL AND NOT EXISTS ("
        "SELECT 1 FROM fetches f WHERE f.url = i.url AND f.kind = 'detail' "
        "AND f.verdict IN ('not_found', 'soft_404')))", [agency_id, since])}


def removal_candidates(db: sqlite_utils.Database, agency_ids: list[str], since: str) -> list[tuple[str, str]]:
    """(agency id, URL) of items that went missing from their lists since ``since``."""
    marks = ",".join("?" * len(agency_ids))
    return db.execute(
        f"SELECT agency_id, url FROM items WHERE missing_since >= ? AND removed_at IS NULL "
        f"AND agency_id IN ({marks}) ORDER BY id", [since, *agency_ids]).fetchall()


def explicit_columns(db: sqlite_utils.Database, agency_id: str) -> list[dict]:
    """The columns an agency's registry entry names (walked instead of those its portal links)."""
    return list(db.query("SELECT name, url, type FROM columns WHERE agency_id = ? AND explicit = 1", [agency_id]))


def to_verify(db: sqlite_utils.Database, agency_ids: list[str], since: str, portal_read: list[str],
              crawl_run_id: int) -> list[tuple[str, str]]:
    """What a crawl fetches once more before it ends: items gone from their lists since ``since``,
    and, of the agencies whose portal was read, the columns it no longer links (each gone, or only
    unlinked?)."""
    return removal_candidates(db, agency_ids, since) + (
        unlinked_columns(db, portal_read, crawl_run_id) if portal_read else [])


def unlinked_columns(db: sqlite_utils.Database, agency_ids: list[str], crawl_run_id: int) -> list[tuple[str, str]]:
    """(agency id, URL) of known columns crawl run ``crawl_run_id`` did not find linked any more."""
    marks = ",".join("?" * len(agency_ids))
    return db.execute(
        f"SELECT agency_id, url FROM columns WHERE COALESCE(last_run, 0) < ? AND explicit = 0 "
        f"AND agency_id IN ({marks}) ORDER BY id", [crawl_run_id, *agency_ids]).fetchall()


def upsert_messages(db: sqlite_utils.Database, agency_id: str, column_id: int | None, messages: list[dict]) -> None:
    """A board page's messages: new ones inserted, known ones given the board's latest state."""
    stamp = iso()
    with _write(db):
        db.conn.executemany(
            "INSERT INTO messages (agency_id, column_id, url, title, asked, replied, state, first_seen, last_seen) "
            "VALUES (:agency_id, :column_id, :url, :title, :asked, :replied, :state, :stamp, :stamp) "
            "ON CONFLICT (agency_id, url) DO UPDATE SET title = excluded.title, asked = excluded.asked, "
            "replied = COALESCE(excluded.replied, messages.replied), state = excluded.state, last_seen = excluded.last_seen",
            [{**m, "agency_id": agency_id, "column_id": column_id, "stamp": stamp} for m in messages])


def upsert_links(db: sqlite_utils.Database, agency_id: str, page_url: str, links: list[tuple[str, str]]) -> None:
    stamp = iso()
    with _write(db):
        db.conn.executemany(
            "INSERT INTO links (agency_id, page_url, url, text, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (agency_id, page_url, url) DO UPDATE SET last_seen = excluded.last_seen, text = excluded.text",
            [(agency_id, page_url, url, text, stamp, stamp) for text, url in links],
        )


def set_latest_item_date(db: sqlite_utils.Database, url: str, day: str) -> None:
    """The newest dated entry a portal or column page lists."""
    with _write(db, one_statement=True):
        db.conn.execute("UPDATE pages SET latest_item_date = ? WHERE url = ?", [day, url])


def page_state(db: sqlite_utils.Database, url: str) -> dict | None:
    cursor = db.conn.execute("SELECT * FROM pages WHERE url = ?", [url])
    row = cursor.fetchone()
    return dict(zip((d[0] for d in cursor.description), row)) if row else None


def save_page(db: sqlite_utils.Database, page: dict, crawl_run_id: int | None = None) -> None:
    """A page kept as evidence: its latest state in ``pages`` and one more row in ``captures``."""
    stamp = iso()
    with _write(db):
        previous = page_state(db, page["url"])
        changed = previous is None or previous["content_hash"] != page["content_hash"]
        _upsert(db, "pages",
                {**page, "fetched_at": stamp, "changed_at": stamp if changed else previous["changed_at"]}, pk="url")
        _insert(db, "captures", _capture(page, crawl_run_id, stamp))


def record_capture(db: sqlite_utils.Database, url: str, crawl_run_id: int | None) -> None:
    """A page answered 304 (unchanged): captured again, with the body kept from before."""
    with _write(db):
        page = page_state(db, url)
        if page and page["warc_path"]:
            _insert(db, "captures", _capture(page, crawl_run_id, iso()))


def _capture(page: dict, crawl_run_id: int | None, stamp: str) -> dict:
    return {"agency_id": page["agency_id"], "url": page["url"], "kind": page["kind"], "crawl_run_id": crawl_run_id,
            "captured_at": stamp, "content_hash": page["content_hash"], "warc_path": page["warc_path"]}


def record_walk(db: sqlite_utils.Database, walk: dict) -> None:
    """One walk of a column (``{"column_id", "crawl_run_id", "items", "oldest", "complete"}``)."""
    with _write(db, one_statement=True):
        _insert(db, "walks", {**walk, "walked_at": iso()})


# annual reports (政府信息公开工作年度报告) ----------------------------------------------------------

def upsert_report(db: sqlite_utils.Database, agency_id: str, item_id: int | None, url: str,
                  report_json: dict) -> int:
    """Store one parsed report (``extract.reports.Report.to_json()``), unique by (agency_id, url);
    its cells are replaced atomically. Returns the report id."""
    import hashlib

    stamp = iso()
    published = report_json.get("published")
    if not published and item_id is not None:  # a PDF carries no date: the item's (its list/detail page) holds
        found = db.conn.execute("SELECT published FROM items WHERE id = ?", [item_id]).fetchone()
        published = found[0][:10] if found and found[0] else None
    tables = report_json.get("tables") or {}
    cells = [(table, c["row"], c["col"], c["value"]) for table, rows in tables.items() for c in rows]
    digest = hashlib.sha256(json.dumps([report_json.get("figures"), cells], ensure_ascii=False,
                                       sort_keys=True).encode()).hexdigest()
    row = (agency_id, item_id, report_json.get("year"), report_json.get("title"), url, published,
           report_json.get("format"), report_json.get("media"),
           json.dumps(report_json.get("sections") or [], ensure_ascii=False),
           json.dumps(report_json.get("figures") or {}, ensure_ascii=False),
           json.dumps(report_json.get("problems") or [], ensure_ascii=False), digest, stamp)
    with _write(db):  # atomic: the report row and all its cells, or nothing
        # Old cells go before the report row changes, so report_totals subtracts them under the old year.
        db.conn.execute("DELETE FROM report_cells WHERE report_id = "
                        "(SELECT id FROM reports WHERE agency_id = ? AND url = ?)", [agency_id, url])
        db.conn.execute(
            "INSERT INTO reports (agency_id, item_id, year, title, url, published, format, media, sections, figures, "
            "problems, content_hash, parsed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (agency_id, url) DO UPDATE SET item_id = COALESCE(excluded.item_id, item_id), "
            "year = excluded.year, title = excluded.title, published = COALESCE(excluded.published, published), "
            "format = excluded.format, media = excluded.media, sections = excluded.sections, "
            "figures = excluded.figures, problems = excluded.problems, content_hash = excluded.content_hash, "
            "parsed_at = excluded.parsed_at", row)
        report_id = db.conn.execute("SELECT id FROM reports WHERE agency_id = ? AND url = ?",
                                    [agency_id, url]).fetchone()[0]
        db.conn.executemany(
            "INSERT OR IGNORE INTO report_cells (report_id, table_name, row, col, value) VALUES (?, ?, ?, ?, ?)",
            [(report_id, *cell) for cell in cells])
    return report_id


def item_id(db: sqlite_utils.Database, agency_id: str, url: str) -> int | None:
    row = db.conn.execute("SELECT id FROM items WHERE agency_id = ? AND url = ?", [agency_id, url]).fetchone()
    return row[0] if row else None
