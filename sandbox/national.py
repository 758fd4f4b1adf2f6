"""全国模拟 (national simulation): N synthetic agencies drawn from a seed, for crawling at the country's scale.

``World(n, seed, port)`` decides, in milliseconds and without building a page, what every agency is:
its administrative level, in the country's proportions (``LEVEL_SHARES``: 国务院部门 1 %, 省 3 %, 市 25 %,
县 71 %; 乡镇 have no sites of their own since 国办发〔2017〕47号, their pages live on the county's), its
CMS family (``CMS_SHARES``: every family of the sandbox), its place, name and about 22 columns, its
planted defects (``PLANT_RATES``) and at most one fault (``FAULT_RATES``). Counts are exact: a share of
N is allocated by largest remainder, a rate is ``round(rate × N)`` agencies drawn by the seed, so N = 1000
gives 10 / 30 / 250 / 710 agencies by level whatever the seed. Agency ``i`` is built (``World.site``,
the hand-made agencies' ``model.build_site`` and CMS families, so its pages are theirs) only when asked,
and only a few built sites are kept (``cache_sites``, least recently used).

Addresses: agency ``i`` (0-based) is ``host(i)`` = 127.B.C.D with D = 1 + i mod 254 (never .0 or .255),
B.C counting blocks of 254 from 127.1.0 (127.1.0.1 … 127.1.0.254, 127.1.1.1 …; 14,000 agencies end at
127.1.55.30), all on one port. The hand-made sandbox keeps 127.0.0.x; ``national_server`` answers every
address on that port with one socket.

Place names are two invented syllables (淮岭, 宣林 …): one may match a real place by chance, the agency is
never a real one (registry notes: 沙盒机构（虚构）). Columns are dated from ``agencies.LAUNCH``; the plants
are dated before ``REFERENCE``, so all of them hold on it; ``--as-of`` shows any other day, and the
manifest (``build_national_manifest``) computes the truth for that day with ``manifest.defects``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import random
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from . import faults
from . import reports as rep
from . import texts
from .agencies import AgencySpec, ColumnSpec
from .model import Site, build_site

NATIONAL_PORT = 8800     # not the hand-made sandbox's 8700: one wildcard socket takes the port on every address
DEFAULT_SEED = 1
MAX_AGENCIES = 19_000    # distinct place names (80 × 80 syllables, three agencies a place)
REFERENCE = dt.date(2026, 11, 22)   # every plant holds on this day (the tests' reference day)
FIRST_HOST = ipaddress.IPv4Address("127.1.0.1")
PER_BLOCK = 254

LEVEL_SHARES = (("国务院部门", 1), ("省", 3), ("市", 25), ("县", 71))   # per cent of agencies
CMS_SHARES = (("trs", 30), ("hanweb", 20), ("table", 15), ("js", 10), ("haiyun", 10), ("gkmlpt", 10),
              ("powereasy", 5))
# Share of agencies planted with each defect (the check id it makes true), each drawn independently.
PLANT_RATES = {"column_stale": 0.10, "column_empty": 0.08, "mandatory_column_missing": 0.04,
               "annual_report_late": 0.05, "annual_report_missing": 0.04, "report_balance": 0.02,
               "broken_link": 0.03, "item_removed": 0.02, "homepage_stale": 0.03, "slow_page": 0.005,
               "interpretation_missing": 0.03, "privacy_leak": 0.01, "message_unanswered": 0.02}
# Share of agencies with each fault (the kinds of ``faults.py``); an agency has at most one.
FAULT_RATES = {"waf_403": 0.02, "soft_404": 0.02, "maintenance": 0.01, "slow_home": 0.01, "malformed_html": 0.02}
BOARD_FAMILIES = ("trs", "table", "js")          # families whose message boards show each letter's state
SLOW_FAMILIES = ("trs", "hanweb", "table", "haiyun", "powereasy")   # a column's page 1 answers slowly
MALFORMED_FAMILIES = ("trs",)                    # faults.MalformedList rewrites a TRS notice list

_FIRST = "淮宣穗凤闽莲汀澜沅梧枫栎榆椿杉柏楠桂棠芷蘅萍蒲苇荻菱芦渚汐浔涟澄潆澧湄泮淇沣浠滢瀚岑峦岫嶂嵩峤翠黛碧缃赭苍皓曦昕晔暄霁岚霞雯璟琅瑜瑶琼璞珂瑾琮玥珩苓蔚菁芸茗荔蕙"
_SECOND = "岭林屿川兴安平源阳宁华泉溪州城口湾滨塘桥坪坝冈岗渡埠陵原丘洲浦港江河湖峰山台亭关堡寨庄屯集畈垸圩岙墩沟涧谷坞田垌坑场铺镇里乡丰和盛昌隆泰康庆祥瑞嘉荣福顺通宝泽润"
_FIELDS = ("外贸", "流通", "市场", "会计", "预算", "国库", "采购", "债务", "商贸", "消费", "服务贸易", "口岸",
           "电子商务", "物流", "绩效", "资产", "投资", "产业", "价格", "标准")
_ROLES = ("促进", "管理", "监督", "服务", "发展")

# Names the crawler's taxonomy (core/column_types.yaml) reads as the type; slugs as the hand-made sites'.
_NAMES = {"guide": (("政府信息公开指南", "信息公开指南"), "zfxxgkzn"),
          "system": (("政府信息公开制度", "信息公开制度"), "zfxxgkzd"),
          "statutory": (("法定主动公开内容",), "fdzdgknr"),
          "org": (("机构职能",), "jgzn"), "leaders": (("领导信息",), "ldxx"),
          "policy": (("政策文件", "规范性文件"), "zcwj"), "interpretation": (("政策解读",), "zcjd"),
          "notice": (("通知公告",), "tzgg"), "news": (("工作动态", "政务动态", "部门动态"), "gzdt"),
          "budget": (("财政预决算", "部门预决算"), "czyjs"), "personnel": (("人事信息",), "rsxx"),
          "planning": (("规划计划", "发展规划"), "ghjh"), "statistics": (("统计信息",), "tjxx"),
          "licensing": (("行政许可",), "xzxk"), "penalty": (("行政处罚",), "xzcf"),
          "procurement": (("政府采购",), "zfcg"),
          "annual_report": (("政府信息公开年报", "政府信息公开工作年度报告"), "zfxxgknb")}
_ALWAYS = ("org", "leaders", "policy", "notice", "news", "budget")
_OPTIONAL = ("interpretation", "personnel", "planning", "statistics", "licensing", "penalty", "procurement")
_OTHERS = (("优化营商环境", "yhyshj"), ("乡村振兴", "xczx"), ("安全生产", "aqsc"), ("民生实事", "msss"),
           ("生态环境", "sthj"), ("建议提案办理", "jytabl"))
# Days between two items by tier (national and provincial, city, county): busy sites publish more,
# and every gap stays under the column's stale threshold (news 14, notice and policy 183, personnel 365).
_CADENCES = {"news": ((2, 5), (4, 9), (7, 13)), "notice": ((7, 20), (14, 40), (25, 80)),
             "policy": ((15, 40), (25, 60), (45, 150)), "interpretation": ((20, 60), (30, 75), (60, 180)),
             "personnel": ((30, 120), (60, 200), (90, 300)), "planning": ((90, 240), (120, 300), (150, 330)),
             "licensing": ((10, 40), (30, 90), (60, 240)), "penalty": ((10, 30), (20, 80), (60, 240)),
             "procurement": ((10, 30), (20, 60), (45, 180)), "other": ((20, 60), (40, 120), (60, 240)),
             "interaction": ((2, 6), (4, 12), (7, 20))}
_TIER = {"国务院部门": 0, "省": 0, "市": 1, "县": 2}
_PROVINCES = ("11", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
              "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65")


# addresses --------------------------------------------------------------------------------------

def host(index: int) -> str:
    block, offset = divmod(index, PER_BLOCK)
    return str(FIRST_HOST + block * 256 + offset)


def index_of(address: str, n: int) -> int | None:
    """The agency at ``address`` among ``n``, or None."""
    try:
        delta = int(ipaddress.IPv4Address(address)) - int(FIRST_HOST)
    except ValueError:
        return None
    block, offset = divmod(delta, 256)
    index = block * PER_BLOCK + offset
    return index if delta >= 0 and offset < PER_BLOCK and index < n else None


# the world --------------------------------------------------------------------------------------

def allocate(n: int, shares) -> list[int]:
    """Counts summing to ``n`` in the shares' proportion, by largest remainder (ties: the earlier share)."""
    total = sum(weight for _, weight in shares)
    counts = [n * weight // total for _, weight in shares]
    by_remainder = sorted(range(len(shares)), key=lambda k: (-(n * shares[k][1] % total), k))
    for k in by_remainder[:n - sum(counts)]:
        counts[k] += 1
    return counts


@dataclass(frozen=True)
class Place:
    name: str            # 淮岭 (no suffix)
    suffix: str          # 省 / 市 / 县 / 区
    region_code: str


class World:
    """Every national agency, decided from ``(n, seed)``; sites built on request."""

    def __init__(self, n: int, seed: int = DEFAULT_SEED, port: int = NATIONAL_PORT, cache_sites: int = 64):
        if not 1 <= n <= MAX_AGENCIES:
            raise ValueError(f"机构数须在 1–{MAX_AGENCIES} 之间 (agencies must be 1–{MAX_AGENCIES}): {n}")
        self.n, self.seed, self.port = n, seed, port
        self.level_counts = dict(zip((level for level, _ in LEVEL_SHARES), allocate(n, LEVEL_SHARES)))
        cms = [name for (name, _), count in zip(CMS_SHARES, allocate(n, CMS_SHARES)) for _ in range(count)]
        random.Random(f"{seed}/cms").shuffle(cms)
        self.cms = cms
        combos = [a + b for a in _FIRST for b in _SECOND]
        random.Random(f"{seed}/places").shuffle(combos)
        self._place_names = combos
        self.plants = self._draw_plants()
        self.faults = self._draw_faults()
        self.site = lru_cache(maxsize=cache_sites)(self._build)

    # what each agency is ------------------------------------------------------------------------
    def level(self, index: int) -> tuple[str, int]:
        """(level, position among that level's agencies): levels follow each other from the top."""
        for level, count in self.level_counts.items():
            if index < count:
                return level, index
            index -= count
        raise IndexError(index)

    def _place(self, level: str, position: int) -> Place:
        before = sum(-(-count // 3) for lv, count in self.level_counts.items() if _rank(lv) < _rank(level)
                     and lv != "国务院部门")
        number = before + position // 3
        rng = random.Random(f"{self.seed}/place/{number}")
        suffix = {"省": "省", "市": "市"}.get(level) or rng.choice(("县", "县", "县", "区", "区", "市"))
        province = _PROVINCES[number % len(_PROVINCES)]
        code = {"省": f"{province}0000", "市": f"{province}{number % 90 + 1:02d}00"}.get(
            level, f"{province}{number % 90 + 1:02d}{number % 79 + 21:02d}")
        return Place(self._place_names[number], suffix, code)

    def spec(self, index: int) -> AgencySpec:
        level, position = self.level(index)
        rng = random.Random(f"{self.seed}/agency/{index}")
        cms = self.cms[index]
        if level == "国务院部门":
            name, kind, domain, parent = _ministry(self.seed, position), "部门", ("commerce", "finance")[position % 2], None
            org, city, code = name, "全国", "100000"
        else:
            place = self._place(level, position)
            role = position % 3
            city, code = place.name + place.suffix, place.region_code
            kind, domain = (("政府", "government"), ("部门", "commerce"), ("部门", "finance"))[role]
            office = {"省": "厅"}.get(level, "局")
            org = {"government": f"{place.suffix}政府", "commerce": f"{place.suffix}商务{office}",
                   "finance": f"{place.suffix}财政{office}"}[domain]
            name = city + ("人民政府" if role == 0 else org[1:])
            parent = agency_id(index - role) if role else None
        plants = self.plants.get(index, ())
        variant, encoding = _variant(rng, cms, index), "utf-8"
        if cms == "table" and rng.random() < 0.2:   # an old JSP site in GBK, as 南屿
            variant, encoding = {**variant, "gbk_meta": True}, "gbk"
        board = "网上留言" if kind == "部门" else f"{city[-1]}长信箱"
        return AgencySpec(
            id=agency_id(index), name=name, org=org, level=level, kind=kind, region_code=code,
            site_code=f"{code}{index % 10_000:04d}", city=city, domain=domain, cms=cms, encoding=encoding,
            model=f"全国模拟 seed {self.seed}：{level}{kind}，{cms}",
            columns=_columns(rng, level, cms, plants, board, kind), variant=variant, parent=parent,
            leaders=tuple(texts.person(rng) for _ in range(rng.randint(2, 3))),
            **_agency_plants(rng, level, kind, plants))

    def fault(self, index: int, site: Site) -> faults.Fault | None:
        kind = self.faults.get(index)
        return FAULT_KINDS[kind](site) if kind else None

    def _build(self, index: int) -> Site:
        return build_site(self.spec(index), index, self.port, "", host=host(index))

    def shell(self, index: int) -> Site:
        """The site without its columns: enough for its addresses (homepage, portal), in microseconds."""
        from .families import family_for
        site = Site(spec=self.spec(index), index=index, host=host(index), port=self.port)
        site.family = family_for(site)
        site.family.assign_paths(site)
        return site

    # draws --------------------------------------------------------------------------------------
    def _draw_plants(self) -> dict[int, tuple[str, ...]]:
        chosen: dict[int, list[str]] = {}
        for check, rate in PLANT_RATES.items():
            families = {"message_unanswered": BOARD_FAMILIES, "slow_page": SLOW_FAMILIES}.get(check)
            pool = [i for i in range(self.n) if families is None or self.cms[i] in families]
            for i in random.Random(f"{self.seed}/plant/{check}").sample(pool, min(len(pool), round(rate * self.n))):
                chosen.setdefault(i, []).append(check)
        return {i: tuple(checks) for i, checks in chosen.items()}

    def _draw_faults(self) -> dict[int, str]:
        order = random.Random(f"{self.seed}/faults").sample(range(self.n), self.n)
        drawn: dict[int, str] = {}
        for kind, rate in FAULT_RATES.items():
            wanted = round(rate * self.n)
            for i in order:
                if wanted == 0:
                    break
                if i not in drawn and (kind != "malformed_html" or self.cms[i] in MALFORMED_FAMILIES):
                    drawn[i], wanted = kind, wanted - 1
        return drawn


def agency_id(index: int) -> str:
    return f"nat-{index:05d}"


def _rank(level: str) -> int:
    return [lv for lv, _ in LEVEL_SHARES].index(level)


def _ministry(seed: int, position: int) -> str:
    names = [f"国家{field}{role}{office}" for field in _FIELDS for role in _ROLES for office in ("局", "署")]
    random.Random(f"{seed}/ministries").shuffle(names)
    return names[position % len(names)]


def _variant(rng: random.Random, cms: str, index: int) -> dict:
    """The CMS family's knobs, as the hand-made agencies of that family set them."""
    if cms == "trs":
        return rng.choice(({"suffix": "html", "date_fmt": "iso"},
                           {"suffix": "shtml", "date_fmt": "cn", "pager": 'createPageHTML({pages}, {cur}, "index", "shtml")'},
                           {"suffix": "htm", "date_fmt": "bracket", "layout": "table",
                            "pager": 'createPageHTML({pages}, {cur}, "index", "htm", "", 20)'}))
    if cms == "hanweb":
        return {"webid": 10 + index % 90, "colbase": 40000 + rng.randint(0, 9000)}
    if cms == "table":
        return rng.choice(({"style": "jsp", "date_cell": "iso"}, {"style": "jsp", "date_cell": "in_title"},
                           {"style": "page", "date_cell": "short"}))
    if cms == "haiyun":
        return {"app": "sjdzapp", "search_id": 200000 + rng.randint(0, 999), "prepage": 10}
    if cms == "gkmlpt":
        return {"sid": str(700000 + index), "catbase": 20000 + rng.randint(0, 9000)}
    if cms == "powereasy":
        return {"catbase": rng.randint(5, 90)}
    return {}


def _columns(rng: random.Random, level: str, cms: str, plants: tuple[str, ...], board: str,
             kind: str) -> tuple[ColumnSpec, ...]:
    """About 22 columns: the four standard ones, the 法定主动公开内容 beneath one of them, a board on some.
    An optional column is left out now and then, but never one the rulebook requires of the agency (a
    政府's 规划, 条例第二十条第（三）项): that would be a defect the manifest does not plant."""
    tier = _TIER[level]
    js = "endpoint" if cms == "js" else "none"
    children = list(_ALWAYS) + [t for t in _OPTIONAL if rng.random() < 0.95 or (t == "planning" and kind == "政府")]
    if "column_empty" in plants and not {"licensing", "penalty", "procurement"} & set(children):
        children.append("licensing")
    specs = [_column(rng, ctype, tier, js) for ctype in children]
    specs += [ColumnSpec("other", name, slug, js=js, cadence=_CADENCES["other"][tier])
              for name, slug in rng.sample(_OTHERS, rng.randint(4, 6))]
    specs = _plant_columns(rng, specs, plants)
    top = [_column(rng, "guide", tier, js), _column(rng, "system", tier, js),
           ColumnSpec("statutory", "法定主动公开内容", "fdzdgknr", tuple(specs)), _column(rng, "annual_report", tier, js)]
    if "mandatory_column_missing" in plants:
        top.pop(rng.randrange(2))
    if "message_unanswered" in plants or (cms in BOARD_FAMILIES and rng.random() < 0.3):
        late = ()
        if "message_unanswered" in plants:
            late = ((REFERENCE - dt.timedelta(days=rng.randint(100, 300)), None),)
        top.append(ColumnSpec("interaction", board, "wsly", js=js, cadence=_CADENCES["interaction"][tier],
                              created=dt.date(2025, 3, 1), late_messages=late))
    return tuple(top)


def _column(rng: random.Random, ctype: str, tier: int, js: str) -> ColumnSpec:
    names, slug = _NAMES[ctype]
    cadence = _CADENCES[ctype][tier] if ctype in _CADENCES else None
    return ColumnSpec(ctype, rng.choice(names), slug, js=js, cadence=cadence)


def _plant_columns(rng: random.Random, specs: list[ColumnSpec], plants: tuple[str, ...]) -> list[ColumnSpec]:
    """Plant the column defects: each on its own column, so one never hides another."""
    def day(low: int, high: int) -> dt.date:
        return REFERENCE - dt.timedelta(days=rng.randint(low, high))

    by_type = {s.ctype: k for k, s in enumerate(specs) if s.ctype != "other"}
    changes: dict[str, dict] = {}
    if "broken_link" in plants:
        changes.setdefault("notice", {})["broken_attachment"] = True
    if "item_removed" in plants:   # taken down the day after: a crawl must have seen it listed first
        changes.setdefault("notice", {})["removed"] = (2, REFERENCE + dt.timedelta(days=1))
    if "privacy_leak" in plants:
        changes.setdefault("notice", {})["discloses"] = (day(150, 600), "page")
    if "interpretation_missing" in plants:
        changes.setdefault("policy", {})["uninterpreted"] = day(150, 600)
    if "slow_page" in plants:
        changes.setdefault("org", {})["slow"] = True
    if "column_empty" in plants:
        target = rng.choice([t for t in ("licensing", "penalty", "procurement") if t in by_type])
        changes.setdefault(target, {})["empty"] = True
    if "column_stale" in plants:
        target = rng.choice([t for t in ("news", "notice", "policy") if t not in changes])
        changes[target] = {"until": day(30, 300) if target == "news" else day(200, 500)}
    for ctype, fields in changes.items():
        specs[by_type[ctype]] = replace(specs[by_type[ctype]], **fields)
    return specs


def _agency_plants(rng: random.Random, level: str, kind: str, plants: tuple[str, ...]) -> dict:
    """The agency-wide plants: annual reports late, missing or unbalanced, a homepage that stopped."""
    years = rng.sample(range(2019, 2026), 3)
    fields: dict = {}
    if "annual_report_late" in plants:
        due = rep.deadline(years[0], kind, level)
        fields["late_reports"] = {years[0]: due + dt.timedelta(days=rng.randint(10, 120))}
    if "annual_report_missing" in plants:
        fields["missing_reports"] = (years[1],)
    if "report_balance" in plants:
        fields["balance_error_year"] = years[2]
    if "homepage_stale" in plants:
        fields["homepage_frozen"] = REFERENCE - dt.timedelta(days=rng.randint(20, 200))
    return fields


# faults -----------------------------------------------------------------------------------------

class Maintenance(faults.Maintenance):
    title = "整站「系统维护中」（HTTP 200），一直未恢复"

    def active(self, as_of: dt.date) -> bool:
        return True


class SlowHome(faults.SlowHome):
    """The homepage answers late; ``national_server`` waits without holding up the other sites."""
    title = "首页过几秒才答（national_server --slow-home-seconds，默认 8 秒；抓取超时 5 秒）"

    def before(self, req):
        return None


FAULT_KINDS = {"waf_403": faults.WafBlock, "soft_404": faults.SoftUnknown, "maintenance": Maintenance,
               "slow_home": SlowHome, "malformed_html": faults.MalformedList}


# registry and truth -----------------------------------------------------------------------------

def national_registry_entries(n: int, seed: int = DEFAULT_SEED, port: int = NATIONAL_PORT) -> list[dict]:
    """Registry mappings (the fields of agencies/*.yaml) for the ``n`` national agencies."""
    world = World(n, seed, port, cache_sites=1)
    entries = []
    for i in range(n):
        site = world.shell(i)
        spec = site.spec
        entry = {"id": spec.id, "name": spec.name, "level": spec.level, "kind": spec.kind,
                 "region_code": spec.region_code, "homepage": site.url("/"), "portal": site.url(site.portal_path)}
        if spec.parent:
            entry["parent"] = spec.parent
        entry["notes"] = f"沙盒机构（虚构），{spec.model}"
        entries.append(entry)
    return entries


def build_national_manifest(n: int, seed: int = DEFAULT_SEED, as_of: dt.date = REFERENCE, port: int = NATIONAL_PORT,
                            *, detail=(), defects: bool = True) -> dict:
    """The truth on ``as_of``: every agency with its plants and fault; ``defects`` (every agency's true
    defects, as ``manifest.defects`` computes them: each site built once, ~30 ms); for the ids in
    ``detail`` also its columns, items and reports as in the hand-made manifest."""
    from .manifest import _agency
    from .manifest import defects as site_defects

    world, wanted = World(n, seed, port, cache_sites=1), set(detail)
    agencies, found, entries = [], [], []
    for i in range(n):
        shell = world.shell(i)
        entry = {"id": shell.spec.id, "name": shell.spec.name, "level": shell.spec.level, "kind": shell.spec.kind,
                 "cms": shell.spec.cms, "host": shell.host, "homepage": shell.url("/"),
                 "portal": shell.url(shell.portal_path), "plants": list(world.plants.get(i, ())),
                 "fault": world.faults.get(i)}
        if defects or shell.spec.id in wanted or i in world.faults:
            site = build_site(shell.spec, i, port, "", host=shell.host)
            if shell.spec.id in wanted:
                entry.update(_agency(site, as_of))
            if defects:
                found += site_defects(site, as_of)
            fault = world.fault(i, site)
            if fault:
                entries.append(fault.entry(as_of))
        agencies.append(entry)
    manifest = {"as_of": as_of.isoformat(), "port": port, "seed": seed, "agencies": agencies,
                "faults": entries, "counts": counts(world)}
    if defects:
        manifest["defects"] = found
    return manifest


def counts(world: World) -> dict:
    """How many agencies of each level, CMS family, plant and fault."""
    plants = {check: sum(check in got for got in world.plants.values()) for check in PLANT_RATES}
    kinds = {kind: sum(got == kind for got in world.faults.values()) for kind in FAULT_RATES}
    families = {name: world.cms.count(name) for name, _ in CMS_SHARES}
    return {"levels": dict(world.level_counts), "cms": families, "plants": plants, "faults": kinds}


def write_national_manifest(path: str | Path, n: int, seed: int, as_of: dt.date, port: int, detail=()) -> None:
    manifest = build_national_manifest(n, seed, as_of, port, detail=detail)
    Path(path).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
