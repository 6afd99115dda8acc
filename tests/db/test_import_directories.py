"""Re-import in place, --sync, --dry-run, and the other four directories with their references."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.directories.catalogue import lock_catalogue
from services.directories.errors import CatalogueLocked
from storage.models import (
    AuditEvent,
    CatalogueYear,
    Conflict,
    Expert,
    InspectionItem,
    Inspector,
    Subject,
)
from tests.conftest import FixedClock
from tests.db.directories_support import (
    SUBJECT_HEADER,
    add_departments,
    code,
    count,
    run_import,
    subject_row,
    write_csv,
    write_xlsx,
)

Sessions = async_sessionmaker[AsyncSession]
ITEM_HEADER = [
    "事项编码",
    "事项名称",
    "法律依据",
    "实施部门",
    "检查对象类型",
    "检查内容",
    "检查方法",
    "工作要求",
]
INSPECTOR_HEADER = ["工号", "姓名", "执法证号", "有效期至", "可检查事项", "联系电话"]


@pytest.fixture
async def departments(sessions: Sessions) -> dict[str, int]:
    async with sessions() as session:
        return await add_departments(session, "SCJG", "STHJ")


async def _events(sessions: Sessions, action: str) -> list[AuditEvent]:
    async with sessions() as session:
        return list(
            (
                await session.scalars(
                    select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
                )
            ).all()
        )


async def test_reimport_updates_in_place_and_audits_each_changed_field(
    sessions: Sessions, clock: FixedClock, departments: dict[str, int], tmp_path: Path
) -> None:
    first = write_csv(tmp_path / "v1.csv", SUBJECT_HEADER, [subject_row(1), subject_row(2)])
    await run_import(sessions, clock, "subjects", first, department="SCJG")
    async with sessions() as session:
        ids_before = (await session.scalars(select(Subject.id).order_by(Subject.id))).all()
    clock.advance(days=30)
    second = write_csv(
        tmp_path / "v2.csv",
        SUBJECT_HEADER,
        [
            subject_row(1, 信用风险分类="D", 住所="湖北省鄂州市华容区华容大道1号"),
            subject_row(2),
            subject_row(3),
        ],
    )
    report = await run_import(sessions, clock, "subjects", second, department="SCJG")
    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    async with sessions() as session:
        one = await session.scalar(select(Subject).where(Subject.identifier == code(1)))
        ids_after = (await session.scalars(select(Subject.id).order_by(Subject.id))).all()
    assert one is not None
    assert one.risk_class == "D"
    assert one.address == "湖北省鄂州市华容区华容大道1号"
    assert one.updated_at == clock.now
    assert ids_after[:2] == ids_before  # updated in place, same rows
    [event] = await _events(sessions, "subject.updated")
    assert event.entity_id == f"SCJG/{code(1)}"
    assert event.at == clock.now
    assert event.data["changes"] == {
        "risk_class": ["B", "D"],
        "address": ["湖北省鄂州市鄂城区古城路2号", "湖北省鄂州市华容区华容大道1号"],
    }


async def test_sync_deactivates_what_the_file_no_longer_lists_and_never_deletes(
    sessions: Sessions, clock: FixedClock, departments: dict[str, int], tmp_path: Path
) -> None:
    full = write_csv(tmp_path / "full.csv", SUBJECT_HEADER, [subject_row(n) for n in range(4)])
    await run_import(sessions, clock, "subjects", full, department="SCJG")
    other = write_csv(tmp_path / "other.csv", SUBJECT_HEADER, [subject_row(9)])
    await run_import(sessions, clock, "subjects", other, department="STHJ")
    partial = write_csv(tmp_path / "partial.csv", SUBJECT_HEADER, [subject_row(0), subject_row(1)])

    without_sync = await run_import(sessions, clock, "subjects", partial, department="SCJG")
    assert without_sync.deactivated == 0
    report = await run_import(sessions, clock, "subjects", partial, department="SCJG", sync=True)
    assert report.deactivated == 2
    assert await count(sessions, Subject) == 5  # nothing deleted
    assert await count(sessions, Subject, Subject.active.is_(False)) == 2
    # another department's directory is outside the scope
    assert (
        await count(
            sessions,
            Subject,
            Subject.department_id == departments["STHJ"],
            Subject.active.is_(True),
        )
        == 1
    )
    events = await _events(sessions, "subject.deactivated")
    assert sorted(e.entity_id for e in events) == [f"SCJG/{code(2)}", f"SCJG/{code(3)}"]
    assert events[0].data["changes"] == {"active": [True, False]}

    # listing a deactivated subject again brings it back, and says so
    back = await run_import(sessions, clock, "subjects", full, department="SCJG")
    assert (back.updated, back.unchanged) == (2, 2)
    assert await count(sessions, Subject, Subject.active.is_(False)) == 0


async def test_dry_run_reports_the_changes_and_writes_nothing(
    sessions: Sessions, clock: FixedClock, departments: dict[str, int], tmp_path: Path
) -> None:
    await run_import(
        sessions,
        clock,
        "subjects",
        write_csv(tmp_path / "a.csv", SUBJECT_HEADER, [subject_row(1), subject_row(2)]),
        department="SCJG",
    )
    events_before = await count(sessions, AuditEvent)
    path = write_csv(
        tmp_path / "b.csv", SUBJECT_HEADER, [subject_row(1, 登记状态="注销"), subject_row(5)]
    )
    report = await run_import(
        sessions, clock, "subjects", path, department="SCJG", dry_run=True, sync=True
    )
    assert report.ok
    assert not report.written
    assert (report.created, report.updated, report.deactivated) == (1, 1, 1)
    changes = {(c.action, c.key): c.changes for c in report.changes}
    assert changes[("updated", f"SCJG/{code(1)}")] == {"status": ("active", "deregistered")}
    assert changes[("deactivated", f"SCJG/{code(2)}")] == {"active": (True, False)}
    assert ("created", f"SCJG/{code(5)}") in changes
    assert await count(sessions, Subject) == 2
    assert await count(sessions, Subject, Subject.status == "deregistered") == 0
    assert await count(sessions, AuditEvent) == events_before


def _item_rows() -> list[list[str]]:
    return [
        [
            "SCJG-001",
            "企业公示信息的检查",
            "《企业信息公示暂行条例》第十四条",
            "SCJG",
            "企业",
            "年度报告的真实性；住所与登记一致",
            "书面检查、实地核查",
            "核查年度报告。",
        ],
        [
            "STHJ-001",
            "排污许可执行情况的检查",
            "《排污许可管理条例》",
            "生态环境局、SCJG",
            "企业、项目",
            "持证排污\n自行监测",
            "实地核查；抽样检测",
            "",
        ],
    ]


async def test_items_import_per_year_and_lock(
    sessions: Sessions, clock: FixedClock, departments: dict[str, int], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "items.csv", ITEM_HEADER, _item_rows())
    report = await run_import(sessions, clock, "items", path, year=2027)
    assert report.ok
    assert report.created == 2
    assert report.year == 2027
    async with sessions() as session:
        item = await session.scalar(
            select(InspectionItem).where(InspectionItem.code == "STHJ-001")
        )
        assert item is not None
        assert item.year == 2027
        assert item.department_codes == ["STHJ", "SCJG"]
        assert item.subject_kinds == ["enterprise", "project"]
        assert item.checklist == ["持证排污", "自行监测"]
        assert item.methods == ["onsite", "sampling"]
        assert await session.get(CatalogueYear, 2027) is not None
        status = await lock_catalogue(session, clock, 2027, actor="organiser")
    assert status.items == 2
    assert status.locked_at == clock.now
    with pytest.raises(CatalogueLocked) as caught:
        await run_import(sessions, clock, "items", path, year=2027)
    assert caught.value.args_map == {"year": 2027, "locked_by": "organiser"}
    # another year is still open; the default year is the clock's year in Shanghai
    report = await run_import(sessions, clock, "items", path)
    assert report.year == 2026
    assert report.created == 2


async def test_items_with_unknown_methods_or_departments_are_refused(
    sessions: Sessions, clock: FixedClock, departments: dict[str, int], tmp_path: Path
) -> None:
    rows = _item_rows()
    rows[0][6] = "电话抽查"
    rows[1][3] = "税务局"
    path = write_csv(tmp_path / "items.csv", ITEM_HEADER, rows)
    report = await run_import(sessions, clock, "items", path, year=2027)
    assert [(e.row, e.column, e.reason) for e in report.errors] == [
        (2, "检查方法", "dir-err-enum"),
        (3, "实施部门", "dir-err-unknown-departments"),
    ]
    assert await count(sessions, InspectionItem) == 0


async def test_inspectors_with_certificates_and_qualified_items(
    sessions: Sessions, clock: FixedClock, departments: dict[str, int], tmp_path: Path
) -> None:
    await run_import(
        sessions,
        clock,
        "items",
        write_csv(tmp_path / "items.csv", ITEM_HEADER, _item_rows()),
        year=2026,
    )
    rows = [
        ["1001", "张伟", "42070119001", "2027/6/30", "SCJG-001", "13800000001"],
        ["1002", "李娜", "", "", "", ""],  # daily supervision staff without a certificate
    ]
    path = write_xlsx(tmp_path / "inspectors.xlsx", INSPECTOR_HEADER, rows)
    report = await run_import(sessions, clock, "inspectors", path, department="SCJG")
    assert report.ok, report.errors
    async with sessions() as session:
        zhang = await session.scalar(select(Inspector).where(Inspector.staff_no == "1001"))
        li = await session.scalar(select(Inspector).where(Inspector.staff_no == "1002"))
    assert zhang is not None
    assert li is not None
    assert zhang.certificate_expires_on == dt.date(2027, 6, 30)
    assert zhang.qualified_items == ["SCJG-001"]
    assert (li.certificate_no, li.certificate_expires_on) == (None, None)

    bad = [
        ["1003", "王强", "", "2027-01-01", "SCJG-999", ""],
        ["1004", "赵敏", "42070119004", "2027-13-01", "", ""],
    ]
    report = await run_import(
        sessions,
        clock,
        "inspectors",
        write_csv(tmp_path / "bad.csv", INSPECTOR_HEADER, bad),
        department="SCJG",
    )
    assert [(e.row, e.column, e.reason) for e in report.errors] == [
        (2, "可检查事项", "dir-err-unknown-items"),
        (2, "有效期至", "dir-err-expiry-without-certificate"),
        (3, "有效期至", "dir-err-date"),
    ]


async def test_experts_and_institutions(
    sessions: Sessions, clock: FixedClock, departments: dict[str, int], tmp_path: Path
) -> None:
    header = ["编号", "姓名", "类型", "工作单位", "专业领域", "所属部门", "联系电话"]
    rows = [
        ["ZJ001", "周明", "专家", "武汉大学", "食品安全；营养学", "SCJG", "13900000000"],
        ["JG001", "鄂州市产品质量监督检验所", "检测机构", "", "工业产品检验", "", "0711-3200000"],
    ]
    report = await run_import(
        sessions, clock, "experts", write_csv(tmp_path / "e.csv", header, rows)
    )
    assert report.ok, report.errors
    async with sessions() as session:
        experts = {e.code: e for e in (await session.scalars(select(Expert))).all()}
    assert experts["ZJ001"].specialties == ["食品安全", "营养学"]
    assert experts["ZJ001"].department_id == departments["SCJG"]
    assert (experts["JG001"].kind, experts["JG001"].department_id) == ("institution", None)


async def test_conflicts_need_an_existing_inspector_and_subject(
    sessions: Sessions, clock: FixedClock, departments: dict[str, int], tmp_path: Path
) -> None:
    await run_import(
        sessions,
        clock,
        "subjects",
        write_csv(tmp_path / "s.csv", SUBJECT_HEADER, [subject_row(1)]),
        department="SCJG",
    )
    await run_import(
        sessions,
        clock,
        "subjects",
        write_csv(tmp_path / "s2.csv", SUBJECT_HEADER, [subject_row(1)]),
        department="STHJ",
    )
    await run_import(
        sessions,
        clock,
        "inspectors",
        write_csv(tmp_path / "i.csv", INSPECTOR_HEADER, [["1001", "张伟", "", "", "", ""]]),
        department="SCJG",
    )
    header = ["工号", "统一社会信用代码", "回避事由"]
    bad = write_csv(
        tmp_path / "c-bad.csv",
        header,
        [["1001", code(1), "近亲属任职"], ["9999", code(1), "x"], ["1001", code(7), "y"]],
    )
    report = await run_import(sessions, clock, "conflicts", bad, department="SCJG")
    assert [(e.row, e.column, e.reason) for e in report.errors] == [
        (3, "工号", "dir-err-unknown-inspector"),
        (4, "统一社会信用代码", "dir-err-unknown-subject"),
    ]
    assert await count(sessions, Conflict) == 0
    good = write_csv(tmp_path / "c.csv", header, [["1001", code(1), "近亲属任职"]])
    report = await run_import(sessions, clock, "conflicts", good, department="SCJG")
    assert report.ok
    # the subject is listed by two departments: the inspector is kept away from both rows
    assert await count(sessions, Conflict) == 2
    [event] = await _events(sessions, "conflict.created")
    assert event.data["keys"][0] == f"SCJG/1001×{code(1)}"
    empty = write_csv(tmp_path / "none.csv", header, [["1001", code(1), "近亲属任职"]])
    await run_import(sessions, clock, "conflicts", empty, department="SCJG", sync=True)
    assert await count(sessions, Conflict, Conflict.active.is_(True)) == 2


async def test_a_department_imports_only_its_own_directory(
    sessions: Sessions, clock: FixedClock, departments: dict[str, int], tmp_path: Path
) -> None:
    """Issue 8 item 5: the importer itself decides who may import — a department's admin its
    own lists, the organiser any; refused before a row is read, nothing written or audited."""
    from services.actors import Actor, Role
    from services.errors import Forbidden

    sthj_admin = Actor(account_id=9, name="生态环境局管理员", roles=frozenset({Role.DEPT_ADMIN}),
                       department_code="STHJ")
    organiser = Actor(account_id=1, name="组织者", roles=frozenset({Role.ORGANISER}))
    path = write_csv(tmp_path / "s.csv", SUBJECT_HEADER, [subject_row(1), subject_row(2)])
    for department, key in (("SCJG", "forbidden-import"), (None, "forbidden-import-all")):
        with pytest.raises(Forbidden) as refused:
            await run_import(sessions, clock, "subjects", path, department=department,
                             actor=sthj_admin)
        assert refused.value.key == key
    assert await count(sessions, Subject) == 0
    assert await _events(sessions, "directory.imported") == []

    own = await run_import(sessions, clock, "subjects", path, department="STHJ",
                           actor=sthj_admin)
    assert own.ok
    assert await count(sessions, Subject) == 2
    (event,) = await _events(sessions, "directory.imported")
    assert event.actor == "account:9"
    other = write_csv(tmp_path / "o.csv", SUBJECT_HEADER, [subject_row(3)])
    assert (await run_import(sessions, clock, "subjects", other, department="SCJG",
                             actor=organiser)).ok
