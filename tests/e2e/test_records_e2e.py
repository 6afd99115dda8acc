"""检查记录 with the real bot process through the emulator (issue 11): an inspector records
a check with two photos, a bot restart in the middle (conversation state in Redis, the draft in
the database), a picture sent as a file whose EXIF GPS is read back from the stored evidence,
a location 2 km from the subject (flagged), the submit, and the second inspector's co-sign
from the worker's notice."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from demo.accounts import Persona
from services.records import read_exif
from storage.models import CheckRecord, Evidence
from tests.e2e.botproc import Emulator, bot_process, wait_until
from tests.e2e.seed import World
from tests.e2e.test_bot_e2e import (  # noqa: F401 -- fixtures, re-used
    bind,
    emu,
    emulator_base,
    in_db,
    text_in,
    world,
)
from tests.evidence_files import jpeg

pytestmark = pytest.mark.e2e

REDIS_URL = "redis://127.0.0.1:6379/13"
INSPECTOR, PEER = 7101, 7102
JIANGNAN = (30.39, 114.89)
EXIF_GPS = (30.3905, 114.8903)


@pytest.fixture
def bots(emu: Emulator, db_url: str, tmp_path: Path  # noqa: F811
         ) -> Iterator[Callable[[], Any]]:
    """Start (and restart) ``jointcheck run`` with Redis for the conversation state and the
    file store in the test's directory; each start waits until it polls."""
    running: list[Any] = []
    logs: list[Path] = []

    def start() -> Any:
        if running:
            running.pop().__exit__(None, None, None)
        log_path = tmp_path / f"bot-{len(logs)}.log"
        logs.append(log_path)
        context = bot_process(emu.base, db_url, log_path,
                              JOINTCHECK_REDIS_URL=REDIS_URL,
                              JOINTCHECK_FILES_DIR=str(tmp_path / "files"))
        context.__enter__()
        running.append(context)
        wait_until(lambda: log_path.exists() and "Start polling" in log_path.read_text(),
                   timeout=150)
        return context

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter("fsm:*"):  # this test's database of Redis only
        client.delete(key)
    yield start
    for context in running:
        context.__exit__(None, None, None)
    with contextlib.suppress(redis.RedisError):
        for key in client.scan_iter("fsm:*"):
            client.delete(key)
    for log_path in logs:
        text = log_path.read_text() if log_path.exists() else ""
        assert "Traceback" not in text, text


def _button(message: dict[str, Any], label: str) -> str:
    return str(next(b["callback_data"] for row in message["reply_markup"]["inline_keyboard"]
                    for b in row if b["text"] == label))


def _labels(message: dict[str, Any]) -> list[str]:
    return [b["text"] for row in message["reply_markup"]["inline_keyboard"] for b in row]


def _latest(emulator: Emulator, chat: int, wanted: Callable[[str], bool]) -> dict[str, Any]:
    return dict(wait_until(lambda: next(
        (m for m in reversed(emulator.bot_messages(chat)) if wanted(m.get("text") or "")), None),
        timeout=45))


def _open_item(emulator: Emulator, mark: str) -> dict[str, Any]:
    """/record → the subject → the item (``mark`` is its state): the card."""
    before = len(emulator.bot_messages(INSPECTOR))
    emulator.send(INSPECTOR, "/record")
    # the answer to /record, whatever else the worker sends meanwhile (the world's task is
    # overdue on the real clock, so the leader may get its reminder in between)
    menu = _new(emulator, before, lambda m: bool(m.get("reply_markup")) and any(
        label.startswith("1. ") for label in _labels(m)))
    assert menu["text"] == "今天没有已确定日程的检查对象；以下是本组的全部检查对象："
    emulator.tap(INSPECTOR, menu["message_id"], _button(menu, "1. 鄂州市江南餐饮有限公司"))
    items = dict(wait_until(lambda: next(
        (m for m in emulator.bot_messages(INSPECTOR) if m["message_id"] == menu["message_id"]
         and m["text"].endswith("请选择要记录的检查事项：")), None), timeout=45))
    count = len(emulator.bot_messages(INSPECTOR))
    emulator.tap(INSPECTOR, items["message_id"],
                 _button(items, f"{mark} SC-SP-01 食品经营许可和备案情况的检查"))
    return _new(emulator, count, lambda m: (m.get("text") or "").startswith("【2026-LH-001】"))


def _new(emulator: Emulator, before: int, wanted: Callable[[dict[str, Any]], bool]
         ) -> dict[str, Any]:
    """The first message to the inspector after the first ``before`` that is ``wanted``."""
    return dict(wait_until(lambda: next(
        (m for m in emulator.bot_messages(INSPECTOR)[before:] if wanted(m)), None), timeout=45))


def _upload(emulator: Emulator, kind: str, name: str, data: bytes, mime: str, *,
            group: str | None = None) -> None:
    form = {"user_id": str(INSPECTOR), **({"media_group_id": group} if group else {})}
    emulator.http.post(f"/control/{kind}", data=form,
                       files={"file": (name, data, mime)}).raise_for_status()


def _rows(url: str) -> tuple[CheckRecord, list[Evidence]]:
    async def work(session: AsyncSession) -> tuple[CheckRecord, list[Evidence]]:
        (record,) = (await session.scalars(select(CheckRecord))).all()
        evidence = list((await session.scalars(select(Evidence).order_by(Evidence.id))).all())
        return record, evidence

    return in_db(url, work)


def test_a_record_with_evidence_a_restart_a_far_location_and_a_cosign(
    emu: Emulator, db_url: str, world: World, bots: Callable[[], Any],  # noqa: F811
    tmp_path: Path,
) -> None:
    bind(db_url, Persona(INSPECTOR, "张三", "SCJG", inspector_id=world.leader),
         Persona(PEER, "王五", "SCJG", inspector_id=world.member))
    emu.user(INSPECTOR, "三")
    emu.user(PEER, "五")
    bots()

    card = _open_item(emu, "⬜")
    assert "状态：草稿" in card["text"]
    emu.tap(INSPECTOR, card["message_id"], _button(card, "1. 未回答"))
    emu.tap(INSPECTOR, card["message_id"], _button(card, "2. 未回答"))
    wait_until(lambda: "2. 实际经营地址与许可地址是否一致 — 符合" in next(
        m for m in emu.bot_messages(INSPECTOR) if m["message_id"] == card["message_id"])["text"],
        timeout=45)
    _upload(emu, "photo", "shop.jpg", jpeg((30, 160, 30), gps=EXIF_GPS), "image/jpeg")
    text_in(emu, INSPECTOR, lambda t: t.startswith("照片已保存（本记录共 1 份证据）"))

    bots()  # the bot restarts in the middle of the record

    # the open record is still open (Redis): the file lands in it, with its EXIF
    _upload(emu, "document", "IMG_0002.jpg", jpeg((160, 30, 30), gps=EXIF_GPS,
                                                  taken="2026:04:01 10:05:00"), "image/jpeg")
    text_in(emu, INSPECTOR, lambda t: t == "文件“IMG_0002.jpg”已保存（本记录共 2 份证据），"
                                        "含拍摄位置 30.39050, 114.89030。")
    _upload(emu, "photo", "counter.jpg", jpeg((30, 30, 160)), "image/jpeg")
    text_in(emu, INSPECTOR, lambda t: t.startswith("照片已保存（本记录共 3 份证据）"))
    assert not any(m["text"].startswith("相册") for m in emu.bot_messages(INSPECTOR))
    # an album of three: one update per photo, one answer with the count
    for colour in ((90, 90, 10), (10, 90, 90), (90, 10, 90)):
        _upload(emu, "photo", "album.jpg", jpeg(colour), "image/jpeg", group="alb-7101")
    text_in(emu, INSPECTOR, lambda t: t == "相册已保存 3 份证据（本记录共 6 份）。")
    emu.http.post("/control/location", json={
        "user_id": INSPECTOR, "latitude": JIANGNAN[0] + 0.018, "longitude": JIANGNAN[1],
        "horizontal_accuracy": 35,
    }).raise_for_status()
    text_in(emu, INSPECTOR, lambda t: t == "⚠️ 位置已记录，但距检查对象登记地址 2.0 公里，"
                                        "超过 300 米，已标记，组长可见。")

    # the draft (database): opened again, everything is there (after the pause a person
    # takes anyway: the bot's flood limit is 12 updates in 6 s, an album counting once)
    time.sleep(6.5)
    card = _open_item(emu, "✏️")
    assert "1. 食品经营许可证是否在有效期内 — 符合" in card["text"]
    assert "证据：6 份（照片 5，文件 1）" in card["text"]
    assert "⚠️ 超过 300 米，已标记" in card["text"]
    emu.tap(INSPECTOR, card["message_id"], _button(card, "✏️ 发现问题"))
    text_in(emu, INSPECTOR, lambda t: t.startswith("请输入发现问题情况"))
    emu.send(INSPECTOR, "无")
    filled = _latest(emu, INSPECTOR, lambda t: "发现问题情况：无" in t)
    emu.tap(INSPECTOR, filled["message_id"], _button(filled, "📋 汇总并提交"))
    summary = _latest(emu, INSPECTOR, lambda t: t.startswith("提交前请核对："))
    assert summary["text"].endswith("内容完整，可以提交。提交后记录锁定，只能通过“更正”修改。")
    emu.tap(INSPECTOR, summary["message_id"], _button(summary, "✅ 确认提交"))
    submitted = _latest(emu, INSPECTOR, lambda t: "状态：已提交，待同组本部门检查人员确认" in t)
    assert _labels(submitted) == ["✏️ 更正"]

    # the worker sends the second inspector the co-sign notice; one tap confirms
    notice = text_in(emu, PEER, lambda t: t.startswith("【请确认】任务 2026-LH-001：张三"))
    emu.tap(PEER, notice["message_id"], _button(notice, "✅ 确认记录"))
    text_in(emu, PEER, lambda t: t.endswith("已由 王五 确认。"))
    record, evidence = wait_until(lambda: (rows := _rows(db_url))[0].cosigned_at and rows,
                                  timeout=45)
    assert record.state == "submitted"
    assert record.location_flagged
    assert record.location_distance_m == pytest.approx(2001, abs=5)

    # the evidence read back: the photo lost its EXIF (as Telegram does), the file kept it
    photo, document, second, *album = evidence
    assert (photo.sent_as, photo.exif_latitude) == ("photo", None)
    assert second.sent_as == "photo"
    assert [e.media_group_id for e in album] == ["alb-7101"] * 3
    assert record.location_accuracy_m == 35
    assert document.sent_as == "document"
    assert (document.exif_latitude, document.exif_longitude) == pytest.approx(EXIF_GPS,
                                                                               abs=1e-4)
    assert document.exif_taken_at == "2026:04:01 10:05:00"
    (stored,) = [p for p in (tmp_path / "files").rglob(f"*{document.sha256}*") if p.is_file()]
    facts = read_exif(stored.read_bytes())
    assert (facts.latitude, facts.longitude) == pytest.approx(EXIF_GPS, abs=1e-4)
