"""The agency registry: a good file loads, every kind of bad file gets one exact error, and a bad
file imports nothing."""

from __future__ import annotations

import textwrap

import pytest

import storage
from core.registry import RegistryError, load_file, load_paths

from .conftest import ROOT, run_gkwatch

GOOD = """\
# 一个机构 one agency
id: qingchuan-swj
name: 青川市商务局
level: 市
kind: 部门
region_code: 340499
homepage: http://swj.qingchuan.example.gov.cn/
portal: http://swj.qingchuan.example.gov.cn/xxgk/
render_js: true
monthly_quota: 100
robots:
  obey: false
  reason: 网站 robots.txt 禁止一切抓取, 但政务公开内容依法应当公开
columns:
  - {name: 通知公告, url: "http://swj.qingchuan.example.gov.cn/xxgk/tzgg/", type: notice}
"""


def write(tmp_path, text, name="agency.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_good_file_loads_every_field(tmp_path):
    [agency] = load_file(write(tmp_path, GOOD))
    assert agency.id == "qingchuan-swj"
    assert agency.name == "青川市商务局"
    assert (agency.level, agency.kind, agency.region_code) == ("市", "部门", "340499")
    assert agency.portal == "http://swj.qingchuan.example.gov.cn/xxgk/"
    assert agency.render_js is True and agency.monthly_quota == 100
    assert agency.obey_robots is False
    assert agency.robots_reason.startswith("网站 robots.txt")
    assert [(c.name, c.type) for c in agency.columns] == [("通知公告", "notice")]


def test_list_of_agencies_in_one_file(tmp_path):
    second = GOOD.replace("qingchuan-swj", "qingchuan-fgw").replace("商务局", "发展和改革委员会")
    text = "- " + GOOD.replace("\n", "\n  ").rstrip() + "\n- " + second.replace("\n", "\n  ").rstrip() + "\n"
    agencies = load_file(write(tmp_path, text))
    assert [a.id for a in agencies] == ["qingchuan-swj", "qingchuan-fgw"]


BAD_FILES = [
    ("yaml syntax", GOOD.replace("level: 市", "level: [市"), 4, None, "YAML 语法错误"),
    ("missing field", GOOD.replace("kind: 部门\n", ""), 2, "kind", "缺少必填字段 (required field missing)"),
    ("bad level", GOOD.replace("level: 市", "level: 地级市"), 4, "level", "取值 '地级市' 无效, 应为 (must be one of): 国务院部门 / 省 / 市 / 县 / 乡镇"),
    ("bad url", GOOD.replace("homepage: http://", "homepage: ftp://"), 7, "homepage", "'ftp://swj.qingchuan.example.gov.cn/' 不是有效的 http(s) 网址 (not a valid http(s) URL)"),
    ("unknown field", GOOD.replace("render_js:", "renderjs:"), 9, "renderjs", "未知字段 (unknown field)"),
    ("region code", GOOD.replace("340499", "3404"), 6, "region_code", "取值 '3404' 无效: 须为 6 位行政区划代码 (a 6-digit administrative division code)"),
    ("robots without reason", GOOD.replace("  reason: 网站 robots.txt 禁止一切抓取, 但政务公开内容依法应当公开\n", ""), 12, "robots",
     "不遵守 robots.txt 时必须写明理由 robots.reason (a reason is required to ignore robots.txt)"),
    ("unknown column type", GOOD.replace("type: notice", "type: notices"), 15, "columns", "columns[0].type 'notices' 不是已知栏目类型 (unknown column type)"),
    ("negative quota", GOOD.replace("monthly_quota: 100", "monthly_quota: -5"), 10, "monthly_quota", "须为非负整数 (must be a whole number >= 0), got -5"),
    ("not a mapping", "- just a string\n", 1, None, "每个机构必须是键值映射 (each agency must be a mapping)"),
]


@pytest.mark.parametrize("label,text,line,field,message", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_names_file_line_and_field(tmp_path, label, text, line, field, message):
    path = write(tmp_path, text)
    with pytest.raises(RegistryError) as caught:
        load_file(path)
    error = caught.value
    assert (error.path, error.line, error.field) == (str(path), line, field)
    assert error.message.startswith(message)
    assert str(error).startswith(f"{path}:{line}: {field + ': ' if field else ''}{message}")


def test_duplicate_id_across_files_is_rejected(tmp_path):
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(RegistryError, match="id defined twice"):
        load_paths([tmp_path])


def test_shipped_registry_is_valid():
    agencies = load_paths([ROOT / "agencies"])
    names = {a.name for a in agencies}
    assert {"淮南市商务局", "宣城市商务局", "成都市武侯区商务局"} <= names
    assert all(a.requires_internet for a in agencies)


def test_cli_import_rejects_bad_file_whole_and_imports_good(tmp_path, db_path):
    good = write(tmp_path, GOOD, "good.yaml")
    bad = write(tmp_path, GOOD.replace("qingchuan-swj", "qingchuan-x").replace("level: 市", "level: 地级市"), "bad.yaml")
    result = run_gkwatch("agencies", "import", bad, "--db", db_path)
    assert result.returncode == 3
    assert result.stderr.strip() == (
        f"错误 (error): {bad}:4: level: 取值 '地级市' 无效, 应为 (must be one of): 国务院部门 / 省 / 市 / 县 / 乡镇"
    )
    assert "Traceback" not in result.stderr
    assert not db_path.exists() or storage.connect(db_path)["agencies"].count == 0

    result = run_gkwatch("agencies", "import", good, "--db", db_path)
    assert result.returncode == 0, result.stderr
    db = storage.connect(db_path)
    assert [r["id"] for r in db.query("select id from agencies")] == ["qingchuan-swj"]
    assert [(r["type"], r["explicit"]) for r in db.query("select type, explicit from columns")] == [("notice", 1)]
    listed = run_gkwatch("agencies", "list", "--db", db_path, "--json")
    assert [a["name"] for a in __import__("json").loads(listed.stdout)] == ["青川市商务局"]


SEVERAL_ERRORS = """\
- id: qingchuan-swj
  name: 青川市商务局
  level: 地级市
  kind: 部门
  region_code: 3404
  homepage: http://swj.qingchuan.example.gov.cn/
  portal: http://swj.qingchuan.example.gov.cn/xxgk/
  columns:
    - {name: 通知公告, url: "http://swj.qingchuan.example.gov.cn/xxgk/tzgg/", type: notices}
    - {name: 政策文件, url: "zcwj/", type: policy}
- id: qingchuan-fgw
  name: 青川市发展和改革委员会
  level: 市
  kind: 部门
  region_code: "340499"
  homepage: http://fgw.qingchuan.example.gov.cn/
  portal: http://fgw.qingchuan.example.gov.cn/xxgk/
  renderjs: true
- id: qingchuan-swj
  name: 青川市商务局（重复）
  level: 市
  kind: 部门
  homepage: http://swj2.qingchuan.example.gov.cn/
  portal: http://swj2.qingchuan.example.gov.cn/xxgk/
"""


def test_every_error_of_a_file_is_named_with_its_line_and_entry(tmp_path):
    path = write(tmp_path, SEVERAL_ERRORS)
    with pytest.raises(RegistryError) as caught:
        load_file(path)
    assert [(p.line, p.entry, p.field) for p in caught.value.problems] == [
        (3, "qingchuan-swj", "level"), (5, "qingchuan-swj", "region_code"), (9, "qingchuan-swj", "columns"),
        (10, "qingchuan-swj", "columns"), (18, "qingchuan-fgw", "renderjs"), (19, "qingchuan-swj", "region_code"),
        (19, "qingchuan-swj", "id")]
    assert str(caught.value.problems[3]) == (
        f"{path}:10: [qingchuan-swj] columns: 'zcwj/' 不是有效的 http(s) 网址 (not a valid http(s) URL)")


def test_cli_validate_lists_every_error_of_every_file(tmp_path):
    several = write(tmp_path, SEVERAL_ERRORS, "several.yaml")
    bad = write(tmp_path, GOOD.replace("qingchuan-swj", "qingchuan-x").replace("kind: 部门", "kind: 局"), "bad.yaml")
    good = write(tmp_path, GOOD.replace("qingchuan-swj", "qingchuan-ok"), "good.yaml")
    result = run_gkwatch("agencies", "validate", several, bad, good)
    assert result.returncode == 3 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert [line.split(": ")[1] for line in lines[:-1]] == [
        f"{several}:{n}" for n in (3, 5, 9, 10, 18, 19, 19)] + [f"{bad}:5"]
    assert lines[-2] == f"错误 (error): {bad}:5: kind: 取值 '局' 无效, 应为 (must be one of): 政府 / 部门"
    assert lines[-1] == "错误 (error): 共 8 处错误, 涉及 2 个文件 (8 errors in 2 files)"
    valid = run_gkwatch("agencies", "validate", good)
    assert valid.returncode == 0 and valid.stdout.strip() == "有效: 1 个机构 (valid: 1 agencies)"
