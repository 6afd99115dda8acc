"""Importing subjects from the files officials keep, and refusing bad ones without writing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.directories.errors import FileProblem, UnknownDepartment
from storage.models import AuditEvent, Subject
from tests.conftest import FixedClock
from tests.db.directories_support import (
    SUBJECT_HEADER,
    add_departments,
    code,
    count,
    run_import,
    subject_row,
    write_csv,
)

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def departments(sessions: Sessions) -> dict[str, int]:
    async with sessions() as session:
        return await add_departments(session, "SCJG", "STHJ")


async def test_utf8_csv_imports_every_column(
    sessions: Sessions, clock: FixedClock, departments: dict[str, int], tmp_path: Path
) -> None:
    rows = [subject_row(1), subject_row(2, 类型="个体工商户", 经营高峰月份="6月-8月")]
    path = write_csv(tmp_path / "subjects.csv", SUBJECT_HEADER, rows)
    report = await run_import(sessions, clock, "subjects", path, department="SCJG")
    assert report.ok
    assert report.written
    assert (report.created, report.encoding, report.format) == (2, "utf-8-sig", "csv")
    async with sessions() as session:
        stored = (await session.scalars(select(Subject).order_by(Subject.id))).all()
    first, second = stored
    assert first.identifier == code(1)
    assert first.name == "鄂州市鑫华1商贸有限公司"
    assert (first.kind, first.district, first.industry_code) == ("enterprise", "鄂城区", "F5212")
    assert first.longitude == pytest.approx(114.8501)
    assert first.latitude == pytest.approx(30.3801)
    assert (first.risk_class, first.status, first.peak_months) == ("B", "active", [1, 2, 10])
    assert first.department_id == departments["SCJG"]
    assert first.active
    assert second.kind == "individual"
    assert second.peak_months == [6, 7, 8]


async def test_gbk_csv_as_chinese_excel_saves_it(
    sessions: Sessions, clock: FixedClock, departments: dict[str, int], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "gbk.csv", SUBJECT_HEADER, [subject_row(5)], encoding="gbk")
    report = await run_import(sessions, clock, "subjects", path, department="SCJG")
    assert report.ok
    assert report.encoding == "gb18030"
    async with sessions() as session:
        name = await session.scalar(select(Subject.name))
    assert name == "鄂州市鑫华5商贸有限公司"


async def test_utf8_without_bom_and_english_headers(
    sessions: Sessions, clock: FixedClock, departments: dict[str, int], tmp_path: Path
) -> None:
    header = [
        "USCC",
        "Name",
        "Kind",
        "Address",
        "District",
        "Industry code",
        "Longitude",
        "Latitude",
        "Risk class",
        "Status",
        "Peak months",
    ]
    row = [
        code(7),
        "Ezhou Test Co.",
        "enterprise",
        "1 Guchenglu",
        "鄂城区",
        "C1391",
        "114.9",
        "30.4",
        "c",
        "moved out",
        "12",
    ]
    path = write_csv(tmp_path / "en.csv", header, [row], encoding="utf-8")
    report = await run_import(sessions, clock, "subjects", path, department="SCJG")
    assert report.ok
    assert report.encoding == "utf-8"
    async with sessions() as session:
        stored = await session.scalar(select(Subject))
    assert stored is not None
    assert (stored.risk_class, stored.status, stored.peak_months) == ("C", "moved_out", [12])


async def test_xlsx_with_a_title_row_numbers_and_dates(
    sessions: Sessions, clock: FixedClock, departments: dict[str, int], tmp_path: Path
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["鄂州市市场主体名录（2026年3月）"])  # a title above the header
    sheet.append(["序号", *SUBJECT_HEADER])
    sheet.append(
        [
            1,
            code(9),
            "鄂州市楚天物流有限公司",
            "企业",
            "临空经济区花湖大道8号",
            "临空经济区",
            "G5431",
            115.01,
            30.35,
            "A",
            "存续",
            11,
        ]
    )
    book.save(tmp_path / "s.xlsx")
    report = await run_import(sessions, clock, "subjects", tmp_path / "s.xlsx", department="SCJG")
    assert report.ok, report.errors
    assert report.format == "xlsx"
    assert report.ignored_columns == ("序号",)
    async with sessions() as session:
        stored = await session.scalar(select(Subject))
    assert stored is not None
    assert (stored.longitude, stored.latitude, stored.peak_months) == (115.01, 30.35, [11])


@pytest.mark.parametrize(
    "case",
    [
        (b"", "dir-file-empty"),
        (b"a,b\n\x80\xff\n", "dir-file-encoding"),  # neither UTF-8 nor GB18030
        ("统一社会信用代码,名称\n".encode("utf-16"), "dir-file-utf16"),
        (b"\x81\x30\xff\xfe\x00garbage\xff", "dir-file-encoding"),
        (b"PK\x03\x04 a zip", "dir-file-zip-as-csv"),
        ("名称,地址\n某某公司,鄂州\n".encode(), "dir-file-missing-columns"),
        ("统一社会信用代码,名称,类型\n".encode(), "dir-file-no-rows"),
    ],
)
async def test_unreadable_csv_files_are_refused_with_a_reason(
    sessions: Sessions,
    clock: FixedClock,
    departments: dict[str, int],
    tmp_path: Path,
    case: tuple[bytes, str],
) -> None:
    content, key = case
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(FileProblem) as caught:
        await run_import(sessions, clock, "subjects", path, department="SCJG")
    assert caught.value.key == key
    assert await count(sessions, Subject) == 0


async def test_missing_columns_are_named(
    sessions: Sessions, clock: FixedClock, departments: dict[str, int], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "m.csv", ["名称", "地址", "经度"], [["甲公司", "鄂州", "114.8"]])
    with pytest.raises(FileProblem) as caught:
        await run_import(sessions, clock, "subjects", path)
    assert caught.value.key == "dir-file-missing-columns"
    assert caught.value.args_map["columns"] == "统一社会信用代码、所属部门"


@pytest.mark.parametrize("content", [b"just text, not a workbook", b"PK\x03\x04broken zip"])
async def test_a_file_named_xlsx_that_is_not_one(
    sessions: Sessions,
    clock: FixedClock,
    departments: dict[str, int],
    tmp_path: Path,
    content: bytes,
) -> None:
    path = tmp_path / "subjects.xlsx"
    path.write_bytes(content)
    with pytest.raises(FileProblem) as caught:
        await run_import(sessions, clock, "subjects", path, department="SCJG")
    assert caught.value.key == "dir-file-not-xlsx"
    assert caught.value.args_map == {"name": "subjects.xlsx"}


async def test_unknown_department_option_is_refused(
    sessions: Sessions, clock: FixedClock, departments: dict[str, int], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "s.csv", SUBJECT_HEADER, [subject_row(1)])
    with pytest.raises(UnknownDepartment):
        await run_import(sessions, clock, "subjects", path, department="NOPE")


async def test_bad_rows_are_reported_by_row_column_value_and_reason(
    sessions: Sessions, clock: FixedClock, departments: dict[str, int], tmp_path: Path
) -> None:
    wrong_check = code(3)[:17] + ("0" if code(3)[17] != "0" else "1")
    rows = [
        subject_row(1),
        subject_row(2, 统一社会信用代码=wrong_check),  # row 3
        subject_row(3, 经度="东经114.8"),  # row 4: text in a number column
        subject_row(4, 纬度="95.5"),  # row 5: out of range
        subject_row(5, 信用风险分类="E"),  # row 6
        subject_row(1),  # row 7: repeats row 2
        subject_row(6, 企业名称=""),  # row 8
        subject_row(7, 经营高峰月份="13"),  # row 9
        subject_row(8, 统一社会信用代码="91420704MA4ABCDE1"),  # row 10: 17 characters
    ]
    path = write_csv(tmp_path / "bad.csv", SUBJECT_HEADER, rows)
    report = await run_import(sessions, clock, "subjects", path, department="SCJG")
    assert not report.ok
    assert not report.written
    found = [(e.row, e.column, e.value, e.reason) for e in report.errors]
    assert found == [
        (3, "统一社会信用代码", wrong_check, "dir-err-uscc-check"),
        (4, "经度", "东经114.8", "dir-err-not-number"),
        (5, "纬度", "95.5", "dir-err-latitude-range"),
        (6, "信用风险分类", "E", "dir-err-enum"),
        (7, "统一社会信用代码", code(1), "dir-err-duplicate"),
        (8, "企业名称", "", "dir-err-required"),
        (9, "经营高峰月份", "13", "dir-err-months"),
        (10, "统一社会信用代码", "91420704MA4ABCDE1", "dir-err-uscc-length"),
    ]
    assert report.errors[0].args == {"expected": code(3)[17]}
    assert report.errors[4].args == {"first": 2}
    assert (report.bad_rows, report.error_count) == (8, 8)
    assert await count(sessions, Subject) == 0
    assert await count(sessions, AuditEvent) == 0


async def test_longitude_without_latitude_is_refused(
    sessions: Sessions, clock: FixedClock, departments: dict[str, int], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "c.csv", SUBJECT_HEADER, [subject_row(1, 纬度="")])
    report = await run_import(sessions, clock, "subjects", path, department="SCJG")
    assert [(e.row, e.column, e.reason) for e in report.errors] == [
        (2, "纬度", "dir-err-coordinates-pair")
    ]


async def test_department_column_must_name_a_department(
    sessions: Sessions, clock: FixedClock, departments: dict[str, int], tmp_path: Path
) -> None:
    header = [*SUBJECT_HEADER, "所属部门"]
    rows = [
        [*subject_row(1), "SCJG"],
        [*subject_row(2), "生态环境局"],
        [*subject_row(3), "税务局"],
    ]
    path = write_csv(tmp_path / "d.csv", header, rows)
    report = await run_import(sessions, clock, "subjects", path)
    assert [(e.row, e.value, e.reason) for e in report.errors] == [
        (4, "税务局", "dir-err-unknown-department")
    ]
    good = write_csv(tmp_path / "d2.csv", header, rows[:2])
    report = await run_import(sessions, clock, "subjects", good)
    assert report.ok
    assert report.created == 2
    assert await count(sessions, Subject, Subject.department_id == departments["STHJ"]) == 1


async def test_a_100k_row_file_with_one_bad_row_near_the_end_writes_nothing(
    sessions: Sessions, clock: FixedClock, departments: dict[str, int], tmp_path: Path
) -> None:
    rows = [subject_row(n) for n in range(100_000)]
    rows[99_990][0] = rows[99_990][0][:17] + ("0" if rows[99_990][0][17] != "0" else "1")
    path = write_csv(tmp_path / "big.csv", SUBJECT_HEADER, rows)
    # big enough to be validated in the child process, as real big files are
    report = await run_import(sessions, clock, "subjects", path, department="SCJG")
    assert [(e.row, e.reason) for e in report.errors] == [(99_992, "dir-err-uscc-check")]
    assert report.rows == 100_000
    assert not report.written
    assert await count(sessions, Subject) == 0
    assert await count(sessions, AuditEvent) == 0


async def test_clean_import_is_audited_with_the_created_keys_and_file_hash(
    sessions: Sessions, clock: FixedClock, departments: dict[str, int], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "s.csv", SUBJECT_HEADER, [subject_row(1), subject_row(2)])
    report = await run_import(sessions, clock, "subjects", path, department="SCJG")
    async with sessions() as session:
        events = (await session.scalars(select(AuditEvent).order_by(AuditEvent.id))).all()
    assert [e.action for e in events] == ["subject.created", "directory.imported"]
    created, summary = events
    assert created.actor == "tester"
    assert created.at == clock.now
    assert created.data["keys"] == [f"SCJG/{code(1)}", f"SCJG/{code(2)}"]
    assert created.data["file_sha256"] == report.sha256
    assert summary.data["created"] == 2
    assert summary.data["file"] == "s.csv"


async def test_the_same_file_twice_changes_nothing_the_second_time(
    sessions: Sessions, clock: FixedClock, departments: dict[str, int], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "s.csv", SUBJECT_HEADER, [subject_row(n) for n in range(5)])
    await run_import(sessions, clock, "subjects", path, department="SCJG")
    clock.advance(days=1)
    again = await run_import(sessions, clock, "subjects", path, department="SCJG")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert await count(sessions, Subject) == 5


def test_excel_date_cells_and_text_dates() -> None:
    from services.directories.validation import Invalid, date_value

    # openpyxl gives date cells as naive datetimes: Excel keeps no time zone
    excel_cell = dt.datetime(2027, 6, 30)  # noqa: DTZ001
    assert date_value(excel_cell) == dt.date(2027, 6, 30)
    assert date_value("2027-06-30") == dt.date(2027, 6, 30)
    assert date_value("2027/6/3") == dt.date(2027, 6, 3)
    assert date_value("2027年6月3日") == dt.date(2027, 6, 3)
    for bad in ("30/06/2027", "2027-02-30", "明年"):
        with pytest.raises(Invalid):
            date_value(bad)


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


async def test_the_example_files_import_cleanly(sessions: Sessions, clock: FixedClock) -> None:
    async with sessions() as session:
        await add_departments(session, "SCJG", "STHJ", "YJGL", "WJW", "JTYS")
    steps = [
        ("items", "items.csv", {"year": 2026}),
        ("subjects", "subjects.csv", {"department": "SCJG"}),
        ("subjects", "subjects-gbk.csv", {"department": "SCJG"}),
        ("subjects", "subjects.xlsx", {"department": "SCJG"}),
        ("inspectors", "inspectors.csv", {"department": "SCJG"}),
        ("experts", "experts.csv", {}),
        ("conflicts", "conflicts.csv", {"department": "SCJG"}),
    ]
    created = {}
    for kind, name, options in steps:
        report = await run_import(sessions, clock, kind, EXAMPLES / name, **options)
        assert report.ok, (name, report.errors)
        created[name] = (report.created, report.unchanged)
    assert created["subjects.csv"] == (12, 0)
    # the same twelve subjects in GBK and in Excel change nothing
    assert created["subjects-gbk.csv"] == (0, 12)
    assert created["subjects.xlsx"] == (0, 12)
    assert created["conflicts.csv"] == (2, 0)

    report = await run_import(
        sessions, clock, "subjects", EXAMPLES / "subjects-with-errors.csv", department="SCJG"
    )
    assert [(e.row, e.column, e.reason) for e in report.errors] == [
        (3, "统一社会信用代码", "dir-err-uscc-check"),
        (4, "经度", "dir-err-not-number"),
        (5, "信用风险分类", "dir-err-enum"),
        (8, "统一社会信用代码", "dir-err-duplicate"),
    ]
