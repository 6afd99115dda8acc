"""The webhook endpoint (secret-token header) and the invite/account commands with QR files."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select
from typer.testing import CliRunner

from bot.config import Settings, get_settings
from bot.container import make_container
from cli.main import app as cli
from storage.db import create_engine, session_factory
from storage.models import Account, Invitation
from tests.e2e.seed import seed_world
from tests.handlers.conftest import Harness
from web.app import SECRET_HEADER, WEBHOOK_PATH, create_web_app


async def test_webhook_refuses_a_wrong_secret_and_feeds_the_dispatcher_otherwise(
    h: Harness,
) -> None:
    settings = Settings(webhook_secret=SecretStr("s3cret-token"), bot_token=None)
    app = create_web_app(settings, make_container(settings, sessions=h.sessions, clock=h.clock),
                         bot=h.bot, dispatcher=h.dp)
    update = h.person(777, "陌生人").message_update("/tasks")
    body = update.model_dump(mode="json", exclude_none=True)
    h.api.allow("sendMessage")
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://web") as client:
            missing = await client.post(WEBHOOK_PATH, json=body)
            wrong = await client.post(WEBHOOK_PATH, json=body, headers={SECRET_HEADER: "guess"})
            assert h.api.calls == []
            right = await client.post(
                WEBHOOK_PATH, json=body, headers={SECRET_HEADER: "s3cret-token"}
            )
            health = await client.get("/healthz")
    assert (missing.status_code, wrong.status_code, right.status_code) == (403, 403, 200)
    assert h.api.texts() == [
        "您的 Telegram 账号尚未绑定 jointcheck。请扫描管理员发给您的邀请二维码，或打开邀请链接。"
    ]
    assert health.json() == {"status": "ok"}


@pytest.fixture
def cli_env(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """The CLI pointed at the test database, with a seeded world."""

    async def seed() -> None:
        engine = create_engine(db_url)
        async with session_factory(engine)() as session:
            await seed_world(session)
        await engine.dispose()

    asyncio.run(seed())
    monkeypatch.setenv("JOINTCHECK_DATABASE_URL", db_url)
    monkeypatch.delenv("JOINTCHECK_BOT_TOKEN", raising=False)
    monkeypatch.delenv("JOINTCHECK_BOT_USERNAME", raising=False)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield db_url
    get_settings.cache_clear()


def _rows(db_url: str, model: type) -> list:
    async def read() -> list:
        engine = create_engine(db_url)
        async with session_factory(engine)() as session:
            rows = list((await session.scalars(select(model))).all())
        await engine.dispose()
        return rows

    return asyncio.run(read())


def test_invite_a_department_prints_links_and_writes_qr_cards(
    cli_env: str, tmp_path: Path
) -> None:
    out = tmp_path / "qr"
    result = CliRunner().invoke(
        cli, ["invite", "--department", "SCJG", "--bot-username", "jc_bot", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    links = re.findall(r"https://t\.me/jc_bot\?start=([A-Za-z0-9_-]+)", result.output)
    assert len(links) == 3  # 张三, 王五, 赵六: every active inspector of 市场监督管理局
    assert all(len(token) <= 64 for token in links)
    names = sorted(p.name for p in out.iterdir())
    assert names == ["00001-张三.png", "00002-王五.png", "00003-赵六.png", "sheet.html",
                     "sheet.png"]
    sheet = (out / "sheet.html").read_text(encoding="utf-8")
    assert sheet.count("data:image/png;base64,") == 3
    assert "张三" in sheet
    stored = {row.token_sha256 for row in _rows(cli_env, Invitation)}
    assert not stored & set(links)  # the database never holds a token itself


def test_invite_refuses_an_unknown_department_and_a_missing_bot_name(cli_env: str) -> None:
    unknown = CliRunner().invoke(cli, ["invite", "-d", "NOPE", "--bot-username", "jc_bot"])
    nameless = CliRunner().invoke(cli, ["invite", "-d", "SCJG"])
    assert unknown.exit_code == 1
    assert "未找到：department NOPE" in unknown.output
    assert nameless.exit_code == 2
    assert "JOINTCHECK_BOT_USERNAME" in nameless.output
    assert _rows(cli_env, Invitation) == []


def test_account_revoke_unbinds(cli_env: str, tmp_path: Path) -> None:
    from demo.accounts import Persona, bind_demo_accounts
    from services.accounts import AccountService
    from services.clock import utc_now

    async def bind() -> None:
        engine = create_engine(cli_env)
        async with session_factory(engine)() as session:
            await bind_demo_accounts(session, AccountService(session, utc_now), [
                Persona(1001, "张三", "SCJG", inspector_id=1)])
        await engine.dispose()

    asyncio.run(bind())
    listed = CliRunner().invoke(cli, ["account", "list"])
    assert "1001" in listed.output
    revoked = CliRunner().invoke(cli, ["account", "revoke", "1"])
    again = CliRunner().invoke(cli, ["account", "revoke", "1"])
    assert revoked.exit_code == 0
    assert "已解除账号 1（张三）的 Telegram 绑定。" in revoked.output
    assert again.exit_code == 1
    assert "该账号尚未绑定 Telegram。" in again.output
    (account,) = _rows(cli_env, Account)
    assert account.telegram_user_id is None


async def test_webhook_answers_400_to_what_is_not_an_update_and_413_to_a_huge_body(
    h: Harness, caplog: pytest.LogCaptureFixture,
) -> None:
    """Issue 9 item 14: malformed JSON or a non-Update gave a 500 and a 20 MB body was accepted
    and logged in full. Now 400 / 413, nothing handled, and no body in the logs."""
    settings = Settings(webhook_secret=SecretStr("s3cret-token"), bot_token=None)
    app = create_web_app(settings, make_container(settings, sessions=h.sessions, clock=h.clock),
                         bot=h.bot, dispatcher=h.dp)
    headers = {SECRET_HEADER: "s3cret-token", "content-type": "application/json"}
    marker = "PRIVATE-市场主体-地址"
    huge = b'{"update_id": 1, "message": {"text": "' + b"x" * (20 * 1024 * 1024) + b'"}}'
    caplog.set_level("DEBUG")
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://web") as client:
            malformed = await client.post(WEBHOOK_PATH, content=b'{"update_id": 1, ',
                                          headers=headers)
            not_update = await client.post(WEBHOOK_PATH, json={"hello": marker},
                                           headers=headers)
            wrong_types = await client.post(
                WEBHOOK_PATH, json={"update_id": "one", "message": marker}, headers=headers)
            too_big = await client.post(WEBHOOK_PATH, content=huge, headers=headers)

            async def chunks():  # no Content-Length: the cap must hold while streaming
                for _ in range(40):
                    yield b"x" * (64 * 1024)

            streamed = await client.post(WEBHOOK_PATH, content=chunks(), headers=headers)
    assert [r.status_code for r in (malformed, not_update, wrong_types)] == [400, 400, 400]
    assert (too_big.status_code, streamed.status_code) == (413, 413)
    assert h.api.calls == []
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert marker not in logged
    assert "xxxxxxxx" not in logged


async def test_docs_and_redoc_load_their_assets_from_the_server_itself(h: Harness) -> None:
    """Issue 9 item 21: /docs and /redoc were blank offline (assets from a CDN). Chromium with
    every request outside the server refused still renders both."""
    from playwright.async_api import async_playwright

    from tests.e2e.emulator_helpers import serve
    from tests.e2e.test_sandbox_page import ARTIFACTS, LAUNCH_ARGS, chromium_path

    settings = Settings(bot_token=None)
    app = create_web_app(settings, make_container(settings, sessions=h.sessions, clock=h.clock))
    outside: list[str] = []
    async with serve(app) as base, async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
        page = await browser.new_page(viewport={"width": 390, "height": 844})

        async def only_local(route) -> None:  # type: ignore[no-untyped-def]
            if route.request.url.startswith(base):
                await route.continue_()
            else:
                outside.append(route.request.url)
                await route.abort()

        await page.route("**/*", only_local)
        await page.goto(f"{base}/docs")
        await page.locator(".swagger-ui .info .title").wait_for(timeout=15_000)
        assert "jointcheck" in await page.locator(".swagger-ui .info .title").inner_text()
        await page.locator("text=/healthz").first.wait_for(timeout=15_000)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "docs-offline-phone.png"))
        await page.goto(f"{base}/redoc")
        await page.locator("text=/healthz").first.wait_for(timeout=15_000)
        await page.screenshot(path=str(ARTIFACTS / "redoc-offline-phone.png"))
        await browser.close()
    assert outside == []


def test_invite_listing_has_headers_and_the_inspector_id(cli_env: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["invite", "-d", "SCJG", "--person", "1", "--bot-username",
                                      "jc_bot", "--out", str(tmp_path / "qr")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("账号"))
    assert lines[header].split() == ["账号", "检查人员", "id（--person）", "姓名", "有效期至",
                                     "邀请链接"]
    row = r"^\d+\s+1\s+张三\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+https://t\.me/jc_bot\?start=\S+$"
    assert re.match(row, lines[header + 1]), lines[header + 1]
    listed = CliRunner().invoke(cli, ["account", "list"])
    assert "检查人员 id" in listed.output
    assert "执法检查人员" in listed.output  # roles in words, not "inspector"


async def test_invite_asks_the_running_demo_emulator_for_the_bot_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cli.accounts import _bot_username
    from sandbox.emulator import create_app
    from sandbox.state import EmulatorState
    from tests.e2e.emulator_helpers import serve

    async with serve(create_app(EmulatorState())) as url:
        port = int(url.rsplit(":", 1)[1])
        settings = Settings(bot_token=None, bot_username=None, sandbox_port=port)
        assert await _bot_username(settings, None) == EmulatorState().bot_username
    # nothing answers any more: no name, no traceback
    assert await _bot_username(Settings(bot_token=None, bot_username=None,
                                        sandbox_port=port), None) is None
