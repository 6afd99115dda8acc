"""The inspection code's page in headless Chromium at a phone size (390×844): a code rendered
as a PNG by the service, decoded by a QR decoder, opened; valid with the task and inspectors;
expired, revoked, tampered and wrong-business refusals; a form without CSRF refused."""

from __future__ import annotations

import asyncio
import base64
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image
from playwright.async_api import async_playwright

from bot.config import Settings
from bot.container import make_container
from services.actors import Actor
from services.inspection_codes import (
    CodeSigner,
    code_url,
    decode,
    public_keys_from,
    qr_png,
)
from storage.db import create_engine, session_factory
from storage.migrate import upgrade_async
from tests.codes_world import code_service, field_time, scheduled_world
from tests.conftest import FixedClock
from tests.e2e.test_public_pages import PHONE, free_port
from tests.e2e.test_sandbox_page import ARTIFACTS, LAUNCH_ARGS, chromium_path
from web.app import create_web_app

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
SEED = bytes(range(1, 33))


@dataclass
class Site:
    base: str
    clock: FixedClock
    png: bytes
    revoked: str
    expired: str


@pytest.fixture
async def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Site]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'codes.db'}"
    await upgrade_async(url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    clock = FixedClock(field_time())
    signer = CodeSigner(Ed25519PrivateKey.from_private_bytes(SEED))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with sessions() as session:
        world = await scheduled_world(session)
        codes = code_service(session, clock, signer)
        shown = await codes.issue_today(world.leader, 1, Actor.system("t"))
        revoked = await codes.issue_today(world.leader, 2, Actor.system("t"))
        await codes.revoke(revoked.payload.nonce, "丢失", Actor.system("organiser"))
        clock.advance(hours=-5)
        expired = await codes.issue_today(world.leader, 1, Actor.system("t"))
        clock.now = field_time()
        png = qr_png(code_url(base, shown.token))
    settings = Settings(bot_token=None, database_url=url,
                        code_signing_key=base64.b64encode(SEED).decode(),
                        department_phones={"SCJG": "0711-3206311"})
    app = create_web_app(settings, make_container(settings, sessions=sessions, clock=clock))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        await asyncio.sleep(0.05)  # noqa: ASYNC110
    try:
        yield Site(base, clock, png, code_url(base, revoked.token), code_url(base, expired.token))
    finally:
        server.should_exit = True
        await serving
        await engine.dispose()


async def test_a_business_scans_the_code_on_a_phone(site: Site) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "code-qr.png").write_bytes(site.png)
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(site.png)))
    url = found.text
    assert url.startswith(f"{site.base}/c/")
    token = url.rsplit("/", 1)[1]
    outside: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
        page = await browser.new_page(viewport=PHONE, is_mobile=True, device_scale_factor=2)
        page.on("request", lambda r: None if r.url.startswith(site.base)
                else outside.append(r.url))

        response = await page.goto(url)
        assert response is not None
        assert response.headers["cache-control"] == "no-store"
        status = await page.locator("#status").inner_text()
        assert "有效" in status
        body = await page.locator("main").inner_text()
        assert "2026-LH-001" in body
        for name in ("张三", "王五", "李四", "4207****01", "0711-3206311", "被检查单位的权利",
                     "《中华人民共和国食品安全法》第三十五条"):
            assert name in body, name
        assert "42070001" not in body
        await page.screenshot(path=str(ARTIFACTS / "code-valid.png"), full_page=True)
        width = await page.evaluate("document.documentElement.scrollWidth")

        await page.click("#confirm button")
        assert "已于" in await page.locator("#confirmed").inner_text()
        await page.select_option("select[name=rating]", "4")
        await page.fill("textarea[name=comment]", "<script>alert(1)</script>准时")
        await page.click("#rate button")
        assert "4 分" in await page.locator("#rated").inner_text()
        await page.screenshot(path=str(ARTIFACTS / "code-confirmed.png"), full_page=True)

        await page.goto(url + "?lang=en")
        assert "Valid" in await page.locator("#status").inner_text()
        await page.screenshot(path=str(ARTIFACTS / "code-valid-en.png"), full_page=True)

        refusals = {
            "expired": (site.expired, "已过期"),
            "revoked": (site.revoked, "已撤销"),
            "tampered": (url[:-12] + ("A" if url[-12] != "A" else "B") + url[-11:], "被篡改"),
            "wrong-business": (url + "?uscc=91420700MA4KXXXX2B", "不是给贵单位的"),
        }
        for name, (target, words) in refusals.items():
            await page.goto(target)
            text = await page.locator("#status").inner_text()
            assert words in text, (name, text)
            assert "有效：" not in text
            assert await page.locator("#confirm").count() == 0
            await page.screenshot(path=str(ARTIFACTS / f"code-{name}.png"), full_page=True)
        await browser.close()
    assert width <= PHONE["width"]
    assert outside == []

    async with httpx.AsyncClient(base_url=site.base) as client:
        no_csrf = await client.post(f"/c/{token}/confirm", data={})
        assert no_csrf.status_code == 403
        assert "表单已失效" in no_csrf.text
        keys = (await client.get("/c/keys.json")).json()["keys"]
        assert decode(token, public_keys_from(keys)).uscc == "91420700MA4KXXXX1A"
        assert (await client.get(f"/c/{token}")).headers["content-security-policy"].startswith(
            "default-src 'none'")


async def test_scans_are_rate_limited(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.base) as client:
        answers = [(await client.get(f"/c/{'A' * 40}")).status_code for _ in range(32)]
    assert answers[:30] == [200] * 30
    assert answers[30:] == [429, 429]
    async with httpx.AsyncClient(base_url=site.base) as client:
        guesses = [(await client.get(f"/c/{'B' * 30}{n:010d}")).status_code
                   for n in range(120 - 32 + 2)]
    assert guesses[:-2] == [200] * (120 - 32)
    assert guesses[-2:] == [429, 429]
