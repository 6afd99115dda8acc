"""/start (with an invitation token: binding), /help, /cancel, and the menu of allowed commands."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import BotCommandScopeChat, CallbackQuery, Message
from services.accounts import AccountService, AccountView
from services.assignments import AssignmentService
from services.errors import DomainError

from handlers import render
from handlers.i18n import Translator

log = logging.getLogger("jointcheck.bot")


async def _set_menu(bot: Bot, chat_id: int, account: AccountView, tr: Translator) -> None:
    """The command menu in the chat shows exactly what this person's roles allow. It is
    cosmetic: a failure is logged and the reply still goes out (issue 9 item 13)."""
    try:
        await bot.set_my_commands(
            render.bot_commands(account, tr), scope=BotCommandScopeChat(chat_id=chat_id)
        )
    except TelegramAPIError as error:  # network errors included
        log.warning("setMyCommands for chat %s failed, the menu stays as it was: %s",
                    chat_id, error)


async def start_with_token(
    message: Message, *, command: CommandObject, bot: Bot, accounts: AccountService,
    tr: Translator,
) -> None:
    """``/start <token>``: bind this Telegram account to the invited account."""
    assert message.from_user is not None
    try:
        account = await accounts.bind(
            command.args or "", message.from_user.id, message.from_user.language_code
        )
    except DomainError as error:
        await message.answer(tr(error.key, **error.args_map))
        return
    tr = Translator(account.language or tr.language)
    await _set_menu(bot, message.chat.id, account, tr)
    await message.answer(render.menu(account, tr, just_bound=True))


async def _leads(account: AccountView, assignments: AssignmentService,
                 tr: Translator) -> list[str]:
    """Which team of which task this person leads (the greeting says so)."""
    if account.inspector_id is None:
        return []
    return render.leaderships(await assignments.for_inspector(account.inspector_id), tr)


async def start(message: Message, *, bot: Bot, account: AccountView,
                assignments: AssignmentService, tr: Translator) -> None:
    """``/start``: the greeting (with the teams the person leads) and the menu."""
    await _set_menu(bot, message.chat.id, account, tr)
    await message.answer(render.menu(account, tr, leads=await _leads(account, assignments, tr)))


async def help_command(message: Message, *, account: AccountView,
                       assignments: AssignmentService, tr: Translator) -> None:
    """``/help``: what the bot does for this person, then the menu."""
    leads = await _leads(account, assignments, tr)
    await message.answer(
        f"{render.help_text(account, tr)}\n\n{render.menu(account, tr, leads=leads)}")


async def cancel(message: Message, *, state: FSMContext, tr: Translator) -> None:
    """``/cancel``: leave whatever conversation is going on."""
    if await state.get_state() is None:
        await message.answer(tr("bot-nothing-to-cancel"))
        return
    await state.clear()
    await message.answer(tr("bot-cancelled"))


async def unknown(message: Message, *, bot: Bot, tr: Translator) -> None:
    """Anything else a bound person types: point them to /help. A command addressed to another
    bot (``/tasks@otherbot``) is not for us and gets no answer."""
    command = (message.text or "").split(maxsplit=1)[0] if message.text else ""
    if command.startswith("/") and "@" in command:
        mention = command.partition("@")[2].lower()
        if mention != ((await bot.me()).username or "").lower():
            return
    await message.answer(tr("bot-unknown-command"))


async def cannot_read(message: Message, *, tr: Translator) -> None:
    """A photo, a document, a location (outside a conversation that asked for one), a sticker:
    say what the bot can do instead of staying silent."""
    await message.answer(tr("bot-cannot-read"))


async def stale_button(callback: CallbackQuery, *, tr: Translator) -> None:
    """A tap no feature knows (an old message, an unknown section): answered, nothing changes."""
    await callback.answer(tr("bot-stale-button"), show_alert=True)


def build_router() -> Router:
    """/start, /help and /cancel; they work in any conversation state."""
    router = Router(name=__name__)
    router.message.register(start_with_token, CommandStart(deep_link=True))
    router.message.register(start, CommandStart())
    router.message.register(help_command, Command("help"))
    router.message.register(cancel, Command("cancel"))
    return router


def build_fallback_router() -> Router:
    """The last router: text, other content and taps nobody else handled."""
    router = Router(name=f"{__name__}.fallback")
    router.message.register(unknown, F.text)
    router.message.register(cannot_read)
    router.callback_query.register(stale_button)
    return router
