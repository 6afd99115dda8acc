"""Export writes what import reads: export → import into a fresh database → export is identical."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from demo.data import load_demo_data
from services.directories.exporter import export_directory
from storage.db import create_engine, session_factory
from storage.migrate import upgrade_async
from storage.models import Department, Subject
from tests.conftest import FixedClock
from tests.db.directories_support import (
    SUBJECT_HEADER,
    add_departments,
    run_import,
    subject_row,
    write_csv,
)

Sessions = async_sessionmaker[AsyncSession]
KINDS = ("items", "subjects", "inspectors", "experts", "conflicts")


async def _export_all(
    sessions: Sessions, clock: FixedClock, folder: Path, suffix: str
) -> dict[str, Path]:
    out = {}
    for kind in KINDS:
        async with sessions() as session:
            await export_directory(session, clock, kind, folder / f"{kind}{suffix}")
        out[kind] = folder / f"{kind}{suffix}"
    return out


def _cells(path: Path) -> list[list[object]]:
    if path.suffix == ".csv":
        return [line.split(",") for line in path.read_text(encoding="utf-8-sig").splitlines()]
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    return rows


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
async def test_round_trip_of_every_directory_is_lossless(
    sessions: Sessions, clock: FixedClock, db_url: str, tmp_path: Path, suffix: str
) -> None:
    async with sessions() as session:
        await load_demo_data(session, clock, subjects=300, seed=7)
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    first = await _export_all(sessions, clock, tmp_path / "first", suffix)

    async with sessions() as session:
        deps = [
            (d.code, d.name_zh, d.name_en)
            for d in (await session.scalars(select(Department).order_by(Department.id))).all()
        ]
    # a second, empty database of the same backend with the same departments
    if db_url.startswith("sqlite"):
        other_url = f"sqlite+aiosqlite:///{tmp_path / 'other.db'}"
        await upgrade_async(other_url)
    else:
        other_url = db_url  # emptied: the PostgreSQL test database is this test's own
    engine = create_engine(other_url)
    other = session_factory(engine)
    try:
        await _wipe(other)
        async with other() as session:
            session.add_all(Department(code=c, name_zh=z, name_en=e) for c, z, e in deps)
            await session.commit()
        for kind in KINDS:
            report = await run_import(other, clock, kind, first[kind])
            assert report.ok, (kind, report.errors[:3])
            assert report.created > 0, kind
        second = await _export_all(other, clock, tmp_path / "second", suffix)
    finally:
        await engine.dispose()
    for kind in KINDS:
        assert _cells(first[kind]) == _cells(second[kind]), kind


async def _wipe(sessions: Sessions) -> None:
    from sqlalchemy import delete

    from storage.models import (
        AuditEvent,
        CatalogueYear,
        Conflict,
        Expert,
        InspectionItem,
        Inspector,
        SubjectInspection,
    )

    async with sessions() as session:
        for model in (
            Conflict,
            SubjectInspection,
            Subject,
            Inspector,
            Expert,
            InspectionItem,
            CatalogueYear,
            AuditEvent,
            Department,
        ):
            await session.execute(delete(model))
        await session.commit()


async def test_exported_values_keep_chinese_text_coordinates_and_months(
    sessions: Sessions, clock: FixedClock, tmp_path: Path
) -> None:
    async with sessions() as session:
        await add_departments(session, "SCJG")
    row = subject_row(
        1,
        企业名称="鄂州市梁子湖“武昌鱼”水产专业合作社",
        经度="114.123456789",
        纬度="30.1",
        经营高峰月份="9-11",
        类型="企业",
    )
    await run_import(
        sessions,
        clock,
        "subjects",
        write_csv(tmp_path / "in.csv", SUBJECT_HEADER, [row]),
        department="SCJG",
    )
    async with sessions() as session:
        await export_directory(session, clock, "subjects", tmp_path / "out.csv")
    text = (tmp_path / "out.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    lines = text.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "统一社会信用代码,名称,类型,地址,所属区域,行业代码,经度,纬度,信用风险分类,"
        "登记状态,经营高峰月份,所属部门"
    )
    assert lines[1].split(",")[1:] == [
        "鄂州市梁子湖“武昌鱼”水产专业合作社",
        "企业",
        "湖北省鄂州市鄂城区古城路2号",
        "鄂城区",
        "F5212",
        "114.123456789",
        "30.1",
        "B",
        "存续",
        "9、10、11",
        "SCJG",
    ]


def test_export_refuses_an_unknown_format(tmp_path: Path) -> None:
    from services.directories.errors import FileProblem
    from services.directories.exporter import _Sink

    with pytest.raises(FileProblem) as caught:
        _Sink(tmp_path / "out.pdf")
    assert caught.value.key == "dir-file-type"


def test_asyncio_is_not_left_running() -> None:
    # the round trip opens a second engine; make sure no loop leaks into sync tests
    with pytest.raises(RuntimeError):
        asyncio.get_running_loop()
