"""Binding by invitation, refusals, the menu, idempotency, throttling and the error handler."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import BotCommandScopeChat
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.accounts import AccountService, IssuedInvitation, hash_token
from storage.models import Account, AuditEvent, Invitation, ProcessedUpdate
from tests.e2e.seed import World
from tests.handlers.conftest import Person, ScriptedSession

UNBOUND_ZH = "您的 Telegram 账号尚未绑定 jointcheck。请扫描管理员发给您的邀请二维码，或打开邀请链接。"
UNBOUND_EN = (
    "Your Telegram account is not linked to jointcheck yet. Scan the invitation QR code your "
    "administrator gave you, or open the invitation link."
)
BOUND_LEADER_ZH = (
    "绑定成功！张三（市场监督管理局），欢迎使用 jointcheck。\n"
    "身份：执法检查人员\n\n"
    "您可以使用以下命令：\n"
    "/start — 开始 / 主菜单\n/help — 帮助\n/tasks — 我的检查任务\n/cancel — 取消当前操作"
)


async def invite(
    sessions: async_sessionmaker[AsyncSession], clock: Any, inspector_id: int,
    role: str | None = None,
) -> IssuedInvitation:
    async with sessions() as session:
        (issued,) = await AccountService(session, clock).invite(
            department_code="SCJG", inspector_id=inspector_id, role=role, actor="test"
        )
    return issued


async def count(sessions: async_sessionmaker[AsyncSession], model: Any, *where: Any) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)))


@pytest.mark.usefixtures("world")
async def test_unbound_user_is_refused_politely_and_nothing_else(
    dispatcher: Dispatcher, bot: Bot, api: ScriptedSession,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    api.allow("sendMessage", "answerCallbackQuery")
    stranger = Person(dispatcher, bot, 777, "陌生人")
    await stranger.send("/tasks")
    await stranger.send("你好")
    await stranger.send("/start")
    await stranger.tap("rv:1:SCJG:a")
    assert api.texts() == [UNBOUND_ZH] * 3
    (answer,) = api.sent("answerCallbackQuery")
    assert answer.text == UNBOUND_ZH and answer.show_alert is True
    assert await count(sessions, Account) == 0


@pytest.mark.usefixtures("world")
async def test_unbound_english_user_is_refused_in_english(
    dispatcher: Dispatcher, bot: Bot, api: ScriptedSession
) -> None:
    api.allow("sendMessage")
    await Person(dispatcher, bot, 778, "Alice", "en-GB").send("/help")
    assert api.texts() == [UNBOUND_EN]


async def test_invitation_binds_and_shows_the_menu_of_the_roles(
    dispatcher: Dispatcher, bot: Bot, api: ScriptedSession,
    sessions: async_sessionmaker[AsyncSession], clock: Any, world: World,
) -> None:
    issued = await invite(sessions, clock, world.leader)
    api.allow("sendMessage", "setMyCommands")
    await Person(dispatcher, bot, 1001, "San").send(f"/start {issued.token}")

    assert api.texts() == [BOUND_LEADER_ZH]
    (commands,) = api.sent("setMyCommands")
    assert [c.command for c in commands.commands] == ["start", "help", "tasks", "cancel"]
    assert commands.scope == BotCommandScopeChat(chat_id=1001)
    async with sessions() as session:
        account = await session.scalar(select(Account).where(Account.inspector_id == world.leader))
        assert account is not None and account.telegram_user_id == 1001
        stored = (await session.scalars(select(Invitation.token_sha256))).all()
    # only the hash of the token is kept
    assert stored == [hash_token(issued.token)] and issued.token not in stored


async def test_department_admin_sees_review_in_the_menu(
    dispatcher: Dispatcher, bot: Bot, api: ScriptedSession,
    sessions: async_sessionmaker[AsyncSession], clock: Any, world: World,
) -> None:
    issued = await invite(sessions, clock, world.member, role="dept_admin")
    api.allow("sendMessage", "setMyCommands")
    await Person(dispatcher, bot, 1002, "Wu").send(f"/start {issued.token}")
    assert api.texts()[0].splitlines()[1] == "身份：执法检查人员、部门管理员"
    assert "/review — 待会审的任务" in api.texts()[0]


async def test_used_expired_and_unknown_invitations_are_refused(
    dispatcher: Dispatcher, bot: Bot, api: ScriptedSession,
    sessions: async_sessionmaker[AsyncSession], clock: Any, world: World,
) -> None:
    used = await invite(sessions, clock, world.leader)
    expiring = await invite(sessions, clock, world.member)
    api.allow("sendMessage", "setMyCommands")
    await Person(dispatcher, bot, 1001, "San").send(f"/start {used.token}")
    api.calls.clear()

    await Person(dispatcher, bot, 2001, "Thief").send(f"/start {used.token}")
    clock.advance(hours=73)  # invitations live 72 hours
    await Person(dispatcher, bot, 2002, "Late").send(f"/start {expiring.token}")
    await Person(dispatcher, bot, 2003, "Guess").send("/start AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")

    assert api.texts() == [
        "此邀请已被使用过。如需重新绑定，请向管理员索取新的邀请。",
        "此邀请已过期。请向管理员索取新的邀请。",
        "邀请无效。请向管理员索取新的邀请。",
    ]
    assert api.sent("setMyCommands") == []
    assert await count(sessions, Account, Account.telegram_user_id.in_([2001, 2002, 2003])) == 0


async def test_an_update_delivered_twice_binds_once_and_answers_once(
    dispatcher: Dispatcher, bot: Bot, api: ScriptedSession,
    sessions: async_sessionmaker[AsyncSession], clock: Any, world: World,
) -> None:
    issued = await invite(sessions, clock, world.leader)
    api.allow("sendMessage", "setMyCommands")
    person = Person(dispatcher, bot, 1001, "San")
    update = await person.send(f"/start {issued.token}")
    await person.feed(update)  # Telegram redelivers the same update

    assert api.texts() == [BOUND_LEADER_ZH]
    assert await count(sessions, AuditEvent, AuditEvent.action == "account-bound") == 1
    assert await count(sessions, ProcessedUpdate, ProcessedUpdate.update_id == update.update_id) == 1


async def test_bound_user_start_help_and_unknown_text(
    dispatcher: Dispatcher, bot: Bot, api: ScriptedSession,
    sessions: async_sessionmaker[AsyncSession], clock: Any, world: World,
) -> None:
    issued = await invite(sessions, clock, world.leader)
    api.allow("sendMessage", "setMyCommands")
    person = Person(dispatcher, bot, 1001, "San")
    await person.send(f"/start {issued.token}")
    api.calls.clear()
    await person.send("/start")
    await person.send("随便说点什么")
    await person.send("/cancel")
    texts = api.texts()
    assert texts[0].startswith("您好，张三（市场监督管理局）。\n身份：执法检查人员")
    assert texts[1:] == ["没有这个命令。发送 /help 查看可用的命令。", "当前没有进行中的操作。"]


async def test_a_flooding_user_gets_one_notice_and_is_ignored(
    dispatcher: Dispatcher, bot: Bot, api: ScriptedSession,
    sessions: async_sessionmaker[AsyncSession], clock: Any, world: World,
) -> None:
    issued = await invite(sessions, clock, world.leader)
    api.allow("sendMessage", "setMyCommands")
    person = Person(dispatcher, bot, 1001, "San")
    await person.send(f"/start {issued.token}")
    for _ in range(20):
        await person.send("/cancel")
    texts = api.texts()
    # the limit is 12 updates in 6 seconds: 11 answers after the binding, one notice, silence
    assert texts.count("当前没有进行中的操作。") == 11
    assert texts[-1] == "操作太频繁，请稍后再试。"
    assert len(texts) == 13


async def test_a_failing_handler_apologises_without_internals_and_once(
    dispatcher: Dispatcher, bot: Bot, api: ScriptedSession,
    sessions: async_sessionmaker[AsyncSession], clock: Any, world: World,
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    issued = await invite(sessions, clock, world.leader)
    api.allow("sendMessage", "setMyCommands")
    person = Person(dispatcher, bot, 1001, "San")
    await person.send(f"/start {issued.token}")
    api.calls.clear()

    async def explode(*_args: Any) -> None:
        raise RuntimeError("connection to 10.0.0.5 refused: password=hunter2")

    monkeypatch.setattr("services.assignments.AssignmentService.for_inspector", explode)
    update = await person.send("/tasks")
    await person.feed(update)
    assert api.texts() == ["出了点问题，请稍后再试。"]
    assert f"update {update.update_id} failed" in caplog.text


async def test_an_english_client_gets_english(
    dispatcher: Dispatcher, bot: Bot, api: ScriptedSession,
    sessions: async_sessionmaker[AsyncSession], clock: Any, world: World,
) -> None:
    async with sessions() as session:
        (issued,) = await AccountService(session, clock).invite(
            department_code="HBJ", inspector_id=world.partner, actor="test",
            ttl=dt.timedelta(hours=1),
        )
    api.allow("sendMessage", "setMyCommands")
    await Person(dispatcher, bot, 3001, "Li", "en").send(f"/start {issued.token}")
    assert api.texts()[0].startswith(
        "You are linked! 李四 (生态环境局), welcome to jointcheck.\nRoles: inspector"
    )
