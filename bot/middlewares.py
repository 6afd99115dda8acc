"""The bot's middlewares: throttling, one database session per update with idempotency, the
account and language of the sender, a polite error handler, and waiting out Telegram's 429s.

Order on ``dp.update`` (outer): throttling → one update at a time per person → the request
scope of the composition root (``bot.container``) → database (+ processed-update ledger) →
account.
aiogram's own error, user-context and FSM middlewares wrap all of them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import CallbackQuery, ErrorEvent, Message, TelegramObject, Update, User
from dishka import AsyncContainer
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.i18n import Translator, normalise
from services.accounts import TOKEN_PATTERN, AccountService
from services.archive import ArchiveService
from services.assignments import AssignmentService
from services.clock import Clock
from services.inspection_codes import InspectionCodeService
from services.progress import ProgressService
from services.records import RecordService
from services.referrals import ReferralService
from services.reminders import ReminderScanner
from services.results import ResultService
from services.schedule import ScheduleService
from services.tasks import TaskService
from services.updates import UpdateLedger

log = logging.getLogger("jointcheck.bot")
CONTAINER = "dishka_container"  # where dishka's aiogram integration looks for the scope
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


def _user(data: dict[str, Any]) -> User | None:
    user = data.get("event_from_user")
    return user if isinstance(user, User) else None


def _inner(update: Update) -> Message | CallbackQuery | None:
    if update.message is not None:
        return update.message
    if update.callback_query is not None:
        return update.callback_query
    return None


async def tell(update: Update, text: str, *, alert: bool = False) -> None:
    """Say ``text`` to whoever sent ``update``: a reply to a message, an answer to a tap."""
    inner = _inner(update)
    if isinstance(inner, Message):
        await inner.answer(text)
    elif isinstance(inner, CallbackQuery):
        await inner.answer(text, show_alert=alert)


class ThrottlingMiddleware(BaseMiddleware):
    """A user sending more than ``limit`` updates in ``window`` seconds is ignored for a while,
    (the photos of one album, one update each, count as one),
    with one polite notice per window (the rest of the flood is dropped silently)."""

    def __init__(
        self, limit: int = 12, window: float = 6.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self._monotonic = monotonic
        self._seen: dict[int, deque[float]] = {}
        self._noticed: dict[int, float] = {}
        self._albums: dict[int, str] = {}  # the album (media_group_id) a user is sending

    async def __call__(
        self, handler: Handler, event: TelegramObject, data: dict[str, Any]
    ) -> Any:
        user = _user(data)
        if user is None or not isinstance(event, Update):
            return await handler(event, data)
        group = event.message.media_group_id if event.message is not None else None
        if group is not None and self._albums.get(user.id) == group:
            return await handler(event, data)  # an album is one act: its photos count once
        if group is not None:
            self._albums[user.id] = group
        now = self._monotonic()
        stamps = self._seen.setdefault(user.id, deque())
        while stamps and stamps[0] <= now - self.window:
            stamps.popleft()
        stamps.append(now)
        if len(stamps) <= self.limit:
            return await handler(event, data)
        if now - self._noticed.get(user.id, -self.window) >= self.window:
            self._noticed[user.id] = now
            log.warning("throttled user %s at update %s", user.id, event.update_id)
            await tell(event, Translator(normalise(user.language_code))("bot-throttled"))
        if len(self._seen) > 10_000:  # forget idle users so memory stays bounded
            self._seen = {k: v for k, v in self._seen.items() if v and v[-1] > now - self.window}
            self._albums = {k: v for k, v in self._albums.items() if k in self._seen}
        return None


class OneAtATimeMiddleware(BaseMiddleware):
    """One person's updates are handled one after another, in the order they came.

    Polling hands updates to concurrent tasks; a double tap would otherwise run twice at once
    and both runs would see the review still pending. In order, the second sees it decided.
    (Across webhook instances, the services' row locks on PostgreSQL do the same job.)
    """

    def __init__(self) -> None:
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}  # updates of that person in flight or waiting

    async def __call__(
        self, handler: Handler, event: TelegramObject, data: dict[str, Any]
    ) -> Any:
        user = _user(data)
        if user is None:
            return await handler(event, data)
        lock = self._locks.setdefault(user.id, asyncio.Lock())
        self._users[user.id] = self._users.get(user.id, 0) + 1
        try:
            async with lock:
                return await handler(event, data)
        finally:
            self._users[user.id] -= 1
            if not self._users[user.id]:  # idle people cost no memory
                del self._users[user.id]
                del self._locks[user.id]


class ContainerMiddleware(BaseMiddleware):
    """One request scope of the composition root per update (dishka), closed after it.

    Registered on ``dp.update`` only, so a message and the update that carries it share the
    scope (dishka's ``setup_dishka`` would open one per observer).
    """

    def __init__(self, container: AsyncContainer) -> None:
        self._container = container

    async def __call__(
        self, handler: Handler, event: TelegramObject, data: dict[str, Any]
    ) -> Any:
        async with self._container() as request:
            data[CONTAINER] = request
            return await handler(event, data)


class DatabaseMiddleware(BaseMiddleware):
    """The update's session and services from its request scope, and the processed-update
    ledger.

    An update already handled is dropped. The ledger's mark is committed with the first commit
    a service makes (the update's effect), or at the end when the handler changed nothing.
    """

    async def __call__(
        self, handler: Handler, event: TelegramObject, data: dict[str, Any]
    ) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        request: AsyncContainer = data[CONTAINER]
        session = await request.get(AsyncSession)
        ledger = UpdateLedger(session, event.update_id)
        if await ledger.seen():
            ledger.detach()
            log.info("update %s delivered again: already handled", event.update_id)
            return None
        await session.rollback()  # end the read so the handler starts a fresh transaction
        data["session"] = session
        data["clock"] = await request.get(Clock)
        data["accounts"] = await request.get(AccountService)
        data["assignments"] = await request.get(AssignmentService)
        data["tasks"] = await request.get(TaskService)
        data["schedules"] = await request.get(ScheduleService)
        data["reminders"] = await request.get(ReminderScanner)
        data["progress"] = await request.get(ProgressService)
        data["referrals"] = await request.get(ReferralService)
        data["results"] = await request.get(ResultService)
        data["archive"] = await request.get(ArchiveService)
        data["records"] = await request.get(RecordService)
        data["codes"] = await request.get(InspectionCodeService)
        try:
            result = await handler(event, data)
        except Exception:
            await ledger.mark_after_failure()
            raise
        if not await ledger.finish():
            log.info("update %s was handled concurrently; this effect rolled back",
                     event.update_id)
        return result


class AccountMiddleware(BaseMiddleware):
    """The sender's account, roles and language; refuses unbound users politely.

    Only ``/start <token>`` gets through from someone who is not bound yet.
    """

    async def __call__(
        self, handler: Handler, event: TelegramObject, data: dict[str, Any]
    ) -> Any:
        user = _user(data)
        if user is None or not isinstance(event, Update):
            return await handler(event, data)
        accounts: AccountService = data["accounts"]
        account = await accounts.by_telegram(user.id)
        language = normalise(account.language if account and account.language
                             else user.language_code)
        data["account"] = account
        data["lang"] = language
        data["tr"] = Translator(language)
        if account is not None or _is_invitation(event):
            return await handler(event, data)
        if event.message is not None or event.callback_query is not None:
            await tell(event, data["tr"]("bot-unbound"), alert=True)
        return None


def _is_invitation(update: Update) -> bool:
    message = update.message
    if message is None or not message.text or not message.text.startswith("/start "):
        return False
    payload = message.text.split(maxsplit=1)[1].strip()
    return bool(TOKEN_PATTERN.match(payload))


async def on_error(event: ErrorEvent, bot: Bot, **data: Any) -> bool:
    """Log the failure with its update id; tell the person something went wrong, no details."""
    log.error(
        "update %s failed: %s", event.update.update_id, event.exception,
        exc_info=(type(event.exception), event.exception, event.exception.__traceback__),
    )
    tr = data.get("tr")
    if not isinstance(tr, Translator):
        user = _user(data)
        tr = Translator(user.language_code if user else None)
    try:
        await tell(event.update, tr("bot-error"), alert=True)
    except Exception:  # noqa: BLE001 -- the apology itself failed; the log already has it
        log.exception("could not tell the user about the failure of update %s",
                      event.update.update_id)
    return True


class RetryAfterMiddleware(BaseRequestMiddleware):
    """Waits out a 429's ``retry_after`` and tries the same request again (a few times)."""

    def __init__(self, attempts: int = 3, max_wait: float = 60.0) -> None:
        self.attempts = attempts
        self.max_wait = max_wait

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        for attempt in range(self.attempts):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if attempt == self.attempts - 1 or error.retry_after > self.max_wait:
                    raise
                log.warning("429 on %s: waiting %ss as Telegram asks",
                            type(method).__name__, error.retry_after)
                await asyncio.sleep(error.retry_after)
        raise AssertionError("unreachable")  # pragma: no cover
