"""The real Dispatcher fed with Update objects, and a Bot whose session FAILS on any API call
the test did not allow. Every call is recorded so tests assert the exact text a person sees."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.types import (
    CallbackQuery,
    Chat,
    Message,
    MessageEntity,
    Update,
    User,
)
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_dispatcher
from bot.config import Settings
from bot.container import make_container
from services.accounts import AccountService, IssuedInvitation
from services.actors import Actor
from tests.e2e.seed import World, seed_world

BOT_USER = User(id=42, is_bot=True, first_name="jointcheck", username="jointcheck_test_bot")
SENT_AT = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


@dataclass
class Call:
    """One Bot API call the handlers made."""

    method: str
    request: TelegramMethod[Any]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.request, name)


class ScriptedSession(BaseSession):
    """Answers only the methods the test allowed; anything else is recorded and raises."""

    def __init__(self) -> None:
        super().__init__()
        self.allowed: set[str] = set()
        self.calls: list[Call] = []
        self.unexpected: list[Call] = []
        self._ids = itertools.count(5000)
        self.failures: dict[str, list[Exception]] = {}

    def allow(self, *methods: str) -> None:
        """Let the handlers call these Bot API methods (e.g. ``"sendMessage"``)."""
        self.allowed.update(methods)

    def fail_next(self, method: str, error: Exception) -> None:
        """The next ``method`` call raises ``error`` (a 429, a blocked bot ...)."""
        self.failures.setdefault(method, []).append(error)

    def sent(self, method: str = "sendMessage") -> list[Call]:
        """The calls of one method, in order."""
        return [c for c in self.calls if c.method == method]

    def texts(self) -> list[str]:
        """Every text sent as a new message, in order."""
        return [c.request.text for c in self.sent("sendMessage")]  # type: ignore[attr-defined]

    async def make_request(
        self, bot: Bot, method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109 -- BaseSession's signature
    ) -> Any:
        name = method.__api_method__
        call = Call(name, method)
        if name not in self.allowed:
            self.unexpected.append(call)
            raise AssertionError(f"the test did not expect a {name} call: {method!r}")
        if self.failures.get(name):
            raise self.failures[name].pop(0)
        self.calls.append(call)
        if name in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            params = method.model_dump()
            return Message(
                message_id=params.get("message_id") or next(self._ids), date=SENT_AT,
                chat=Chat(id=params.get("chat_id") or 0, type="private"), from_user=BOT_USER,
                text=params.get("text"),
                # Telegram echoes inline keyboards only; a reply keyboard stays with the client
                reply_markup=markup if "inline_keyboard" in (markup := params.get(
                    "reply_markup") or {}) else None,
            )
        if name == "getMe":
            return BOT_USER
        return True

    async def close(self) -> None:
        """Nothing to close."""

    async def stream_content(
        self, url: str, headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109 -- BaseSession's signature
        chunk_size: int = 65536, raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        raise AssertionError("no downloads in handler tests")
        yield b""  # pragma: no cover


@pytest.fixture
def api() -> Iterator[ScriptedSession]:
    """The scripted Bot API; the test fails if a handler made a call it did not allow."""
    session = ScriptedSession()
    yield session
    assert not session.unexpected, f"unexpected Bot API calls: {session.unexpected}"


@pytest.fixture
def bot(api: ScriptedSession) -> Bot:
    """A Bot on the scripted session."""
    return Bot("42:TEST_TOKEN_abcdefghijklmnopqrstuvwxyz012", session=api)


@pytest.fixture
def settings() -> Settings:
    """Settings with nothing from the environment that matters here."""
    return Settings(bot_token=None, bot_api_url=None, redis_url=None)


@pytest.fixture
async def dispatcher(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], clock: Any
) -> AsyncIterator[Dispatcher]:
    """The application's Dispatcher, exactly as ``jointcheck run`` builds it, on the
    composition root around the test's database and pinned clock."""
    container = make_container(settings, sessions=sessions, clock=clock)
    yield build_dispatcher(settings, container)
    await container.close()


@pytest.fixture
async def world(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[World]:
    """The seeded departments, inspectors, tasks and teams."""
    async with sessions() as session:
        yield await seed_world(session)


class Person:
    """A Telegram user who sends messages and taps buttons through the Dispatcher."""

    _update_ids = itertools.count(1)
    _message_ids = itertools.count(100)

    def __init__(self, dp: Dispatcher, bot: Bot, user_id: int, first_name: str,
                 language_code: str = "zh-hans") -> None:
        self.dp = dp
        self.bot = bot
        self.user = User(id=user_id, is_bot=False, first_name=first_name,
                         language_code=language_code)

    def message_update(self, text: str) -> Update:
        """The Update Telegram would send for ``text``."""
        entities = None
        if text.startswith("/"):
            entities = [MessageEntity(type="bot_command", offset=0,
                                      length=len(text.split(maxsplit=1)[0]))]
        return Update(
            update_id=next(self._update_ids),
            message=Message(
                message_id=next(self._message_ids), date=SENT_AT,
                chat=Chat(id=self.user.id, type="private"), from_user=self.user, text=text,
                entities=entities,
            ),
        )

    def tap_update(self, data: str, message_id: int = 1, text: str = "") -> Update:
        """The Update Telegram would send for a tap on an inline button."""
        return Update(
            update_id=next(self._update_ids),
            callback_query=CallbackQuery(
                id=f"cb{next(self._update_ids)}", from_user=self.user, chat_instance="ci",
                data=data,
                message=Message(
                    message_id=message_id, date=SENT_AT,
                    chat=Chat(id=self.user.id, type="private"), from_user=BOT_USER, text=text,
                ),
            ),
        )

    async def feed(self, update: Update) -> None:
        """Deliver ``update`` to the Dispatcher."""
        await self.dp.feed_update(self.bot, update)

    async def send(self, text: str) -> Update:
        """Send ``text`` as this person; returns the Update (to deliver it again)."""
        update = self.message_update(text)
        await self.feed(update)
        return update

    async def tap(self, data: str, message_id: int = 1, text: str = "") -> Update:
        """Tap an inline button carrying ``data``."""
        update = self.tap_update(data, message_id, text)
        await self.feed(update)
        return update


@dataclass
class Harness:
    """Everything a handler test touches: the Dispatcher, the scripted API, the database."""

    dp: Dispatcher
    bot: Bot
    api: ScriptedSession
    sessions: async_sessionmaker[AsyncSession]
    clock: Any
    world: World

    def person(self, user_id: int, first_name: str, language_code: str = "zh-hans") -> Person:
        """A Telegram user talking to this Dispatcher."""
        return Person(self.dp, self.bot, user_id, first_name, language_code)

    async def invite(
        self, inspector_id: int | None = None, *, department: str = "SCJG",
        role: str | None = None, name: str | None = None, ttl_hours: float = 72,
    ) -> IssuedInvitation:
        """One invitation, as ``jointcheck invite --person`` issues it."""
        async with self.sessions() as session:
            (issued,) = await AccountService(session, self.clock).invite(
                department_code=department, inspector_id=inspector_id, role=role, name=name,
                ttl=dt.timedelta(hours=ttl_hours), actor=Actor.system("test"),
            )
        return issued

    async def bound(
        self, user_id: int, inspector_id: int | None = None, *, department: str = "SCJG",
        role: str | None = None, name: str | None = None, language_code: str = "zh-hans",
    ) -> Person:
        """A person who has already bound their account (the calls of binding are forgotten)."""
        issued = await self.invite(inspector_id, department=department, role=role, name=name)
        person = self.person(user_id, name or "someone", language_code)
        allowed = set(self.api.allowed)
        self.api.allow("sendMessage", "setMyCommands")
        await person.send(f"/start {issued.token}")
        self.api.allowed = allowed
        self.api.calls.clear()
        return person

    async def count(self, model: Any, *where: Any) -> int:
        """Rows of ``model`` matching ``where``."""
        async with self.sessions() as session:
            return int(
                await session.scalar(select(func.count()).select_from(model).where(*where))
            )


@pytest.fixture
def h(
    *, dispatcher: Dispatcher, bot: Bot, api: ScriptedSession,
    sessions: async_sessionmaker[AsyncSession], clock: Any, world: World,
) -> Harness:
    """The handler-test harness on a seeded database (both backends)."""
    return Harness(dispatcher, bot, api, sessions, clock, world)
