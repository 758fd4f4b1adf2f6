"""The gkwatch SQLite database: ``connect()`` opens it ready to use (WAL, foreign keys, the ``cjk_char``
full-text tokenizer, migrated)."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from . import search
from .schema import SCHEMA_VERSION, migrate, schema_version

__all__ = ["connect", "migrate", "schema_version", "SCHEMA_VERSION"]


def connect(path: str | Path, *, upgrade: bool = True) -> sqlite_utils.Database:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA busy_timeout = 30000")
    db.execute("PRAGMA foreign_keys = ON")
    # items_fts's triggers: a row deleted by INSERT OR REPLACE must leave the index too.
    db.execute("PRAGMA recursive_triggers = ON")
    # Every write to items goes through items_fts, whose tokenizer lives in Python (storage/search.py).
    search.register(db.conn)
    if upgrade:
        migrate(db)
    return db
