"""aiogram itself talks to the emulator over HTTP; webhook delivery reaches a real server."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramConflictError, TelegramRetryAfter
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from fastapi import FastAPI, Request

from sandbox.emulator import create_app
from sandbox.state import EmulatorState, FloodSettings
from tests.e2e.emulator_helpers import TOKEN, png, serve

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


@pytest.fixture
async def base() -> AsyncIterator[str]:
    """The emulator on a real port (flood limits off)."""
    async with serve(create_app(EmulatorState(flood=FloodSettings(enabled=False)))) as url:
        yield url


@pytest.fixture
async def bot(base: str) -> AsyncIterator[Bot]:
    """An aiogram Bot pointed at the emulator, as the real bot is built."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(base))
    bot = Bot(TOKEN, session=session)
    yield bot
    await bot.session.close()


async def test_bot_methods_parse_into_aiogram_types(base: str, bot: Bot) -> None:
    async with httpx.AsyncClient(base_url=base) as control:
        await control.post("/control/users", json={"id": 42, "first_name": "张三"})
        me = await bot.get_me()
        assert me.username == "jointcheck_sandbox_bot"
        assert me.id == 123456789
        sent = await bot.send_message(
            42, "<b>任务</b> 2026-LH-001", parse_mode="HTML",
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[
                InlineKeyboardButton(text="详情", callback_data="task:1")]]))
        assert isinstance(sent, Message)
        assert sent.text == "任务 2026-LH-001"
        assert sent.entities is not None
        assert sent.entities[0].type == "bold"
        assert sent.reply_markup is not None
        edited = await bot.edit_message_text("已更新", chat_id=42, message_id=sent.message_id)
        assert isinstance(edited, Message)
        assert edited.edit_date is not None
        with pytest.raises(TelegramBadRequest, match="message is not modified"):
            await bot.edit_message_text("已更新", chat_id=42, message_id=sent.message_id)
        with pytest.raises(TelegramBadRequest, match="can't parse entities"):
            await bot.send_message(42, "<b>未闭合", parse_mode="HTML")
        with pytest.raises(TelegramBadRequest, match="chat not found"):
            await bot.send_message(43, "x")
        photo = await bot.send_photo(42, BufferedInputFile(png(400, 300), "现场.png"),
                                     caption="现场照片")
        assert photo.photo is not None
        assert photo.photo[-1].width == 400
        file = await bot.get_file(photo.photo[-1].file_id)
        assert file.file_path is not None
        downloaded = await bot.download_file(file.file_path)
        assert downloaded is not None
        assert downloaded.read()[:2] == b"\xff\xd8"
        assert await bot.set_my_commands([BotCommand(command="tasks", description="我的任务")])
        assert [c.command for c in await bot.get_my_commands()] == ["tasks"]
        await control.post("/control/fail_next", json={"method": "sendMessage",
                                                        "retry_after": 3})
        with pytest.raises(TelegramRetryAfter) as retry:
            await bot.send_message(42, "被限流")
        assert retry.value.retry_after == 3


async def test_dispatcher_polls_answers_and_handles_a_tap(base: str, bot: Bot) -> None:
    dp = Dispatcher()
    answered = asyncio.Event()
    received_photo: list[bytes] = []

    @dp.message(F.text == "/tasks")
    async def tasks(message: Message) -> None:
        await message.answer("你的任务：2026-LH-001", reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="查看", callback_data="task:1")]]))

    @dp.message(F.photo)
    async def photo(message: Message, bot: Bot) -> None:
        assert message.photo is not None
        data = await bot.download(message.photo[-1].file_id)
        assert data is not None
        received_photo.append(data.read())
        await message.reply("照片已收到")

    @dp.callback_query(F.data == "task:1")
    async def show(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        await query.message.edit_text("任务详情：鄂城区 3 家企业")
        await query.answer("已打开")
        answered.set()

    async with httpx.AsyncClient(base_url=base, timeout=20) as control:
        await control.post("/control/users", json={"id": 7, "first_name": "李四"})
        polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False,
                                                       polling_timeout=5))
        try:
            sent = (await control.post("/control/send",
                                       json={"user_id": 7, "text": "/tasks"})).json()
            reply = (await control.get("/control/chats/7/wait",
                                       params={"after_message_id": sent["message_id"]})).json()
            assert reply["text"] == "你的任务：2026-LH-001"
            await control.post("/control/tap", json={"user_id": 7,
                                                     "message_id": reply["message_id"],
                                                     "callback_data": "task:1"})
            await asyncio.wait_for(answered.wait(), 10)
            answers = (await control.get("/control/answers")).json()
            assert [a["text"] for a in answers] == ["已打开"]
            [edited] = [m for m in (await control.get("/control/chats/7/messages")).json()
                        if m["message_id"] == reply["message_id"]]
            assert edited["text"] == "任务详情：鄂城区 3 家企业"
            assert edited["edited"] is True
            picture = png(320, 240, "#c33")
            uploaded = (await control.post("/control/photo", data={"user_id": "7"},
                                           files={"file": ("p.png", picture,
                                                           "image/png")})).json()
            ack = (await control.get("/control/chats/7/wait", params={
                "after_message_id": uploaded["message_id"]})).json()
            assert ack["text"] == "照片已收到"
            assert ack["reply_to_message_id"] == uploaded["message_id"]
            assert received_photo
            assert received_photo[0][:2] == b"\xff\xd8"
        finally:
            await dp.stop_polling()
            await polling


async def test_webhook_delivery_with_secret_and_retries(base: str, bot: Bot) -> None:
    received: list[tuple[dict[str, Any], str | None]] = []
    failures = {"left": 2}
    receiver = FastAPI()

    @receiver.post("/hook")
    async def hook(request: Request) -> dict[str, Any]:
        if failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("bot is restarting")
        received.append((await request.json(),
                         request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        return {}

    async with serve(receiver) as hook_base, httpx.AsyncClient(base_url=base) as control:
        await control.post("/control/users", json={"id": 9, "first_name": "王五"})
        assert await bot.set_webhook(f"{hook_base}/hook", secret_token="s3cr3t-Token_1")
        with pytest.raises(TelegramConflictError, match="webhook is active"):
            await bot.get_updates()
        first = (await control.post("/control/send", json={"user_id": 9, "text": "一"})).json()
        second = (await control.post("/control/send", json={"user_id": 9, "text": "二"})).json()
        for _ in range(100):
            if len(received) == 2:
                break
            await asyncio.sleep(0.1)
        assert [(u["update_id"], secret) for u, secret in received] == [
            (first["update_id"], "s3cr3t-Token_1"), (second["update_id"], "s3cr3t-Token_1")]
        assert [u["message"]["text"] for u, _ in received] == ["一", "二"]
        info = await bot.get_webhook_info()
        assert info.url == f"{hook_base}/hook"
        assert info.pending_update_count == 0
        assert info.last_error_message == "Wrong response from the webhook: 500 Internal " \
                                          "Server Error"
        assert await bot.delete_webhook()
        assert await bot.get_updates(timeout=0) == []


async def test_webhook_reply_with_a_method_is_executed(base: str) -> None:
    receiver = FastAPI()

    @receiver.post("/hook")
    async def hook(request: Request) -> dict[str, Any]:
        update = await request.json()
        chat = update["message"]["chat"]["id"]
        return {"method": "sendMessage", "chat_id": chat, "text": "webhook 回复"}

    async with serve(receiver) as hook_base, httpx.AsyncClient(base_url=base) as control:
        await control.post("/control/users", json={"id": 11, "first_name": "赵六"})
        await control.post(f"/bot{TOKEN}/setWebhook", json={"url": f"{hook_base}/hook"})
        sent = (await control.post("/control/send", json={"user_id": 11, "text": "/help"})).json()
        reply = (await control.get("/control/chats/11/wait",
                                   params={"after_message_id": sent["message_id"]})).json()
        assert reply["text"] == "webhook 回复"


def test_python_m_sandbox_prints_one_ready_line_and_serves(tmp_path: Path) -> None:
    personas = tmp_path / "people.json"
    personas.write_text('[{"user_id": 5, "name": "张三", "role": "检查人员", '
                        '"department": "市场监督管理局", "language_code": "zh-hans", '
                        '"description": "演示"}]', "utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--host", "127.0.0.1", "--port", "0",
         "--personas", str(personas), "--bot-username", "demo_check_bot"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith("sandbox ready http://127.0.0.1:")
        url = line.split()[-1]
        assert httpx.get(f"{url}/control/personas").json()[0]["name"] == "张三"
        assert httpx.get(f"{url}/bot{TOKEN}/getMe").json()["result"]["username"] \
            == "demo_check_bot"
        assert "<title>" in httpx.get(url).text
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert proc.stdout.read() == ""  # nothing but the ready line


def test_jointcheck_sandbox_command_serves_the_page() -> None:
    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "jointcheck"), "sandbox", "--port", "0", "--no-flood"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith("sandbox ready http://127.0.0.1:")
        url = line.split()[-1]
        assert httpx.get(f"{url}/control/flood").json()["enabled"] is False
        assert [p["role"] for p in httpx.get(f"{url}/control/personas").json()] == [
            "检查人员", "组长", "部门管理员", "分管领导"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
