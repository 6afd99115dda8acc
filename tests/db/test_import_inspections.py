"""检查记录 (inspection history): import, refusals, the last date wins, round trip, the CLI, and
the draw that an imported inspection keeps a subject out of."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from bot.config import get_settings
from bot.i18n import Translator
from cli.directories import render_error
from cli.main import app
from demo.data import load_demo_data
from services.actors import Actor
from services.directories.exporter import export_directory
from services.directories.importer import DirectoryImporter, ImportRequest
from services.errors import ValidationFailed
from storage.models import AuditEvent, Subject, SubjectInspection
from tests.conftest import FixedClock
from tests.db.directories_support import (
    SUBJECT_HEADER,
    add_departments,
    code,
    run_import,
    subject_row,
    write_csv,
    write_xlsx,
)
from tests.db.workflow_data import approved_task, build_directory, secret_source
from tests.services import draw_service

Sessions = async_sessionmaker[AsyncSession]
HEADER = ["统一社会信用代码", "企业名称", "检查事项编码", "检查日期"]
ITEMS_HEADER = ["事项编码", "事项名称", "实施部门"]
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()


@pytest.fixture
async def directory(sessions: Sessions, clock: FixedClock, tmp_path: Path) -> dict[str, int]:
    """SCJG with subjects 1-4, STHJ with subject 9; items from 2025's catalogue and 2026's."""
    async with sessions() as session:
        departments = await add_departments(session, "SCJG", "STHJ")
    for year, item in ((2025, "SCJG-001"), (2026, "SCJG-002")):
        path = write_csv(tmp_path / f"items{year}.csv", ITEMS_HEADER,
                         [[item, "企业公示信息的检查", "SCJG"]])
        assert (await run_import(sessions, clock, "items", path, year=year)).ok
    subjects = write_csv(tmp_path / "s.csv", SUBJECT_HEADER, [subject_row(n) for n in range(1, 5)])
    assert (await run_import(sessions, clock, "subjects", subjects, department="SCJG")).ok
    other = write_csv(tmp_path / "o.csv", SUBJECT_HEADER, [subject_row(9)])
    assert (await run_import(sessions, clock, "subjects", other, department="STHJ")).ok
    return departments


async def _stored(sessions: Sessions) -> dict[tuple[str, str, str], dt.date]:
    """(department code, identifier, item) -> inspected_on."""
    from storage.models import Department

    async with sessions() as session:
        rows = (await session.execute(
            select(Department.code, Subject.identifier, SubjectInspection.item_code,
                   SubjectInspection.inspected_on)
            .join(Subject, Subject.id == SubjectInspection.subject_id)
            .join(Department, Department.id == Subject.department_id)
        )).all()
    return {(r[0], r[1], r[2]): r[3] for r in rows}


async def _events(sessions: Sessions, action: str | None = None) -> list[AuditEvent]:
    async with sessions() as session:
        query = select(AuditEvent).order_by(AuditEvent.id)
        if action is not None:
            query = query.where(AuditEvent.action == action)
        return list((await session.scalars(query)).all())


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
async def test_a_clean_file_is_imported_and_audited(
    sessions: Sessions, clock: FixedClock, directory: dict[str, int], tmp_path: Path,
    suffix: str,
) -> None:
    rows: list[list[Any]] = [
        [code(1), "鄂州市鑫华1商贸有限公司", "SCJG-001", "2025-09-18"],  # last year's catalogue
        [code(2), "", "scjg-002", "2025/12/3"],
        [code(3), "", "SCJG-002", "2026年3月2日"],  # today is not the future
    ]
    if suffix == ".xlsx":
        rows[1][3] = dt.datetime(2025, 12, 3)  # noqa: DTZ001 - an Excel date cell has no zone
        path = write_xlsx(tmp_path / "i.xlsx", HEADER, rows)
    else:
        path = write_csv(tmp_path / "i.csv", HEADER, rows, encoding="gb18030")
    report = await run_import(sessions, clock, "inspections", path, department="SCJG")
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged, report.kept_newer) == (3, 0, 0, 0)
    assert await _stored(sessions) == {
        ("SCJG", code(1), "SCJG-001"): dt.date(2025, 9, 18),
        ("SCJG", code(2), "SCJG-002"): dt.date(2025, 12, 3),
        ("SCJG", code(3), "SCJG-002"): dt.date(2026, 3, 2),
    }
    [created] = await _events(sessions, "subject_inspection.created")
    assert created.actor == "tester"
    assert created.data["keys"] == [f"SCJG/{code(1)}/SCJG-001", f"SCJG/{code(2)}/SCJG-002",
                                    f"SCJG/{code(3)}/SCJG-002"]
    assert created.data["file_sha256"] == report.sha256
    closing = (await _events(sessions, "directory.imported"))[-1]
    assert closing.entity == "inspections"
    assert closing.data["created"] == 3
    assert closing.data["kept_newer"] == 0


async def test_english_headers_and_a_department_column(
    sessions: Sessions, clock: FixedClock, directory: dict[str, int], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "en.csv", ["USCC", "Item code", "Inspected on", "Department"],
                     [[code(1), "SCJG-001", "2025-01-02", "SCJG"],
                      [code(9), "SCJG-001", "2025-01-03", "生态环境局"]])
    report = await run_import(sessions, clock, "inspections", path)
    assert report.ok, report.errors
    assert await _stored(sessions) == {
        ("SCJG", code(1), "SCJG-001"): dt.date(2025, 1, 2),
        ("STHJ", code(9), "SCJG-001"): dt.date(2025, 1, 3),
    }


async def test_every_refusal_names_row_column_value_reason_and_changes_nothing(
    sessions: Sessions, clock: FixedClock, directory: dict[str, int], tmp_path: Path
) -> None:
    good = write_csv(tmp_path / "good.csv", HEADER, [[code(1), "", "SCJG-001", "2025-05-01"]])
    assert (await run_import(sessions, clock, "inspections", good, department="SCJG")).ok
    before = (await _stored(sessions), len(await _events(sessions)))
    bad = write_csv(tmp_path / "bad.csv", HEADER, [
        [code(1), "", "SCJG-001", "2025-10-01"],  # row 2: fine (would update)
        [code(9), "", "SCJG-001", "2025-10-01"],  # row 3: STHJ's subject, not SCJG's
        [code(2), "", "XX-999", "2025-10-01"],  # row 4: not in any year's catalogue
        [code(3), "", "SCJG-002", "2026-03-03"],  # row 5: tomorrow
        [code(4), "", "SCJG-002", "2025-13-01"],  # row 6: no such date
        [code(2), "", "SCJG-002", "2025-10-01"],  # row 7: first of a pair
        [code(2), "", "SCJG-002", "2025-11-01"],  # row 8: the same subject and item again
        [code(3), "", "SCJG-001", ""],  # row 9: no date
    ])
    report = await run_import(sessions, clock, "inspections", bad, department="SCJG")
    assert not report.ok
    assert not report.written
    found = [(e.row, e.column, e.value, e.reason) for e in report.errors]
    assert found == [
        (3, "统一社会信用代码", code(9), "dir-err-unknown-department-subject"),
        (4, "检查事项编码", "XX-999", "dir-err-unknown-items"),
        (5, "检查日期", "2026-03-03", "dir-err-date-future"),
        (6, "检查日期", "2025-13-01", "dir-err-date"),
        (8, "统一社会信用代码", code(2), "dir-err-duplicate"),
        (9, "检查日期", "", "dir-err-required"),
    ]
    zh, en = Translator("zh_CN"), Translator("en")
    reasons = {e.row: (render_error(zh, e), render_error(en, e)) for e in report.errors}
    assert reasons[3] == ("部门 SCJG 的检查对象名录中没有这个代码",
                          "no subject with this code in the directory of department SCJG")
    assert reasons[4] == ("抽查事项清单中没有这些事项：XX-999",
                          "not in the item catalogue: XX-999")
    assert reasons[5][0] == "检查日期晚于今天（2026-03-02），不能登记尚未进行的检查"
    assert reasons[5][1].startswith("the inspection date is after today (2026-03-02)")
    assert reasons[6] == ("日期格式不对，应为 YYYY-MM-DD 或 YYYY/MM/DD",
                          "not a date; use YYYY-MM-DD or YYYY/MM/DD")
    assert reasons[8] == ("与第 7 行重复", "repeats row 7")  # both rows named
    assert reasons[9] == ("必填项为空", "required but empty")
    # nothing changed: not the good row 2 either, and no audit event
    assert (await _stored(sessions), len(await _events(sessions))) == before


async def test_an_unknown_subject_in_a_later_batch_is_reported_too(
    sessions: Sessions, clock: FixedClock, directory: dict[str, int], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "b.csv", HEADER, [
        [code(9), "", "SCJG-001", "2025-10-01"],
        [code(1), "", "SCJG-001", "2025-10-01"],
        [code(8), "", "SCJG-001", "2025-10-01"],
    ])
    async with sessions() as session:
        from services.directories import pipeline

        original = pipeline.BATCH_SIZE
        pipeline.BATCH_SIZE = 1
        try:
            report = await DirectoryImporter(session, clock).run(ImportRequest(
                "inspections", path, department="SCJG", actor=Actor.system("tester")))
        finally:
            pipeline.BATCH_SIZE = original
    assert [(e.row, e.reason) for e in report.errors] == [
        (2, "dir-err-unknown-department-subject"), (4, "dir-err-unknown-department-subject")]
    assert await _stored(sessions) == {}


async def test_missing_columns_and_department_are_refused_before_any_row(
    sessions: Sessions, clock: FixedClock, directory: dict[str, int], tmp_path: Path
) -> None:
    from services.directories.errors import FileProblem

    no_date = write_csv(tmp_path / "nd.csv", ["统一社会信用代码", "事项编码"],
                        [[code(1), "SCJG-001"]])
    with pytest.raises(FileProblem) as caught:
        await run_import(sessions, clock, "inspections", no_date, department="SCJG")
    assert caught.value.key == "dir-file-missing-columns"
    assert caught.value.args_map["columns"] == "检查日期"
    no_dep = write_csv(tmp_path / "nodep.csv", HEADER, [[code(1), "", "SCJG-001", "2025-01-01"]])
    with pytest.raises(FileProblem) as caught:
        await run_import(sessions, clock, "inspections", no_dep)
    assert caught.value.args_map["columns"] == "所属部门"
    assert await _stored(sessions) == {}


async def test_the_newer_date_is_kept_and_a_later_one_updates(
    sessions: Sessions, clock: FixedClock, directory: dict[str, int], tmp_path: Path
) -> None:
    key = ("SCJG", code(1), "SCJG-001")
    first = write_csv(tmp_path / "1.csv", HEADER, [[code(1), "", "SCJG-001", "2025-09-01"],
                                                   [code(2), "", "SCJG-001", "2025-09-01"]])
    await run_import(sessions, clock, "inspections", first, department="SCJG")
    older = write_csv(tmp_path / "2.csv", HEADER, [[code(1), "", "SCJG-001", "2025-03-01"],
                                                   [code(2), "", "SCJG-001", "2025-09-01"]])
    report = await run_import(sessions, clock, "inspections", older, department="SCJG")
    assert report.ok
    assert (report.created, report.updated, report.unchanged, report.kept_newer) == (0, 0, 1, 1)
    [kept] = [c for c in report.changes if c.action == "kept"]
    assert kept.key == f"SCJG/{code(1)}/SCJG-001"
    assert kept.changes == {"inspected_on": ("2025-09-01", "2025-03-01")}
    assert (await _stored(sessions))[key] == dt.date(2025, 9, 1)
    assert await _events(sessions, "subject_inspection.updated") == []
    assert (await _events(sessions, "directory.imported"))[-1].data["kept_newer"] == 1

    clock.advance(days=1)
    newer = write_csv(tmp_path / "3.csv", HEADER, [[code(1), "", "SCJG-001", "2026-01-15"]])
    report = await run_import(sessions, clock, "inspections", newer, department="SCJG")
    assert (report.created, report.updated, report.kept_newer) == (0, 1, 0)
    assert (await _stored(sessions))[key] == dt.date(2026, 1, 15)
    [event] = await _events(sessions, "subject_inspection.updated")
    assert event.entity_id == f"SCJG/{code(1)}/SCJG-001"
    assert event.at == clock.now
    assert event.data["changes"] == {"inspected_on": ["2025-09-01", "2026-01-15"]}
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(SubjectInspection)) == 2


async def test_sync_is_refused_and_dry_run_writes_nothing(
    sessions: Sessions, clock: FixedClock, directory: dict[str, int], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "i.csv", HEADER, [[code(1), "", "SCJG-001", "2025-09-01"]])
    with pytest.raises(ValidationFailed) as caught:
        await run_import(sessions, clock, "inspections", path, department="SCJG", sync=True)
    assert caught.value.key == "dir-sync-not-supported"
    events = len(await _events(sessions))
    dry = await run_import(sessions, clock, "inspections", path, department="SCJG",
                           dry_run=True)
    assert (dry.ok, dry.written, dry.created) == (True, False, 1)
    assert await _stored(sessions) == {}
    assert len(await _events(sessions)) == events


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
async def test_export_writes_what_import_reads(
    sessions: Sessions, clock: FixedClock, tmp_path: Path, suffix: str
) -> None:
    async with sessions() as session:
        summary = await load_demo_data(session, clock, subjects=300, seed=7)
    assert summary.inspections > 0
    first = tmp_path / f"first{suffix}"
    async with sessions() as session:
        exported = await export_directory(session, clock, "inspections", first)
    assert exported.rows == summary.inspections
    stored = await _stored(sessions)
    async with sessions() as session:
        await session.execute(delete(SubjectInspection))
        await session.commit()
    report = await run_import(sessions, clock, "inspections", first)  # 所属部门 column
    assert report.ok, report.errors[:3]
    assert report.created == summary.inspections
    assert await _stored(sessions) == stored
    second = tmp_path / f"second{suffix}"
    async with sessions() as session:
        await export_directory(session, clock, "inspections", second)
    assert _cells(first) == _cells(second)
    again = await run_import(sessions, clock, "inspections", second)
    assert (again.created, again.updated, again.unchanged) == (0, 0, summary.inspections)


def _cells(path: Path) -> list[list[object]]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            return [list(r) for r in csv.reader(f)]
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    return rows


async def test_the_example_file_imports_cleanly(sessions: Sessions, clock: FixedClock) -> None:
    async with sessions() as session:
        await add_departments(session, "SCJG", "STHJ", "YJGL", "WJW", "JTYS")
    await run_import(sessions, clock, "items", EXAMPLES / "items.csv", year=2026)
    await run_import(sessions, clock, "subjects", EXAMPLES / "subjects.csv", department="SCJG")
    report = await run_import(sessions, clock, "inspections", EXAMPLES / "inspections.csv",
                              department="SCJG")
    assert report.ok, report.errors
    assert report.created == 5


# --- the draw: an imported recent inspection keeps the subject out ------------------------------

async def test_an_imported_recent_inspection_excludes_the_subject_from_the_draw(
    session: AsyncSession, clock: FixedClock, tmp_path: Path
) -> None:
    directory = await build_directory(session)
    a = directory.subjects["A"]
    identifiers = dict((await session.execute(
        select(Subject.id, Subject.identifier).where(Subject.id.in_(a[:3])))).all())
    path = write_csv(tmp_path / "history.csv", HEADER, [
        [identifiers[a[0]], "", "SC-01", "2025-06-01"],  # within 12 months of 2026-03-02
        [identifiers[a[1]], "", "SC-01", "2024-06-01"],  # long ago
        [identifiers[a[2]], "", "SC-02", "2025-12-01"],  # an item the task does not have
    ])
    report = await DirectoryImporter(session, clock).run(
        ImportRequest("inspections", path, department="SCJG",
                      actor=Actor.system("tester")))
    assert report.ok, report.errors
    task_id = await approved_task(session, clock)
    draws = draw_service(session, clock)
    committed = await draws.commit_subjects(task_id, secret_source("s"), Actor.system("organiser"))
    manifest = await draws.manifest(committed.id)
    assert manifest["exclusions"] == [{"id": a[0], "reason": "inspected-within-12-months:SC-01"}]
    assert a[1] in manifest["pool"]["A"]
    assert a[2] in manifest["pool"]["A"]
    assert a[0] not in manifest["pool"]["A"]


# --- the CLI --------------------------------------------------------------------------------

@pytest.fixture
def cli_db(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    monkeypatch.setenv("JOINTCHECK_DATABASE_URL", db_url)
    get_settings.cache_clear()
    for command in (["demo-data", "--departments-only"],
                    ["import", "items", str(EXAMPLES / "items.csv"), "--year", "2025"],
                    ["import", "subjects", str(EXAMPLES / "subjects.csv"), "-d", "SCJG"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0, result.output
    yield db_url
    get_settings.cache_clear()


def test_cli_import_export_and_refusals(cli_db: str, tmp_path: Path) -> None:
    example = str(EXAMPLES / "inspections.csv")
    done = runner.invoke(app, ["import", "inspections", example, "-d", "SCJG"])
    assert done.exit_code == 0, done.output
    assert "检查记录导入完成：新增 5，更新 0，未变 0，停用 0。" in done.output

    sync = runner.invoke(app, ["import", "inspections", example, "-d", "SCJG", "--sync"])
    assert sync.exit_code == 1
    assert "检查记录不能使用 --sync：检查历史从不停用或删除" in sync.output
    sync_en = runner.invoke(app, ["import", "inspections", example, "-d", "SCJG", "--sync",
                                  "--lang", "en"])
    assert "--sync is not available for inspections" in sync_en.output

    older = write_csv(tmp_path / "older.csv", HEADER,
                      [["91420702733203972B", "", "SCJG-001", "2024-01-01"]])
    kept = runner.invoke(app, ["import", "inspections", str(older), "-d", "SCJG"])
    assert kept.exit_code == 0, kept.output
    assert "保留 SCJG/91420702733203972B/SCJG-001 已有的较新检查日期 2025-09-18" in kept.output
    assert "有 1 行的检查日期早于已记录的最近一次检查，已保留较新的日期" in kept.output

    bad = write_csv(tmp_path / "bad.csv", HEADER, [
        ["91420702733203972B", "", "SCJG-001", "2099-01-01"],
        ["91420702733203972B", "", "NOPE-1", "2025-01-01"],
    ])
    zh = runner.invoke(app, ["import", "inspections", str(bad), "-d", "SCJG",
                             "--errors", str(tmp_path / "fix.csv")])
    assert zh.exit_code == 1
    assert "第 2 行，检查日期“2099-01-01”：检查日期晚于今天" in zh.output
    assert "第 3 行，检查事项编码“NOPE-1”：抽查事项清单中没有这些事项：NOPE-1" in zh.output
    assert "文件有 2 行错误（共 2 处），未写入任何数据" in zh.output
    with (tmp_path / "fix.csv").open(encoding="utf-8-sig", newline="") as f:
        marked = list(csv.reader(f))
    assert marked[0][-1] == "错误"
    assert marked[2][-1] == "检查事项编码: 抽查事项清单中没有这些事项：NOPE-1"
    en = runner.invoke(app, ["import", "inspections", str(bad), "-d", "SCJG", "--lang", "en"])
    assert en.exit_code == 1
    assert "row 3, 检查事项编码 “NOPE-1”: not in the item catalogue: NOPE-1" in en.output

    out = tmp_path / "out.xlsx"
    exported = runner.invoke(app, ["export", "inspections", str(out), "-d", "SCJG"])
    assert exported.exit_code == 0, exported.output
    assert "已导出检查记录 5 条" in exported.output
    back = runner.invoke(app, ["import", "inspections", str(out), "--lang", "en"])
    assert back.exit_code == 0, back.output
    assert "Inspections imported: 0 created, 0 updated, 5 unchanged" in back.output
