"""The command line as a user meets it: help for every command, the extract debugging contract,
configuration errors named by key and the database path rules (the demo end to end: test_serve.py)."""

from __future__ import annotations

import json
import re

import click
import pytest

import storage
from gkwatch.cli import cli

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
    assert set(data) == {"items", "pagination", "problem"}
    assert data["problem"] is None
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
    assert set(data) == {"title", "published", "source", "publisher", "index_no", "doc_no", "attachments", "text",
                         "privacy"}
    assert (data["index_no"], data["doc_no"], data["published"][:10]) == (
        "PZ00101-1300-2019-00020", "岚综管综〔2019〕87号", "2019-05-24")


def test_extract_of_a_missing_file_is_a_clear_error():
    result = run_gkwatch("extract", "list", "no-such-page.html")
    assert result.returncode == 3
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
    assert result.returncode == 3
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


@pytest.mark.parametrize("command", [("check",), ("serve", "--port", "0"), ("crawl",), ("alert", "--dry-run", "--notify", "json://127.0.0.1:9/"),
                                     ("probe",), ("agencies", "list")], ids=lambda c: c[0])
def test_a_command_that_reads_refuses_a_missing_or_empty_database_and_creates_nothing(tmp_path, command):
    missing = tmp_path / "data" / "gkwatch.db"
    result = run_gkwatch(*command, "--db", missing, env={"GKWATCH_CONFIG": ""}, timeout=60)
    assert result.returncode == 3
    assert result.stderr.strip() == (f"错误 (error): 数据库不存在 (no such database): {missing}; "
                                     "先运行 gkwatch agencies import 建立数据库 (run gkwatch agencies import first to create it)")
    assert not missing.parent.exists()
    empty = tmp_path / "empty.db"          # e.g. left by `touch`, or a SQLite file of another program
    empty.touch()
    result = run_gkwatch(*command, "--db", empty, env={"GKWATCH_CONFIG": ""}, timeout=60)
    assert result.returncode == 3 and "不是 gkwatch 数据库" in result.stderr and "not a gkwatch database" in result.stderr
    assert empty.stat().st_size == 0 and sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]


def test_agencies_import_creates_the_database(tmp_path):
    path = tmp_path / "data" / "gkwatch.db"
    result = run_gkwatch("agencies", "import", ROOT / "agencies" / "huainan-swj.yaml", "--db", path,
                         env={"GKWATCH_CONFIG": ""})
    assert result.returncode == 0, result.stderr
    assert storage.connect(path)["agencies"].count == 1
