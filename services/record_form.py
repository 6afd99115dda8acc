"""随机抽查情况记录表: the on-site record form of one subject as a PDF (FIELDWORK §5, Art. 19).

Built from the subject's check records and the team's final result with fpdf2 and Debian's
Noto Sans CJK (embedded, subset): the header (task, subject), one row per item (检查事项 ·
发现问题情况 · 处置情况), the methods, results and disposal measures as check boxes, the
signature blocks (the business, each inspector with the enforcement certificate number, the
leader, the publication approval) and an appendix listing every piece of evidence with its
SHA-256.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from services import vocab
from services.clock import SHANGHAI
from services.records import EvidenceView, Person, RecordView
from services.results import ResultView

NOTO_SANS_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SC_INDEX = 2  # Simplified Chinese in Debian's Noto Sans CJK collection (JP, KR, SC, TC, HK)
BOX_ON, BOX_OFF = "■", "□"  # both in Noto Sans CJK (☑ ☐ are not)


@dataclass(frozen=True)
class SubjectHeader:
    """The subject and the task as the form's header names them."""

    task_code: str
    task_name: str
    subject_name: str
    subject_identifier: str
    subject_address: str
    team_number: int


def _when(instant: dt.datetime | None) -> str:
    return instant.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if instant else ""


def _boxes(all_codes: Sequence[tuple[str, str]], chosen: set[str]) -> str:
    return "  ".join(f"{BOX_ON if code in chosen else BOX_OFF}{label}"
                     for code, label in all_codes)


def inspectors_of(records: Sequence[RecordView]) -> list[Person]:
    """Every inspector who submitted or co-signed a record, each once, in order."""
    seen: dict[int, Person] = {}
    for record in records:
        for person in (record.submitted_by, record.cosigned_by):
            if person is not None and person.inspector_id not in seen:
                seen[person.inspector_id] = person
    return list(seen.values())


def render_record_form(header: SubjectHeader, records: Sequence[RecordView],
                       result: ResultView | None, evidence: Sequence[EvidenceView], *,
                       font: Path = NOTO_SANS_CJK, generated_at: dt.datetime | None = None
                       ) -> bytes:
    """The PDF bytes of the subject's 随机抽查情况记录表."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("NotoSansCJK", "", str(font), collection_font_number=SC_INDEX)
    pdf.set_title(f"随机抽查情况记录表 {header.subject_name}")
    pdf.set_creator("jointcheck")
    pdf.add_page()
    width = pdf.epw

    def line(text: str, size: float = 10, height: float = 6, align: str = "L") -> None:
        pdf.set_font("NotoSansCJK", size=size)
        pdf.multi_cell(width, height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    line("随机抽查情况记录表", 16, 10, "C")
    line(f"抽查任务：{header.task_name}（{header.task_code}）  第 {header.team_number} 组")
    line(f"检查对象：{header.subject_name}")
    line(f"统一社会信用代码/注册号：{header.subject_identifier}")
    line(f"地址：{header.subject_address}")
    line("法定代表人（负责人）及电话：________________    联络员及电话：________________")
    pdf.ln(2)

    # one row per item: 检查事项 · 发现问题情况 · 处置情况
    pdf.set_font("NotoSansCJK", size=9)
    columns = (width * 0.34, width * 0.40, width * 0.26)
    with pdf.table(col_widths=columns, text_align="LEFT", line_height=5,
                   headings_style=FontFace(emphasis="")) as table:
        row = table.row()
        for title in ("检查事项", "发现问题情况", "处置情况"):
            row.cell(title)
        for record in records:
            row = table.row()
            points = "\n".join(
                f"{p.position}. {p.text}：{vocab.answers().labels([p.answer])[0]}"
                + (f"（{p.note}）" if p.note else "")
                for p in record.points if p.answer)
            row.cell(f"{record.item_name}（{record.item_code}，{record.department_name}）"
                     + (f"\n{points}" if points else ""))
            row.cell(record.findings or "无")
            row.cell(record.disposal or "—")
    pdf.ln(2)

    methods = vocab.methods()
    used = {m for r in records for m in r.methods}
    line("检查方式：" + _boxes([(t.code, t.zh) for t in methods.terms], used), 9, 5)
    results = vocab.results()
    chosen = set(result.categories) if result else set()
    line("检查结果：" + _boxes([(t.code, t.zh) for t in results.terms], chosen), 9, 5)
    disposals = vocab.disposals()
    measures = set(result.disposals) if result else set()
    line("后续处置：" + _boxes([(t.code, t.zh) for t in disposals.terms], measures), 9, 5)
    if result is not None:
        line(f"结果摘要：{result.summary}", 9, 5)
        if result.disposal_other:
            line(f"其他处置：{result.disposal_other}", 9, 5)
        if result.correction_due_on:
            line(f"改正期限：{result.correction_due_on.isoformat()}", 9, 5)
        late = "（逾期录入）" if result.late else ""
        line(f"检查日期：{result.check_date.isoformat()}  "
             f"结果录入：{result.entered_on.isoformat()}  "
             f"期限：{result.due_on.isoformat()}{late}", 9, 5)
    for record in records:
        if record.location is not None:
            loc = record.location
            flag = "（超出范围）" if loc.flagged else ""
            distance = f"{loc.distance_m:.0f} 米" if loc.distance_m is not None else "未知"
            line(f"{record.item_code} 检查位置：{loc.latitude:.6f}, {loc.longitude:.6f}，"
                 f"距登记地址 {distance}{flag}", 9, 5)
        if record.amendments:
            for amendment in record.amendments:
                line(f"{record.item_code} 更正 {amendment.number}（{amendment.by}，"
                     f"{_when(amendment.at)}）：{amendment.reason}", 9, 5)
    pdf.ln(3)

    line("被检查单位意见：", 10)
    line("签名（盖章）：________________    日期：__________"
         "    （拒绝签字的，注明情况并由见证人签名）", 9, 6)
    line("检查人员签名：", 10)
    for person in inspectors_of(records):
        line(f"{person.name}（{person.department_code}，执法证号 {person.certificate_no or '无'}）"
             "  签名：____________  日期：__________", 9, 6)
    unconfirmed = [r.item_code for r in records if r.locked and not r.confirmed]
    if unconfirmed:
        line("未经第二名检查人员确认的记录：" + "、".join(unconfirmed), 9, 5)
    leader = f"{result.entered_by}（执法证号 {result.entered_by_certificate or '无'}）" \
        if result else "____________"
    line(f"组长审核意见：____________________  组长：{leader}  日期：__________", 9, 6)
    line("结果公示审批意见：____________________  签名：____________  日期：__________", 9, 6)

    pdf.add_page()
    line("附件：证据清单", 12, 8)
    if not evidence:
        line("无", 9, 5)
    by_record = {r.id: r.item_code for r in records}
    for n, item in enumerate(evidence, start=1):
        gps = (f"，EXIF GPS {item.exif_latitude:.6f}, {item.exif_longitude:.6f}"
               if item.has_exif_gps else "")
        taken = f"，拍摄 {item.exif_taken_at}" if item.exif_taken_at else ""
        line(f"{n}. {by_record.get(item.record_id, '')} {item.file_name or item.mime}"
             f"（{'文件' if item.sent_as == 'document' else '照片'}，{item.size} 字节，"
             f"{item.uploaded_by}，收到 {_when(item.received_at)}{taken}{gps}）", 9, 5)
        line(f"SHA-256: {item.sha256}", 8, 4)
    if generated_at is not None:
        pdf.ln(2)
        line(f"生成时间：{_when(generated_at)}", 8, 4)
    return bytes(pdf.output())
