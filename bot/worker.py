"""The worker: APScheduler runs the notification scans every few seconds and wakes the one
outbox sender, which delivers rows through the Bot within Telegram's limits."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import NewType

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
)
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from dishka import AsyncContainer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from handlers import notifications as render_notifications
from services.clock import Clock
from services.notifications import (
    Deliver,
    NotificationScanner,
    Notifier,
    OutboxSender,
    OutgoingMessage,
    RetryAfter,
    Undeliverable,
)
from services.updates import prune_processed

log = logging.getLogger("jointcheck.worker")
PROCESSED_UPDATES_KEPT = dt.timedelta(days=7)
# the outbox sender's own Bot, without the retry middleware: the sender pauses and reschedules
# itself on a 429 instead of waiting inside a request
OutboxBot = NewType("OutboxBot", Bot)


def telegram_deliver(bot: Bot) -> Deliver:
    """Render an outbox row in its recipient's language and send it; translate Telegram's
    answers into the sender's terms (wait, give up, or retry later)."""

    async def deliver(message: OutgoingMessage) -> None:
        try:
            text, markup = render_notifications.notification(message)
        except (KeyError, ValueError) as error:
            raise Undeliverable(f"cannot render {message.kind}: {error}") from error
        try:
            await bot.send_message(message.chat_id, text, reply_markup=markup)
        except TelegramRetryAfter as error:
            raise RetryAfter(error.retry_after) from error
        except (TelegramForbiddenError, TelegramNotFound, TelegramBadRequest) as error:
            # blocked by the user, chat gone, or a message Telegram will never accept
            raise Undeliverable(error.message) from error

    return deliver


class Worker:
    """Scans on a schedule and sends the outbox; one per deployment (or in the bot process)."""

    def __init__(
        self, settings: Settings, container: AsyncContainer, *, scan_seconds: float = 3.0
    ) -> None:
        # the sender (with its own Bot, see bot.container) comes from the container
        self._container = container
        self._settings = settings
        self.scan_seconds = scan_seconds
        self.sender: OutboxSender | None = None
        self.notifier: Notifier | None = None
        self._last_prune: dt.datetime | None = None
        self._scanning = asyncio.Lock()
        self._stopping = False

    async def scan_once(self) -> int:
        """Run every scan once; wake the sender when something new is queued."""
        if self._stopping:
            return 0
        async with self._scanning:
            return await self._scan()

    async def _scan(self) -> int:
        try:
            async with self._container() as request:
                queued = await (await request.get(NotificationScanner)).scan()
                session = await request.get(AsyncSession)
                now = (await request.get(Clock))()
                if self._last_prune is None or now - self._last_prune > dt.timedelta(hours=1):
                    await prune_processed(session, now - PROCESSED_UPDATES_KEPT)
                    self._last_prune = now
        except Exception:
            log.exception("notification scan failed; the next run tries again")
            return 0
        if queued:
            log.info("queued %d notifications", queued)
            if self.notifier is not None:
                self.notifier.wake()
        return queued

    async def checkpoint_once(self) -> None:
        """Sign a checkpoint of the audit chain when it grew (``services.audit_checkpoint``)."""
        from services.audit_checkpoint import scheduled_checkpoint

        sessions = await self._container.get(async_sessionmaker[AsyncSession])
        clock = await self._container.get(Clock)
        try:
            done = await scheduled_checkpoint(
                sessions, clock, self._settings.audit_key_path,
                self._settings.audit_checkpoint_path,
            )
        except Exception:
            log.exception("audit checkpoint failed; the next run tries again")
            return
        if done is not None:
            log.info("audit checkpoint: %d events, head %s", done.length, done.head)

    async def run(self, stop: asyncio.Event) -> None:
        """Until ``stop``: the scheduler scans, the sender sends."""
        self.sender = await self._container.get(OutboxSender)
        self.notifier = notifier = Notifier(self.sender, interval=self.scan_seconds)
        scheduler = AsyncIOScheduler(timezone=dt.UTC)
        scheduler.add_job(
            self.scan_once, "interval", seconds=self.scan_seconds,
            next_run_time=dt.datetime.now(dt.UTC), max_instances=1, coalesce=True,
            id="notification-scan",
        )
        scheduler.add_job(
            self.checkpoint_once, "interval",
            minutes=self._settings.audit_checkpoint_interval_minutes,
            next_run_time=dt.datetime.now(dt.UTC), max_instances=1, coalesce=True,
            id="audit-checkpoint",
        )
        scheduler.start()
        try:
            while not stop.is_set():
                try:
                    await notifier.run(stop)
                except Exception:
                    log.exception("outbox sender failed; restarting it")
                    await asyncio.sleep(self.scan_seconds)
        finally:
            self._stopping = True
            async with self._scanning:  # let a scan in progress finish, never cut it off
                scheduler.shutdown(wait=False)
