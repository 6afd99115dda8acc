"""The sandbox page in headless Chromium: pick a person, talk to a scripted bot, tap, attach.

A tiny aiogram bot (a few handlers) answers through the emulator over HTTP, exactly as the real
bot does; the page is driven at phone size (390×844) and on a desktop, and screenshots are saved
under tests/artifacts/ for a person to look at. Missing Chromium fails in CI (never skips).
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import Command
from aiogram.types import (
    BotCommand,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)

from sandbox.emulator import create_app
from sandbox.personas import default_personas
from sandbox.state import EmulatorState, FloodSettings
from tests.e2e.emulator_helpers import TOKEN, png, serve

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("JOINTCHECK_CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run"]

TASKS_TEXT = (
    "<b>我的任务</b>\n"
    "2026-LH-001 餐饮服务单位食品安全联合抽查\n"
    "检查组 1 · 组长 张三\n"
    "窗口期：3月9日—3月20日"
)


def chromium_path() -> str:
    """Debian's Chromium; in CI its absence is a failure, elsewhere a skip with the reason."""
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return CHROMIUM
    if IN_CI:
        pytest.fail(f"Chromium not found at {CHROMIUM}: .ci/run installs the chromium package")
    pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")


def scripted_bot() -> Dispatcher:
    """A few lines of a bot: /start, /tasks with buttons, a tap that edits, photo receipts."""
    dp = Dispatcher()

    @dp.message(Command("start"))
    async def start(message: Message) -> None:
        await message.answer(
            "欢迎使用 <b>jointcheck</b> 沙箱。发送 /tasks 查看任务。",
            reply_markup=ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="/tasks"),
                                                        KeyboardButton(text="/help")]],
                                             resize_keyboard=True))

    @dp.message(Command("tasks"))
    async def tasks(message: Message) -> None:
        await message.answer(TASKS_TEXT, reply_markup=InlineKeyboardMarkup(inline_keyboard=[
            [InlineKeyboardButton(text="查看检查对象", callback_data="task:1:subjects")],
            [InlineKeyboardButton(text="检查指引", callback_data="task:1:guide"),
             InlineKeyboardButton(text="地图", url="https://example.org/map")],
        ]))

    @dp.callback_query(F.data == "task:1:subjects")
    async def subjects(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        await query.message.edit_text(
            "<b>检查对象（3）</b>\n1. 鄂州市好味道餐馆 — 鄂城区古楼街道\n"
            "2. 葛店开发区职工食堂 — 葛店开发区\n3. 华容区惠民超市 — 华容区",
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[
                InlineKeyboardButton(text="« 返回", callback_data="task:1:back")]]))
        await query.answer("已展开检查对象")

    @dp.callback_query(F.data == "task:1:guide")
    async def guide(query: CallbackQuery) -> None:
        await query.answer("检查指引：出示执法证件，两人以上共同检查。", show_alert=True)

    @dp.message(F.photo)
    async def photo(message: Message) -> None:
        await message.reply("已收到现场照片，已归档到 2026-LH-001。")

    @dp.message(F.location)
    async def location(message: Message) -> None:
        assert message.location is not None
        await message.reply(f"已记录位置 {message.location.latitude:.3f}, "
                            f"{message.location.longitude:.3f}")

    return dp


@pytest.fixture
async def world() -> AsyncIterator[str]:
    """The emulator with the demo personas and the scripted bot polling it."""
    state = EmulatorState(flood=FloodSettings(enabled=False), personas=default_personas())
    async with serve(create_app(state)) as base:
        bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(base)),
                  default=DefaultBotProperties(parse_mode="HTML"))
        await bot.set_my_commands([BotCommand(command="start", description="开始"),
                                   BotCommand(command="tasks", description="我的任务"),
                                   BotCommand(command="help", description="帮助")])
        dp = scripted_bot()
        polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False,
                                                       polling_timeout=5))
        try:
            yield base
        finally:
            await dp.stop_polling()
            await polling
            await bot.session.close()


async def test_phone_pick_send_tap_photo(world: str, tmp_path: Path) -> None:
    from playwright.async_api import async_playwright, expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    picture = tmp_path / "现场.png"
    picture.write_bytes(png(900, 600, "#3a8fd6"))
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
        page = await browser.new_page(viewport={"width": 390, "height": 844},
                                      device_scale_factor=2, is_mobile=True, has_touch=True)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(world)
        await expect(page.locator(".persona")).to_have_count(4)
        await expect(page.locator(".persona").first).to_contain_text("检查人员")
        await page.screenshot(path=ARTIFACTS / "sandbox-phone-1-picker.png")

        await page.locator(".persona", has_text="张三").click()
        await expect(page.locator("#chat")).to_be_visible()
        await page.locator("#start").click()
        await expect(page.locator(".row.in .bubble").first).to_contain_text("欢迎使用 jointcheck")
        await expect(page.locator(".row.in b").first).to_have_text("jointcheck")  # HTML bold
        await expect(page.locator("#reply-keyboard .kb-btn")).to_have_count(2)

        # the "/" menu lists the commands set by setMyCommands
        await page.locator("#menu").click()
        await expect(page.locator(".command")).to_have_count(3)
        await page.screenshot(path=ARTIFACTS / "sandbox-phone-2a-commands.png")
        await page.locator(".command", has_text="/tasks").click()
        tasks = page.locator(".row.in", has_text="我的任务")
        await expect(tasks).to_contain_text("2026-LH-001")
        await expect(tasks.locator(".kb-btn")).to_have_count(3)
        await page.screenshot(path=ARTIFACTS / "sandbox-phone-2-tasks.png")

        # a tap: the toast shows the answer and the same bubble is edited in place
        await tasks.locator(".kb-btn", has_text="查看检查对象").click()
        await expect(page.locator("#toast")).to_have_text("已展开检查对象")
        edited = page.locator(".row.in", has_text="检查对象（3）")
        await expect(edited).to_contain_text("鄂州市好味道餐馆")
        await expect(edited.locator(".meta .edited")).to_have_text("已编辑")
        await expect(page.locator(".row.in", has_text="窗口期")).to_have_count(0)
        await expect(edited.locator(".kb-btn")).to_have_text(["« 返回"])
        await page.screenshot(path=ARTIFACTS / "sandbox-phone-3-edited.png")

        # typed text goes out as the user's bubble
        await page.locator("#text").fill("/tasks")
        await page.locator("#send").click()
        await expect(page.locator(".row.out", has_text="/tasks")).to_have_count(2)
        second = page.locator(".row.in", has_text="窗口期")
        await expect(second).to_have_count(1)
        await second.locator(".kb-btn", has_text="检查指引").click()
        await expect(page.locator("#alert-text")).to_have_text(
            "检查指引：出示执法证件，两人以上共同检查。")
        await page.screenshot(path=ARTIFACTS / "sandbox-phone-4-alert.png")
        await page.locator("#alert-ok").click()

        # a photo: preview in the user's bubble, served by the emulator, and the bot's receipt
        await page.locator("#photo-input").set_input_files(str(picture))
        photo = page.locator(".row.out img.photo")
        await expect(photo).to_have_count(1)
        await expect(page.locator(".row.in", has_text="已收到现场照片")).to_have_count(1)
        natural = await photo.evaluate("img => img.complete && img.naturalWidth")
        assert natural == 800  # the 800px PhotoSize, a real image from the download route

        # a location from the preset Ezhou point
        await page.locator("#location").click()
        await page.locator("#loc-preset").click()
        await expect(page.locator(".row.in", has_text="已记录位置 30.391, 114.894")) \
            .to_have_count(1)
        await expect(page.locator(".row.out .map")).to_have_count(1)
        await page.screenshot(path=ARTIFACTS / "sandbox-phone-5-photo-location.png")

        # back to the picker and the English toggle
        await page.locator("#back").click()
        await page.locator("#lang").click()
        await expect(page.locator("#picker")).to_be_visible()
        await expect(page.locator("#lang")).to_have_text("中文")
        await expect(page.locator(".persona").first).to_contain_text("Inspector")
        await page.screenshot(path=ARTIFACTS / "sandbox-phone-6-english.png")
        assert errors == []
        await browser.close()


async def test_desktop_two_panes_and_deleted_messages(world: str) -> None:
    import httpx
    from playwright.async_api import async_playwright, expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
        page = await browser.new_page(viewport={"width": 1280, "height": 800})
        await page.goto(world)
        await page.locator(".persona", has_text="王五").click()
        await expect(page.locator("#picker")).to_be_visible()  # both panes on a desktop
        await page.locator("#text").fill("/tasks")
        await page.keyboard.press("Enter")
        tasks = page.locator(".row.in", has_text="我的任务")
        await expect(tasks).to_have_count(1)
        # the bot deletes its message: it disappears from the page
        async with httpx.AsyncClient(base_url=world) as control:
            messages = (await control.get("/control/chats/910003/messages")).json()
            bot_message = next(m for m in messages if m["from_bot"])
            await control.post(f"/bot{TOKEN}/deleteMessage", json={
                "chat_id": 910003, "message_id": bot_message["message_id"]})
            # formatting is rendered safely: markup in a plain message stays text
            await control.post(f"/bot{TOKEN}/sendMessage", json={
                "chat_id": 910003, "parse_mode": "HTML",
                "text": '<i>斜体</i> <code>code</code> <a href="https://example.org">链接</a> '
                        "&lt;script&gt;alert(1)&lt;/script&gt;"})
        await expect(tasks).to_have_count(0)
        formatted = page.locator(".row.in", has_text="斜体")
        await expect(formatted.locator("i")).to_have_text("斜体")
        await expect(formatted.locator("code")).to_have_text("code")
        await expect(formatted.locator("a[href='https://example.org']")).to_have_text("链接")
        await expect(formatted).to_contain_text("<script>alert(1)</script>")
        await expect(formatted.locator("script")).to_have_count(0)
        await page.screenshot(path=ARTIFACTS / "sandbox-desktop.png")
        await browser.close()
