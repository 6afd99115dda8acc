"""Issue 9, items 1-7: directory files that must never lose or corrupt accepted data.

Each test drives the `jointcheck` CLI as an official would, on SQLite and PostgreSQL, and checks
the message, the exit code and that nothing changed.
"""

from __future__ import annotations

import asyncio
import csv
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select, text
from typer.testing import CliRunner, Result

from bot.config import get_settings
from cli.main import app
from services.directories.cells import for_spreadsheet, from_spreadsheet
from services.directories.files import atomic_path
from storage.db import create_engine
from storage.models import Subject
from tests.db.directories_support import SUBJECT_HEADER, code, subject_row, write_csv

runner = CliRunner()


@pytest.fixture
def cli_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("JOINTCHECK_DATABASE_URL", db_url)
    get_settings.cache_clear()
    result = runner.invoke(app, ["departments", "add", "SCJG", "市场监督管理局", "--en", "SAMR"])
    assert result.exit_code == 0, result.output
    yield db_url
    get_settings.cache_clear()


def _subjects(url: str, *where: object) -> int:
    async def body() -> int:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                query = select(func.count()).select_from(Subject)
                for w in where:
                    query = query.where(w)  # type: ignore[arg-type]
                return int((await conn.execute(query)).scalar() or 0)
        finally:
            await engine.dispose()

    return asyncio.run(body())


def _import(path: Path, *extra: str) -> Result:
    return runner.invoke(app, ["import", "subjects", str(path), "-d", "SCJG", *extra])


# --- 1. the error file never replaces the input; every output is written atomically ------------

def test_errors_out_that_is_the_input_is_refused_and_the_file_kept(
    cli_db: str, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "s.csv", SUBJECT_HEADER,
                       [subject_row(1), subject_row(2, 经度="东经114.8")])
    before = source.read_bytes()
    link = tmp_path / "link.csv"
    os.link(source, link)
    for out in (source, tmp_path / "." / "s.csv", link):
        result = runner.invoke(app, ["import", "subjects", str(source), "-d", "SCJG",
                                     "--errors", str(out)])
        assert result.exit_code == 1
        assert "就是要导入的文件" in result.output, result.output
        assert source.read_bytes() == before
    result = runner.invoke(app, ["import", "subjects", str(source), "-d", "SCJG", "--lang", "en",
                                 "--errors", str(source)])
    assert "is the file being imported" in result.output
    assert _subjects(cli_db) == 0


def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("good old content", encoding="utf-8")
    def crash() -> None:
        with atomic_path(target) as tmp:
            tmp.write_text("half", encoding="utf-8")
            raise RuntimeError("crash while writing")

    with pytest.raises(RuntimeError):
        crash()
    assert target.read_text(encoding="utf-8") == "good old content"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temporary file left


def test_export_replaces_the_file_by_rename(cli_db: str, tmp_path: Path) -> None:
    assert _import(write_csv(tmp_path / "s.csv", SUBJECT_HEADER, [subject_row(1)])).exit_code == 0
    out = tmp_path / "export.csv"
    out.write_text("old", encoding="utf-8")
    inode = out.stat().st_ino
    result = runner.invoke(app, ["export", "subjects", str(out), "-d", "SCJG"])
    assert result.exit_code == 0, result.output
    assert out.stat().st_ino != inode  # a new file renamed into place, not rewritten in place
    assert code(1) in out.read_text(encoding="utf-8-sig")


# --- 2. formulas are neutralised on export and come back as typed on import --------------------

FORMULAS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://x.example","点我")', "+1+1", "-2+3",
            "@SUM(A1)"]


def test_quoting_is_its_own_inverse() -> None:
    for value in [*FORMULAS, "普通名称", "O'Brien", "'", "''=x", "-", ""]:
        assert from_spreadsheet(for_spreadsheet(value)) == value
    assert for_spreadsheet("=1+1") == "'=1+1"
    assert for_spreadsheet("鑫华公司") == "鑫华公司"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_formula_names_are_exported_inert_and_round_trip(
    cli_db: str, tmp_path: Path, suffix: str
) -> None:
    rows = [subject_row(i + 1, 企业名称=name) for i, name in enumerate(FORMULAS)]
    assert _import(write_csv(tmp_path / "s.csv", SUBJECT_HEADER, rows)).exit_code == 0
    out = tmp_path / f"export{suffix}"
    assert runner.invoke(app, ["export", "subjects", str(out), "-d", "SCJG"]).exit_code == 0
    if suffix == ".csv":
        with out.open(encoding="utf-8-sig", newline="") as f:
            names = [r[1] for r in list(csv.reader(f))[1:]]
    else:
        sheet = load_workbook(out).worksheets[0]
        cells = [row[1] for row in sheet.iter_rows(min_row=2)]
        assert all(c.data_type == "s" for c in cells)  # text, never a formula cell
        names = [c.value for c in cells]
    assert names == ["'" + n for n in FORMULAS]
    assert all(not n.startswith(("=", "+", "-", "@")) for n in names)
    # importing the export changes nothing: the names come back exactly as first typed
    result = _import(out)
    assert result.exit_code == 0, result.output
    assert f"新增 0，更新 0，未变 {len(FORMULAS)}" in result.output
    assert _subjects(cli_db, Subject.name.in_(FORMULAS)) == len(FORMULAS)


# --- 3. control characters are refused with row, column and reason, never echoed --------------

@pytest.mark.parametrize("char", ["\x07", "\x1b", "\x0b", "\x0c", "\u202e", "\u2066"])
def test_control_characters_are_refused_and_not_echoed(
    cli_db: str, tmp_path: Path, char: str
) -> None:
    rows = [subject_row(1), subject_row(2, 企业名称=f"鄂州{char}[31m红字公司")]
    result = _import(write_csv(tmp_path / "s.csv", SUBJECT_HEADER, rows))
    assert result.exit_code == 1
    assert char not in result.output
    assert "第 3 行，企业名称" in result.output
    assert f"U+{ord(char):04X}" in result.output
    assert f"\\u{ord(char):04x}" in result.output  # shown escaped
    assert _subjects(cli_db) == 0


def test_export_of_stored_control_characters_does_not_crash(cli_db: str, tmp_path: Path) -> None:
    # data stored before this check existed: the export writes it escaped, the file is valid
    assert _import(write_csv(tmp_path / "s.csv", SUBJECT_HEADER, [subject_row(1)])).exit_code == 0

    async def poison() -> None:
        engine = create_engine(cli_db)
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE subject SET name = :n"), {"n": "坏\x1b名"})
        await engine.dispose()

    asyncio.run(poison())
    out = tmp_path / "s.xlsx"
    result = runner.invoke(app, ["export", "subjects", str(out), "-d", "SCJG"])
    assert result.exit_code == 0, result.output
    assert load_workbook(out).worksheets[0]["B2"].value == "坏\\u001b名"


# --- 4. merged cells ----------------------------------------------------------------------------

def test_merged_cells_in_the_data_are_refused_by_name(cli_db: str, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["鄂州市市场主体名录"])  # a merged title above the header is fine
    sheet.merge_cells("A1:K1")
    sheet.append(SUBJECT_HEADER)
    for n in (1, 2, 3):
        sheet.append(subject_row(n, 信用风险分类="D"))
    sheet.merge_cells("I3:I4")
    sheet.merge_cells("E4:E5")
    path = tmp_path / "merged.xlsx"
    book.save(path)
    result = _import(path)
    assert result.exit_code == 1
    assert "I3:I4" in result.output
    assert "E4:E5" in result.output
    assert "A1:K1" not in result.output
    assert "合并单元格" in result.output
    assert _subjects(cli_db) == 0
    assert "merged cells" in _import(path, "--lang", "en").output


# --- 5. malformed CSV: located messages, nothing changed ----------------------------------------

def _raw(tmp_path: Path, body: str, name: str = "s.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(body.encode("utf-8"))
    return path


def _lines(*rows: list[str]) -> str:
    return "".join(",".join(r) + "\r\n" for r in rows)


def test_unterminated_quote_is_refused_with_its_row(cli_db: str, tmp_path: Path) -> None:
    row2 = subject_row(2)
    row2[1] = '"鄂州未闭合引号公司'
    body = _lines(SUBJECT_HEADER, subject_row(1), row2, subject_row(3))
    result = _import(_raw(tmp_path, body))
    assert result.exit_code == 1
    assert "第 3 行" in result.output, result.output
    assert "未闭合的引号" in result.output
    assert _subjects(cli_db) == 0


def test_a_quote_closed_rows_later_is_refused_as_a_line_break(
    cli_db: str, tmp_path: Path
) -> None:
    row2, row4 = subject_row(2), subject_row(4)
    row2[1] = '"鄂州未闭合引号公司'
    row4[1] = '鑫华"'
    body = _lines(SUBJECT_HEADER, subject_row(1), row2, subject_row(3), row4)
    result = _import(_raw(tmp_path, body))
    assert result.exit_code == 1
    assert "换行" in result.output or "引号" in result.output, result.output
    assert _subjects(cli_db) == 0


def test_a_huge_cell_and_a_long_value_give_located_messages(cli_db: str, tmp_path: Path) -> None:
    big = subject_row(2, 企业名称="大" * (2 * 1024 * 1024))
    result = _import(write_csv(tmp_path / "big.csv", SUBJECT_HEADER, [subject_row(1), big]))
    assert result.exit_code == 1
    assert "第 3 行" in result.output, result.output
    assert "KB" in result.output
    assert "Traceback" not in result.output
    long = subject_row(2, 企业名称="长" * 5000)
    result = _import(write_csv(tmp_path / "long.csv", SUBJECT_HEADER, [subject_row(1), long]))
    assert result.exit_code == 1
    assert "{???}" not in result.output
    assert "第 3 行，企业名称" in result.output, result.output
    assert "5000" in result.output
    assert len(result.output) < 2000
    assert _subjects(cli_db) == 0


def test_double_bom_is_named(cli_db: str, tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbf" + _lines(SUBJECT_HEADER, subject_row(1)).encode())
    result = _import(path)
    assert result.exit_code == 1
    assert "两个字节顺序标记" in result.output, result.output
    assert "缺少" not in result.output


def test_a_fifo_named_csv_is_refused_at_once(cli_db: str, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    result = _import(fifo)  # would block for ever if opened
    assert result.exit_code == 1
    assert "不是普通文件" in result.output


# --- 6. bounds -------------------------------------------------------------------------------

@pytest.mark.parametrize("year", ["-1", "99999", "0"])
def test_out_of_range_years_are_refused(cli_db: str, tmp_path: Path, year: str) -> None:
    result = runner.invoke(app, ["items", "status", "--year", year])
    assert result.exit_code != 0
    source = write_csv(tmp_path / "s.csv", SUBJECT_HEADER, [subject_row(1)])
    result = runner.invoke(app, ["import", "items", str(source), "--year", year])
    assert result.exit_code == 1
    assert f"年度 {year} 无效" in result.output, result.output
    result = runner.invoke(app, ["export", "items", str(tmp_path / "i.csv"), "--year", year])
    assert result.exit_code == 1
    assert "无效" in result.output


@pytest.mark.parametrize(("lon", "lat"), [("0", "0"), ("-74.0060", "40.7128"), ("116.4", "39.9")])
def test_coordinates_outside_the_region_are_refused(
    cli_db: str, tmp_path: Path, lon: str, lat: str
) -> None:
    rows = [subject_row(1), subject_row(2, 经度=lon, 纬度=lat)]
    result = _import(write_csv(tmp_path / "s.csv", SUBJECT_HEADER, rows))
    assert result.exit_code == 1
    assert "不在本地区范围内" in result.output, result.output
    assert _subjects(cli_db) == 0


def test_the_region_is_a_setting(cli_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                 ) -> None:
    monkeypatch.setenv("JOINTCHECK_COORDINATE_REGION", "-75,40,-73,41")
    get_settings.cache_clear()
    rows = [subject_row(1, 经度="-74.0060", 纬度="40.7128")]
    assert _import(write_csv(tmp_path / "s.csv", SUBJECT_HEADER, rows)).exit_code == 0


def test_a_large_sync_needs_yes_after_showing_the_count(cli_db: str, tmp_path: Path) -> None:
    many = write_csv(tmp_path / "all.csv", SUBJECT_HEADER, [subject_row(n) for n in range(1, 31)])
    assert _import(many).exit_code == 0
    two = write_csv(tmp_path / "two.csv", SUBJECT_HEADER, [subject_row(1), subject_row(2)])
    result = _import(two, "--sync")
    assert result.exit_code == 1
    assert "28" in result.output, result.output
    assert "--yes" in result.output
    assert _subjects(cli_db, Subject.active.is_(True)) == 30
    dry = _import(two, "--sync", "--dry-run")
    assert dry.exit_code == 0
    assert "28" in dry.output
    result = _import(two, "--sync", "--yes")
    assert result.exit_code == 0, result.output
    assert _subjects(cli_db, Subject.active.is_(True)) == 2


def test_a_small_sync_needs_no_yes(cli_db: str, tmp_path: Path) -> None:
    rows = [subject_row(n) for n in range(1, 6)]
    assert _import(write_csv(tmp_path / "a.csv", SUBJECT_HEADER, rows)).exit_code == 0
    result = _import(write_csv(tmp_path / "b.csv", SUBJECT_HEADER, rows[:3]), "--sync")
    assert result.exit_code == 0, result.output
    assert _subjects(cli_db, Subject.active.is_(True)) == 3


# --- 7. statistics after a bulk import on PostgreSQL -------------------------------------------

def test_postgres_tables_are_analyzed_after_a_bulk_import(cli_db: str, tmp_path: Path) -> None:
    if not cli_db.startswith("postgresql"):
        pytest.skip("ANALYZE is PostgreSQL's; SQLite plans without statistics")
    rows = [subject_row(n) for n in range(1, 401)]
    assert _import(write_csv(tmp_path / "s.csv", SUBJECT_HEADER, rows)).exit_code == 0

    async def reltuples() -> float:
        engine = create_engine(cli_db)
        async with engine.connect() as conn:
            value = (await conn.execute(text(
                "SELECT reltuples FROM pg_class WHERE relname = 'subject'"))).scalar()
        await engine.dispose()
        return float(value or 0)

    # COPY leaves reltuples at -1/0 (the planner thinks the table empty); ANALYZE sets it
    assert asyncio.run(reltuples()) == 400

