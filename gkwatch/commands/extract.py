"""``gkwatch extract``: what the extractors see on one page, as JSON (like ``scrapy parse``)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from core.config import user_agent

from ..plumbing import Failed, UserError, command, config_of


@command("extract")
@click.argument("kind", type=click.Choice(["list", "detail", "report", "columns"]))
@click.argument("source", metavar="FILE_OR_URL")
@click.option("--url", "base_url", metavar="BASE", help="页面原网址, 用于解析相对链接 (the page's URL, to resolve relative links)")
@click.option("--encoding", metavar="ENC", help="强制编码 (force an encoding, e.g. gbk)")
@click.pass_context
def extract(ctx, kind, source, base_url, encoding):
    """调试提取 Print what the extractors see on one page, as JSON (like `scrapy parse`).

    \b
    list   → {"items": [{"title", "url", "date"}], "pagination": {"total_pages", "next"},
              "problem": null | "no_list" | "undated" | "scripted"}  (why the list was not read)
    detail → {"title", "published", "source", "publisher", "index_no", "doc_no", "attachments", "text",
              "privacy": [{"kind": "id_card" | "mobile", "masked", "where"}]}  (numbers masked in text too)
    report → {"year", "agency", "published", "format", "sections", "tables", "figures", "problems"}
             (problems: what could not be read, then what the checks judge wrong in the tables)
    columns → {"columns": [{"name", "url", "type", "parent"}]}: the page's 政务公开 columns in
             page order, each once: its disclosure navigation (the menu with 指南/制度/法定主动公开
             内容/年报, on other hosts too) as a tree, parent = the name of the column it is
             nested under or null, type = a column type of core/column_types.yaml; site-wide
             navigation, other agencies' sites, documents and pagers left out
    A FILE is read as bytes and decoded like the crawler does. Exit 4 when a URL cannot be fetched.
    """
    from extract import decode_html, extract_detail, extract_list
    from extract.discovery import page_columns

    body, content_type, url = _read_source(source, config_of(ctx))
    base_url = base_url or url
    if kind == "report":  # HTML, PDF, DOCX or plain text: detected from the bytes
        from extract import parse_report
        from monitors.checks.report_judge import judge

        report = parse_report(body, base_url, f"text/html; charset={encoding}" if encoding else content_type).to_json()
        report["problems"] += judge(report)   # what could not be read, then what the tables get wrong
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
        return
    html = body.decode(encoding, errors="replace") if encoding else decode_html(body, content_type)[0]
    if kind == "columns":
        click.echo(json.dumps({"columns": page_columns(html, base_url)}, ensure_ascii=False, indent=1))
        return
    result = extract_list(html, base_url) if kind == "list" else extract_detail(html, base_url)
    click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=1))


def _read_source(source: str, config) -> tuple[bytes, str | None, str]:
    if source.startswith(("http://", "https://")):
        import urllib.request

        request = urllib.request.Request(source, headers={"User-Agent": user_agent(config)})
        try:
            with urllib.request.urlopen(request, timeout=config.crawl.timeout) as response:
                return response.read(), response.headers.get("Content-Type"), response.url
        except OSError as exc:
            raise Failed(f"无法获取 {source} (cannot fetch): {exc}")
    path = Path(source)
    if not path.is_file():
        raise UserError(f"文件不存在 (no such file): {source}")
    return path.read_bytes(), None, path.resolve().as_uri()
