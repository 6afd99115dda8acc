"""Supervisors' view (issue 12 item 3): ``/overdue`` lists what is late, a button each;
``/progress`` the Art. 22 figures per department with a chart."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from services.accounts import AccountView, Role
from services.progress import ProgressService
from services.reminders import ReminderScanner

from handlers.callbacks import TaskCb
from handlers.i18n import Translator
from handlers.progress_chart import progress_png
from handlers.render import day

MAX_LINES = 30


def _scope(account: AccountView) -> tuple[bool, str | None]:
    """Whether a person may see the figures, and whose: their department's (an admin, a
    supervisor of one department) or the city's (``None``: the organiser, a supervisor
    without a department)."""
    allowed = (account.has(Role.SUPERVISOR) or account.has(Role.ORGANISER)
               or account.has(Role.DEPT_ADMIN))
    city_wide = account.has(Role.ORGANISER) or not account.department_code
    return allowed, None if city_wide else account.department_code


async def overdue(message: Message, *, account: AccountView, reminders: ReminderScanner,
                  tr: Translator) -> None:
    """Late results: a supervisor or admin sees their department's, the organiser all."""
    allowed, scope = _scope(account)
    if not allowed:
        await message.answer(tr("overdue-not-allowed"))
        return
    lines = await reminders.overdue(scope)
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


def _figure(value: int | None) -> str:
    return "—" if value is None else str(value)


async def progress(message: Message, *, account: AccountView, progress: ProgressService,
                   tr: Translator) -> None:
    """Art. 22 figures per department (one's own for an admin), and the chart."""
    allowed, scope = _scope(account)
    if not allowed:
        await message.answer(tr("overdue-not-allowed"))
        return
    rows = await progress.by_department(scope)
    lines = [tr("progress-title")]
    lines.extend(tr("progress-line", department=r.name, tasks=r.tasks, drawn=r.subjects_drawn,
                    visited=_figure(r.visited), results=_figure(r.with_result),
                    on_time=_figure(r.on_time), late=_figure(r.late),
                    referrals=_figure(r.referrals_open)) for r in rows)
    if any(r.visited is None for r in rows):
        lines.append(tr("progress-pending-records"))
    await message.answer("\n".join(lines))
    if rows:
        await message.answer_photo(BufferedInputFile(progress_png(rows, tr), "progress.png"))


def build_router() -> Router:
    """The supervisors' commands."""
    router = Router(name=__name__)
    router.message.register(overdue, Command("overdue"))
    router.message.register(progress, Command("progress"))
    return router
