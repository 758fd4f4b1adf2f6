"""The gkwatch SQLite database: ``connect()`` opens it ready to use (WAL, foreign keys, the ``cjk_char``
full-text tokenizer, migrated)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

from . import search
from .schema import SCHEMA_VERSION, migrate, schema_version

__all__ = ["connect", "connect_read_only", "migrate", "schema_version", "SCHEMA_VERSION"]


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


def connect_read_only(path: str | Path) -> tuple[sqlite_utils.Database, bool]:
    """(database, immutable) for a database on a disk or in a directory gkwatch cannot write: opened
    read-only, writing nothing, not even the -wal and -shm files WAL mode keeps beside it. When those
    cannot be used the file is read as immutable (``immutable``: true), which is exact only when no
    -wal file holds changes not yet in the database: otherwise RuntimeError."""
    path = Path(path).resolve()
    wal = path.with_name(path.name + "-wal")
    conn = None
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
        conn.execute("PRAGMA user_version").fetchone()
        immutable = False
    except sqlite3.OperationalError:
        if conn is not None:
            conn.close()
        if wal.exists() and wal.stat().st_size:
            raise RuntimeError(f"只读, 且 {wal.name} 中有尚未写入数据库的更改, 无法只读打开 (read-only, and the "
                               f"-wal file holds changes not yet in the database: cannot be read as it is)")
        conn = sqlite3.connect(f"file:{quote(str(path))}?immutable=1", uri=True)
        immutable = True
    db = sqlite_utils.Database(conn)
    search.register(conn)
    version = schema_version(db)
    if version != SCHEMA_VERSION:
        raise RuntimeError(f"数据库版本 {version} 与本程序 ({SCHEMA_VERSION}) 不同, 只读时无法升级 (database schema "
                           f"{version}, this gkwatch needs {SCHEMA_VERSION}: it cannot be upgraded read-only)")
    return db, immutable
