"""Binding by invitation, refusals, the menu, idempotency, throttling and the error handler."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.types import BotCommandScopeChat
from sqlalchemy import select

from services.accounts import hash_token
from storage.models import Account, AuditEvent, Invitation, ProcessedUpdate
from tests.handlers.conftest import Harness

UNBOUND_ZH = (
    "您的 Telegram 账号尚未绑定 jointcheck。请扫描管理员发给您的邀请二维码，或打开邀请链接。"
)
UNBOUND_EN = (
    "Your Telegram account is not linked to jointcheck yet. Scan the invitation QR code your "
    "administrator gave you, or open the invitation link."
)
BOUND_LEADER_ZH = (
    "绑定成功！张三（市场监督管理局），欢迎使用 jointcheck。\n"
    "身份：执法检查人员\n\n"
    "您可以使用以下命令：\n"
    "/start — 开始 / 主菜单\n/help — 帮助\n/tasks — 我的检查任务\n/record — 填写检查记录\n"
    "/code — 检查码（亮码入企）\n"
    "/results — 检查结果录入（组长）\n/cancel — 取消当前操作"
)


async def test_unbound_user_is_refused_politely_and_nothing_else(h: Harness) -> None:
    h.api.allow("sendMessage", "answerCallbackQuery")
    stranger = h.person(777, "陌生人")
    await stranger.send("/tasks")
    await stranger.send("你好")
    await stranger.send("/start")
    await stranger.tap("rv:1:SCJG:a")
    assert h.api.texts() == [UNBOUND_ZH] * 3
    (answer,) = h.api.sent("answerCallbackQuery")
    assert answer.text == UNBOUND_ZH
    assert answer.show_alert is True
    assert await h.count(Account) == 0


async def test_unbound_english_user_is_refused_in_english(h: Harness) -> None:
    h.api.allow("sendMessage")
    await h.person(778, "Alice", "en-GB").send("/help")
    assert h.api.texts() == [UNBOUND_EN]


async def test_invitation_binds_and_shows_the_menu_of_the_roles(h: Harness) -> None:
    issued = await h.invite(h.world.leader)
    h.api.allow("sendMessage", "setMyCommands")
    await h.person(1001, "San").send(f"/start {issued.token}")

    assert h.api.texts() == [BOUND_LEADER_ZH]
    (commands,) = h.api.sent("setMyCommands")
    assert [c.command for c in commands.commands] == ["start", "help", "tasks", "record", "code",
                                                      "results", "cancel"]
    assert commands.scope == BotCommandScopeChat(chat_id=1001)
    async with h.sessions() as session:
        account = await session.scalar(
            select(Account).where(Account.inspector_id == h.world.leader)
        )
        stored = (await session.scalars(select(Invitation.token_sha256))).all()
    assert account is not None
    assert account.telegram_user_id == 1001
    # only the hash of the token is kept
    assert stored == [hash_token(issued.token)]
    assert issued.token not in stored


async def test_department_admin_sees_review_in_the_menu(h: Harness) -> None:
    issued = await h.invite(h.world.member, role="dept_admin")
    h.api.allow("sendMessage", "setMyCommands")
    await h.person(1002, "Wu").send(f"/start {issued.token}")
    assert h.api.texts()[0].splitlines()[1] == "身份：执法检查人员、部门管理员"
    assert "/review — 待会审的任务" in h.api.texts()[0]


async def test_used_expired_and_unknown_invitations_are_refused(h: Harness) -> None:
    used = await h.invite(h.world.leader)
    expiring = await h.invite(h.world.member)
    h.api.allow("sendMessage", "setMyCommands")
    await h.person(1001, "San").send(f"/start {used.token}")
    h.api.calls.clear()

    await h.person(2001, "Thief").send(f"/start {used.token}")
    h.clock.advance(hours=73)  # invitations live 72 hours
    await h.person(2002, "Late").send(f"/start {expiring.token}")
    await h.person(2003, "Guess").send("/start " + "A" * 43)

    assert h.api.texts() == [
        "此邀请已被使用过。如需重新绑定，请向管理员索取新的邀请。",
        "此邀请已过期。请向管理员索取新的邀请。",
        "邀请无效。请向管理员索取新的邀请。",
    ]
    assert h.api.sent("setMyCommands") == []
    assert await h.count(Account, Account.telegram_user_id.in_([2001, 2002, 2003])) == 0


async def test_a_malformed_start_payload_from_a_stranger_is_just_refused(h: Harness) -> None:
    h.api.allow("sendMessage")
    await h.person(2004, "Odd").send("/start not a token!")
    assert h.api.texts() == [UNBOUND_ZH]


async def test_an_update_delivered_twice_binds_once_and_answers_once(h: Harness) -> None:
    issued = await h.invite(h.world.leader)
    h.api.allow("sendMessage", "setMyCommands")
    person = h.person(1001, "San")
    update = await person.send(f"/start {issued.token}")
    await person.feed(update)  # Telegram redelivers the same update

    assert h.api.texts() == [BOUND_LEADER_ZH]
    assert await h.count(AuditEvent, AuditEvent.action == "account-bound") == 1
    assert await h.count(ProcessedUpdate, ProcessedUpdate.update_id == update.update_id) == 1


async def test_bound_user_start_unknown_text_and_cancel(h: Harness) -> None:
    person = await h.bound(1001, h.world.leader)
    h.api.allow("sendMessage", "setMyCommands")
    await person.send("/start")
    await person.send("随便说点什么")
    await person.send("/cancel")
    texts = h.api.texts()
    assert texts[0].startswith("您好，张三（市场监督管理局）。\n身份：执法检查人员")
    assert texts[1:] == ["没有这个命令。发送 /help 查看可用的命令。", "当前没有进行中的操作。"]


async def test_help_lists_what_the_bot_does(h: Harness) -> None:
    person = await h.bound(1001, h.world.leader)
    h.api.allow("sendMessage")
    await person.send("/help")
    (text,) = h.api.texts()
    assert text.startswith("jointcheck 协助部门联合“双随机、一公开”抽查。\n/tasks：")
    assert text.endswith("/cancel — 取消当前操作")


async def test_a_flooding_user_gets_one_notice_and_is_ignored(h: Harness) -> None:
    person = await h.bound(1001, h.world.leader)  # the binding was the first update
    h.api.allow("sendMessage")
    for _ in range(20):
        await person.send("/cancel")
    texts = h.api.texts()
    # 12 updates in 6 seconds are allowed: 11 answers after the binding, one notice, silence
    assert texts == ["当前没有进行中的操作。"] * 11 + ["操作太频繁，请稍后再试。"]


async def test_a_failing_handler_apologises_without_internals_and_once(
    h: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    person = await h.bound(1001, h.world.leader)
    h.api.allow("sendMessage")

    async def explode(*_args: Any) -> None:
        raise RuntimeError("connection to 10.0.0.5 refused: password=hunter2")

    monkeypatch.setattr("services.assignments.AssignmentService.for_inspector", explode)
    update = await person.send("/tasks")
    await person.feed(update)  # redelivered: no second apology
    assert h.api.texts() == ["出了点问题，请稍后再试。"]
    assert f"update {update.update_id} failed" in caplog.text


async def test_an_english_client_gets_english(h: Harness) -> None:
    issued = await h.invite(h.world.partner, department="HBJ")
    h.api.allow("sendMessage", "setMyCommands")
    await h.person(3001, "Li", "en").send(f"/start {issued.token}")
    assert h.api.texts()[0].startswith(
        "You are linked! 李四 (生态环境局), welcome to jointcheck.\nRoles: inspector"
    )
    (commands,) = h.api.sent("setMyCommands")
    assert commands.commands[2].description == "my inspection tasks"


async def test_a_failing_menu_call_after_binding_still_tells_the_person_they_are_bound(
    h: Harness,
) -> None:
    """Issue 9 item 13: the bind was committed, then setMyCommands failed and the person read
    "something went wrong". The menu is cosmetic: the bound message goes out, the bind stays."""
    from aiogram.exceptions import TelegramNetworkError
    from aiogram.methods import SetMyCommands

    issued = await h.invite(h.world.leader)
    h.api.allow("sendMessage", "setMyCommands")
    h.api.fail_next("setMyCommands", TelegramNetworkError(SetMyCommands(commands=[]), "down"))
    await h.person(1001, "San").send(f"/start {issued.token}")
    assert h.api.texts() == [BOUND_LEADER_ZH]
    assert await h.count(Account, Account.telegram_user_id == 1001) == 1


async def test_opening_the_used_link_again_says_it_is_already_yours(h: Harness) -> None:
    issued = await h.invite(h.world.leader)
    h.api.allow("sendMessage", "setMyCommands")
    await h.person(1001, "San").send(f"/start {issued.token}")
    h.api.calls.clear()
    await h.person(1001, "San").send(f"/start {issued.token}")
    assert h.api.texts() == [
        "此邀请已用于绑定您的账号（张三），无需再次打开。发送 /start 查看菜单。"
    ]
    assert await h.count(Account, Account.telegram_user_id == 1001) == 1
