"""会审 in the bot: approve, return with a comment, double taps, and who may review."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from handlers.callbacks import ReviewCb
from services.actors import Actor
from storage.models import Department, TaskReview
from tests.handlers.conftest import Harness, Person
from tests.services import task_service

CARD_ZH = (  # what a reviewer needs (issue 9 item 12)
    "【会审】2026-LH-002 2026年加油站安全生产与环保联合抽查\n"
    "第 1 轮会审 · 部门：市场监督管理局\n"
    "检查时间：2026-05-06 至 2026-05-29\n"
    "检查事项：食品经营许可和备案情况的检查（SC-SP-01）\n"
    "检查范围：全部检查对象\n"
    "抽查数量：-\n"
    "检查小组：1 个，每组 市场监督管理局 1 人、生态环境局 1 人"
)


def rcb(h: Harness, department: str, action: str, review_round: int = 1) -> str:
    """The callback data of a review button of the seeded task."""
    return ReviewCb(task_id=h.world.review_task, department=department,
                    review_round=review_round, action=action).pack()


async def admin(h: Harness, user_id: int = 1100) -> Person:
    return await h.bound(user_id, department="SCJG", role="dept_admin", name="陈主任")


async def decision(h: Harness, department: str) -> tuple[str, str, str | None]:
    async with h.sessions() as session:
        row = (
            await session.execute(
                select(TaskReview.decision, TaskReview.comment, TaskReview.decided_by)
                .join(Department, Department.id == TaskReview.department_id)
                .where(TaskReview.task_id == h.world.review_task, Department.code == department)
                .order_by(TaskReview.round.desc()).limit(1)  # the current round
            )
        ).one()
    return row[0], row[1], row[2]


async def task_state(h: Harness) -> str:
    async with h.sessions() as session:
        return str((await task_service(session, h.clock).get(h.world.review_task)).state)


async def test_review_lists_the_pending_task_with_two_buttons(h: Harness) -> None:
    chen = await admin(h)
    h.api.allow("sendMessage")
    await chen.send("/review")
    (card,) = h.api.sent()
    assert card.text == CARD_ZH
    (buttons,) = card.reply_markup.inline_keyboard
    assert [b.text for b in buttons] == ["✅ 通过", "↩️ 退回"]
    assert [b.callback_data for b in buttons] == [
        rcb(h, "SCJG", "approve"),
        rcb(h, "SCJG", "return"),
    ]


async def test_approve_records_the_decision_and_removes_the_buttons(h: Harness) -> None:
    chen = await admin(h)
    h.api.allow("editMessageText", "answerCallbackQuery")
    approve = rcb(h, "SCJG", "approve")
    await chen.tap(approve, message_id=55, text=CARD_ZH)

    (edit,) = h.api.sent("editMessageText")
    assert edit.text == CARD_ZH + "\n\n✅ 已通过（陈主任）"
    assert edit.reply_markup is None
    (answer,) = h.api.sent("answerCallbackQuery")
    assert answer.text == "已通过【2026-LH-002】的会审。"
    assert (await decision(h, "SCJG"))[0] == "approve"
    assert await task_state(h) == "in_review"  # 生态环境局 has not decided yet


async def test_a_double_tap_has_one_effect(h: Harness) -> None:
    chen = await admin(h)
    h.api.allow("editMessageText", "answerCallbackQuery")
    approve = rcb(h, "SCJG", "approve")
    first = await chen.tap(approve, message_id=55, text=CARD_ZH)
    await chen.tap(approve, message_id=55, text=CARD_ZH)  # a second tap: a new update
    await chen.feed(first)  # and the first update delivered again

    assert len(h.api.sent("editMessageText")) == 1
    answers = [a.text for a in h.api.sent("answerCallbackQuery")]
    assert answers == ["已通过【2026-LH-002】的会审。", "已处理"]


async def test_return_asks_for_a_comment_then_returns_the_task(h: Harness) -> None:
    chen = await admin(h)
    h.api.allow("sendMessage", "editMessageText", "answerCallbackQuery")
    ret = rcb(h, "SCJG", "return")
    await chen.tap(ret, message_id=56, text=CARD_ZH)
    await chen.tap(ret, message_id=56, text=CARD_ZH)  # tapped again while we wait
    await chen.send("   ")
    await chen.send("抽查比例过高，请调整为5%")

    assert h.api.texts() == [
        "请输入退回【2026-LH-002】的意见（发送 /cancel 取消）：",
        "退回意见不能为空，请重新输入（发送 /cancel 取消）：",
        "已退回【2026-LH-002】，意见：抽查比例过高，请调整为5%",
    ]
    answers = [a.text for a in h.api.sent("answerCallbackQuery")]
    assert answers == [None, "正在等待您输入退回意见。"]
    (edit,) = h.api.sent("editMessageText")
    assert edit.message_id == 56
    assert edit.text == CARD_ZH + "\n\n↩️ 已退回（陈主任）：抽查比例过高，请调整为5%"
    assert edit.reply_markup is None
    assert (await decision(h, "SCJG"))[:2] == ("return", "抽查比例过高，请调整为5%")
    assert await task_state(h) == "returned"


async def test_cancel_leaves_the_review_pending(h: Harness) -> None:
    chen = await admin(h)
    h.api.allow("sendMessage", "answerCallbackQuery")
    ret = rcb(h, "SCJG", "return")
    await chen.tap(ret, message_id=56, text=CARD_ZH)
    await chen.send("/cancel")
    await chen.send("这句话不是意见")
    assert h.api.texts()[1:] == ["已取消。", "没有这个命令。发送 /help 查看可用的命令。"]
    assert (await decision(h, "SCJG"))[0] == "pending"


async def test_only_the_departments_admin_may_review(h: Harness) -> None:
    inspector = await h.bound(1001, h.world.leader)
    other_admin = await h.bound(1200, department="HBJ", role="dept_admin", name="刘科长")
    h.api.allow("sendMessage", "answerCallbackQuery")
    approve = rcb(h, "SCJG", "approve")
    await inspector.send("/review")
    await inspector.tap(approve)
    await other_admin.tap(approve)
    assert h.api.texts() == ["只有该部门的管理员可以会审。"]
    answers = [a.text for a in h.api.sent("answerCallbackQuery")]
    assert answers == [FORBIDDEN_ZH] * 2  # the service's refusal (TaskService.review)
    assert (await decision(h, "SCJG"))[0] == "pending"


FORBIDDEN_ZH = "只有SCJG的部门管理员可以代表该部门会审；未做任何更改。"


async def test_another_departments_admin_with_a_stale_button_is_refused(h: Harness) -> None:
    """Issue 8 item 5: a round-one button pressed in round two by HBJ's admin is refused by
    the rule (not by the round), in the person's language, and nothing changes."""
    await _second_round(h)
    liu = await h.bound(1200, department="HBJ", role="dept_admin", name="刘科长",
                        language_code="en")
    h.api.allow("answerCallbackQuery")
    await liu.tap(rcb(h, "SCJG", "approve", review_round=1), message_id=55, text=CARD_ZH)
    assert [a.text for a in h.api.sent("answerCallbackQuery")] == [
        "Only an admin of SCJG can review for that department; nothing was changed."]
    assert (await decision(h, "SCJG"))[0] == "pending"
    assert await task_state(h) == "in_review"


async def test_a_button_sent_before_the_new_spelling_still_approves(h: Harness) -> None:
    """Buttons already in chats carry ``a`` / ``r``: they keep working."""
    chen = await admin(h)
    h.api.allow("answerCallbackQuery", "editMessageText")
    await chen.tap(rcb(h, "SCJG", "a"), message_id=55, text=CARD_ZH)
    assert (await decision(h, "SCJG"))[0] == "approve"


async def test_a_button_with_an_unknown_action_says_it_is_old(h: Harness) -> None:
    chen = await admin(h)
    h.api.allow("answerCallbackQuery")
    await chen.tap(rcb(h, "SCJG", "approved"), message_id=55, text=CARD_ZH)
    assert [a.text for a in h.api.sent("answerCallbackQuery")] == [
        "这个按钮已过时，请发送 /review 重新打开待审任务。"]
    assert (await decision(h, "SCJG"))[0] == "pending"


async def test_all_departments_approving_approves_the_task(h: Harness) -> None:
    chen = await admin(h)
    liu = await h.bound(1200, department="HBJ", role="dept_admin", name="刘科长")
    h.api.allow("sendMessage", "editMessageText", "answerCallbackQuery")
    await chen.tap(rcb(h, "SCJG", "approve"))
    await liu.tap(rcb(h, "HBJ", "approve"))
    assert await task_state(h) == "approved"
    await chen.send("/review")
    assert h.api.texts() == ["本部门目前没有待会审的任务。"]


async def test_two_taps_handled_at_the_same_time_still_have_one_effect(h: Harness) -> None:
    import asyncio

    chen = await admin(h)
    h.api.allow("editMessageText", "answerCallbackQuery")
    approve = rcb(h, "SCJG", "approve")
    taps = [chen.tap_update(approve, message_id=55, text=CARD_ZH) for _ in range(2)]
    # polling hands each update to its own task, as here
    await asyncio.gather(*(chen.feed(update) for update in taps))
    assert len(h.api.sent("editMessageText")) == 1
    answers = [a.text for a in h.api.sent("answerCallbackQuery")]
    assert answers == ["已通过【2026-LH-002】的会审。", "已处理"]


async def test_the_return_conversation_survives_in_redis_shared_by_instances(
    h: Harness, settings: Any
) -> None:
    """With JOINTCHECK_REDIS_URL two Dispatchers (two webhook instances) share the state."""
    from aiogram.fsm.storage.redis import RedisStorage

    from bot.app import build_dispatcher
    from bot.container import make_container

    shared = settings.model_copy(update={"redis_url": "redis://127.0.0.1:6379/15"})
    first = build_dispatcher(shared, make_container(shared, sessions=h.sessions, clock=h.clock))
    second = build_dispatcher(shared, make_container(shared, sessions=h.sessions, clock=h.clock))
    assert isinstance(first.storage, RedisStorage)
    chen = await admin(h)
    h.api.allow("sendMessage", "editMessageText", "answerCallbackQuery")
    from aiogram.fsm.storage.base import StorageKey

    key = StorageKey(bot_id=h.bot.id, chat_id=1100, user_id=1100)
    await first.storage.set_state(key, None)  # nothing left over from an earlier run
    await first.storage.set_data(key, {})
    try:
        chen.dp = first  # the tap reaches one instance ...
        await chen.tap(
            rcb(h, "SCJG", "return"),
            message_id=57, text=CARD_ZH,
        )
        chen.dp = second  # ... the comment another
        await chen.send("请补充检查事项")
    finally:
        await first.storage.close()
        await second.storage.close()
    assert h.api.texts()[-1] == "已退回【2026-LH-002】，意见：请补充检查事项"
    assert (await decision(h, "SCJG"))[:2] == ("return", "请补充检查事项")


async def _second_round(h: Harness) -> None:
    """Round 1: 市场监督管理局 returns it; the organiser moves the end date and resubmits."""
    import datetime as dt

    from sqlalchemy import update

    from services.audit import AuditTrail
    from storage.models import Task

    async with h.sessions() as session:
        tasks = task_service(session, h.clock)
        await tasks.review(h.world.review_task, "SCJG", "return", "检查时间太短",
                           Actor.system("chen"))
        await tasks.reopen(h.world.review_task, Actor.system("organiser"))
        await session.execute(update(Task).where(Task.id == h.world.review_task)
                              .values(window_end=dt.date(2026, 6, 26)))
        # what TaskService.revise records (the seeded task has no plan entry to revise against)
        await AuditTrail(session, h.clock).record(
            "organiser", "task.revise", "task", h.world.review_task,
            {"code": "2026-LH-002", "window_end": "2026-06-26"})
        await session.commit()
        await tasks.submit(h.world.review_task, Actor.system("organiser"))


async def test_a_round_one_button_does_nothing_in_round_two(h: Harness) -> None:
    chen = await admin(h)
    await _second_round(h)
    h.api.allow("editMessageText", "answerCallbackQuery")
    await chen.tap(rcb(h, "SCJG", "approve", review_round=1), message_id=55, text=CARD_ZH)
    await chen.tap(rcb(h, "SCJG", "return", review_round=1), message_id=55, text=CARD_ZH)
    answers = h.api.sent("answerCallbackQuery")
    assert [a.text for a in answers] == [
        "第 1 轮会审已结束（现在是第 2 轮），这个按钮不再有效。请发送 /review 查看当前任务。"] * 2
    assert all(a.show_alert for a in answers)
    assert not h.api.sent("editMessageText")
    assert (await decision(h, "SCJG"))[0] == "pending"  # round 2 is still undecided
    assert await task_state(h) == "in_review"


async def test_the_round_two_card_names_the_round_the_return_and_what_changed(
    h: Harness,
) -> None:
    chen = await admin(h)
    await _second_round(h)
    h.api.allow("sendMessage", "editMessageText", "answerCallbackQuery")
    await chen.send("/review")
    (card,) = h.api.sent()
    assert card.text.splitlines()[1] == "第 2 轮会审 · 部门：市场监督管理局"
    assert "检查时间：2026-05-06 至 2026-06-26" in card.text
    assert card.text.endswith("上一轮退回意见：市场监督管理局：检查时间太短\n此后修改了：结束日期")
    (buttons,) = card.reply_markup.inline_keyboard
    assert [b.callback_data for b in buttons] == [rcb(h, "SCJG", "approve", 2),
                                                  rcb(h, "SCJG", "return", 2)]
    await chen.tap(rcb(h, "SCJG", "approve", 2), message_id=56, text=card.text)
    assert (await decision(h, "SCJG"))[0] == "approve"
