"""政府信息公开工作年度报告: figures, the 2019 试行 and 2021 tables, and their HTML.

One ``ReportData`` is the single source for the page, the PDF and the manifest's ``cells``, so they
cannot disagree. Cell labels follow the manifest contract: labels as printed with whitespace removed,
multi-level headers joined with "/":
- ``active``: row ``第二十条第（一）项/规章``, col ``本年制发件数``;
- ``requests``: row ``三、本年度办理结果/（三）不予公开/1.属于国家秘密``, col ``申请人情况/法人或其他组织/商业企业``;
- ``review_litigation``: row ``""`` (the table has one unlabelled data row), col ``行政诉讼/复议后起诉/总计``.
A blank cell has value ``None``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

REVIEW_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
REVIEW_COLS = tuple(f"行政复议/{r}" for r in REVIEW_RESULTS) + tuple(
    f"行政诉讼/{g}/{r}" for g in ("未经复议直接起诉", "复议后起诉") for r in REVIEW_RESULTS)
APPLICANTS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
REQUEST_COLS = ("申请人情况/自然人",) + tuple(f"申请人情况/法人或其他组织/{a}" for a in APPLICANTS[1:6]) + (
    "申请人情况/总计",)

RESULT = "三、本年度办理结果"
_WITHHELD = ("1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
             "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项")
_UNABLE = ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确")
_NOT_HANDLED = ("1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
                "5.要求行政机关确认或重新出具已获取信息")
_OTHER_2021 = ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
               "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他")
PARTIAL = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"


def outcome_rows(fmt: str) -> list[tuple[str, ...]]:
    """The 办理结果 sub-rows as label paths below 三、本年度办理结果 (20 rows in 2019, 22 in 2021)."""
    rows = [("（一）予以公开",), (PARTIAL,)]
    rows += [("（三）不予公开", s) for s in _WITHHELD]
    rows += [("（四）无法提供", s) for s in _UNABLE]
    rows += [("（五）不予处理", s) for s in _NOT_HANDLED]
    rows += [("（六）其他处理", s) for s in _OTHER_2021] if fmt == "2021" else [("（六）其他处理",)]
    return rows + [("（七）总计",)]


NEW, CARRIED, TOTAL, CARRY_OUT = ("一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量",
                                  RESULT + "/（七）总计", "四、结转下年度继续办理")

ACTIVE_2021 = (
    ("第二十条第（一）项", ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"), ("规章", "行政规范性文件")),
    ("第二十条第（五）项", ("信息内容", "本年处理决定数量"), ("行政许可",)),
    ("第二十条第（六）项", ("信息内容", "本年处理决定数量"), ("行政处罚", "行政强制")),
    ("第二十条第（八）项", ("信息内容", "本年收费金额（单位：万元）"), ("行政事业性收费",)),
)
ACTIVE_2019 = (
    ("第二十条第（一）项", ("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"), ("规章", "规范性文件")),
    ("第二十条第（五）项", ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"), ("行政许可", "其他对外管理服务事项")),
    ("第二十条第（六）项", ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"), ("行政处罚", "行政强制")),
    ("第二十条第（八）项", ("信息内容", "上一年项目数量", "本年增/减"), ("行政事业性收费",)),
    ("第二十条第（九）项", ("信息内容", "采购项目数量", "采购总金额"), ("政府集中采购",)),
)


@dataclass
class ReportData:
    year: int
    fmt: str                       # free | 2019 | 2021
    figures: dict = field(default_factory=dict)
    active: dict = field(default_factory=dict)     # (section, row) -> list of values per column
    requests: dict = field(default_factory=dict)   # row label path -> 7 values
    review: list = field(default_factory=list)     # 15 values
    balance_error: bool = False

    def sections(self):
        return ACTIVE_2021 if self.fmt == "2021" else ACTIVE_2019

    def request_rows(self) -> list[str]:
        return [NEW, CARRIED] + ["/".join((RESULT,) + r) for r in outcome_rows(self.fmt)] + [CARRY_OUT]

    def cells(self) -> dict:
        if self.fmt == "free":
            return {"active": [], "requests": [], "review_litigation": []}
        active = [{"row": f"{sec}/{row}", "col": col, "value": value}
                  for sec, cols, rows in self.sections() for row in rows
                  for col, value in zip(cols[1:], self.active[(sec, row)])]
        requests = [{"row": row, "col": col, "value": value}
                    for row in self.request_rows() for col, value in zip(REQUEST_COLS, self.requests[row])]
        review = [{"row": "", "col": col, "value": value} for col, value in zip(REVIEW_COLS, self.review)]
        return {"active": active, "requests": requests, "review_litigation": review}


def report_format(year: int) -> str:
    return "free" if year <= 2018 else "2019" if year <= 2020 else "2021"


def make_report(year: int, rng: random.Random, *, is_gov: bool, carry_in: list[int],
                balance_error: bool) -> ReportData:
    fmt = report_format(year)
    data = ReportData(year=year, fmt=fmt, balance_error=balance_error)
    new = [rng.choice((0, 1, 2, 3, 5, 8, 12, 19)), rng.choice((0, 0, 1, 2)), 0, rng.choice((0, 0, 1)), 0,
           rng.choice((0, 0, 1))]
    if fmt == "free":
        data.figures = {"active_disclosed": rng.randint(180, 2400), "requests_received": sum(new),
                        "reviews": rng.choice((0, 0, 0, 1)), "lawsuits": rng.choice((0, 0, 0, 1))}
        return data
    _fill_requests(data, rng, new, carry_in)
    _fill_active(data, rng, is_gov)
    reviews = [rng.choice((0, 0, 1)), rng.choice((0, 0, 1)), 0, rng.choice((0, 0, 1))]
    direct = [rng.choice((0, 0, 1)), 0, 0, rng.choice((0, 0, 1))]
    after = [rng.choice((0, 0, 1)), 0, 0, 0]
    data.review = [v for group in (reviews, direct, after) for v in group + [sum(group)]]
    return data


def carry_out(data: ReportData) -> list[int]:
    return data.requests[CARRY_OUT][:6] if data.fmt != "free" else [0] * 6


def _fill_requests(data: ReportData, rng: random.Random, new: list[int], carry_in: list[int]) -> None:
    rows = outcome_rows(data.fmt)
    weights = [6, 3] + [0.2] * 8 + [3, 0.5, 0.3] + [0.3, 1, 0.1, 0.1, 0.1] + [0.4] * (len(rows) - 19)
    grid = {r: [0] * 6 for r in rows}
    out = [0] * 6
    for col in range(6):
        available = new[col] + carry_in[col]
        out[col] = 1 if available > 4 and rng.random() < 0.3 else 0
        for _ in range(available - out[col]):
            grid[rng.choices(rows[:-1], weights=weights)[0]][col] += 1
    for col in range(6):
        grid[("（七）总计",)][col] = sum(grid[r][col] for r in rows[:-1])
    def with_total(values):
        return values + [sum(values)]
    data.requests[NEW] = with_total(new)
    data.requests[CARRIED] = with_total(list(carry_in))
    for r in rows:
        data.requests["/".join((RESULT,) + r)] = with_total(grid[r])
    data.requests[CARRY_OUT] = with_total(out)
    if data.balance_error:
        # 勾稽关系 broken on purpose, and only it: 一、本年新收 for 自然人 overstated by 2 (its row
        # total kept consistent, the 办理结果 sub-rows still adding up to （七）总计)
        data.requests[NEW][0] += 2
        data.requests[NEW][6] += 2


def _fill_active(data: ReportData, rng: random.Random, is_gov: bool) -> None:
    for sec, cols, rows in data.sections():
        for row in rows:
            data.active[(sec, row)] = _active_values(data.fmt, cols[1:], row, rng, is_gov)


def _active_values(fmt: str, cols: tuple[str, ...], row: str, rng: random.Random, is_gov: bool) -> list:
    if row == "规章":
        made = rng.randint(0, 2) if is_gov else 0
        return [made, 0, made + rng.randint(0, 6)] if is_gov else [0, 0, 0]
    if row in ("行政规范性文件", "规范性文件"):
        made = rng.randint(0, 9)
        return [made, rng.randint(0, 3), made + rng.randint(10, 60)]
    if row == "行政事业性收费":
        return [0.0] if fmt == "2021" else [0, None]
    if row == "政府集中采购":
        return [rng.randint(2, 12), round(rng.uniform(30, 900), 2)]
    if fmt == "2021":
        count = rng.randint(0, 300) if row != "行政强制" else rng.choice((0, 0, 1, None))
        return [count]
    previous = rng.randint(2, 40)
    return [previous, rng.choice((0, 0, 1, -1)), rng.randint(0, 200)]


# HTML -------------------------------------------------------------------------------------------

_TD = '<td style="border:1px solid windowtext;padding:0 4px" valign="center"{span}>{text}</td>'


def _td(text, rowspan: int = 1, colspan: int = 1) -> str:
    span = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    return _TD.format(span=span, text=_p(text))


def _p(text) -> str:
    """Real reports split labels over paragraphs and leave blanks as &nbsp;."""
    if text is None or text == "":
        return "<p>&nbsp;</p>"
    if isinstance(text, float):
        text = f"{text:g}" if text else "0"
    text = str(text)
    if len(text) == 4 and not text.isdigit():
        return f"<p>{text[:2]}</p><p>{text[2:]}</p>"
    return f"<p>{text}</p>"


def _table(rows: list[str]) -> str:
    return ('<table style="border-collapse:collapse;border:none" cellspacing="0" align="center" border="1">'
            "<tbody>" + "".join(f"<tr>{r}</tr>" for r in rows) + "</tbody></table>")


def active_table_html(data: ReportData) -> str:
    width = 4
    rows = []
    for sec, cols, labels in data.sections():
        rows.append(_td(sec, colspan=width))
        rows.append(_header_row(cols, width))
        for label in labels:
            values = data.active[(sec, label)]
            rows.append(_td(label) + _value_cells(values, width - 1))
    return _table(rows)


def _header_row(cols: tuple[str, ...], width: int) -> str:
    cells = [_td(cols[0])] + [_td(c) for c in cols[1:]]
    if len(cols) < width:
        cells[-1] = _td(cols[-1], colspan=width - len(cols) + 1)
    return "".join(cells)


def _value_cells(values: list, slots: int) -> str:
    cells = [_td(v) for v in values]
    if len(values) < slots:
        cells[-1] = _td(values[-1], colspan=slots - len(values) + 1)
    return "".join(cells)


def requests_table_html(data: ReportData) -> str:
    rows = [_td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rowspan=3, colspan=3)
            + _td("申请人情况", colspan=7),
            _td("自然人", rowspan=2) + _td("法人或其他组织", colspan=5) + _td("总计", rowspan=2),
            "".join(_td(a) for a in APPLICANTS[1:6])]
    values = data.requests
    rows.append(_td(NEW, colspan=3) + "".join(_td(v) for v in values[NEW]))
    rows.append(_td(CARRIED, colspan=3) + "".join(_td(v) for v in values[CARRIED]))
    outcome = outcome_rows(data.fmt)
    groups: dict[str, int] = {}
    for r in outcome:
        groups[r[0]] = groups.get(r[0], 0) + 1
    seen = set()
    for index, r in enumerate(outcome):
        head = _td(RESULT, rowspan=len(outcome)) if index == 0 else ""
        if len(r) == 1:
            label = _td(r[0], colspan=2)
        else:
            label = "" if r[0] in seen else _td(r[0], rowspan=groups[r[0]])
            label += _td(r[1])
            seen.add(r[0])
        rows.append(head + label + "".join(_td(v) for v in values["/".join((RESULT,) + r)]))
    rows.append(_td(CARRY_OUT, colspan=3) + "".join(_td(v) for v in values[CARRY_OUT]))
    return _table(rows)


def review_table_html(data: ReportData) -> str:
    rows = [_td("行政复议", colspan=5) + _td("行政诉讼", colspan=10),
            "".join(_td(r, rowspan=2) for r in REVIEW_RESULTS) + _td("未经复议直接起诉", colspan=5)
            + _td("复议后起诉", colspan=5),
            "".join(_td(r) for r in REVIEW_RESULTS * 2),
            "".join(_td(v) for v in data.review)]
    return _table(rows)


def report_paragraphs(data: ReportData, ctx: dict, variant: int) -> list[tuple[str, str]]:
    """The report as (kind, html) blocks: kind is "h" (heading), "p" or "table"."""
    y, name = data.year, ctx["name"]
    if data.fmt == "free":
        return _free_text(data, ctx)
    total_new = data.requests[NEW][6]
    blocks = [("p", f"本报告根据《中华人民共和国政府信息公开条例》和国务院办公厅政府信息与政务公开办公室有关要求编制。"
                    f"报告中所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。如对本报告有疑问，请与{name}办公室联系。"),
              ("h", "一、总体情况"),
              ("p", f"{y}年，{name}深入贯彻落实《中华人民共和国政府信息公开条例》，围绕中心工作，持续深化政务公开。"
                    f"全年共收到政府信息公开申请{total_new}件，均在法定期限内答复。"),
              ("h", "二、主动公开政府信息情况"), ("table", active_table_html(data)),
              ("h", "三、收到和处理政府信息公开申请情况"), ("table", requests_table_html(data)),
              ("h", "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况" if variant % 2
               else "四、政府信息公开行政复议、行政诉讼情况"),
              ("table", review_table_html(data)),
              ("h", "五、存在的主要问题及改进情况"),
              ("p", f"一是政策解读形式还不够丰富；二是基层政务公开标准化规范化水平有待提升。{y + 1}年，我们将进一步"
                    "完善信息发布审核机制，加强业务培训，提升政务公开质量。"),
              ("h", "六、其他需要报告的事项"),
              ("p", f"{y}年，{name}未收取信息处理费。")]
    return blocks


def _free_text(data: ReportData, ctx: dict) -> list[tuple[str, str]]:
    f, y = data.figures, data.year
    requests = (f"全年共受理政府信息公开申请{f['requests_received']}件，均已按期答复。" if f["requests_received"]
                else "全年未收到政府信息公开申请。")
    if f["reviews"] == 0 and f["lawsuits"] == 0:
        review = "未发生因政府信息公开申请行政复议、提起行政诉讼的情况。"
    else:
        review = f"因政府信息公开申请提起行政复议{f['reviews']}件、行政诉讼{f['lawsuits']}件。"
    return [("p", f"根据《中华人民共和国政府信息公开条例》规定，现公布{ctx['name']}{y}年度政府信息公开工作年度报告。"
                  f"本报告统计期限自{y}年1月1日起至{y}年12月31日止。"),
            ("h", "一、概述"),
            ("p", f"{y}年，我{ctx['org'][-1]}高度重视政府信息公开工作，调整充实了政务公开工作领导小组，"
                  "进一步完善了信息发布、保密审查等制度。"),
            ("h", "二、主动公开政府信息情况"),
            ("p", f"全年主动公开政府信息{f['active_disclosed']}条，其中通过门户网站公开{f['active_disclosed'] - 37}条。"),
            ("h", "三、依申请公开政府信息情况"), ("p", requests),
            ("h", "四、政府信息公开的收费及减免情况"), ("p", "未收取任何费用。"),
            ("h", "五、因政府信息公开申请行政复议、提起行政诉讼的情况"), ("p", review),
            ("h", "六、存在的主要问题及改进措施"),
            ("p", f"{y + 1}年，我们将进一步加大公开力度，规范公开内容，提高公开实效。")]


def deadline(year: int, kind: str, level: str) -> dt.date:
    """条例 第四十九条 / 2007 第三十一条. 乡镇 follow local rules: the sandbox uses 03-31 for them."""
    if year <= 2018 or kind == "政府":
        return dt.date(year + 1, 3, 31)
    return dt.date(year + 1, 1, 31)
