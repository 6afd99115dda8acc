"""Row validation rules that must hold for every input (hypothesis), and header matching."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.directories.columns import map_header, match_header
from services.directories.validation import (
    DepartmentRef,
    Invalid,
    References,
    SubjectRows,
    code_list,
    months,
)
from tests.db.directories_support import SUBJECT_HEADER, code, subject_row

SCJG = DepartmentRef(1, "SCJG", "市场监督管理局")
REFS = References(departments=(SCJG, DepartmentRef(2, "STHJ", "生态环境局")), department=SCJG)


def _validator(header: list[str] = SUBJECT_HEADER) -> SubjectRows:
    return SubjectRows(map_header("subjects", 1, header), REFS)


cell_values = {
    "统一社会信用代码": st.one_of(
        st.integers(0, 10**6).map(code),
        st.text(max_size=20),
        st.integers(0, 99).map(lambda n: code(n).lower()),
    ),
    "企业名称": st.one_of(st.just("鄂州市鑫华商贸有限公司"), st.text(max_size=310)),
    "类型": st.sampled_from(["", "企业", "个体工商户", "产品", "项目", "行为", "公司", "工厂"]),
    "住所": st.text(max_size=20),
    "所属区域": st.one_of(st.sampled_from(["鄂城区", "华容区", ""]), st.text(max_size=70)),
    "行业代码": st.sampled_from(["", "F5212", "c1391", "H", "52", "食品", "Z12", "F52123"]),
    "经度": st.one_of(st.floats(-200, 200).map(str), st.sampled_from(["", "nan", "东经114"])),
    "纬度": st.one_of(st.floats(-100, 100).map(str), st.sampled_from(["", "inf", "30,5"])),
    "信用风险分类": st.sampled_from(["", "A", "b", "C类", "D类（信用风险高）", "E", "高"]),
    "登记状态": st.sampled_from(["", "存续", "在营", "注销", "吊销", "迁出", "正常", "死亡"]),
    "经营高峰月份": st.sampled_from(["", "1、2、10", "6-8", "6月-8月", "13", "8-6", "全年"]),
}
rows = st.fixed_dictionaries(cell_values).map(lambda d: [d[h] for h in SUBJECT_HEADER])


@settings(max_examples=400, deadline=None)
@given(rows)
def test_fast_path_accepts_exactly_what_the_careful_path_accepts(row: list[str]) -> None:
    fast = _validator()
    try:
        quick = fast._fast(list(row))
    except (Invalid, ValueError, TypeError, AttributeError):
        quick = None
    careful = _validator()
    thorough = careful.validate_slow(2, list(row))
    if quick is not None:
        assert quick == thorough
    assert (thorough is None) == bool(careful.errors)
    combined = _validator()
    assert combined.validate(2, list(row)) == thorough


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=40))
def test_every_repeat_of_a_key_is_reported_once_per_later_row(numbers: list[int]) -> None:
    validator = _validator()
    accepted = [validator.validate(i + 2, subject_row(n)) for i, n in enumerate(numbers)]
    repeats = len(numbers) - len(set(numbers))
    assert sum(r is None for r in accepted) == repeats
    assert [e.reason for e in validator.errors] == ["dir-err-duplicate"] * repeats


@given(st.sets(st.integers(1, 12), min_size=1), st.sampled_from(["、", ",", "，", ";", " "]))
def test_any_set_of_months_reads_back_sorted(chosen: set[int], sep: str) -> None:
    assert months(sep.join(f"{m}月" for m in sorted(chosen, reverse=True))) == sorted(chosen)


def test_month_ranges_and_lists() -> None:
    assert months("6-8") == [6, 7, 8]
    assert months("11月至12月、1月") == [1, 11, 12]
    assert code_list("SCJG-001、SCJG-002；SCJG-001\nSTHJ-001") == [
        "SCJG-001",
        "SCJG-002",
        "STHJ-001",
    ]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("统一社会信用代码", "identifier"),
        ("信用代码", "identifier"),
        ("*统一社会信用代码", "identifier"),
        ("企业名称", "name"),
        ("主体名称", "name"),
        ("住所（经营场所）", "address"),
        ("经营场所", "address"),
        ("辖区", "district"),
        ("经度（WGS-84）", "longitude"),
        ("纬度(WGS84)", "latitude"),
        ("风险等级", "risk_class"),
        ("登记状态", "status"),
        ("Credit Code", "identifier"),
        ("  Peak   Months ", "peak_months"),
        ("序号", None),
    ],
)
def test_subject_headers_as_officials_write_them(header: str, field: str | None) -> None:
    assert match_header("subjects", header) == field


@pytest.mark.parametrize(
    ("kind", "header", "field"),
    [
        ("inspectors", "执法证号", "certificate_no"),
        ("inspectors", "证件有效期", "certificate_expires_on"),
        ("inspectors", "人员编号", "staff_no"),
        ("inspectors", "可检查事项", "qualified_items"),
        ("items", "检查方法", "methods"),
        ("items", "检查内容", "checklist"),
        ("items", "法律依据", "legal_basis"),
        ("items", "工作要求", "requirements"),
        ("experts", "专业领域", "specialties"),
        ("conflicts", "回避事由", "reason"),
    ],
)
def test_other_directories_headers(kind: str, header: str, field: str) -> None:
    assert match_header(kind, header) == field


rows_with_department = st.tuples(
    rows, st.sampled_from(["SCJG", "市场监督管理局", "STHJ", "", "税务局"])
).map(lambda pair: [*pair[0], pair[1]])


@settings(max_examples=300, deadline=None)
@given(st.lists(rows_with_department, min_size=1, max_size=4),
       st.sampled_from([REFS, References(departments=REFS.departments)]))
def test_fast_path_agrees_with_a_department_column_too(
    many: list[list[str]], refs: References
) -> None:
    header = [*SUBJECT_HEADER, "所属部门"]
    combined = SubjectRows(map_header("subjects", 1, header), refs)
    careful = SubjectRows(map_header("subjects", 1, header), refs)
    for number, row in enumerate(many, start=2):
        expected = careful.validate_slow(number, list(row))
        assert combined.validate(number, list(row)) == expected
    assert [(e.row, e.reason) for e in combined.errors] == [
        (e.row, e.reason) for e in careful.errors
    ]
