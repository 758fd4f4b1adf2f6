"""The sandbox's agencies: fictional names, real-world shapes, planted defects.

Every name here is invented (淮岭, 宣林, 南屿, 穗川, 元川, 武兴, 凤岭, 青石, 闽海, 莲川, 石川) so no real
agency is blamed for a planted defect. Each agency is modelled on a real one (see ``model`` below and the seed documents in tests/files/seeds).
Dates are fixed: the calendar never depends on the wall clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

LAUNCH = dt.date(2024, 1, 1)     # every sandbox site went live (and migrated its old reports) then
CALENDAR_END = dt.date(2030, 12, 31)
# The day after the tests' reference day (2026-11-22): 武兴 posts a back-dated item and 石川 reorganises its portal.
HISTORY_DAY = dt.date(2026, 11, 23)


@dataclass(frozen=True)
class ColumnSpec:
    ctype: str                   # canonical type (guide, system, statutory, ... other)
    name: str                    # the name as the site prints it
    slug: str
    children: tuple["ColumnSpec", ...] = ()
    js: str = "none"             # none | endpoint | render
    until: dt.date | None = None  # the column stops being updated after this day
    created: dt.date | None = None  # opened after the site launched
    empty: bool = False          # linked, but never had an item
    slow: bool = False           # its first page answers after ``slow_seconds``
    robots: bool = False         # disallowed by robots.txt
    removed: tuple[int, dt.date] | None = None  # (nth newest item on that day, removed_on)
    pinned: bool = False         # an old item 置顶 on top of the list
    broken_attachment: bool = False  # one item links an attachment that 404s
    # history plants (issue #17): what only a crawler that keeps every day's walk can see
    closed: dt.date | None = None  # the portal drops it that day: unlinked, its page 404s (its documents stay online)
    renamed: tuple[dt.date, str] | None = None  # (day, name): the same page carries a new name from that day
    moved: tuple[dt.date, str] | None = None    # (day, slug): the same column at a new address from that day
    backdated: tuple[dt.date, dt.date] | None = None  # (declared, posted): an item dated ``declared`` listed only from ``posted``
    uninterpreted: dt.date | None = None  # the first policy document on or after that day gets no 解读
    discloses: tuple[dt.date, str] | None = None  # (day, "page" | "attachment"): the first item on or after
    #   that day shows residents' ID and mobile numbers in its page or in a PDF attachment
    lookalikes: dt.date | None = None  # the first item on or after that day shows order, account and date numbers
    late_messages: tuple[tuple[dt.date, dt.date | None], ...] = ()  # a board's (asked, replied or never) answered late
    cadence: tuple[int, int] | None = None  # days between two items, instead of model.CADENCE (national sites)


@dataclass(frozen=True)
class AgencySpec:
    id: str
    name: str
    org: str                     # how the agency calls itself in titles (市商务局, 我局)
    level: str                   # 国务院部门 / 省 / 市 / 县 / 乡镇
    kind: str                    # 政府 / 部门
    region_code: str
    site_code: str               # 网站标识码
    city: str                    # place name used in titles
    domain: str                  # vocabulary: commerce / finance / government / town
    cms: str                     # trs / hanweb / table / js / haiyun / gkmlpt / powereasy
    encoding: str                # the body's real encoding
    model: str                   # which real agency (seed) it imitates, for the registry's notes
    columns: tuple[ColumnSpec, ...]
    variant: dict = field(default_factory=dict)  # CMS-family knobs
    parent: str | None = None
    departments: tuple[str, ...] = ()  # 市政府部门 block on the homepage
    counties: tuple[str, ...] = ()     # 区县政府 block on the homepage
    down: tuple[dt.date, dt.date] | None = None  # nothing listens on these days (inclusive)
    homepage_frozen: dt.date | None = None       # homepage blocks stopped refreshing after this day
    broken_nav: str | None = None      # a nav link to a path that 404s
    late_reports: dict = field(default_factory=dict)   # year -> published date after the deadline
    missing_reports: tuple[int, ...] = ()
    balance_error_year: int | None = None
    pdf_report_year: int | None = None
    report_title: str = "{name}{year}年政府信息公开工作年度报告"
    robots_extra: tuple[str, ...] = ()  # Disallow paths besides robots-flagged columns
    leaders: tuple[str, ...] = ()
    clean: bool = False                # no planted defect at all


def C(ctype, name, slug, *children, **kw) -> ColumnSpec:
    return ColumnSpec(ctype, name, slug, tuple(children), **kw)


D = dt.date

AGENCIES: tuple[AgencySpec, ...] = (
    AgencySpec(
        id="sb-huailing-gov", name="淮岭市人民政府", org="市政府", level="市", kind="政府",
        region_code="341900", site_code="3419000001", city="淮岭市", domain="government",
        cms="trs", encoding="utf-8", model="市人民政府门户（首页链接其部门与区县政府）",
        variant={"suffix": "html", "date_fmt": "iso"},
        departments=("sb-huailing-swj", "sb-huailing-czj"), counties=("sb-fengling-gov",),
        pdf_report_year=2022, leaders=("周建国", "李文斌", "孙晓东"),
        columns=(
            C("guide", "政府信息公开指南", "zfxxgkzn"),
            C("system", "政府信息公开制度", "zfxxgkzd"),
            C("statutory", "法定主动公开内容", "fdzdgknr",
              C("org", "机构职能", "jgzn"),
              C("leaders", "领导信息", "ldxx"),
              C("policy", "政策文件", "zcwj"),
              C("interpretation", "政策解读", "zcjd"),
              C("notice", "通知公告", "tzgg"),
              C("news", "政务要闻", "zwyw"),
              C("budget", "财政预决算", "czyjs"),
              C("planning", "发展规划", "fzgh", until=D(2025, 5, 20)),
              C("statistics", "统计信息", "tjxx", slow=True),
              C("personnel", "人事信息", "rsxx")),
            C("annual_report", "政府信息公开年报", "zfxxgknb"),
            C("interaction", "市长信箱", "szxx", created=D(2025, 9, 1), late_messages=((D(2026, 7, 14), None),)),
        ),
    ),
    AgencySpec(
        id="sb-huailing-swj", name="淮岭市商务局", org="市商务局", level="市", kind="部门",
        region_code="341900", site_code="3419000012", city="淮岭市", domain="commerce",
        cms="trs", encoding="utf-8", model="种子 000：淮南市商务局（拓尔思 TRS 静态站）",
        variant={"suffix": "html", "date_fmt": "iso"}, parent="sb-huailing-gov",
        leaders=("陈海峰", "王丽华", "刘志强"),
        columns=(
            C("guide", "信息公开指南", "xxgkzn"),
            C("system", "信息公开制度", "xxgkzd"),
            C("statutory", "法定主动公开内容", "fdzdgknr",
              C("org", "机构职能", "jgzn"),
              C("leaders", "领导信息", "ldxx"),
              C("policy", "规范性文件", "gfxwj"),
              C("notice", "通知公告", "tzgg", broken_attachment=True, discloses=(D(2026, 9, 1), "page")),
              C("news", "工作动态", "gzdt"),
              C("budget", "部门预决算", "bmyjs"),
              C("licensing", "行政许可", "xzxk", empty=True),
              C("penalty", "行政处罚", "xzcf"),
              C("other", "优化营商环境", "yhyshj")),
            C("annual_report", "政府信息公开工作年度报告", "ndbg"),
        ),
    ),
    AgencySpec(
        id="sb-huailing-czj", name="淮岭市财政局", org="市财政局", level="市", kind="部门",
        region_code="341900", site_code="3419000015", city="淮岭市", domain="finance",
        cms="trs", encoding="utf-8", model="无缺陷的对照机构：市财政局",
        variant={"suffix": "shtml", "date_fmt": "cn", "pager": "createPageHTML({pages}, {cur}, \"index\", \"shtml\")"},
        parent="sb-huailing-gov", leaders=("赵国栋", "何春燕"), clean=True,
        columns=(
            C("guide", "政府信息公开指南", "zfxxgkzn"),
            C("system", "政府信息公开制度", "zfxxgkzd"),
            C("statutory", "法定主动公开内容", "fdzdgknr",
              C("org", "机构职能", "jgzn"),
              C("leaders", "领导信息", "ldxx"),
              C("policy", "政策文件", "zcwj"),
              C("notice", "通知公告", "tzgg"),
              C("news", "财政动态", "czdt"),
              C("budget", "财政预决算", "czyjs"),
              C("procurement", "政府采购", "zfcg", lookalikes=D(2026, 9, 1)),
              C("personnel", "人事信息", "rsxx"),
              C("planning", "规划计划", "ghjh")),
            C("annual_report", "政府信息公开年报", "zfxxgknb"),
        ),
    ),
    AgencySpec(
        id="sb-xuanlin-swj", name="宣林市商务局", org="市商务局", level="市", kind="部门",
        region_code="342100", site_code="3421000008", city="宣林市", domain="commerce",
        cms="hanweb", encoding="utf-8", model="种子 001：宣城市商务局（大汉 JCMS）",
        variant={"webid": 31, "colbase": 41700}, homepage_frozen=D(2026, 10, 28),
        report_title="{name}{year}年度政务公开工作报告", leaders=("吴永刚", "徐秀英"),
        columns=(
            C("guide", "政府信息公开指南", "zn"),
            C("system", "政府信息公开制度", "zd"),
            C("statutory", "法定主动公开内容", "fdzdgk",
              C("org", "机构职能", "jgzn"),
              C("leaders", "领导信息", "ldxx"),
              C("policy", "政策文件", "zcwj", uninterpreted=D(2026, 8, 1)),
              C("notice", "通知公告", "tzgg", removed=(5, D(2026, 11, 10))),
              C("news", "部门动态", "bmdt"),
              C("budget", "财政资金", "czzj"),
              C("personnel", "人事任免", "rsrm"),
              C("interpretation", "政策解读", "zcjd")),
            C("annual_report", "政府信息公开年报", "nb"),
        ),
    ),
    AgencySpec(
        id="sb-nanyu-wjmj", name="南屿市对外贸易经济合作局", org="市外经贸局", level="县", kind="部门",
        region_code="350586", site_code="3505860021", city="南屿市", domain="commerce",
        cms="table", encoding="gbk", model="种子 002：南安市外经贸局（县级市，GBK 编码的旧 JSP 站）",
        variant={"style": "jsp", "date_cell": "iso", "gbk_meta": True}, broken_nav="/hdjl/index.jsp",
        leaders=("陈喆", "林镕", "王堃", "黄珺"),
        columns=(
            C("guide", "政府信息公开指南", "znb"),
            C("system", "政府信息公开制度", "zdb"),
            C("statutory", "法定主动公开内容", "fdzd",
              C("org", "机构职能", "jgzn"),
              C("leaders", "领导信息", "ldxx"),
              C("policy", "政策文件", "zcwj"),
              C("notice", "通知公告", "tzgg", until=D(2026, 4, 30), discloses=(D(2026, 3, 1), "attachment")),
              C("news", "工作动态", "gzdt"),
              C("budget", "部门预决算", "bmyjs"),
              C("licensing", "行政许可", "xzxk")),
            C("annual_report", "政府信息公开年报", "nb"),
        ),
    ),
    AgencySpec(
        id="sb-suichuan-jmw", name="穗川市经济贸易委员会", org="市经贸委", level="市", kind="部门",
        region_code="442100", site_code="4421000033", city="穗川市", domain="commerce",
        cms="trs", encoding="utf-8",
        model="种子 004：广州市经贸委（拓尔思 TRS 全表格布局，响应头误标 ISO-8859-1）",
        variant={"suffix": "htm", "date_fmt": "bracket", "layout": "table", "header_charset": "ISO-8859-1",
                 "pager": "createPageHTML({pages}, {cur}, \"index\", \"htm\", \"\", 20)"},
        balance_error_year=2023, report_title="{name}{year}年政府信息公开年报",
        robots_extra=("/search/",), leaders=("梁卫东", "郭红霞"),
        columns=(
            C("guide", "政府信息公开指南", "zfxxgkzn"),
            C("system", "政府信息公开制度", "zfxxgkzd"),
            C("statutory", "法定主动公开内容", "fdzdgknr",
              C("org", "机构职能", "jgzn"),
              C("leaders", "领导信息", "ldxx"),
              C("policy", "政策文件", "zcwj", until=D(2026, 3, 10)),
              C("notice", "通知公告", "tzgg"),
              C("news", "经贸动态", "jmdt"),
              C("budget", "部门预决算", "bmyjs"),
              C("penalty", "行政处罚", "xzcf", js="endpoint"),
              C("statistics", "统计信息", "tjxx", robots=True)),
            C("annual_report", "信息公开年报", "xxgknb"),
        ),
    ),
    AgencySpec(
        id="sb-yuanchuan-swj", name="元川县商务局", org="县商务局", level="县", kind="部门",
        region_code="530430", site_code="5304300006", city="元川县", domain="commerce",
        cms="js", encoding="utf-8", model="元江县商务局（集约化平台，列表由 JavaScript 绘制）",
        missing_reports=(2022,), report_title="{name}{year}年度政府信息公开工作报告",
        leaders=("罗立新", "高俊杰"),
        columns=(
            C("guide", "信息公开指南", "xxgkzn", js="endpoint"),
            C("system", "信息公开制度", "xxgkzd", js="endpoint"),
            C("statutory", "法定主动公开内容", "fdzdgknr",
              C("org", "机构职能", "jgzn", js="endpoint"),
              C("leaders", "领导信息", "ldxx", js="endpoint"),
              C("policy", "政策文件", "zcwj", js="endpoint"),
              C("notice", "通知公告", "tzgg", js="render"),
              C("news", "工作动态", "gzdt", js="endpoint"),
              C("personnel", "人事信息", "rsxx", js="endpoint", until=D(2025, 8, 1)),
              C("budget", "财政预决算", "czyjs", js="endpoint")),
            C("annual_report", "年度报告", "ndbg", js="endpoint"),
            C("interaction", "局长信箱", "jzxx", js="endpoint", created=D(2025, 9, 1),
              late_messages=((D(2026, 7, 2), None), (D(2026, 5, 20), D(2026, 9, 2)))),
        ),
    ),
    AgencySpec(
        id="sb-wuxing-swj", name="武兴区商务局", org="区商务局", level="县", kind="部门",
        region_code="510120", site_code="5101200017", city="武兴区", domain="commerce",
        cms="hanweb", encoding="utf-8", model="种子 003：成都市武侯区商务局（大汉 JCMS）",
        variant={"webid": 58, "colbase": 63200}, late_reports={2024: D(2025, 3, 20)},
        leaders=("杨明辉", "朱雪梅"),
        columns=(
            C("guide", "政府信息公开指南", "zn"),
            C("system", "政府信息公开制度", "zd"),
            C("statutory", "法定主动公开内容", "fdzdgk",
              C("org", "机构职能", "jgzn"),
              C("leaders", "领导信息", "ldxx"),
              C("policy", "政策文件", "zcwj"),
              C("notice", "通知公告", "tzgg"),
              C("news", "工作动态", "gzdt", until=D(2026, 10, 25), backdated=(D(2026, 11, 10), HISTORY_DAY)),
              C("budget", "部门预决算", "bmyjs"),
              C("interpretation", "政策解读", "zcjd", created=D(2026, 6, 1))),
            C("annual_report", "政府信息公开工作年度报告", "nb"),
        ),
    ),
    AgencySpec(
        id="sb-fengling-gov", name="凤岭县人民政府", org="县政府", level="县", kind="政府",
        region_code="341922", site_code="3419220001", city="凤岭县", domain="government",
        cms="table", encoding="utf-8", model="县人民政府（JSP 表格列表，日期写在标题格内）",
        variant={"style": "jsp", "date_cell": "in_title"}, down=(D(2026, 11, 12), D(2026, 11, 25)),
        leaders=("马文斌", "胡春燕", "张卫东"),
        columns=(
            C("guide", "政府信息公开指南", "zn"),
            C("system", "政府信息公开制度", "zd"),
            C("statutory", "法定主动公开内容", "fdzd",
              C("org", "机构职能", "jgzn"),
              C("leaders", "领导信息", "ldxx"),
              C("policy", "政策文件", "zcwj"),
              C("notice", "通知公告", "tzgg", pinned=True),
              C("news", "政务动态", "zwdt"),
              C("budget", "财政预决算", "czyjs"),
              C("planning", "规划计划", "ghjh"),
              C("procurement", "政府采购", "zfcg")),
            C("annual_report", "政府信息公开年报", "nb"),
        ),
    ),
    AgencySpec(
        id="sb-qingshi-zf", name="青石镇人民政府", org="镇政府", level="乡镇", kind="政府",
        region_code="341922", site_code="3419220105", city="青石镇", domain="town",
        cms="table", encoding="utf-8", model="乡镇人民政府（?page=N 列表，[月-日] 短日期）",
        variant={"style": "page", "date_cell": "short"}, report_title="{name}{year}年政府信息公开工作年度报告",
        leaders=("孙永刚", "林丽华"),
        columns=(
            C("guide", "信息公开指南", "xxgkzn"),
            C("statutory", "法定主动公开内容", "fdzdgknr",
              C("org", "机构职能", "jgzn"),
              C("leaders", "领导信息", "ldxx"),
              C("notice", "通知公告", "tzgg"),
              C("news", "工作动态", "gzdt"),
              C("budget", "财政资金", "czzj"),
              C("other", "乡村振兴", "xczx")),
            C("annual_report", "信息公开年报", "xxgknb"),
            C("interaction", "网上留言", "wsly", created=D(2025, 9, 1), late_messages=((D(2026, 6, 3), D(2026, 9, 18)),)),
        ),
    ),
    # The agencies after the first ten listen after the fault sites (127.0.0.42 on: model.address_index).
    AgencySpec(
        id="sb-minhai-swt", name="闽海省商务厅", org="省商务厅", level="省", kind="部门",
        region_code="350000", site_code="3500000031", city="闽海省", domain="commerce",
        cms="haiyun", encoding="utf-8", model="福建省直部门（省级集约化平台上的拓尔思海云站群，翻页走检索接口）",
        variant={"app": "mhdzapp", "search_id": 200300, "prepage": 10}, late_reports={2023: D(2024, 2, 26)},
        leaders=("郑立群", "黄秋萍", "林振宇"),
        columns=(
            C("guide", "政府信息公开指南", "zfxxgkzn"),
            C("system", "政府信息公开制度", "zfxxgkzd"),
            C("statutory", "法定主动公开内容", "fdzdgknr",
              C("org", "机构职能", "jgzn"),
              C("leaders", "领导信息", "ldxx"),
              C("policy", "政策文件", "zcwj"),
              C("interpretation", "政策解读", "zcjd"),
              C("notice", "通知公告", "tzgg", until=D(2026, 4, 15)),
              C("news", "工作动态", "gzdt"),
              C("budget", "部门预决算", "bmyjs"),
              C("licensing", "行政许可", "xzxk"),
              C("penalty", "行政处罚", "xzcf")),
            C("annual_report", "政府信息公开年报", "zfxxgknb"),
        ),
    ),
    AgencySpec(
        id="sb-lianchuan-gov", name="莲川区人民政府", org="区政府", level="县", kind="政府",
        region_code="442211", site_code="4422110001", city="莲川区", domain="government",
        cms="gkmlpt", encoding="utf-8", model="广东省区县人民政府（政府信息公开目录平台 gkmlpt）",
        variant={"sid": "755118", "catbase": 21300}, missing_reports=(2021,),
        leaders=("陈永辉", "刘晓燕", "梁国强"),
        columns=(
            C("guide", "政府信息公开指南", "zn"),
            C("system", "政府信息公开制度", "zd"),
            C("statutory", "法定主动公开内容", "fdzdgknr",
              C("org", "机构职能", "jgzn"),
              C("leaders", "领导信息", "ldxx"),
              C("policy", "政策文件", "zcwj"),
              C("interpretation", "政策解读", "zcjd"),
              C("notice", "通知公告", "tzgg"),
              C("news", "政务动态", "zwdt"),
              C("budget", "财政预决算", "czyjs"),
              C("planning", "规划计划", "ghjh"),
              C("licensing", "行政许可", "xzxk", empty=True),
              C("procurement", "政府采购", "zfcg")),
            C("annual_report", "政府信息公开年报", "nb"),
        ),
    ),
    AgencySpec(
        id="sb-shichuan-czj", name="石川县财政局", org="县财政局", level="县", kind="部门",
        region_code="331226", site_code="3312260014", city="石川县", domain="finance",
        cms="powereasy", encoding="utf-8", model="浙江县级部门（动易 SiteFactory，Category_N/Index.aspx）",
        variant={"catbase": 9}, late_reports={2024: D(2025, 2, 18)},
        leaders=("吴建平", "潘丽君"),
        columns=(
            C("guide", "信息公开指南", "zn"),
            C("system", "信息公开制度", "zd"),
            C("statutory", "法定主动公开内容", "fdzd",
              C("org", "机构职能", "jgzn"),
              C("leaders", "领导信息", "ldxx"),
              C("policy", "政策文件", "zcwj", until=D(2026, 3, 1)),
              C("notice", "通知公告", "tzgg", broken_attachment=True),
              C("news", "财政动态", "czdt", renamed=(HISTORY_DAY, "工作动态")),
              C("budget", "财政预决算", "czyjs", moved=(HISTORY_DAY, "czzj")),
              C("procurement", "政府采购", "zfcg", closed=HISTORY_DAY),
              C("other", "优化营商环境", "yhyshj", created=HISTORY_DAY)),
            C("annual_report", "政府信息公开年报", "nb"),
        ),
    ),
)
