"""The national export: field by field against a fixture, both formats, and a round trip
through the mapping file in JSON, CSV and XLSX (an operator's renamed mapping included)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from services.errors import ValidationFailed
from services.national_export import build_records, load_mapping, read_export, write_export
from services.publication import Announcement, AnnouncementRow

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "gsxt_export_expected.json"
COLUMNS = {"plan_code": "42070020271001", "plan_name": "2027年餐饮、排污部门联合抽查",
           "task_code": "420700202603021001", "task_name": "2027年餐饮、排污联合抽查",
           "jointcheck_code": "DEMO-2027-001", "type_zh": "定向（部门联合）",
           "type_en": "targeted (joint)",
           "authority": "鄂州市市场监督管理局、鄂州市生态环境局", "lead": "鄂州市市场监督管理局",
           "items": "SCJG-01、STHJ-01"}


def item(seq: int, name: str, result: str) -> dict[str, str]:
    return {"seq": str(seq), "item_code": f"X{seq}", "item_name": name, "result_zh": result,
            "result_en": ""}


def announcement() -> Announcement:
    rows = (
        AnnouncementRow(1, 11, "鄂州市达昌食品有限公司", "91420703982987173X", "2026-03-05",
                        "发现问题已责令改正", "problem found, corrected", "", (
                            item(1, "营业执照公示情况", "发现问题已责令改正"),
                            item(2, "排污许可执行情况", "未发现问题"))),
        AnnouncementRow(2, 12, "鄂城区兴鼎商贸有限公司", "914207049839525970", "2026-03-06",
                        "未发现问题", "no problem found", "",
                        (item(1, "营业执照公示情况", "未发现问题"),)),
    )
    return Announcement("DEMO-2027-001", 1, False, "",
                        dt.datetime(2026, 3, 9, 2, 0, tzinfo=dt.UTC), "t", "t", COLUMNS, rows)


def test_gsxt_records_match_the_fixture_field_by_field() -> None:
    records = build_records(announcement(), "gsxt", load_mapping(), "420700")
    expected = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert len(records) == len(expected)
    for got, want in zip(records, expected, strict=True):
        assert list(got) == list(want)  # the mapping's order
        for name, value in want.items():
            assert got[name] == value, name


def test_exchange_row_has_the_provincial_fields() -> None:
    records = build_records(announcement(), "exchange", load_mapping(), "420700")
    assert records[0] == {
        "ENTNAME": "鄂州市达昌食品有限公司", "UNISCID": "91420703982987173X", "REGNO": "",
        "CHECKDEPNAME": "鄂州市市场监督管理局、鄂州市生态环境局",
        "INSTYPE": "定向（部门联合）", "INSDATE": "2026-03-05",
        "SPOTRESULT": "发现问题已责令改正", "YEAR": "2026", "ADCODE": "420700"}


@pytest.mark.parametrize("suffix", [".json", ".csv", ".xlsx"])
@pytest.mark.parametrize("fmt", ["gsxt", "exchange"])
def test_a_file_reads_back_through_its_mapping(tmp_path: Path, suffix: str, fmt: str) -> None:
    mapping = load_mapping()
    records = build_records(announcement(), fmt, mapping, "420700")
    path = tmp_path / f"out{suffix}"
    write_export(records, fmt, mapping, path)
    assert read_export(path, fmt, mapping) == records


def test_an_operators_mapping_renames_and_drops_fields(tmp_path: Path) -> None:
    mapping = load_mapping()
    mapping["gsxt"]["fields"] = [{"name": "任务编号", "source": "task_code"},
                                 {"name": "企业", "source": "name"}]
    own = tmp_path / "mapping.json"
    own.write_text(json.dumps(mapping, ensure_ascii=False), encoding="utf-8")
    loaded = load_mapping(own)
    records = build_records(announcement(), "gsxt", loaded, "420700")
    assert list(records[0]) == ["任务编号", "企业", "details"]
    path = tmp_path / "out.xlsx"
    assert write_export(records, "gsxt", loaded, path) == 3  # one line per subject and item
    assert read_export(path, "gsxt", loaded) == records
    with pytest.raises(ValidationFailed):
        read_export(path, "gsxt", load_mapping())  # another mapping's header is refused


def test_a_broken_mapping_and_a_bad_suffix_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "m.json"
    bad.write_text('{"gsxt": {"fields": [{"name": "x"}]}}', encoding="utf-8")
    with pytest.raises(ValidationFailed):
        load_mapping(bad)
    with pytest.raises(ValidationFailed):
        write_export([], "gsxt", load_mapping(), tmp_path / "out.txt")
