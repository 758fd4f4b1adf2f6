"""Raw responses of portal and column pages kept as evidence, one WARC file per distinct content.

Files live beside the database (``storage/evidence.py``: ``<db>.evidence/ab/<sha256>.warc.gz``): a
finding can show exactly what a page said on the day it was judged, and an unchanged page (HTTP 304)
is re-read from there.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from extract.privacy import mask_bytes
from storage import records


def content_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def store(root: Path, url: str, status: int, headers: list[tuple[str, str]], body: bytes) -> tuple[str, str]:
    """Write the response once per distinct body, personal numbers masked (the archive never holds
    them; the hash is of what is kept); returns (content hash, path relative to root)."""
    body = mask_bytes(body)
    digest = content_hash(body)
    relative = f"{digest[:2]}/{digest}.warc.gz"
    path = root / relative
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True)
        http_headers = StatusAndHeaders(f"{status} OK", headers, protocol="HTTP/1.1")
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http_headers)
        writer.write_record(record)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(buffer.getvalue())
        tmp.replace(path)  # atomic: a crash never leaves half a record under the final name
    return digest, relative


def keep(db, root: Path, url: str, headers: list[tuple[str, str]], body: bytes, page: dict,
         crawl_run_id: int | None = None) -> None:
    """A page's response kept as evidence, its row in ``pages`` and its capture (a write, on the
    crawl's writer)."""
    digest, path = store(root, url, 200, headers, body)
    records.save_page(db, {**page, "content_hash": digest, "warc_path": path}, crawl_run_id)

