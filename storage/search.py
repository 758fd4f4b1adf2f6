"""Chinese full-text search: the ``cjk_char`` FTS5 tokenizer, registered on each SQLite connection.

FTS5's own tokenizers do not suit Chinese titles: ``unicode61`` makes a whole run of Chinese one token
and ``trigram`` cannot match the 2-character words most queries are. ``cjk_char`` makes

- every CJK ideograph one token (Unified Ideographs, Extension A and the supplementary planes,
  compatibility ideographs, Kangxi and supplementary radicals, 〇 and 々) — so a query 「年报」 is the phrase
  年 followed by 报 and matches 「关于印发年报的通知」 but not 「报年度」 or 「年度报告」;
- every run of other letters and digits one token, NFKC-normalised and lowercased (「２０２３」 is ``2023``,
  「ＰＤＦ」 is ``pdf``), compatibility ideographs and radicals normalised the same way (「⾏」 is 行);
- punctuation, spaces and symbols no token.

Token offsets are UTF-8 byte offsets into the original text, as FTS5 requires (``highlight()`` and
``snippet()`` use them). ``items_fts`` (storage/schema.py) uses the tokenizer, so every connection that
writes ``items`` or queries ``items_fts`` must call ``register()`` first: ``storage.connect()`` does, and
Datasette does through dashboards/plugins/cjk_search.py.
"""

from __future__ import annotations

import ctypes
import re
import sqlite3
import unicodedata

from sqlitefts import fts5

__all__ = ["TOKENIZER", "CJKCharTokenizer", "tokenize", "register"]

TOKENIZER = "cjk_char"

_SQLITE_OK = 0
_SQLITE_ERROR = 1

# The definition, on text: a token is one character of _CJK, or a maximal run of other letters and
# digits (regex [^\W_]), NFKC-normalised and lowercased. _CJK lists the ideographs and what behaves like
# them: the radicals (2E80-2FFF) appear in text extracted from PDFs in place of the ideographs they look
# like (NFKC maps the Kangxi ones back), 々 〆 〇 and the Hangzhou numerals are ideographic too.
_CJK_RANGES = ((0x2E80, 0x2FFF), (0x3005, 0x3007), (0x3021, 0x3029), (0x3038, 0x303B), (0x3400, 0x9FFF),
               (0xF900, 0xFAFF), (0x20000, 0x3FFFF))
_CJK = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _CJK_RANGES)
_TOKEN = re.compile(rf"([{_CJK}])|([^\W_{_CJK}]+)")
_WORD = re.compile(r"[^\W_]+")


def _is_cjk(char: str) -> bool:
    return any(lo <= ord(char) <= hi for lo, hi in _CJK_RANGES)


# The same on UTF-8 bytes, which is what FTS5 hands over and wants offsets into; matching bytes gives
# byte offsets for free and ASCII runs need no decoding. _CJK_BYTES is _CJK spelt in UTF-8.
# U+4000-9FFF (3 bytes, lead byte E4-E9): nearly every character of Chinese text. A stretch of them is
# one match, cut into characters by slicing; none needs NFKC.
_CJK_BYTES_MAIN = rb"[\xe4-\xe9][\x80-\xbf\xe4-\xe9]*"
# The rest of _CJK, one character a match (NFKC changes some of them).
_CJK_BYTES_OTHER = (
    rb"\xe3[\x90-\xbf][\x80-\xbf]"  # U+3400-3FFF
    rb"|\xe2[\xba-\xbf][\x80-\xbf]"  # U+2E80-2FFF
    rb"|\xe3\x80[\x85-\x87\xa1-\xa9\xb8-\xbb]"  # 々〆〇, Hangzhou numerals
    rb"|\xef[\xa4-\xab][\x80-\xbf]"  # U+F900-FAFF
    rb"|\xf0[\xa0-\xbf][\x80-\xbf][\x80-\xbf]"  # U+20000-3FFFF
)
_CJK_BYTES = rb"[\xe4-\xe9][\x80-\xbf][\x80-\xbf]|" + _CJK_BYTES_OTHER


def _punctuation_bytes() -> bytes:
    """The usual punctuation in Chinese text (CJK, general, fullwidth, Latin-1; none of them letters or
    digits), as a byte pattern: a run stops at them without decoding."""
    blocks = ((0x80, 0xBF), (0x2000, 0x206F), (0x3000, 0x303F), (0xFE30, 0xFE4F), (0xFEFF, 0xFEFF),
              (0xFF00, 0xFF65))
    by_prefix: dict[bytes, list[int]] = {}
    for lo, hi in blocks:
        for code in range(lo, hi + 1):
            char = chr(code)
            if not _is_cjk(char) and not _WORD.match(char):
                encoded = char.encode("utf-8")
                by_prefix.setdefault(encoded[:-1], []).append(encoded[-1])
    return b"|".join(re.escape(prefix) + b"[" + b"".join(re.escape(bytes([b])) for b in last) + b"]"
                     for prefix, last in by_prefix.items())


# A non-ASCII character that is neither CJK nor usual punctuation (a letter such as é or Ｐ, a digit
# such as ２, or a rarer symbol the slow path sorts out).
_OTHER_BYTES = rb"(?=[\xc2-\xf4])(?!" + _CJK_BYTES + rb"|" + _punctuation_bytes() + rb")[\xc2-\xf4][\x80-\xbf]+"
_ASCII_BYTES = rb"[0-9A-Za-z]"
# Groups: 1 a stretch of U+4000-9FFF characters, 2 another CJK character, else a run of letters/digits.
_TOKEN_BYTES = re.compile(
    rb"(" + _CJK_BYTES_MAIN + rb")|(" + _CJK_BYTES_OTHER + rb")"
    rb"|(?:" + _ASCII_BYTES + rb"|" + _OTHER_BYTES + rb")" + _ASCII_BYTES + rb"*(?:" + _OTHER_BYTES + _ASCII_BYTES + rb"*)*"
)
# CJK characters that NFKC changes (compatibility ideographs, radicals), UTF-8 to UTF-8.
_CJK_NORMAL: dict[bytes, bytes] = {}
for _lo, _hi in ((0x2E80, 0x2FFF), (0x3005, 0x303B), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)):  # all there are
    for _code in range(_lo, _hi + 1):
        _normal = unicodedata.normalize("NFKC", chr(_code))
        if _normal != chr(_code):
            _CJK_NORMAL[chr(_code).encode("utf-8")] = _normal.encode("utf-8")


def _mixed_run(run: bytes, offset: int) -> list[tuple[bytes, int, int]]:
    """The tokens of a run with non-ASCII letters, digits or symbols in it (no CJK)."""
    text = run.decode("utf-8", "surrogateescape")
    tokens, position, last = [], offset, 0
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group()
        position += len(text[last:start].encode("utf-8", "surrogateescape"))
        size = len(word.encode("utf-8", "surrogateescape"))
        token = unicodedata.normalize("NFKC", word).lower().encode("utf-8", "surrogateescape")
        tokens.append((token, position, position + size))
        position += size
        last = match.end()
    return tokens


def _tokenize_into(raw: bytes, x_token, context) -> int:
    """Call ``x_token(context, 0, token, len(token), start, end)`` for each token of UTF-8 text ``raw``
    (start and end byte offsets into it), in one pass; stop at the first non-zero return and return it.
    FTS5's xToken in production; kept this flat because it runs for every token of every row written."""
    normal = _CJK_NORMAL
    for match in _TOKEN_BYTES.finditer(raw):
        group = match.lastindex
        start, end = match.span()
        if group == 1:  # characters of 3 bytes each
            for i in range(start, end, 3):
                rc = x_token(context, 0, raw[i:i + 3], 3, i, i + 3)
                if rc:
                    return rc
            continue
        token = match.group()
        if group == 2:  # one CJK character
            token = normal.get(token, token)
        elif token.isalnum():  # ASCII letters and digits (bytes.isalnum is ASCII only)
            token = token.lower()
        else:
            for token, start, end in _mixed_run(token, start):
                rc = x_token(context, 0, token, len(token), start, end)
                if rc:
                    return rc
            continue
        rc = x_token(context, 0, token, len(token), start, end)
        if rc:
            return rc
    return 0


def _collect(tokens: list, flags: int, token: bytes, size: int, start: int, end: int) -> int:
    tokens.append((token, start, end))
    return 0


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """The tokens of ``text`` as FTS5 stores them: (token, UTF-8 byte start, UTF-8 byte end)."""
    tokens: list[tuple[bytes, int, int]] = []
    _tokenize_into(text.encode("utf-8", "surrogateescape"), _collect, tokens)
    return [(token.decode("utf-8", "surrogateescape"), start, end) for token, start, end in tokens]


class CJKCharTokenizer(fts5.FTS5Tokenizer):
    """The same tokenizer for sqlitefts' generic adaptor (``fts5.make_fts5_tokenizer``); ``register()``
    uses faster callbacks of its own that skip the adaptor's per-token conversions."""

    def tokenize(self, text, flags=None):
        return tokenize(text)


# The C callbacks FTS5 calls. One tokenizer object serves every table and connection: it has no state.
_ffi = fts5.ffi
_INSTANCE = _ffi.new("int *")  # the non-NULL Fts5Tokenizer* handed out by xCreate


@_ffi.callback("int(void *, const char **, int, Fts5Tokenizer **)", error=_SQLITE_ERROR)
def _x_create(context, argv, argc, out):
    out[0] = _ffi.cast("Fts5Tokenizer *", _INSTANCE)
    return _SQLITE_OK


@_ffi.callback("void(Fts5Tokenizer *)")
def _x_delete(tokenizer):
    return None


@_ffi.callback(
    "int(Fts5Tokenizer *, void *, int, const char *, int, int(void *, int, const char *, int, int, int))",
    error=_SQLITE_ERROR,
)
def _x_tokenize(tokenizer, context, flags, text, size, x_token):
    if size <= 0:
        return _SQLITE_OK
    return _tokenize_into(_ffi.buffer(text, size)[:], x_token, context)


_TOKENIZER_STRUCT = _ffi.new("fts5_tokenizer *", [_x_create, _x_delete, _x_tokenize])
# SQLite calls xDelete when a connection closes, which for a connection still open at interpreter exit
# is after Python has freed module globals: leaked references keep the callbacks alive to the very end
# (otherwise exit crashes with SIGILL/SIGSEGV).
for _callback in (_x_create, _x_delete, _x_tokenize, _INSTANCE, _TOKENIZER_STRUCT):
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(_callback))


def _registered(api, name: bytes) -> bool:
    user_data = _ffi.new("void **")
    found = _ffi.new("fts5_tokenizer *")
    return api.xFindTokenizer(api, name, user_data, found) == _SQLITE_OK and found.xTokenize == _x_tokenize


def register(conn: sqlite3.Connection) -> None:
    """Make the ``cjk_char`` tokenizer available on ``conn`` (a sqlite3 connection; a second call on the
    same connection does nothing)."""
    api = fts5.fts5_api_from_db(conn)
    if api is None or api == _ffi.NULL:
        raise RuntimeError("SQLite without FTS5: the cjk_char tokenizer cannot be registered")
    name = TOKENIZER.encode("ascii")
    if _registered(api, name):
        return
    if api.xCreateTokenizer(api, name, _ffi.NULL, _TOKENIZER_STRUCT, _ffi.NULL) != _SQLITE_OK:
        raise RuntimeError(f"could not register the FTS5 tokenizer {TOKENIZER}")
