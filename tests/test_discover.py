"""Registry bootstrap: a 市人民政府 portal's 「市政府部门」「区县政府」 blocks become registry YAML that
validates and names every department with its homepage and disclosure portal."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from core.registry import RegistryError, load_file
from sandbox import Sandbox

from .conftest import REFERENCE_DAY, run_gkwatch


def discover(tmp_path, day, *extra):
    """Run discover on the sandbox's 淮岭市人民政府 portal as of ``day``: (result, manifest, output file)."""
    config = tmp_path / "gkwatch.toml"
    config.write_text('[crawl]\ncontact = "test@gkwatch.invalid"\ndownload_delay = 0\ntimeout = 5\n', encoding="utf-8")
    out = tmp_path / "huailing.yaml"
    with Sandbox(day, port=0) as sandbox:
        manifest = sandbox.manifest()
        government = next(a for a in manifest["agencies"] if a["id"] == "sb-huailing-gov")
        result = run_gkwatch("--config", config, "agencies", "discover", government["homepage"], "--level", "市",
                             "--region-code", "340400", "--parent", "sb-huailing-gov", "-o", out, *extra)
    assert result.returncode == 0, result.stderr
    return result, manifest, out


def test_discover_writes_a_registry_of_every_department(tmp_path):
    result, manifest, out = discover(tmp_path, REFERENCE_DAY)
    entries = {e["name"]: e for e in yaml.safe_load(out.read_text(encoding="utf-8"))}
    departments = {a["name"]: a for a in manifest["agencies"] if a["parent"] == "sb-huailing-gov"}
    assert set(departments) == {"淮岭市商务局", "淮岭市财政局"}
    assert set(entries) == set(departments) | {"凤岭县人民政府"}
    for name, truth in departments.items():
        entry = entries[name]
        assert (entry["homepage"], entry["portal"]) == (truth["homepage"], truth["portal"])
        assert (entry["kind"], entry["level"], entry["parent"], entry["region_code"]) == ("部门", "市", "sb-huailing-gov", "340400")
    county = entries["凤岭县人民政府"]
    assert (county["kind"], county["level"], "parent" in county) == ("政府", "县", False)
    # That county's site is down on this day: its homepage stands in for the portal, its region code is
    # not the city's but unknown, left empty for a person to fill in, and the output says so.
    assert county["portal"] == county["homepage"] and "首页无法访问" in county["notes"]
    assert county["region_code"] == "" and "region_code 未知" in county["notes"]
    assert result.stderr.splitlines()[-1] == ("region_code 未知, 已留空, 导入前请填写 (region code unknown, left empty: "
                                              "fill it in before importing) (1): 凤岭县人民政府")
    assert entries["淮岭市商务局"]["id"] == "huailingshishangwuju"
    with pytest.raises(RegistryError) as caught:     # not importable until the code is filled in
        load_file(out)
    assert [(p.entry, p.field) for p in caught.value.problems] == [(county["id"], "region_code")]
    out.write_text(out.read_text(encoding="utf-8").replace("region_code: ''", "region_code: '341922'"), encoding="utf-8")
    assert {a.name: a.region_code for a in load_file(out)}["凤岭县人民政府"] == "341922"


def test_discover_gives_a_county_its_own_region_code_and_ids_their_prefix(tmp_path):
    result, manifest, out = discover(tmp_path, REFERENCE_DAY + dt.timedelta(days=6), "--prefix", "hl")
    agencies = {a.name: a for a in load_file(out)}
    truth = next(a for a in manifest["agencies"] if a["name"] == "凤岭县人民政府")
    county = agencies["凤岭县人民政府"]
    assert county.region_code == truth["region_code"] == "341922"          # from its 网站标识码, not the city's
    assert county.portal == truth["portal"]
    assert agencies["淮岭市商务局"].region_code == "340400"
    assert agencies["淮岭市商务局"].id == "hl-huailingshishangwuju"
    assert sorted(a.id for a in agencies.values()) == ["hl-fenglingxianrenminzhengfu", "hl-huailingshicaizhengju",
                                                       "hl-huailingshishangwuju"]
    assert "region_code 未知" not in result.stderr


def test_discover_refuses_a_prefix_that_makes_no_id(tmp_path):
    result = run_gkwatch("agencies", "discover", "http://127.0.0.1:9/", "--level", "市", "--region-code", "340400",
                         "--prefix", "HL", env={"GKWATCH_CONFIG": ""})
    assert result.returncode == 3 and "'HL': 须为小写字母、数字和连字符" in result.stderr


def test_discover_on_a_page_without_site_lists_says_so(tmp_path):
    with Sandbox(REFERENCE_DAY, port=0) as sandbox:
        department = next(a for a in sandbox.manifest()["agencies"] if a["id"] == "sb-huailing-czj")
        result = run_gkwatch("agencies", "discover", department["homepage"], "--level", "市", "--region-code", "340400",
                             env={"GKWATCH_CONFIG": ""})
    assert result.returncode == 4
    assert "没有找到部门或下级政府的网站链接" in result.stderr and "Traceback" not in result.stderr
