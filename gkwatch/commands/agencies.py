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
@db_option
@click.pass_context
def agencies_import(ctx, paths, db_path):
    """导入 Validate registry YAML FILEs (or directories of them) and import their agencies.

    A file with any error is rejected whole, with the file, line and field named; nothing from it
    is imported. Re-importing updates agencies by id. Creates the database if there is none.
    """
    from storage.records import upsert_agencies

    found = _load(paths)
    db, path = open_database(ctx, db_path, create=True)
    count = upsert_agencies(db, found)
    click.echo(f"已导入 {count} 个机构 (imported {count} agencies) → {path}")


@agencies.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def agencies_validate(paths):
    """检查 Check registry YAML files without importing them (exit 3 on the first error)."""
    found = _load(paths)
    click.echo(f"有效: {len(found)} 个机构 (valid: {len(found)} agencies)")


def _load(paths):
    from core.registry import RegistryError, load_paths

    try:
        return load_paths(list(paths))
    except RegistryError as exc:
        raise UserError(str(exc))


@agencies.command("list")
@db_option
@click.option("--json", "as_json", is_flag=True, help="输出 JSON (print JSON)")
@click.pass_context
def agencies_list(ctx, db_path, as_json):
    """列出 List the agencies in the database."""
    from storage.records import agencies as all_agencies

    db, _ = open_database(ctx, db_path)
    rows = all_agencies(db)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for row in rows:
        click.echo(f"{row['id']:<28} {row['level']:<5} {row['kind']:<3} {row['region_code']}  {row['name']}  {row['portal']}")
    click.echo(f"共 {len(rows)} 个机构 ({len(rows)} agencies)", err=True)


@agencies.command("discover")
@click.argument("url")
@click.option("--level", type=click.Choice(LEVELS), required=True,
              help="该门户所属政府的层级 (level of the government whose portal this is)")
@click.option("--region-code", required=True, metavar="CODE", help="该政府的 6 位行政区划代码 (its region code)")
@click.option("--parent", metavar="ID", help="该政府在登记册中的 id, 写入各部门的 parent (registry id of this government)")
@click.option("--prefix", default="", metavar="TEXT", help="新机构 id 的前缀 (prefix for generated ids)")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="写入文件 (write YAML to FILE; default stdout)")
@click.pass_context
def agencies_discover(ctx, url, level, region_code, parent, prefix, output):
    """从政府门户生成登记册 Draft registry YAML from a government portal's lists of department and
    subordinate-government sites (市政府部门 / 区县政府 / 部门网站 blocks), for a person to review.

    Each listed site's homepage is fetched once (politely, robots.txt obeyed) to find its
    政府信息公开 portal; where none is found the homepage stands in and a note says so.
    Exit 4 when the portal cannot be fetched or lists no sites.
    """
    from ..discover_agencies import draft_registry

    text = draft_registry(url, level, region_code, parent, prefix, config_of(ctx))
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"已写入 written: {output}", err=True)
    else:
        click.echo(text, nl=False)
