"""Chinese titles and bodies for sandbox items, drawn from a seeded ``random.Random``.

Titles read like the real ones (会议、调研、申报通知、印发…的通知、公示), carry number patterns that
look like dates (「2025年」「第3批」), and are unique within a site. Bodies mention other dates on
purpose (event days, deadlines, 成文 dates), as real bodies do.
"""

from __future__ import annotations

import datetime as dt
import random
import re

TOPICS = {
    "commerce": ("外贸稳增长", "消费品以旧换新", "招商引资", "电子商务进农村", "县域商业体系建设", "内外贸一体化",
                 "老字号保护传承", "成品油流通管理", "单用途商业预付卡管理", "再生资源回收体系建设",
                 "商贸领域安全生产", "一刻钟便民生活圈", "跨境电子商务", "步行街改造提升", "农产品流通",
                 "外资企业服务", "服务贸易创新发展", "汽车流通", "家政服务提质扩容", "餐饮业高质量发展"),
    "finance": ("预算绩效管理", "政府采购监管", "国库集中支付", "直达资金管理", "地方政府专项债券", "会计监督",
                "惠民惠农补贴", "行政事业单位国有资产管理", "非税收入征管", "财会监督", "政府债务管理",
                "预算一体化建设"),
    "government": ("优化营商环境", "安全生产", "重点项目建设", "民生实事", "防汛抗旱", "森林防火", "城市更新",
                   "生态环境保护", "文明城市创建", "就业创业", "养老服务", "义务教育", "医疗保障", "乡村振兴"),
    "town": ("人居环境整治", "秸秆禁烧", "防汛", "农村厕所改革", "城乡居民医保征缴", "退役军人服务",
             "村级议事", "土地流转", "高标准农田建设", "森林防火"),
}
PLACES = ("青山区", "东湖区", "凤岭县", "石桥镇", "北湖工业园", "高新区", "西城街道", "南港片区")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁宋郑谢韩唐冯"
GIVEN = ("建国", "海峰", "晓东", "丽华", "志强", "文斌", "雪梅", "国栋", "春燕", "明辉", "卫东", "红霞",
         "永刚", "秀英", "俊杰", "立新", "玉兰", "德华", "振宇", "静怡")
_NEXT_HOLIDAY = ("春节", "清明节", "清明节", "劳动节", "端午节", "端午节", "中秋节", "中秋节", "国庆节", "元旦",
                 "元旦", "元旦")
COMPANIES = ("华兴商贸有限公司", "金穗粮油有限公司", "恒通物流有限公司", "新联汽车销售服务有限公司",
             "永盛石化有限公司", "瑞丰农产品市场有限公司", "德信再生资源有限公司", "鸿达进出口有限公司")


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def person(rng: random.Random, pool: tuple[str, ...] = ()) -> str:
    if pool and rng.random() < 0.5:
        return rng.choice(pool)
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def title_for(ctype: str, rng: random.Random, ctx: dict, day: dt.date, n: int) -> str:
    """A title for the ``n``-th item (0 = oldest) of a column of type ``ctype``."""
    maker = _TITLES.get(ctype, _other)
    return maker(rng, ctx, day, n)


def _news(rng, c, day, n):
    topic, place = rng.choice(c["topics"]), rng.choice(PLACES)
    forms = (
        f"{c['org']}召开{topic}工作推进会",
        f"{c['org']}主要负责同志赴{place}调研{topic}工作",
        f"{c['org']}开展{topic}专项检查",
        f"{c['org']}举办{topic}业务培训班",
        f"{c['city']}{topic}工作取得阶段性成效",
        f"{c['org']}党组理论学习中心组开展{day.year}年第{n % 12 + 1}次集体学习",
        f"{c['org']}赴{place}开展{topic}对接交流",
        f"{c['city']}举办{day.year}年{topic}主题活动",
        f"{c['org']}部署{_season(day)}{topic}工作",
        f"{c['org']}与{place}召开{topic}工作座谈会",
    )
    return rng.choice(forms)


def _notice(rng, c, day, n):
    topic = rng.choice(c["topics"])
    forms = (
        f"关于开展{day.year}年度{topic}项目申报工作的通知",
        f"关于{day.year}年{topic}拟支持项目名单的公示",
        f"关于公开征求《{c['city']}{topic}管理办法（征求意见稿）》意见的公告",
        f"关于做好{_holiday(day)}期间{topic}工作的通知",
        f"关于组织参加{day.year}年{topic}专题培训的通知",
        f"关于{topic}第{n % 6 + 1}批评审结果的公示",
        f"{c['name']}关于进一步加强{topic}工作的通知",
    )
    return rng.choice(forms)


def _policy(rng, c, day, n):
    topic = rng.choice(c["topics"])
    forms = (
        f"{c['name']}关于印发《{c['city']}{topic}实施方案》的通知",
        f"{c['name']}关于印发《{c['city']}{topic}管理办法》的通知",
        f"{c['name']}关于进一步做好{topic}工作的实施意见",
        f"{c['name']}关于印发《{c['city']}{topic}三年行动计划（{day.year}—{day.year + 2}年）》的通知",
    )
    return rng.choice(forms)


def _interpretation(rng, c, day, n):
    topic = rng.choice(c["topics"])
    forms = (
        f"《{c['city']}{topic}实施方案》政策解读",
        f"图解：{c['city']}{topic}若干措施",
        f"一图读懂《关于进一步做好{topic}工作的实施意见》",
        f"关于《{c['city']}{topic}管理办法》的解读",
    )
    return rng.choice(forms)


def _budget(rng, c, day, n):
    kind = "部门预算" if 2 <= day.month <= 6 else "部门决算"
    year = day.year if kind == "部门预算" else day.year - 1
    return rng.choice((f"{c['name']}{year}年{kind}", f"{c['name']}{year}年度{kind}公开"))


def _personnel(rng, c, day, n):
    forms = (
        f"关于{person(rng, c['leaders'])}等同志职务任免的通知",
        f"{c['name']}{day.year}年公开招聘编外工作人员公告",
        f"关于{person(rng, c['leaders'])}同志任职的通知",
        f"{c['name']}{day.year}年公开遴选工作人员拟录用人员公示",
    )
    return rng.choice(forms)


def _planning(rng, c, day, n):
    forms = (
        f"{c['name']}{day.year}年工作要点",
        f"{c['name']}{day.year - 1}年工作总结和{day.year}年工作计划",
        f"{c['city']}“十四五”{rng.choice(c['topics'])}发展规划中期评估报告",
        f"{c['city']}{rng.choice(c['topics'])}专项规划（{day.year}—{day.year + 4}年）",
    )
    return rng.choice(forms)


def _statistics(rng, c, day, n):
    month = day.month - 1 or 12
    year = day.year if day.month > 1 else day.year - 1
    metric = rng.choice(("主要经济指标", "社会消费品零售总额", "规模以上工业增加值", "固定资产投资"))
    return f"{year}年{month}月{c['city']}{metric}运行情况"


def _licensing(rng, c, day, n):
    return f"{rng.choice(COMPANIES)}{rng.choice(('成品油零售经营', '二手车交易市场经营', '拍卖业务'))}许可决定公示"


def _penalty(rng, c, day, n):
    return f"{c['org']}行政处罚决定书（{c['abbr']}罚〔{day.year}〕{n % 40 + 1}号）"


def _procurement(rng, c, day, n):
    project = rng.choice(("办公设备采购", "信息化运维服务", "物业管理服务", "审计服务", "宣传服务", "车辆租赁"))
    kind = rng.choice(("公开招标公告", "竞争性磋商公告", "中标（成交）结果公告", "询价采购公告"))
    return f"{c['name']}{day.year}年{project}项目{kind}"


def _other(rng, c, day, n):
    if c["domain"] == "town":
        village = rng.choice(("石桥村", "东岗村", "柳湾村", "大塘村", "新庄社区"))
        return f"{village}{rng.choice(c['topics'])}工作纪实（{day.year}年第{n % 9 + 1}期）"
    return f"{c['city']}优化营商环境典型案例（第{n + 1}期）"


def _holiday(day: dt.date) -> str:
    """The next public holiday: 元旦 is named with the coming year."""
    name = _NEXT_HOLIDAY[day.month - 1]
    return f"{day.year + 1}年元旦" if name == "元旦" else f"{day.year}年{name}"


def _season(day: dt.date) -> str:
    return ("冬季", "春季", "春季", "春季", "夏季", "夏季", "夏季", "秋季", "秋季", "秋季", "冬季", "冬季")[day.month - 1]


def _message(rng, c, day, n):
    """A message to the board: a resident's question or complaint (never naming its own state)."""
    place, topic = rng.choice(PLACES), rng.choice(c["topics"])
    forms = (
        f"咨询{topic}相关政策",
        f"关于{place}{rng.choice(('道路积水', '路灯不亮', '噪音扰民', '停车难', '垃圾清运不及时'))}的反映",
        f"{topic}补贴申领条件咨询",
        f"建议加快{place}{rng.choice(('农贸市场改造', '公交线路调整', '老旧小区改造', '充电桩建设'))}",
        f"{place}{rng.choice(('商户', '居民', '企业'))}反映{topic}有关问题",
        f"请问{day.year}年{topic}申报何时开始",
    )
    return rng.choice(forms)


_TITLES = {"news": _news, "notice": _notice, "policy": _policy, "interpretation": _interpretation,
           "budget": _budget, "personnel": _personnel, "planning": _planning, "statistics": _statistics,
           "licensing": _licensing, "penalty": _penalty, "procurement": _procurement, "other": _other,
           "interaction": _message}

STATIC_TITLES = {
    "guide": ("{name}政府信息公开指南", "{name}政府信息公开指南（2025年修订）"),
    "system": ("{name}政府信息公开保密审查制度", "{name}政府信息主动公开制度",
               "{name}政府信息依申请公开工作规程", "{name}政府信息发布协调制度"),
    "org": ("{name}主要职责", "{name}内设机构", "{name}联系方式"),
    "leaders": ("{name}领导分工", "{name}领导简历"),
}


def body_paragraphs(rng: random.Random, ctype: str, ctx: dict, title: str, day: dt.date) -> list[str]:
    """Three to five paragraphs; some carry dates other than the publish date."""
    topic = rng.choice(ctx["topics"])
    event = day - dt.timedelta(days=rng.randint(1, 3))
    deadline = day + dt.timedelta(days=rng.randint(10, 40))
    paragraphs = []
    if ctype == "news":
        paragraphs.append(f"{event.month}月{event.day}日，{ctx['org']}召开专题会议，研究部署{topic}相关工作。"
                          f"会议传达学习了上级有关文件精神，通报了{event.year}年以来{topic}工作进展情况。")
        paragraphs.append(f"会议指出，要坚持问题导向，对照年度目标任务，逐项梳理、挂图作战，确保各项工作按时序推进。"
                          f"截至{event.month}月底，全{ctx['city'][-1]}已累计完成{rng.randint(12, 96)}个重点事项。")
    else:
        basis = f"〔{day.year - 1}〕{rng.randint(3, 60)}号"
        paragraphs.append(f"根据《关于进一步做好{topic}工作的通知》（{ctx['abbr']}{basis}）精神，结合我{ctx['city'][-1]}实际，"
                          f"现就有关事项{'通知' if ctype != 'policy' else '印发'}如下。")
        paragraphs.append(f"一、工作目标。到{day.year + 1}年底，{topic}工作机制进一步健全，服务水平明显提升。")
        paragraphs.append(f"二、时间安排。请各有关单位于{cn_date(deadline)}前将相关材料报送至{ctx['org']}，"
                          f"逾期不予受理，如遇法定节假日顺延。")
    paragraphs.append(f"联系人：{person(rng)}，联系电话：0{rng.randint(550, 599)}-{rng.randint(2000000, 8999999)}。")
    return paragraphs


def interpretation_titles(title: str, doc_no: str, agency: str) -> list[str]:
    """Titles of a 解读 of the document ``title``: by its 《》 title, or by its own title and 文号."""
    named = re.findall(r"《([^《》]+)》", title)
    subject = named[0] if named else title.removeprefix(agency)
    return [f"《{subject}》政策解读", f"关于《{subject}》的解读", f"图解：《{subject}》", f"《{subject}》（{doc_no}）解读"]


def message_paragraphs(rng: random.Random, ctx: dict, title: str) -> list[str]:
    """What a resident wrote to the board."""
    return [f"您好！{title}。{rng.choice(('此事已持续较长时间', '周边群众意见较大', '多次反映未果'))}，"
            f"希望{ctx['org']}能够尽快研究解决，谢谢！",
            f"留言人：{rng.choice(SURNAMES)}先生/女士"]


def reply_paragraphs(rng: random.Random, ctx: dict, title: str) -> list[str]:
    return [f"您好！您反映的「{title}」已收悉。经核实，{ctx['org']}已会同有关单位研究处理，"
            f"{rng.choice(('相关工作正在推进', '问题已整改到位', '相关政策详见本网站政策文件栏目'))}。感谢您的关注和支持！"]


# Synthetic residents. The region codes are 3419xx, the sandbox's fictional 淮岭市 (no real prefecture
# has the code 3419), so no real person holds these ID numbers; the check character follows GB 11643.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def check_character(first17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def residents(rng: random.Random, count: int) -> list[tuple[str, str, str, str]]:
    """``count`` synthetic residents: (name, resident ID, mobile number, bank card); the first ID ends in X."""
    people = []
    for k in range(count):
        born = dt.date(1955, 1, 1) + dt.timedelta(days=rng.randint(0, 16000))
        stem = f"3419{rng.randint(1, 30):02d}{born:%Y%m%d}"
        sequence = rng.randint(100, 999)
        while k == 0 and check_character(f"{stem}{sequence:03d}") != "X":
            sequence = sequence % 999 + 1
        first17 = f"{stem}{sequence:03d}"
        mobile = f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
        people.append((rng.choice(SURNAMES) + rng.choice(GIVEN), first17 + check_character(first17), mobile,
                       bank_card(rng)))
    return people


def bank_card(rng: random.Random) -> str:
    """A 19-digit debit card number as a bank prints it (6217 …): never a resident ID or a mobile."""
    return "6217" + "".join(str(rng.randint(0, 9)) for _ in range(15))


def lookalike_paragraphs(rng: random.Random, day: dt.date) -> list[str]:
    """Numbers a page of accounts and orders shows that are not personal: an 18-digit order number (its
    check character even valid), a bank account, a credit code, dates and a landline."""
    order = f"{day:%Y%m%d}{rng.randint(1000000000, 9999999999)}"
    valid = f"341900{day.year - 40}{day:%m%d}{rng.randint(100, 999)}"
    return [f"订单编号：{order}；合同编号：{valid + check_character(valid)}；成交日期：{day:%Y%m%d}，"
            f"成交时间：{day:%Y-%m-%d} 10:30:00。",
            f"收款单位开户银行：{_bank(rng)}，账号：{bank_card(rng)}，交易流水号：{day:%Y%m%d}{rng.randint(100000, 999999)}。",
            f"统一社会信用代码：12341900MB{rng.randint(1000000, 9999999)}X，监督电话：0550-{rng.randint(2000000, 8999999)}。"]


def _bank(rng: random.Random) -> str:
    return rng.choice(("中国工商银行淮岭分行", "中国农业银行淮岭支行", "中国建设银行淮岭分行"))
