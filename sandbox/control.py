"""The control API: act as Telegram users and read what every chat received (CONTRACTS.md §3).

Used by the end-to-end tests, the demo and the browser page. Requests and answers are JSON
(multipart for photo and document uploads). Mistakes in a control request (an unknown user, a
button that is not on the message) answer 404/400 with ``{"detail": "..."}``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from sandbox import entities as ent
from sandbox.botapi import (
    BotApi,
    BotApiError,
    Params,
    Upload,
    new_callback_query_id,
    store_document,
    store_photo,
)
from sandbox.personas import validate_personas
from sandbox.state import CallbackQuery, Chat, EmulatorState, FailRule, Json, persona_user

FAIL_DESCRIPTIONS = {
    400: "Bad Request: forced failure",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot "
         "instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class UserIn(BaseModel):
    """A Telegram user to create (``POST /control/users``)."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str = "zh-hans"


class GroupIn(BaseModel):
    """A group chat to create (``POST /control/chats``); ids of groups are negative."""

    id: int = Field(lt=0)
    title: str
    type: Literal["group", "supergroup"] = "group"
    members: list[int] = []


class ClockIn(BaseModel):
    """A jump of the demo clock (``POST /control/clock``): ``working_days`` ahead (to 10:00
    Beijing time that day), or ``hours`` ahead, or to the instant ``to``."""

    working_days: int | None = Field(default=None, ge=1, le=400)
    hours: float | None = Field(default=None, gt=0, le=24 * 800)
    to: dt.datetime | None = None


# ``jointcheck demo`` sets ``app.state.clock_control`` to this: it moves the clock of the bot,
# the worker and the web server and runs the reminder scans once; answers what the clock says.
ClockControl = Callable[[ClockIn | None], Awaitable[Json]]


class SendIn(BaseModel):
    """A text (or command) a user sends."""

    user_id: int
    text: str
    chat_id: int | None = None
    reply_to_message_id: int | None = None


class TapIn(BaseModel):
    """A tap on an inline button, found by callback_data (or by its label)."""

    user_id: int
    message_id: int
    callback_data: str | None = None
    text: str | None = None
    chat_id: int | None = None


class LocationIn(BaseModel):
    """A location a user shares."""

    user_id: int
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    chat_id: int | None = None
    horizontal_accuracy: float | None = Field(default=None, ge=0, le=1500)
    live_period: int | None = Field(default=None, ge=60)


class ContactIn(BaseModel):
    """A contact a user shares (their own when ``user_id`` of the contact is omitted)."""

    user_id: int
    phone_number: str
    first_name: str
    last_name: str | None = None
    contact_user_id: int | None = None
    chat_id: int | None = None


class FloodIn(BaseModel):
    """New flood-limit settings; omitted fields keep their value."""

    enabled: bool | None = None
    per_chat_per_second: float | None = Field(default=None, gt=0)
    chat_burst: int | None = Field(default=None, ge=1)
    per_bot_per_second: float | None = Field(default=None, gt=0)
    per_group_per_minute: int | None = Field(default=None, ge=1)


class FailNextIn(BaseModel):
    """Force the next ``count`` calls of ``method`` (``*`` = any) to fail."""

    method: str
    error_code: int = 429
    retry_after: int | None = None
    count: int = Field(default=1, ge=1)
    description: str | None = None


class BlockIn(BaseModel):
    """Whether a user has blocked the bot."""

    blocked: bool = True


def build_router(state: EmulatorState, api: BotApi) -> APIRouter:
    """The ``/control`` routes over ``state``."""
    router = APIRouter(prefix="/control", tags=["control"])

    def user(user_id: int) -> Json:
        found = state.users.get(user_id)
        if found is None:
            persona = next((p for p in state.personas if int(p["user_id"]) == user_id), None)
            if persona is None:
                raise HTTPException(404, f"unknown user {user_id}; POST /control/users first")
            found = state.add_user(persona_user(persona))
        return found

    def chat_for(user_id: int, chat_id: int | None) -> Chat:
        if chat_id is None or chat_id == user_id:
            return state.chats[user_id]
        chat = state.chats.get(chat_id)
        if chat is None or user_id not in chat.members:
            raise HTTPException(404, f"user {user_id} is not in chat {chat_id}")
        return chat

    def user_message(user_id: int, chat_id: int | None, body: Json) -> Json:
        sender = user(user_id)
        chat = chat_for(user_id, chat_id)
        # a user who writes to the bot unblocks it, as on Telegram
        state.blocked.discard(user_id)
        stored = state.add_message(chat, body, from_bot=False, sender=sender)
        update = state.push_update("message", stored.message)
        return {"update_id": update["update_id"], "message_id": stored.message_id,
                "chat_id": chat.id}

    @router.get("/bot")
    async def bot_info() -> Json:
        """The bot as getMe shows it."""
        return state.bot_user()

    @router.post("/users")
    async def create_user(body: UserIn) -> Json:
        """Create (or replace) a user; their private chat exists from now on."""
        return state.add_user(body.model_dump())

    @router.get("/users")
    async def list_users() -> list[Json]:
        """Every user."""
        return list(state.users.values())

    @router.post("/users/{user_id}/block")
    async def block_user(user_id: int, body: BlockIn) -> Json:
        """Make a user block (or unblock) the bot: sends then answer 403."""
        user(user_id)
        if body.blocked:
            state.blocked.add(user_id)
        else:
            state.blocked.discard(user_id)
        return {"user_id": user_id, "blocked": body.blocked}

    @router.post("/chats")
    async def create_group(body: GroupIn) -> Json:
        """Create a group chat with some users (for group flood limits)."""
        for member in body.members:
            user(member)
        chat = Chat(id=body.id, type=body.type, title=body.title, members=set(body.members))
        state.chats[body.id] = chat
        return state.chat_json(chat)

    @router.post("/send")
    async def send(body: SendIn) -> Json:
        """A user sends text; commands get a bot_command entity as on Telegram."""
        text, found = ent.strip_text(body.text, [])
        if not text:
            raise HTTPException(400, "empty message")
        message: Json = {"text": text}
        auto = ent.auto_entities(text, found)
        if auto:
            message["entities"] = ent.sort_entities(auto)
        if body.reply_to_message_id is not None:
            chat = chat_for(body.user_id, body.chat_id)
            replied = chat.messages.get(body.reply_to_message_id)
            if replied is None:
                raise HTTPException(404, "no such message to reply to")
            quoted = dict(replied.message)
            quoted.pop("reply_to_message", None)
            message["reply_to_message"] = quoted
        return user_message(body.user_id, body.chat_id, message)

    @router.post("/tap")
    async def tap(body: TapIn) -> Json:
        """A user taps an inline button: a callback_query update the bot must answer."""
        sender = user(body.user_id)
        chat = chat_for(body.user_id, body.chat_id)
        stored = chat.messages.get(body.message_id)
        if stored is None or stored.deleted:
            raise HTTPException(404, f"no message {body.message_id} in chat {chat.id}")
        keyboard = (stored.message.get("reply_markup") or {}).get("inline_keyboard") or []
        buttons = [b for row in keyboard for b in row]
        if body.callback_data is not None:
            button = next((b for b in buttons if b.get("callback_data") == body.callback_data),
                          None)
        else:
            button = next((b for b in buttons if b.get("text") == body.text), None)
        if button is None or "callback_data" not in button:
            raise HTTPException(400, "no such callback button on that message")
        query = CallbackQuery(id=new_callback_query_id(), user_id=body.user_id, chat_id=chat.id,
                              message_id=stored.message_id, data=button["callback_data"],
                              created=time.time())
        state.callback_queries[query.id] = query
        instance = int(hashlib.sha256(f"{state.bot_id}:{chat.id}".encode()).hexdigest()[:15], 16)
        update = state.push_update("callback_query", {
            "id": query.id,
            "from": sender,
            "message": stored.message,
            "chat_instance": str(instance),
            "data": query.data,
        })
        state.emit("tap", chat.id, {"message_id": stored.message_id, "data": query.data,
                                    "callback_query_id": query.id})
        return {"update_id": update["update_id"], "callback_query_id": query.id}

    @router.post("/photo")
    async def photo(
        user_id: Annotated[int, Form()],
        file: Annotated[UploadFile, File()],
        caption: Annotated[str | None, Form()] = None,
        chat_id: Annotated[int | None, Form()] = None,
        media_group_id: Annotated[str | None, Form()] = None,
    ) -> Json:
        """A user sends a photo (any image; sized like Telegram's PhotoSize ladder); photos
        sent with the same ``media_group_id`` form an album, one update each."""
        user(user_id)
        data = await file.read()
        try:
            sizes = store_photo(state, data)
        except BotApiError as error:
            raise HTTPException(400, "not an image Telegram accepts") from error
        message: Json = {"photo": sizes}
        if caption:
            message["caption"] = caption
        if media_group_id:
            message["media_group_id"] = media_group_id
        result = user_message(user_id, chat_id, message)
        return {**result, "file_id": sizes[-1]["file_id"]}

    @router.post("/document")
    async def document(
        user_id: Annotated[int, Form()],
        file: Annotated[UploadFile, File()],
        caption: Annotated[str | None, Form()] = None,
        chat_id: Annotated[int | None, Form()] = None,
    ) -> Json:
        """A user sends a document."""
        user(user_id)
        upload = Upload(file.filename or "file", file.content_type or "", await file.read())
        doc = store_document(state, upload)
        message: Json = {"document": doc}
        if caption:
            message["caption"] = caption
        result = user_message(user_id, chat_id, message)
        return {**result, "file_id": doc["file_id"]}

    @router.post("/location")
    async def location(body: LocationIn) -> Json:
        """A user shares a location."""
        location: Json = {"latitude": body.latitude, "longitude": body.longitude}
        if body.horizontal_accuracy is not None:
            location["horizontal_accuracy"] = body.horizontal_accuracy
        if body.live_period is not None:
            location["live_period"] = body.live_period
        return user_message(body.user_id, body.chat_id, {"location": location})

    @router.post("/contact")
    async def contact(body: ContactIn) -> Json:
        """A user shares a contact (by default their own, with their user id)."""
        contact: Json = {"phone_number": body.phone_number, "first_name": body.first_name,
                         "user_id": body.contact_user_id or body.user_id}
        if body.last_name:
            contact["last_name"] = body.last_name
        return user_message(body.user_id, body.chat_id, {"contact": contact})

    @router.post("/update")
    async def raw_update(request: Request) -> Json:
        """Queue an exact Update again (e.g. the same update_id twice)."""
        update = await request.json()
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            raise HTTPException(400, "an Update object with an integer update_id is required")
        state.push_raw_update(update)
        return {"update_id": update["update_id"]}

    @router.get("/updates")
    async def pending_updates() -> list[Json]:
        """Updates not yet confirmed by the bot."""
        return list(state.updates)

    @router.get("/chats/{chat_id}/messages")
    async def messages(chat_id: int, since_id: int = 0) -> list[Json]:
        """Every message of a chat after ``since_id`` (both directions, deleted ones flagged)."""
        chat = state.chats.get(chat_id)
        if chat is None:
            raise HTTPException(404, f"no chat {chat_id}")
        return [state.describe(m) for i, m in sorted(chat.messages.items()) if i > since_id]

    @router.get("/chats/{chat_id}/wait", response_model=None)
    async def wait(chat_id: int, after_message_id: int = 0,
                   seconds: Annotated[float, Query(alias="timeout", ge=0, le=120)] = 10,
                   ) -> Json | JSONResponse:
        """Long-poll for the first bot message after ``after_message_id``; 408 on timeout."""
        if chat_id not in state.chats:
            raise HTTPException(404, f"no chat {chat_id}")
        deadline = time.monotonic() + seconds
        while True:
            chat = state.chats.get(chat_id)
            if chat is not None:
                for message_id, stored in sorted(chat.messages.items()):
                    if message_id > after_message_id and stored.from_bot:
                        return state.describe(stored)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return JSONResponse({"detail": f"no bot message within {seconds:g}s"}, 408)
            await state.messages_changed.wait(remaining)

    @router.get("/chats/{chat_id}/state")
    async def chat_state(chat_id: int) -> Json:
        """What the chat's input area shows: commands menu, reply keyboard, typing indicator."""
        chat = state.chats.get(chat_id)
        if chat is None:
            raise HTTPException(404, f"no chat {chat_id}")
        action = None
        if chat.last_action and time.time() - chat.last_action[1] < 5:
            action = chat.last_action[0]
        return {
            "chat": state.chat_json(chat),
            "commands": effective_commands(state, chat),
            "reply_keyboard": chat.reply_keyboard,
            "menu_button": chat.menu_button if chat.menu_button.get("type") != "default"
            else state.default_menu_button,
            "action": action,
            "blocked": chat.id in state.blocked,
        }

    @router.get("/events")
    async def events(since: int = 0, chat_id: int | None = None,
                     seconds: Annotated[float, Query(alias="timeout", ge=0, le=60)] = 25,
                     ) -> Json:
        """Long-poll for what changed after event ``since`` (the page's live feed)."""
        deadline = time.monotonic() + seconds
        while True:
            found = state.events_since(since, chat_id)
            if found or since > state.last_seq:
                return {"seq": state.last_seq, "events": found}
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return {"seq": state.last_seq, "events": []}
            await state.messages_changed.wait(remaining)

    @router.get("/calls")
    async def calls(method: str | None = None, since: int = 0) -> list[Json]:
        """The Bot API calls the bot made (method, params, time, HTTP status)."""
        wanted = method.lower() if method else None
        return [c for c in state.calls
                if c["seq"] > since and (wanted is None or c["method"].lower() == wanted)]

    @router.get("/answers")
    async def answers() -> list[Json]:
        """The bot's answers to callback queries (toasts and alerts)."""
        return state.answers

    @router.get("/flood")
    async def get_flood() -> Json:
        """The current flood-limit settings."""
        return state.flood.as_json()

    @router.get("/flood/violations")
    async def get_flood_violations() -> Json:
        """How many messages each limit refused with a 429 since the limits were last reset."""
        return dict(state.limiter.violations)

    @router.post("/flood")
    async def set_flood(body: FloodIn) -> Json:
        """Switch or tune the flood limits (counters start afresh)."""
        for key, value in body.model_dump(exclude_none=True).items():
            setattr(state.flood, key, value)
        state.limiter.reset()
        return state.flood.as_json()

    @router.post("/fail_next")
    async def fail_next(body: FailNextIn) -> Json:
        """Queue forced failures (e.g. a 429 with retry_after) for a method."""
        retry_after = body.retry_after
        if body.error_code == 429:
            retry_after = retry_after or 1
            description = body.description or f"Too Many Requests: retry after {retry_after}"
        else:
            description = body.description or FAIL_DESCRIPTIONS.get(
                body.error_code, f"Error {body.error_code}")
        rule = FailRule(error_code=body.error_code, description=description,
                        retry_after=retry_after, remaining=body.count)
        key = body.method.lower()
        state.fail_rules.setdefault(key, deque()).append(rule)
        return {"method": body.method, "error_code": body.error_code, "count": body.count,
                "description": description, "retry_after": retry_after}

    @router.get("/personas")
    async def get_personas() -> list[Json]:
        """The demo people the page offers."""
        return state.personas

    @router.post("/personas")
    async def set_personas(request: Request) -> list[Json]:
        """Replace the demo people (a list, or ``{"personas": [...]}``); creates their users."""
        try:
            body = validate_personas(await request.json())
        except ValueError as error:
            raise HTTPException(400, str(error)) from error
        state.personas = body
        for persona in body:
            state.add_user(persona_user(persona))
        state.emit("personas", None, {})
        return state.personas

    @router.post("/reset")
    async def reset() -> Json:
        """Forget every user, message, update, file and setting (personas stay)."""
        state.reset()
        return {"ok": True}

    @router.get("/files/{file_id}")
    async def file(file_id: str) -> Response:
        """A stored file by file_id (what the page shows as an image preview)."""
        stored = state.files.get(file_id)
        if stored is None:
            raise HTTPException(404, "no such file")
        return Response(stored.data, media_type=stored.mime_type,
                        headers={"Cache-Control": "max-age=3600"})

    def clock_control(request: Request) -> ClockControl:
        control = getattr(request.app.state, "clock_control", None)
        if control is None:
            raise HTTPException(404, "no demo clock here: only `jointcheck demo` has one")
        return control  # type: ignore[no-any-return]

    @router.get("/clock")
    async def clock_now(request: Request) -> Json:
        """The demo clock: ``{"now": ISO instant, "offset_seconds": …}``."""
        return await clock_control(request)(None)

    @router.post("/clock")
    async def clock_jump(request: Request, body: ClockIn) -> Json:
        """Jump the demo clock ahead (the scans run at once): ``{"working_days": 1}``,
        ``{"hours": 6}`` or ``{"to": "2027-05-20T10:00:00+08:00"}``; 400 for none or a step
        backwards."""
        if sum(x is not None for x in (body.working_days, body.hours, body.to)) != 1:
            raise HTTPException(400, "give one of working_days, hours, to")
        try:
            return await clock_control(request)(body)
        except ValueError as error:
            raise HTTPException(400, str(error)) from error

    @router.get("/webhook")
    async def webhook() -> Json:
        """The webhook as getWebhookInfo shows it."""
        status, body = await api.call(state.last_token or "0:" + "A" * 35, "getWebhookInfo",
                                      Params({}))
        return body["result"] if status == 200 else body

    return router


def effective_commands(state: EmulatorState, chat: Chat) -> list[Json]:
    """The command menu a user sees in ``chat``: the narrowest scope and language that is set."""
    language = ""
    if chat.type == "private":
        language = str(state.users[chat.id].get("language_code", ""))[:2]
    general = "all_private_chats" if chat.type == "private" else "all_group_chats"
    for scope in (f"chat:{chat.id}", general, "default"):
        for lang in (language, ""):
            commands = state.commands.get((scope, lang))
            if commands:
                return commands
    return []
