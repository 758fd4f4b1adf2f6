"""``gkwatch agencies``: validate, import, list and discover agencies."""

from __future__ import annotations

import json
from pathlib import Path

import click

from core.vocabulary import LEVELS

from ..plumbing import UserError, config_of, db_option, group, open_database


@group()
def agencies():
    """机构登记册 (agency registry): validate, import and list agencies."""


@agencies.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--update", is_flag=True,
              help="确认修改已导入机构的字段 (apply changes to agencies already in the database)")
@db_option
@click.pass_context
def agencies_import(ctx, paths, db_path, update):
    """导入 Validate registry YAML FILEs (or directories of them) and import their agencies.

    A file with any error is rejected whole, every error named with its file, line and field, and
    nothing is imported. New agencies are added; agencies already imported and unchanged are left as
    they are. An entry that changes an imported agency (homepage, portal, name, columns …) is shown
    field by field (old → new) and nothing at all is imported (exit 3) unless --update is given.
    Creates the database if there is none.
    """
    from storage.records import agency_changes, upsert_agencies

    found = _load(paths)
    db, path = open_database(ctx, db_path, create=True)
    db.conn.execute("BEGIN IMMEDIATE")   # compared and written under one lock: a crawl may be running
    try:
        known = {row[0] for row in db.conn.execute("SELECT id FROM agencies")}
        changes = agency_changes(db, found)
        if changes and not update:
            db.conn.rollback()
            for line in _change_lines(found, changes):
                click.echo(line, err=True)
            raise UserError(f"{len(changes)} 个已导入的机构有变化, 未导入任何内容; 确认请加 --update "
                            f"({len(changes)} imported agencies would change; nothing imported; "
                            f"re-run with --update to apply)")
        added = [a for a in found if a.id not in known]
        upsert_agencies(db, added + [a for a in found if a.id in changes])
    except BaseException:
        if db.conn.in_transaction:
            db.conn.rollback()
        raise
    if db.conn.in_transaction:
        db.conn.commit()
    for line in _change_lines(found, changes):
        click.echo(line)
    same = len(found) - len(added) - len(changes)
    click.echo(f"已导入 {len(found)} 个机构: 新增 {len(added)} · 更新 {len(changes)} · 未变 {same} "
               f"(imported {len(found)} agencies: added {len(added)}, updated {len(changes)}, "
               f"unchanged {same}) → {path}")


def _change_lines(found, changes) -> list[str]:
    """Per changed agency, a heading and one line per field: old → new."""
    names = {a.id: a.name for a in found}
    lines = []
    for agency_id, fields in changes.items():
        lines.append(f"机构有变化 (changed) {agency_id} {names[agency_id]}:")
        for field, old, new in fields:
            if field == "columns":
                lines += [f"  columns: − {n} {u} ({t})" for u, n, t in old]
                lines += [f"  columns: + {n} {u} ({t})" for u, n, t in new]
            else:
                lines.append(f"  {field}: {_shown(field, old)} → {_shown(field, new)}")
    return lines


def _shown(field: str, value) -> str:
    if value is None:
        return "(空 none)"
    if field in ("render_js", "robots.obey", "requires_internet"):
        return "true" if value else "false"
    return str(value)


@agencies.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def agencies_validate(paths):
    """检查 Check registry YAML files without importing them: every error of every file is listed
    (file:line, the entry's id in a list of agencies, the field); exit 3 when there is any."""
    found = _load(paths)
    click.echo(f"有效: {len(found)} 个机构 (valid: {len(found)} agencies)")


def _load(paths):
    """The agencies of ``paths``; any error → each on its own line, then exit 3."""
    from core.registry import RegistryErrors, load_paths

    try:
        return load_paths(list(paths))
    except RegistryErrors as exc:
        if len(exc.problems) == 1:
            raise UserError(str(exc))
        for problem in exc.problems:
            click.echo(f"错误 (error): {problem}", err=True)
        files = len({problem.path for problem in exc.problems})
        raise UserError(f"共 {len(exc.problems)} 处错误, 涉及 {files} 个文件 "
                        f"({len(exc.problems)} errors in {files} files)")


@agencies.command("list")
@db_option
@click.option("--json", "as_json", is_flag=True, help="输出 JSON (print JSON)")
@click.pass_context
def agencies_list(ctx, db_path, as_json):
    """列出 List the agencies in the database."""
    from storage.records import agencies as all_agencies

    db, _ = open_database(ctx, db_path, read_only=True)
    rows = all_agencies(db)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for row in rows:
        click.echo(f"{row['id']:<28} {row['level']:<5} {row['kind']:<3} {row['region_code']}  {row['name']}  {row['portal']}")
    click.echo(f"共 {len(rows)} 个机构 ({len(rows)} agencies)", err=True)


def _id_prefix(_ctx, _param, value: str) -> str:
    from core.registry import ID_PATTERN

    if value and not ID_PATTERN.match(f"{value.rstrip('-')}-x"):
        raise click.BadParameter(f"{value!r}: 须为小写字母、数字和连字符 (lowercase letters, digits and '-')")
    return value


@agencies.command("discover")
@click.argument("url")
@click.option("--level", type=click.Choice(LEVELS), required=True,
              help="该门户所属政府的层级 (level of the government whose portal this is)")
@click.option("--region-code", required=True, metavar="CODE", help="该政府的 6 位行政区划代码 (its region code)")
@click.option("--parent", metavar="ID", help="该政府在登记册中的 id, 写入各部门的 parent (registry id of this government)")
@click.option("--prefix", default="", metavar="TEXT", callback=_id_prefix,
              help="新机构 id 的前缀, 以连字符与拼音相接 (prefix of generated ids: --prefix hl gives hl-huailing…)")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="写入文件 (write YAML to FILE; default stdout)")
@click.pass_context
def agencies_discover(ctx, url, level, region_code, parent, prefix, output):
    """从政府门户生成登记册 Draft registry YAML from a government portal's lists of department and
    subordinate-government sites (市政府部门 / 区县政府 / 部门网站 blocks), for a person to review.

    Each listed site's homepage is fetched once (politely, robots.txt obeyed) to find its
    政府信息公开 portal; where none is found the homepage stands in and a note says so. Departments
    get --region-code; each subordinate government its own, from its homepage's 网站标识码
    (SiteIDCode), or an empty one to fill in when the homepage gives none (listed on stderr).
    Exit 4 when the portal cannot be fetched or lists no sites.
    """
    from ..discover_agencies import draft_registry

    text, unknown = draft_registry(url, level, region_code, parent, prefix, config_of(ctx))
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"已写入 written: {output}", err=True)
    else:
        click.echo(text, nl=False)
    if unknown:
        click.echo(f"region_code 未知, 已留空, 导入前请填写 (region code unknown, left empty: fill it in before "
                   f"importing) ({len(unknown)}): {', '.join(unknown)}", err=True)
