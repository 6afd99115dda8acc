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
    from services.accounts import AccountService, Persona, bind_demo_accounts
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
