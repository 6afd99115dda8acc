"""Assembly of the bot: the Bot (Telegram or any Bot API server), the Dispatcher, polling."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import BotCommandScopeDefault
from dishka import AsyncContainer

from bot.config import Settings
from bot.middlewares import (
    AccountMiddleware,
    ContainerMiddleware,
    DatabaseMiddleware,
    OneAtATimeMiddleware,
    ThrottlingMiddleware,
    on_error,
)
from bot.private_chats import PrivateChatsOnlyMiddleware
from bot.telegram import BotNotConfigured, build_bot
from bot.worker import Worker
from handlers import build_routers, render
from handlers.i18n import LANGUAGES, Translator

__all__ = ["BotNotConfigured", "build_bot", "build_dispatcher", "run_polling"]

log = logging.getLogger("jointcheck.bot")
T = TypeVar("T")
# start-up calls: a transient error (a 500, the network) must not keep the bot down
STARTUP_FIRST_DELAY = 0.5
STARTUP_MAX_DELAY = 30.0
COSMETIC_ATTEMPTS = 4


def build_storage(settings: Settings) -> BaseStorage:
    """Conversation state: Redis when several instances share it, memory otherwise."""
    if settings.redis_url:
        from aiogram.fsm.storage.redis import RedisStorage

        return RedisStorage.from_url(settings.redis_url)
    return MemoryStorage()


def build_dispatcher(
    settings: Settings,
    container: AsyncContainer,
    *,
    throttle_limit: int = 12,
    throttle_window: float = 6.0,
) -> Dispatcher:
    """The Dispatcher with its middlewares, error handler and the feature routers.

    ``container`` is the composition root's (``bot.container``): each update gets one request
    scope of it, whose session and services the handlers receive."""
    dispatcher = Dispatcher(storage=build_storage(settings))
    dispatcher.update.outer_middleware(PrivateChatsOnlyMiddleware())  # before any data is read
    dispatcher.update.outer_middleware(ThrottlingMiddleware(throttle_limit, throttle_window))
    dispatcher.update.outer_middleware(OneAtATimeMiddleware())
    dispatcher.update.outer_middleware(ContainerMiddleware(container))
    dispatcher.update.outer_middleware(DatabaseMiddleware())
    dispatcher.update.outer_middleware(AccountMiddleware())
    dispatcher.errors.register(on_error)
    dispatcher.include_routers(*build_routers(settings))
    return dispatcher


async def with_retries(
    what: str, call: Callable[[], Awaitable[T]], *, attempts: int | None = None,
    first_delay: float = STARTUP_FIRST_DELAY,
) -> T | None:
    """``call()`` retried with exponential backoff (and Telegram's retry_after) on Bot API and
    network errors (issue 9 item 13). With ``attempts`` the call is cosmetic: after that many
    failures it is logged and skipped (``None``); without, it is needed and retried until it
    works (the delay capped at ``STARTUP_MAX_DELAY``)."""
    delay = first_delay
    attempt = 0
    while True:
        attempt += 1
        try:
            return await call()
        except TelegramAPIError as error:
            if attempts is not None and attempt >= attempts:
                log.warning("%s failed %d times, skipped: %s", what, attempt, error)
                return None
            wait = error.retry_after if isinstance(error, TelegramRetryAfter) else delay
            log.warning("%s failed (%s); retrying in %.1f s", what, error, wait)
            await asyncio.sleep(wait)
            delay = min(delay * 2, STARTUP_MAX_DELAY)


async def set_default_commands(bot: Bot) -> None:
    """The command menu before binding: Chinese by default, English for English clients."""
    for language in LANGUAGES:
        await bot.set_my_commands(
            render.bot_commands(None, Translator(language)),
            scope=BotCommandScopeDefault(),
            language_code=None if language == "zh_CN" else language,
        )


async def run_polling(
    settings: Settings,
    container: AsyncContainer,
    stop_event: asyncio.Event | None = None,
    *,
    with_worker: bool = True,
) -> None:
    """Long polling until ``stop_event`` is set (or SIGINT/SIGTERM when there is none).

    With ``with_worker`` the notification scans and the sender run in the same process (the
    embedded setup); in production run ``jointcheck worker`` once instead.
    """
    bot = build_bot(settings)
    dispatcher = build_dispatcher(settings, container)
    worker_stop = asyncio.Event()
    worker_task: asyncio.Task[None] | None = None
    try:
        # polling and a webhook exclude each other; both calls are needed, the menu is not
        await with_retries("deleteWebhook",
                           lambda: bot.delete_webhook(drop_pending_updates=False))
        await with_retries("setMyCommands", lambda: set_default_commands(bot),
                           attempts=COSMETIC_ATTEMPTS)
        me = await with_retries("getMe", bot.me)
        assert me is not None
        log.info("polling as @%s", me.username)
        if with_worker:
            worker = Worker(settings, container)
            worker_task = asyncio.create_task(worker.run(worker_stop))
        polling = asyncio.create_task(
            dispatcher.start_polling(
                bot, handle_signals=stop_event is None, close_bot_session=False
            )
        )
        if stop_event is None:
            await polling
        else:
            stopper = asyncio.create_task(stop_event.wait())
            await asyncio.wait({polling, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if not polling.done():
                await dispatcher.stop_polling()
            stopper.cancel()
            await polling
    finally:
        worker_stop.set()
        if worker_task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await worker_task
        await bot.session.close()
