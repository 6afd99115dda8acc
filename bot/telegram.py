"""The Bot: Telegram's Bot API or any other Bot API server (the sandbox), with 429s waited out."""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.config import Settings
from bot.middlewares import RetryAfterMiddleware


class BotNotConfigured(RuntimeError):
    """No bot token: the bot cannot start (the demo uses the sandbox's token instead)."""


def build_bot(settings: Settings, *, retry_on_flood: bool = True) -> Bot:
    """A Bot for ``JOINTCHECK_BOT_TOKEN``, talking to ``JOINTCHECK_BOT_API_URL`` when set.

    ``retry_on_flood`` waits out a 429 and repeats the request (handler replies); the outbox
    sender turns it off because it reschedules the row and pauses itself instead.
    """
    if settings.bot_token is None:
        raise BotNotConfigured("set JOINTCHECK_BOT_TOKEN (from @BotFather) to run the bot")
    if settings.bot_api_url:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.bot_api_url.rstrip("/")))
    else:
        session = AiohttpSession()
    if retry_on_flood:
        session.middleware(RetryAfterMiddleware())
    return Bot(settings.bot_token.get_secret_value(), session=session)
