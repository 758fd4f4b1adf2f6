"""Where the crawler keeps raw pages as evidence, and reading them back: one WARC file per distinct
content, beside the database (``<db>.evidence/ab/<sha256>.warc.gz``; written by crawlers/evidence.py)."""

from __future__ import annotations

from pathlib import Path

from warcio.archiveiterator import ArchiveIterator


def evidence_dir(db_path: str | Path) -> Path:
    return Path(f"{db_path}.evidence")


def load(root: Path, relative: str) -> tuple[list[tuple[str, str]], bytes]:
    """(headers, body) of a stored response."""
    with open(root / relative, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                return record.http_headers.headers, record.content_stream().read()
    raise FileNotFoundError(relative)
