"""Helpers shared by the directories tests: departments, valid rows, files, imports."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.actors import Actor
from services.clock import Clock
from services.directories import uscc
from services.directories.importer import DirectoryImporter, ImportReport, ImportRequest
from storage.models import Department

SUBJECT_HEADER = [
    "统一社会信用代码",
    "企业名称",
    "类型",
    "住所",
    "所属区域",
    "行业代码",
    "经度",
    "纬度",
    "信用风险分类",
    "登记状态",
    "经营高峰月份",
]


def code(n: int, division: str = "420704") -> str:
    """The n-th valid USCC of a synthetic series."""
    body = f"91{division}{n:08d}"
    body += uscc.organisation_check(body[8:16])
    return body + uscc.check_character(body)


def subject_row(n: int, **overrides: str) -> list[str]:
    """A clean subject row in SUBJECT_HEADER order."""
    row = {
        "统一社会信用代码": code(n),
        "企业名称": f"鄂州市鑫华{n}商贸有限公司",
        "类型": "企业",
        "住所": f"湖北省鄂州市鄂城区古城路{n % 800 + 1}号",
        "所属区域": "鄂城区",
        "行业代码": "F5212",
        "经度": f"{114.85 + (n % 97) / 10000:.6f}",
        "纬度": f"{30.38 + (n % 89) / 10000:.6f}",
        "信用风险分类": "ABCD"[n % 4],
        "登记状态": "存续",
        "经营高峰月份": "1、2、10",
    }
    row.update(overrides)
    return [row[h] for h in SUBJECT_HEADER]


def write_csv(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]], encoding: str = "utf-8-sig"
) -> Path:
    """Write a CSV the way Excel does (BOM by default; pass gb18030 for 'CSV (逗号分隔)')."""
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    """Write an .xlsx with one sheet."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


async def add_departments(session: AsyncSession, *codes: str) -> dict[str, int]:
    """Departments SCJG 市场监督管理局 and others; returns code -> id."""
    names = {
        "SCJG": "市场监督管理局",
        "STHJ": "生态环境局",
        "YJGL": "应急管理局",
        "WJW": "卫生健康委员会",
        "JTYS": "交通运输局",
    }
    for c in codes or ("SCJG", "STHJ"):
        session.add(Department(code=c, name_zh=names.get(c, c), name_en=c))
    await session.commit()
    rows = (await session.execute(select(Department.code, Department.id))).all()
    return {r.code: r.id for r in rows}


async def run_import(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    kind: str,
    path: Path,
    **options: Any,
) -> ImportReport:
    """Import ``path`` in a session of its own, as the CLI does."""
    async with sessions() as session:
        return await DirectoryImporter(session, clock).run(
            ImportRequest(kind=kind, path=path, **{"actor": Actor.system("tester"), **options})
        )


async def count(sessions: async_sessionmaker[AsyncSession], model: Any, *where: Any) -> int:
    """Rows of ``model`` matching ``where``."""
    async with sessions() as session:
        query = select(func.count()).select_from(model)
        for condition in where:
            query = query.where(condition)
        return int(await session.scalar(query) or 0)
