"""Realistic synthetic directories for Ezhou (鄂州市), deterministic from a seed.

Five districts (鄂城区, 华容区, 梁子湖区, 葛店开发区, 临空经济区) with coordinate boxes inside
the city; five departments with stable codes; each department's items with guidance for this
year and next (Art. 7, 10); subjects with valid USCCs (GB 32100-2015, with the embedded GB 11714
organisation code check too), GB/T 4754 industry codes, a realistic skew of credit risk classes
and registration statuses, peak months, recent inspections; inspectors with enforcement
certificates (some expiring soon, a few without); experts and testing institutions; a few
declared conflicts of interest (Art. 8, 9).

This is synthetic data, so ``random.Random(seed)`` is fine here; the draws themselves never use
``random`` (DESIGN.md §5). Subjects are generated and inserted in batches, so millions load in
bounded memory (``load_demo_data``), and ``write_subjects_csv`` writes an import file of N
subjects for the benchmark.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.audit import AuditEntry, AuditTrail
from services.clock import Clock, local_date
from services.directories import uscc
from services.directories.bulk import insert_records
from services.directories.enums import SUBJECT_KINDS, SUBJECT_STATUSES
from services.directories.exporter import headers
from services.directories.tables import (
    CONFLICTS,
    EXPERTS,
    INSPECTIONS,
    INSPECTORS,
    ITEMS,
    SUBJECTS,
    TableSpec,
)
from storage.models import (
    CatalogueYear,
    Department,
    Inspector,
    Subject,
    SubjectInspection,
)

DEMO_ACTOR = "demo-data"
BATCH = 5000
AUDIT_KEYS_PER_EVENT = 5000  # as the importer: one created-event per batch of records

# (code, 中文名称, English name) — stable codes, documented in docs/directories.md
DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("SCJG", "鄂州市市场监督管理局", "Ezhou Market Supervision Administration"),
    ("STHJ", "鄂州市生态环境局", "Ezhou Ecology and Environment Bureau"),
    ("YJGL", "鄂州市应急管理局", "Ezhou Emergency Management Bureau"),
    ("WJW", "鄂州市卫生健康委员会", "Ezhou Health Commission"),
    ("JTYS", "鄂州市交通运输局", "Ezhou Transport Bureau"),
)


@dataclass(frozen=True)
class District:
    """A district with its division code (for USCCs), streets and a lat/lon box (WGS-84)."""

    name: str
    division: str
    streets: tuple[str, ...]
    lat: tuple[float, float]
    lon: tuple[float, float]
    weight: int


DISTRICTS: tuple[District, ...] = (
    District(
        "鄂城区",
        "420704",
        ("古城路", "寒溪路", "滨湖南路", "吴都大道", "凤凰路", "南浦路"),
        (30.36, 30.42),
        (114.84, 114.93),
        40,
    ),
    District(
        "华容区",
        "420703",
        ("华容大道", "庙岭路", "蒲团街", "段店路"),
        (30.50, 30.56),
        (114.70, 114.78),
        18,
    ),
    District(
        "梁子湖区",
        "420702",
        ("太和大道", "梁湖大道", "东沟路", "沼山路"),
        (30.20, 30.28),
        (114.57, 114.70),
        12,
    ),
    District(
        "葛店开发区",
        "420700",
        ("高新大道", "创业大道", "光谷东路", "葛华大道"),
        (30.49, 30.53),
        (114.59, 114.66),
        16,
    ),
    District(
        "临空经济区",
        "420700",
        ("花湖大道", "燕矶大道", "临空大道", "杨叶路"),
        (30.33, 30.38),
        (114.97, 115.05),
        14,
    ),
)


@dataclass(frozen=True)
class Industry:
    """A GB/T 4754-2017 class with name words, peak months and the departments that watch it."""

    code: str
    label: str
    words: tuple[str, ...]
    suffixes: tuple[str, ...]
    peak: tuple[int, ...]
    departments: tuple[str, ...]  # besides SCJG, which lists every market entity
    individual_share: float
    weight: int


INDUSTRIES: tuple[Industry, ...] = (
    Industry(
        "H6210",
        "正餐服务",
        ("酒楼", "餐馆", "土菜馆", "鱼馆"),
        ("餐饮有限公司", "酒店"),
        (1, 2, 10),
        (),
        0.7,
        16,
    ),
    Industry(
        "H6220",
        "快餐服务",
        ("快餐", "面馆", "早餐店"),
        ("餐饮管理有限公司", "快餐店"),
        (1, 2, 9),
        (),
        0.8,
        10,
    ),
    Industry(
        "F5212",
        "超级市场零售",
        ("超市", "购物广场", "便利店"),
        ("商贸有限公司", "超市"),
        (1, 2, 10, 11, 12),
        (),
        0.5,
        12,
    ),
    Industry(
        "F5251",
        "西药零售",
        ("大药房", "药店"),
        ("医药连锁有限公司", "大药房"),
        (1, 2, 12),
        (),
        0.3,
        5,
    ),
    Industry(
        "C1391",
        "淀粉及淀粉制品制造",
        ("粉业", "食品"),
        ("食品有限公司",),
        (9, 10, 11),
        ("STHJ",),
        0.0,
        2,
    ),
    Industry(
        "C1761",
        "家用纺织制成品制造",
        ("纺织", "家纺"),
        ("纺织有限公司",),
        (3, 4, 9, 10),
        (),
        0.0,
        2,
    ),
    Industry(
        "C2614",
        "有机化学原料制造",
        ("化工", "精细化工"),
        ("化工有限公司", "化学股份有限公司"),
        (3, 4, 5),
        ("YJGL", "STHJ"),
        0.0,
        3,
    ),
    Industry(
        "C3130",
        "钢压延加工",
        ("钢铁", "金属制品"),
        ("钢铁有限公司", "金属制品有限公司"),
        (3, 4, 5, 9, 10),
        ("YJGL", "STHJ"),
        0.0,
        3,
    ),
    Industry(
        "C3311",
        "金属结构制造",
        ("钢结构", "机械"),
        ("钢结构有限公司", "机械制造有限公司"),
        (4, 5, 6),
        ("YJGL",),
        0.0,
        3,
    ),
    Industry(
        "G5431",
        "普通货物道路运输",
        ("物流", "运输"),
        ("物流有限公司", "运输有限公司"),
        (11, 12),
        ("JTYS", "YJGL"),
        0.2,
        6,
    ),
    Industry(
        "O8111",
        "汽车修理与维护",
        ("汽修", "汽车服务"),
        ("汽车维修有限公司", "汽修厂"),
        (1, 2),
        ("JTYS",),
        0.6,
        5,
    ),
    Industry(
        "P8391",
        "职业技能培训",
        ("驾校", "驾驶培训"),
        ("驾驶员培训有限公司",),
        (7, 8),
        ("JTYS",),
        0.0,
        1,
    ),
    Industry(
        "H6110",
        "旅游饭店",
        ("大酒店", "宾馆", "酒店"),
        ("酒店管理有限公司", "宾馆"),
        (5, 7, 8, 10),
        ("WJW",),
        0.4,
        4,
    ),
    Industry(
        "O8051",
        "理发及美容服务",
        ("美发", "美容"),
        ("美容美发店", "美业有限公司"),
        (1, 2, 9),
        ("WJW",),
        0.9,
        6,
    ),
    Industry(
        "Q8421",
        "社区卫生服务中心（站）",
        ("诊所", "卫生服务站"),
        ("诊所", "医疗服务有限公司"),
        (1, 2, 12),
        ("WJW",),
        0.5,
        3,
    ),
    Industry(
        "A0412",
        "内陆养殖",
        ("水产", "螃蟹养殖"),
        ("水产养殖专业合作社", "水产有限公司"),
        (9, 10, 11),
        ("STHJ",),
        0.3,
        3,
    ),
    Industry(
        "F5261",
        "汽车新车零售",
        ("汽车销售", "汽贸"),
        ("汽车销售服务有限公司",),
        (5, 9, 10),
        (),
        0.0,
        2,
    ),
    Industry("K7020", "物业管理", ("物业", "物业服务"), ("物业服务有限公司",), (), (), 0.0, 2),
)

# Shop-name characters (字号); two of them make a name, as most Ezhou businesses have.
BRAND = "鑫华盛鸿泰瑞祥福兴隆恒达聚源丰顺安康宏德荣昌永利金鼎新润嘉和乐天博远楚吴都凤凰梁湖洋澜"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰辉建国红文斌志鹏宇浩然欣怡俊峰"

# Risk classes: most subjects low or moderate risk, few high (信用风险分类 as published).
RISK_WEIGHTS = (("A", 30), ("B", 52), ("C", 14), ("D", 4))
STATUS_WEIGHTS = (
    ("active", 930),
    ("suspended", 25),
    ("deregistered", 25),
    ("revoked", 10),
    ("cancelled", 3),
    ("moved_out", 7),
)


@dataclass(frozen=True)
class ItemTemplate:
    """One item of the catalogue with its guidance (工作指引, Art. 10)."""

    code: str
    name: str
    departments: tuple[str, ...]
    kinds: tuple[str, ...]
    legal_basis: str
    checklist: tuple[str, ...]
    methods: tuple[str, ...]
    requirements: str


ITEMS_CATALOGUE: tuple[ItemTemplate, ...] = (
    ItemTemplate(
        "SCJG-001",
        "企业公示信息的检查",
        ("SCJG",),
        ("enterprise",),
        "《企业信息公示暂行条例》第十四条",
        ("年度报告公示信息的真实性", "即时公示信息的及时性", "住所（经营场所）与登记一致"),
        ("document", "onsite", "online"),
        "核查年度报告所列资产、人员、股权等信息；发现隐瞒真实情况、弄虚作假的，依法列入经营异常名录。",
    ),
    ItemTemplate(
        "SCJG-002",
        "食品经营者经营行为的检查",
        ("SCJG",),
        ("enterprise", "individual"),
        "《中华人民共和国食品安全法》第一百一十条",
        ("食品经营许可证是否有效", "从业人员健康证明", "进货查验记录", "食品贮存条件及标签标识"),
        ("onsite", "sampling"),
        "现场检查经营场所和贮存条件，必要时抽样送检；当场制作现场检查笔录。",
    ),
    ItemTemplate(
        "SCJG-003",
        "工业产品生产许可证获证企业的检查",
        ("SCJG",),
        ("enterprise",),
        "《中华人民共和国工业产品生产许可证管理条例》第三十八条",
        ("获证企业持续保持生产条件", "出厂检验记录", "产品标识使用许可证编号"),
        ("onsite", "sampling"),
        "对照许可实施细则逐项核查；需抽样的，委托有资质的检验机构检验。",
    ),
    ItemTemplate(
        "SCJG-004",
        "特种设备使用单位的检查",
        ("SCJG", "YJGL"),
        ("enterprise",),
        "《中华人民共和国特种设备安全法》第五十七条",
        ("特种设备使用登记", "定期检验是否在有效期内", "作业人员持证上岗", "安全技术档案"),
        ("onsite", "document"),
        "检查设备使用登记证和定期检验报告；发现超期未检的，责令停止使用。",
    ),
    ItemTemplate(
        "SCJG-005",
        "药品零售企业的检查",
        ("SCJG",),
        ("enterprise", "individual"),
        "《中华人民共和国药品管理法》第九十九条",
        ("药品经营许可证", "执业药师在岗", "处方药凭处方销售", "药品储存温湿度记录"),
        ("onsite",),
        "现场检查，核对处方登记和温湿度记录。",
    ),
    ItemTemplate(
        "STHJ-001",
        "排污单位排污许可执行情况的检查",
        ("STHJ",),
        ("enterprise",),
        "《排污许可管理条例》第二十八条",
        ("持证排污", "自行监测和台账记录", "执行报告按时提交", "污染防治设施正常运行"),
        ("onsite", "document", "sampling"),
        "对照排污许可证载明事项逐项核查，必要时委托监测机构采样监测。",
    ),
    ItemTemplate(
        "STHJ-002",
        "危险废物规范化管理的检查",
        ("STHJ",),
        ("enterprise",),
        "《中华人民共和国固体废物污染环境防治法》第七十八条",
        ("危险废物管理计划备案", "贮存场所规范", "转移联单", "委托有资质单位利用处置"),
        ("onsite", "document"),
        "现场核查贮存设施与台账，核对转移联单。",
    ),
    ItemTemplate(
        "STHJ-003",
        "建设项目环境影响评价执行情况的检查",
        ("STHJ",),
        ("project",),
        "《中华人民共和国环境影响评价法》第二十七条",
        ("环评审批手续", "环保设施“三同时”", "竣工环境保护验收"),
        ("onsite", "document"),
        "查阅环评批复与验收材料，现场核对环保设施建设情况。",
    ),
    ItemTemplate(
        "YJGL-001",
        "危险化学品经营单位安全生产的检查",
        ("YJGL",),
        ("enterprise",),
        "《危险化学品安全管理条例》第三十三条",
        ("危险化学品经营许可证", "储存场所安全距离", "安全管理制度和应急预案", "从业人员安全培训"),
        ("onsite", "document"),
        "现场检查储存设施和安全管理台账；发现重大隐患的，依法责令停产停业整改。",
    ),
    ItemTemplate(
        "YJGL-002",
        "工贸企业安全生产的检查",
        ("YJGL",),
        ("enterprise",),
        "《中华人民共和国安全生产法》第六十五条",
        ("安全生产责任制", "隐患排查治理台账", "有限空间作业管理", "粉尘防爆措施"),
        ("onsite",),
        "按行业检查表逐项检查，留存照片和检查记录。",
    ),
    ItemTemplate(
        "WJW-001",
        "公共场所卫生的检查",
        ("WJW",),
        ("enterprise", "individual"),
        "《公共场所卫生管理条例》第十条",
        ("卫生许可证", "从业人员健康合格证明", "公共用品用具清洗消毒", "空气质量和水质检测"),
        ("onsite", "sampling"),
        "现场检查并可快速检测；不合格的，责令限期改进。",
    ),
    ItemTemplate(
        "WJW-002",
        "医疗机构依法执业的检查",
        ("WJW",),
        ("enterprise", "individual"),
        "《医疗机构管理条例》第四十条",
        ("医疗机构执业许可证", "医务人员执业资格", "诊疗科目与登记一致", "医疗废物处置"),
        ("onsite", "document"),
        "核对执业许可证和人员资质，检查医疗废物交接记录。",
    ),
    ItemTemplate(
        "WJW-003",
        "生活饮用水卫生的检查",
        ("WJW", "SCJG"),
        ("enterprise",),
        "《生活饮用水卫生监督管理办法》第十六条",
        ("供水单位卫生许可证", "水质检测记录", "涉水产品卫生许可批件"),
        ("onsite", "sampling"),
        "采集水样送检，核查水质自检记录。",
    ),
    ItemTemplate(
        "JTYS-001",
        "道路运输企业的检查",
        ("JTYS",),
        ("enterprise", "individual"),
        "《中华人民共和国道路运输条例》第六十条",
        ("道路运输经营许可证", "车辆道路运输证和年审", "驾驶员从业资格", "动态监控运行情况"),
        ("onsite", "document", "online"),
        "核查车辆与驾驶员资质，调阅动态监控平台数据。",
    ),
    ItemTemplate(
        "JTYS-002",
        "机动车维修经营的检查",
        ("JTYS",),
        ("enterprise", "individual"),
        "《机动车维修管理规定》第四十八条",
        ("维修经营备案", "维修档案和结算清单", "配件来源台账"),
        ("onsite", "document"),
        "现场检查维修档案，抽查结算清单与配件台账。",
    ),
    ItemTemplate(
        "JTYS-003",
        "机动车驾驶员培训机构的检查",
        ("JTYS",),
        ("enterprise",),
        "《机动车驾驶员培训管理规定》第四十二条",
        ("培训备案", "教练员资格", "教学日志和计时培训系统"),
        ("onsite", "online"),
        "现场检查并调阅计时培训系统记录。",
    ),
    ItemTemplate(
        "JTYS-004",
        "在建公路工程项目的检查",
        ("JTYS", "YJGL"),
        ("project",),
        "《公路建设监督管理办法》第二十条",
        ("施工许可和质量监督手续", "安全生产费用使用", "关键工序质量控制"),
        ("onsite", "document"),
        "现场检查施工质量与安全措施，查阅监理记录。",
    ),
)

PROJECTS: tuple[tuple[str, str, str, str], ...] = (
    ("XM-420700-2025-001", "鄂州花湖机场综合交通配套道路工程", "JTYS", "临空经济区"),
    ("XM-420700-2025-002", "鄂城区滨湖南路改造工程", "JTYS", "鄂城区"),
    ("XM-420700-2025-003", "葛店开发区污水处理厂扩建项目", "STHJ", "葛店开发区"),
    ("XM-420700-2026-004", "梁子湖生态保护修复项目", "STHJ", "梁子湖区"),
    ("XM-420700-2026-005", "华容区化工园区安全改造项目", "STHJ", "华容区"),
)

EXPERTS_DATA: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    (
        "JG001",
        "鄂州市产品质量监督检验所",
        "institution",
        "鄂州市市场监督管理局",
        ("工业产品检验", "计量检定"),
    ),
    (
        "JG002",
        "湖北省食品质量安全监督检验研究院",
        "institution",
        "湖北省市场监督管理局",
        ("食品检验",),
    ),
    (
        "JG003",
        "鄂州市疾病预防控制中心",
        "institution",
        "鄂州市卫生健康委员会",
        ("水质检测", "公共场所卫生检测"),
    ),
    ("JG004", "鄂州市生态环境监测站", "institution", "鄂州市生态环境局", ("废水监测", "废气监测")),
    (
        "JG005",
        "湖北省特种设备检验检测研究院鄂州分院",
        "institution",
        "湖北省市场监督管理局",
        ("特种设备检验",),
    ),
    ("KY001", "湖北工业大学资源与环境学院", "research", "湖北工业大学", ("环境工程",)),
    ("KY002", "武汉理工大学安全科学与应急管理学院", "research", "武汉理工大学", ("安全工程",)),
)
EXPERT_FIELDS: tuple[tuple[str, str], ...] = (
    ("食品安全", "SCJG"),
    ("特种设备", "SCJG"),
    ("药品质量", "SCJG"),
    ("环境监测", "STHJ"),
    ("危险废物", "STHJ"),
    ("化工安全", "YJGL"),
    ("消防安全", "YJGL"),
    ("公共卫生", "WJW"),
    ("医疗管理", "WJW"),
    ("道路运输", "JTYS"),
    ("工程质量", "JTYS"),
    ("企业财务审计", "SCJG"),
)
CONFLICT_REASONS = (
    "近亲属在该企业担任负责人",
    "曾在该企业任职，离职未满三年",
    "本人持有该企业股份",
    "与企业法定代表人存在经济往来",
    "曾对该企业作出行政处罚，当事人申请回避",
)
INSPECTORS_PER_DEPARTMENT = {"SCJG": 48, "STHJ": 20, "YJGL": 20, "WJW": 18, "JTYS": 18}


@dataclass(frozen=True)
class DemoSummary:
    """What ``load_demo_data`` loaded (or found already loaded)."""

    seed: int
    departments: int
    items: int
    subjects: int
    inspectors: int
    experts: int
    conflicts: int
    inspections: int
    loaded: bool  # False when the database already held demo data


@dataclass(frozen=True)
class SubjectDraft:
    """One generated subject with the department directories that list it."""

    identifier: str
    name: str
    kind: str
    address: str
    district: str
    industry: str
    longitude: float
    latitude: float
    risk: str
    status: str
    peak: list[int]
    departments: tuple[str, ...]
    active: bool
    inspected: tuple[str, dt.date] | None


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


class DemoGenerator:
    """Deterministic generator of the demo directories from ``seed`` and ``today``."""

    def __init__(self, seed: int, today: dt.date) -> None:
        self.seed = seed
        self.today = today
        self.year = today.year

    def person(self, rng: random.Random) -> str:
        """A plausible Chinese name."""
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        return rng.choice(SURNAMES) + given

    def items(self, year: int) -> list[tuple[Any, ...]]:
        """The catalogue of ``year`` as item records (ITEMS.columns order)."""
        return [
            (
                year,
                t.code,
                t.name,
                t.legal_basis,
                list(t.departments),
                list(t.kinds),
                list(t.checklist),
                list(t.methods),
                t.requirements,
            )
            for t in ITEMS_CATALOGUE
        ]

    def subjects(self, n: int) -> Iterator[SubjectDraft]:
        """``n`` market entities (plus a few projects), each with its directories."""
        rng = random.Random(f"jointcheck-demo-subjects-{self.seed}")
        district_weights = [d.weight for d in DISTRICTS]
        industry_weights = [i.weight for i in INDUSTRIES]
        # an affine bijection on 0..10^8-1 spreads organisation codes without repeats
        offset = rng.randrange(10**8)
        for index in range(n):
            district = rng.choices(DISTRICTS, weights=district_weights)[0]
            industry = rng.choices(INDUSTRIES, weights=industry_weights)[0]
            individual = rng.random() < industry.individual_share
            org = f"{(index * 48271 + offset) % 10**8:08d}"
            body = ("92" if individual else "91") + district.division + org
            body += uscc.organisation_check(org)
            code = body + uscc.check_character(body)
            brand = rng.choice(BRAND) + rng.choice(BRAND)
            word = rng.choice(industry.words)
            if individual:
                name = f"{district.name}{brand}{word}"
                if rng.random() < 0.3:
                    name += f"（{rng.choice(district.streets)}店）"
            else:
                suffix = rng.choice(industry.suffixes)
                name = (
                    f"鄂州市{brand}{suffix}"
                    if suffix.endswith(("公司", "合作社"))
                    else f"{district.name}{brand}{word}{suffix}"
                )
            address = (
                f"湖北省鄂州市{district.name}{rng.choice(district.streets)}{rng.randint(1, 888)}号"
            )
            lat = round(rng.uniform(*district.lat), 6)
            lon = round(rng.uniform(*district.lon), 6)
            status = _weighted(rng, STATUS_WEIGHTS)
            risk = _weighted(rng, RISK_WEIGHTS)
            if status != "active" and risk in ("A", "B") and rng.random() < 0.5:
                risk = "C"
            departments = ("SCJG", *industry.departments)
            active = rng.random() >= 0.01  # a few already taken off the directory
            inspected = None
            if rng.random() < 0.08:
                own = [
                    t.code
                    for t in ITEMS_CATALOGUE
                    if t.departments[0] in departments
                    and ("individual" if individual else "enterprise") in t.kinds
                ]
                if own:
                    days = rng.randint(10, 540)
                    inspected = (rng.choice(own), self.today - dt.timedelta(days=days))
            yield SubjectDraft(
                code,
                name,
                "individual" if individual else "enterprise",
                address,
                district.name,
                industry.code,
                lon,
                lat,
                risk,
                status,
                list(industry.peak),
                departments,
                active,
                inspected,
            )

    def projects(self) -> list[SubjectDraft]:
        """Construction projects, identified by their project codes (not USCCs)."""
        rng = random.Random(f"jointcheck-demo-projects-{self.seed}")
        out = []
        for code, name, dep, district_name in PROJECTS:
            district = next(d for d in DISTRICTS if d.name == district_name)
            out.append(
                SubjectDraft(
                    code,
                    name,
                    "project",
                    f"湖北省鄂州市{district.name}{rng.choice(district.streets)}",
                    district.name,
                    "E4812",
                    round(rng.uniform(*district.lon), 6),
                    round(rng.uniform(*district.lat), 6),
                    rng.choice("BC"),
                    "active",
                    [],
                    (dep,) if dep != "JTYS" else ("JTYS", "YJGL"),
                    True,
                    None,
                )
            )
        return out

    def inspectors(self, department: str) -> list[tuple[Any, ...]]:
        """(staff_no, name, certificate_no, expires_on, qualified_items, phone) per inspector."""
        rng = random.Random(f"jointcheck-demo-inspectors-{self.seed}-{department}")
        own = [t.code for t in ITEMS_CATALOGUE if department in t.departments]
        out = []
        for i in range(1, INSPECTORS_PER_DEPARTMENT[department] + 1):
            staff_no = f"{department}{i:03d}"
            roll = rng.random()
            if roll < 0.06:
                certificate, expires = None, None  # daily supervision staff without one
            else:
                certificate = (
                    f"4207{DEPARTMENTS_INDEX[department]:02d}{rng.randint(10**7, 10**8 - 1)}"
                )
                if roll < 0.10:
                    expires = self.today - dt.timedelta(days=rng.randint(1, 90))
                elif roll < 0.22:
                    expires = self.today + dt.timedelta(days=rng.randint(1, 60))
                else:
                    expires = self.today + dt.timedelta(days=rng.randint(90, 1100))
            items = sorted(rng.sample(own, k=rng.randint(1, len(own))))
            phone = f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10**7, 10**8 - 1)}"
            out.append((staff_no, self.person(rng), certificate, expires, items, phone))
        return out

    def experts(self, department_ids: dict[str, int]) -> list[tuple[Any, ...]]:
        """Experts and institutions as EXPERTS records."""
        rng = random.Random(f"jointcheck-demo-experts-{self.seed}")
        out: list[tuple[Any, ...]] = []
        for code, name, kind, org, fields in EXPERTS_DATA:
            items = sorted({t.code for t in ITEMS_CATALOGUE if rng.random() < 0.25})
            out.append(
                (
                    code,
                    name,
                    kind,
                    org,
                    list(fields),
                    items,
                    None,
                    f"0711-{rng.randint(3000000, 3999999)}",
                )
            )
        for i, (speciality, dep) in enumerate(EXPERT_FIELDS, start=1):
            own = sorted(t.code for t in ITEMS_CATALOGUE if dep in t.departments)
            employer = rng.choice(
                (
                    "武汉大学",
                    "华中科技大学",
                    "湖北工业大学",
                    "鄂州职业大学",
                    "鄂州市中心医院",
                    "湖北省安全生产技术中心",
                )
            )
            out.append(
                (
                    f"ZJ{i:03d}",
                    self.person(rng),
                    "expert",
                    employer,
                    [speciality],
                    own,
                    department_ids[dep],
                    f"13{rng.randint(100000000, 999999999)}",
                )
            )
        return out


DEPARTMENTS_INDEX = {code: i for i, (code, _, _) in enumerate(DEPARTMENTS, start=1)}


async def load_demo_data(
    session: AsyncSession,
    clock: Clock,
    *,
    subjects: int,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Load the demo directories (``subjects`` market entities) and commit; idempotent."""
    today = local_date(clock())
    existing = await session.scalar(
        select(func.count())
        .select_from(Department)
        .where(Department.code.in_([c for c, _, _ in DEPARTMENTS]))
    )
    if existing and await session.scalar(select(func.count()).select_from(Subject)):
        summary = await _count(session, seed)
        await session.rollback()
        return summary
    gen = DemoGenerator(seed, today)
    conn = await session.connection()
    dep_ids: dict[str, int] = {}
    # what was created, as the importer audits it: one event per batch with the natural keys
    audit: list[AuditEntry] = []
    for code, name_zh, name_en in DEPARTMENTS:
        found = await session.scalar(select(Department).where(Department.code == code))
        if found is None:
            found = Department(code=code, name_zh=name_zh, name_en=name_en)
            session.add(found)
            await session.flush()
            audit.append(AuditEntry("department.created", "department", code,
                                    {"code": code, "name_zh": name_zh, "name_en": name_en,
                                     "source": "demo", "seed": seed}))
        dep_ids[code] = found.id
    dep_codes = {v: k for k, v in dep_ids.items()}

    def created(spec: TableSpec, records: Sequence[Any]) -> None:
        for start in range(0, len(records), AUDIT_KEYS_PER_EVENT):
            chunk = records[start:start + AUDIT_KEYS_PER_EVENT]
            audit.append(AuditEntry(
                f"{spec.entity}.created", spec.entity, "",
                {"count": len(chunk), "keys": [_natural_key(spec, r, dep_codes) for r in chunk],
                 "source": "demo", "seed": seed},
            ))
    item_count = 0
    for year in (gen.year, gen.year + 1):
        records = gen.items(year)
        await insert_records(conn, ITEMS, records)
        created(ITEMS, records)
        item_count += len(records)
        if await session.get(CatalogueYear, year) is None:
            session.add(CatalogueYear(year=year))
    await session.flush()

    inspector_count = 0
    for code, _, _ in DEPARTMENTS:
        rows = gen.inspectors(code)
        inspector_records = [(dep_ids[code], *r) for r in rows]
        await insert_records(conn, INSPECTORS, inspector_records)
        created(INSPECTORS, inspector_records)
        inspector_count += len(rows)
    experts = gen.experts(dep_ids)
    await insert_records(conn, EXPERTS, experts)
    created(EXPERTS, experts)

    subject_rows = 0
    inspections = 0
    total = subjects + len(PROJECTS)
    done = 0
    batch: list[SubjectDraft] = []
    conflict_candidates: list[tuple[str, str]] = []
    conflict_rng = random.Random(f"jointcheck-demo-conflicts-{seed}")

    async def flush(drafts: list[SubjectDraft]) -> tuple[int, int]:
        records: list[tuple[Any, ...]] = []
        flags: list[bool] = []
        for d in drafts:
            for dep in d.departments:
                records.append(
                    (
                        dep_ids[dep],
                        d.identifier,
                        d.name,
                        d.kind,
                        d.address,
                        d.district,
                        d.industry,
                        d.longitude,
                        d.latitude,
                        d.risk,
                        d.status,
                        d.peak,
                    )
                )
                flags.append(d.active)
        await insert_records(conn, SUBJECTS, records, active=flags)
        created(SUBJECTS, records)
        visited = [d for d in drafts if d.inspected is not None]
        count = 0
        if visited:
            owners: dict[int, list[str]] = {}
            for d in visited:
                assert d.inspected is not None
                owner = next(t.departments[0] for t in ITEMS_CATALOGUE if t.code == d.inspected[0])
                owners.setdefault(dep_ids[owner], []).append(d.identifier)
            ids: dict[tuple[int, str], int] = {}
            for dep_id, identifiers in owners.items():
                # (department_id, identifier) is the unique index: no scan of the whole table
                found = await session.execute(
                    select(Subject.id, Subject.identifier).where(
                        Subject.department_id == dep_id, Subject.identifier.in_(identifiers)
                    )
                )
                ids.update({(dep_id, row.identifier): row.id for row in found})
            rows = []
            for d in visited:
                assert d.inspected is not None
                item, day = d.inspected
                owner = next(t.departments[0] for t in ITEMS_CATALOGUE if t.code == item)
                subject_id = ids.get((dep_ids[owner], d.identifier))
                if subject_id is not None:
                    rows.append({"subject_id": subject_id, "item_code": item, "inspected_on": day})
            if rows:
                await session.execute(insert(SubjectInspection), rows)
                created(INSPECTIONS, [(r["subject_id"], r["item_code"], r["inspected_on"])
                                      for r in rows])
                count = len(rows)
        return len(records), count

    for draft in [*gen.projects(), *gen.subjects(subjects)]:
        batch.append(draft)
        if len(conflict_candidates) < 400 and draft.active and conflict_rng.random() < 0.01:
            conflict_candidates.append((draft.departments[-1], draft.identifier))
        if len(batch) >= BATCH:
            added, visited = await flush(batch)
            subject_rows += added
            inspections += visited
            done += len(batch)
            batch = []
            if progress is not None:
                progress(done, total)
    if batch:
        added, visited = await flush(batch)
        subject_rows += added
        inspections += visited
        done += len(batch)
    if progress is not None:
        progress(done, total)

    conflict_records = await _conflicts(session, conflict_rng, conflict_candidates, dep_ids)
    created(CONFLICTS, conflict_records)
    conflicts = len(conflict_records)
    trail = AuditTrail(session, clock)
    await trail.record_many(DEMO_ACTOR, audit)
    await trail.record(
        DEMO_ACTOR,
        "demo.loaded",
        "demo",
        str(seed),
        {
            "seed": seed,
            "subjects": subject_rows,
            "items": item_count,
            "inspectors": inspector_count,
            "experts": len(experts),
            "conflicts": conflicts,
            "inspections": inspections,
            "departments": sorted(dep_ids),
        },
    )
    await session.commit()
    return DemoSummary(
        seed,
        len(dep_ids),
        item_count,
        subject_rows,
        inspector_count,
        len(experts),
        conflicts,
        inspections,
        True,
    )


async def load_demo_departments(session: AsyncSession, clock: Clock) -> list[str]:
    """Only the five departments (for officials who bring their own files); idempotent."""
    from services.directories.catalogue import add_department

    for code, name_zh, name_en in DEPARTMENTS:
        await add_department(session, clock, code=code, name_zh=name_zh, name_en=name_en,
                             actor=DEMO_ACTOR)
    return [code for code, _, _ in DEPARTMENTS]


async def _conflicts(
    session: AsyncSession,
    rng: random.Random,
    candidates: list[tuple[str, str]],
    dep_ids: dict[str, int],
) -> list[tuple[Any, ...]]:
    """A handful of declared conflicts: an inspector of the subject's department, a reason."""
    picks = candidates[: min(len(candidates), 12)]
    records: list[tuple[Any, ...]] = []
    for dep, identifier in picks:
        inspector = await session.scalar(
            select(Inspector.id)
            .where(Inspector.department_id == dep_ids[dep])
            .order_by(Inspector.staff_no)
            .offset(rng.randrange(INSPECTORS_PER_DEPARTMENT[dep]))
            .limit(1)
        )
        subject_ids = (
            await session.scalars(select(Subject.id).where(Subject.identifier == identifier))
        ).all()
        reason = rng.choice(CONFLICT_REASONS)
        records.extend((inspector, s, reason) for s in subject_ids)
    unique = list({(r[0], r[1]): r for r in records}.values())
    await insert_records(await session.connection(), CONFLICTS, unique)
    return unique


def _natural_key(spec: TableSpec, record: Sequence[Any], dep_codes: dict[int, str]) -> str:
    """A created record's key as the importer's audit writes it: ``SCJG/9142…``, ``2026/…``."""
    parts = []
    for column_name, position in zip(spec.key, spec.key_positions, strict=True):
        value = record[position]
        parts.append(dep_codes.get(value, str(value)) if column_name == "department_id"
                     else str(value))
    return "/".join(parts)


async def _count(session: AsyncSession, seed: int) -> DemoSummary:
    from storage.models import Conflict, Expert, InspectionItem

    async def count(model: Any) -> int:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)

    return DemoSummary(
        seed,
        await count(Department),
        await count(InspectionItem),
        await count(Subject),
        await count(Inspector),
        await count(Expert),
        await count(Conflict),
        await count(SubjectInspection),
        False,
    )


def write_subjects_csv(path: Path, n: int, *, seed: int = 1, department: str | None = None) -> int:
    """Write an import file of ``n`` subjects (export format, UTF-8 with BOM); returns rows."""
    gen = DemoGenerator(seed, dt.date(2026, 3, 2))
    columns = headers("subjects")
    rows = 0
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        kinds = {c.code: c.zh for c in SUBJECT_KINDS.choices}
        statuses = {c.code: c.zh for c in SUBJECT_STATUSES.choices}
        for d in gen.subjects(n):
            writer.writerow(
                (
                    d.identifier,
                    d.name,
                    kinds[d.kind],
                    d.address,
                    d.district,
                    d.industry,
                    repr(d.longitude),
                    repr(d.latitude),
                    d.risk,
                    statuses[d.status],
                    "、".join(map(str, d.peak)),
                    department or d.departments[0],
                )
            )
            rows += 1
    return rows


__all__ = [
    "DemoGenerator", "DemoSummary", "load_demo_data", "load_demo_departments",
    "write_subjects_csv",
]
