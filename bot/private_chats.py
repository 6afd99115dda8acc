"""Private chats only (issue 9 item 10): the targets of a random inspection are confidential
until the visit, so nothing the bot knows is ever said where others can read it.

An outer middleware on ``dp.update``, placed before the database and account middlewares: an
update from a group, supergroup or channel never reaches a handler and never touches the
database. A command addressed to the bot there gets one short line pointing to the private
chat, a tapped button gets the same as an alert; everything else is ignored.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Chat, TelegramObject, Update, User

from bot.i18n import Translator, normalise

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


def _addressed_to_me(text: str, username: str | None) -> bool:
    """``/tasks`` or ``/tasks@this_bot``; ``/tasks@otherbot`` is someone else's."""
    if not text.startswith("/"):
        return False
    command = text.split(maxsplit=1)[0]
    _, _, mention = command.partition("@")
    return not mention or (username is not None and mention.lower() == username.lower())


class PrivateChatsOnlyMiddleware(BaseMiddleware):
    """Drops every update from a chat that is not a private one, with at most one short line."""

    async def __call__(
        self, handler: Handler, event: TelegramObject, data: dict[str, Any]
    ) -> Any:
        chat = data.get("event_chat")
        if not isinstance(event, Update) or not isinstance(chat, Chat) or chat.type == "private":
            return await handler(event, data)
        user = data.get("event_from_user")
        tr = Translator(normalise(user.language_code if isinstance(user, User) else None))
        if event.callback_query is not None:
            await event.callback_query.answer(tr("bot-private-only"), show_alert=True)
        elif event.message is not None and event.message.text:
            me = await data["bot"].me()
            if _addressed_to_me(event.message.text, me.username):
                await event.message.answer(tr("bot-private-only"))
        return None
