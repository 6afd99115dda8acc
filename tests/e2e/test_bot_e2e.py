"""The real bot process (``jointcheck run``) against the sandbox's Bot API emulator over HTTP.

Each test seeds a database (SQLite and PostgreSQL), starts the bot polling the emulator and
acts as people through the emulator's control API; it checks what the chats show and the rows
written.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from demo.accounts import Persona, bind_demo_accounts
from services.accounts import AccountService, IssuedInvitation
from services.actors import Actor
from services.clock import utc_now
from storage.db import create_engine, session_factory
from storage.models import AuditEvent, Department, Task, TaskReview
from tests.e2e.botproc import Emulator, bot_process, emulator_process, wait_until
from tests.e2e.seed import World, seed_world

pytestmark = pytest.mark.e2e
T = TypeVar("T")

UNBOUND = "您的 Telegram 账号尚未绑定 jointcheck。请扫描管理员发给您的邀请二维码，或打开邀请链接。"
TASK_LINE = "1. 【2026-LH-001】2026年餐饮服务单位食品安全联合抽查"


def in_db(url: str, work: Callable[[AsyncSession], Coroutine[Any, Any, T]]) -> T:
    """Run ``work`` on a session of the test database (from a synchronous test)."""

    async def main() -> T:
        engine = create_engine(url)
        try:
            async with session_factory(engine)() as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def invite(url: str, inspector_id: int, department: str = "SCJG",
           issued_at: dt.datetime | None = None) -> IssuedInvitation:
    """An invitation as ``jointcheck invite --person`` makes it (optionally issued long ago)."""
    clock = (lambda: issued_at) if issued_at else utc_now

    async def work(session: AsyncSession) -> IssuedInvitation:
        (issued,) = await AccountService(session, clock).invite(
            department_code=department, inspector_id=inspector_id, actor=Actor.system("test")
        )
        return issued

    return in_db(url, work)


def bind(url: str, *personas: Persona) -> None:
    """Accounts bound directly, as the demo does."""
    in_db(url, lambda session: bind_demo_accounts(
        session, AccountService(session, utc_now), personas))


def count_audit(url: str, action: str) -> int:
    async def work(session: AsyncSession) -> int:
        return int(await session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        ))

    return in_db(url, work)


def review_row(url: str, department: str) -> tuple[str, str]:
    async def work(session: AsyncSession) -> tuple[str, str]:
        row = (await session.execute(
            select(TaskReview.decision, TaskReview.comment)
            .join(Department, Department.id == TaskReview.department_id)
            .join(Task, Task.id == TaskReview.task_id)
            .where(Task.code == "2026-LH-002", Department.code == department)
        )).one()
        return row[0], row[1]

    return in_db(url, work)


@pytest.fixture(scope="module")
def emulator_base() -> Iterator[str]:
    """One emulator for the module; every test resets it."""
    with emulator_process() as base:
        yield base


@pytest.fixture
def emu(emulator_base: str) -> Emulator:
    """The emulator, reset."""
    emulator = Emulator(emulator_base)
    emulator.reset()
    return emulator


@pytest.fixture
def world(db_url: str) -> World:
    """The seeded test database (SQLite or PostgreSQL)."""
    return in_db(db_url, seed_world)


@pytest.fixture
def start_bot(
    emu: Emulator, db_url: str, world: World, tmp_path: Path
) -> Iterator[Callable[[], None]]:
    """Start ``jointcheck run`` against the emulator; wait until it polls."""
    started: list[Any] = []
    log_path = tmp_path / "bot.log"

    def start() -> None:
        context = bot_process(emu.base, db_url, log_path)
        started.append(context)
        context.__enter__()
        # ready when this process says it polls (the emulator's call log may still hold a
        # request of the previous test's bot); importing aiogram takes long on a busy machine
        wait_until(lambda: log_path.exists() and "Start polling" in log_path.read_text(),
                   timeout=150)

    yield start
    for context in started:
        context.__exit__(None, None, None)
    if log_path.exists():
        log = log_path.read_text()
        assert "Traceback" not in log, log


def text_in(emu: Emulator, chat_id: int, wanted: Callable[[str], bool],
            timeout: float = 45) -> dict[str, Any]:
    """Wait for a bot message in the chat whose text satisfies ``wanted``."""
    return dict(wait_until(
        lambda: next((m for m in emu.bot_messages(chat_id) if wanted(m.get("text") or "")),
                     None),
        timeout,
    ))


def test_invitation_binding_and_the_assignment_shows_in_tasks(
    emu: Emulator, db_url: str, world: World, start_bot: Callable[[], None]
) -> None:
    start_bot()
    issued = invite(db_url, world.leader)
    emu.user(5001, "三", "zh-hans")
    emu.send(5001, f"/start {issued.token}")
    bound = text_in(emu, 5001, lambda t: t.startswith("绑定成功！"))
    assert bound["text"].startswith("绑定成功！张三（市场监督管理局），欢迎使用 jointcheck。")

    emu.send(5001, "/tasks")
    listing = text_in(emu, 5001, lambda t: t.startswith("我的检查任务"))
    assert TASK_LINE in listing["text"]
    assert "第 1 组 （您是组长） · 2026-04-01 至 2026-04-30 · 检查对象 2 个" in listing["text"]

    button = listing["reply_markup"]["inline_keyboard"][0][0]
    emu.tap(5001, listing["message_id"], button["callback_data"])
    overview = text_in(emu, 5001, lambda t: t.startswith("【2026-LH-001】") and "组员" in t)
    assert overview["message_id"] == listing["message_id"]  # the same message, edited
    assert "组长：张三（市场监督管理局）" in overview["text"]
    assert "· 李四（生态环境局）" in overview["text"]
    # and the worker told 张三 about the draw once the account was bound
    drawn = text_in(emu, 5001, lambda t: t.startswith("您已被抽中"))
    assert "组长：您本人" in drawn["text"]


def test_an_unknown_account_is_refused_and_nothing_else(
    emu: Emulator, start_bot: Callable[[], None]
) -> None:
    start_bot()
    emu.user(5002, "陌生人")
    emu.send(5002, "/tasks")
    emu.send(5002, "你好")
    wait_until(lambda: len(emu.bot_messages(5002)) >= 2, timeout=45)
    time.sleep(1.0)
    assert [m["text"] for m in emu.bot_messages(5002)] == [UNBOUND, UNBOUND]


def test_a_used_and_an_expired_invitation_are_refused(
    emu: Emulator, db_url: str, world: World, start_bot: Callable[[], None]
) -> None:
    start_bot()
    used = invite(db_url, world.leader)
    stale = invite(db_url, world.member, issued_at=utc_now() - dt.timedelta(hours=100))
    for user in (5001, 5004, 5005):
        emu.user(user, f"u{user}")
    emu.send(5001, f"/start {used.token}")
    text_in(emu, 5001, lambda t: t.startswith("绑定成功！"))
    emu.send(5004, f"/start {used.token}")
    emu.send(5005, f"/start {stale.token}")
    assert text_in(emu, 5004, bool)["text"] == (
        "此邀请已被使用过。如需重新绑定，请向管理员索取新的邀请。"
    )
    assert text_in(emu, 5005, bool)["text"] == "此邀请已过期。请向管理员索取新的邀请。"
    time.sleep(0.5)
    assert len(emu.bot_messages(5004)) == len(emu.bot_messages(5005)) == 1
    assert count_audit(db_url, "account-bound") == 1


def test_a_repeated_update_has_one_effect(
    emu: Emulator, db_url: str, world: World, start_bot: Callable[[], None]
) -> None:
    start_bot()
    issued = invite(db_url, world.member)
    emu.user(5003, "五")
    sent = emu.send(5003, f"/start {issued.token}")
    text_in(emu, 5003, lambda t: t.startswith("绑定成功！"))
    text = f"/start {issued.token}"
    emu.deliver({
        "update_id": sent["update_id"],
        "message": {
            "message_id": sent["message_id"], "date": int(time.time()),
            "chat": {"id": 5003, "type": "private", "first_name": "五"},
            "from": {"id": 5003, "is_bot": False, "first_name": "五",
                     "language_code": "zh-hans"},
            "text": text, "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    })
    emu.send(5003, "/cancel")  # a later update: once it is answered the duplicate was seen
    text_in(emu, 5003, lambda t: t == "当前没有进行中的操作。")
    replies = [m["text"] for m in emu.bot_messages(5003) if not m["text"].startswith("您已被抽中")]
    assert replies == [
        replies[0], "当前没有进行中的操作。",
    ]
    assert replies[0].startswith("绑定成功！王五")
    assert count_audit(db_url, "account-bound") == 1


def test_review_approve_with_a_double_tap_and_return_with_a_comment(
    emu: Emulator, db_url: str, world: World, start_bot: Callable[[], None]
) -> None:
    bind(db_url, Persona(5100, "陈主任", "SCJG", roles=("dept_admin",)),
         Persona(5200, "刘科长", "HBJ", roles=("dept_admin",)))
    emu.user(5100, "陈")
    emu.user(5200, "刘")
    start_bot()
    # the worker pushes the task to each department's admin (会审)
    card = text_in(emu, 5100, lambda t: t.startswith("【会审】2026-LH-002"))
    approve, _return = card["reply_markup"]["inline_keyboard"][0]
    assert approve["text"] == "✅ 通过"
    emu.tap(5100, card["message_id"], approve["callback_data"])
    emu.tap(5100, card["message_id"], approve["callback_data"])  # a double tap
    edited = text_in(emu, 5100, lambda t: t.endswith("✅ 已通过（陈主任）"))
    assert not (edited.get("reply_markup") or {}).get("inline_keyboard")
    answers = wait_until(
        lambda: (a := [x["text"] for x in emu.answers()]) and len(a) >= 2 and a, timeout=45
    )
    assert sorted(answers) == sorted(["已通过【2026-LH-002】的会审。", "已处理"])
    assert count_audit(db_url, "task.review.approved") == 1
    assert review_row(db_url, "SCJG")[0] == "approve"

    other = text_in(emu, 5200, lambda t: t.startswith("【会审】2026-LH-002"))
    _approve, give_back = other["reply_markup"]["inline_keyboard"][0]
    emu.tap(5200, other["message_id"], give_back["callback_data"])
    text_in(emu, 5200, lambda t: t.startswith("请输入退回【2026-LH-002】的意见"))
    emu.send(5200, "抽查时间与汛期重叠，请调整")
    text_in(emu, 5200, lambda t: t == "已退回【2026-LH-002】，意见：抽查时间与汛期重叠，请调整")
    assert review_row(db_url, "HBJ") == ("return", "抽查时间与汛期重叠，请调整")


def test_a_429_is_waited_out_and_the_message_still_arrives(
    emu: Emulator, db_url: str, world: World, start_bot: Callable[[], None]
) -> None:
    bind(db_url, Persona(5300, "李四", "HBJ", inspector_id=world.partner, language="en"))
    emu.user(5300, "Li", "en")
    emu.fail_next("sendMessage", retry_after=2)  # the first message of the run: the notice
    started = time.monotonic()
    start_bot()
    drawn = text_in(emu, 5300, lambda t: t.startswith("You were drawn"))
    assert "[2026-LH-001]" in drawn["text"]
    assert time.monotonic() - started >= 2
    sends = emu.calls("sendMessage")
    assert [c["status"] for c in sends][:2] == [429, 200]

    emu.fail_next("sendMessage", retry_after=1)  # and a reply to a command
    emu.send(5300, "/tasks")
    listing = text_in(emu, 5300, lambda t: t.startswith("My inspection tasks"))
    assert "[2026-LH-001]" in listing["text"]


def test_webhook_mode_checks_the_secret_and_answers_through_the_emulator(
    emu: Emulator, db_url: str, world: World, tmp_path: Path
) -> None:
    import httpx

    from tests.e2e.botproc import free_port

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    secret = "e2e-webhook-secret_0123"
    issued = invite(db_url, world.leader)
    emu.user(5400, "三")
    with bot_process(
        emu.base, db_url, tmp_path / "webhook.log",
        ("webhook", "--host", "127.0.0.1", "--port", str(port)),
        JOINTCHECK_WEBHOOK_URL=base, JOINTCHECK_WEBHOOK_SECRET=secret,
    ):
        wait_until(lambda: httpx.get(f"{base}/healthz", timeout=2).status_code == 200,
                   timeout=150)
        registered = emu.http.get("/control/webhook").json()
        assert registered["url"] == f"{base}/telegram/webhook"
        forged = httpx.post(f"{base}/telegram/webhook", json={"update_id": 1},
                            headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
        assert forged.status_code == 403
        emu.send(5400, f"/start {issued.token}")
        bound = text_in(emu, 5400, lambda t: t.startswith("绑定成功！"))
        assert bound["text"].startswith("绑定成功！张三（市场监督管理局）")
    assert "Traceback" not in (tmp_path / "webhook.log").read_text()


def test_failing_start_up_calls_are_retried_and_a_failing_menu_is_skipped(
    emu: Emulator, start_bot: Callable[[], None], tmp_path: Path
) -> None:
    """Issue 9 item 13: one HTTP 500 of setMyCommands at start made `jointcheck run` exit with
    a traceback. Needed calls are retried with backoff, the cosmetic menu is skipped after a few
    failures, and the bot polls and answers anyway."""
    emu.fail_next("deleteWebhook", error_code=500, count=2)
    emu.fail_next("setMyCommands", error_code=500, count=50)  # it never works in this run
    emu.fail_next("getMe", error_code=502, count=1)
    start_bot()
    assert [c["status"] for c in emu.calls("deleteWebhook")][:3] == [500, 500, 200]
    assert {c["status"] for c in emu.calls("setMyCommands")} == {500}
    emu.user(5003, "陌生人")
    emu.send(5003, "/tasks")
    assert text_in(emu, 5003, lambda t: t == UNBOUND)
    log = (tmp_path / "bot.log").read_text()
    assert "setMyCommands failed 4 times, skipped" in log
