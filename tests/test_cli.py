"""The command line as a user meets it: help for every command, the extract debugging contract,
configuration errors named by key, the database path rules, and the demo end to end."""

from __future__ import annotations

import datetime as dt
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import click
import pytest

import storage
from gkwatch.cli import cli
from gkwatch.sandbox import build_manifest

from .conftest import REAL_PAGES, ROOT, run_gkwatch


def commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield prefix + (name,)
        if isinstance(command, click.Group):
            yield from commands(command, prefix + (name,))


@pytest.mark.parametrize("path", [()] + list(commands(cli)), ids=lambda p: " ".join(p) or "gkwatch")
def test_every_command_has_help(path):
    result = run_gkwatch(*path, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: gkwatch")
    assert re.search(r"[\u4e00-\u9fff]", result.stdout), "help text is Chinese first"


def test_extract_list_prints_the_contract():
    result = run_gkwatch("extract", "list", REAL_PAGES / "shandong_nyj_tzgg_list_hanweb.html",
                         "--url", "http://nyj.shandong.gov.cn/col/col59960/")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"items", "pagination"}
    assert set(data["pagination"]) == {"total_pages", "next"}
    assert data["pagination"]["total_pages"] == 15 and len(data["items"]) == 45
    assert data["items"][0] == {
        "title": "关于公布“山东省地热能试点工程”项目（第四批）的通知",
        "url": data["items"][0]["url"], "date": "2026-09-18"}
    assert "art_59960_10313595" in data["items"][0]["url"]


def test_extract_detail_prints_the_contract():
    result = run_gkwatch("extract", "detail", REAL_PAGES / "pingtan_gwhwj_detail_67534.html",
                         "--url", "https://www.pingtan.gov.cn/zwgk/zfxxgk/gwhwj/cxjshgldzd/201905/t20190524_67534.htm")
    data = json.loads(result.stdout)
    assert set(data) == {"title", "published", "source", "publisher", "index_no", "doc_no", "attachments", "text"}
    assert (data["index_no"], data["doc_no"], data["published"][:10]) == (
        "PZ00101-1300-2019-00020", "岚综管综〔2019〕87号", "2019-05-24")


def test_extract_of_a_missing_file_is_a_clear_error():
    result = run_gkwatch("extract", "list", "no-such-page.html")
    assert result.returncode == 2
    assert result.stderr.strip() == "错误 (error): 文件不存在 (no such file): no-such-page.html"


@pytest.mark.parametrize("text,message", [
    ("[crawl\ncontact = 1", "TOML 语法错误"),
    ('[crawl]\ncontact = "张三"', "crawl.contact: HTTP 头只能用 ASCII"),
    ("[crawl]\ndelay = 2", "crawl.delay: 未知配置项 (unknown key)"),
    ('[crawl]\ntimeout = "30"', "crawl.timeout: 取值类型错误 (wrong type) '30'"),
])
def test_bad_config_is_named_by_key(tmp_path, text, message):
    config = tmp_path / "gkwatch.toml"
    config.write_text(text, encoding="utf-8")
    result = run_gkwatch("--config", config, "agencies", "list", "--db", tmp_path / "x.db")
    assert result.returncode == 2
    assert message in result.stderr and str(config) in result.stderr and "Traceback" not in result.stderr


def test_database_path_from_flag_config_env_then_default(tmp_path):
    registry = ROOT / "agencies" / "huainan-swj.yaml"
    config = tmp_path / "etc" / "gkwatch.toml"
    config.parent.mkdir()
    config.write_text('database = "../from-config.db"\n', encoding="utf-8")  # relative to the config file
    env = {"GKWATCH_DB": str(tmp_path / "from-env.db"), "GKWATCH_CONFIG": ""}
    assert run_gkwatch("agencies", "import", registry, cwd=tmp_path, env=env).returncode == 0
    assert run_gkwatch("--config", config, "agencies", "import", registry, cwd=tmp_path, env=env).returncode == 0
    assert run_gkwatch("agencies", "import", registry, "--db", tmp_path / "flag.db", cwd=tmp_path).returncode == 0
    assert run_gkwatch("agencies", "import", registry, cwd=tmp_path, env={"GKWATCH_DB": "", "GKWATCH_CONFIG": ""}).returncode == 0
    for name in ("from-env.db", "from-config.db", "flag.db", "gkwatch.db"):
        assert storage.connect(tmp_path / name)["agencies"].count == 1, name


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_demo_once_crawls_checks_and_serves(tmp_path):
    db_path = tmp_path / "demo.db"
    sandbox_port = free_port()
    result = run_gkwatch("demo", "--once", "--db", db_path, "--sandbox-port", sandbox_port, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"数据库 database: {db_path}" in result.stdout
    assert "Traceback" not in result.stderr
    db = storage.connect(db_path)
    assert db["agencies"].count == 10
    assert db["columns"].count > 100 and db["items"].count > 1800
    stored = re.search(r"已存储 stored: agencies 10 · columns (\d+) · items (\d+)", result.stdout)
    assert stored and (int(stored[1]), int(stored[2])) == (db["columns"].count, db["items"].count)
    assert db["scorecards"].count == 10

    # The same database through Datasette: every canned query answers, with the findings the
    # sandbox planted (those a first crawl can see: a down site needs 3 observations).
    defects = {(d["agency"], d["check"], d["subject"]) for d in build_manifest(dt.date.fromisoformat(
        re.search(r"as of (\d{4}-\d\d-\d\d)", result.stdout)[1]), sandbox_port)["defects"]}
    # Scraped text is shown as text, never run: a title that is a script stays a string.
    agency, column = db.execute("SELECT agency_id, column_id FROM items LIMIT 1").fetchone()
    db["items"].insert({"agency_id": agency, "column_id": column, "url": "http://127.0.0.1/xss.html",
                        "title": "<script>alert(1)</script>"})
    db.conn.commit()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gkwatch", "serve", "--db", str(db_path), "--port", str(port)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        rows = {query: datasette_rows(port, query, agency="") for query in (
            "stale_columns", "empty_columns", "missing_columns", "annual_reports_missing_or_late",
            "report_balance_errors", "removed_items", "agency_scores")}
        found = {(r["栏目网址"]) for r in rows["stale_columns"]}
        assert found == {subject for _, check, subject in defects if check == "column_stale"}
        assert {r["栏目网址"] for r in rows["empty_columns"]} == {s for _, c, s in defects if c == "column_empty"}
        assert {r["缺少"] for r in rows["missing_columns"] if r["检查项"] == "mandatory_column_missing"} == {
            s for _, c, s in defects if c == "mandatory_column_missing"}
        assert {(r["检查项"], r["年度"]) for r in rows["annual_reports_missing_or_late"]} == {
            (c, s) for _, c, s in defects if c in ("annual_report_missing", "annual_report_late")}
        assert len(rows["agency_scores"]) == 10
        hits = datasette_rows(port, "search_items", q="年报")
        assert hits and all("年报" in r["标题"] for r in hits)
        assert len(hits) == db.execute("SELECT count(*) FROM items WHERE title LIKE '%年报%'").fetchone()[0]
        page = fetch_text(port, "/demo/items?url=http%3A%2F%2F127.0.0.1%2Fxss.html")
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)</script>" not in page
        assert fetch_text(port, "/robots.txt") == "User-agent: *\nDisallow: /"
    finally:
        server.terminate()
        server.wait(timeout=10)


def fetch_text(port: int, path: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return response.read().decode("utf-8").strip()


def datasette_rows(port: int, query: str, **params) -> list[dict]:
    url = f"http://127.0.0.1:{port}/demo/{query}.json?_shape=array&" + urllib.parse.urlencode(params)
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return json.load(response)
        except (ConnectionError, urllib.error.URLError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
