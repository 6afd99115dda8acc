"""Column headers as officials write them, with English aliases, for each directory.

The first Chinese header of a column is what export writes; import accepts every alias, after
folding full-width characters, spaces, case, a leading ``*`` (the "required" mark many
templates carry) and a trailing note in brackets such as ``经度（WGS-84）``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from services.directories.enums import fold
from services.directories.errors import FileProblem

KINDS = ("subjects", "inspectors", "experts", "items", "conflicts", "inspections")


@dataclass(frozen=True)
class Column:
    """One column of a directory file."""

    field: str
    zh: tuple[str, ...]
    en: tuple[str, ...]
    required: bool = False

    @property
    def header(self) -> str:
        """The header export writes (Chinese, the form officials know)."""
        return self.zh[0]

    def title(self, language: str) -> str:
        """The column's name in ``language``, for messages."""
        return self.en[0] if language == "en" else self.zh[0]


DEPARTMENT = Column(
    "department",
    ("所属部门", "部门", "部门编码", "管理部门", "实施部门"),
    ("department", "department code", "dept"),
)
PHONE = Column(
    "phone", ("联系电话", "手机", "电话", "手机号码", "联系方式"), ("phone", "telephone", "mobile")
)
QUALIFIED = Column(
    "qualified_items",
    ("可检查事项", "检查事项", "可检查事项编码", "资格事项"),
    ("qualified items", "items", "qualified item codes"),
)
STAFF_NO = Column(
    "staff_no",
    ("工号", "人员编号", "执法人员编号", "编号"),
    ("staff no", "staff number", "employee no"),
    required=True,
)
IDENTIFIER = Column(
    "identifier",
    (
        "统一社会信用代码",
        "信用代码",
        "社会信用代码",
        "统一代码",
        "对象标识",
        "标识码",
        "对象编码",
        "注册号",
    ),
    ("uscc", "unified social credit code", "credit code", "identifier"),
    required=True,
)

SPECS: dict[str, tuple[Column, ...]] = {
    "subjects": (
        IDENTIFIER,
        Column(
            "name",
            (
                "名称",
                "企业名称",
                "主体名称",
                "对象名称",
                "检查对象名称",
                "单位名称",
                "个体工商户名称",
            ),
            ("name", "subject name", "enterprise name"),
            required=True,
        ),
        Column(
            "kind",
            ("类型", "主体类型", "对象类型", "检查对象类型"),
            ("kind", "type", "subject kind"),
        ),
        Column(
            "address",
            ("地址", "住所", "经营场所", "住所（经营场所）", "注册地址", "经营地址"),
            ("address",),
        ),
        Column(
            "district",
            ("所属区域", "区域", "辖区", "所属辖区", "所在区域", "行政区划"),
            ("district", "area"),
        ),
        Column(
            "industry_code",
            ("行业代码", "国民经济行业代码", "行业分类代码"),
            ("industry code", "industry", "gb/t 4754"),
        ),
        Column("longitude", ("经度",), ("longitude", "lon", "lng")),
        Column("latitude", ("纬度",), ("latitude", "lat")),
        Column(
            "risk_class",
            ("信用风险分类", "风险等级", "信用风险等级", "风险分类", "信用等级"),
            ("risk class", "credit risk class", "risk"),
        ),
        Column("status", ("登记状态", "状态", "经营状态"), ("status", "registration status")),
        Column(
            "peak_months",
            ("经营高峰月份", "高峰月份", "生产经营高峰期", "经营高峰期"),
            ("peak months", "peak business months"),
        ),
        DEPARTMENT,
    ),
    "inspectors": (
        STAFF_NO,
        Column("name", ("姓名", "执法人员姓名"), ("name",), required=True),
        Column(
            "certificate_no",
            ("执法证号", "执法证件号", "行政执法证号", "执法证编号", "执法证件号码"),
            ("certificate no", "enforcement certificate", "certificate"),
        ),
        Column(
            "certificate_expires_on",
            ("有效期至", "证件有效期", "执法证有效期", "有效期"),
            ("certificate expires on", "expires on", "valid until"),
        ),
        QUALIFIED,
        PHONE,
        DEPARTMENT,
    ),
    "experts": (
        Column("code", ("编号", "专家编号", "机构编号"), ("code", "expert code"), required=True),
        Column("name", ("姓名", "名称", "专家姓名", "机构名称"), ("name",), required=True),
        Column("kind", ("类型", "专家类型"), ("kind", "type")),
        Column(
            "organisation",
            ("工作单位", "所在单位", "单位", "所属机构"),
            ("organisation", "organization", "employer"),
        ),
        Column(
            "specialties", ("专业领域", "专长", "专业"), ("specialties", "fields", "specialities")
        ),
        QUALIFIED,
        DEPARTMENT,
        PHONE,
    ),
    "items": (
        Column("code", ("事项编码", "事项代码", "编码"), ("code", "item code"), required=True),
        Column("name", ("事项名称", "抽查事项", "名称"), ("name", "item name"), required=True),
        Column("legal_basis", ("法律依据", "抽查依据", "检查依据"), ("legal basis",)),
        Column(
            "department_codes",
            ("实施部门", "适用部门", "检查部门", "所属部门"),
            ("departments", "department codes"),
        ),
        Column(
            "subject_kinds",
            ("检查对象类型", "对象类型", "适用对象"),
            ("subject kinds", "kinds"),
        ),
        Column("checklist", ("检查内容", "检查要点"), ("checklist", "checklist points")),
        Column("methods", ("检查方法", "检查方式"), ("methods",)),
        Column("requirements", ("工作要求", "检查要求"), ("requirements",)),
        Column("year", ("年度",), ("year",)),
    ),
    "conflicts": (
        STAFF_NO,
        Column("inspector_name", ("姓名", "执法人员姓名"), ("inspector name", "name")),
        IDENTIFIER,
        Column(
            "subject_name",
            ("对象名称", "企业名称", "检查对象名称", "名称"),
            ("subject name",),
        ),
        Column("reason", ("回避事由", "回避原因", "事由", "原因"), ("reason",), required=True),
        DEPARTMENT,
    ),
    # 检查记录: the last inspection of a subject for an item, which keeps the subject out of
    # draws for that item during the repeat-inspection window
    "inspections": (
        IDENTIFIER,
        Column(
            "subject_name",
            ("对象名称", "企业名称", "检查对象名称", "主体名称", "单位名称", "名称"),
            ("subject name", "name"),
        ),
        Column(
            "item_code",
            ("检查事项编码", "事项编码", "抽查事项编码", "事项代码", "检查事项", "抽查事项"),
            ("item code", "item", "inspection item"),
            required=True,
        ),
        Column(
            "inspected_on",
            ("检查日期", "最近检查日期", "最近一次检查日期", "上次检查日期", "抽查日期",
             "检查时间"),
            ("inspected on", "inspection date", "last inspected on", "date"),
            required=True,
        ),
        DEPARTMENT,
    ),
}

_BRACKETS = re.compile(r"\(.*?\)$")


def header_key(text: str) -> str:
    """A header folded for matching: no width, case, spaces or ``*`` marks."""
    return fold(text).strip("*")


@dataclass(frozen=True)
class HeaderMap:
    """Which file column holds which field, found in the file's header row."""

    kind: str
    row: int  # the header's row number in the file
    headers: tuple[str, ...]  # as written in the file
    index: dict[str, int]  # field -> column position
    ignored: tuple[str, ...]  # headers that match no column (序号, 备注 ...)

    def has(self, field: str) -> bool:
        """Whether the file has a column for ``field``."""
        return field in self.index

    def header_of(self, field: str, language: str = "zh_CN") -> str:
        """The header as the file wrote it, or our own name when the column is absent."""
        if field in self.index:
            return self.headers[self.index[field]]
        return column(self.kind, field).title(language)


def column(kind: str, field: str) -> Column:
    """The column spec of ``field`` in directory ``kind``."""
    for col in SPECS[kind]:
        if col.field == field:
            return col
    raise KeyError(field)


def _alias_table(kind: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for col in SPECS[kind]:
        for alias in (*col.zh, *col.en, col.field):
            table.setdefault(header_key(alias), col.field)
    return table


ALIASES: dict[str, dict[str, str]] = {kind: _alias_table(kind) for kind in KINDS}


def match_header(kind: str, text: str) -> str | None:
    """The field a header names, or ``None``."""
    table = ALIASES[kind]
    key = header_key(text)
    if key in table:
        return table[key]
    stripped = _BRACKETS.sub("", key)
    return table.get(stripped)


def map_header(kind: str, number: int, cells: Sequence[object]) -> HeaderMap:
    """Map a header row to fields; refuses a row naming the same field twice."""
    headers = tuple("" if c is None else str(c).strip() for c in cells)
    index: dict[str, int] = {}
    ignored: list[str] = []
    for position, text in enumerate(headers):
        if not text:
            continue
        field = match_header(kind, text)
        if field is None:
            ignored.append(text)
            continue
        if field in index:
            raise FileProblem(
                "dir-file-duplicate-column",
                first=headers[index[field]],
                second=text,
            )
        index[field] = position
    return HeaderMap(kind, number, headers, index, tuple(ignored))


def looks_like_header(kind: str, cells: Sequence[object]) -> bool:
    """Whether a row names at least two of the directory's columns (title rows do not)."""
    found = {match_header(kind, str(c)) for c in cells if c not in (None, "")}
    found.discard(None)
    return len(found) >= 2


def missing_required(kind: str, header: HeaderMap, *, need_department: bool) -> list[Column]:
    """Required columns the header lacks (the department too when no ``--department``)."""
    missing = [c for c in SPECS[kind] if c.required and c.field not in header.index]
    if need_department and "department" not in header.index:
        missing.append(column(kind, "department"))
    return missing
