"""The agency registry: YAML files a person edits, validated on load.

A file holds one agency (a mapping) or several (a list of mappings). Any problem stops the whole
file with one ``RegistryError`` naming the file, the line and the field, so nothing half-valid is
ever imported. The format is documented in README.md (登记册格式 / registry format).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .taxonomy import column_types
from .vocabulary import KINDS, LEVELS

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
_REGION = re.compile(r"^[1-8]\d{5}$")
_FIELDS = {
    "id", "name", "level", "kind", "region_code", "homepage", "portal", "parent", "columns",
    "render_js", "robots", "monthly_quota", "requires_internet", "notes",
}
_REQUIRED = ("id", "name", "level", "kind", "region_code", "homepage", "portal")


class RegistryError(ValueError):
    def __init__(self, path: str | Path, line: int | None, field_: str | None, message: str):
        self.path, self.line, self.field, self.message = str(path), line, field_, message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {field_ + ': ' if field_ else ''}{message}")


@dataclass(frozen=True)
class Column:
    name: str
    url: str
    type: str


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    level: str
    kind: str
    region_code: str
    homepage: str
    portal: str
    parent: str | None = None
    columns: tuple[Column, ...] = ()
    render_js: bool = False
    obey_robots: bool = True
    robots_reason: str | None = None
    monthly_quota: int | None = None
    requires_internet: bool = False
    notes: str | None = None
    source_file: str | None = field(default=None, compare=False)

    def as_row(self) -> dict:
        return {
            "id": self.id, "name": self.name, "level": self.level, "kind": self.kind,
            "region_code": self.region_code, "homepage": self.homepage, "portal": self.portal,
            "parent_id": self.parent, "render_js": int(self.render_js),
            "obey_robots": int(self.obey_robots), "robots_reason": self.robots_reason,
            "monthly_quota": self.monthly_quota, "requires_internet": int(self.requires_internet),
            "source_file": self.source_file,
        }


def load_file(path: str | Path) -> list[Agency]:
    """Every agency in one registry file, or ``RegistryError`` and none."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RegistryError(path, None, None, f"文件不是 UTF-8 编码 (file is not UTF-8): {exc.reason}")
    except OSError as exc:
        raise RegistryError(path, None, None, f"无法读取文件 (cannot read file): {exc.strerror}")
    try:
        root = yaml.compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.context_mark or exc.problem_mark  # where the broken construct starts
        raise RegistryError(path, mark.line + 1 if mark else None, None,
                            f"YAML 语法错误 (YAML syntax error): {exc.problem}")
    if root is None:
        raise RegistryError(path, None, None, "文件为空 (empty file: expected an agency or a list of agencies)")
    nodes = root.value if isinstance(root, yaml.SequenceNode) else [root]
    agencies, seen = [], {}
    for node in nodes:
        agency = _agency(path, node)
        if agency.id in seen:
            raise RegistryError(path, _line(node), "id",
                                f"重复的机构 id {agency.id!r} (duplicate id; first at line {seen[agency.id]})")
        seen[agency.id] = _line(node)
        agencies.append(agency)
    return agencies


def load_paths(paths: list[str | Path]) -> list[Agency]:
    """Agencies from files and directories (every ``*.yaml``/``*.yml`` inside, sorted)."""
    agencies: dict[str, Agency] = {}
    for path in _expand(paths):
        for agency in load_file(path):
            if agency.id in agencies:
                raise RegistryError(path, None, "id", f"机构 id {agency.id!r} 已在 {agencies[agency.id].source_file} 中定义 "
                                    "(id defined twice)")
            agencies[agency.id] = agency
    return list(agencies.values())


def _expand(paths: list[str | Path]) -> list[Path]:
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
        else:
            files.append(path)
    return files


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _agency(path: Path, node: yaml.Node) -> Agency:
    if not isinstance(node, yaml.MappingNode):
        raise RegistryError(path, _line(node), None, "每个机构必须是键值映射 (each agency must be a mapping)")
    values, lines = {}, {}
    for key_node, value_node in node.value:
        key = key_node.value
        if key not in _FIELDS:
            raise RegistryError(path, _line(key_node), key,
                                f"未知字段 (unknown field); allowed: {', '.join(sorted(_FIELDS))}")
        if key in values:
            raise RegistryError(path, _line(key_node), key, "字段重复 (field given twice)")
        values[key] = yaml.safe_load(yaml.serialize(value_node))
        lines[key] = _line(value_node)
        if isinstance(value_node, yaml.SequenceNode):
            lines.update({f"{key}[{i}]": _line(child) for i, child in enumerate(value_node.value)})
    check = _Checker(path, _line(node), values, lines)
    for name in _REQUIRED:
        check.present(name)
    check.matches("id", _ID, "须为小写字母、数字和连字符 (lowercase letters, digits and '-')")
    check.text("name")
    check.one_of("level", LEVELS)
    check.one_of("kind", KINDS)
    if isinstance(values.get("region_code"), int):
        values["region_code"] = str(values["region_code"])
    check.matches("region_code", _REGION, "须为 6 位行政区划代码 (a 6-digit administrative division code)")
    check.url("homepage")
    check.url("portal")
    if "parent" in values:
        check.matches("parent", _ID, "须为另一机构的 id (the id of another agency)")
    render_js = check.boolean("render_js", False)
    requires_internet = check.boolean("requires_internet", False)
    quota = check.count("monthly_quota")
    obey, reason = check.robots()
    columns = check.columns()
    return Agency(
        id=values["id"], name=values["name"].strip(), level=values["level"], kind=values["kind"],
        region_code=values["region_code"], homepage=values["homepage"], portal=values["portal"],
        parent=values.get("parent"), columns=columns, render_js=render_js,
        obey_robots=obey, robots_reason=reason, monthly_quota=quota,
        requires_internet=requires_internet, notes=values.get("notes"), source_file=str(path),
    )


class _Checker:
    """Field checks for one agency mapping; each raises RegistryError at the field's line."""

    def __init__(self, path: Path, line: int, values: dict, lines: dict):
        self.path, self.line, self.values, self.lines = path, line, values, lines

    def fail(self, name: str, message: str, at: str | None = None):
        line = self.lines.get(at) or self.lines.get(name, self.line)
        raise RegistryError(self.path, line, name, message)

    def present(self, name: str) -> None:
        if self.values.get(name) in (None, ""):
            self.fail(name, "缺少必填字段 (required field missing)")

    def text(self, name: str) -> None:
        if not isinstance(self.values[name], str) or not self.values[name].strip():
            self.fail(name, "须为非空文本 (must be non-empty text)")

    def matches(self, name: str, pattern: re.Pattern, hint: str) -> None:
        value = self.values[name]
        if not isinstance(value, str) or not pattern.match(value):
            self.fail(name, f"取值 {value!r} 无效: {hint}")

    def one_of(self, name: str, choices: tuple[str, ...]) -> None:
        if self.values[name] not in choices:
            self.fail(name, f"取值 {self.values[name]!r} 无效, 应为 (must be one of): {' / '.join(choices)}")

    def url(self, name: str, value=None, at: str | None = None) -> str:
        value = self.values[name] if value is None else value
        parts = urlsplit(value) if isinstance(value, str) else None
        if not parts or parts.scheme not in ("http", "https") or not parts.netloc:
            self.fail(name, f"{value!r} 不是有效的 http(s) 网址 (not a valid http(s) URL)", at)
        return value

    def boolean(self, name: str, default: bool) -> bool:
        value = self.values.get(name, default)
        if not isinstance(value, bool):
            self.fail(name, f"须为 true 或 false (must be true or false), got {value!r}")
        return value

    def count(self, name: str) -> int | None:
        value = self.values.get(name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            self.fail(name, f"须为非负整数 (must be a whole number >= 0), got {value!r}")
        return value

    def robots(self) -> tuple[bool, str | None]:
        robots = self.values.get("robots")
        if robots is None:
            return True, None
        if not isinstance(robots, dict) or set(robots) - {"obey", "reason"}:
            self.fail("robots", "须为 {obey: true|false, reason: 文本} (must be a mapping of obey and reason)")
        obey = robots.get("obey", True)
        if not isinstance(obey, bool):
            self.fail("robots", "robots.obey 须为 true 或 false (must be true or false)")
        reason = robots.get("reason")
        if not obey and not (isinstance(reason, str) and reason.strip()):
            self.fail("robots", "不遵守 robots.txt 时必须写明理由 robots.reason (a reason is required to ignore robots.txt)")
        return obey, reason

    def columns(self) -> tuple[Column, ...]:
        columns = self.values.get("columns") or []
        if not isinstance(columns, list):
            self.fail("columns", "须为栏目列表 (must be a list of columns)")
        result = []
        for index, column in enumerate(columns):
            where = f"columns[{index}]"
            if not isinstance(column, dict) or set(column) - {"name", "url", "type"} or not column.get("url"):
                self.fail("columns", f"{where} 须包含 name, url, type (each column needs name, url and type)", where)
            type_ = column.get("type", "other")
            if type_ not in column_types():
                self.fail("columns", f"{where}.type {type_!r} 不是已知栏目类型 (unknown column type); "
                          f"known: {', '.join(column_types())}", where)
            url = self.url("columns", column["url"], where)
            result.append(Column(name=str(column.get("name") or type_), url=url, type=type_))
        return tuple(result)


def dump(agencies: list[dict]) -> str:
    """Registry YAML for a list of agency mappings (used by generated registries)."""
    return yaml.safe_dump(agencies, allow_unicode=True, sort_keys=False, width=100)
