"""The Bot API methods the emulator implements, with Telegram's own checks and error texts.

``BotApi.call(token, method, params)`` returns ``(http_status, body)`` exactly as
api.telegram.org would: ``{"ok": true, "result": ...}`` or
``{"ok": false, "error_code": N, "description": "..."}`` (plus ``parameters.retry_after`` on
429). Parameters arrive as strings (form-urlencoded / multipart, JSON-encoded for objects, as
aiogram sends them) or as native JSON values; ``Params`` reads both.
"""

from __future__ import annotations

import io
import json
import mimetypes
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sandbox import entities as ent
from sandbox.state import (
    UPDATE_TYPES,
    Chat,
    EmulatorState,
    FailRule,
    Json,
    StoredFile,
    StoredMessage,
)

TOKEN_RE = re.compile(r"^(\d{1,20}):[A-Za-z0-9_-]{35}$")
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_ANSWER_TEXT = 200
MAX_UPLOAD = 50 * 1024 * 1024
MAX_DOWNLOAD = 20 * 1024 * 1024
CALLBACK_QUERY_LIFETIME = 15 * 60
CHAT_ACTIONS = {
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
}
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)
PHOTO_SIZES = ((90, "s"), (320, "m"), (800, "x"), (1280, "y"), (2560, "w"))
INLINE_BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)


class BotApiError(Exception):
    """A Telegram error reply: HTTP status = error_code, with Telegram's description."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def body(self) -> Json:
        """The JSON body Telegram sends for this error."""
        out: Json = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            out["parameters"] = {"retry_after": self.retry_after}
        return out


def bad_request(text: str) -> BotApiError:
    """A 400 with Telegram's "Bad Request: " prefix."""
    return BotApiError(400, f"Bad Request: {text}")


def too_many_requests(retry_after: int) -> BotApiError:
    """Telegram's 429 with ``parameters.retry_after``."""
    return BotApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes


class Params:
    """Method parameters from a query string, a form, multipart parts or a JSON body."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def raw(self, name: str) -> Any:
        """The value as received (None when absent or empty)."""
        value = self.values.get(name)
        return None if value == "" else value

    def string(self, name: str) -> str | None:
        """A string parameter."""
        value = self.raw(name)
        if value is None or isinstance(value, Upload):
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str) -> int | None:
        """An integer parameter; junk is a Bad Request like Telegram's."""
        value = self.raw(name)
        if value is None:
            return None
        try:
            if isinstance(value, bool):
                raise ValueError
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def number(self, name: str) -> float | None:
        """A floating-point parameter."""
        value = self.raw(name)
        if value is None:
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        """A boolean parameter (``true``/``1`` are true, as Telegram reads them)."""
        value = self.raw(name)
        if isinstance(value, bool):
            return value
        if value is None:
            return False
        return str(value).strip().lower() in {"true", "1", "yes", "on"}

    def obj(self, name: str, error: str) -> Any:
        """An object/array parameter: JSON text in forms, native in JSON bodies."""
        value = self.raw(name)
        if value is None or not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(error) from None

    def upload(self, name: str) -> Upload | None:
        """A file part named ``name`` or referenced as ``attach://<part>`` (aiogram's way)."""
        value = self.raw(name)
        if isinstance(value, Upload):
            return value
        if isinstance(value, str) and value.startswith("attach://"):
            part = self.values.get(value.removeprefix("attach://"))
            if isinstance(part, Upload):
                return part
            raise bad_request(f"file of type {name} not found in the request")
        return None

    def loggable(self) -> Json:
        """Parameters for the call log (files shown by name and size)."""
        out: Json = {}
        for key, value in self.values.items():
            if isinstance(value, Upload):
                out[key] = {"filename": value.filename, "size": len(value.data)}
            else:
                out[key] = value
        return out


Method = Callable[["BotApi", Params], Awaitable[Any]]
_METHODS: dict[str, tuple[str, Method]] = {}


def method(name: str) -> Callable[[Method], Method]:
    """Register a Bot API method (names are case-insensitive, as on Telegram)."""

    def register(func: Method) -> Method:
        _METHODS[name.lower()] = (name, func)
        return func

    return register


def implemented_methods() -> list[str]:
    """The names of every implemented method."""
    return sorted(name for name, _ in _METHODS.values())


@dataclass
class Described:
    """A result that Telegram sends with a ``description`` (setWebhook, deleteWebhook)."""

    result: Any
    description: str


class BotApi:
    """Runs Bot API methods against one ``EmulatorState``."""

    def __init__(self, state: EmulatorState,
                 start_webhook: Callable[[], None] | None = None) -> None:
        self.state = state
        self.start_webhook = start_webhook or (lambda: None)

    async def call(self, token: str, method_name: str, params: Params) -> tuple[int, Json]:
        """Run one method for ``token``; returns the HTTP status and Telegram's JSON body."""
        state = self.state
        entry = _METHODS.get(method_name.lower())
        name = entry[0] if entry else method_name
        started = time.time()
        generation = state.generation
        try:
            match = TOKEN_RE.match(token)
            if not match:
                raise BotApiError(401, "Unauthorized")
            if entry is None:
                raise BotApiError(404, "Not Found")
            state.bot_id = int(match.group(1))
            state.last_token = token
            self._forced_failure(name)
            result = await entry[1](self, params)
            body: Json
            if isinstance(result, Described):
                body = {"ok": True, "result": result.result, "description": result.description}
            else:
                body = {"ok": True, "result": result}
            status = 200
        except BotApiError as error:
            status, body = error.code, error.body()
        if state.generation != generation:
            return status, body  # the world was reset meanwhile; its log starts afresh
        state.calls.append({
            "seq": len(state.calls) + 1,
            "method": name,
            "params": params.loggable(),
            "time": started,
            "status": status,
            "ok": status == 200,
            "description": body.get("description"),
        })
        return status, body

    def _forced_failure(self, name: str) -> None:
        for key in (name.lower(), "*"):
            rules = self.state.fail_rules.get(key)
            if not rules:
                continue
            rule: FailRule = rules[0]
            rule.remaining -= 1
            if rule.remaining <= 0:
                rules.popleft()
            raise BotApiError(rule.error_code, rule.description, rule.retry_after)

    # --- shared checks ----------------------------------------------------------------------

    def chat(self, params: Params, name: str = "chat_id") -> Chat:
        """The chat named by ``chat_id`` or Telegram's "chat not found"."""
        raw = params.raw(name)
        if raw is None:
            raise bad_request(f"{name} is empty")
        try:
            chat_id = int(raw)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
        chat = self.state.chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def writable_chat(self, params: Params) -> Chat:
        """A chat the bot may write to (a user who blocked the bot answers 403)."""
        chat = self.chat(params)
        if chat.type == "private" and chat.id in self.state.blocked:
            raise BotApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def flood(self, chat: Chat) -> None:
        """Apply the per-chat, per-bot and per-group limits to one outgoing message."""
        retry_after = self.state.limiter.check(chat.id, chat.type != "private")
        if retry_after:
            raise too_many_requests(retry_after)

    def message(self, chat: Chat, message_id: int | None, missing: str) -> StoredMessage:
        """A live message of ``chat`` or the given Bad Request."""
        if message_id is None:
            raise bad_request("message identifier is not specified")
        stored = chat.messages.get(message_id)
        if stored is None or stored.deleted:
            raise bad_request(missing)
        return stored

    def text(self, params: Params, field: str, entities_field: str, limit: int,
             *, required: bool) -> tuple[str, list[Json]]:
        """Text after parse-mode processing, checked for emptiness and length."""
        raw = params.string(field)
        if raw is None:
            if required:
                raise bad_request("message text is empty")
            return "", []
        explicit = _explicit_entities(params.obj(entities_field,
                                                 "can't parse entities JSON object"))
        try:
            plain, found = ent.parse(raw, params.string("parse_mode"), explicit)
        except ent.ParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
        except ValueError:
            raise bad_request("unsupported parse_mode") from None
        if required and not plain:
            raise bad_request("message text is empty")
        if ent.utf16_len(plain) > limit:
            raise bad_request("message is too long" if field == "text"
                              else "message caption is too long")
        return plain, found

    def reply_markup(self, params: Params, *, inline_only: bool = False,
                     ) -> tuple[Json | None, Callable[[Chat], None]]:
        """Validate ``reply_markup``: the inline keyboard to echo and the chat-level effect."""
        markup = params.obj("reply_markup", "can't parse reply keyboard markup JSON object")
        if markup is None:
            return None, lambda chat: None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            return {"inline_keyboard": _inline_keyboard(markup["inline_keyboard"])}, \
                lambda chat: None
        if inline_only:
            raise bad_request("inline keyboard expected")
        if "keyboard" in markup:
            keyboard = _reply_keyboard(markup)

            def show(chat: Chat) -> None:
                chat.reply_keyboard = keyboard
                self.state.emit("keyboard", chat.id, {"reply_keyboard": keyboard})

            return None, show
        if markup.get("remove_keyboard"):

            def remove(chat: Chat) -> None:
                chat.reply_keyboard = None
                self.state.emit("keyboard", chat.id, {"reply_keyboard": None})

            return None, remove
        if markup.get("force_reply"):
            return None, lambda chat: None
        raise bad_request("can't parse reply keyboard markup JSON object")

    def reply_to(self, params: Params, chat: Chat) -> Json | None:
        """The message being replied to (reply_parameters or reply_to_message_id)."""
        reply = params.obj("reply_parameters", "can't parse reply parameters JSON object")
        message_id = params.integer("reply_to_message_id")
        allow_missing = params.flag("allow_sending_without_reply")
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow_missing = bool(reply.get("allow_sending_without_reply"))
        elif reply is not None:
            raise bad_request("can't parse reply parameters JSON object")
        if message_id is None:
            return None
        stored = chat.messages.get(int(message_id))
        if stored is None or stored.deleted:
            if allow_missing:
                return None
            raise bad_request("message to be replied not found")
        quoted = dict(stored.message)
        quoted.pop("reply_to_message", None)
        return quoted

    def send(self, chat: Chat, body: Json, params: Params,
             markup: tuple[Json | None, Callable[[Chat], None]]) -> Json:
        """Store an outgoing bot message after the common checks; returns the Message.

        ``markup`` is what ``reply_markup`` gave: the inline keyboard to echo, the chat effect.
        """
        keyboard, effect = markup
        if keyboard is not None:
            body["reply_markup"] = keyboard
        reply = self.reply_to(params, chat)
        self.flood(chat)
        if reply is not None:
            body["reply_to_message"] = reply
        if params.flag("protect_content"):
            body["has_protected_content"] = True
        stored = self.state.add_message(chat, body, from_bot=True, sender=self.state.bot_user())
        effect(chat)
        return stored.message

    def file_ref(self, params: Params, name: str) -> tuple[Upload | None, StoredFile | None]:
        """An uploaded file, or a file_id the emulator knows; URLs cannot be fetched offline."""
        upload = params.upload(name)
        if upload is not None:
            if len(upload.data) > MAX_UPLOAD:
                raise BotApiError(413, "Request Entity Too Large")
            return upload, None
        ref = params.string(name)
        if ref is None:
            raise bad_request(f"there is no {name} in the request")
        if ref.startswith(("http://", "https://")):
            raise bad_request("failed to get HTTP URL content")
        stored = self.state.files.get(ref)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return None, stored


ENTITY_KEYS = ("type", "offset", "length", "url", "user", "language", "custom_emoji_id")


def _explicit_entities(raw: Any) -> list[Json] | None:
    """Entities given instead of a parse mode, checked and reduced to Telegram's fields."""
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise bad_request("can't parse entities JSON object")
    out: list[Json] = []
    for entity in raw:
        if not isinstance(entity, dict) or not isinstance(entity.get("type"), str) \
                or not isinstance(entity.get("offset"), int) \
                or not isinstance(entity.get("length"), int) \
                or entity["offset"] < 0 or entity["length"] < 0:
            raise bad_request("can't parse MessageEntity JSON object")
        out.append({key: entity[key] for key in ENTITY_KEYS if key in entity})
    return out


def _inline_keyboard(rows: Any) -> list[list[Json]]:
    """Validate an inline keyboard as Telegram does and return it as it is echoed."""
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse inline keyboard markup JSON object")
    out: list[list[Json]] = []
    for row in rows:
        buttons: list[Json] = []
        for button in row:
            if not isinstance(button, dict):
                raise bad_request("can't parse inline keyboard button: InlineKeyboardButton "
                                  "must be an Object")
            text = button.get("text")
            if not isinstance(text, str):
                raise bad_request("can't parse inline keyboard button: Field \"text\" must be "
                                  "of type String")
            if not text.strip():
                raise bad_request("BUTTON_TEXT_INVALID")
            actions = [key for key in INLINE_BUTTON_ACTIONS if button.get(key) is not None]
            if not actions:
                raise bad_request("can't parse inline keyboard button: Text buttons are "
                                  "unallowed in the inline keyboard")
            clean: Json = {"text": text}
            for key in actions:
                clean[key] = button[key]
            data = button.get("callback_data")
            if data is not None:
                if not isinstance(data, str):
                    raise bad_request("can't parse inline keyboard button: Field "
                                      "\"callback_data\" must be of type String")
                if not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
                    raise bad_request("BUTTON_DATA_INVALID")
            url = button.get("url")
            if url is not None and (not isinstance(url, str)
                                    or not re.match(r"^(https?|tg)://\S+$", url)):
                raise bad_request("BUTTON_URL_INVALID")
            buttons.append(clean)
        if buttons:
            out.append(buttons)
    return out


def _reply_keyboard(markup: Json) -> Json:
    rows = markup.get("keyboard")
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse reply keyboard markup JSON object")
    keyboard: list[list[Json]] = []
    for row in rows:
        buttons = []
        for raw in row:
            button = {"text": raw} if isinstance(raw, str) else raw
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request("can't parse keyboard button: Field \"text\" must be of type "
                                  "String")
            buttons.append(button)
        if buttons:
            keyboard.append(buttons)
    out: Json = {"keyboard": keyboard}
    for key in ("resize_keyboard", "one_time_keyboard", "input_field_placeholder",
                "is_persistent", "selective"):
        if markup.get(key) is not None:
            out[key] = markup[key]
    return out


def _photo_sizes(state: EmulatorState, data: bytes) -> list[Json]:
    """Telegram's PhotoSize ladder for an uploaded picture (each size its own file)."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError):
        raise bad_request("IMAGE_PROCESS_FAILED") from None
    width, height = image.size
    if width < 1 or height < 1 or max(width, height) / min(width, height) > 20:
        raise bad_request("PHOTO_INVALID_DIMENSIONS")
    rgb = image.convert("RGB")
    sizes: list[Json] = []
    longest = max(width, height)
    for limit, _label in PHOTO_SIZES:
        scale = min(1.0, limit / longest)
        w, h = max(1, round(width * scale)), max(1, round(height * scale))
        copy = rgb.resize((w, h)) if scale < 1 else rgb
        buffer = io.BytesIO()
        copy.save(buffer, format="JPEG", quality=87)
        stored = state.store_file(buffer.getvalue(), kind="photo", extension="jpg",
                                  mime_type="image/jpeg")
        sizes.append({"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                      "file_size": len(stored.data), "width": w, "height": h})
        if scale >= 1:
            break
    for size in sizes:
        state.files[size["file_id"]].photo_sizes = sizes
    return sizes


def store_photo(state: EmulatorState, data: bytes) -> list[Json]:
    """Store a picture (sent by the bot or by a user) and return its PhotoSize array."""
    return _photo_sizes(state, data)


def store_document(state: EmulatorState, upload: Upload) -> Json:
    """Store a document and return Telegram's ``Document`` object."""
    mime = upload.content_type or mimetypes.guess_type(upload.filename)[0] \
        or "application/octet-stream"
    if mime == "application/octet-stream":
        mime = mimetypes.guess_type(upload.filename)[0] or mime
    extension = upload.filename.rsplit(".", 1)[-1] if "." in upload.filename else "bin"
    stored = state.store_file(upload.data, kind="document", extension=extension,
                              mime_type=mime, file_name=upload.filename)
    return {"file_name": upload.filename, "mime_type": mime, "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id, "file_size": len(upload.data)}


# --- methods -------------------------------------------------------------------------------------


@method("getMe")
async def get_me(api: BotApi, params: Params) -> Json:
    """The bot itself."""
    return {**api.state.bot_user(), "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": False, "can_connect_to_business": False,
            "has_main_web_app": False}


@method("logOut")
async def log_out(api: BotApi, params: Params) -> bool:
    """Accepted and ignored (nothing to log out of)."""
    return True


@method("close")
async def close(api: BotApi, params: Params) -> bool:
    """Accepted and ignored."""
    return True


@method("getUpdates")
async def get_updates(api: BotApi, params: Params) -> list[Json]:
    """Long polling: confirmed updates are dropped; a newer poll ends an older one with 409."""
    state = api.state
    if state.webhook.url:
        raise BotApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                               "use deleteWebhook to delete the webhook first")
    offset = params.integer("offset") or 0
    limit = params.integer("limit") or 100
    limit = min(max(limit, 1), 100)
    timeout = min(max(params.integer("timeout") or 0, 0), 50)
    allowed = params.obj("allowed_updates", "can't parse allowed_updates JSON object")
    if isinstance(allowed, list):
        state.allowed_updates = [a for a in allowed if a in UPDATE_TYPES] or None
    if offset > 0:
        state.confirm_updates(offset)
    elif offset < 0:
        while len(state.updates) > -offset:
            state.updates.popleft()
    state.poll_generation += 1
    generation = state.poll_generation
    state.updates_changed.notify()  # an older poll still waiting must now end with 409
    deadline = time.monotonic() + timeout
    while True:
        if state.poll_generation != generation:
            raise BotApiError(409, "Conflict: terminated by other getUpdates request; make sure "
                                   "that only one bot instance is running")
        if state.webhook.url:
            raise BotApiError(409, "Conflict: can't use getUpdates method while webhook is "
                                   "active; use deleteWebhook to delete the webhook first")
        if state.updates:
            return list(state.updates)[:limit]
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return []
        await state.updates_changed.wait(remaining)


@method("setWebhook")
async def set_webhook(api: BotApi, params: Params) -> Described:
    """Set (or, with an empty url, remove) the webhook and start delivering to it."""
    state = api.state
    url = params.string("url") or ""
    if not url:
        return await delete_webhook(api, params)
    if not re.match(r"^https?://[^\s/]+", url):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.string("secret_token")
    if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        raise bad_request("secret token contains unallowed characters")
    max_connections = params.integer("max_connections") or 40
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    allowed = params.obj("allowed_updates", "can't parse allowed_updates JSON object")
    if params.flag("drop_pending_updates"):
        state.updates.clear()
    same = state.webhook.url == url and state.webhook.secret_token == secret
    state.webhook.url = url
    state.webhook.secret_token = secret
    state.webhook.max_connections = max_connections
    if isinstance(allowed, list):
        state.webhook.allowed_updates = [a for a in allowed if a in UPDATE_TYPES] or None
    state.updates_changed.notify()  # a waiting getUpdates ends with 409
    state.webhook_changed.notify()
    api.start_webhook()
    return Described(True, "Webhook is already set" if same else "Webhook was set")


@method("deleteWebhook")
async def delete_webhook(api: BotApi, params: Params) -> Described:
    """Remove the webhook (getUpdates works again)."""
    state = api.state
    had = bool(state.webhook.url)
    state.webhook.url = ""
    state.webhook.secret_token = None
    state.webhook.last_error_date = None
    state.webhook.last_error_message = None
    if params.flag("drop_pending_updates"):
        state.updates.clear()
    state.webhook_changed.notify()
    return Described(True, "Webhook was deleted" if had else "Webhook is already deleted")


@method("getWebhookInfo")
async def get_webhook_info(api: BotApi, params: Params) -> Json:
    """Telegram's WebhookInfo."""
    hook = api.state.webhook
    info: Json = {"url": hook.url, "has_custom_certificate": False,
                  "pending_update_count": len(api.state.updates)}
    if hook.url:
        info["max_connections"] = hook.max_connections
        info["ip_address"] = "127.0.0.1"
        if hook.allowed_updates:
            info["allowed_updates"] = hook.allowed_updates
    if hook.last_error_date:
        info["last_error_date"] = hook.last_error_date
        info["last_error_message"] = hook.last_error_message
    return info


@method("sendMessage")
async def send_message(api: BotApi, params: Params) -> Json:
    """Send a text message (parse modes, keyboards, replies, link preview options)."""
    chat = api.writable_chat(params)
    text, found = api.text(params, "text", "entities", MAX_TEXT, required=True)
    markup = api.reply_markup(params)
    body: Json = {"text": text}
    if found:
        body["entities"] = found
    preview = params.obj("link_preview_options", "can't parse link preview options JSON object")
    if isinstance(preview, dict) and preview:
        body["link_preview_options"] = preview
    return api.send(chat, body, params, markup)


def _caption(caption: str, found: list[Json]) -> Json:
    """The caption fields of a media message: none without a caption."""
    if not caption:
        return {}
    return {"caption": caption, "caption_entities": found} if found else {"caption": caption}


@method("sendPhoto")
async def send_photo(api: BotApi, params: Params) -> Json:
    """Send a photo (upload or file_id); the result carries the PhotoSize ladder."""
    chat = api.writable_chat(params)
    upload, known = api.file_ref(params, "photo")
    caption, found = api.text(params, "caption", "caption_entities", MAX_CAPTION, required=False)
    markup = api.reply_markup(params)
    if upload is not None:
        sizes = store_photo(api.state, upload.data)
    else:
        assert known is not None
        if known.photo_sizes is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        sizes = known.photo_sizes
    body: Json = {"photo": sizes, **_caption(caption, found)}
    if params.flag("has_spoiler"):
        body["has_media_spoiler"] = True
    return api.send(chat, body, params, markup)


@method("sendDocument")
async def send_document(api: BotApi, params: Params) -> Json:
    """Send a document (upload or file_id)."""
    chat = api.writable_chat(params)
    upload, known = api.file_ref(params, "document")
    caption, found = api.text(params, "caption", "caption_entities", MAX_CAPTION, required=False)
    markup = api.reply_markup(params)
    if upload is not None:
        document = store_document(api.state, upload)
    else:
        assert known is not None
        document = {"file_name": known.file_name or known.file_path.rsplit("/", 1)[-1],
                    "mime_type": known.mime_type, "file_id": known.file_id,
                    "file_unique_id": known.file_unique_id, "file_size": len(known.data)}
    body: Json = {"document": document, **_caption(caption, found)}
    return api.send(chat, body, params, markup)


@method("sendLocation")
async def send_location(api: BotApi, params: Params) -> Json:
    """Send a point on the map."""
    chat = api.writable_chat(params)
    latitude, longitude = params.number("latitude"), params.number("longitude")
    if latitude is None or not -90 <= latitude <= 90:
        raise bad_request("wrong latitude")
    if longitude is None or not -180 <= longitude <= 180:
        raise bad_request("wrong longitude")
    markup = api.reply_markup(params)
    location: Json = {"latitude": latitude, "longitude": longitude}
    accuracy = params.number("horizontal_accuracy")
    if accuracy is not None:
        location["horizontal_accuracy"] = accuracy
    body: Json = {"location": location}
    return api.send(chat, body, params, markup)


@method("sendVenue")
async def send_venue(api: BotApi, params: Params) -> Json:
    """Send a venue: a point on the map with a title and an address."""
    chat = api.writable_chat(params)
    latitude, longitude = params.number("latitude"), params.number("longitude")
    if latitude is None or not -90 <= latitude <= 90:
        raise bad_request("wrong latitude")
    if longitude is None or not -180 <= longitude <= 180:
        raise bad_request("wrong longitude")
    title, address = params.string("title"), params.string("address")
    if not title:
        raise bad_request("venue title is empty")
    if not address:
        raise bad_request("venue address is empty")
    markup = api.reply_markup(params)
    location: Json = {"latitude": latitude, "longitude": longitude}
    body: Json = {"venue": {"location": location, "title": title, "address": address},
                  "location": location}
    return api.send(chat, body, params, markup)


@method("sendContact")
async def send_contact(api: BotApi, params: Params) -> Json:
    """Send a phone contact."""
    chat = api.writable_chat(params)
    phone, first = params.string("phone_number"), params.string("first_name")
    if not phone:
        raise bad_request("phone number is empty")
    if not first:
        raise bad_request("first name is empty")
    markup = api.reply_markup(params)
    contact: Json = {"phone_number": phone, "first_name": first}
    if params.string("last_name"):
        contact["last_name"] = params.string("last_name")
    body: Json = {"contact": contact}
    return api.send(chat, body, params, markup)


def _edit(api: BotApi, params: Params, stored: StoredMessage, changes: Json,
          markup: Json | None) -> Json:
    """Apply an edit unless it changes nothing (Telegram's "message is not modified")."""
    message = stored.message
    unchanged = all(message.get(k) == v for k, v in changes.items()) \
        and message.get("reply_markup") == markup
    if unchanged:
        raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
    for key, value in changes.items():
        if value in (None, []):
            message.pop(key, None)
        else:
            message[key] = value
    if markup is None:
        message.pop("reply_markup", None)
    else:
        message["reply_markup"] = markup
    message["edit_date"] = int(time.time())
    stored.edited = True
    api.state.emit("edit", stored.chat_id, {"message": api.state.describe(stored)})
    return message


def _editable(api: BotApi, params: Params) -> StoredMessage:
    if params.string("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    chat = api.chat(params)
    stored = api.message(chat, params.integer("message_id"), "message to edit not found")
    if not stored.from_bot:
        raise bad_request("message can't be edited")
    return stored


@method("editMessageText")
async def edit_message_text(api: BotApi, params: Params) -> Json:
    """Replace a bot message's text (an omitted reply_markup removes the inline keyboard)."""
    stored = _editable(api, params)
    text, found = api.text(params, "text", "entities", MAX_TEXT, required=True)
    if "text" not in stored.message:
        raise bad_request("there is no text in the message to edit")
    markup, _ = api.reply_markup(params, inline_only=True)
    changes: Json = {"text": text, "entities": found or None}
    return _edit(api, params, stored, changes, markup)


@method("editMessageCaption")
async def edit_message_caption(api: BotApi, params: Params) -> Json:
    """Replace a bot message's caption."""
    stored = _editable(api, params)
    if "text" in stored.message:
        raise bad_request("there is no caption in the message to edit")
    caption, found = api.text(params, "caption", "caption_entities", MAX_CAPTION,
                              required=False)
    markup, _ = api.reply_markup(params, inline_only=True)
    changes: Json = {"caption": caption or None, "caption_entities": found or None}
    return _edit(api, params, stored, changes, markup)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(api: BotApi, params: Params) -> Json:
    """Replace (or, when omitted, remove) a bot message's inline keyboard."""
    stored = _editable(api, params)
    markup, _ = api.reply_markup(params, inline_only=True)
    return _edit(api, params, stored, {}, markup)


@method("deleteMessage")
async def delete_message(api: BotApi, params: Params) -> bool:
    """Delete a message (the bot's own or, in private chats, the user's)."""
    chat = api.chat(params)
    stored = api.message(chat, params.integer("message_id"), "message to delete not found")
    _delete(api, stored)
    return True


@method("deleteMessages")
async def delete_messages(api: BotApi, params: Params) -> bool:
    """Delete several messages; missing ones are skipped as Telegram does."""
    chat = api.chat(params)
    ids = params.obj("message_ids", "can't parse message identifiers JSON object")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise bad_request("message identifiers are not specified")
    for message_id in ids:
        stored = chat.messages.get(int(message_id))
        if stored is not None and not stored.deleted:
            _delete(api, stored)
    return True


def _delete(api: BotApi, stored: StoredMessage) -> None:
    stored.deleted = True
    api.state.emit("delete", stored.chat_id, {"message_id": stored.message_id})


@method("answerCallbackQuery")
async def answer_callback_query(api: BotApi, params: Params) -> bool:
    """Answer a tap once, with an optional toast or alert."""
    state = api.state
    query_id = params.string("callback_query_id")
    query = state.callback_queries.get(query_id or "")
    if query is None or query.answered or time.time() - query.created > CALLBACK_QUERY_LIFETIME:
        raise bad_request(QUERY_TOO_OLD.removeprefix("Bad Request: "))
    text = params.string("text") or ""
    if len(text) > MAX_ANSWER_TEXT:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answered = True
    answer: Json = {
        "callback_query_id": query.id,
        "user_id": query.user_id,
        "chat_id": query.chat_id,
        "message_id": query.message_id,
        "data": query.data,
        "text": text or None,
        "show_alert": params.flag("show_alert"),
        "url": params.string("url"),
        "cache_time": params.integer("cache_time") or 0,
        "time": time.time(),
    }
    state.answers.append(answer)
    state.emit("answer", query.chat_id, {"answer": answer})
    return True


@method("getFile")
async def get_file(api: BotApi, params: Params) -> Json:
    """Telegram's File with the path to download it from ``/file/bot<token>/<path>``."""
    file_id = params.string("file_id")
    if not file_id:
        raise bad_request("file_id is empty")
    stored = api.state.files.get(file_id)
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.data) > MAX_DOWNLOAD:
        raise bad_request("file is too big")
    return stored.as_file()


def _scope_key(api: BotApi, params: Params) -> str:
    scope = params.obj("scope", "can't parse BotCommandScope JSON object")
    if scope is None:
        return "default"
    if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
        raise bad_request("can't parse BotCommandScope JSON object")
    kind = scope["type"]
    if kind in {"default", "all_private_chats", "all_group_chats", "all_chat_administrators"}:
        return str(kind)
    if kind in {"chat", "chat_administrators", "chat_member"}:
        try:
            chat_id = int(scope.get("chat_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
        if chat_id not in api.state.chats:
            raise bad_request("chat not found")
        if kind == "chat_member":
            return f"chat_member:{chat_id}:{int(scope.get('user_id', 0))}"
        return f"{kind}:{chat_id}"
    raise bad_request("unsupported bot command scope type")


def _language(params: Params) -> str:
    language = params.string("language_code") or ""
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise bad_request("invalid language code specified")
    return language


@method("setMyCommands")
async def set_my_commands(api: BotApi, params: Params) -> bool:
    """Set the command menu for a scope and language."""
    commands = params.obj("commands", "can't parse commands JSON object")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    clean: list[Json] = []
    for command in commands:
        if not isinstance(command, dict):
            raise bad_request("can't parse BotCommand JSON object")
        name = str(command.get("command", "")).removeprefix("/")
        description = str(command.get("description", ""))
        if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        clean.append({"command": name, "description": description})
    key = (_scope_key(api, params), _language(params))
    if clean:
        api.state.commands[key] = clean
    else:
        api.state.commands.pop(key, None)
    api.state.emit("commands", None, {"scope": key[0], "language_code": key[1]})
    return True


@method("getMyCommands")
async def get_my_commands(api: BotApi, params: Params) -> list[Json]:
    """The commands set for exactly this scope and language."""
    return api.state.commands.get((_scope_key(api, params), _language(params)), [])


@method("deleteMyCommands")
async def delete_my_commands(api: BotApi, params: Params) -> bool:
    """Remove the commands of a scope and language."""
    key = (_scope_key(api, params), _language(params))
    api.state.commands.pop(key, None)
    api.state.emit("commands", None, {"scope": key[0], "language_code": key[1]})
    return True


@method("sendChatAction")
async def send_chat_action(api: BotApi, params: Params) -> bool:
    """Show "typing…" (or another action) in the chat for a few seconds."""
    chat = api.writable_chat(params)
    action = params.string("action")
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.last_action = (action, time.time())
    api.state.emit("action", chat.id, {"action": action})
    return True


@method("setChatMenuButton")
async def set_chat_menu_button(api: BotApi, params: Params) -> bool:
    """Set the menu button of one private chat or the default."""
    button = params.obj("menu_button", "can't parse menu button JSON object") \
        or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in {"default", "commands",
                                                                    "web_app"}:
        raise bad_request("can't parse menu button JSON object")
    if params.raw("chat_id") is None:
        api.state.default_menu_button = button
    else:
        api.chat(params).menu_button = button
    return True


@method("getChatMenuButton")
async def get_chat_menu_button(api: BotApi, params: Params) -> Json:
    """The menu button of a chat or the default."""
    if params.raw("chat_id") is None:
        return api.state.default_menu_button
    return api.chat(params).menu_button


@method("getChat")
async def get_chat(api: BotApi, params: Params) -> Json:
    """Telegram's ChatFullInfo for a known chat."""
    chat = api.chat(params)
    info = api.state.chat_json(chat)
    info.update(accent_color_id=0, max_reaction_count=11,
                accepted_gift_types={"unlimited_gifts": False, "limited_gifts": False,
                                     "unique_gifts": False, "premium_subscription": False})
    return info


def _text_setting(kind: str, limit: int) -> tuple[Method, Method]:
    async def setter(api: BotApi, params: Params) -> bool:
        value = params.string(kind) or ""
        if len(value) > limit:
            raise bad_request(f"{kind} is too long")
        api.state.descriptions[(kind, _language(params))] = value
        return True

    async def getter(api: BotApi, params: Params) -> Json:
        return {kind: api.state.descriptions.get((kind, _language(params)), "")}

    return setter, getter


for _kind, _limit, _set, _get in (
    ("description", 512, "setMyDescription", "getMyDescription"),
    ("short_description", 120, "setMyShortDescription", "getMyShortDescription"),
    ("name", 64, "setMyName", "getMyName"),
):
    _setter, _getter = _text_setting(_kind, _limit)
    method(_set)(_setter)
    method(_get)(_getter)


def new_callback_query_id() -> str:
    """A callback query id shaped like Telegram's (a long decimal number)."""
    return str(secrets.randbits(62))

