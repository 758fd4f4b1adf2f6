"""The rulebook YAML: every rule cited, every mistake reported by file, line and key, overrides by
level, kind and agency."""

from __future__ import annotations

import re

import pytest
import yaml

from monitors import rulebook
from core.vocabulary import CHECKS
from monitors.rulebook import CHECK_SCHEMAS, DEFAULT_PATH, RulebookError, load

SOURCE = DEFAULT_PATH.read_text(encoding="utf-8")


def edited(tmp_path, replacements: dict[str, str], append: str = "", name: str = "rulebook.yaml"):
    """A copy of the default rulebook with some text replaced (each replacement must apply once)."""
    text = SOURCE
    for old, new in replacements.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text + append, encoding="utf-8")
    return path


def test_default_rulebook_loads_and_covers_every_check():
    book = load()
    assert set(book.data["checks"]) == set(CHECKS) == set(CHECK_SCHEMAS)


def _rules(node, where=()):
    """Every mapping with a citation, with its path."""
    if isinstance(node, dict):
        if "citation" in node:
            yield where, node
        for key, value in node.items():
            yield from _rules(value, where + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _rules(value, where + (i,))


def test_every_rule_has_a_citation_a_verification_level_and_a_known_source():
    data = yaml.safe_load(SOURCE)
    cited = list(_rules({k: v for k, v in data.items() if k != "sources"}))
    assert len(cited) > 60
    for where, rule in cited:
        assert rule["citation"].strip(), where
        if where[-1] != "deduction":
            assert rule["source"] in data["sources"], where
    for name, check in data["checks"].items():
        assert check["verification"] in rulebook.VERIFICATIONS, name
        assert check["deduction"]["verification"] == "UNVERIFIED", name  # 19号's points were not found
    for key in ("types", "site_veto"):
        for name, rule in data["checks"]["column_stale"][key].items():
            assert rule["verification"] and rule["citation"], (key, name)
    categories = data["checks"]["art20_category_missing"]["categories"]
    assert [k for k in categories if k.startswith("art20_")] == [f"art20_{n:02d}" for n in range(1, 16)]
    assert all(categories[k]["verification"] == "VERIFIED" for k in categories)
    assert data["sources"]["gbmh_2019_19"]["verification"] == "VERIFIED-2nd"


def test_thresholds_of_the_issue_are_in_the_yaml():
    checks = yaml.safe_load(SOURCE)["checks"]
    stale = checks["column_stale"]["types"]
    assert {t: stale[t]["threshold_days"] for t in stale} == \
        {"news": 14, "notice": 183, "policy": 183, "personnel": 365, "planning": 365}
    assert stale["personnel"]["soft"] and stale["planning"]["soft"]
    assert checks["homepage_stale"]["threshold_days"] == 14
    assert checks["column_stale"]["site_veto"]["timely"]["min_count"] == 5
    assert checks["column_stale"]["site_veto"]["long_stale"]["min_count"] == 10
    assert checks["column_empty"]["site_veto"]["blank"]["min_count"] == 5
    assert (checks["site_unreachable"]["timeout_seconds"], checks["site_unreachable"]["veto_share"]) == (15, 0.05)
    assert set(checks["mandatory_column_missing"]["columns"]) == {"guide", "system", "statutory", "annual_report"}


BAD = [
    ("unknown key", {"    portal_severity: deduct": "    portal_severity: deduct\n    treshold_days: 3"},
     r"checks\.homepage_stale\.treshold_days: 未知键"),
    ("bad number", {"        threshold_days: 14\n": "        threshold_days: fourteen\n"},
     r"checks\.column_stale\.types\.news\.threshold_days: 须为正整数 .* 'fourteen'"),
    ("bad severity", {"    severity: veto\n    portal_severity": "    severity: fatal\n    portal_severity"},
     r"checks\.homepage_stale\.severity: 取值 'fatal' 无效"),
    ("bad verification", {"        citation: 条例第二十条第（七）项「财政预算、决算信息」\n        verification: VERIFIED":
                          "        citation: 条例第二十条第（七）项「财政预算、决算信息」\n        verification: sure"},
     r"categories\.art20_07\.verification: 取值 'sure' 无效"),
    ("missing citation", {"      blank:\n        min_count: 5\n        source: gbmh_2019_19\n        citation: 国办秘函〔2019〕19号 单项否决指标「栏目不更新」第3项：「空白栏目数量超过（含）5个」\n":
                          "      blank:\n        min_count: 5\n        source: gbmh_2019_19\n"},
     r"checks\.column_empty\.site_veto\.blank: 缺少键 'citation'"),
    ("unknown source", {"    source: seed_003\n": "    source: seed_999\n"},
     r"scoring\.bands\.source: 未知来源 'seed_999'"),
    ("unknown column type", {"    exclude_types: [statutory]": "    exclude_types: [statutary]"},
     r"checks\.column_empty\.exclude_types: 列表元素 'statutary': 未知栏目类型"),
    ("bad due date", {'      due: "03-31"\n      source: tiaoli_2007': '      due: "3月31日"\n      source: tiaoli_2007'},
     r"annual_reports\.deadlines\.2008-2018\.due: 须为 MM-DD"),
    ("overlapping years", {'    "2019-":\n      due: "03-31"\n      source: tiaoli_2019': '    "2018-":\n      due: "03-31"\n      source: tiaoli_2019'},
     r"annual_reports\.deadlines\.2018-: 与 '2008-2018' 的年份重叠"),
    ("override bad level", {"  - match: {level: 乡镇}": "  - match: {level: 镇}"},
     r"overrides\[2\]\.match\.level: 取值 '镇' 无效"),
    ("override unknown check", {"      category_imbalance: {enabled: false}": "      category_balance: {enabled: false}"},
     r"overrides\[2\]\.checks\.category_balance: 未知键"),
    ("override bad value", {"          art20_03: {required: true}": "          art20_03: {required: yes please}"},
     r"overrides\[1\]\.checks\.art20_category_missing\.categories\.art20_03\.required: 须为 true 或 false"),
    ("duplicate key", {"  item_removed:\n": "  slow_page:\n    enabled: true\n  item_removed:\n"},
     r"checks\.slow_page: 键重复"),
]


@pytest.mark.parametrize("name, replacements, pattern", BAD, ids=[b[0] for b in BAD])
def test_bad_rulebooks_are_refused_with_the_key_and_line(tmp_path, name, replacements, pattern):
    path = edited(tmp_path, replacements)
    with pytest.raises(RulebookError) as caught:
        load(path)
    message = str(caught.value)
    assert re.search(pattern, message), message
    assert message.startswith(f"{path}:")
    line = re.match(rf"{re.escape(str(path))}:(\d+): ", message)
    assert line, message
    assert int(line.group(1)) in range(1, len(path.read_text(encoding="utf-8").splitlines()) + 1)


def test_error_line_points_at_the_bad_value(tmp_path):
    path = edited(tmp_path, {"        threshold_days: 14\n": "        threshold_days: -1\n"})
    with pytest.raises(RulebookError) as caught:
        load(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[caught.value.line - 1].strip() == "threshold_days: -1"


def test_a_required_category_needs_types_or_keywords_after_overrides(tmp_path):
    path = edited(tmp_path, {}, append="""
  - match: {agency: qingchuan-swj}
    checks:
      art20_category_missing:
        categories:
          art20_15: {required: true}
""")
    with pytest.raises(RulebookError, match=r"art20_15: 必需的类别须有 column_types 或 name_keywords .*合并 merged") as caught:
        load(path)   # the override alone is well-formed; the rules it produces are not
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[caught.value.line - 1].strip() == "- match: {agency: qingchuan-swj}"


def test_yaml_syntax_error_and_missing_file(tmp_path):
    path = edited(tmp_path, {"  site_unreachable:\n    enabled: true": "  site_unreachable:\n    enabled: [true"})
    with pytest.raises(RulebookError, match=r":\d+: YAML 语法错误"):
        load(path)
    with pytest.raises(RulebookError, match="规则手册文件不存在"):
        load(tmp_path / "none.yaml")


def test_overrides_apply_by_kind_level_then_agency(tmp_path):
    path = edited(tmp_path, {}, append="""
  - match: {agency: qingchuan-swj}
    reason: 该局公开承诺每月不少于120条
    checks:
      publishing_quota: {monthly_quota: 120}
      column_stale:
        types:
          news: {threshold_days: 7}
  - match: {level: 市}
    checks:
      column_stale:
        types:
          news: {threshold_days: 10}
""")
    book = load(path)
    agency = {"id": "qingchuan-swj", "level": "市", "kind": "部门"}
    rules = book.for_agency(agency)
    assert book.profile(agency) == (0, 4, 3)     # 部门, then 市, then the agency's own entry last
    assert rules["checks"]["column_stale"]["types"]["news"]["threshold_days"] == 7
    assert rules["checks"]["column_stale"]["types"]["news"]["citation"]   # merged, not replaced
    assert rules["checks"]["publishing_quota"]["monthly_quota"] == 120
    other = book.for_agency({"id": "qingchuan-fgw", "level": "市", "kind": "部门"})
    assert other["checks"]["column_stale"]["types"]["news"]["threshold_days"] == 10
    assert other["checks"]["publishing_quota"]["monthly_quota"] is None
    assert book.for_agency({"id": "x", "level": "县", "kind": "政府"})["checks"]["column_stale"]["types"]["news"][
        "threshold_days"] == 14
