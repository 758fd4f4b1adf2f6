"""Bytes to text for pages whose declared charset is often missing or wrong."""

from __future__ import annotations

import codecs
import re

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
# <meta charset=…>, <meta http-equiv … content="text/html; charset=…">, <?xml … encoding="…"?>
_DOC_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.I
)
# Servers and templates default to these when nobody set a charset: they prove nothing.
_UNTRUSTED = {"iso8859-1", "latin-1", "ascii", "cp1252"}
# GBK and GB2312 are subsets of GB18030; decoding as the superset loses nothing (e.g. 镕).
_SUPERSET = {"gbk": "gb18030", "gb2312": "gb18030"}
_ALIASES = {"x-gbk": "gbk", "gb_2312-80": "gb2312", "x-gb2312": "gb2312"}  # browsers', not Python's


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(text, encoding used). Never raises: undecodable bytes become U+FFFD."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, "replace"), encoding.removesuffix("-sig")
    declared = [e for e in (_header_charset(content_type), _document_charset(body)) if e]
    # Valid UTF-8 with non-ASCII text almost never happens by accident, so it beats a declared
    # charset; then the declarations, then GB18030, the usual undeclared encoding here.
    for encoding in _unique(["utf-8", *declared, "gb18030"]):
        try:
            return body.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return _best_guess(body, declared)


def _header_charset(content_type: str | None) -> str | None:
    m = _HEADER_CHARSET.search(content_type or "")
    return _codec_name(m.group(1)) if m else None


def _document_charset(body: bytes) -> str | None:
    m = _DOC_CHARSET.search(body[:4096])
    if not m:
        return None
    return _codec_name((m.group(1) or m.group(2)).decode("ascii", "ignore"))


def _codec_name(label: str) -> str | None:
    try:
        label = label.strip().lower()
        name = codecs.lookup(_ALIASES.get(label, label)).name
    except LookupError:
        return None
    name = _SUPERSET.get(name, name)
    return None if name in _UNTRUSTED else name


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


def _best_guess(body: bytes, declared: list[str]) -> tuple[str, str]:
    """Damaged bytes: the candidate that loses least, unless charset-normalizer knows better."""
    decoded = {e: body.decode(e, "replace") for e in _unique([*declared, "utf-8", "gb18030"])}
    encoding = min(decoded, key=lambda e: decoded[e].count("\ufffd"))
    errors = decoded[encoding].count("\ufffd")
    if errors > 4 and errors * 100 > len(decoded[encoding]):
        # Mostly undecodable: some other charset (Big5, UTF-16 without BOM …).
        from charset_normalizer import from_bytes

        guess = from_bytes(body).best()
        if guess is not None:
            return str(guess), guess.encoding
    return decoded[encoding], encoding
