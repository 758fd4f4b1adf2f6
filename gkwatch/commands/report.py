"""``gkwatch report``: one agency's 监测报告 as HTML, PDF or Word, to attach to a letter."""

from __future__ import annotations

from pathlib import Path

import click

from ..plumbing import (Failed, UserError, command, config_of, day_option, db_option, exit_code_lines,
                        open_database, require_agencies)

FORMATS = ("html", "pdf", "docx")


@command("report", help=f"""监测报告 Write one agency's monitoring report (政务公开监测报告), in formal Chinese.

    The agency, the summary and grade, its open findings grouped by rule (each with its evidence,
    legal citation and since-when), the score history, its columns and their latest item, its annual
    reports and a note on the method. --as-of gives the state on a past day. The same report is
    served by `gkwatch serve` at /-/report/<agency id>. PDF is printed by Chromium ([crawl] chromium).

    \b
    退出码 Exit codes:
{exit_code_lines()}
    """)
@click.option("--agency", "agency_id", required=True, metavar="ID", help="机构 id (agency)")
@click.option("--as-of", callback=day_option, metavar="DATE",
              help="报告日期 (the state on this day, YYYY-MM-DD; default: the agency's latest check)")
@click.option("--format", "format_", type=click.Choice(FORMATS),
              help="格式 (default: from the output file's suffix, else html)")
@click.option("-o", "--output", required=True, metavar="FILE", help="输出文件 (output file)")
@db_option
@click.pass_context
def report_command(ctx, agency_id, as_of, format_, output, db_path):
    from dashboards.agency_report import PrintFailed, build_report, print_pdf, render_docx, render_html

    target = Path(output)
    format_ = format_ or (target.suffix[1:].lower() if target.suffix[1:].lower() in FORMATS else "html")
    if not target.parent.is_dir():
        raise UserError(f"输出目录不存在 (no such directory): {target.parent}")
    db, path = open_database(ctx, db_path, read_only=True)
    require_agencies(db, path, [agency_id], "先运行 gkwatch agencies import、crawl 和 check")
    report = build_report(db.conn, agency_id, as_of)
    db.close()
    try:
        if format_ == "docx":
            render_docx(report, target)
        elif format_ == "pdf":
            print_pdf(render_html(report), target, config_of(ctx).crawl.chromium)
        else:
            target.write_text(render_html(report), encoding="utf-8")
    except PrintFailed as exc:
        raise Failed(f"Chromium 无法打印 PDF (Chromium could not print the PDF): {exc}")
    except OSError as exc:
        raise UserError(f"无法写入 (cannot write) {target}: {exc.strerror or exc}")
    click.echo(f"{report.title} · 截至 as of {report.as_of} · 未解决问题 open findings {report.open_findings} · "
               f"{report.grade}: {target}")
