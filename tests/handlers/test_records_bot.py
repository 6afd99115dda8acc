"""检查记录 in the bot through the real Dispatcher (issue 11): today's stop → the item → the
checklist toggles → a method → the findings → a photo → a far location (flagged) → the summary
→ submit → the second inspector co-signs from the outbox notice; an amendment with a reason;
every refusal (too large, wrong type, outside a record, not a member, a finding without
evidence, a stale button, a group chat); an album answered once."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncGenerator, AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import (
    Chat,
    Document,
    File,
    Location,
    Message,
    PhotoSize,
    Update,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import handlers.records as records_handlers
from bot.app import build_dispatcher
from bot.config import Settings
from bot.container import make_container
from handlers.i18n import Translator
from handlers.records import RecordCb, cosign_notice
from services.notification_kinds import CosignPayload, NotificationKind, parse_payload
from services.obsolete import obsolete_reason
from storage.models import (
    Account,
    AuditEvent,
    CheckRecord,
    Evidence,
    Outbox,
    Referral,
    ScheduleStop,
    TeamSchedule,
)
from tests.conftest import SHANGHAI
from tests.evidence_files import jpeg, pdf
from tests.handlers.conftest import SENT_AT, Call, Harness, Person, ScriptedSession

JIANGNAN = (30.39, 114.89)  # the registered place of 鄂州市江南餐饮有限公司
CARD_START = ("【2026-LH-001】鄂州市江南餐饮有限公司\n"
              "检查事项：SC-SP-01 食品经营许可和备案情况的检查（市场监督管理局）\n")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The handler tests' settings with the file store in the test's directory."""
    return Settings(bot_token=None, bot_api_url=None, redis_url=None,
                    files_dir=tmp_path / "files")


@pytest.fixture
async def dispatcher(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], clock: Any
) -> AsyncIterator[Dispatcher]:
    """The application's Dispatcher; an inspector at work taps more than the flood limit of
    12 updates in 6 s allows, so the limit is raised here (the throttle has its own tests)."""
    container = make_container(settings, sessions=sessions, clock=clock)
    yield build_dispatcher(settings, container, throttle_limit=1000)
    await container.close()


class Files:
    """What Telegram's file server holds: getFile and the download, counted."""

    def __init__(self, api: ScriptedSession) -> None:
        self.data: dict[str, bytes] = {}
        self.downloads: list[str] = []
        original = api.make_request

        async def make_request(bot: Bot, method: TelegramMethod[Any],
                               timeout: int | None = None) -> Any:  # noqa: ASYNC109
            if method.__api_method__ == "getFile":
                file_id = method.file_id  # type: ignore[attr-defined]
                return File(file_id=file_id, file_unique_id=f"u-{file_id}",
                            file_path=f"files/{file_id}")
            return await original(bot, method, timeout)

        async def stream_content(url: str, headers: Any = None, timeout: int = 30,  # noqa: ASYNC109
                                 chunk_size: int = 65536, raise_for_status: bool = True
                                 ) -> AsyncGenerator[bytes, None]:
            file_id = url.rsplit("/", 1)[-1]
            self.downloads.append(file_id)
            yield self.data[file_id]

        api.make_request = make_request  # type: ignore[method-assign]
        api.stream_content = stream_content  # type: ignore[method-assign]

    def add(self, file_id: str, data: bytes) -> str:
        self.data[file_id] = data
        return file_id


@pytest.fixture
def files(api: ScriptedSession) -> Files:
    return Files(api)


@pytest.fixture(autouse=True)
def on_the_day(h: Harness) -> None:
    """The check day: 2026-04-01 10:00 in Shanghai."""
    h.clock.now = dt.datetime(2026, 4, 1, 10, 0, tzinfo=SHANGHAI).astimezone(dt.UTC)


def _message(person: Person, chat_type: str = "private", **content: Any) -> Update:
    return Update(update_id=next(Person._update_ids), message=Message(
        message_id=next(Person._message_ids), date=SENT_AT,
        chat=Chat(id=person.user.id if chat_type == "private" else -100500, type=chat_type),
        from_user=person.user, **content))


async def photo(person: Person, file_id: str, *, size: int = 5000, group: str | None = None,
                chat_type: str = "private") -> None:
    await person.feed(_message(person, chat_type, photo=[
        PhotoSize(file_id=f"{file_id}-s", file_unique_id=f"us-{file_id}", width=90, height=67,
                  file_size=900),
        PhotoSize(file_id=file_id, file_unique_id=f"u-{file_id}", width=1280, height=960,
                  file_size=size)], media_group_id=group))


async def document(person: Person, file_id: str, name: str, mime: str, size: int) -> None:
    await person.feed(_message(person, document=Document(
        file_id=file_id, file_unique_id=f"u-{file_id}", file_name=name, mime_type=mime,
        file_size=size)))


async def location(person: Person, lat: float, lon: float) -> None:
    await person.feed(_message(person, location=Location(latitude=lat, longitude=lon,
                                                         horizontal_accuracy=25)))


def _buttons(call: Call) -> list[str]:
    return [b.text for row in call.reply_markup.inline_keyboard for b in row]


def _data(call: Call, text: str) -> str:
    return next(b.callback_data for row in call.reply_markup.inline_keyboard for b in row
                if b.text == text)


async def _fixed_schedule(h: Harness) -> None:
    async with h.sessions() as session:
        schedule = TeamSchedule(team_id=h.world.team, task_id=h.world.drawn_task, version=1,
                                state="fixed", start_latitude=30.39, start_longitude=114.89,
                                max_visits_per_day=4, created_by="t")
        session.add(schedule)
        await session.flush()
        session.add_all([
            ScheduleStop(schedule_id=schedule.id, subject_id=h.world.subjects[0],
                         day=dt.date(2026, 4, 1), position=1),
            ScheduleStop(schedule_id=schedule.id, subject_id=h.world.subjects[1],
                         day=dt.date(2026, 4, 2), position=1),
        ])
        await session.commit()


async def _record(h: Harness) -> CheckRecord:
    async with h.sessions() as session:
        (row,) = (await session.scalars(select(CheckRecord))).all()
        return row


async def _open(h: Harness, person: Person) -> Call:
    """/record → today's stop → the item: the card."""
    h.api.allow("sendMessage", "editMessageText", "answerCallbackQuery")
    await person.send("/record")
    menu = h.api.sent("sendMessage")[-1]
    stop = _data(menu, "1. 鄂州市江南餐饮有限公司")
    await person.tap(stop, message_id=10)
    items = h.api.sent("editMessageText")[-1]
    assert items.text == "【2026-LH-001】鄂州市江南餐饮有限公司\n请选择要记录的检查事项："
    await person.tap(_data(items, "⬜ SC-SP-01 食品经营许可和备案情况的检查"), message_id=10)
    card = h.api.sent("sendMessage")[-1]
    assert card.text.startswith(CARD_START)
    return card


async def test_the_whole_record_flow_and_the_cosign(h: Harness, files: Files) -> None:
    await _fixed_schedule(h)
    leader = await h.bound(1001, h.world.leader, name="张三")
    member = await h.bound(1002, h.world.member, name="王五")
    h.api.allow("sendMessage", "editMessageText", "answerCallbackQuery")

    await leader.send("/record")
    (menu,) = h.api.sent("sendMessage")
    assert menu.text == "今天（2026-04-01）的检查对象："
    assert _buttons(menu) == ["1. 鄂州市江南餐饮有限公司", "📋 本组全部检查对象（2 户）"]
    h.api.calls.clear()
    card = await _open(h, leader)
    assert card.text == (
        CARD_START + "状态：草稿\n检查要点：\n"
        "1. 食品经营许可证是否在有效期内 — 未回答\n2. 实际经营地址与许可地址是否一致 — 未回答\n"
        "检查方式：实地检查\n发现问题情况：（未填写）\n处置情况：（未填写）\n备注：无\n"
        "位置：未发送\n证据：0 份（照片 0，文件 0）\n\n"
        "提示：照片可直接发送；需要保留拍摄时间和 GPS 时，请以“文件”方式发送。"
        "单个文件不超过 20 MB，只接受图片或 PDF。")
    assert _buttons(card)[:4] == ["1. 未回答", "2. 未回答", "☑ 实地检查", "☐ 书面检查"]
    record = await _record(h)

    # the toggles edit the card in place: 符合 → 不符合 → 不适用 → 符合
    h.api.calls.clear()
    point1 = RecordCb(a="p", r=record.id, n=1).pack()
    for _ in range(4):
        await leader.tap(point1, message_id=55)
    answers = [e.text.split("\n")[4] for e in h.api.sent("editMessageText")]
    assert answers == ["1. 食品经营许可证是否在有效期内 — 符合",
                       "1. 食品经营许可证是否在有效期内 — 不符合",
                       "1. 食品经营许可证是否在有效期内 — 不适用",
                       "1. 食品经营许可证是否在有效期内 — 符合"]
    await leader.tap(RecordCb(a="p", r=record.id, n=2).pack(), message_id=55)
    await leader.tap(RecordCb(a="m", r=record.id, s="document").pack(),
                     message_id=55)
    edited = h.api.sent("editMessageText")[-1]
    assert "检查方式：实地检查、书面检查" in edited.text
    assert "☑ 书面检查" in _buttons(edited)

    # the findings: asked, typed, the card again
    h.api.calls.clear()
    await leader.tap(_data(edited, "✏️ 发现问题"), message_id=55)
    assert h.api.texts() == ["请输入发现问题情况（没有发现问题请回复“无”）："]
    await leader.send("后厨冰箱生熟食品混放")
    saved, again = h.api.sent("sendMessage")[1:]
    assert saved.text == "已保存。"
    assert "发现问题情况：后厨冰箱生熟食品混放" in again.text

    # a finding needs evidence: the summary says so and has no submit button
    h.api.calls.clear()
    await leader.tap(RecordCb(a="sum", r=record.id).pack(), message_id=55)
    (summary,) = h.api.sent("editMessageText")
    assert summary.text.endswith("还不能提交：发现了问题，至少需要一份证据（照片或文件）")
    assert _buttons(summary) == ["« 返回"]
    await leader.tap(RecordCb(a="sub", r=record.id).pack(), message_id=55)
    refused = h.api.sent("answerCallbackQuery")[-1]
    assert refused.text == ("发现了问题（或有“不符合”的检查要点），"
                            "至少需要一份证据（照片或文件）后才能提交。")
    assert refused.show_alert
    assert (await _record(h)).state == "draft"

    # a photo: downloaded, stored, answered with the count
    h.api.calls.clear()
    await photo(leader, files.add("ph1", jpeg((10, 200, 10))))
    assert files.downloads == ["ph1"]
    assert h.api.texts() == ["照片已保存（本记录共 1 份证据）。Telegram 压缩的照片"
                             "不带拍摄时间和位置；需要保留时请以“文件”方式发送。"]
    async with h.sessions() as session:
        (evidence,) = (await session.scalars(select(Evidence))).all()
    assert (evidence.sent_as, evidence.file_unique_id) == ("photo", "u-ph1")

    # a location 2 km north of the registered place: flagged, and it says how far
    h.api.calls.clear()
    await leader.tap(RecordCb(a="loc", r=record.id).pack(), message_id=55)
    (ask,) = h.api.sent("sendMessage")
    assert ask.text == "请发送当前位置（定位或实时位置均可）；将与检查对象的登记地址比较距离。"
    assert ask.reply_markup.keyboard[0][0].request_location
    await location(leader, JIANGNAN[0] + 0.018, JIANGNAN[1])
    flagged = h.api.sent("sendMessage")[-1]
    assert flagged.text == ("⚠️ 位置已记录，但距检查对象登记地址 2.0 公里，"
                            "超过 300 米，已标记，组长可见。")
    row = await _record(h)
    assert row.location_flagged
    assert row.location_accuracy_m == 25

    # summary → submit
    h.api.calls.clear()
    await leader.tap(RecordCb(a="sum", r=record.id).pack(), message_id=55)
    (summary,) = h.api.sent("editMessageText")
    assert "位置：30.40800, 114.89000，距登记地址 2.0 公里，⚠️ 超过 300 米，已标记" in summary.text
    assert "证据：1 份（照片 1，文件 0）" in summary.text
    assert summary.text.endswith("内容完整，可以提交。提交后记录锁定，只能通过“更正”修改。")
    await leader.tap(_data(summary, "✅ 确认提交"), message_id=55)
    submitted = h.api.sent("editMessageText")[-1]
    assert "状态：已提交，待同组本部门检查人员确认" in submitted.text
    assert "确认：待同组本部门另一名检查人员确认" in submitted.text
    assert _buttons(submitted) == ["✏️ 更正", "移送/告知"]
    done = h.api.sent("answerCallbackQuery")[-1]
    assert done.text == "已提交检查记录，已通知同组本部门检查人员确认。"

    # the second inspector's notice comes from the outbox (kind cosign), with the button
    async with h.sessions() as session:
        (outbox,) = (await session.scalars(select(Outbox).where(Outbox.kind == "cosign"))).all()
    payload = parse_payload(outbox.kind, outbox.payload)
    assert isinstance(payload, CosignPayload)
    text, markup = cosign_notice(payload, Translator("zh_CN"))
    assert text == ("【请确认】任务 2026-LH-001：张三 提交了 鄂州市江南餐饮有限公司 的检查记录"
                    "（SC-SP-01 食品经营许可和备案情况的检查），请核对后确认。")
    button = markup.inline_keyboard[0][0]
    assert button.text == "✅ 确认记录"

    # the submitter cannot co-sign; a toggle on the locked record is refused
    h.api.calls.clear()
    await leader.tap(button.callback_data, message_id=77, text=text)
    await leader.tap(point1, message_id=55)
    own, locked = h.api.sent("answerCallbackQuery")
    assert own.text == "不能确认自己提交的记录：需要本部门在组的另一名检查人员确认。"
    assert locked.text == "检查记录已提交并锁定；如需更正，请使用“更正”并写明理由。"
    assert not h.api.sent("editMessageText")

    await member.tap(button.callback_data, message_id=77, text=text)
    assert h.api.sent("answerCallbackQuery")[-1].text == "已确认该检查记录。"
    notice = h.api.sent("editMessageText")[-1]
    assert notice.text == text + "\n\n已由 王五 确认。"
    row = await _record(h)
    assert row.cosigned_at is not None
    assert await h.count(AuditEvent, AuditEvent.action == "record.cosigned") == 1


async def _submitted(h: Harness, leader: Person, files: Files) -> CheckRecord:
    """A record with "无", both points 符合, submitted."""
    await _open(h, leader)
    record = await _record(h)
    for n in (1, 2):
        await leader.tap(RecordCb(a="p", r=record.id, n=n).pack(), message_id=55)
    await leader.tap(RecordCb(a="tx", r=record.id, s="findings").pack())
    await leader.send("无")
    await leader.tap(RecordCb(a="sub", r=record.id).pack(), message_id=55)
    row = await _record(h)
    assert row.state == "submitted"
    return row


async def test_an_amendment_with_a_reason_and_the_stale_cosign_button(
    h: Harness, files: Files
) -> None:
    leader = await h.bound(1001, h.world.leader, name="张三")
    member = await h.bound(1002, h.world.member, name="王五")
    record = await _submitted(h, leader, files)
    old_button = RecordCb(a="cs", r=record.id, n=0).pack()
    h.api.calls.clear()
    await leader.tap(RecordCb(a="am", r=record.id).pack(), message_id=20)
    pick = h.api.sent("editMessageText")[-1]
    assert pick.text.endswith("要更正哪一项？")
    await leader.tap(_data(pick, "处置情况"), message_id=20)
    await leader.send("当场责令整改")
    await leader.send("漏填了处置情况")
    assert h.api.texts()[:3] == ["请输入更正后的处置情况：", "请写明更正理由：",
                                 "已更正（第 1 次），原内容与理由已保存；"
                                 "需要同组本部门检查人员重新确认。"]
    assert "更正：1 次（最近一次理由：漏填了处置情况）" in h.api.texts()[3]
    row = await _record(h)
    assert (row.disposal, row.amendments) == ("当场责令整改", 1)
    # the co-sign button of the version before the amendment is stale
    h.api.calls.clear()
    await member.tap(old_button, message_id=30, text="x")
    (stale,) = h.api.sent("answerCallbackQuery")
    assert stale.text == ("这个确认按钮对应的是更正前的记录版本，本次操作未生效；"
                          "请核对更正后的记录。")
    assert (await _record(h)).cosigned_at is None
    async with h.sessions() as session:
        keys = sorted((await session.scalars(select(Outbox.dedup_key).where(
            Outbox.kind == "cosign"))).all())
    assert len(keys) == 2  # asked again for the amended version
    # the queued notice of the first version is obsolete now; the new one is, until signed
    async with h.sessions() as session:
        rows = (await session.scalars(select(Outbox).where(Outbox.kind == "cosign")
                                      .order_by(Outbox.id))).all()
        reasons = [await obsolete_reason(session, NotificationKind.COSIGN,
                                         parse_payload(r.kind, r.payload)) for r in rows]
    assert reasons == ["record amended", None]
    await member.tap(RecordCb(a="cs", r=record.id, n=1).pack(), message_id=31, text="x")
    assert h.api.sent("answerCallbackQuery")[-1].text == "已确认该检查记录。"
    async with h.sessions() as session:
        assert await obsolete_reason(session, NotificationKind.COSIGN,
                                     parse_payload(rows[1].kind, rows[1].payload)
                                     ) == "record co-signed"
    # a refused amendment (no reason) changes nothing
    h.api.calls.clear()
    await leader.tap(RecordCb(a="af", r=record.id, s="notes").pack(), message_id=20)
    await leader.send("补充备注")
    await leader.send(" ")
    assert h.api.texts()[-1] == "更正已提交的记录必须写明理由。"
    assert (await _record(h)).notes == ""


async def test_evidence_refusals_change_nothing(h: Harness, files: Files) -> None:
    leader = await h.bound(1001, h.world.leader, name="张三")
    h.api.allow("sendMessage", "editMessageText", "answerCallbackQuery")
    # outside a record: a photo, a file and a location each get an answer
    await photo(leader, files.add("early", jpeg()))
    await document(leader, files.add("early.pdf", pdf()), "许可证.pdf", "application/pdf", 900)
    await location(leader, *JIANGNAN)
    outside = "现在没有打开的检查记录：请先用 /record 打开检查对象和事项，再发送照片、文件或位置。"
    assert h.api.texts() == [outside] * 3
    assert files.downloads == []
    h.api.calls.clear()
    await _open(h, leader)
    h.api.calls.clear()
    # too large, from the update's file_size: refused before any download
    await photo(leader, files.add("huge", jpeg()), size=25 * 1024 * 1024)
    await document(leader, files.add("big.pdf", pdf()), "扫描件.pdf", "application/pdf",
                   21 * 1024 * 1024)
    # not an image or PDF: by the declared type, and by the bytes once downloaded
    await document(leader, files.add("x.docx", b"PK\x03\x04word"), "记录.docx",
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                   2000)
    await document(leader, files.add("fake.jpg", b"not really a picture"), "假.jpg",
                   "image/jpeg", 20)
    assert h.api.texts() == [
        "文件超过 20 MB 的上限，未保存。请压缩后重新发送。",
        "文件超过 20 MB 的上限，未保存。请压缩后重新发送。",
        "“记录.docx”不是图片或 PDF，未保存。证据只接受照片（JPEG、PNG、WebP、HEIC）或 PDF 文件。",
        "“假.jpg”不是图片或 PDF，未保存。证据只接受照片（JPEG、PNG、WebP、HEIC）或 PDF 文件。",
    ]
    assert files.downloads == ["fake.jpg"]  # only the one whose update looked acceptable
    assert await h.count(Evidence) == 0


async def test_a_pdf_with_its_name_and_a_jpeg_file_with_gps(h: Harness, files: Files) -> None:
    leader = await h.bound(1001, h.world.leader, name="张三")
    await _open(h, leader)
    h.api.calls.clear()
    await document(leader, files.add("gps.jpg", jpeg(gps=(30.3901, 114.8902),
                                                     taken="2026:04:01 10:05:00")),
                   "IMG_0001.jpg", "image/jpeg", 3000)
    licence = pdf()  # the same bytes twice (Pillow stamps each PDF with the second it was made)
    await document(leader, files.add("lic.pdf", licence), "许可证.pdf", "application/pdf", 900)
    await document(leader, files.add("lic2.pdf", licence), "许可证.pdf", "application/pdf", 900)
    assert h.api.texts() == [
        "文件“IMG_0001.jpg”已保存（本记录共 1 份证据），含拍摄位置 30.39010, 114.89020。",
        "文件“许可证.pdf”已保存（本记录共 2 份证据）。",
        "这份文件已在本记录中，未重复保存。",
    ]


async def test_an_album_is_answered_once_with_the_count(
    h: Harness, files: Files, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(records_handlers, "ALBUM_WAIT", 0.5)
    leader = await h.bound(1001, h.world.leader, name="张三")
    await _open(h, leader)
    h.api.calls.clear()
    for n, colour in enumerate(((200, 0, 0), (0, 200, 0), (0, 0, 200))):
        await photo(leader, files.add(f"al{n}", jpeg(colour)), group="album-1")
    assert h.api.texts() == []  # nothing yet: the album may go on
    for _ in range(50):
        await asyncio.sleep(0.1)
        if h.api.texts():
            break
    await asyncio.sleep(0.6)  # and nothing more after the one answer
    assert h.api.texts() == ["相册已保存 3 份证据（本记录共 3 份）。"]
    async with h.sessions() as session:
        groups = (await session.scalars(select(Evidence.media_group_id))).all()
    assert groups == ["album-1"] * 3


async def test_not_a_member_and_no_inspector(h: Harness) -> None:
    idle = await h.bound(1004, h.world.idle, name="赵六")
    admin = await h.bound(1005, None, role="dept_admin", name="管理员")
    h.api.allow("sendMessage", "answerCallbackQuery")
    await idle.send("/record")
    await admin.send("/record")
    assert h.api.texts() == ["你目前不在任何处于现场检查阶段的检查小组中，没有可记录的检查对象。",
                             "只有检查人员可以填写检查记录。"]
    # a crafted button for the team's subject: refused, no record opened
    await idle.tap(RecordCb(a="it", r=h.world.drawn_task, n=h.world.subjects[0],
                            s="SC-SP-01").pack())
    await idle.tap(RecordCb(a="su", r=h.world.drawn_task, n=h.world.subjects[0]).pack())
    refusals = [c.text for c in h.api.sent("answerCallbackQuery")]
    assert refusals == ["你不是该任务检查小组的在岗成员，不能记录或处理这条检查记录。"] * 2
    assert await h.count(CheckRecord) == 0


async def test_another_department_cannot_touch_the_record(h: Harness) -> None:
    leader = await h.bound(1001, h.world.leader, name="张三")
    partner = await h.bound(1003, h.world.partner, department="HBJ", name="李四")
    await _open(h, leader)
    record = await _record(h)
    h.api.calls.clear()
    await partner.tap(RecordCb(a="p", r=record.id, n=1).pack())
    await partner.tap(RecordCb(a="tx", r=record.id, s="findings").pack())
    refusals = [c.text for c in h.api.sent("answerCallbackQuery")]
    assert refusals == ["这条检查记录属于SCJG，只能由该部门在组的检查人员填写。",
                        "这条检查记录属于SCJG，只能由该部门在组的检查人员填写。"]
    assert (await _record(h)).answers[0]["answer"] is None
    # 李四 sees his own department's item only
    await partner.send("/record")
    menu = h.api.sent("sendMessage")[-1]
    await partner.tap(_data(menu, "1. 鄂州市江南餐饮有限公司"), message_id=9)
    items = h.api.sent("editMessageText")[-1]
    assert _buttons(items) == ["⬜ HB-PW-01 排污许可执行情况的检查"]


async def test_a_photo_in_a_group_follows_the_private_chat_rule(
    h: Harness, files: Files
) -> None:
    leader = await h.bound(1001, h.world.leader, name="张三")
    await _open(h, leader)
    h.api.calls.clear()
    await photo(leader, files.add("grp", jpeg()), chat_type="group")
    assert h.api.calls == []  # nothing said where others read, nothing downloaded or stored
    assert files.downloads == []
    assert await h.count(Evidence) == 0


async def test_the_inspector_menu_and_help_show_record(h: Harness) -> None:
    leader = await h.bound(1001, h.world.leader, name="张三")
    h.api.allow("sendMessage")
    await leader.send("/help")
    (text,) = h.api.texts()
    assert "/record — 填写检查记录：选择今天的检查对象" in text
    assert "/record — 填写检查记录\n" in text


async def test_a_live_location_keeps_moving_the_record_silently(h: Harness) -> None:
    leader = await h.bound(1001, h.world.leader, name="张三")
    await _open(h, leader)
    h.api.calls.clear()
    await leader.feed(_message(leader, location=Location(
        latitude=JIANGNAN[0] + 0.001, longitude=JIANGNAN[1], live_period=900)))
    (answer,) = h.api.texts()
    assert answer == "位置已记录：距检查对象登记地址 111 米。"
    row = await _record(h)
    assert (row.location_live, row.location_flagged) == (True, False)
    moved = _message(leader, location=Location(latitude=JIANGNAN[0] + 0.009,
                                               longitude=JIANGNAN[1], live_period=900))
    assert moved.message is not None
    await leader.feed(Update(update_id=moved.update_id,
                             edited_message=moved.message.model_copy(
                                 update={"edit_date": 1775000000})))
    assert h.api.texts() == [answer]  # no message for each move
    row = await _record(h)
    assert row.location_distance_m == pytest.approx(1001, abs=3)
    assert row.location_flagged


async def test_an_album_of_fifteen_is_not_throttled_as_a_flood(
    h: Harness, files: Files, settings: Settings, sessions: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the production flood limit (12 updates in 6 s) an album counts once."""
    monkeypatch.setattr(records_handlers, "ALBUM_WAIT", 0.5)
    await h.bound(1001, h.world.leader, name="张三")
    container = make_container(settings, sessions=sessions, clock=h.clock)
    try:
        strict = Harness(build_dispatcher(settings, container), h.bot, h.api, sessions,
                         h.clock, h.world)
        leader = strict.person(1001, "张三")
        await _open(strict, leader)
        h.api.calls.clear()
        for n in range(15):
            await photo(leader, files.add(f"big{n}", jpeg((n * 15, 100, 200 - n * 10))),
                        group="album-15")
        for _ in range(50):
            await asyncio.sleep(0.1)
            if h.api.texts():
                break
        await asyncio.sleep(0.6)
        assert h.api.texts() == ["相册已保存 15 份证据（本记录共 15 份）。"]
        assert await h.count(Evidence) == 15
    finally:
        await container.close()


async def test_the_card_in_english(h: Harness, files: Files) -> None:
    leader = await h.bound(1001, h.world.leader, name="Zhang", language_code="en")
    h.api.allow("sendMessage", "editMessageText", "answerCallbackQuery")
    await leader.send("/record")
    menu = h.api.sent("sendMessage")[-1]
    assert menu.text == "No stop today on a confirmed schedule; every subject of your team:"
    await leader.tap(_data(menu, "1. 鄂州市江南餐饮有限公司"), message_id=10)
    items = h.api.sent("editMessageText")[-1]
    await leader.tap(items.reply_markup.inline_keyboard[0][0].callback_data, message_id=10)
    card = h.api.sent("sendMessage")[-1]
    assert "State: draft" in card.text
    assert "1. 食品经营许可证是否在有效期内 — not answered" in card.text
    assert _buttons(card)[:3] == ["1. not answered", "2. not answered", "☑ on-site check"]
    record = await _record(h)
    await leader.tap(RecordCb(a="loc", r=record.id).pack())
    h.api.calls.clear()
    await location(leader, JIANGNAN[0] + 0.018, JIANGNAN[1])
    assert h.api.texts() == ["⚠️ Location saved, but it is 2.0 km from the subject's registered "
                             "address, farther than 300 m: flagged for the leader."]


# -- 移送/告知 from the member's own submitted record ---------------------------------------------


async def _submitted_with_finding(h: Harness, person: Person, files: Files) -> Call:
    """The person's SCJG record with a finding and a photo, submitted through the bot: the
    card as the submit left it."""
    await _open(h, person)
    record = await _record(h)
    for n in (1, 2):
        await person.tap(RecordCb(a="p", r=record.id, n=n).pack(), message_id=55)
    await person.tap(RecordCb(a="tx", r=record.id, s="findings").pack())
    await person.send("后厨废水直排雨水管")
    await photo(person, files.add("rf1", jpeg((200, 10, 10))))
    await person.tap(RecordCb(a="sub", r=record.id).pack(), message_id=55)
    assert (await _record(h)).state == "submitted"
    return h.api.sent("editMessageText")[-1]


async def test_a_member_informs_another_department_from_their_submitted_record(
    h: Harness, files: Files
) -> None:
    admin = await h.bound(1201, None, department="HBJ", role="dept_admin", name="生态环境局管理员")
    member = await h.bound(1002, h.world.member, name="王五")  # in the team, not its leader
    h.api.allow("sendMessage", "editMessageText", "answerCallbackQuery")
    card = await _submitted_with_finding(h, member, files)
    record = await _record(h)
    assert _buttons(card) == ["✏️ 更正", "移送/告知"]
    assert _data(card, "移送/告知") == RecordCb(a="rf", r=record.id).pack()

    h.api.calls.clear()
    await member.tap(_data(card, "移送/告知"), message_id=55, text=card.text)
    kinds = h.api.sent("sendMessage")[-1]
    assert kinds.text == "告知 / 移送：鄂州市江南餐饮有限公司\n请选择办理方式（第十七条）："
    assert _buttons(kinds) == ["告知相关部门", "移送办案机构", "移送司法机关", "取消"]
    await member.tap(_data(kinds, "告知相关部门"), message_id=60, text=kinds.text)
    departments = h.api.sent("editMessageText")[-1]
    assert departments.text.endswith("告知哪个部门？")
    assert "市场监督管理局" not in _buttons(departments)  # the member's own department
    await member.tap(_data(departments, "生态环境局"), message_id=60, text=departments.text)
    assert h.api.sent("editMessageText")[-1].text.endswith("请发送要告知或移送的问题（文字）。")
    await member.send("后厨废水经雨水管直排，请生态环境局依职责处理")
    review = h.api.sent("sendMessage")[-1]
    assert review.text == ("告知 / 移送：鄂州市江南餐饮有限公司\n告知：生态环境局\n"
                           "问题：后厨废水经雨水管直排，请生态环境局依职责处理")
    confirm = _data(review, "✅ 确认办理")
    await member.tap(confirm, message_id=61, text=review.text)
    async with h.sessions() as session:
        (referral,) = (await session.scalars(select(Referral))).all()
        hbj_admin = await session.scalar(select(Account).where(
            Account.telegram_user_id == admin.user.id))
        assert hbj_admin is not None
        notices = (await session.scalars(select(Outbox).where(
            Outbox.kind == "referral"))).all()
    assert h.api.sent("editMessageText")[-1].text == (
        f"{review.text}\n\n已告知 生态环境局（编号 {referral.id}），已通知该部门 1 名管理员签收。")
    assert (referral.record_id, referral.result_id, referral.kind, referral.state) == (
        record.id, None, "inform", "sent")
    assert referral.created_by_inspector_id == h.world.member
    assert (referral.from_department_id, referral.to_department_id) == (h.world.scjg,
                                                                        h.world.hbj)
    assert referral.finding == "后厨废水经雨水管直排，请生态环境局依职责处理"
    (notice,) = notices
    assert notice.account_id == hbj_admin.id
    assert notice.payload["referral_id"] == referral.id
    assert notice.payload["by"] == "王五"
    assert await h.count(AuditEvent, AuditEvent.action == "referral.inform") == 1
    # the confirmation tapped again: out of date, nothing more is referred
    await member.tap(confirm, message_id=61, text=review.text)
    assert h.api.sent("answerCallbackQuery")[-1].text == (
        "这个按钮已经过期：请重新打开该检查对象的结果（/results）或检查记录（/record）。")
    assert await h.count(Referral) == 1


async def test_a_drafts_refer_button_is_refused_and_changes_nothing(h: Harness) -> None:
    leader = await h.bound(1001, h.world.leader, name="张三")
    member = await h.bound(1002, h.world.member, name="Wang", language_code="en")
    await _open(h, leader)
    record = await _record(h)
    assert "移送/告知" not in _buttons(h.api.sent("sendMessage")[-1])  # a draft has none
    h.api.calls.clear()
    button = RecordCb(a="rf", r=record.id).pack()  # an old or crafted button
    await leader.tap(button, message_id=55)
    await member.tap(button, message_id=56)
    refusals = [(c.text, c.show_alert) for c in h.api.sent("answerCallbackQuery")]
    assert refusals == [
        ("这条检查记录还是草稿：提交后才能告知或移送其中发现的问题。", True),
        ("This check record is still a draft: submit it first, then refer or transfer its "
         "finding.", True)]
    assert h.api.sent("sendMessage") == []  # no referral form
    assert await h.count(Referral) == 0
    assert (await _record(h)).state == "draft"


async def test_only_the_records_department_in_the_team_may_refer_it(
    h: Harness, files: Files
) -> None:
    member = await h.bound(1002, h.world.member, name="王五")
    partner = await h.bound(1003, h.world.partner, department="HBJ", name="李四")
    idle = await h.bound(1004, h.world.idle, name="赵六")
    admin = await h.bound(1005, None, role="dept_admin", name="管理员")
    h.api.allow("sendMessage", "editMessageText", "answerCallbackQuery")
    await _submitted_with_finding(h, member, files)
    record = await _record(h)
    h.api.calls.clear()
    button = RecordCb(a="rf", r=record.id).pack()
    await idle.tap(button)  # an SCJG inspector of no team of the task
    await admin.tap(button)  # no inspector record at all
    await partner.tap(button)  # in the team, another department
    await member.tap(RecordCb(a="rf", r=record.id + 1000).pack())  # no such record
    assert [c.text for c in h.api.sent("answerCallbackQuery")] == [
        "你不是该任务检查小组的在岗成员，不能记录或处理这条检查记录。",
        "你不是该任务检查小组的在岗成员，不能记录或处理这条检查记录。",
        "这条检查记录属于SCJG，只能由该部门在组的检查人员填写。",
        f"找不到检查记录 {record.id + 1000}。"]
    assert h.api.sent("sendMessage") == []
    assert await h.count(Referral) == 0
    assert await h.count(Outbox, Outbox.kind == "referral") == 0
