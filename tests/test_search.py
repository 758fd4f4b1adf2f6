"""Chinese full-text search over items: the cjk_char tokenizer, items_fts kept in sync, the v6
migration, a clean exit with connections left open, and Datasette's own ?_search= through `gkwatch serve`."""

from __future__ import annotations

import json
import random
import socket
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request

import pytest
import sqlite_utils
from datasette.utils import escape_fts

import storage
from storage import search
from storage.schema import SCHEMA_VERSION, migrate, schema_version

from .conftest import ROOT

TITLES = {
    1: "关于印发年报的通知",
    2: "报年度",
    3: "年度报告",
    4: "青川市商务局2023年政府信息公开工作年报",
    5: "关于开展２０２３年消费品以旧换新工作的通知（PDF）",
    6: "怀岭县人民政府办公室关于做好安全生产工作的通知",
}


def reference_tokenize(text: str) -> list[tuple[str, int, int]]:
    """``tokenize`` spelt out on text, slowly (quadratic offsets): what the tests hold it to."""
    tokens = []
    for match in search._TOKEN.finditer(text):
        start = len(text[:match.start()].encode("utf-8", "surrogateescape"))
        end = len(text[:match.end()].encode("utf-8", "surrogateescape"))
        tokens.append((unicodedata.normalize("NFKC", match.group()).lower(), start, end))
    return tokens


def fresh(db_path) -> sqlite_utils.Database:
    db = storage.connect(db_path)
    db["agencies"].insert({"id": "a", "name": "青川市商务局", "level": "市", "kind": "部门", "homepage": "http://127.0.0.1/"})
    db["columns"].insert({"id": 1, "agency_id": "a", "type": "notice", "url": "http://127.0.0.1/tzgg/"})
    return db


def add_items(db, titles=TITLES, **fields) -> None:
    with db.conn:
        for item_id, title in titles.items():
            db["items"].insert({"id": item_id, "agency_id": "a", "column_id": 1, "title": title,
                                "url": f"http://127.0.0.1/tzgg/{item_id}.html", **fields})


def match(db, query: str) -> list[int]:
    return [r[0] for r in db.execute("SELECT rowid FROM items_fts WHERE items_fts MATCH ? ORDER BY rowid", [query])]


def search_ids(db, words: str) -> list[int]:
    """What Datasette's ?_search= does with ``words``."""
    return match(db, escape_fts(words))


# the tokenizer -----------------------------------------------------------------------------------

def test_tokens_and_utf8_byte_offsets_of_mixed_text():
    assert search.tokenize("关于2023年度政府信息公开工作年报的通知（PDF）") == [
        ("关", 0, 3), ("于", 3, 6), ("2023", 6, 10), ("年", 10, 13), ("度", 13, 16), ("政", 16, 19),
        ("府", 19, 22), ("信", 22, 25), ("息", 25, 28), ("公", 28, 31), ("开", 31, 34), ("工", 34, 37),
        ("作", 37, 40), ("年", 40, 43), ("报", 43, 46), ("的", 46, 49), ("通", 49, 52), ("知", 52, 55),
        ("pdf", 58, 61),
    ]


def test_fullwidth_radicals_compatibility_ideographs_and_other_scripts():
    # fullwidth digits and letters are their ASCII selves; a Kangxi radical (from a PDF) is its ideograph;
    # 〇 and Extension B characters are ideographs; _ and punctuation are no tokens
    assert search.tokenize("２０２３年ＰＤＦ ⾏政 二〇二三 𠀀a_b Café·No.1") == [
        ("2023", 0, 12), ("年", 12, 15), ("pdf", 15, 24), ("行", 25, 28), ("政", 28, 31), ("二", 32, 35),
        ("〇", 35, 38), ("二", 38, 41), ("三", 41, 44), ("𠀀", 45, 49), ("a", 49, 50), ("b", 51, 52),
        ("café", 53, 58), ("no", 60, 62), ("1", 63, 64),
    ]
    assert search.tokenize("") == [] and search.tokenize("（）《》、，。 ") == []
    assert search.tokenize("國辦發〔2023〕12號") == [
        ("國", 0, 3), ("辦", 3, 6), ("發", 6, 9), ("2023", 12, 16), ("12", 19, 21), ("號", 21, 24)]


def test_the_fast_tokenizer_agrees_with_its_plain_definition():
    blocks = [(0x20, 0x250), (0x2000, 0x2100), (0x2E70, 0x3100), (0x3300, 0x3500), (0x4DC0, 0x4E10),
              (0x9F00, 0xA100), (0xF8F0, 0xFB10), (0xFE00, 0xFFFE)]
    pool = [chr(c) for lo, hi in blocks for c in range(lo, hi)] + list("𠀀𝐀😀\U0002F800\U0002FA1D") + list("年报通知") * 50
    rng = random.Random(20261122)
    for _ in range(5000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 16)))
        assert search.tokenize(text) == reference_tokenize(text), text


def test_register_is_idempotent_per_connection(db_path):
    db = storage.connect(db_path)
    search.register(db.conn)
    search.register(db.conn)
    assert storage.connect(db_path).execute("SELECT count(*) FROM items_fts").fetchone()[0] == 0


# items_fts ---------------------------------------------------------------------------------------

def test_two_character_phrase_matches_the_word_not_its_characters(db_path):
    db = fresh(db_path)
    add_items(db)
    assert match(db, '"年报"') == [1, 4]  # not 「报年度」 nor 「年度报告」
    assert match(db, "年报") == [1, 4]
    assert search_ids(db, "年报") == [1, 4]
    assert search_ids(db, "年") == [1, 2, 3, 4, 5]  # one character
    assert search_ids(db, "报") == [1, 2, 3, 4]
    assert search_ids(db, "年度报告") == [3]  # four characters
    assert search_ids(db, "信息公开工作年报") == [4]
    assert search_ids(db, "2023年") == [4, 5]  # ASCII and CJK; ２０２３ is 2023
    assert search_ids(db, "２０２３年") == [4, 5]
    assert search_ids(db, "pdf") == search_ids(db, "ＰＤＦ") == [5]
    assert search_ids(db, "通知 安全生产") == [6]  # words separated by a space: all of them
    assert search_ids(db, "商务局") == [4]
    assert search_ids(db, "年报告") == []


def test_doc_no_publisher_and_source_are_searchable(db_path):
    db = fresh(db_path)
    add_items(db, {7: "关于印发实施方案的通知"}, doc_no="青商发〔2023〕12号", publisher="青川市商务局",
              source="青川市人民政府办公室")
    assert search_ids(db, "青商发〔2023〕12号") == [7]
    assert search_ids(db, "商务局") == [7]
    assert match(db, 'source : "政府办公室"') == [7]
    assert match(db, 'title : "商务局"') == []


def test_index_follows_insert_update_and_delete(db_path):
    db = fresh(db_path)
    add_items(db, {1: "关于印发年报的通知"})
    assert search_ids(db, "年报") == [1]
    with db.conn:
        db["items"].update(1, {"title": "关于开展安全生产检查的通知"})
    assert search_ids(db, "年报") == [] and search_ids(db, "印发") == []
    assert search_ids(db, "安全生产") == [1] and search_ids(db, "通知") == [1]
    with db.conn:
        db["items"].update(1, {"last_seen": "2026-11-22T10:00:00+08:00"})  # no indexed column: no reindex
        db["items"].update(1, {"publisher": "青川市应急管理局"})
    assert search_ids(db, "应急管理") == [1]
    with db.conn:
        db["items"].delete(1)
    assert search_ids(db, "通知") == [] and search_ids(db, "应急管理") == []
    db.execute("INSERT INTO items_fts (items_fts) VALUES ('integrity-check')")


def test_insert_or_replace_leaves_no_stale_entry(db_path):
    db = fresh(db_path)
    add_items(db, {1: "关于印发年报的通知"})
    with db.conn:
        db.execute("INSERT OR REPLACE INTO items (id, agency_id, column_id, url, title) VALUES "
                   "(2, 'a', 1, 'http://127.0.0.1/tzgg/1.html', '安全生产')")  # same (agency, url)
    assert search_ids(db, "年报") == [] and search_ids(db, "安全生产") == [2]
    db.execute("INSERT INTO items_fts (items_fts) VALUES ('integrity-check')")


def test_migration_from_version_5_indexes_existing_items(db_path):
    old = sqlite_utils.Database(db_path)
    migrate(old, target=5)
    assert schema_version(old) == 5 and "items_fts" not in old.table_names()
    old["agencies"].insert({"id": "a", "name": "青川市商务局", "level": "市", "kind": "部门", "homepage": "http://127.0.0.1/"})
    old["columns"].insert({"id": 1, "agency_id": "a", "type": "notice", "url": "http://127.0.0.1/tzgg/"})
    add_items(old)
    old.conn.close()

    db = storage.connect(db_path)
    assert schema_version(db) == SCHEMA_VERSION >= 6
    assert search_ids(db, "年报") == [1, 4]
    assert search_ids(db, "年度报告") == [3]
    add_items(db, {9: "2024年政府信息公开工作年报"})
    assert search_ids(db, "年报") == [1, 4, 9]
    db.execute("INSERT INTO items_fts (items_fts) VALUES ('integrity-check')")


def test_migrating_a_bare_connection_registers_the_tokenizer(db_path):
    db = sqlite_utils.Database(db_path)  # not storage.connect: the migration registers it itself
    assert migrate(db) == SCHEMA_VERSION
    db["agencies"].insert({"id": "a", "name": "甲", "level": "市", "kind": "部门", "homepage": "http://127.0.0.1/"})
    db["items"].insert({"agency_id": "a", "url": "http://127.0.0.1/1.html", "title": "年报"})
    assert search_ids(db, "年报") == [1]


def test_exit_with_connections_still_open_is_clean(db_path):
    script = f"""
import storage
from storage import search
db = storage.connect({str(db_path)!r})
db["agencies"].insert({{"id": "a", "name": "甲", "level": "市", "kind": "部门", "homepage": "http://127.0.0.1/"}})
db["items"].insert({{"agency_id": "a", "url": "http://127.0.0.1/1.html", "title": "关于印发年报的通知"}})
db.conn.commit()
other = storage.connect({str(db_path)!r})
print(other.execute("SELECT rowid FROM items_fts WHERE items_fts MATCH '年报'").fetchall())
# no close(): the connections are finalised at interpreter exit, after the module globals
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[(1,)]"
    assert "Traceback" not in result.stderr and "error" not in result.stderr.lower()


# Datasette ---------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def datasette_json(port: int, path: str, **params):
    url = f"http://127.0.0.1:{port}{path}?" + urllib.parse.urlencode(params)  # percent-encodes the Chinese
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return json.load(response)
        except (ConnectionError, urllib.error.URLError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_datasette_escapes_search_words_as_phrases():
    assert escape_fts("年报") == '"年报"'
    assert escape_fts("年报 通知") == '"年报" "通知"'
    assert escape_fts('年"报') == '"年" "报"'  # an unbalanced quote is closed


def test_gkwatch_serve_searches_items_with_two_and_one_characters(tmp_path):
    db_path = tmp_path / "search.db"
    db = fresh(db_path)
    add_items(db)
    db.conn.close()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gkwatch", "serve", "--db", str(db_path), "--port", str(port)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        rows = datasette_json(port, "/search/items.json", _search="年报", _shape="array")
        assert [r["id"] for r in rows] == [1, 4]
        assert rows[0]["url"] == "http://127.0.0.1/tzgg/1.html"
        assert [r["id"] for r in datasette_json(port, "/search/items.json", _search="报", _shape="array")] == [1, 2, 3, 4]
        assert [r["id"] for r in datasette_json(port, "/search/items.json", _search="2023年", _shape="array")] == [4, 5]
        assert datasette_json(port, "/search/items.json", _search="年报告", _shape="array") == []
        plugins = {p["name"] for p in datasette_json(port, "/-/plugins.json")}
        assert "cjk_search.py" in plugins
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=15)
    assert "Traceback" not in stderr.decode("utf-8", "replace")
