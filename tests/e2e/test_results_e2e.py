"""The leader's final result with the real bot process against the emulator: /results shows
the records, the leader enters the result, downloads the on-site record PDF from the
emulator (pdftotext reads the subject's name), and informs another department whose admin
acknowledges it in their own chat (issue 11 items 4–6)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from demo.accounts import Persona
from services.clock import utc_now
from services.records import RecordService
from storage.files import LocalFileStore
from storage.models import FinalResult, Referral
from tests.e2e.botproc import FAKE_TOKEN, Emulator, wait_until
from tests.e2e.seed import World
from tests.e2e.test_bot_e2e import (  # noqa: F401 -- fixtures, re-used
    bind,
    emu,
    emulator_base,
    in_db,
    start_bot,
    text_in,
    world,
)
from tests.services import inspector_actor as ins

pytestmark = pytest.mark.e2e
SUBJECT = "鄂州市江南餐饮有限公司"
LEADER, ADMIN = 6101, 6102
PACE = 0.6  # seconds between a person's taps: a person, not a flood (the bot throttles)


def _submitted_record(url: str, seeded: World, files: Path) -> None:
    """张三's SCJG record of the subject, submitted today (the bot runs on the real clock)."""

    async def work(session: AsyncSession) -> None:
        records = RecordService(session, utc_now, LocalFileStore(files))
        view = await records.open(ins(seeded.leader), seeded.drawn_task, seeded.subjects[0],
                                  "SC-SP-01")
        for n in (1, 2):
            await records.set_answer(view.id, ins(seeded.leader), n, "yes")
        await records.set_text(view.id, ins(seeded.leader), "findings", "无")
        await records.submit(view.id, ins(seeded.leader))

    in_db(url, work)


def _button(message: dict[str, Any], label: str) -> str:
    markup = message.get("reply_markup") or {}
    return next(b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row
                if b["text"].endswith(label))


def _tap(chat: Emulator, user: int, message: dict[str, Any], label: str) -> None:
    time.sleep(PACE)
    chat.tap(user, message["message_id"], _button(message, label))


def _send(chat: Emulator, user: int, text: str) -> None:
    time.sleep(PACE)
    chat.send(user, text)


def _latest(emulator: Emulator, chat: int, wanted: Callable[[str], bool],
            timeout: float = 45) -> dict[str, Any]:
    """The newest bot message of the chat whose text (edits applied) satisfies ``wanted``."""
    return dict(wait_until(lambda: next((m for m in reversed(emulator.bot_messages(chat))
                                         if wanted(m.get("text") or "")), None), timeout))


def _download(emulator: Emulator, file_id: str) -> bytes:
    api = httpx.Client(base_url=emulator.base, timeout=30)
    info = api.post(f"/bot{FAKE_TOKEN}/getFile", json={"file_id": file_id}).json()
    assert info["ok"], info
    response = api.get(f"/file/bot{FAKE_TOKEN}/{info['result']['file_path']}")
    response.raise_for_status()
    return response.content


def test_leader_enters_the_result_gets_the_pdf_and_another_department_acknowledges(
    emu: Emulator, db_url: str, world: World, start_bot: Callable[[], None],  # noqa: F811
    tmp_path: Path,
) -> None:
    _submitted_record(db_url, world, tmp_path / "files")
    bind(db_url, Persona(LEADER, "张三", "SCJG", inspector_id=world.leader),
         Persona(ADMIN, "生态环境局管理员", "HBJ", roles=("dept_admin",)))
    emu.user(LEADER, "三")
    emu.user(ADMIN, "管理员")
    start_bot()

    emu.send(LEADER, "/results")
    overview = text_in(emu, LEADER, lambda t: "已录入结果 0/2" in t)
    assert f"1. {SUBJECT}：记录 1/2 已提交，1 未确认，1 缺失" in overview["text"]
    _tap(emu, LEADER, overview, SUBJECT)
    sheet = _latest(emu, LEADER, lambda t: "各部门检查记录" in t)
    assert "未确认——没有第二名检查人员确认" in sheet["text"]
    assert "✗ HBJ · 排污许可执行情况的检查：缺失（未记录）" in sheet["text"]
    _tap(emu, LEADER, sheet, "录入最终结果")
    form = _latest(emu, LEADER, lambda t: "第 1 步" in t)
    _tap(emu, LEADER, form, "未发现问题")
    form = _latest(emu, LEADER, lambda t: "检查结果：未发现问题" in t)
    _tap(emu, LEADER, form, "下一步 »")
    _latest(emu, LEADER, lambda t: "第 2 步" in t)
    _send(emu, LEADER, "现场检查未发现问题，后厨排水另行告知生态环境局")
    disposals = _latest(emu, LEADER, lambda t: "第 3 步" in t)
    _tap(emu, LEADER, disposals, "未发现问题或问题已改正，无需后续处置")
    disposals = _latest(emu, LEADER, lambda t: "后续处置：未发现问题或问题已改正" in t
                        and "第 3 步" in t)
    _tap(emu, LEADER, disposals, "下一步 »")
    review = _latest(emu, LEADER, lambda t: t.startswith("请核对后确认"))
    _tap(emu, LEADER, review, "确认录入")
    done = _latest(emu, LEADER, lambda t: t.startswith(f"已录入 {SUBJECT} 的最终检查结果"))
    assert "按期录入" in done["text"]

    document = wait_until(lambda: next((m for m in emu.bot_messages(LEADER)
                                        if m.get("document")), None), 45)
    assert document["caption"] == f"现场检查记录表（随机抽查情况记录表）：{SUBJECT}"
    pdf = _download(emu, document["document"]["file_id"])
    assert pdf.startswith(b"%PDF-")
    (tmp_path / "form.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "form.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert SUBJECT in "".join(text.split())

    _tap(emu, LEADER, done, "告知 / 移送")
    kinds = _latest(emu, LEADER, lambda t: "请选择办理方式" in t)
    _tap(emu, LEADER, kinds, "告知相关部门")
    departments = _latest(emu, LEADER, lambda t: "告知哪个部门" in t)
    _tap(emu, LEADER, departments, "生态环境局")
    _latest(emu, LEADER, lambda t: "请发送要告知或移送的问题" in t)
    _send(emu, LEADER, "后厨废水直排雨水管")
    confirm = _latest(emu, LEADER, lambda t: "问题：后厨废水直排雨水管" in t)
    _tap(emu, LEADER, confirm, "确认办理")
    _latest(emu, LEADER, lambda t: "已告知 生态环境局" in t)

    notice = text_in(emu, ADMIN, lambda t: t.startswith("【告知】"))
    assert notice["text"].startswith(
        f"【告知】任务 2026-LH-001：市场监督管理局（张三）检查 {SUBJECT}")
    _tap(emu, ADMIN, notice, "签收")
    _latest(emu, ADMIN, lambda t: t.endswith("已由 生态环境局管理员 签收。"))

    async def stored(session: AsyncSession) -> tuple[Any, ...]:
        result = (await session.scalars(select(FinalResult))).one()
        referral = (await session.scalars(select(Referral))).one()
        return (result.categories, result.late, referral.state, referral.result_id == result.id)

    assert in_db(db_url, stored) == (["1"], False, "acknowledged", True)
