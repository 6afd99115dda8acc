"""/tasks: my assignments, and per task its overview, items with guidance, and subjects."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InaccessibleMessage, Message
from services.accounts import AccountView
from services.assignments import AssignmentService
from services.errors import DomainError

from handlers import render, schedule
from handlers.callbacks import TaskCb, TaskListCb
from handlers.i18n import Translator


async def my_tasks(
    message: Message, *, account: AccountView, assignments: AssignmentService, tr: Translator
) -> None:
    """The list of my assignments, each with a details button."""
    summaries = (
        await assignments.for_inspector(account.inspector_id) if account.inspector_id else []
    )
    for text, markup in render.assignment_list(summaries, tr):
        await message.answer(text, reply_markup=markup)


async def back_to_list(
    callback: CallbackQuery, *, account: AccountView, assignments: AssignmentService,
    tr: Translator,
) -> None:
    """« Back: the list again, in the same message."""
    summaries = (
        await assignments.for_inspector(account.inspector_id) if account.inspector_id else []
    )
    text, markup = render.assignment_list(summaries, tr)[-1]
    if callback.message is not None and not isinstance(callback.message, InaccessibleMessage):
        await callback.message.edit_text(text, reply_markup=markup)
    await callback.answer()


async def task_section(
    callback: CallbackQuery, *, callback_data: TaskCb, account: AccountView,
    assignments: AssignmentService, tr: Translator,
) -> None:
    """One section page of one assignment, edited into the message that was tapped."""
    if account.inspector_id is None:
        await callback.answer(tr("assignment-not-yours"), show_alert=True)
        return
    try:
        assignment = await assignments.detail(account.inspector_id, callback_data.task_id)
    except DomainError as error:
        await callback.answer(tr(error.key, **error.args_map), show_alert=True)
        return
    text, markup = render.assignment_section(
        assignment, account.inspector_id, callback_data.section, callback_data.page, tr
    )
    markup = schedule.with_plan_button(markup, assignment, tr)
    if callback.message is None or isinstance(callback.message, InaccessibleMessage):
        await callback.answer()
        return
    if callback.message.text != text:  # Telegram refuses an edit that changes nothing
        await callback.message.edit_text(text, reply_markup=markup)
    await callback.answer()


def build_router() -> Router:
    """The assignments feature."""
    router = Router(name=__name__)
    router.message.register(my_tasks, Command("tasks"))
    router.callback_query.register(back_to_list, TaskListCb.filter())
    router.callback_query.register(task_section, TaskCb.filter(F.section.in_(render.SECTIONS)))
    return router
