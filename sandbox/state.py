"""In-memory world of the emulator: users, chats, messages, the update queue, files, limits.

Everything lives in one ``EmulatorState`` owned by one event loop (the server's); nothing is
persisted. Waiters (getUpdates long polling, the control API's ``wait`` and the page's event
stream) block on ``Notifier`` objects that are woken whenever something they watch changes.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import math
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]

DEFAULT_BOT_USERNAME = "jointcheck_sandbox_bot"
DEFAULT_BOT_NAME = "jointcheck 沙箱"
DEFAULT_BOT_ID = 7000000001
# Telegram allows a short burst per chat before answering 429; five is what the sandbox allows.
DEFAULT_CHAT_BURST = 5

UPDATE_TYPES = (
    "message", "edited_message", "channel_post", "edited_channel_post", "callback_query",
    "inline_query", "chosen_inline_result", "shipping_query", "pre_checkout_query", "poll",
    "poll_answer", "my_chat_member", "chat_member", "chat_join_request",
    "message_reaction", "message_reaction_count", "chat_boost", "removed_chat_boost",
)


class Notifier:
    """Wake every coroutine waiting for "something changed"; safe to create outside a loop."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def notify(self) -> None:
        """Wake all current waiters."""
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def wait(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for ``notify``; False on timeout."""
        if seconds <= 0:
            return False
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            await asyncio.wait_for(waiter, seconds)
        except TimeoutError:
            return False
        finally:
            self._waiters.discard(waiter)
        return True


@dataclass
class FloodSettings:
    """Telegram's published limits (DESIGN.md §7); ``enabled`` switches them all."""

    enabled: bool = True
    per_chat_per_second: float = 1.0
    chat_burst: int = DEFAULT_CHAT_BURST
    per_bot_per_second: float = 30.0
    per_group_per_minute: int = 20

    def as_json(self) -> Json:
        """The settings as the control API shows them."""
        return {
            "enabled": self.enabled,
            "per_chat_per_second": self.per_chat_per_second,
            "chat_burst": self.chat_burst,
            "per_bot_per_second": self.per_bot_per_second,
            "per_group_per_minute": self.per_group_per_minute,
        }


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class FloodLimiter:
    """A token bucket per chat (a short burst, then the steady rate), and sliding windows: one
    second for the whole bot, one minute per group. Answers Telegram's ``retry_after``."""

    def __init__(self, settings: FloodSettings) -> None:
        self.settings = settings
        self._chat: dict[int, _Bucket] = {}
        self._bot: deque[float] = deque()
        self._group: dict[int, deque[float]] = {}
        # how many messages each limit refused (a sender that keeps to the limits causes none)
        self.violations: dict[str, int] = {"per_chat": 0, "per_bot": 0, "per_group": 0}

    def reset(self) -> None:
        """Forget what was sent (after a settings change or a reset)."""
        self.violations = dict.fromkeys(self.violations, 0)
        self._chat.clear()
        self._group.clear()
        self._bot.clear()

    @staticmethod
    def _take(bucket: _Bucket, rate: float, capacity: float, now: float) -> float:
        """Refill, then 0 when a token is there, else seconds until one is."""
        bucket.tokens = min(capacity, bucket.tokens + (now - bucket.stamp) * rate)
        bucket.stamp = now
        if bucket.tokens >= 1:
            return 0.0
        return (1 - bucket.tokens) / rate

    @staticmethod
    def _window(sent: deque[float], limit: float, span: float, now: float) -> float:
        """0 when fewer than ``limit`` were sent in the last ``span`` seconds, else the wait."""
        while sent and now - sent[0] >= span:
            sent.popleft()
        if len(sent) >= limit:
            return span - (now - sent[0])
        return 0.0

    def check(self, chat_id: int, is_group: bool) -> int:
        """Record one outgoing message; 0 if allowed, else Telegram's ``retry_after`` seconds."""
        s = self.settings
        if not s.enabled:
            return 0
        now = time.monotonic()
        chat = self._chat.setdefault(chat_id, _Bucket(float(s.chat_burst), now))
        waits = [
            self._take(chat, s.per_chat_per_second, float(s.chat_burst), now),
            self._window(self._bot, s.per_bot_per_second, 1.0, now),
        ]
        group: deque[float] | None = None
        if is_group:
            group = self._group.setdefault(chat_id, deque())
            waits.append(self._window(group, s.per_group_per_minute, 60.0, now))
        wait = max(waits)
        if wait > 0:
            for name, refused in zip(("per_chat", "per_bot", "per_group"), waits, strict=False):
                if refused > 0:
                    self.violations[name] += 1
            return max(1, math.ceil(wait))
        chat.tokens -= 1
        self._bot.append(now)
        if group is not None:
            group.append(now)
        return 0


@dataclass
class StoredFile:
    """A file the bot or a user uploaded; ``file_path`` is what getFile returns."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    mime_type: str
    file_name: str | None = None
    # for photos: every PhotoSize of the same picture, so a file_id re-send returns them all
    photo_sizes: list[Json] | None = None

    def as_file(self) -> Json:
        """Telegram's ``File`` object."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass
class StoredMessage:
    """A message as Telegram serialises it, plus what the control API reports about it."""

    chat_id: int
    message: Json
    from_bot: bool
    edited: bool = False
    deleted: bool = False

    @property
    def message_id(self) -> int:
        """The per-chat message id."""
        return int(self.message["message_id"])


@dataclass
class Chat:
    """A private chat (id = the user's id) or a group the control API created."""

    id: int
    type: str
    title: str | None = None
    members: set[int] = field(default_factory=set)
    next_message_id: int = 1
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    reply_keyboard: Json | None = None
    menu_button: Json = field(default_factory=lambda: {"type": "default"})
    last_action: tuple[str, float] | None = None


@dataclass
class CallbackQuery:
    """A tap the control API made; answered at most once."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    created: float
    answered: bool = False


@dataclass
class Webhook:
    """The webhook set by setWebhook, and its delivery record."""

    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class FailRule:
    """One forced failure queued by ``/control/fail_next``."""

    error_code: int
    description: str
    retry_after: int | None
    remaining: int


@dataclass
class Event:
    """Something the page must show: a new, edited or deleted message, an answer, an action."""

    seq: int
    type: str
    chat_id: int | None
    payload: Json

    def as_json(self) -> Json:
        """The event as the control API returns it."""
        return {"seq": self.seq, "type": self.type, "chat_id": self.chat_id, **self.payload}


class EmulatorState:
    """All of the emulator's world; ``create_app`` serves one of these."""

    def __init__(
        self,
        bot_username: str = DEFAULT_BOT_USERNAME,
        bot_name: str = DEFAULT_BOT_NAME,
        flood: FloodSettings | None = None,
        personas: list[Json] | None = None,
    ) -> None:
        self.bot_username = bot_username
        self.bot_name = bot_name
        self.bot_id = DEFAULT_BOT_ID
        self.default_flood = flood or FloodSettings()
        self.personas: list[Json] = list(personas or [])
        self.updates_changed = Notifier()
        self.messages_changed = Notifier()
        self.webhook_changed = Notifier()
        # event numbers never restart (not even on reset) so a page's cursor stays meaningful
        self._event_seq = itertools.count(1)
        self.last_token: str | None = None
        # update ids only grow, even across resets: a bot still polling keeps its offset
        self.next_update_id = secrets.randbelow(10**8) + 10**8
        self._init_world()

    def _init_world(self) -> None:
        # which world a request started in: a long poll begun before a reset is not logged after
        self.generation = getattr(self, "generation", 0) + 1
        self.users: dict[int, Json] = {}
        self.blocked: set[int] = set()
        self.chats: dict[int, Chat] = {}
        self.updates: deque[Json] = deque()
        self.allowed_updates: list[str] | None = None
        self.callback_queries: dict[str, CallbackQuery] = {}
        self.answers: list[Json] = []
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self._file_counter = itertools.count(1)
        self.webhook = Webhook()
        self.flood = FloodSettings(**vars(self.default_flood))
        self.limiter = FloodLimiter(self.flood)
        self.fail_rules: dict[str, deque[FailRule]] = {}
        self.calls: list[Json] = []
        self.commands: dict[tuple[str, str], list[Json]] = {}
        self.descriptions: dict[tuple[str, str], str] = {}
        self.default_menu_button: Json = {"type": "default"}
        self.events: list[Event] = []
        self.poll_generation = 0
        for persona in self.personas:
            self.add_user(persona_user(persona))

    def reset(self) -> None:
        """Forget everything but the personas (whose users are created again)."""
        self._init_world()
        self.emit("reset", None, {})
        self.updates_changed.notify()
        self.messages_changed.notify()
        self.webhook_changed.notify()

    # --- users and chats ------------------------------------------------------------------

    def add_user(self, user: Json) -> Json:
        """Create or replace a user and its private chat."""
        clean = {"id": int(user["id"]), "is_bot": False, "first_name": user["first_name"]}
        for key in ("last_name", "username", "language_code"):
            if user.get(key):
                clean[key] = user[key]
        self.users[clean["id"]] = clean
        if clean["id"] not in self.chats:
            self.chats[clean["id"]] = Chat(id=clean["id"], type="private",
                                           members={clean["id"]})
        return clean

    def chat_json(self, chat: Chat) -> Json:
        """Telegram's ``Chat`` object for ``chat``."""
        if chat.type == "private":
            user = self.users[chat.id]
            out: Json = {"id": chat.id, "first_name": user["first_name"]}
            for key in ("last_name", "username"):
                if key in user:
                    out[key] = user[key]
            out["type"] = "private"
            return out
        return {"id": chat.id, "title": chat.title or "", "type": chat.type}

    def bot_user(self) -> Json:
        """The bot as a ``User`` (the ``from`` of its messages)."""
        return {"id": self.bot_id, "is_bot": True, "first_name": self.bot_name,
                "username": self.bot_username}

    # --- messages -------------------------------------------------------------------------

    def add_message(self, chat: Chat, body: Json, *, from_bot: bool,
                    sender: Json) -> StoredMessage:
        """Store a new message in ``chat`` with the next message id and announce it."""
        message: Json = {
            "message_id": chat.next_message_id,
            "from": sender,
            "chat": self.chat_json(chat),
            "date": int(time.time()),
            **body,
        }
        chat.next_message_id += 1
        stored = StoredMessage(chat_id=chat.id, message=message, from_bot=from_bot)
        chat.messages[stored.message_id] = stored
        if from_bot:
            chat.last_action = None
        self.emit("message", chat.id, {"message": self.describe(stored)})
        return stored

    def describe(self, stored: StoredMessage) -> Json:
        """The control API's view of a message (flat fields plus the Telegram object)."""
        m = stored.message
        photo = m.get("photo")
        document = m.get("document")
        out: Json = {
            "chat_id": stored.chat_id,
            "message_id": stored.message_id,
            "from_bot": stored.from_bot,
            "from_user_id": m["from"]["id"],
            "date": m["date"],
            "text": m.get("text"),
            "caption": m.get("caption"),
            "entities": m.get("entities") or m.get("caption_entities") or [],
            "reply_markup": m.get("reply_markup"),
            "photo": photo,
            "photo_file_id": photo[-1]["file_id"] if photo else None,
            "document": document,
            "document_file_id": document["file_id"] if document else None,
            "location": m.get("location"),
            "contact": m.get("contact"),
            "reply_to_message_id": (m.get("reply_to_message") or {}).get("message_id"),
            "edited": stored.edited,
            "edit_date": m.get("edit_date"),
            "deleted": stored.deleted,
            "message": m,
        }
        return out

    # --- updates --------------------------------------------------------------------------

    def push_update(self, kind: str, payload: Json) -> Json:
        """Queue an update of ``kind`` (unless the bot's allowed_updates exclude it)."""
        # an update is a snapshot: later edits of the message must not change it
        update = {"update_id": self.next_update_id, kind: copy.deepcopy(payload)}
        self.next_update_id += 1
        allowed = self.webhook.allowed_updates if self.webhook.url else self.allowed_updates
        if allowed and kind not in allowed:
            return update
        self.updates.append(update)
        self.updates_changed.notify()
        self.webhook_changed.notify()
        return update

    def push_raw_update(self, update: Json) -> Json:
        """Queue an exact update as given (re-delivery for idempotency tests)."""
        self.updates.append(update)
        self.next_update_id = max(self.next_update_id, int(update["update_id"]) + 1)
        self.updates_changed.notify()
        self.webhook_changed.notify()
        return update

    def confirm_updates(self, offset: int) -> None:
        """Drop every queued update whose id is below ``offset`` (getUpdates semantics)."""
        while self.updates and int(self.updates[0]["update_id"]) < offset:
            self.updates.popleft()

    # --- files ----------------------------------------------------------------------------

    def store_file(self, data: bytes, *, kind: str, extension: str, mime_type: str,
                   file_name: str | None = None) -> StoredFile:
        """Keep uploaded bytes under a fresh Telegram-looking file_id and file_path."""
        prefix = {"photo": "AgACAgUAAxkBAA", "document": "BQACAgUAAxkBAA"}.get(kind, "CAACAgUAAx")
        file_id = prefix + secrets.token_urlsafe(36)
        unique = "AQAD" + secrets.token_urlsafe(9)
        folder = "photos" if kind == "photo" else "documents"
        path = f"{folder}/file_{next(self._file_counter)}.{extension}"
        stored = StoredFile(file_id=file_id, file_unique_id=unique, file_path=path, data=data,
                            mime_type=mime_type, file_name=file_name)
        self.files[file_id] = stored
        self.files_by_path[path] = stored
        return stored

    # --- events for the page and waiters ----------------------------------------------------

    def emit(self, kind: str, chat_id: int | None, payload: Json) -> None:
        """Append an event and wake the page's long poll and the control API's waiters."""
        self.events.append(Event(next(self._event_seq), kind, chat_id, copy.deepcopy(payload)))
        # the page only needs recent history; keep memory bounded on long demos
        if len(self.events) > 20000:
            del self.events[:10000]
        self.messages_changed.notify()

    def events_since(self, seq: int, chat_id: int | None) -> list[Json]:
        """Events after ``seq`` (for one chat, or global ones when ``chat_id`` is given)."""
        return [
            e.as_json() for e in self.events
            if e.seq > seq and (chat_id is None or e.chat_id in {chat_id, None})
        ]

    @property
    def last_seq(self) -> int:
        """The newest event's sequence number."""
        return self.events[-1].seq if self.events else 0


def persona_user(persona: Json) -> Json:
    """The Telegram user a persona chats as."""
    name = str(persona.get("first_name") or persona.get("name") or persona["user_id"])
    user: Json = {"id": int(persona["user_id"]), "first_name": name,
                  "language_code": persona.get("language_code", "zh-hans")}
    for key in ("last_name", "username"):
        if persona.get(key):
            user[key] = persona[key]
    return user
