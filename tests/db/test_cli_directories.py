"""The `jointcheck` directory commands as an official uses them: messages, exit codes, files."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.config import get_settings
from cli.main import app
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


def _bad_file(tmp_path: Path) -> Path:
    wrong = code(2)[:17] + ("0" if code(2)[17] != "0" else "1")
    rows = [
        subject_row(1),
        subject_row(2, 统一社会信用代码=wrong),
        subject_row(3, 经度="东经114.8"),
    ]
    return write_csv(tmp_path / "subjects.csv", SUBJECT_HEADER, rows)


def test_bad_file_exits_1_with_a_chinese_report_and_writes_nothing(
    cli_db: str, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["import", "subjects", str(_bad_file(tmp_path)), "-d", "SCJG"])
    assert result.exit_code == 1
    out = result.output
    assert "统一社会信用代码校验位错误（按 GB 32100-2015 应为" in out
    assert "东经114.8" in out
    assert "不是数字" in out
    assert "文件有 2 行错误（共 2 处），未写入任何数据" in out
    listing = runner.invoke(app, ["departments"])
    assert "SCJG" in listing.output
    assert "│ 0 " in listing.output


def test_english_report(cli_db: str, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["import", "subjects", str(_bad_file(tmp_path)), "-d", "SCJG", "--lang", "en"]
    )
    assert result.exit_code == 1
    assert "wrong check character in the unified social credit code" in result.output
    assert "not a number" in result.output
    assert "2 rows have errors (2 in all); nothing was written" in result.output


def test_errors_file_is_the_same_file_with_an_error_column(cli_db: str, tmp_path: Path) -> None:
    source = _bad_file(tmp_path)
    out = tmp_path / "subjects-errors.csv"
    result = runner.invoke(
        app, ["import", "subjects", str(source), "-d", "SCJG", "--errors", str(out)]
    )
    assert result.exit_code == 1
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == [*SUBJECT_HEADER, "错误"]
    assert rows[1] == [*subject_row(1), ""]
    assert rows[2][:-1] == subject_row(2, 统一社会信用代码=rows[2][0])
    assert rows[2][-1].startswith("统一社会信用代码: 统一社会信用代码校验位错误")
    assert rows[3][-1] == "经度: 不是数字"


def test_errors_file_for_an_xlsx_is_an_xlsx(cli_db: str, tmp_path: Path) -> None:
    from openpyxl import Workbook, load_workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(SUBJECT_HEADER)
    sheet.append(subject_row(1, 信用风险分类="Z"))
    book.save(tmp_path / "s.xlsx")
    out = tmp_path / "s-errors.xlsx"
    result = runner.invoke(
        app,
        [
            "import",
            "subjects",
            str(tmp_path / "s.xlsx"),
            "-d",
            "SCJG",
            "--errors",
            str(out),
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 1
    rows = list(load_workbook(out).worksheets[0].iter_rows(values_only=True))
    assert rows[0][-1] == "error"
    assert rows[1][-1].startswith("信用风险分类: not an allowed value; use one of: A (low risk)")


def test_clean_import_dry_run_then_real(cli_db: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ok.csv", SUBJECT_HEADER, [subject_row(1), subject_row(2)])
    dry = runner.invoke(app, ["import", "subjects", str(path), "-d", "SCJG", "--dry-run"])
    assert dry.exit_code == 0
    assert "试运行，未写入任何数据。检查对象名录将新增 2，更新 0" in dry.output
    real = runner.invoke(app, ["import", "subjects", str(path), "-d", "SCJG"])
    assert real.exit_code == 0
    assert "检查对象名录导入完成：新增 2，更新 0，未变 0，停用 0。" in real.output
    exported = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["export", "subjects", str(exported), "-d", "SCJG"])
    assert result.exit_code == 0
    assert "已导出检查对象名录 2 条" in result.output
    assert exported.exists()


def test_file_problems_get_one_clear_line(cli_db: str, tmp_path: Path) -> None:
    fake = tmp_path / "subjects.xlsx"
    fake.write_text("not a workbook")
    result = runner.invoke(app, ["import", "subjects", str(fake), "-d", "SCJG"])
    assert result.exit_code == 1
    assert "文件“subjects.xlsx”不是有效的 Excel（.xlsx）文件" in result.output
    missing = runner.invoke(app, ["import", "subjects", str(tmp_path / "nope.csv"), "-d", "SCJG"])
    assert missing.exit_code == 1
    assert "找不到文件" in missing.output
    nodep = runner.invoke(app, ["import", "subjects", str(fake), "-d", "XYZ", "--lang", "en"])
    assert nodep.exit_code == 1
    assert "No department has the code or name “XYZ”" in nodep.output


def test_items_lock_refuses_a_second_import(cli_db: str, tmp_path: Path) -> None:
    header = ["事项编码", "事项名称", "实施部门", "检查方法"]
    path = write_csv(
        tmp_path / "items.csv", header, [["SCJG-001", "企业公示信息的检查", "SCJG", "书面检查"]]
    )
    assert runner.invoke(app, ["import", "items", str(path), "--year", "2027"]).exit_code == 0
    locked = runner.invoke(app, ["items", "lock", "--year", "2027", "--actor", "王科长"])
    assert locked.exit_code == 0
    assert "2027 年度抽查事项清单已锁定（1 项）" in locked.output
    again = runner.invoke(app, ["import", "items", str(path), "--year", "2027"])
    assert again.exit_code == 1
    assert "2027 年度抽查事项清单已锁定（王科长），不能再导入或修改（第七条）" in again.output
    status = runner.invoke(app, ["items", "status", "--year", "2027"])
    assert "已锁定（王科长" in status.output


def test_demo_data_command(cli_db: str) -> None:
    result = runner.invoke(app, ["demo-data", "--subjects", "50", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "演示数据已载入（种子 3）：5 个部门" in result.output
    listing = runner.invoke(app, ["departments"])
    for dep in ("SCJG", "STHJ", "YJGL", "WJW", "JTYS"):
        assert dep in listing.output


def test_demo_departments_only(cli_db: str) -> None:
    result = runner.invoke(app, ["demo-data", "--departments-only"])
    assert result.exit_code == 0, result.output
    assert "已建部门：SCJG、STHJ、YJGL、WJW、JTYS" in result.output
    listing = runner.invoke(app, ["departments"])
    assert "鄂州市交通运输局" in listing.output
    # the fixture's SCJG was renamed to the demo's full name, not duplicated
    assert listing.output.count("SCJG") == 1
