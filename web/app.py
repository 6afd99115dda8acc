"""The HTTP side: Telegram's webhook (checked by its secret-token header) and ``/healthz``.

Each HTTP request is one request scope of the composition root (dishka's FastAPI
integration): routes take their session and services as ``FromDishka[...]``.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from bot.app import build_bot, build_dispatcher, set_default_commands
from bot.config import Settings
from bot.container import make_container
from dishka import AsyncContainer
from dishka.integrations.fastapi import FastapiProvider, FromDishka, inject, setup_dishka
from fastapi import FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse
from services.accounts import AccountService

log = logging.getLogger("jointcheck.web")
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def create_web_app(
    settings: Settings,
    container: AsyncContainer | None = None,
    *,
    bot: Bot | None = None,
    dispatcher: Dispatcher | None = None,
    set_webhook: bool = False,
) -> FastAPI:
    """The FastAPI app. With a bot token it serves the webhook; ``set_webhook`` registers
    ``JOINTCHECK_WEBHOOK_URL`` with Telegram at start-up (``jointcheck webhook`` does).

    ``container`` is the composition root's (``bot.container.make_container``); without one
    the app builds its own on the settings and closes it at shutdown."""
    root = container or make_container(settings, extra=(FastapiProvider(),))
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        the_bot = bot
        the_dispatcher = dispatcher
        if the_bot is None and settings.bot_token is not None:
            the_bot = build_bot(settings)
        if the_bot is not None and the_dispatcher is None:
            the_dispatcher = build_dispatcher(settings, root)
        state["bot"], state["dispatcher"] = the_bot, the_dispatcher
        if set_webhook and the_bot is not None and the_dispatcher is not None:
            if not settings.webhook_url or settings.webhook_secret is None:
                raise RuntimeError("set JOINTCHECK_WEBHOOK_URL and JOINTCHECK_WEBHOOK_SECRET")
            await the_bot.set_webhook(
                settings.webhook_url.rstrip("/") + WEBHOOK_PATH
                if not settings.webhook_url.endswith(WEBHOOK_PATH) else settings.webhook_url,
                secret_token=settings.webhook_secret.get_secret_value(),
                allowed_updates=the_dispatcher.resolve_used_update_types(),
            )
            await set_default_commands(the_bot)
        try:
            yield
        finally:
            if the_bot is not None and bot is None:
                await the_bot.session.close()
            if container is None:
                await root.close()

    app = FastAPI(title="jointcheck", lifespan=lifespan)
    setup_dishka(root, app)

    @app.get("/healthz")
    @inject
    async def healthz(accounts: FromDishka[AccountService]) -> JSONResponse:
        """Ready when the database answers."""
        ok = await accounts.database_ready()
        return JSONResponse({"status": "ok" if ok else "database unavailable"},
                            status_code=200 if ok else 503)

    @app.post(WEBHOOK_PATH)
    async def telegram_webhook(
        request: Request,
        secret_token: str | None = Header(default=None, alias=SECRET_HEADER),
    ) -> dict[str, bool]:
        """One update from Telegram, handled before answering (so a failure is redelivered)."""
        expected = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        if expected is None or not secrets.compare_digest(
            (secret_token or "").encode(), expected.encode()
        ):
            raise HTTPException(status_code=403, detail="forbidden")
        the_bot, the_dispatcher = state.get("bot"), state.get("dispatcher")
        if the_bot is None or the_dispatcher is None:
            raise HTTPException(status_code=503, detail="the bot is not configured")
        update = Update.model_validate(await request.json(), context={"bot": the_bot})
        await the_dispatcher.feed_update(the_bot, update)
        return {"ok": True}

    return app
