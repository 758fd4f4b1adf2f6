"""One vocabulary: every place that shows a code's label takes it from core/vocabulary.py, and a test
fails where one disagrees (the Datasette metadata, the alert messages, the rulebook, the checks)."""

from __future__ import annotations

import re
import sqlite3

import yaml

from core import vocabulary
from core.vocabulary import CHECKS, EVENTS, FINDING_STATUSES, SEVERITIES
from dashboards.plugins.vocabulary import prepare_connection
from monitors import alerts
from monitors.checks import CHECKS as CHECK_FUNCTIONS
from monitors.rulebook import CHECK_SCHEMAS, load

from .conftest import ROOT

METADATA = ROOT / "dashboards" / "metadata.yml"
CJK = r"[\u4e00-\u9fff]+"
LABELLED = {**CHECKS, **SEVERITIES, **FINDING_STATUSES}


def test_every_check_has_a_label_a_rulebook_entry_and_a_function_of_its_name():
    assert [check.__name__ for check in CHECK_FUNCTIONS] == list(CHECKS)
    assert set(CHECK_SCHEMAS) == set(CHECKS) == set(load().data["checks"])
    assert all(label.zh and label.en for label in CHECKS.values())


def test_severity_rank_follows_the_declared_order():
    assert vocabulary.SEVERITY_RANK == {"info": 0, "deduct": 1, "veto": 2}


def code_label_pairs(text: str) -> list[tuple[str, str]]:
    """Every place the text shows a vocabulary code next to a Chinese word: `veto 单项否决`,
    `单项否决 veto`, or SQL's `when 'veto' then '单项否决'`."""
    codes = "|".join(sorted(map(re.escape, LABELLED), key=len, reverse=True))
    pairs = re.findall(rf"\b({codes})\b\s+({CJK})", text)
    pairs += [(code, label) for label, code in re.findall(rf"({CJK})\s+\b({codes})\b", text)]
    pairs += re.findall(rf"when '({codes})' then '([^']*)'", text)
    return pairs


def test_the_metadata_shows_only_the_vocabulary_labels():
    text = METADATA.read_text(encoding="utf-8")
    pairs = code_label_pairs(text)
    assert ("veto", "单项否决") in pairs and ("open", "未解决") in pairs  # the scan reads the descriptions
    assert [(code, label) for code, label in pairs if LABELLED[code].zh != label] == []
    # labels in queries come from the plugin's SQL functions, not from CASE lists of codes
    assert re.findall(r"when '(?:%s)'" % "|".join(LABELLED), text) == []


def test_the_scan_catches_a_wrong_label():
    assert code_label_pairs("check_name: mandatory_column_missing 缺少必备栏目") == [
        ("mandatory_column_missing", "缺少必备栏目")]
    assert code_label_pairs("case f.severity when 'veto' then '否决' end") == [("veto", "否决")]


def test_the_metadata_queries_call_the_vocabulary_functions():
    """Every query of metadata.yml parses against the plugin's functions, and they give the labels."""
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    conn = sqlite3.connect(":memory:")
    prepare_connection(conn)
    assert conn.execute("SELECT check_label('mandatory_column_missing'), severity_label('veto'), "
                        "status_label('resolved'), event_label('opened'), severity_rank('deduct'), "
                        "column_type_label('guide'), check_label('no_such_check')").fetchone() == (
        "专栏缺少法定一级目录", "单项否决", "已解决", "新问题", 1, "政府信息公开指南 (disclosure guide)", "no_such_check")
    queries = [q["sql"] for q in metadata["databases"]["gkwatch"]["queries"].values()]
    uses = [sql for sql in queries if re.search(r"\b(check|severity|status)_label\(", sql)]
    charts = [c["query"] for d in metadata["plugins"]["datasette-dashboards"].values()
              for c in d.get("charts", {}).values() if "query" in c]
    uses += [sql for sql in charts if re.search(r"\b(check|severity|status)_label\(", sql)]
    assert len(uses) >= 4


def test_alert_messages_use_the_vocabulary_labels():
    event = {"event": "opened", "event_id": 7, "check_name": "mandatory_column_missing", "severity": "veto",
             "agency_name": "某市商务局", "agency_id": "a-swj", "subject": "政府信息公开指南",
             "message": "专栏缺少「政府信息公开指南」", "evidence": "{}", "citation": "国办秘函〔2019〕19号",
             "rule": "政府信息公开专栏缺少法定一级目录", "first_seen": "2026-12-07", "as_of": "2026-12-07"}
    title, body = alerts.single_message(event, "http://127.0.0.1:8001/f/1")
    assert title == "【政务公开监测】新问题：某市商务局 · 专栏缺少法定一级目录"
    assert body.splitlines()[:3] == ["新问题（单项否决）", "机构：某市商务局（a-swj）",
                                     "检查：专栏缺少法定一级目录（mandatory_column_missing）"]
    for check in ("report_balance", "item_removed"):   # every check has its label, the report_* ones too
        title, _ = alerts.single_message({**event, "check_name": check}, "")
        assert title.endswith(CHECKS[check].zh)
    digest_title, digest = alerts.digest_message([event, {**event, "event": "resolved", "event_id": 8}],
                                                 {7: "l7", 8: "l8"})
    assert digest.splitlines()[0] == "新问题 1 · 严重程度上升 0 · 重新出现 0 · 已解决 1"
    assert "1. [新问题·单项否决] 专栏缺少法定一级目录：政府信息公开指南" in digest
