"""The on-site record form (随机抽查情况记录表) as a PDF: rendered, rasterised and read back."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import subprocess
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from services.calendar import CalendarService
from services.record_form import SubjectHeader, render_record_form
from services.records import RecordService, Upload
from services.results import ResultEntry, ResultService
from storage.files import LocalFileStore
from tests.conftest import SHANGHAI, FixedClock
from tests.e2e.seed import DRAWN_TASK_CODE, DRAWN_TASK_NAME, seed_world
from tests.evidence_files import jpeg
from tests.services import inspector_actor as ins
from tests.services import task_service

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


async def test_the_form_carries_subject_items_inspectors_and_evidence_hashes(
    session: AsyncSession, clock: FixedClock, tmp_path: Path
) -> None:
    world = await seed_world(session)
    clock.now = dt.datetime(2026, 4, 1, 10, tzinfo=SHANGHAI).astimezone(dt.UTC)
    records = RecordService(session, clock, LocalFileStore(tmp_path / "files"))
    view = await records.open(ins(world.leader), world.drawn_task, world.subjects[0], "SC-SP-01")
    await records.set_answer(view.id, ins(world.leader), 1, "yes")
    await records.set_answer(view.id, ins(world.leader), 2, "no")
    await records.set_text(view.id, ins(world.leader), "findings", "实际经营地址与许可地址不一致")
    await records.set_text(view.id, ins(world.leader), "disposal", "当场责令改正")
    photo = jpeg(gps=(30.3901, 114.8902), taken="2026:04:01 10:15:00")
    await records.add_evidence(view.id, ins(world.leader), Upload(
        photo, "document", "image/jpeg", "IMG_0001.jpg", "u1"))
    await records.submit(view.id, ins(world.leader))
    await records.cosign(view.id, ins(world.member))
    results = ResultService(session, clock, CalendarService(session, clock),
                            task_service(session, clock), records)
    outcome = await results.enter(ins(world.leader), world.drawn_task, world.subjects[0],
                                  ResultEntry(
        ("E",), "经营地址变更未办理许可变更，已责令改正", ("correction",),
        correction_due_on=dt.date(2026, 4, 15)))
    chosen = await records.for_subject(world.drawn_task, world.subjects[0])
    header = SubjectHeader(DRAWN_TASK_CODE, DRAWN_TASK_NAME, "鄂州市江南餐饮有限公司",
                           "91420700MA4KXXXX1A", "鄂城区古楼街道滨湖北路18号", 1)
    data = render_record_form(header, chosen, outcome.result,
                              await records.evidence_files([view.id]))
    assert data.startswith(b"%PDF-")
    fonts, text, page = await asyncio.to_thread(_inspect, data, tmp_path)
    assert "NotoSansCJK" in fonts
    assert " yes " in fonts.splitlines()[2]  # embedded
    flat = "".join(text.split())
    for expected in ("随机抽查情况记录表", "鄂州市江南餐饮有限公司", "91420700MA4KXXXX1A",
                     "食品经营许可和备案情况的检查", "实际经营地址与许可地址不一致",
                     "张三", "42070001", "王五", "42070002", "■发现问题已责令改正", "□未发现问题",
                     "改正期限：2026-04-15"):
        assert expected in flat, expected
    assert hashlib.sha256(photo).hexdigest() in flat
    assert len(page) > 10_000  # a page with text on it, not a blank one
    (ARTIFACTS / f"record-form-{session.bind.dialect.name}.png").write_bytes(page)


def _inspect(data: bytes, tmp_path: Path) -> tuple[str, str, bytes]:
    """pdffonts, pdftotext and the first page as PNG (pdftoppm)."""
    path = tmp_path / "form.pdf"
    path.write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "page")], check=True)
    (page,) = tmp_path.glob("page*.png")
    ARTIFACTS.mkdir(exist_ok=True)
    return fonts, text, page.read_bytes()
