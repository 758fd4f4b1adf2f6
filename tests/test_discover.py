"""Registry bootstrap: a 市人民政府 portal's 「市政府部门」「区县政府」 blocks become registry YAML that
validates and names every department with its homepage and disclosure portal."""

from __future__ import annotations

from core.registry import load_file
from sandbox import Sandbox

from .conftest import REFERENCE_DAY, run_gkwatch


def test_discover_writes_a_valid_registry_of_every_department(tmp_path):
    config = tmp_path / "gkwatch.toml"
    config.write_text('[crawl]\ncontact = "test@gkwatch.invalid"\ndownload_delay = 0\ntimeout = 5\n', encoding="utf-8")
    out = tmp_path / "huailing.yaml"
    with Sandbox(REFERENCE_DAY, port=0) as sandbox:
        manifest = sandbox.manifest()
        government = next(a for a in manifest["agencies"] if a["id"] == "sb-huailing-gov")
        result = run_gkwatch("--config", config, "agencies", "discover", government["homepage"], "--level", "市",
                             "--region-code", "340400", "--parent", "sb-huailing-gov", "-o", out)
    assert result.returncode == 0, result.stderr
    agencies = {a.name: a for a in load_file(out)}
    departments = {a["name"]: a for a in manifest["agencies"] if a["parent"] == "sb-huailing-gov"}
    assert set(departments) == {"淮岭市商务局", "淮岭市财政局"}
    assert set(agencies) == set(departments) | {"凤岭县人民政府"}
    for name, truth in departments.items():
        agency = agencies[name]
        assert (agency.homepage, agency.portal) == (truth["homepage"], truth["portal"])
        assert (agency.kind, agency.level, agency.parent, agency.region_code) == ("部门", "市", "sb-huailing-gov", "340400")
    county = agencies["凤岭县人民政府"]
    assert (county.kind, county.level, county.parent) == ("政府", "县", None)
    # That county's site is down on this day: its homepage stands in for the portal, and a note says so.
    assert county.portal == county.homepage and "首页无法访问" in county.notes
    assert agencies["淮岭市商务局"].id == "huailingshishangwuju"


def test_discover_on_a_page_without_site_lists_says_so(tmp_path):
    with Sandbox(REFERENCE_DAY, port=0) as sandbox:
        department = next(a for a in sandbox.manifest()["agencies"] if a["id"] == "sb-huailing-czj")
        result = run_gkwatch("agencies", "discover", department["homepage"], "--level", "市", "--region-code", "340400",
                             env={"GKWATCH_CONFIG": ""})
    assert result.returncode == 4
    assert "没有找到部门或下级政府的网站链接" in result.stderr and "Traceback" not in result.stderr
