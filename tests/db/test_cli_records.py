"""``jointcheck records export`` and ``jointcheck referrals list`` on both databases."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import get_settings
from services.calendar import CalendarService
from services.records import RecordService, Upload
from services.referrals import ReferralRequest, ReferralService
from services.results import ResultEntry, ResultService
from storage.db import create_engine, session_factory
from storage.files import LocalFileStore
from tests.conftest import SHANGHAI, FixedClock
from tests.db.test_cli_planning import jc
from tests.e2e.seed import seed_world
from tests.evidence_files import jpeg
from tests.services import inspector_actor as ins
from tests.services import task_service

PHOTO = jpeg(gps=(30.3901, 114.8902), taken="2026:04:01 10:15:00")


@pytest.fixture
def field_db(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    files = tmp_path / "files"

    async def seed() -> None:
        clock = FixedClock(dt.datetime(2026, 4, 1, 10, tzinfo=SHANGHAI).astimezone(dt.UTC))
        engine = create_engine(db_url)
        async with session_factory(engine)() as session:
            world = await seed_world(session)
            records = RecordService(session, clock, LocalFileStore(files))
            view = await records.open(ins(world.leader), world.drawn_task, world.subjects[0],
                                      "SC-SP-01")
            await records.set_answer(view.id, ins(world.leader), 1, "yes")
            await records.set_answer(view.id, ins(world.leader), 2, "no")
            await records.set_text(view.id, ins(world.leader), "findings",
                                   "=HYPERLINK(\"x\") 地址不符")
            await records.add_evidence(view.id, ins(world.leader), Upload(
                PHOTO, "document", "image/jpeg", "IMG_1.jpg", "u1"))
            await records.submit(view.id, ins(world.leader))
            results = ResultService(session, clock, CalendarService(session, clock),
                                    task_service(session, clock), records)
            await results.enter(ins(world.leader), world.drawn_task, world.subjects[0],
                                ResultEntry(
                ("A", "D"), "地址不符", ("inform",)))
            await ReferralService(session, clock).refer(
                ins(world.leader), ReferralRequest("inform", "后厨废水直排", "HBJ"),
                record_id=view.id)
        await engine.dispose()

    asyncio.run(seed())
    monkeypatch.setenv("JOINTCHECK_DATABASE_URL", db_url)
    monkeypatch.setenv("JOINTCHECK_FILES_DIR", str(files))
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_export_writes_csv_pdf_evidence_and_a_manifest(field_db: Path) -> None:
    out = field_db / "archive"
    code, text, err = jc("records", "export", "2026-LH-001", "-o", str(out))
    assert code == 0, err
    assert "检查记录 1 条" in text
    assert "证据文件 1 个" in text
    sha = hashlib.sha256(PHOTO).hexdigest()
    assert (out / "evidence" / f"{sha}.jpg").read_bytes() == PHOTO
    assert (out / "forms" / "91420700MA4KXXXX1A.pdf").read_bytes().startswith(b"%PDF-")
    records_csv = (out / "records.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in records_csv  # a formula is neutralised
    assert sha in records_csv
    assert "42070001" in records_csv
    check = subprocess.run(["sha256sum", "-c", "manifest.sha256"], cwd=out,
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert len(check.stdout.strip().splitlines()) == 5  # 3 CSV, 1 PDF, 1 evidence file


def test_referrals_are_listed_per_task(field_db: Path) -> None:
    code, text, err = jc("referrals", "list", "2026-LH-001")
    assert code == 0, err
    assert "告知相关部门：鄂州市江南餐饮有限公司，SCJG → 生态环境局，待签收" in text
    code, text, err = jc("referrals", "list", "2026-LH-002", "--lang", "en")
    assert (code, text.strip()) == (0, "No referral or transfer in task 2026-LH-002.")
    code, _text, err = jc("referrals", "list", "NOPE")
    assert code == 1
