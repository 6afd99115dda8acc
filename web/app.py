"""The HTTP side: Telegram's webhook (checked by its secret-token header) and ``/healthz``.

Each HTTP request is one request scope of the composition root (dishka's FastAPI
integration): routes take their session and services as ``FromDishka[...]``.

``/docs`` and ``/redoc`` are served with assets from the installed package (fastapi-offline),
so they work on a machine without internet and load nothing from a CDN. The webhook reads at
most ``MAX_WEBHOOK_BODY`` bytes (Telegram's updates are a few kilobytes; 413 above), answers 400
to a body that is not an Update, and never logs a body.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from bot.app import (
    COSMETIC_ATTEMPTS,
    build_bot,
    build_dispatcher,
    set_default_commands,
    with_retries,
)
from bot.config import Settings
from bot.container import make_container
from dishka import AsyncContainer
from dishka.integrations.fastapi import FastapiProvider, FromDishka, inject, setup_dishka
from fastapi import FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from pydantic import ValidationError
from services.accounts import AccountService

from web.api import install_api
from web.codes import codes_router
from web.progress import progress_router
from web.public import PUBLIC_POLICY, is_public_path, public_router

log = logging.getLogger("jointcheck.web")
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_WEBHOOK_BODY = 1024 * 1024
# The API pages load nothing from elsewhere: Redoc's bundle would fetch its logo from a CDN.
DOCS_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; "
               "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
               "worker-src 'self' blob:; connect-src 'self'")


async def read_capped(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes ``limit`` bytes (a declared
    Content-Length above it is refused before reading anything)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(status_code=413, detail="request body too large")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPException(status_code=413, detail="request body too large")
    return bytes(body)


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
            url = settings.webhook_url
            hook = url if url.endswith(WEBHOOK_PATH) else url.rstrip("/") + WEBHOOK_PATH
            secret = settings.webhook_secret.get_secret_value()
            updates = the_dispatcher.resolve_used_update_types()
            registering = the_bot
            await with_retries("setWebhook", lambda: registering.set_webhook(
                hook, secret_token=secret, allowed_updates=updates))
            await with_retries("setMyCommands", lambda: set_default_commands(registering),
                               attempts=COSMETIC_ATTEMPTS)
        try:
            yield
        finally:
            if the_bot is not None and bot is None:
                await the_bot.session.close()
            if container is None:
                await root.close()

    app = FastAPIOffline(title="jointcheck", lifespan=lifespan)
    setup_dishka(root, app)

    @app.middleware("http")
    async def docs_policy(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        if request.url.path in {"/docs", "/redoc"}:
            response.headers["Content-Security-Policy"] = DOCS_POLICY
        elif is_public_path(request.url.path):
            response.headers.setdefault("Content-Security-Policy", PUBLIC_POLICY)
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers["X-Frame-Options"] = "DENY"
        return response

    app.include_router(public_router())
    install_api(app, settings)  # the admin API under /api/v1 (docs/api.md)
    app.include_router(codes_router())
    app.include_router(progress_router())  # issue 12 item 5: the Art. 22 pages

    @app.get("/healthz", response_model=None)
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
        body = await read_capped(request, MAX_WEBHOOK_BODY)
        try:
            update = Update.model_validate_json(body, context={"bot": the_bot})
        except ValidationError as error:
            # the count only: a body may carry personal data and is never logged
            log.warning("webhook: refused a body that is not an Update (%d errors)",
                        error.error_count())
            raise HTTPException(status_code=400, detail="not a Telegram update") from None
        await the_dispatcher.feed_update(the_bot, update)
        return {"ok": True}

    return app
