"""The rulebook: ``monitors/rulebook.yaml`` loaded, validated and resolved for one agency.

The YAML is data a person edits, so every problem is reported as one ``RulebookError`` naming the
file, the line and the key path (``checks.column_stale.types.news.threshold_days``), never with a
traceback. Every rule must carry ``citation`` and ``verification`` (VERIFIED / VERIFIED-2nd /
UNVERIFIED) and name a ``source`` listed under ``sources``.

Overrides change values for the agencies they ``match`` (by ``level``, ``kind`` and ``agency`` id;
each a value or a list). They apply in file order, those naming an agency last, and merge key by
key: a mapping merges into the mapping it overrides, anything else replaces.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping

import yaml

from core.taxonomy import column_types
from core.vocabulary import KINDS, LEVELS, SEVERITIES

DEFAULT_PATH = Path(__file__).with_name("rulebook.yaml")
VERIFICATIONS = ("VERIFIED", "VERIFIED-2nd", "UNVERIFIED")
_YEAR_RANGE = re.compile(r"^(\d{4})-(\d{4})?$")
_MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class RulebookError(ValueError):
    def __init__(self, path: str | Path, line: int | None, key: str | None, message: str):
        self.path, self.line, self.key, self.message = str(path), line, key, message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {key + ': ' if key else ''}{message}")


# Validators: each returns None when the value is fine, else the complaint (Chinese, then English).

Check = Callable[[Any], "str | None"]


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def pos_int(v):
    return None if _is_int(v) and v > 0 else f"须为正整数 (must be a positive integer), got {v!r}"


def nonneg_int(v):
    return None if _is_int(v) and v >= 0 else f"须为非负整数 (must be a non-negative integer), got {v!r}"


def pos_number(v):
    return None if _is_number(v) and v > 0 else f"须为正数 (must be a positive number), got {v!r}"


def nonneg_number(v):
    return None if _is_number(v) and v >= 0 else f"须为非负数 (must be a non-negative number), got {v!r}"


def fraction(v):
    return None if _is_number(v) and 0 < v <= 1 else f"须为 0 到 1 之间的比例 (must be a share in (0, 1]), got {v!r}"


def boolean(v):
    return None if isinstance(v, bool) else f"须为 true 或 false (must be true or false), got {v!r}"


def text(v):
    return None if isinstance(v, str) and v.strip() else f"须为非空文本 (must be non-empty text), got {v!r}"


def year(v):
    return None if _is_int(v) and 2000 <= v <= 2100 else f"须为年份 (must be a year), got {v!r}"


def severity(v):
    return None if v in SEVERITIES else f"取值 {v!r} 无效, 应为 (must be one of) {', '.join(SEVERITIES)}"


def verification(v):
    return None if v in VERIFICATIONS else f"取值 {v!r} 无效, 应为 (must be one of) {', '.join(VERIFICATIONS)}"


def month_day(v):
    return None if isinstance(v, str) and _MONTH_DAY.match(v) else f"须为 MM-DD 日期 (must be MM-DD), got {v!r}"


def column_type(v):
    known = column_types()
    return None if v in known else f"未知栏目类型 {v!r} (unknown column type); known: {', '.join(known)}"


def optional(check: Check) -> Check:
    return lambda v: None if v is None else check(v)


def list_of(check: Check) -> Check:
    def validate(v):
        if not isinstance(v, list):
            return f"须为列表 (must be a list), got {v!r}"
        for element in v:
            problem = check(element)
            if problem:
                return f"列表元素 {element!r}: {problem}"
        return None
    return validate


def one_or_list(choices: tuple[str, ...] | None) -> Check:
    def validate(v):
        values = v if isinstance(v, list) else [v]
        if not values:
            return "不能为空列表 (must not be empty)"
        for value in values:
            if not isinstance(value, str) or (choices and value not in choices):
                allowed = f"; 应为 (one of) {', '.join(choices)}" if choices else ""
                return f"取值 {value!r} 无效 (invalid){allowed}"
        return None
    return validate


@dataclass
class Fields:
    """A mapping with known keys; ``rule=True`` adds source, citation and verification."""
    required: dict[str, Any]
    optional: dict[str, Any] = field(default_factory=dict)
    rule: bool = False

    def keys(self) -> tuple[dict, dict]:
        required, optional_ = dict(self.required), dict(self.optional)
        if self.rule:
            required.update(citation=text, verification=verification)
            optional_.update(source=text)
        return required, optional_


@dataclass
class MapOf:
    """A mapping whose keys the user chooses (column types, category keys, year ranges)."""
    value: Any
    key: Check = text


def _key_matches(pattern: re.Pattern, what: str) -> Check:
    return lambda k: None if isinstance(k, str) and pattern.match(k) else f"键 {k!r} 无效 (invalid key): {what}"


DEDUCTION = Fields({"points": nonneg_number, "cap": nonneg_number, "verification": verification, "citation": text})


def _check(required: dict | None = None, optional_: dict | None = None) -> Fields:
    return Fields({"enabled": boolean, "severity": severity, "rule": text, "deduction": DEDUCTION, **(required or {})},
                  optional_ or {}, rule=True)


SITE_VETO = Fields({"min_count": pos_int}, {"types": list_of(column_type)}, rule=True)
COUNTING = Fields({}, rule=True)   # how a fetch-based check counts observations: a note with its own citation
CHECK_SCHEMAS = {
    "site_unreachable": _check({"timeout_seconds": pos_number, "period_days": pos_int, "min_probes_per_day": pos_int,
                                "veto_share": fraction, "counting": COUNTING}),
    "homepage_stale": _check({"threshold_days": pos_int, "portal_severity": severity}),
    "column_stale": _check({
        "undated_is_stale": boolean,
        "types": MapOf(Fields({"threshold_days": pos_int}, {"soft": boolean, "severity": severity}, rule=True),
                       key=column_type),
        "site_veto": MapOf(SITE_VETO, key=_key_matches(_KEY, "小写字母、数字、下划线 (lowercase, digits, _)")),
    }, {"undated_citation": text}),
    "column_empty": _check({
        "exclude_types": list_of(column_type),
        "site_veto": MapOf(SITE_VETO, key=_key_matches(_KEY, "小写字母、数字、下划线 (lowercase, digits, _)")),
    }),
    "mandatory_column_missing": _check({
        "columns": MapOf(Fields({"name": text, "required": boolean}, rule=True), key=column_type),
    }),
    "art20_category_missing": _check({
        "categories": MapOf(
            Fields({"name": text, "required": boolean, "column_types": list_of(column_type),
                    "name_keywords": list_of(text)}, rule=True),
            key=_key_matches(_KEY, "小写字母开头、小写字母数字下划线 (lowercase, digits, _)")),
    }),
    "annual_report_missing": _check(),
    "annual_report_late": _check(),
    "broken_link": _check(optional_={"scope": text}),
    "item_removed": _check(),
    "item_backdated": _check({"grace_days": nonneg_int, "grace_citation": text}),
    "privacy_leak": _check(),
    "column_changed": _check(),
    "message_unanswered": _check({"threshold_days": pos_int, "period_days": pos_int}),
    "interpretation_missing": _check({"period_days": pos_int, "since": text, "title_pattern": text}),
    "slow_page": _check({"threshold_seconds": pos_number, "counting": COUNTING}),
    "publishing_quota": _check({"monthly_quota": optional(pos_int), "months": pos_int}),
    "report_balance": _check(),
    "report_sections_missing": _check(),
    "report_sum_mismatch": _check(),
    "report_impossible_value": _check(),
    "report_claim_mismatch": _check({"tolerance_ratio": fraction, "tolerance_items": nonneg_int}),
    "category_imbalance": _check({
        "window_days": pos_int, "crowding_types": list_of(column_type), "crowded_types": list_of(column_type),
        "min_crowding_items": nonneg_int, "min_ratio": fraction,
    }),
}
BODY = {
    "observations": Fields({"min_failing": pos_int, "conclusive_statuses": list_of(pos_int)}, rule=True),
    "checks": Fields(CHECK_SCHEMAS),
    "annual_reports": Fields({
        "first_year": year, "lookback_years": pos_int,
        "deadlines": MapOf(Fields({"due": month_day}, rule=True),
                           key=_key_matches(_YEAR_RANGE, "须为 YYYY-YYYY 或 YYYY- (a range of report years)")),
    }, rule=True),
    "scoring": Fields({
        "model": text, "base": pos_number, "pass_score": nonneg_number,
        "bands": Fields({"grades": list_of(lambda g: _band(g))}, rule=True),
    }, rule=True),
}
MATCH = Fields({}, {"level": one_or_list(LEVELS), "kind": one_or_list(KINDS), "agency": one_or_list(None)})
OVERRIDE_KEYS = {"match", "reason", *BODY}
SOURCE = Fields({"title": text, "verification": verification}, {"url": text, "verified_in": text})


def _band(g) -> str | None:
    if not isinstance(g, dict) or set(g) != {"min", "grade"}:
        return "须为 {min: 分数, grade: 等次} (must be {min, grade})"
    return nonneg_number(g["min"]) or text(g["grade"])


# Loading ----------------------------------------------------------------------------------------

def _compose(path: Path, source: str) -> tuple[Any, dict[tuple, int]]:
    """Python data from YAML, with the line of every key path; duplicate keys are errors."""
    try:
        root = yaml.compose(source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise RulebookError(path, mark.line + 1 if mark else None, None, f"YAML 语法错误 (YAML syntax error): {exc.problem}")
    if root is None:
        raise RulebookError(path, None, None, "文件为空 (empty rulebook)")
    lines: dict[tuple, int] = {}

    def build(node, where: tuple):
        lines.setdefault(where, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            out = {}
            for key_node, value_node in node.value:
                key = yaml.safe_load(yaml.serialize(key_node))
                if key in out:
                    raise RulebookError(path, key_node.start_mark.line + 1, _dotted(where + (key,)),
                                        "键重复 (key given twice)")
                lines[where + (key,)] = key_node.start_mark.line + 1
                out[key] = build(value_node, where + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [build(child, where + (i,)) for i, child in enumerate(node.value)]
        return yaml.safe_load(yaml.serialize(node))

    return build(root, ()), lines


def _dotted(where: tuple) -> str:
    out = ""
    for part in where:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass
class Rulebook:
    path: Path
    data: dict
    lines: dict[tuple, int]
    _cache: dict[tuple, dict] = field(default_factory=dict, repr=False)

    # resolution ---------------------------------------------------------------------------------
    def profile(self, agency: Mapping) -> tuple[int, ...]:
        """Indexes of the overrides that apply to ``agency`` (a row with id, level, kind), in the
        order they apply."""
        general, specific = [], []
        for index, override in enumerate(self.data.get("overrides") or []):
            match = override["match"]
            if all(agency.get(key if key != "agency" else "id") in _as_list(wanted) for key, wanted in match.items()):
                (specific if "agency" in match else general).append(index)
        return tuple(general + specific)

    def for_agency(self, agency: Mapping) -> dict:
        """The rules for one agency: the base with every matching override merged in."""
        return self.resolve(self.profile(agency))

    def resolve(self, profile: tuple[int, ...]) -> dict:
        if profile not in self._cache:
            merged = {key: copy.deepcopy(self.data[key]) for key in BODY}
            merged["sources"] = self.data["sources"]
            for index in profile:
                override = self.data["overrides"][index]
                for key in BODY:
                    if key in override:
                        merged[key] = _merge(merged[key], override[key])
            if profile:
                note = " (合并 merged with " + "、".join(f"overrides[{i}]" for i in profile) + ")"
                at = ("overrides", profile[-1])
                for key in BODY:
                    _validate(self, merged[key], BODY[key], (key,), partial=False, note=note, at=at)
                _check_sources(self, merged, note=note, at=at)
            self._cache[profile] = merged
        return self._cache[profile]

    def source_title(self, key: str | None) -> str | None:
        return self.data["sources"].get(key, {}).get("title") if key else None

    def error(self, where: tuple, message: str, note: str = "", at: tuple | None = None) -> RulebookError:
        """An error about the key path ``where``, at the line of ``at`` (default: ``where``, or the
        nearest enclosing key that has a line)."""
        at = at or where
        line = None
        for cut in range(len(at), -1, -1):
            if at[:cut] in self.lines:
                line = self.lines[at[:cut]]
                break
        return RulebookError(self.path, line, _dotted(where) or None, message + note)


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _merge(base, override):
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for key, value in override.items():
            out[key] = _merge(base[key], value) if key in base else copy.deepcopy(value)
        return out
    return copy.deepcopy(override)


def _validate(book: Rulebook, value, schema, where: tuple, *, partial: bool, note: str = "",
              at: tuple | None = None) -> None:
    if isinstance(schema, Fields):
        if not isinstance(value, dict):
            raise book.error(where, f"须为键值映射 (must be a mapping), got {value!r}", note, at)
        required, optional_ = schema.keys()
        for key, sub in value.items():
            if key not in required and key not in optional_:
                known = ", ".join(sorted({*required, *optional_}))
                raise book.error(where + (key,), f"未知键 (unknown key); known: {known}", note, at)
            _validate(book, sub, required.get(key, optional_.get(key)), where + (key,), partial=partial, note=note, at=at)
        if not partial:
            for key in required:
                if key not in value:
                    raise book.error(where, f"缺少键 {key!r} (missing key)", note, at)
    elif isinstance(schema, MapOf):
        if not isinstance(value, dict):
            raise book.error(where, f"须为键值映射 (must be a mapping), got {value!r}", note, at)
        for key, sub in value.items():
            problem = schema.key(key)
            if problem:
                raise book.error(where + (key,), problem, note, at)
            _validate(book, sub, schema.value, where + (key,), partial=partial, note=note, at=at)
    else:
        problem = schema(value)
        if problem:
            raise book.error(where, problem, note, at)


def _check_sources(book: Rulebook, body: dict, note: str = "", at: tuple | None = None) -> None:
    sources = book.data["sources"]

    def walk(node, where):
        if isinstance(node, dict):
            if "source" in node and node["source"] not in sources:
                raise book.error(where + ("source",), f"未知来源 {node['source']!r} (unknown source); "
                                 f"known: {', '.join(sources)}", note, at)
            for key, value in node.items():
                walk(value, where + (key,))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, where + (i,))

    for key in BODY:
        walk(body.get(key), (key,))
    for key, category in body["checks"]["art20_category_missing"]["categories"].items():
        if category["required"] and not (category["column_types"] or category["name_keywords"]):
            raise book.error(("checks", "art20_category_missing", "categories", key),
                             "必需的类别须有 column_types 或 name_keywords (a required category needs column types or keywords)",
                             note, at)
    seen: list[tuple[int, int, str]] = []
    for key in body["annual_reports"]["deadlines"]:
        first, last = _year_range(key)
        for other_first, other_last, other in seen:
            if first <= other_last and other_first <= last:
                raise book.error(("annual_reports", "deadlines", key), f"与 {other!r} 的年份重叠 (overlaps {other!r})", note, at)
        seen.append((first, last, key))


def _year_range(key: str) -> tuple[int, int]:
    m = _YEAR_RANGE.match(key)
    return int(m.group(1)), int(m.group(2)) if m.group(2) else 9999


def load(path: str | Path | None = None) -> Rulebook:
    """The rulebook at ``path`` (default ``monitors/rulebook.yaml``), validated whole."""
    path = Path(path) if path else DEFAULT_PATH
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulebookError(path, None, None, "规则手册文件不存在 (rulebook file not found)")
    except UnicodeDecodeError as exc:
        raise RulebookError(path, None, None, f"文件不是 UTF-8 编码 (file is not UTF-8): {exc.reason}")
    data, lines = _compose(path, source)
    book = Rulebook(path=path, data=data, lines=lines)
    if not isinstance(data, dict):
        raise RulebookError(path, 1, None, "规则手册须为键值映射 (the rulebook must be a mapping)")
    top = Fields({"version": lambda v: None if v == 1 else f"只支持版本 1 (only version 1 is supported), got {v!r}",
                  "sources": MapOf(SOURCE), **BODY}, {"overrides": list_of(lambda o: None)})
    _validate(book, data, top, (), partial=False)
    for index, override in enumerate(data.get("overrides") or []):
        where = ("overrides", index)
        if not isinstance(override, dict):
            raise book.error(where, "每条覆盖须为键值映射 (each override must be a mapping)")
        if "match" not in override:
            raise book.error(where, "缺少 match (an override needs match: {level, kind, agency})")
        for key in override:
            if key not in OVERRIDE_KEYS:
                raise book.error(where + (key,), f"未知键 (unknown key); known: {', '.join(sorted(OVERRIDE_KEYS))}")
        _validate(book, override["match"], MATCH, where + ("match",), partial=False)
        if not override["match"]:
            raise book.error(where + ("match",), "match 不能为空 (match needs level, kind or agency)")
        if "reason" in override:
            _validate(book, override["reason"], text, where + ("reason",), partial=False)
        for key in BODY:
            if key in override:
                _validate(book, override[key], BODY[key], where + (key,), partial=True)
    _check_sources(book, data)
    # Every combination an override can produce is checked when first used; check the plain ones now.
    for index in range(len(data.get("overrides") or [])):
        book.resolve((index,))
    return book


@lru_cache(maxsize=4)
def _default_cached(mtime: float) -> Rulebook:
    return load(DEFAULT_PATH)


def default() -> Rulebook:
    return _default_cached(DEFAULT_PATH.stat().st_mtime)


def report_deadline(rules: dict, year_: int) -> tuple[str, dict] | None:
    """(YYYY-MM-DD, the deadline rule) for the report on ``year_``, from the resolved rules."""
    for key, rule in rules["annual_reports"]["deadlines"].items():
        first, last = _year_range(key)
        if first <= year_ <= last:
            return f"{year_ + 1}-{rule['due']}", rule
    return None
