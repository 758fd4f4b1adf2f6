"""The schema: created whole, versioned, migrated in place from an older version without loss."""

from __future__ import annotations

import re

import pytest
import sqlite_utils

import storage
from storage import records
from storage.schema import SCHEMA_VERSION, migrate, schema_version

ISO_BEIJING = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")


def test_new_database_has_every_table_wal_and_foreign_keys(db_path):
    db = storage.connect(db_path)
    assert schema_version(db) == SCHEMA_VERSION >= 4
    assert set(db.table_names()) >= {
        "agencies", "columns", "items", "fetches", "crawl_runs", "findings", "scorecards", "check_runs",
        "item_versions", "attachments", "links", "pages",
    }
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert {c.name for c in db["items"].columns} >= {
        "agency_id", "column_id", "url", "title", "published", "first_seen", "last_seen", "removed_at", "content_hash",
    }
    assert {c.name for c in db["fetches"].columns} >= {"url", "status", "error", "elapsed_ms", "bytes", "fetched_at", "crawl_run_id"}


def test_foreign_keys_are_enforced(db_path):
    db = storage.connect(db_path)
    with pytest.raises(sqlite_utils.db.sqlite3.IntegrityError):
        db["columns"].insert({"agency_id": "nobody", "type": "news", "url": "http://127.0.0.1/x/"})


def test_migration_from_version_1_keeps_data(db_path):
    old = sqlite_utils.Database(db_path)
    migrate(old, target=1)
    assert schema_version(old) == 1 and "pages" not in old.table_names()
    old["agencies"].insert({"id": "a", "name": "青川市商务局", "level": "市", "kind": "部门", "homepage": "http://127.0.0.1/"})
    old["columns"].insert({"id": 1, "agency_id": "a", "type": "news", "url": "http://127.0.0.1/dt/"})
    old["items"].insert({"agency_id": "a", "column_id": 1, "url": "http://127.0.0.1/dt/1.html", "title": "动态一"})
    old["fetches"].insert({"url": "http://127.0.0.1/", "status": 200, "fetched_at": "2026-11-22T10:00:00+08:00"})
    old.conn.close()

    db = storage.connect(db_path)
    assert schema_version(db) == SCHEMA_VERSION
    assert [r["title"] for r in db.query("select title from items")] == ["动态一"]
    assert [r["status"] for r in db.query("select status from fetches")] == [200]
    assert "pages" in db.table_names() and "latest_item_date" in {c.name for c in db["pages"].columns}
    assert {"pages", "links", "item_versions", "attachments"} <= set(db.table_names())
    assert migrate(db) == SCHEMA_VERSION  # idempotent


def test_newer_database_is_refused_with_a_clear_error(db_path):
    db = storage.connect(db_path)
    db.execute("PRAGMA user_version = 99")
    with pytest.raises(RuntimeError, match="比本程序 .* 新"):
        storage.connect(db_path)


def test_upserts_never_duplicate_and_keep_first_seen(db_path):
    db = storage.connect(db_path)
    db["agencies"].insert({"id": "a", "name": "甲", "level": "市", "kind": "部门", "homepage": "http://127.0.0.1/"})
    column = {"agency_id": "a", "url": "http://127.0.0.1/tzgg/", "name": "通知公告", "type": "notice"}
    first = records.upsert_column(db, column)
    assert records.upsert_column(db, column) == first
    listing = {"agency_id": "a", "column_id": first, "url": "http://127.0.0.1/tzgg/1.html", "title": "通知", "published": "2026-11-01"}
    assert records.upsert_listing(db, listing) is True
    seen = db["items"].get(1)["first_seen"]
    assert records.upsert_listing(db, {**listing, "title": "通知（更新）"}) is False
    row = db["items"].get(1)
    assert db["items"].count == 1 and row["title"] == "通知（更新）" and row["first_seen"] == seen
    assert ISO_BEIJING.match(row["last_seen"])
