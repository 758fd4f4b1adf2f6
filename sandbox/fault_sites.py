"""The fault agencies: twenty more fictional agencies, each a clean site of one of the sandbox's CMS
families with one fault (the soft-404 site has four) that a crawler meets on real government sites:
anti-bot challenges, WAF blocks, maintenance pages, outages, error pages served as 200, broken bodies.

They are served only when asked for (``Sandbox(as_of, faults=True)``), on 127.0.0.21 onwards (the
provincial platform one of them redirects a column to listens on the address after the last). Their
content is built like every sandbox site's (``model.build_site``), smaller: columns with dated items
open on 2026-06-01, so a crawl of all twenty stays quick. Without its fault each site has no defect
at all (tests/test_faults.py holds them to it); what the faults do is ``sandbox.faults``.

Names are invented, like the other sandbox agencies' (云梁, 泊阳, 江屿, 桐溪, 枫浦, 檀岭, 梧川, 芷湾).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from .agencies import AgencySpec, C

D = dt.date

# The days a fault run observes (one crawl and one check each): the soft-404 site takes an item down
# on the second; the maintenance window covers all three.
FAULT_DAYS = (D(2026, 11, 20), D(2026, 11, 21), D(2026, 11, 22))
MAINTENANCE = (D(2026, 11, 18), D(2026, 11, 25))
REMOVED_ON = FAULT_DAYS[1]
OPENED = D(2026, 6, 1)   # dated columns open then: a few dozen items per site, not hundreds


def _dated(ctype: str, name: str, slug: str, **kw):
    return C(ctype, name, slug, created=kw.pop("created", OPENED), **kw)


def trs_columns(news: str = "工作动态", budget: str = "财政预决算", **extra) -> tuple:
    """The 财政局 layout of the clean agency (淮岭市财政局), with fewer dated items; ``extra``: ColumnSpec
    keyword arguments by column type (``notice={"until": ...}``)."""
    return (
        C("guide", "政府信息公开指南", "zfxxgkzn"),
        C("system", "政府信息公开制度", "zfxxgkzd"),
        C("statutory", "法定主动公开内容", "fdzdgknr",
          C("org", "机构职能", "jgzn"),
          C("leaders", "领导信息", "ldxx"),
          _dated("policy", "政策文件", "zcwj", **extra.get("policy", {})),
          _dated("notice", "通知公告", "tzgg", **extra.get("notice", {})),
          _dated("news", news, "gzdt", **extra.get("news", {})),
          _dated("budget", budget, "czyjs", **extra.get("budget", {}))),
        C("annual_report", "政府信息公开年报", "zfxxgknb"),
    )


def hanweb_columns(news: str = "部门动态", other: str | None = None) -> tuple:
    children = [C("org", "机构职能", "jgzn"), C("leaders", "领导信息", "ldxx"),
                _dated("policy", "政策文件", "zcwj"), _dated("notice", "通知公告", "tzgg"),
                _dated("news", news, "bmdt"), _dated("budget", "部门预决算", "bmyjs")]
    if other:
        children.append(_dated("other", other, "zdly"))
    return (
        C("guide", "政府信息公开指南", "zn"),
        C("system", "政府信息公开制度", "zd"),
        C("statutory", "法定主动公开内容", "fdzdgk", *children),
        C("annual_report", "政府信息公开年报", "nb"),
    )


def table_columns(news: str = "政务动态") -> tuple:
    return (
        C("guide", "政府信息公开指南", "zn"),
        C("system", "政府信息公开制度", "zd"),
        C("statutory", "法定主动公开内容", "fdzd",
          C("org", "机构职能", "jgzn"),
          C("leaders", "领导信息", "ldxx"),
          _dated("policy", "政策文件", "zcwj"),
          _dated("notice", "通知公告", "tzgg"),
          _dated("news", news, "zwdt"),
          _dated("budget", "财政预决算", "czyjs")),
        C("annual_report", "政府信息公开年报", "nb"),
    )


def with_planning(columns: tuple) -> tuple:
    """A 规划计划 column under 法定主动公开内容: a 县级以上人民政府 publishes its plans (条例第二十条第（三）项)."""
    return tuple(dataclasses.replace(c, children=c.children + (_dated("planning", "规划计划", "ghjh"),))
                 if c.ctype == "statutory" else c for c in columns)


def _spec(id_, name, org, level, kind, region, code, city, domain, cms, columns, *, encoding="utf-8",
          variant=None, leaders=("王建华", "李春梅"), **kw) -> AgencySpec:
    if kind == "政府" and level != "乡镇":
        columns = with_planning(columns)
    return AgencySpec(id=id_, name=name, org=org, level=level, kind=kind, region_code=region, site_code=code,
                      city=city, domain=domain, cms=cms, encoding=encoding, model=kw.pop("model"),
                      columns=columns, variant=variant or {}, leaders=leaders, clean=True, **kw)


TRS = {"suffix": "html", "date_fmt": "iso"}

FAULT_AGENCIES: tuple[AgencySpec, ...] = (
    _spec("sb-f-yunliang-gov", "云梁市人民政府", "市政府", "市", "政府", "342900", "3429000001", "云梁市",
          "government", "trs", trs_columns("政务要闻"), variant=TRS, leaders=("郑国华", "冯晓明", "沈立群"),
          model="整站瑞数动态防护（HTTP 412 挑战页，浏览器执行脚本后带 Cookie 通过）"),
    _spec("sb-f-yunliang-swj", "云梁市商务局", "市商务局", "市", "部门", "342900", "3429000012", "云梁市",
          "commerce", "trs", trs_columns(), variant={"suffix": "shtml", "date_fmt": "cn"},
          model="仅政务公开专栏首页受瑞数防护"),
    _spec("sb-f-yunliang-czj", "云梁市财政局", "市财政局", "市", "部门", "342900", "3429000015", "云梁市",
          "finance", "hanweb", hanweb_columns("财政动态"), variant={"webid": 71, "colbase": 52100},
          model="仅两个栏目（政策文件、通知公告）受瑞数防护（大汉 JCMS）"),
    _spec("sb-f-boyang-gov", "泊阳市人民政府", "市政府", "市", "政府", "352900", "3529000001", "泊阳市",
          "government", "table", table_columns(), variant={"style": "page", "date_cell": "iso"},
          leaders=("黄志远", "吴丽娟", "陈建军"), model="整站加速乐（HTTP 521，__jsl_clearance Cookie）"),
    _spec("sb-f-boyang-swj", "泊阳市商务局", "市商务局", "市", "部门", "352900", "3529000012", "泊阳市",
          "commerce", "trs", trs_columns(), variant=TRS, model="安全狗网站防火墙拦截页（HTTP 403）"),
    _spec("sb-f-boyang-czj", "泊阳市财政局", "市财政局", "市", "部门", "352900", "3529000015", "泊阳市",
          "finance", "hanweb", hanweb_columns("财政动态"), variant={"webid": 72, "colbase": 52700},
          model="云锁 CC 防护：访问过快即以 200 返回「网站防火墙」拦截页"),
    _spec("sb-f-jiangyu-gov", "江屿县人民政府", "县政府", "县", "政府", "362900", "3629000001", "江屿县",
          "government", "table", table_columns(), variant={"style": "jsp", "date_cell": "iso"},
          leaders=("刘海涛", "张秀英", "杨卫国"), model="政务公开专栏首页的第一次请求答 503，随即恢复"),
    _spec("sb-f-jiangyu-swj", "江屿县商务局", "县商务局", "县", "部门", "362900", "3629000012", "江屿县",
          "commerce", "trs", trs_columns(), variant=TRS,
          model="整站「系统维护中」（HTTP 200），2026-11-18 至 11-25"),
    _spec("sb-f-jiangyu-czj", "江屿县财政局", "县财政局", "县", "部门", "362900", "3629000015", "江屿县",
          "finance", "hanweb", hanweb_columns("财政动态"), variant={"webid": 73, "colbase": 53300},
          model="服务器停机约 20 秒（连接被拒绝），随后恢复"),
    _spec("sb-f-tongxi-gov", "桐溪区人民政府", "区政府", "县", "政府", "372900", "3729000001", "桐溪区",
          "government", "table", table_columns(), variant={"style": "jsp", "date_cell": "in_title"},
          leaders=("赵文博", "钱丽萍", "孙明亮"), model="首页 8 秒才答（抓取超时 5 秒）"),
    _spec("sb-f-tongxi-swj", "桐溪区商务局", "区商务局", "县", "部门", "372900", "3729000012", "桐溪区",
          "commerce", "trs", trs_columns(notice={"created": D(2026, 2, 10), "until": D(2026, 10, 31)}),
          variant=TRS, model="通知公告列表标签嵌套错乱（<a><b><font>…</a></b></font>，多余的 </div>）"),
    _spec("sb-f-tongxi-czj", "桐溪区财政局", "区财政局", "县", "部门", "372900", "3729000015", "桐溪区",
          "finance", "trs", trs_columns("财政动态", notice={"removed": (2, D(2026, 11, 21))}), variant=TRS,
          model="软 404：错误页以 200 返回（3 秒后跳回首页），栏目链接、撤下的信息、列出的信息和不存在的路径"),
    _spec("sb-f-fengpu-gov", "枫浦县人民政府", "县政府", "县", "政府", "382900", "3829000001", "枫浦县",
          "government", "hanweb", hanweb_columns("政务动态"), variant={"webid": 74, "colbase": 53900},
          leaders=("周振华", "吴海燕", "郑德明"), model="栏目链接重定向循环（A → B → A）"),
    _spec("sb-f-fengpu-swj", "枫浦县商务局", "县商务局", "县", "部门", "382900", "3829000012", "枫浦县",
          "commerce", "hanweb", hanweb_columns("部门动态", other="重点领域信息公开"),
          variant={"webid": 75, "colbase": 54500}, model="同一文件同时列在政策文件、通知公告和重点领域信息公开"),
    _spec("sb-f-fengpu-czj", "枫浦县财政局", "县财政局", "县", "部门", "382900", "3829000015", "枫浦县",
          "finance", "trs", trs_columns("财政动态"), variant=TRS, model="通知公告列表页传到一半连接被重置"),
    _spec("sb-f-tanling-zf", "檀岭镇人民政府", "镇政府", "乡镇", "政府", "372901", "3729010105", "檀岭镇",
          "town", "table", table_columns("工作动态"), variant={"style": "page", "date_cell": "iso"},
          leaders=("林永强", "何丽华"), model="一篇政策文件正文嵌入图片，页面 20 MB"),
    _spec("sb-f-wuchuan-swj", "梧川市商务局", "市商务局", "市", "部门", "392900", "3929000012", "梧川市",
          "commerce", "table", table_columns("工作动态"), encoding="gbk",
          variant={"style": "jsp", "date_cell": "iso", "gbk_meta": True},
          model="编码说谎：响应头 charset=utf-8，页面 meta 为 gbk，正文实为 GBK"),
    _spec("sb-f-wuchuan-czj", "梧川市财政局", "市财政局", "市", "部门", "392900", "3929000015", "梧川市",
          "finance", "trs", trs_columns("财政动态"), variant=TRS,
          model="政策文件栏目 302 跳转到省级集约化平台（另一主机）"),
    _spec("sb-f-wuchuan-gov", "梧川市人民政府", "市政府", "市", "政府", "392900", "3929000001", "梧川市",
          "government", "hanweb", hanweb_columns("政务动态"), variant={"webid": 76, "colbase": 55100},
          leaders=("何振东", "曹丽华", "彭立新"), model="通知公告栏目只有一个登录表单（「用户登录」）"),
    _spec("sb-f-zhiwan-zf", "芷湾镇人民政府", "镇政府", "乡镇", "政府", "392901", "3929010107", "芷湾镇",
          "town", "table", table_columns("工作动态"), variant={"style": "page", "date_cell": "iso"},
          leaders=("谢国平", "田秀兰"), model="通知公告列表页正文短于 Content-Length（被截断）"),
)
