"""Export a directory in exactly the format import reads (CSV UTF-8 with BOM, or XLSX).

Headers are the Chinese ones officials know, enumerations are written as their Chinese
labels, lists joined with 、 (codes, months) or ； (free-text points), so that exporting,
importing and exporting again gives the same file. Rows stream from the database in chunks and
XLSX is written in openpyxl's write-only mode: memory stays bounded.

Also here: the error file, the source file written back with an added 错误 column.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from storage.models import (
    Conflict,
    Department,
    Expert,
    InspectionItem,
    Inspector,
    Subject,
    SubjectInspection,
)

from services.clock import Clock, local_date
from services.directories.cells import for_spreadsheet, printable_for_xml
from services.directories.columns import SPECS, HeaderMap, column
from services.directories.enums import (
    EXPERT_KINDS,
    METHODS,
    SUBJECT_KINDS,
    SUBJECT_STATUSES,
)
from services.directories.errors import FileProblem, UnknownDepartment, check_year
from services.directories.files import atomic_path, refuse_overwriting_input
from services.directories.readers import Cell, open_table
from services.directories.validation import RowError

CHUNK = 5000
CODE_JOIN = "、"
TEXT_JOIN = "；"

# Export column order per directory: the fields of columns.SPECS, in this order.
EXPORT_FIELDS: dict[str, tuple[str, ...]] = {
    "subjects": ("identifier", "name", "kind", "address", "district", "industry_code",
                 "longitude", "latitude", "risk_class", "status", "peak_months", "department"),
    "inspectors": ("staff_no", "name", "certificate_no", "certificate_expires_on",
                   "qualified_items", "phone", "department"),
    "experts": ("code", "name", "kind", "organisation", "specialties", "qualified_items",
                "department", "phone"),
    "items": ("code", "name", "legal_basis", "department_codes", "subject_kinds", "checklist",
              "methods", "requirements", "year"),
    "conflicts": ("staff_no", "inspector_name", "identifier", "subject_name", "reason",
                  "department"),
    "inspections": ("identifier", "subject_name", "item_code", "inspected_on", "department"),
}


@dataclass(frozen=True)
class ExportReport:
    """What was written."""

    kind: str
    path: Path
    format: str
    rows: int


def headers(kind: str) -> list[str]:
    """The header row export writes for ``kind``."""
    return [column(kind, f).header for f in EXPORT_FIELDS[kind]]


class _Sink:
    """Rows to CSV (UTF-8 with BOM, so Excel opens it) or XLSX (write-only), by suffix.

    Written to a temporary file renamed into place by ``finish`` (``files.atomic_path``): a
    failure part way leaves whatever ``path`` held before. Text cells are made safe for
    spreadsheets (``cells.for_spreadsheet``): a leading = + - @ gets a ' so no cell is a formula.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        suffix = path.suffix.lower()
        if suffix in (".xlsx", ".xlsm"):
            self.format = "xlsx"
        elif suffix in (".csv", ".txt"):
            self.format = "csv"
        else:
            raise FileProblem("dir-file-type", name=path.name)
        self._atomic = atomic_path(path)
        self._tmp = self._atomic.__enter__()
        if self.format == "xlsx":
            from openpyxl import Workbook

            self._book = Workbook(write_only=True)
            self._sheet = self._book.create_sheet()
        else:
            self._file = self._tmp.open("w", encoding="utf-8-sig", newline="")
            self._csv = csv.writer(self._file)

    def write(self, row: Sequence[Any]) -> None:
        if self.format == "xlsx":
            self._sheet.append([_xlsx_cell(v) for v in row])
        else:
            self._csv.writerow([_csv_cell(v) for v in row])

    def finish(self) -> None:
        """Write the file whole and rename it into place."""
        try:
            if self.format == "xlsx":
                self._book.save(self._tmp)
            else:
                self._file.close()
        except BaseException as exc:
            self._atomic.__exit__(type(exc), exc, exc.__traceback__)
            raise
        self._atomic.__exit__(None, None, None)

    def abandon(self) -> None:
        """Drop the temporary file; ``path`` stays as it was."""
        if self.format == "csv":
            self._file.close()
        with contextlib.suppress(Exception):
            self._atomic.__exit__(RuntimeError, RuntimeError("abandoned"), None)


@contextlib.contextmanager
def _sink(path: Path) -> Iterator[_Sink]:
    sink = _Sink(path)
    try:
        yield sink
    except BaseException:
        sink.abandon()
        raise
    sink.finish()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return for_spreadsheet(value)
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same float
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _xlsx_cell(value: Any) -> Any:
    # openpyxl writes str as text (codes keep their leading zeros), float as a number and
    # date as a date cell formatted yyyy-mm-dd: each reads back as what was exported. Text
    # that would be a formula gets its ' and characters XML cannot hold are shown escaped.
    if isinstance(value, str):
        return for_spreadsheet(printable_for_xml(value))
    return value


def _months(value: Iterable[int]) -> str:
    return CODE_JOIN.join(str(m) for m in value)


async def export_directory(
    session: AsyncSession, clock: Clock, kind: str, path: Path, *,
    department: str | None = None, year: int | None = None,
) -> ExportReport:
    """Write the active records of ``kind`` to ``path`` (.csv or .xlsx); inspections, which
    are never deactivated, all of them (of the department's directory with ``department``)."""
    deps = {d.id: d for d in (await session.scalars(select(Department))).all()}
    dep_id: int | None = None
    if department:
        wanted = department.strip()
        match = [d for d in deps.values() if wanted.upper() == d.code or wanted == d.name_zh]
        if not match:
            raise UnknownDepartment(code=department)
        dep_id = match[0].id
    code_of = {i: d.code for i, d in deps.items()}
    if year is not None:
        check_year(year)
    count = 0
    with _sink(path) as sink:
        sink.write(headers(kind))
        async for row in _records(session, kind, dep_id, year or local_date(clock()).year,
                                  code_of):
            sink.write(row)
            count += 1
    return ExportReport(kind, path, sink.format, count)


async def _paged(session: AsyncSession, query: Any, id_column: Any) -> AsyncIterator[Any]:
    """Rows of ``query`` in id order, ``CHUNK`` at a time (keyset pagination)."""
    last = 0
    while True:
        rows = (await session.execute(
            query.where(id_column > last).order_by(id_column).limit(CHUNK)
        )).all()
        if not rows:
            return
        for row in rows:
            yield row
        last = rows[-1][0]


async def _records(
    session: AsyncSession, kind: str, dep_id: int | None, year: int, code_of: dict[int, str]
) -> AsyncIterator[list[Any]]:
    if kind == "subjects":
        query: Any = select(
            Subject.id, Subject.identifier, Subject.name, Subject.kind, Subject.address,
            Subject.district, Subject.industry_code, Subject.longitude, Subject.latitude,
            Subject.risk_class, Subject.status, Subject.peak_months, Subject.department_id,
        ).where(Subject.active.is_(True))
        if dep_id is not None:
            query = query.where(Subject.department_id == dep_id)
        async for r in _paged(session, query, Subject.id):
            yield [r.identifier, r.name, SUBJECT_KINDS.label(r.kind), r.address, r.district,
                   r.industry_code, r.longitude, r.latitude, r.risk_class,
                   SUBJECT_STATUSES.label(r.status), _months(r.peak_months),
                   code_of.get(r.department_id, "")]
    elif kind == "inspectors":
        query = select(
            Inspector.id, Inspector.staff_no, Inspector.name, Inspector.certificate_no,
            Inspector.certificate_expires_on, Inspector.qualified_items, Inspector.phone,
            Inspector.department_id,
        ).where(Inspector.active.is_(True))
        if dep_id is not None:
            query = query.where(Inspector.department_id == dep_id)
        async for r in _paged(session, query, Inspector.id):
            yield [r.staff_no, r.name, r.certificate_no or "", r.certificate_expires_on,
                   CODE_JOIN.join(r.qualified_items), r.phone, code_of.get(r.department_id, "")]
    elif kind == "experts":
        query = select(
            Expert.id, Expert.code, Expert.name, Expert.kind, Expert.organisation,
            Expert.specialties, Expert.qualified_items, Expert.department_id, Expert.phone,
        ).where(Expert.active.is_(True))
        if dep_id is not None:
            query = query.where(Expert.department_id == dep_id)
        async for r in _paged(session, query, Expert.id):
            yield [r.code, r.name, EXPERT_KINDS.label(r.kind), r.organisation,
                   TEXT_JOIN.join(r.specialties), CODE_JOIN.join(r.qualified_items),
                   code_of.get(r.department_id, "") if r.department_id else "", r.phone]
    elif kind == "items":
        query = select(
            InspectionItem.id, InspectionItem.code, InspectionItem.name,
            InspectionItem.legal_basis, InspectionItem.department_codes,
            InspectionItem.subject_kinds, InspectionItem.checklist, InspectionItem.methods,
            InspectionItem.requirements, InspectionItem.year,
        ).where(InspectionItem.active.is_(True), InspectionItem.year == year)
        if dep_id is not None:
            wanted = code_of[dep_id]
        async for r in _paged(session, query, InspectionItem.id):
            if dep_id is not None and wanted not in r.department_codes:
                continue
            yield [r.code, r.name, r.legal_basis, CODE_JOIN.join(r.department_codes),
                   CODE_JOIN.join(SUBJECT_KINDS.label(k) for k in r.subject_kinds),
                   TEXT_JOIN.join(r.checklist),
                   CODE_JOIN.join(METHODS.label(m) for m in r.methods), r.requirements,
                   r.year]
    elif kind == "conflicts":
        query = select(
            Conflict.id, Inspector.staff_no, Inspector.name.label("inspector_name"),
            Subject.identifier, Subject.name.label("subject_name"), Conflict.reason,
            Inspector.department_id,
        ).join(Inspector, Inspector.id == Conflict.inspector_id).join(
            Subject, Subject.id == Conflict.subject_id
        ).where(Conflict.active.is_(True))
        if dep_id is not None:
            query = query.where(Inspector.department_id == dep_id)
        seen: set[tuple[int, str, str]] = set()
        async for r in _paged(session, query, Conflict.id):
            # one line per declared pair, however many directories list the subject
            key = (r.department_id, r.staff_no, r.identifier)
            if key in seen:
                continue
            seen.add(key)
            yield [r.staff_no, r.inspector_name, r.identifier, r.subject_name, r.reason,
                   code_of.get(r.department_id, "")]
    elif kind == "inspections":
        # every subject row with its history, deactivated ones too: import accepts them, so
        # the file goes back in whole
        query = select(
            SubjectInspection.id, Subject.identifier, Subject.name, SubjectInspection.item_code,
            SubjectInspection.inspected_on, Subject.department_id,
        ).join(Subject, Subject.id == SubjectInspection.subject_id)
        if dep_id is not None:
            query = query.where(Subject.department_id == dep_id)
        async for r in _paged(session, query, SubjectInspection.id):
            yield [r.identifier, r.name, r.item_code, r.inspected_on,
                   code_of.get(r.department_id, "")]
    else:
        raise ValueError(kind)


def write_error_file(
    source: Path, out: Path, header: HeaderMap | None, errors: Sequence[RowError], *,
    render: Callable[[RowError], str], error_header: str,
) -> int:
    """Write ``source`` back to ``out`` with an added error column; returns rows marked."""
    by_row: dict[int, list[str]] = {}
    for error in errors:
        by_row.setdefault(error.row, []).append(render(error))
    header_row = header.row if header else 1
    width = len(header.headers) if header else 0
    refuse_overwriting_input(source, out)
    reader = open_table(source)
    try:
        with _sink(out) as sink:
            for number, cells in reader.rows():
                row: list[Cell] = list(cells) + [""] * max(0, width - len(cells))
                if number == header_row:
                    row.append(error_header)
                elif number in by_row:
                    row.append(TEXT_JOIN.join(by_row[number]))
                else:
                    row.append("")
                sink.write(row)
    finally:
        reader.close()
    return len(by_row)


__all__ = ["SPECS", "ExportReport", "export_directory", "headers", "write_error_file"]
