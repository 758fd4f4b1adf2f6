"""The agency registry: YAML files a person edits, validated on load.

A file holds one agency (a mapping) or several (a list of mappings). A file with any problem is
rejected whole, so nothing half-valid is ever imported; every problem of every file read is named
(file, line, entry, field) in one ``RegistryErrors``, so a person fixes them all in one pass. The
format is documented in README.md (登记册格式 / registry format).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .taxonomy import column_types
from .vocabulary import KINDS, LEVELS

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
_REGION = re.compile(r"^[1-8]\d{5}$")
_FIELDS = {
    "id", "name", "level", "kind", "region_code", "homepage", "portal", "parent", "columns",
    "render_js", "robots", "monthly_quota", "requires_internet", "notes",
}
_REQUIRED = ("id", "name", "level", "kind", "region_code", "homepage", "portal")


class RegistryError(ValueError):
    """One problem: its file, line, field and message, and in a file listing several agencies the
    entry it is in (``entry``: that agency's id, when it has a usable one)."""

    def __init__(self, path: str | Path, line: int | None, field_: str | None, message: str,
                 entry: str | None = None):
        self.path, self.line, self.field, self.message, self.entry = str(path), line, field_, message, entry
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {f'[{entry}] ' if entry else ''}{field_ + ': ' if field_ else ''}{message}")


class RegistryErrors(RegistryError):
    """Every problem found (``problems``, in file and line order); as a RegistryError, the first."""

    def __init__(self, problems: list[RegistryError]):
        first = problems[0]
        super().__init__(first.path, first.line, first.field, first.message, first.entry)
        self.problems = problems
        self.args = ("\n".join(map(str, problems)),)


class _Invalid(Exception):
    """A field failed its check (already recorded): the checks that depend on it are skipped."""


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
    line: int | None = field(default=None, compare=False)   # where its entry starts in source_file

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
    """Every agency in one registry file, or ``RegistryErrors`` (every problem of the file) and none."""
    agencies, problems = _read_file(Path(path))
    if problems:
        raise RegistryErrors(problems)
    return agencies


def load_paths(paths: list[str | Path]) -> list[Agency]:
    """Agencies from files and directories (every ``*.yaml``/``*.yml`` inside, sorted), or
    ``RegistryErrors`` naming every problem of every file and none."""
    agencies: dict[str, Agency] = {}
    problems: list[RegistryError] = []
    for path in _expand(paths):
        found, wrong = _read_file(path)
        problems += wrong
        for agency in found:
            if agency.id in agencies:
                problems.append(RegistryError(path, agency.line, "id", f"机构 id {agency.id!r} 已在 "
                                              f"{agencies[agency.id].source_file} 中定义 (id defined twice)"))
            else:
                agencies[agency.id] = agency
    if problems:
        raise RegistryErrors(problems)
    return list(agencies.values())


def _read_file(path: Path) -> tuple[list[Agency], list[RegistryError]]:
    """(agencies, []) for a good file; ([], every problem) for a bad one."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return [], [RegistryError(path, None, None, f"文件不是 UTF-8 编码 (file is not UTF-8): {exc.reason}")]
    except OSError as exc:
        return [], [RegistryError(path, None, None, f"无法读取文件 (cannot read file): {exc.strerror}")]
    try:
        root = yaml.compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.context_mark or exc.problem_mark  # where the broken construct starts
        return [], [RegistryError(path, mark.line + 1 if mark else None, None,
                                  f"YAML 语法错误 (YAML syntax error): {exc.problem}")]
    if root is None:
        return [], [RegistryError(path, None, None, "文件为空 (empty file: expected an agency or a list of agencies)")]
    listed = isinstance(root, yaml.SequenceNode)
    agencies, problems, seen = [], [], {}
    for node in root.value if listed else [root]:
        agency, wrong = _agency(path, node, listed)
        problems += wrong
        id_ = _id_of(node)
        if id_ in seen:
            problems.append(RegistryError(path, _line(node), "id", f"重复的机构 id {id_!r} (duplicate id; "
                                          f"first at line {seen[id_]})", id_))
        elif id_:
            seen[id_] = _line(node)
        if agency:
            agencies.append(agency)
    return ([], problems) if problems else (agencies, [])


def _id_of(node: yaml.Node) -> str | None:
    """The id an entry gives, valid or not (for the duplicate check and for naming the entry)."""
    if not isinstance(node, yaml.MappingNode):
        return None
    ids = [value.value for key, value in node.value if key.value == "id" and isinstance(value, yaml.ScalarNode)]
    return ids[0] if ids else None


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


def _agency(path: Path, node: yaml.Node, listed: bool) -> tuple[Agency | None, list[RegistryError]]:
    """(the agency, []) or (None, every problem of its entry); in a list (``listed``) problems name
    the entry by its id."""
    if not isinstance(node, yaml.MappingNode):
        return None, [RegistryError(path, _line(node), None, "每个机构必须是键值映射 (each agency must be a mapping)")]
    values, lines = {}, {}
    entry = _id_of(node) if listed else None
    check = _Checker(path, _line(node), values, lines, entry)
    for key_node, value_node in node.value:
        key = key_node.value
        if key not in _FIELDS:
            check.problem(key, f"未知字段 (unknown field); allowed: {', '.join(sorted(_FIELDS))}", _line(key_node))
            continue
        if key in values:
            check.problem(key, "字段重复 (field given twice)", _line(key_node))
            continue
        values[key] = yaml.safe_load(yaml.serialize(value_node))
        lines[key] = _line(value_node)
        if isinstance(value_node, yaml.SequenceNode):
            lines.update({f"{key}[{i}]": _line(child) for i, child in enumerate(value_node.value)})
    for name in _REQUIRED:
        check.run(name, check.present)
    check.run("id", check.matches, ID_PATTERN, "须为小写字母、数字和连字符 (lowercase letters, digits and '-')")
    check.run("name", check.text)
    check.run("level", check.one_of, LEVELS)
    check.run("kind", check.one_of, KINDS)
    if isinstance(values.get("region_code"), int):
        values["region_code"] = str(values["region_code"])
    check.run("region_code", check.matches, _REGION, "须为 6 位行政区划代码 (a 6-digit administrative division code)")
    check.run("homepage", check.url)
    check.run("portal", check.url)
    if "parent" in values:
        check.run("parent", check.matches, ID_PATTERN, "须为另一机构的 id (the id of another agency)")
    render_js = check.run("render_js", check.boolean, False)
    requires_internet = check.run("requires_internet", check.boolean, False)
    quota = check.run("monthly_quota", check.count)
    obey, reason = check.run("robots", check.robots) or (True, None)
    columns = check.run("columns", check.columns)
    if check.problems:
        return None, check.problems
    return Agency(
        id=values["id"], name=values["name"].strip(), level=values["level"], kind=values["kind"],
        region_code=values["region_code"], homepage=values["homepage"], portal=values["portal"],
        parent=values.get("parent"), columns=columns, render_js=render_js,
        obey_robots=obey, robots_reason=reason, monthly_quota=quota,
        requires_internet=requires_internet, notes=values.get("notes"), source_file=str(path), line=_line(node),
    ), []


class _Checker:
    """Field checks for one agency mapping. Each problem is recorded at the field's line; a field
    that failed (or is missing) is not checked further."""

    def __init__(self, path: Path, line: int, values: dict, lines: dict, entry: str | None):
        self.path, self.line, self.values, self.lines, self.entry = path, line, values, lines, entry
        self.problems: list[RegistryError] = []
        self.failed: set[str] = set()

    def problem(self, name: str | None, message: str, line: int) -> None:
        self.problems.append(RegistryError(self.path, line, name, message, self.entry))

    def run(self, name: str, check, *args):
        """``check(name, *args)``, or None when the field already failed or fails now."""
        if name in self.failed:
            return None
        try:
            return check(name, *args)
        except _Invalid:
            self.failed.add(name)
            return None

    def fail(self, name: str, message: str, at: str | None = None):
        self.problem(name, message, self.lines.get(at) or self.lines.get(name, self.line))
        raise _Invalid

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

    def robots(self, name: str) -> tuple[bool, str | None]:
        robots = self.values.get(name)
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

    def columns(self, name: str) -> tuple[Column, ...]:
        columns = self.values.get(name) or []
        if not isinstance(columns, list):
            self.fail(name, "须为栏目列表 (must be a list of columns)")
        result, wrong = [], False
        for index, column in enumerate(columns):   # every bad column is named, not only the first
            try:
                result.append(self.column(name, f"{name}[{index}]", column))
            except _Invalid:
                wrong = True
        if wrong:
            raise _Invalid
        return tuple(result)

    def column(self, name: str, where: str, column) -> Column:
        if not isinstance(column, dict) or set(column) - {"name", "url", "type"} or not column.get("url"):
            self.fail(name, f"{where} 须包含 name, url, type (each column needs name, url and type)", where)
        type_ = column.get("type", "other")
        if type_ not in column_types():
            self.fail(name, f"{where}.type {type_!r} 不是已知栏目类型 (unknown column type); "
                      f"known: {', '.join(column_types())}", where)
        url = self.url(name, column["url"], where)
        return Column(name=str(column.get("name") or type_), url=url, type=type_)


def dump(agencies: list[dict]) -> str:
    """Registry YAML for a list of agency mappings (used by generated registries)."""
    return yaml.safe_dump(agencies, allow_unicode=True, sort_keys=False, width=100)
