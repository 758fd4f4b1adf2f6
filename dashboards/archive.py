"""Archived captures, replayed read-only with pywb (Webrecorder's replay tool).

Every portal and column page the crawler read is kept as a WARC file beside the database
(``<db>.evidence/``) and listed in table ``captures``; a finding names the captures it was judged
on. ``gkwatch serve`` starts this replayer beside Datasette:

    python -m dashboards.archive DB --port PORT [--host HOST]

The index pywb searches (CDXJ) is written from ``captures``: one line per capture, so a capture of
an unchanged page (answered 304) replays at its own time. The index is rewritten when a capture is
asked for that it does not hold yet (``ensure_index``). Each replayed page carries a banner saying it
is an archived copy and when it was captured (北京时间), and a Content-Security-Policy that stops
every script, the page's and pywb's own: a capture is a record, not a live page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import tempfile
from pathlib import Path
from urllib.parse import quote

from core.clock import TZ as BEIJING
from storage import connect_read_only
from storage.evidence import evidence_dir

COLLECTION = "captures"
TEMPLATES = Path(__file__).resolve().parent / "archive_templates"
NO_SCRIPTS = "script-src 'none'; object-src 'none'; frame-src 'none'"


def index_path(db_path: str | Path) -> Path:
    """Beside the captures; for a database served from a read-only disk, in the temporary directory."""
    root = evidence_dir(db_path)
    if os.access(root, os.W_OK):
        return root / "captures.cdxj"
    digest = hashlib.sha256(str(Path(db_path).resolve()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"gkwatch-archive-{digest}" / "captures.cdxj"


def timestamp(captured_at: str) -> str:
    """pywb's 14-digit UTC timestamp of a capture time (ISO 8601 with its offset)."""
    return dt.datetime.fromisoformat(captured_at).astimezone(dt.timezone.utc).strftime("%Y%m%d%H%M%S")


def replay_path(capture: dict) -> str:
    """The path of a capture on the replayer: /captures/<timestamp>/<url>."""
    return f"/{COLLECTION}/{timestamp(capture['captured_at'])}/{quote(capture['url'], safe=':/?&=%#;,+')}"


def write_index(db_path: str | Path) -> int:
    """Write the CDXJ index of every capture whose WARC file exists; returns the last capture id."""
    from surt import surt   # pywb's own dependency: the key it sorts and searches by

    root = evidence_dir(db_path)
    db, _ = connect_read_only(db_path)   # also on a read-only disk, where the -shm file cannot be made
    try:
        rows = db.execute("SELECT id, url, captured_at, content_hash, warc_path FROM captures ORDER BY id").fetchall()
    finally:
        db.conn.close()
    lines = []
    for _, url, captured_at, digest, warc_path in rows:
        path = root / warc_path
        if path.is_file():
            fields = {"url": url, "mime": "text/html", "status": "200", "digest": f"sha256:{digest}",
                      "length": str(path.stat().st_size), "offset": "0", "filename": warc_path}
            lines.append(f"{surt(url)} {timestamp(captured_at)} {json.dumps(fields, ensure_ascii=False)}\n")
    target = index_path(db_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".tmp")
    partial.write_text("".join(sorted(lines)), encoding="utf-8")
    os.replace(partial, target)   # pywb opens the index per lookup: it never sees half a file
    last = rows[-1][0] if rows else 0
    target.with_suffix(".last").write_text(str(last), encoding="utf-8")
    return last


def ensure_index(db_path: str | Path, capture_id: int) -> None:
    """Rewrite the index if it does not reach ``capture_id`` yet (a crawl captured pages since)."""
    marker = index_path(db_path).with_suffix(".last")
    if not marker.is_file() or int(marker.read_text() or 0) < capture_id:
        write_index(db_path)


def beijing(ts: str) -> str:
    """A pywb timestamp as 北京时间, for the banner."""
    moment = dt.datetime.strptime(ts, "%Y%m%d%H%M%S").replace(tzinfo=dt.timezone.utc).astimezone(BEIJING)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def application(db_path: str | Path):
    """pywb's WSGI application over the database's captures."""
    from pywb.apps.frontendapp import FrontEndApp

    write_index(db_path)
    root = evidence_dir(db_path)
    app = FrontEndApp(config_file=str(TEMPLATES / "pywb.yaml"), custom_config={
        "collections": {COLLECTION: {"archive_paths": f"{root}/", "index_paths": str(index_path(db_path))}},
        "framed_replay": False, "enable_memento": True, "csp-header": NO_SCRIPTS,
        "custom_banner_html": str(TEMPLATES / "custom_banner.html"),
    })
    app.rewriterapp.jinja_env.jinja_env.filters["beijing"] = beijing
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="存档副本回放 (replay gkwatch's archived captures with pywb)")
    parser.add_argument("db", help="gkwatch 数据库 (the database whose captures to replay)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8002)
    args = parser.parse_args(argv)
    from gevent.pywsgi import WSGIServer   # pywb's own server (gevent is its dependency)

    WSGIServer((args.host, args.port), application(args.db), log=None).serve_forever()


if __name__ == "__main__":
    main()
