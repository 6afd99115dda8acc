"""The national export of a published announcement: the credit publicity system's spot-check
block (``--format gsxt``, with per-item ``details``) and the inter-department exchange row
(``--format exchange``), as JSON, CSV or XLSX by the file's extension.

The field names are data (``services/data/export_mapping.json``, or an operator's copy): no
official upload schema is public (FIELDWORK §6). CSV and XLSX hold one line per subject and
item (the subject's fields repeated); :func:`read_export` reads any of the three back into the
same records, so a file can be checked against the mapping it was written with.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from services.errors import ValidationFailed
from services.publication import Announcement

DEFAULT_MAPPING = Path(__file__).resolve().parent / "data" / "export_mapping.json"
FORMATS = ("gsxt", "exchange")
SUFFIXES = (".json", ".csv", ".xlsx")

Record = dict[str, Any]


def load_mapping(path: Path | None = None) -> dict[str, Any]:
    """The mapping file (the packaged one by default), checked for the two formats."""
    source = path or DEFAULT_MAPPING
    try:
        mapping = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationFailed("export-bad-mapping", path=str(source), reason=str(exc)) from exc
    for name in FORMATS:
        fields = mapping.get(name, {}).get("fields")
        if not isinstance(fields, list) or not all(
                isinstance(f, dict) and {"name", "source"} <= f.keys() for f in fields):
            raise ValidationFailed("export-bad-mapping", path=str(source),
                                   reason=f"{name}.fields")
    return dict(mapping)


def subject_values(ann: Announcement, division: str) -> list[tuple[Record, list[Record]]]:
    """Every subject's source values and its items' source values."""
    out = []
    year = ann.published_at.year
    for row in ann.rows:
        values: Record = {**ann.columns, "completed_on": row.completed_on, "year": str(year),
                          "name": row.name, "uscc": row.uscc, "regno": "",
                          "result_zh": row.result_zh, "result_en": row.result_en,
                          "remark": row.remark, "division": division,
                          "seq": str(row.seq)}
        items = [{"seq": str(i.get("seq", "")), "item_code": i.get("item_code", ""),
                  "item_name": i.get("item_name", ""), "result_zh": i.get("result_zh", ""),
                  "result_en": i.get("result_en", "")} for i in row.items]
        out.append((values, items))
    return out


def build_records(ann: Announcement, fmt: str, mapping: Mapping[str, Any],
                  division: str) -> list[Record]:
    """The records of ``fmt`` for a published announcement, named by the mapping."""
    if fmt not in FORMATS:
        raise ValidationFailed("export-bad-format", format=fmt)
    spec = mapping[fmt]
    details = spec.get("details")
    records = []
    for values, items in subject_values(ann, division):
        record: Record = {f["name"]: str(values.get(f["source"], "")) for f in spec["fields"]}
        if details:
            record[details["name"]] = [
                {f["name"]: str(item.get(f["source"], "")) for f in details["fields"]}
                for item in items]
        records.append(record)
    return records


def _flat(records: Sequence[Record], fmt: str, mapping: Mapping[str, Any]
          ) -> tuple[list[str], list[list[str]]]:
    spec = mapping[fmt]
    head = [f["name"] for f in spec["fields"]]
    details = spec.get("details")
    sub = [f["name"] for f in details["fields"]] if details else []
    rows = []
    for record in records:
        base = [record[h] for h in head]
        lines = record.get(details["name"], []) if details else []
        for line in lines or [{}]:
            rows.append(base + [line.get(s, "") for s in sub])
    return head + sub, rows


def write_export(records: Sequence[Record], fmt: str, mapping: Mapping[str, Any],
                 path: Path) -> int:
    """Write ``records`` to ``path`` (JSON, CSV or XLSX by its extension); lines written."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationFailed("export-bad-suffix", path=str(path))
    if suffix == ".json":
        path.write_text(json.dumps(list(records), ensure_ascii=False, indent=2) + "\n",
                        encoding="utf-8")
        return len(records)
    head, rows = _flat(records, fmt, mapping)
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(head)
        writer.writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8-sig")  # Excel reads the BOM
    else:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = fmt
        sheet.append(head)
        for line in rows:
            sheet.append(line)
        book.save(path)
    return len(rows)


def read_export(path: Path, fmt: str, mapping: Mapping[str, Any]) -> list[Record]:
    """Read a file written by :func:`write_export` back into its records."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return list(json.loads(path.read_text(encoding="utf-8")))
    if suffix == ".csv":
        table = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    else:
        sheet = load_workbook(path, read_only=True).worksheets[0]
        table = [["" if v is None else str(v) for v in r]
                 for r in sheet.iter_rows(values_only=True)]
    spec = mapping[fmt]
    head = [f["name"] for f in spec["fields"]]
    details = spec.get("details")
    sub = [f["name"] for f in details["fields"]] if details else []
    if table[0] != head + sub:
        raise ValidationFailed("export-bad-header", path=str(path))
    records: list[Record] = []
    for line in table[1:]:
        base = dict(zip(head, line[:len(head)], strict=True))
        if records and details and all(records[-1][h] == base[h] for h in head):
            record = records[-1]
        else:
            record = dict(base)
            if details:
                record[details["name"]] = []
            records.append(record)
        if details and any(line[len(head):]):
            record[details["name"]].append(dict(zip(sub, line[len(head):], strict=True)))
    return records
