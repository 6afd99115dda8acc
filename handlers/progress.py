"""Supervisors' view (issue 12 item 3): ``/overdue`` lists what is late, a button each."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from services.accounts import AccountView, Role
from services.reminders import ReminderScanner

from handlers.callbacks import TaskCb
from handlers.i18n import Translator
from handlers.render import day

MAX_LINES = 30


async def overdue(message: Message, *, account: AccountView, reminders: ReminderScanner,
                  tr: Translator) -> None:
    """Late results: a supervisor or admin sees their department's, the organiser all."""
    if not (account.has(Role.SUPERVISOR) or account.has(Role.ORGANISER)
            or account.has(Role.DEPT_ADMIN)):
        await message.answer(tr("overdue-not-allowed"))
        return
    city_wide = account.has(Role.ORGANISER) or not account.department_code
    lines = await reminders.overdue(None if city_wide else account.department_code)
    if not lines:
        await message.answer(tr("overdue-none"))
        return
    builder = InlineKeyboardBuilder()
    for line in lines[:MAX_LINES]:
        builder.button(text=tr("overdue-button", code=line.task_code, team=line.team_number),
                       callback_data=TaskCb(task_id=line.task_id))
    builder.adjust(1)
    text = "\n".join([tr("overdue-title", count=len(lines))] + [
        tr("digest-overdue-line", code=x.task_code, team=x.team_number, due=day(x.due_on),
           days=x.days_late) for x in lines[:MAX_LINES]])
    await message.answer(text, reply_markup=builder.as_markup())


def build_router() -> Router:
    """The supervisors' commands."""
    router = Router(name=__name__)
    router.message.register(overdue, Command("overdue"))
    return router
